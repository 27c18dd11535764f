//! A dry run: the signed request that would be sent, shown with its signature withheld, and nothing sent.

use std::io::Write;

use crate::app::deploying::deploy;
use crate::app::failure::Failed;
use crate::app::narrate::made_from;
use crate::app::record::Record;
use crate::app::report::{self, Outcome};
use crate::base::error::Error;
use crate::ci::runner::Runner;
use crate::config::credentials::Plan;
use crate::config::version::{Template, VersionSource};
use crate::config::Config;
use crate::deploy::event::{Outcome as Deployment, Prepared};
use crate::deploy::plan::Mode;
use crate::esa::api::publish_request;
use crate::esa::client::{prepare, Client};
use crate::esa::containers::{redacted, to_parameter};
use crate::esa::credentials::{Credentials, Secret};

/// The AccessKey ID a dry run signs with when no credentials were given.
pub const PLACEHOLDER_ID: &str = "DRYRUN-PLACEHOLDER-ID";

/// The version ID a dry run signs the publish with when the version does not exist yet.
pub const TO_BE_MADE: &str = "ver-to-be-made-by-this-run";

/// Shows the dry run: what reads (with AccessKey credentials) find about the version, and the
/// signed request that would be sent. Nothing is written.
pub async fn dry_run<W: Write>(config: &Config, runner: &mut Runner<W>) -> Result<(), Failed> {
    let prepared = read(config, runner).await?;
    show(config, runner, prepared.as_ref())?;
    Ok(())
}

/// The reads a dry run makes about the version (the name lookup, the base version, the
/// status), when it has keys to read with; it never writes.
async fn read<W: Write>(
    config: &Config,
    runner: &mut Runner<W>,
) -> Result<Option<Prepared>, Failed> {
    let credentials = match (&config.version, &config.credentials) {
        (VersionSource::Id(_), _) => return Ok(None),
        (_, Plan::Static(credentials, _)) => credentials.clone(),
        _ => return Ok(None),
    };
    let client = Client::new(
        config.endpoint.clone(),
        credentials,
        config.signature_version,
    )?;
    let mut record = Record::default();
    Ok(
        match deploy(&client, config, runner, &mut record, Mode::Prepare).await? {
            Deployment::Prepared(prepared) => Some(prepared),
            Deployment::Deployed => None,
        },
    )
}

/// Prints the plan and the signed request, and writes the summary.
fn show<W: Write>(
    config: &Config,
    runner: &mut Runner<W>,
    prepared: Option<&Prepared>,
) -> Result<(), Error> {
    let (version_id, version_lines) = version_plan(config, prepared);
    if !version_lines.is_empty() {
        runner.group("Dry run: the version (nothing is made)");
        for line in &version_lines {
            runner.log(line);
        }
        runner.end_group();
    }
    let (credentials, note) = signer(config);
    let request = publish_request(
        &config
            .publish
            .request(&version_id, config.publish.percentage),
    );
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
    runner.group("Dry run: the signed request that would be sent (nothing is sent)");
    runner.log(&note);
    for line in report::dry_run_lines(config, &config.endpoint.base_url(), &signed) {
        runner.log(&line);
    }
    runner.end_group();
    // What the reads found, for the summary's version rows.
    let found = Record {
        version: match prepared {
            Some(Prepared::Ready(c)) => Some(c.clone()),
            _ => None,
        },
        ..Record::default()
    };
    runner.append_summary(&report::summary(
        Some(config),
        &Outcome::DryRun,
        Some(&found),
    ))?;
    runner.log(&format!(
        "Dry run: would publish {version_id} of {} to {} ({}); nothing was sent",
        config.publish.app_id,
        config.publish.publish_env.as_str(),
        report::rollout(config)
    ));
    Ok(())
}

/// What signs the dry run's request, and the line that says so.
fn signer(config: &Config) -> (Credentials, String) {
    match &config.credentials {
        Plan::Static(c, source) => (c.clone(), format!("credentials: {} (AccessKey {})", source.as_str(), c.redacted_id())),
        Plan::Exchange(x, source) => (
            placeholder(),
            format!(
                "credentials: {} would sign in as {} through STS AssumeRoleWithOIDC at {} (not called in a dry run), so this is signed with a placeholder",
                source.as_str(),
                x.exchange.role_arn,
                config.sts_endpoint.base_url()
            ),
        ),
        Plan::Missing => (
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
