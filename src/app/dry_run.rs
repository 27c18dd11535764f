//! A dry run: the reads it may make, the signed request that would be sent, shown with its signature withheld, and nothing sent. Its words are `words::dry_run`'s.

use std::io::Write;
use std::time::Duration;

use chrono::Utc;

use crate::app::deploying::deploy;
use crate::app::outputs::set_outputs;
use crate::app::service::stats_window;
use crate::base::secret::Secret;
use crate::ci::cancel::Cancel;
use crate::ci::runner::Runner;
use crate::config::credentials::CredentialPlan;
use crate::config::Config;
use crate::esa::api::{publish_request, stats_request};
use crate::esa::client::{prepare, Client};
use crate::esa::credentials::Credentials;
use crate::esa::signing::RpcRequest;
use crate::words::dry_run::{ended_line, plan_lines, request_lines, signer_line, version_plan};
use crate::words::dry_run::{LATER_STEPS, PLACEHOLDER_ID, PLAN_GROUP, REQUEST_GROUP};
use crate::words::dry_run::{STATS_GROUP, VERSION_GROUP};
use crate::words::failure::Failed;
use crate::words::outcome::{VERSION_ID, VERSION_NAME};
use crate::words::record::Record;
use crate::words::summary::{summary, Ending, Summary};
use esa_engine::base::error::Error;
use esa_engine::deploy::event::{Outcome, Prepared};
use esa_engine::deploy::plan::{Plan, VersionSource};

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
        runner.group(VERSION_GROUP);
        for line in &version_lines {
            runner.log(line);
        }
        runner.end_group();
    }
    runner.group(PLAN_GROUP);
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
    runner.log(&ended_line(config, plan, &version_id, reads));
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
    let request = publish_request(&plan.publish.request(version_id, plan.first_share()));
    let lines = signed_lines(config, runner, &request)?;
    runner.group(REQUEST_GROUP);
    runner.log(&signer_line(config));
    for line in lines {
        runner.log(&line);
    }
    if plan.steps.len() > 1 {
        runner.log(LATER_STEPS);
    }
    runner.end_group();
    if let Some(gate) = plan.metric() {
        // The metric gate's first read, as it would go at the first bake's start.
        let now = Utc::now();
        let window = stats_window(now, Duration::ZERO, now);
        let request = stats_request(&config.publish.app_id, &gate.fields(), window);
        let lines = signed_lines(config, runner, &request)?;
        runner.group(STATS_GROUP);
        for line in lines {
            runner.log(&line);
        }
        runner.end_group();
    }
    Ok(())
}

/// `request` signed as it would go on the wire, in lines, with its signature registered as a
/// secret and the AccessKey ID masked.
fn signed_lines<W: Write>(
    config: &Config,
    runner: &mut Runner<W>,
    request: &RpcRequest,
) -> Result<Vec<String>, Error> {
    let signed = prepare(
        request,
        &config.endpoint,
        &signer(config),
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
    let lines = request_lines(config, &config.endpoint.base_url(), &signed);
    Ok(lines.into_iter().map(masked).collect())
}

/// What signs the dry run's request: the keys given, or a placeholder.
fn signer(config: &Config) -> Credentials {
    match &config.credentials {
        CredentialPlan::Static(c, _) => c.clone(),
        CredentialPlan::Exchange(..) | CredentialPlan::Missing => placeholder(),
    }
}

fn placeholder() -> Credentials {
    Credentials {
        access_key_id: PLACEHOLDER_ID.into(),
        access_key_secret: Secret::new("dry-run-placeholder-secret"),
        security_token: None,
    }
}
