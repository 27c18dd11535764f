//! Inputs: an arbitrary environment (`INPUT_*` in both spellings, `PLUGIN_*`, the composite's JSON, the runner's own variables) parsed to a `Config` or to errors. It never panics; an error names an input and comes with no `Config`, so the engine is never built from it; a `Config` builds a plan and its values keep their rules; no secret input's value is ever quoted in a problem.

#![no_main]

use chrono::{TimeZone, Utc};
use esa_publish::ci::env::{spellings, Env};
use esa_publish::config::spec::{INPUTS, SECRET_INPUTS};
use esa_publish::config::{self as inputs};
use esa_publish::deploy::plan::{Mode, Plan};
use libfuzzer_sys::fuzz_target;

/// The runner's variables that change how inputs are read.
const RUNNER: &[&str] = &[
    "GITHUB_ACTIONS",
    "GITHUB_EVENT_NAME",
    "GITHUB_REPOSITORY",
    "GITHUB_SHA",
    "GITHUB_RUN_ID",
    "GITLAB_CI",
    "DRONE",
    "CI_PIPELINE_ID",
    "ESA_PUBLISH_INPUTS",
    "ACTIONS_ID_TOKEN_REQUEST_URL",
    "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
];

/// The start of every secret input's value: a message containing it quotes a secret (a bare
/// value like "dc-provider" is in the text of a message by chance).
const MARKER: &str = "Zq7sEcR3t";

/// One input: NUL-separated `NAME=value` variables, so that the inputs of the example
/// workflows seed it. A line starting with a byte under 32 names a variable by index instead:
/// `\u{1}` to `\u{3}` then the index's character, one spelling of an input (the hosts' four,
/// `ci::env::spellings`); `\u{4}` then it, a runner variable.
fn variables(data: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(data);
    text.split('\0')
        .filter_map(|line| line.split_once('='))
        .map(|(name, value)| (expand(name), value.to_string()))
        .collect()
}

fn expand(name: &str) -> String {
    let mut chars = name.chars();
    let (Some(kind), Some(index)) = (chars.next(), chars.next()) else {
        return name.to_string();
    };
    let index = index as usize;
    match kind as u32 {
        // One of the spellings the hosts use, as `ci::env::spellings` lists them.
        1..=3 => {
            let names = spellings(INPUTS[index % INPUTS.len()].name);
            names[(kind as usize + index) % names.len()].clone()
        }
        4 => RUNNER[index % RUNNER.len()].to_string(),
        _ => name.to_string(),
    }
}

/// Whether `name` is a spelling of a secret input.
fn is_secret(name: &str) -> bool {
    SECRET_INPUTS
        .iter()
        .any(|input| spellings(input).iter().any(|n| n == name))
}

fuzz_target!(|data: &[u8]| {
    // Only a secret's value carries the marker: a message may quote any other value, so a
    // marker found in one of those would be a false alarm, not a leak.
    let vars: Vec<(String, String)> = variables(data)
        .into_iter()
        .map(|(n, v)| match is_secret(&n) {
            true => (n, format!("{MARKER}{v}")),
            false => (n.replace(MARKER, "-"), v.replace(MARKER, "-")),
        })
        .collect();
    let env = Env::from_pairs(vars);
    let now = Utc
        .timestamp_opt(1_700_000_000 + data.len() as i64 * 86_400, 0)
        .unwrap();
    let secrets = [MARKER];
    match inputs::parse(&env, now) {
        Ok(config) => {
            assert!(
                config.publish.app_id.starts_with("app-"),
                "{:?}",
                config.publish.app_id
            );
            assert!(config
                .publish
                .percentage
                .is_none_or(|p| (1..=100).contains(&p)));
            assert!((1..=20).contains(&config.retry.max_attempts));
            for mode in [Mode::Prepare, Mode::Deploy] {
                let plan = Plan::new(&config, mode);
                assert!(!plan.steps.is_empty());
            }
            for warning in &config.warnings {
                for secret in &secrets {
                    assert!(
                        !warning.message.contains(secret),
                        "a warning quotes a secret"
                    );
                }
            }
        }
        Err(rejected) => {
            assert!(!rejected.errors.is_empty(), "refused with no error");
            for problem in rejected.errors.iter().chain(&rejected.warnings) {
                assert!(!problem.input.is_empty());
                for secret in &secrets {
                    assert!(
                        !problem.message.contains(secret),
                        "a problem quotes a secret: {}",
                        problem.message
                    );
                }
            }
        }
    }
});
