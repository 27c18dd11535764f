//! A dry run: the signed request that would be sent, shown with its signature withheld, and nothing sent.

use std::io::Write;

use crate::app::deploying::deploy;
use crate::app::failure::Failed;
use crate::app::gate_words;
use crate::app::narrate::made_from;
use crate::app::outputs::{set_outputs, VERSION_ID, VERSION_NAME};
use crate::app::record::Record;
use crate::app::report;
use crate::app::summary::{summary, Ending, Summary};
use crate::app::words;
use crate::ci::cancel::Cancel;
use crate::ci::runner::Runner;
use crate::config::credentials::CredentialPlan;
use crate::config::Config;
use crate::esa::api::publish_request;
use crate::esa::client::{prepare, Client};
use crate::esa::credentials::{Credentials, Secret};
use esa_engine::base::error::Error;
use esa_engine::base::values::show_duration;
use esa_engine::deploy::event::{Outcome, Prepared};
use esa_engine::deploy::plan::IfBusy;
use esa_engine::deploy::plan::Plan;
use esa_engine::deploy::plan::{Template, VersionSource};
use esa_engine::esa::containers::{redacted, to_parameter};

/// The AccessKey ID a dry run signs with when no credentials were given.
pub const PLACEHOLDER_ID: &str = "DRYRUN-PLACEHOLDER-ID";

/// The version ID a dry run signs the publish with when the version does not exist yet.
pub const TO_BE_MADE: &str = "ver-to-be-made-by-this-run";

/// Shows the dry run: what reads (with AccessKey credentials) find about the version, the
/// plan of steps, and the signed request that would be sent first. Nothing is written.
pub async fn dry_run<W: Write>(
    config: &Config,
    plan: &Plan,
    runner: &mut Runner<W>,
    cancel: &Cancel,
) -> Result<(), Failed> {
    let mut record = Record::default();
    let prepared = read(config, plan, runner, &mut record, cancel).await?;
    show(config, plan, runner, prepared.as_ref(), &record)?;
    Ok(())
}

/// The reads a dry run makes about the version (the name lookup, the base version, the
/// status) and about what `keep-versions` would delete, when it has keys to read with; it
/// never writes.
async fn read<W: Write>(
    config: &Config,
    plan: &Plan,
    runner: &mut Runner<W>,
    record: &mut Record,
    cancel: &Cancel,
) -> Result<Option<Prepared>, Failed> {
    // A version given by ID needs no read, unless `keep-versions` has deletions to plan.
    let nothing_to_read =
        matches!(config.version, VersionSource::Id(_)) && config.aftercare.keep_versions == 0;
    let credentials = match &config.credentials {
        CredentialPlan::Static(credentials, _) if !nothing_to_read => credentials.clone(),
        _ => return Ok(None),
    };
    let client = Client::new(
        config.endpoint.clone(),
        credentials,
        config.signature_version,
    )?;
    Ok(
        match deploy(&client, config, plan, runner, record, cancel).await? {
            Outcome::Prepared(prepared) => Some(prepared),
            Outcome::Deployed | Outcome::Unchanged => None,
        },
    )
}

/// The steps the run would take, one line each.
fn plan_lines(plan: &Plan, version_id: &str) -> Vec<String> {
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
            words::share(*share)
        ));
        if !plan.checks.is_empty() {
            lines.push(format!("step {}/{total}: the health gate (below)", i + 1));
        } else if i + 1 < total && !plan.step_wait.is_zero() {
            let bake = show_duration(plan.step_wait);
            lines.push(format!("bake {bake} (`step-wait`)"));
        }
    }
    lines.extend(gate_words::plan(plan));
    if plan.rollback_on_failure {
        lines.push(
            "if a step fails: roll back to the version that serves now (`rollback-on-failure`)"
                .into(),
        );
    }
    lines
}

/// The version's outputs a dry run can set: its ID when it is known, its name when it is.
fn version_outputs<W: Write>(runner: &mut Runner<W>, config: &Config, prepared: Option<&Prepared>) {
    let (id, name) = match (prepared, &config.version) {
        (_, VersionSource::Id(id)) => (Some(id.as_str()), None),
        (Some(Prepared::Ready(c)), _) => (Some(c.version_id.as_str()), c.name.as_deref()),
        (Some(Prepared::Creating { version_id, name }), _) => {
            (Some(version_id.as_str()), Some(name.as_str()))
        }
        (_, source) => (None, source.name()),
    };
    let mut outputs = Vec::new();
    if let Some(id) = id {
        outputs.push((VERSION_ID, id.to_string()));
    }
    if let Some(name) = name {
        outputs.push((VERSION_NAME, name.to_string()));
    }
    set_outputs(runner, &outputs);
}

/// Prints the plan and the signed request, and writes the summary.
fn show<W: Write>(
    config: &Config,
    plan: &Plan,
    runner: &mut Runner<W>,
    prepared: Option<&Prepared>,
    read: &Record,
) -> Result<(), Error> {
    let reads = read.calls.as_slice();
    let (version_id, version_lines) = version_plan(config, prepared);
    if !version_lines.is_empty() {
        runner.group("Dry run: the version (nothing is made)");
        for line in &version_lines {
            runner.log(line);
        }
        runner.end_group();
    }
    runner.group("Dry run: the plan");
    for line in plan_lines(plan, &version_id) {
        runner.log(&line);
    }
    runner.end_group();
    show_request(config, plan, runner, &version_id)?;
    version_outputs(runner, config, prepared);
    let found = Record {
        version: match prepared {
            Some(Prepared::Ready(c)) => Some(c.clone()),
            _ => None,
        },
        would_delete: read.would_delete.clone(),
        ..Record::default()
    };
    let warnings = runner.warnings().to_vec();
    runner.append_summary(&summary(&Summary {
        config: Some(config),
        plan: Some(plan),
        outcome: Ending::DryRun { reads },
        record: Some(&found),
        warnings: &warnings,
    }))?;
    let what = match reads.len() {
        0 => "nothing was sent".to_string(),
        n => format!(
            "{n} read call(s) were made ({}), and nothing was changed",
            reads.join(", ")
        ),
    };
    runner.log(&format!(
        "Dry run: would publish {version_id} of {} to {} ({}); {what}",
        config.publish.app_id,
        config.publish.publish_env.as_str(),
        report::rollout(plan)
    ));
    Ok(())
}

/// The first step's signed request, as it would go on the wire: the signature withheld, the
/// AccessKey ID masked as everywhere else.
fn show_request<W: Write>(
    config: &Config,
    plan: &Plan,
    runner: &mut Runner<W>,
    version_id: &str,
) -> Result<(), Error> {
    let (credentials, note) = signer(config);
    let request = publish_request(&plan.publish.request(version_id, plan.first_share()));
    let signed = prepare(
        &request,
        &config.endpoint,
        &credentials,
        config.signature_version,
    )?;
    // A dry run's request was never sent, so its nonce is unused: a printed signature could be
    // replayed by anyone reading the log within the 15-minute window. Never print it.
    for (_, value) in &signed.headers {
        if let Some((_, sig)) = value.split_once("Signature=") {
            runner.add_secret(sig);
        }
    }
    if let Some((_, sig)) = signed.path_and_query.split_once("&Signature=") {
        runner.add_secret(sig);
    }
    let masked = |line: String| match &config.credentials {
        CredentialPlan::Static(c, _) => line.replace(&c.access_key_id, &c.redacted_id()),
        _ => line,
    };
    runner.group("Dry run: the signed request of the first step (nothing is sent)");
    runner.log(&note);
    for line in report::dry_run_lines(config, &config.endpoint.base_url(), &signed) {
        runner.log(&masked(line));
    }
    if plan.steps.len() > 1 {
        runner.log("each later step sends the same request with its own Percentage");
    }
    runner.end_group();
    Ok(())
}

/// What signs the dry run's request, and the line that says so.
fn signer(config: &Config) -> (Credentials, String) {
    match &config.credentials {
        CredentialPlan::Static(c, source) => (c.clone(), format!("credentials: {} (AccessKey {})", source.as_str(), c.redacted_id())),
        CredentialPlan::Exchange(x, source) => (
            placeholder(),
            format!(
                "credentials: {} would sign in as {} through STS AssumeRoleWithOIDC at {} (not called in a dry run), so this is signed with a placeholder",
                source.as_str(),
                x.exchange.role_arn,
                config.sts_endpoint.base_url()
            ),
        ),
        CredentialPlan::Missing => (
            placeholder(),
            format!("credentials: none given, so this is signed with an obvious placeholder (AccessKey ID `{PLACEHOLDER_ID}`); the signature is not valid"),
        ),
    }
}

fn placeholder() -> Credentials {
    Credentials {
        access_key_id: PLACEHOLDER_ID.into(),
        access_key_secret: Secret::new("dry-run-placeholder-secret"),
        security_token: None,
    }
}

/// The version the publish would name, and the lines that say how it would be found or made.
fn version_plan(config: &Config, prepared: Option<&Prepared>) -> (String, Vec<String>) {
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
