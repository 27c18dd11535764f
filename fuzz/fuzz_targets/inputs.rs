//! Inputs: an arbitrary environment (`INPUT_*` in both spellings, `PLUGIN_*`, the composite's JSON, the runner's own variables) parsed to a `Config` or to errors, held to the rules the parser exists for. A variable with a value that is no input, and one input in two spellings that disagree, each give an error naming it (the two rules that fixed "`percent: 20` → 100% of prod" and "`dry_run: true` published for real"); a `Config` uses the value each spelling gave (`app-id`, `publish-env`, `version-id`, `percentage`, `dry-run`) and keeps its values' rules; an error names an input and comes with no `Config`; and no secret is quoted in a problem, wherever the secret arrived (a spelling of a secret input, the composite's JSON, the environment's credentials, the ID-token request's bearer).

#![no_main]

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use esa_engine::base::text::shown;
use esa_engine::deploy::plan::Mode;
use esa_engine::deploy::plan::VersionSource;
use esa_publish::ci::env::{spellings, Env};
use esa_publish::config::credentials::ENV_SPELLINGS;
use esa_publish::config::names::{CONFLICTING_INPUTS, UNKNOWN_INPUT};
use esa_publish::config::spec::{INPUTS, RUNNER_INPUTS, SECRET_INPUTS};
use esa_publish::config::{self, Config, Rejected};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// The runner's variables that change how inputs are read, or carry a secret.
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
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "ALIBABA_CLOUD_SECURITY_TOKEN",
    "ALICLOUD_SECRET_KEY",
];

/// The start of every secret's value: a message containing it quotes a secret (a bare
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
        1..=3 => {
            let names = spellings(INPUTS[index % INPUTS.len()].name);
            names[(kind as usize + index) % names.len()].clone()
        }
        4 => RUNNER[index % RUNNER.len()].to_string(),
        _ => name.to_string(),
    }
}

/// Whether a variable carries a secret: a spelling of a secret input, the environment's
/// credentials, or the ID-token request's bearer.
fn is_secret(name: &str) -> bool {
    SECRET_INPUTS
        .iter()
        .any(|input| spellings(input).iter().any(|n| n == name))
        || ENV_SPELLINGS
            .iter()
            .any(|[_, secret, token]| name == *secret || name == *token)
        || name == "ACTIONS_ID_TOKEN_REQUEST_TOKEN"
}

/// The composite's JSON with the marker before each secret input's value.
fn mark_json(json: &str) -> String {
    let Ok(Value::Object(mut object)) = serde_json::from_str::<Value>(json) else {
        return json.to_string();
    };
    for (key, value) in object.iter_mut() {
        if let (true, Value::String(text)) = (SECRET_INPUTS.contains(&key.as_str()), &*value) {
            *value = Value::String(format!("{MARKER}{text}"));
        }
    }
    Value::Object(object).to_string()
}

/// Only secrets carry the marker: a message may quote any other value, so a marker found in
/// one of those would be a false alarm, not a leak.
fn marked(vars: Vec<(String, String)>) -> Vec<(String, String)> {
    vars.into_iter()
        .map(|(n, v)| match (is_secret(&n), n == "ESA_PUBLISH_INPUTS") {
            (true, _) => (n, format!("{MARKER}{v}")),
            (false, true) => (n, mark_json(&v.replace(MARKER, "-"))),
            (false, false) => (n.replace(MARKER, "-"), v.replace(MARKER, "-")),
        })
        .collect()
}

/// The input variables as the environment holds them (a later one replaces an earlier).
fn input_variables(vars: &[(String, String)]) -> BTreeMap<String, String> {
    vars.iter()
        .filter(|(n, _)| n.starts_with("INPUT_") || n.starts_with("PLUGIN_"))
        .map(|(n, v)| (n.clone(), v.clone()))
        .collect()
}

/// What the rules say must be refused: each variable with a value that is no input's
/// spelling (nor the runner's own), and each input whose spellings disagree.
fn must_refuse(given: &BTreeMap<String, String>) -> (Vec<String>, Vec<&'static str>) {
    let runner_own: Vec<String> = RUNNER_INPUTS
        .iter()
        .map(|r| format!("INPUT_{}", r.to_uppercase()))
        .collect();
    let unknown = given
        .iter()
        .filter(|(name, value)| {
            !value.trim().is_empty()
                && !runner_own.contains(name)
                && !INPUTS.iter().any(|i| spellings(i.name).contains(name))
        })
        .map(|(name, _)| name.clone())
        .collect();
    let conflicting = INPUTS
        .iter()
        .filter(|i| {
            let values: Vec<&str> = spellings(i.name)
                .iter()
                .filter_map(|s| given.get(s))
                .map(|v| v.trim())
                .collect();
            values.windows(2).any(|w| w[0] != w[1])
        })
        .map(|i| i.name)
        .collect();
    (unknown, conflicting)
}

/// The value of `input` that was given, whatever its spelling (they agree, or it was refused).
fn given_value<'a>(given: &'a BTreeMap<String, String>, input: &str) -> Option<&'a str> {
    spellings(input)
        .iter()
        .filter_map(|s| given.get(s))
        .map(|v| v.trim())
        .find(|v| !v.is_empty())
}

/// A `Config` uses what was given.
fn check_used(config: &Config, given: &BTreeMap<String, String>) {
    let app_id = given_value(given, "app-id");
    assert_eq!(Some(config.publish.app_id.as_str()), app_id, "app-id");
    let env = given_value(given, "publish-env");
    assert_eq!(
        Some(config.publish.publish_env.as_str()),
        env,
        "publish-env"
    );
    if let Some(v) = given_value(given, "version-id") {
        assert_eq!(
            config.version,
            VersionSource::Id(v.to_string()),
            "version-id"
        );
    }
    if let Some(v) = given_value(given, "percentage") {
        assert_eq!(config.publish.percentage, v.parse().ok(), "percentage");
    }
    let dry_run = given_value(given, "dry-run").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    assert_eq!(config.dry_run, dry_run, "dry-run");
    assert!(config.publish.app_id.starts_with("app-"));
    assert!(config
        .publish
        .percentage
        .is_none_or(|p| (1..=100).contains(&p)));
    assert!((1..=20).contains(&config.retry.max_attempts));
    for mode in [Mode::Prepare, Mode::Deploy] {
        assert!(!config.plan(mode).steps.is_empty());
    }
}

/// The refusal names each rule that was broken.
fn check_refused(rejected: &Rejected, unknown: &[String], conflicting: &[&str]) {
    assert!(!rejected.errors.is_empty(), "refused with no error");
    for problem in &rejected.errors {
        assert!(!problem.input.is_empty());
    }
    for name in unknown {
        assert!(
            rejected
                .errors
                .iter()
                .any(|p| p.code == UNKNOWN_INPUT
                    && p.message.contains(&format!("({})", shown(name)))),
            "{name} is no input, and no error names it: {:?}",
            rejected.errors
        );
    }
    for input in conflicting {
        assert!(
            rejected
                .errors
                .iter()
                .any(|p| p.code == CONFLICTING_INPUTS && p.input == *input),
            "{input} arrives in spellings that disagree, and no error says so: {:?}",
            rejected.errors
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let vars = marked(variables(data));
    let json = vars.iter().any(|(n, _)| n == "ESA_PUBLISH_INPUTS");
    let given = input_variables(&vars);
    let env = Env::from_pairs(vars);
    let now = Utc
        .timestamp_opt(1_700_000_000 + data.len() as i64 * 86_400, 0)
        .unwrap();
    // The composite's JSON is its own handover (its own keys pass, variables are stray):
    // the rules below are those of the variables.
    let (unknown, conflicting) = match json {
        false => must_refuse(&given),
        true => (Vec::new(), Vec::new()),
    };
    match config::parse(&env, now) {
        Ok(config) => {
            assert!(
                unknown.is_empty() && conflicting.is_empty(),
                "accepted, yet {unknown:?} are no inputs and {conflicting:?} disagree"
            );
            if !json {
                check_used(&config, &given);
            }
            for warning in &config.warnings {
                assert!(
                    !warning.message.contains(MARKER),
                    "a warning quotes a secret"
                );
            }
        }
        Err(rejected) => {
            check_refused(&rejected, &unknown, &conflicting);
            for problem in rejected.errors.iter().chain(&rejected.warnings) {
                assert!(
                    !problem.message.contains(MARKER),
                    "a problem quotes a secret: {}",
                    problem.message
                );
            }
        }
    }
});
