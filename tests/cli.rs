//! The binary's command line, run for real: `--help` and `--version` (and their short forms) answer and exit 0 without reading inputs or sending anything; any other argument is a usage error with exit code 2.

use std::process::Command;

use esa_standin::{Config, StandIn, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_APP_ID};
use yaml_rust2::YamlLoader;

/// Runs the binary with these arguments, as at a terminal (no CI system's variables), and a
/// complete set of inputs pointing at `standin`, so that a run that wrongly went ahead would
/// be seen.
fn run(args: &[&str], standin: &StandIn) -> (i32, String, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let outputs = dir.path().join("output");
    std::fs::write(&outputs, "").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_esa-publish"))
        .args(args)
        .env_clear()
        .env("GITHUB_OUTPUT", &outputs)
        .env("INPUT_APP-ID", DEMO_APP_ID)
        .env("INPUT_VERSION-ID", "ver-879626371616510001")
        .env("INPUT_PUBLISH-ENV", "staging")
        .env("INPUT_ACCESS-KEY-ID", DEMO_ACCESS_KEY_ID)
        .env("INPUT_ACCESS-KEY-SECRET", DEMO_ACCESS_KEY_SECRET)
        .env("INPUT_ENDPOINT", standin.url())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        std::fs::read_to_string(&outputs).unwrap(),
    )
}

fn action_inputs() -> Vec<String> {
    action_keys("inputs")
}

fn action_keys(section: &str) -> Vec<String> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/action.yml")).unwrap();
    let doc = YamlLoader::load_from_str(&text).unwrap().remove(0);
    doc[section]
        .as_hash()
        .unwrap()
        .keys()
        .map(|k| k.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn help_lists_every_input_of_action_yml_and_sends_nothing() {
    let s = StandIn::start(Config::default()).unwrap();
    for flag in ["--help", "-h"] {
        let (code, stdout, stderr, outputs) = run(&[flag], &s);
        assert_eq!(code, 0, "{stderr}");
        let inputs = action_inputs();
        assert!(inputs.len() > 30);
        for name in &inputs {
            assert!(
                stdout
                    .lines()
                    .any(|l| l.trim_start().starts_with(&format!("{name} "))),
                "--help does not list `{name}`:\n{stdout}"
            );
        }
        for part in [
            "INPUT_<NAME>",
            "PLUGIN_<NAME>",
            "INPUT_APP_ID=app-88068867578379xxxx",
            "[default: v3]",
            "[required]",
            "EXIT CODES",
        ] {
            assert!(stdout.contains(part), "{part}:\n{stdout}");
        }
        assert!(outputs.is_empty(), "no output was set");
        // Every output too, under OUTPUTS.
        let listed = &stdout[stdout.find("\nOUTPUTS").expect("an OUTPUTS section")..];
        for name in action_keys("outputs") {
            assert!(
                listed
                    .lines()
                    .any(|l| l.trim_start().starts_with(&format!("{name} "))),
                "--help does not list the output `{name}`"
            );
        }
        for line in stdout.lines() {
            assert!(line.chars().count() <= 100, "over 100 columns: {line}");
        }
        assert!(!stdout.contains("OWNER"), "a placeholder URL");
        // A dry run reads; it changes nothing (it does not "send nothing").
        let dry = stdout
            .lines()
            .find(|l| l.trim_start().starts_with("dry-run "))
            .unwrap();
        assert!(
            dry.contains("read calls") && !dry.contains("send nothing"),
            "{dry}"
        );
    }
    assert!(s.requests().is_empty(), "nothing was sent");
}

#[test]
fn version_names_the_binary_and_sends_nothing() {
    let s = StandIn::start(Config::default()).unwrap();
    for flag in ["--version", "-V"] {
        let (code, stdout, _, outputs) = run(&[flag], &s);
        assert_eq!(code, 0);
        assert!(
            stdout.starts_with(&format!("esa-publish {}", env!("CARGO_PKG_VERSION"))),
            "{stdout}"
        );
        assert_eq!(stdout.lines().count(), 1);
        assert!(outputs.is_empty());
    }
    assert!(s.requests().is_empty());
}

#[test]
fn any_other_argument_is_a_usage_error_and_sends_nothing() {
    let s = StandIn::start(Config::default()).unwrap();
    for args in [
        &["--bogus"][..],
        &["publish"],
        &["--help", "--version"],
        &["-x", "::error::hi"],
    ] {
        let (code, stdout, stderr, outputs) = run(args, &s);
        assert_eq!(code, 2, "{args:?}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        assert!(stderr.contains("esa-publish --help"), "{stderr}");
        assert!(stderr.contains("unexpected argument"), "{stderr}");
        assert!(outputs.is_empty());
    }
    assert!(s.requests().is_empty());
}

#[test]
fn no_argument_runs_as_before() {
    let s = StandIn::start(Config::default()).unwrap();
    let (code, stdout, _, outputs) = run(&[], &s);
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(s.publishes().len(), 1);
    assert!(outputs.contains("request-id"));
}
