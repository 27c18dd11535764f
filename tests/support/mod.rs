//! Test helpers: the real binary run as each host runs it (through the `esa-hosts` emulation), the runner's parsers, and readers of the source tree.
#![allow(dead_code, unused_imports)]

use std::collections::BTreeMap;
use std::path::PathBuf;

/// The runner's parsers, the hosts and what a step leaves: from the emulation crate, so that
/// the tests, the demo and `esa-host` share one reading of each host.
pub use esa_hosts::protocol::*;
pub use esa_hosts::{Host, Prepared, Run, Step};

/// The binary under test: this build's, or the one `ESA_PUBLISH_UNDER_TEST` names (to show
/// that a test fails on an older build, or on a wrapper that lies).
pub fn binary() -> PathBuf {
    match std::env::var_os("ESA_PUBLISH_UNDER_TEST") {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => PathBuf::from(env!("CARGO_BIN_EXE_esa-publish")),
    }
}

/// The runner's name for a `with:` key turned back into the key: `INPUT_APP-ID` is what
/// `app-id:` becomes, so `app-id` is what the step wrote (the runner upper-cases, so lower
/// case loses nothing).
fn with_key(variable: &str) -> Option<String> {
    variable
        .strip_prefix("INPUT_")
        .map(|key| key.to_ascii_lowercase())
}

/// A step of the Docker action on the Actions runner, from `vars`: each `INPUT_<KEY>` is the
/// step's `with: <key>`, every other variable the job's `env:`. The runner then sets every
/// declared input (the step's value, else the default, else `""`) and its own variables and
/// files, as it does for every step.
pub fn docker_step(vars: &[(&str, &str)]) -> Step {
    vars.iter()
        .fold(Step::on(Host::Docker), |step, (k, v)| match with_key(k) {
            Some(key) => step.with(&key, v),
            None => step.env(k, v),
        })
}

/// Runs the real binary as the Actions runner runs the Docker action, with `vars` as in
/// [`docker_step`].
pub fn run_binary(vars: &[(&str, &str)]) -> Run {
    docker_step(vars).run(&binary())
}

/// Runs the real binary on another host: `settings` are the step's settings (Drone,
/// Woodpecker) or variables (GitLab, plain), named by that host's rules; `env` the job's.
pub fn run_on(host: Host, settings: &[(&str, &str)], env: &[(&str, &str)]) -> Run {
    let step = settings
        .iter()
        .fold(Step::on(host), |step, (k, v)| step.with(k, v));
    env.iter()
        .fold(step, |step, (k, v)| step.env(k, v))
        .run(&binary())
}

/// Every `.rs` file under the crate's `src/`: its path below `src/` (with `/`), and its text.
pub fn rust_sources() -> BTreeMap<String, String> {
    rust_files("src")
}

/// Every `.rs` file below `dir` (relative to the crate), by path below it.
pub fn rust_files(dir: &str) -> BTreeMap<String, String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files = BTreeMap::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                files.insert(relative, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    files
}

/// Every string literal outside comments, with its line: `"…"`, raw `r#"…"#` and byte
/// strings, escapes left as written. Char literals and lifetimes are stepped over.
pub fn string_literals(text: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = text.chars().collect();
    let (mut found, mut line, mut i) = (Vec::new(), 1, 0);
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
        }
        if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '\'' {
            // A char literal ('x', '\n', '"'); a lifetime has no closing quote nearby.
            let end = if at(i + 1) == '\\' { i + 3 } else { i + 2 };
            i = if at(end) == '\'' { end + 1 } else { i + 1 };
            continue;
        }
        let raw = c == 'r' && (at(i + 1) == '"' || at(i + 1) == '#');
        if c == '"' || raw {
            let start_line = line;
            let mut j = i + usize::from(raw);
            let hashes = chars[j..].iter().take_while(|c| **c == '#').count();
            j += hashes + 1;
            let mut literal = String::new();
            while j < chars.len() {
                let d = chars[j];
                if d == '"'
                    && (raw || chars[j - 1] != '\\' || chars[j - 2] == '\\')
                    && chars[j + 1..].iter().take_while(|c| **c == '#').count() >= hashes
                {
                    break;
                }
                if d == '\n' {
                    line += 1;
                }
                literal.push(d);
                j += 1;
            }
            found.push((start_line, literal));
            i = j + 1 + hashes;
            continue;
        }
        i += 1;
    }
    found
}

/// The stand-in's demo app and keys with `endpoint` and fast polling, then `extra`, each of
/// which replaces a variable of the same name or adds one; runs the binary with them.
pub fn run_against(endpoint: &str, extra: &[(&str, &str)]) -> Run {
    let mut vars: Vec<(&str, &str)> = vec![
        ("INPUT_APP-ID", esa_standin::DEMO_APP_ID),
        ("INPUT_ACCESS-KEY-ID", esa_standin::DEMO_ACCESS_KEY_ID),
        (
            "INPUT_ACCESS-KEY-SECRET",
            esa_standin::DEMO_ACCESS_KEY_SECRET,
        ),
        ("INPUT_ENDPOINT", endpoint),
        ("INPUT_POLL-INTERVAL", "100ms"),
    ];
    for (k, v) in extra {
        vars.retain(|(name, _)| name != k);
        vars.push((k, v));
    }
    run_binary(&vars)
}

/// The commit and run of a GitHub run, as a new version's name and remarks take them.
pub const COMMIT: (&str, &str) = ("GITHUB_SHA", "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d");
pub const REPOSITORY: (&str, &str) = ("GITHUB_REPOSITORY", "acme/shop");

/// No command but the run's own: nothing set an output, added a mask or stopped the runner.
pub fn assert_no_forged_commands(run: &Run) {
    for c in run.commands() {
        assert!(
            matches!(
                c.name.as_str(),
                "error" | "warning" | "notice" | "debug" | "group" | "endgroup"
            ),
            "a forged `{}` command: {c:?}\n{}",
            c.name,
            run.stdout
        );
    }
    assert!(!run.stdout.contains("##["), "{}", run.stdout);
    assert!(!run.summary.contains("##["), "{}", run.summary);
}

/// Runs `vars` as the Docker action's step, waits until `standin` has received `action`
/// `times` times, lets `settle` pass, then cancels as the runner does with `signal` (`TERM`,
/// `INT`) to the binary: what the run left.
pub fn cancelled_run(
    standin: &esa_standin::StandIn,
    vars: &[(&str, &str)],
    (action, times): (&str, usize),
    settle: std::time::Duration,
    signal: &str,
) -> Run {
    use std::time::{Duration, Instant};
    let prepared = docker_step(vars).prepare(&binary());
    let child = prepared
        .command()
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while standin.requests_of(action).len() < times {
        assert!(
            Instant::now() < deadline,
            "{action} never came {times} time(s)"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(settle);
    let killed = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success(), "kill -{signal} failed");
    prepared.finish(child.wait_with_output().unwrap())
}
