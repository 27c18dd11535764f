//! The words of a dry run: how the version would be found or made (the create request parameter by parameter, secrets as `***`), the plan of steps, what signs the request, the request as it would go on the wire, and the last line.

use crate::config::credentials::CredentialPlan;
use crate::config::Config;
use crate::esa::signing::SignedRequest;
use crate::words::checks;
use crate::words::narrate::made_from;
use crate::words::phrases;
use crate::words::report::{rollout, signature_name};
use esa_engine::base::values::show_duration;
use esa_engine::deploy::event::Prepared;
use esa_engine::deploy::plan::{IfBusy, Plan, Template, VersionSource};
use esa_engine::esa::containers::{redacted, to_parameter};
use esa_engine::esa::model::SignatureVersion;

/// The AccessKey ID a dry run signs with when no credentials were given.
pub const PLACEHOLDER_ID: &str = "DRYRUN-PLACEHOLDER-ID";

/// The version ID a dry run signs the publish with when the version does not exist yet.
pub const TO_BE_MADE: &str = "ver-to-be-made-by-this-run";

/// The line that says what signs the dry run's request.
pub fn signer_line(config: &Config) -> String {
    match &config.credentials {
        CredentialPlan::Static(c, source) => format!("credentials: {} (AccessKey {})", source.as_str(), c.redacted_id()),
        CredentialPlan::Exchange(x, source) => format!(
            "credentials: {} would sign in as {} through STS AssumeRoleWithOIDC at {} (not called in a dry run), so this is signed with a placeholder",
            source.as_str(),
            x.exchange.role_arn,
            config.sts_endpoint.base_url()
        ),
        CredentialPlan::Missing => format!("credentials: none given, so this is signed with an obvious placeholder (AccessKey ID `{PLACEHOLDER_ID}`); the signature is not valid"),
    }
}

/// The last line of a dry run: what it would publish, and the reads it made.
pub fn ended_line(config: &Config, plan: &Plan, version_id: &str, reads: &[&str]) -> String {
    let what = match reads.len() {
        0 => "nothing was sent".to_string(),
        n => format!(
            "{n} read call(s) were made ({}), and nothing was changed",
            reads.join(", ")
        ),
    };
    format!(
        "Dry run: would publish {version_id} of {} to {} ({}); {what}",
        config.publish.app_id,
        config.publish.publish_env.as_str(),
        rollout(plan)
    )
}

/// The group of lines about the version.
pub const VERSION_GROUP: &str = "Dry run: the version (nothing is made)";

/// The group of lines about the plan.
pub const PLAN_GROUP: &str = "Dry run: the plan";

/// The group of lines about the signed request.
pub const REQUEST_GROUP: &str = "Dry run: the signed request of the first step (nothing is sent)";

/// The group of lines about the metric gate's first read.
pub const STATS_GROUP: &str = "Dry run: the metric gate's first read (nothing is sent)";

/// Said after the request when the rollout has more steps.
pub const LATER_STEPS: &str = "each later step sends the same request with its own Percentage";

/// The steps the run would take, one line each.
pub fn plan_lines(plan: &Plan, version_id: &str) -> Vec<String> {
    let busy = match plan.if_busy {
        IfBusy::Fail => "stop if another publish or a rollback is under way",
        IfBusy::Wait => "wait while another publish or a rollback is under way",
    };
    let mut lines = vec![format!(
        "read the app's status first (the publish lock: {busy})"
    )];
    let total = plan.steps.len();
    for (i, share) in plan.steps.iter().enumerate() {
        let follow = match plan.follow {
            true => format!(
                ", then follow it until it serves (within {})",
                show_duration(plan.wait_timeout)
            ),
            false => "; not followed (`wait` is off)".to_string(),
        };
        lines.push(format!(
            "step {}/{total}: publish {version_id} at {}{follow}",
            i + 1,
            phrases::share(*share)
        ));
        if !plan.checks.is_empty() {
            lines.push(format!(
                "step {}/{total}: {} (below)",
                i + 1,
                checks::names(plan)
            ));
        } else if i + 1 < total && !plan.step_wait.is_zero() {
            let bake = show_duration(plan.step_wait);
            lines.push(format!("bake {bake} (`step-wait`)"));
        }
    }
    lines.extend(checks::plan(plan));
    if plan.rollback_on_failure {
        lines.push(
            "if a step fails: roll back to the version that serves now (`rollback-on-failure`)"
                .into(),
        );
    }
    lines
}

/// The version the publish would name, and the lines that say how it would be found or made.
pub fn version_plan(config: &Config, prepared: Option<&Prepared>) -> (String, Vec<String>) {
    let unread = "(not read: a dry run reads only with AccessKey credentials; keyless sign-in is not attempted)";
    let app = &config.publish.app_id;
    match (prepared, &config.version) {
        (_, VersionSource::Id(id)) => (id.clone(), Vec::new()),
        (Some(Prepared::Ready(c)), VersionSource::FromStaging) => (
            c.version_id.clone(),
            vec![format!(
                "would promote {} (`{}`) from staging: staging has published it, runs it ready, and it is created",
                c.version_id,
                c.name.as_deref().unwrap_or("")
            )],
        ),
        (Some(Prepared::Ready(c)), _) => (
            c.version_id.clone(),
            vec![format!(
                "would publish the existing version {} (`{}`), which is created",
                c.version_id,
                c.name.as_deref().unwrap_or("")
            )],
        ),
        (Some(Prepared::Creating { version_id, name }), _) => (
            version_id.clone(),
            vec![format!(
                "would wait until version {version_id} (`{name}`), still creating, is created, then publish it"
            )],
        ),
        (Some(Prepared::ToCreate { name, containers, from }), _) => {
            let mut lines = vec![made_from(name, from)];
            lines.extend(create_lines(config, name, containers));
            (TO_BE_MADE.into(), lines)
        }
        (None, VersionSource::FromStaging) => (
            TO_BE_MADE.into(),
            vec![format!("would promote from staging the version {app} serves there, once staging has published it, runs it ready and it is created {unread}")],
        ),
        (None, VersionSource::Named(name)) => (
            TO_BE_MADE.into(),
            vec![format!("would look up the version of {app} named exactly `{name}` {unread}")],
        ),
        (None, VersionSource::New { name, template }) => {
            let mut lines = vec![format!(
                "would look up a version named `{name}` first, and reuse it if it exists {unread}"
            )];
            match template {
                Template::Spec { containers, .. } => lines.extend(create_lines(config, name, containers)),
                Template::Image { image, base, container } => lines.push(format!(
                    "would copy {} and swap {image} into {}, then send CreateEdgeContainerAppVersion",
                    base.as_deref().unwrap_or("the version the environment serves"),
                    container
                        .as_deref()
                        .map(|c| format!("container `{c}`"))
                        .unwrap_or_else(|| "its one container".into())
                )),
            }
            (TO_BE_MADE.into(), lines)
        }
    }
}

/// The CreateEdgeContainerAppVersion request, parameter by parameter, and the containers as
/// readable JSON; environment values, header values, commands and hooks are shown as `***`
/// (see [`redacted`]): they are copied from a running version, and a public log is public.
fn create_lines(config: &Config, name: &str, containers: &[serde_json::Value]) -> Vec<String> {
    let containers = &redacted(containers);
    let mut lines = vec![
        "would send CreateEdgeContainerAppVersion (POST, every parameter in the form body):"
            .to_string(),
        format!("  AppId={}", config.publish.app_id),
        format!("  Name={name}"),
    ];
    if let Some(r) = &config.publish.remarks {
        lines.push(format!("  Remarks={r}"));
    }
    lines.push(format!("  Containers={}", to_parameter(containers)));
    lines.push(
        "the containers, readable (values of environment variables and headers, commands and hooks shown as ***):"
            .into(),
    );
    let pretty = serde_json::to_string_pretty(containers).unwrap_or_default();
    lines.extend(pretty.lines().map(|l| format!("  | {l}")));
    lines.push(format!(
        "then would wait until it is created (every `poll-interval`, within `wait-timeout`), and publish it as {TO_BE_MADE}:"
    ));
    lines
}

/// The dry-run listing: the request as it would go on the wire. The caller's runner scrubs
/// the secret, the token and the signature from every line it prints.
pub fn request_lines(config: &Config, base_url: &str, signed: &SignedRequest) -> Vec<String> {
    let mut lines = vec![format!(
        "signature method: {}",
        signature_name(config.signature_version)
    )];
    lines.push(format!(
        "{} {base_url}{}",
        signed.method, signed.path_and_query
    ));
    for (name, value) in &signed.headers {
        lines.push(format!("header {name}: {value}"));
    }
    lines.push(format!("body: {}", signed.body));
    let label = match config.signature_version {
        SignatureVersion::V3 => "canonical request",
        SignatureVersion::V2 => "canonical query",
    };
    lines.push(format!("{label}:"));
    lines.extend(signed.canonical.split('\n').map(|l| format!("  | {l}")));
    lines.push("string to sign:".into());
    lines.extend(
        signed
            .string_to_sign
            .split('\n')
            .map(|l| format!("  | {l}")),
    );
    lines
}
