//! Inputs that cannot work, refused before anything is sent, as each host runs the binary: image references that break the registry grammar (with the fixed form), regions where ESA has no API endpoint (with the near one; `endpoint` still wins), keys of a step written under `with:`/`settings:`, arguments a CI system gave the binary, and a stray variable from the environment (saying where it came from).

mod support;

use esa_standin::{Config, StandIn, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_APP_ID};
use support::{binary, Host, Run, Step};

/// A step of `host` with these inputs (by their names in action.yml) and job variables, on a
/// complete set of the others, pointed at `s`.
fn step(host: Host, s: &StandIn, inputs: &[(&str, &str)], env: &[(&str, &str)]) -> Step {
    let url = s.url();
    let mut all: Vec<(&str, &str)> = vec![
        ("app-id", DEMO_APP_ID),
        ("access-key-id", DEMO_ACCESS_KEY_ID),
        ("access-key-secret", DEMO_ACCESS_KEY_SECRET),
        ("publish-env", "staging"),
        ("endpoint", &url),
    ];
    if !inputs
        .iter()
        .any(|(k, _)| *k == "image" || *k == "version-id")
    {
        all.push(("version-id", "ver-879626371616510001"));
    }
    for (key, value) in inputs {
        all.retain(|(k, _)| k != key);
        all.push((key, value));
    }
    let step = all
        .iter()
        .fold(Step::on(host), |step, (key, value)| match host {
            // GitLab hands inputs over as the job's variables.
            Host::GitLab => step.with(
                &format!("INPUT_{}", key.to_uppercase().replace('-', "_")),
                value,
            ),
            _ => step.with(key, value),
        });
    env.iter().fold(step, |step, (k, v)| step.env(k, v))
}

/// The run was refused with one error of `title` whose text holds every part of `said`, and
/// the stand-in received nothing.
fn refused(s: &StandIn, r: &Run, title: &str, said: &[&str]) {
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(s.requests().is_empty(), "sent: {:?}", s.requests());
    let text = match r.errors().first() {
        Some(e) => {
            assert_eq!(e.properties["title"], title, "{}", r.stdout);
            e.data.clone()
        }
        // Hosts without workflow commands: the plain line.
        None => {
            let line = format!("error [{title}]: ");
            let at = r
                .stdout
                .find(&line)
                .unwrap_or_else(|| panic!("no {line}: {}", r.stdout));
            r.stdout[at..].lines().next().unwrap().to_string()
        }
    };
    for part in said {
        assert!(text.contains(part), "{part:?} not in: {text}");
    }
}

const HOSTS: [Host; 5] = [
    Host::Docker,
    Host::Composite,
    Host::Drone,
    Host::Woodpecker,
    Host::GitLab,
];

#[test]
fn image_references_that_break_the_grammar_are_refused_with_the_fix() {
    let cases = [
        (
            "https://registry.example.com/shop/web:1.0",
            "has no scheme: `registry.example.com/shop/web:1.0`",
        ),
        (
            "registry.example.com/Shop/Web:1.0",
            "in lower case: `registry.example.com/shop/web:1.0`",
        ),
        (
            "registry.example.com/shop/web:latest:v2",
            "`:latest:v2` is more than one tag",
        ),
        (
            "registry.example.com/shop/web@sha256:nothex",
            "64 lower-case hex digits",
        ),
        (
            "registry.example.com/shop/web:",
            "leave the `:` out (`registry.example.com/shop/web`)",
        ),
    ];
    for host in HOSTS {
        for (image, fix) in cases {
            let s = StandIn::start(Config::default()).unwrap();
            let r = step(host, &s, &[("image", image)], &[]).run(&binary());
            refused(&s, &r, "InvalidParameter", &["input `image`", fix]);
        }
    }
}

#[test]
fn a_region_without_an_api_endpoint_is_refused_with_the_near_one() {
    for host in HOSTS {
        for (region, near) in [
            ("cn-hangzou", "cn-hangzhou"),
            ("ap-southeast1", "ap-southeast-1"),
        ] {
            let s = StandIn::start(Config::default()).unwrap();
            // Without `endpoint`, the region decides where the calls go.
            let mut r = step(host, &s, &[("region", region)], &[]);
            r = match host {
                Host::GitLab => r.with("INPUT_ENDPOINT", ""),
                _ => r.with("endpoint", ""),
            };
            let r = r.run(&binary());
            refused(
                &s,
                &r,
                "InvalidParameter",
                &[
                    &format!("ESA's API has no endpoint in `{region}`"),
                    &format!(". Did you mean `{near}`?"),
                    "set `endpoint` (it wins over `region`)",
                ],
            );
        }
    }
    // A set endpoint still wins: the region is not where the calls go.
    let s = StandIn::start(Config::default()).unwrap();
    let r = step(Host::Docker, &s, &[("region", "eu-central-1")], &[]).run(&binary());
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn keys_of_the_step_under_with_are_refused_where_they_belong() {
    let s = StandIn::start(Config::default()).unwrap();
    let r = step(Host::Docker, &s, &[("timeout-minutes", "10")], &[]).run(&binary());
    refused(&s, &r, "UnknownInput", &[
        "`timeout-minutes` (INPUT_TIMEOUT-MINUTES) is a key of the step, not an input of esa-publish",
        "on the step, beside `uses:` (or on the job), not under `with:`",
    ]);
    assert!(
        !r.errors()[0].data.to_lowercase().contains("did you mean"),
        "{}",
        r.stdout
    );
    for host in [Host::Drone, Host::Woodpecker] {
        let s = StandIn::start(Config::default()).unwrap();
        let r = step(host, &s, &[("when", "push")], &[]).run(&binary());
        refused(
            &s,
            &r,
            "UnknownInput",
            &[
                "is a key of the step, not an input of esa-publish",
                "beside `settings:`, not under it",
            ],
        );
    }
}

#[test]
fn arguments_given_to_the_binary_on_a_ci_system_are_refused() {
    let s = StandIn::start(Config::default()).unwrap();
    // The runner hands `with: args` to the container as its arguments.
    let r = step(Host::Docker, &s, &[("args", "--help")], &[]).run(&binary());
    refused(
        &s,
        &r,
        "UnexpectedArguments",
        &[
            "esa-publish was given the argument `--help` on a CI system, where it takes none",
            "remove `args` from `with:`",
            "Nothing was sent.",
        ],
    );
    assert_eq!(r.outputs()["result"], "not-published");
    assert_eq!(r.outputs()["stopped-at"], "inputs");
}

#[test]
fn a_stray_variable_from_the_environment_says_where_it_came_from() {
    let s = StandIn::start(Config::default()).unwrap();
    let r = step(Host::Docker, &s, &[], &[("INPUT_percent", "20")]).run(&binary());
    refused(&s, &r, "UnknownInput", &[
        "`INPUT_percent` comes from the environment (a job's or step's `env:`), not from `with:`",
        "set it to an empty value on this step",
    ]);
    // Set empty on the step, it carries nothing, and the deploy goes ahead.
    let r = step(Host::Docker, &s, &[], &[("INPUT_percent", "")]).run(&binary());
    assert_eq!(r.code, 0, "{}", r.stdout);
    for host in [Host::Drone, Host::Woodpecker] {
        let s = StandIn::start(Config::default()).unwrap();
        let r = step(host, &s, &[], &[("PLUGIN_Percent", "20")]).run(&binary());
        refused(&s, &r, "UnknownInput", &[
            "`PLUGIN_Percent` comes from the environment (the step's `environment:`, or the server's global variables), not from `settings:`",
        ]);
    }
}
