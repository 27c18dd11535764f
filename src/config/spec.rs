//! The action's inputs as declared in `action.yml`: name, whether required, and default (a test keeps the two, the README and the help text in step).

/// One input of the action, as declared in `action.yml` (a test keeps the two in step).
#[derive(Debug, Clone, Copy)]
pub struct InputSpec {
    pub name: &'static str,
    pub required: bool,
    /// The default `action.yml` declares, applied here too for runs outside the runner.
    pub default: Option<&'static str>,
    /// One line for `--help`.
    pub about: &'static str,
}

const fn input(name: &'static str, about: &'static str) -> InputSpec {
    InputSpec {
        name,
        required: false,
        default: None,
        about,
    }
}

const fn required(name: &'static str, about: &'static str) -> InputSpec {
    InputSpec {
        name,
        required: true,
        default: None,
        about,
    }
}

const fn with_default(name: &'static str, default: &'static str, about: &'static str) -> InputSpec {
    InputSpec {
        name,
        required: false,
        default: Some(default),
        about,
    }
}

/// Every input the action reads.
pub const INPUTS: &[InputSpec] = &[
    required("app-id", "the application ID, app-…"),
    input("version-id", "publish this version, ver-… (one of version-id, version-name, image, version-spec)"),
    input("version-name", "alone: the existing version with this exact name; with image or version-spec: the new version's name"),
    input("image", "make a new version from base-version with this image swapped in, then publish it"),
    input("base-version", "with image: the version to copy, a ver-… ID or exact name (default: what publish-env serves)"),
    input("container-name", "with image: the container that takes the image (needed with several)"),
    input("version-spec", "make a new version from this JSON file of Containers, then publish it"),
    input("promote-from", "staging: publish to prod the version staging serves, once it is published, running and created"),
    required("publish-env", "prod or staging"),
    input("percentage", "share of traffic, 1 to 100 (service default 100)"),
    input("start-time", "when to start, RFC 3339 (default now)"),
    input("remarks", "free text stored with the publish (default: the commit and run)"),
    input("publish-type", "percentage or region"),
    input("regions", "regions for publish-type region: comma-separated or a JSON array"),
    input("full-release", "true or false, for a region publish"),
    input("access-key-id", "AccessKey ID (from a secret)"),
    input("access-key-secret", "AccessKey secret (from a secret; never printed)"),
    input("security-token", "STS security token, with a temporary AccessKey"),
    input("role-arn", "keyless sign-in: the RAM role to assume with the GitHub ID token"),
    input("oidc-provider-arn", "keyless sign-in: the RAM OIDC provider that trusts GitHub"),
    input("role-session-name", "keyless sign-in: the role session name (default from the repository and run)"),
    with_default("role-duration-seconds", "3600", "keyless sign-in: how long the credentials last, 900 to 43200"),
    input("audience", "keyless sign-in: the ID token's audience (default GitHub's)"),
    input("sts-endpoint", "where AssumeRoleWithOIDC is called (default sts.aliyuncs.com)"),
    with_default("export-credentials", "false", "true hands the credentials to later steps through GITHUB_ENV"),
    with_default("region", "cn-hangzhou", "the endpoint is esa.<region>.aliyuncs.com"),
    input("endpoint", "overrides region: a host or URL (http:// only for loopback)"),
    with_default("signature-version", "v3", "v3 (ACS3-HMAC-SHA256) or v2 (HMAC-SHA1)"),
    with_default("dry-run", "false", "true: validate, make the read calls the plan needs, print the plan and the signed request; change nothing"),
    with_default("max-attempts", "4", "attempts per API call, 1 to 20"),
    with_default("timeout", "120s", "deadline of each API call with its retries"),
    with_default("wait", "false", "true: follow the rollout until the version serves"),
    with_default("wait-timeout", "15m", "how long to wait for a rollout, a busy app or a new version"),
    with_default("poll-interval", "10s", "how often to read the status while waiting"),
    input("percentage-steps", "a staged rollout, e.g. 10,50,100 (each step waited for)"),
    with_default("step-wait", "5m", "bake time between steps"),
    with_default("rollback-on-failure", "false", "true: roll back to the previous version when the rollout fails"),
    with_default("if-busy", "fail", "fail or wait when another publish is under way"),
    input("health-url", "probe this URL while each step bakes; failures in a row fail the step (https; http only for loopback)"),
    with_default("health-status", "200-399", "with health-url: the statuses that count as healthy, codes or ranges"),
    with_default("health-failures", "3", "with health-url: how many failed probes in a row fail a step, 1 to 100"),
    input("metric-gate", "hold each step's bake to the app's own telemetry, one `FIELD OP NUMBER` a line (e.g. pod_ready_rate >= 99)"),
    with_default("metric-failures", "3", "with metric-gate: how many readings in a row that do not pass (no data included) fail a step, 1 to 100"),
    with_default("metric-gate-mode", "enforce", "with metric-gate: enforce, or observe (read and report, never fail)"),
    with_default("logs-on-failure", "auto", "lines of the app's log shown when a rollout fails: auto (private repositories only), 0 (off) to 5000"),
    with_default("keep-versions", "0", "after a publish, delete the oldest versions this action made so that this many remain (0 keeps all)"),
    input("require-label", "publish only if the pull request carries this label"),
    input("percentage-from-label", "a label <prefix><n> sets the percentage to n"),
    with_default("pr-comment", "false", "true: on a pull request, write one comment with the deploy's result and, on staging, how to reach it (updated on each run)"),
    input("github-token", "with pr-comment: the token that writes the comment (action.yml's default is the job's token)"),
    with_default("ci-system", "auto", "auto, github, gitlab, drone, woodpecker or plain"),
    input("dotenv-file", "also write the outputs as NAME=value lines to this file"),
];

/// The inputs whose values are secrets: registered with the runner before anything is printed,
/// and never shown, not even in an input error.
pub const SECRET_INPUTS: &[&str] = &["access-key-secret", "security-token", "github-token"];

/// The composite action's own inputs (`setup/action.yml`): it reads them itself, to download
/// the binary, and hands them over with the rest, so the binary lets them pass there.
pub const SETUP_INPUTS: &[&str] = &["version", "sha256", "verify-attestation", "binary"];

/// The `with:` keys the runner accepts for every Docker action and handles itself: `args`
/// becomes the container's arguments, `entrypoint` replaces its entrypoint. It sets them as
/// `INPUT_ARGS` and `INPUT_ENTRYPOINT` too, which are its variables, not inputs.
pub const RUNNER_INPUTS: &[&str] = &["args", "entrypoint"];

/// The spec of an input, if the action has it.
pub fn find(name: &str) -> Option<&'static InputSpec> {
    INPUTS.iter().find(|i| i.name == name)
}

/// The default `action.yml` declares for an input, if any.
pub fn default_of(name: &str) -> Option<&'static str> {
    find(name).and_then(|i| i.default)
}
