//! The action run exactly as its hosts run it, with only what a workflow writes: the runner's Docker action (every declared input set, its default where the step gives none), the composite (the step's `inputs` as JSON), Drone and Woodpecker. A default is no choice; a name that is no input, and one input in two spellings that disagree, are refused with nothing sent.

mod support;

use esa_standin::versions::container;
use esa_standin::{Config, StandIn, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_APP_ID};
use support::{binary, Host, Run, Step};

const VERSION: &str = "ver-879626371616510001";

/// A step on `host` with the stand-in's keys and address, and `with`.
fn step(host: Host, url: &str, with: &[(&str, &str)]) -> Step {
    [
        ("access-key-id", DEMO_ACCESS_KEY_ID),
        ("access-key-secret", DEMO_ACCESS_KEY_SECRET),
        ("endpoint", url),
    ]
    .iter()
    .chain(with)
    .fold(Step::on(host), |step, (k, v)| step.with(k, v))
}

fn refused(s: &StandIn, run: &Run, host: Host, title: &str, part: &str) {
    assert_eq!(run.code, 1, "{host:?}: {}", run.stdout);
    let said = match host {
        Host::Docker | Host::Composite => run
            .errors()
            .iter()
            .any(|e| e.properties["title"] == title && e.data.contains(part)),
        _ => run.stdout.contains(&format!("error [{title}]: ")) && run.stdout.contains(part),
    };
    assert!(
        said,
        "{host:?}: no {title} saying {part:?}:\n{}",
        run.stdout
    );
    assert!(s.requests().is_empty(), "{host:?}: nothing is sent");
}

#[test]
fn only_the_required_inputs_and_keys_publish_once_on_every_host() {
    for host in [Host::Docker, Host::Composite, Host::Drone, Host::Woodpecker] {
        let s = StandIn::start(Config::default()).unwrap();
        let with = [
            ("app-id", DEMO_APP_ID),
            ("version-id", VERSION),
            ("publish-env", "staging"),
        ];
        let run = step(host, &s.url(), &with).run(&binary());
        assert_eq!(run.code, 0, "{host:?}: {}\n{}", run.stdout, run.stderr);
        assert!(
            run.errors().is_empty() && run.warnings().is_empty(),
            "{}",
            run.stdout
        );
        assert_eq!(s.publishes().len(), 1, "{host:?}: one publish");
        if matches!(host, Host::Docker | Host::Composite) {
            assert_eq!(run.outputs()["request-id"], s.publishes()[0].request_id);
            assert_eq!(run.outputs()["version-id"], VERSION);
        }
    }
}

#[test]
fn the_composite_hands_the_binary_its_inputs_as_json_and_no_input_variable() {
    let prepared = Step::on(Host::Composite)
        .with("app-id", DEMO_APP_ID)
        .with("percentage_steps", "10,50,100")
        .prepare(&binary());
    let env = prepared.env();
    let stray: Vec<&String> = env.keys().filter(|k| k.starts_with("INPUT_")).collect();
    assert!(stray.is_empty(), "{stray:?}");
    let inputs: serde_json::Value = serde_json::from_str(&env["ESA_PUBLISH_INPUTS"]).unwrap();
    assert_eq!(inputs["app-id"], DEMO_APP_ID);
    // The key the step wrote, declared or not, beside each declared input's default.
    assert_eq!(inputs["percentage_steps"], "10,50,100");
    assert_eq!(inputs["percentage-steps"], "");
    assert_eq!(inputs["health-status"], "200-399");
    assert_eq!(inputs["binary"], binary().display().to_string());
}

#[test]
fn a_name_that_is_no_input_is_refused_on_every_host_with_the_nearest_input() {
    for host in [Host::Docker, Host::Composite, Host::Drone, Host::Woodpecker] {
        for (key, hint) in [
            ("percent", "did you mean `percentage`?"),
            ("steps", "did you mean `percentage-steps`?"),
            ("rollback", "did you mean `rollback-on-failure`?"),
            ("publish-environment", "did you mean `publish-env`?"),
            ("healthcheck-url", "did you mean `health-url`?"),
            (
                "version",
                "did you mean `version-id`, `version-name` or `base-version`?",
            ),
        ] {
            if host == Host::Composite && key == "version" {
                continue; // the composite's own input: the release it downloads
            }
            let s = StandIn::start(Config::default()).unwrap();
            let with = [
                ("app-id", DEMO_APP_ID),
                ("version-id", VERSION),
                ("publish-env", "prod"),
                (key, "20"),
            ];
            let run = step(host, &s.url(), &with).run(&binary());
            refused(
                &s,
                &run,
                host,
                "UnknownInput",
                &format!("is not an input of esa-publish; {hint}"),
            );
        }
    }
}

#[test]
fn an_underscored_input_beside_the_runners_default_is_refused_on_both_github_hosts() {
    for host in [Host::Docker, Host::Composite] {
        for (key, value) in [
            ("dry_run", "true"),
            ("rollback_on_failure", "true"),
            ("if_busy", "wait"),
            ("wait_timeout", "1h"),
            ("keep_versions", "5"),
            ("step_wait", "1m"),
            ("percentage_steps", "10,50,100"),
        ] {
            let s = StandIn::start(Config::default()).unwrap();
            let with = [
                ("app-id", DEMO_APP_ID),
                ("version-id", VERSION),
                ("publish-env", "prod"),
                (key, value),
            ];
            let run = step(host, &s.url(), &with).run(&binary());
            let declared = key.replace('_', "-");
            refused(
                &s,
                &run,
                host,
                "ConflictingInputs",
                &format!("spelled as action.yml declares it: `{declared}`"),
            );
        }
    }
}

/// Each way to name the version, with nothing but what it needs.
fn sources() -> Vec<(&'static str, &'static str)> {
    vec![
        ("version-id", VERSION),
        ("version-name", "initial-version"),
        ("image", "registry.example.com/shop/web:2.0.0"),
        ("version-spec", "spec.json"),
    ]
}

#[test]
fn no_source_environment_or_wait_reports_an_input_problem_with_only_its_required_inputs() {
    let s = StandIn::start(Config::default()).unwrap();
    let spec = serde_json::json!([container("web", "registry.example.com/shop/web:2.0.0")]);
    let mut runs = 0;
    for host in [Host::Docker, Host::Composite] {
        for (source, value) in sources() {
            for publish_env in ["staging", "prod"] {
                for wait in [None, Some("true")] {
                    let mut with = vec![
                        ("app-id", DEMO_APP_ID),
                        ("publish-env", publish_env),
                        (source, value),
                        ("dry-run", "true"),
                    ];
                    with.extend(wait.map(|w| ("wait", w)));
                    let run = step(host, &s.url(), &with)
                        .workspace_file("spec.json", &spec.to_string())
                        .run(&binary());
                    let case = format!("{host:?} {source} {publish_env} wait={wait:?}");
                    assert_eq!(run.code, 0, "{case}: {}\n{}", run.stdout, run.stderr);
                    assert!(run.errors().is_empty(), "{case}: {:?}", run.errors());
                    assert!(run.warnings().is_empty(), "{case}: {:?}", run.warnings());
                    assert!(run.summary.contains("dry run"), "{case}: {}", run.summary);
                    runs += 1;
                }
            }
        }
    }
    assert_eq!(runs, 32);
    assert_eq!(s.publishes().len(), 0, "a dry run publishes nothing");
}

/// Every test that runs the real binary goes through a host's emulation (`tests/support`), so
/// it sees exactly what a host passes: feeding the binary only the variables a test names once
/// let every GitHub run without `health-url` fail while every test passed. `tests/cli.rs` runs
/// it as a person at a terminal does, with arguments.
#[test]
fn every_test_of_the_binary_runs_it_as_a_host_does() {
    let bypass: Vec<String> = support::rust_files("tests")
        .into_iter()
        .filter(|(name, _)| name != "support/mod.rs" && name != "cli.rs")
        .filter(|(_, text)| text.contains(concat!("CARGO_BIN_EXE_", "esa-publish")))
        .map(|(name, _)| name)
        .collect();
    assert!(
        bypass.is_empty(),
        "these run the binary around the emulation: {bypass:?}"
    );
}

/// No rule may ask whether an input "was given": the runner passes every default as if
/// written. `config` reads inputs only through `Reader::get` (value, else default), and
/// `config::names` alone looks at how each arrived.
#[test]
fn config_never_asks_whether_an_input_was_given() {
    let sources = support::rust_sources();
    for (name, text) in sources.iter().filter(|(n, _)| n.starts_with("config/")) {
        assert!(!text.contains("fn given"), "src/{name}: a `given` rule");
        if name != "config/reader.rs" && name != "config/names.rs" {
            for call in [".input(", ".input_values("] {
                assert!(
                    !text.contains(call),
                    "src/{name} reads `{call}` around the reader"
                );
            }
        }
    }
}
