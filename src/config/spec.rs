//! The action's inputs as declared in `action.yml`: name, whether required, and default (a test keeps the two, the README and the help text in step).

use crate::ci::env::{spellings, Env};

/// One input of the action, as declared in `action.yml` (a test keeps the two in step).
#[derive(Debug, Clone, Copy)]
pub struct InputSpec {
    pub name: &'static str,
    pub required: bool,
    /// The default `action.yml` declares, applied here too for runs outside the runner.
    pub default: Option<&'static str>,
}

const fn input(name: &'static str) -> InputSpec {
    InputSpec {
        name,
        required: false,
        default: None,
    }
}

const fn required(name: &'static str) -> InputSpec {
    InputSpec {
        name,
        required: true,
        default: None,
    }
}

const fn with_default(name: &'static str, default: &'static str) -> InputSpec {
    InputSpec {
        name,
        required: false,
        default: Some(default),
    }
}

/// Every input the action reads.
pub const INPUTS: &[InputSpec] = &[
    required("app-id"),
    input("version-id"),
    input("version-name"),
    input("image"),
    input("base-version"),
    input("container-name"),
    input("version-spec"),
    required("publish-env"),
    input("percentage"),
    input("start-time"),
    input("remarks"),
    input("publish-type"),
    input("regions"),
    input("full-release"),
    input("access-key-id"),
    input("access-key-secret"),
    input("security-token"),
    input("role-arn"),
    input("oidc-provider-arn"),
    input("role-session-name"),
    with_default("role-duration-seconds", "3600"),
    input("audience"),
    input("sts-endpoint"),
    with_default("export-credentials", "false"),
    with_default("region", "cn-hangzhou"),
    input("endpoint"),
    with_default("signature-version", "v3"),
    with_default("dry-run", "false"),
    with_default("max-attempts", "4"),
    with_default("timeout", "120s"),
    with_default("wait", "false"),
    with_default("wait-timeout", "15m"),
    with_default("poll-interval", "10s"),
    input("percentage-steps"),
    with_default("step-wait", "5m"),
    with_default("rollback-on-failure", "false"),
    with_default("if-busy", "fail"),
    input("require-label"),
    input("percentage-from-label"),
    with_default("ci-system", "auto"),
    input("dotenv-file"),
];

/// `INPUT_*` and `PLUGIN_*` variables that match no input: most often a typo.
pub fn unknown_inputs(env: &Env) -> Vec<String> {
    let known: Vec<String> = INPUTS.iter().flat_map(|i| spellings(i.name)).collect();
    env.names()
        .filter(|k| {
            (k.starts_with("INPUT_") || k.starts_with("PLUGIN_")) && !known.iter().any(|n| n == k)
        })
        .map(str::to_string)
        .collect()
}
