//! One run of the action, start to finish: read the inputs, sign, publish (or show a dry run), and report to the runner.
//!
//! The top layer: it composes `config`, `esa`, `ci` and `deploy`, and nothing imports it but
//! `main.rs`. Its own parts live in `app/`: the text a person reads ([`report`]), the dry run
//! ([`dry_run`]), keyless sign-in ([`sign_in`]) and the log of the deployment's progress
//! ([`progress`]).

pub mod chart;
pub mod cli;
pub mod dry_run;
pub mod progress;
pub mod report;
pub mod sign_in;

use std::io::Write;

use chrono::Utc;

use crate::app::report::Outcome;
use crate::base::error::{Error, InputProblem};
use crate::ci::env::Env;
use crate::ci::event::{self, Gate, LabelRules};
use crate::ci::runner::{Level, Runner};
use crate::config::credentials::{Plan, ENV_SPELLINGS};
use crate::config::version::VersionSource;
use crate::config::{self as inputs, Config};
use crate::deploy;
use crate::deploy::report::Report;
use crate::esa::client::Client;

/// Every output the action sets (a test keeps `action.yml` and the README in step).
pub const OUTPUTS: &[&str] = &[
    REQUEST_ID,
    SKIPPED,
    CREDENTIAL_SOURCE,
    PUBLISH_STATUS,
    PUBLISH_PERCENTAGE,
    DEPLOYED_VERSION,
    PREVIOUS_VERSION,
    ROLLBACK_REQUEST_ID,
    REGIONS,
    VERSION_ID,
    VERSION_NAME,
    VERSION_CREATED,
];

const REQUEST_ID: &str = "request-id";
const SKIPPED: &str = "skipped";
const CREDENTIAL_SOURCE: &str = "credential-source";
const PUBLISH_STATUS: &str = "publish-status";
const PUBLISH_PERCENTAGE: &str = "publish-percentage";
const DEPLOYED_VERSION: &str = "deployed-version";
const PREVIOUS_VERSION: &str = "previous-version";
const ROLLBACK_REQUEST_ID: &str = "rollback-request-id";
const REGIONS: &str = "regions";
const VERSION_ID: &str = "version-id";
const VERSION_NAME: &str = "version-name";
const VERSION_CREATED: &str = "version-created";

/// Runs the action with this environment, writing commands and logs to `out`. Returns the
/// process exit code.
pub async fn run<W: Write>(env: &Env, out: W) -> i32 {
    let mut runner = Runner::new(env, out);
    // Register the secrets before anything is printed, even before validation: the inputs',
    // every spelling of the environment's, and the ID-token request's bearer token.
    let env_secrets = ENV_SPELLINGS
        .iter()
        .flat_map(|[_, secret, token]| [*secret, *token]);
    for value in ["access-key-secret", "security-token"]
        .into_iter()
        .filter_map(|name| env.input(name))
        .chain(
            env_secrets
                .chain(["ACTIONS_ID_TOKEN_REQUEST_TOKEN"])
                .filter_map(|name| env.var(name).map(str::to_string)),
        )
    {
        runner.add_secret(value.trim());
    }
    // Label gating comes first: a pull request without the label skips cleanly even where the
    // rest could not run (a fork's workflow has no secrets, for one).
    let gate = gate(env);
    if let Ok(Gate::Skip(reason)) = &gate {
        return skip(env, &mut runner, reason);
    }
    let mut config = match inputs::parse(env, Utc::now()) {
        Ok(config) => config,
        Err(rejected) => return reject(&mut runner, rejected.warnings, rejected.errors),
    };
    match gate {
        Err(problem) => return reject(&mut runner, config.warnings, vec![problem]),
        Ok(Gate::Publish {
            percentage: Some((percentage, label)),
        }) => {
            runner.log(&format!(
                "the label `{label}` sets the percentage to {percentage}%{}",
                config
                    .publish
                    .percentage
                    .map(|p| format!(" (input `percentage` said {p}%)"))
                    .unwrap_or_default()
            ));
            config.publish.percentage = Some(percentage);
        }
        Ok(_) => {}
    }
    for w in &config.warnings {
        runner.annotate(Level::Warning, w.code, &w.message);
    }
    let _ = runner.set_output(SKIPPED, "false");
    let mut deployment = Report::default();
    let result = publish(&config, &mut runner, &mut deployment).await;
    version_outputs(&mut runner, &deployment);
    rollout_outputs(&mut runner, &deployment);
    let config = with_version(&config, &deployment);
    match result {
        Ok(()) => 0,
        Err(error) => {
            let mut message = error.to_string();
            if let Some(remedy) = error.remedy() {
                message = format!("{message} {remedy}");
            }
            runner.annotate(Level::Error, &error.title(), &message);
            if let Some(id) = error.request_id().or(deployment.request_id.as_deref()) {
                set_outputs(&mut runner, &[(REQUEST_ID, id.to_string())]);
            }
            let written = runner.append_summary(&report::summary(
                Some(&config),
                &Outcome::Failed(&error),
                Some(&deployment),
            ));
            unwritten(&mut runner, written);
            1
        }
    }
}

/// The label gate, from `GITHUB_EVENT_NAME` and the payload at `GITHUB_EVENT_PATH`.
fn gate(env: &Env) -> Result<Gate, InputProblem> {
    let rules = LabelRules::from_env(env);
    if rules.is_empty() {
        return Ok(Gate::Publish { percentage: None });
    }
    let payload = env
        .var("GITHUB_EVENT_PATH")
        .and_then(|path| std::fs::read_to_string(path).ok());
    event::decide(
        &rules,
        env.var("GITHUB_EVENT_NAME").unwrap_or(""),
        payload.as_deref(),
    )
}

/// Reports invalid inputs: every warning and error, then exit 1. Nothing was sent.
fn reject<W: Write>(
    runner: &mut Runner<W>,
    warnings: Vec<InputProblem>,
    errors: Vec<InputProblem>,
) -> i32 {
    for w in &warnings {
        runner.annotate(Level::Warning, w.code, &w.message);
    }
    for p in &errors {
        runner.annotate(Level::Error, p.code, &p.message);
    }
    let error = Error::Inputs(errors);
    runner.log(&format!("esa-publish: {error}"));
    let _ = runner.append_summary(&report::summary(None, &Outcome::Failed(&error), None));
    1
}

/// Skips cleanly: a notice, `skipped=true`, a summary line, exit 0. Input problems that would
/// stop a real publish are shown as warnings, so they surface before the label is added.
fn skip<W: Write>(env: &Env, runner: &mut Runner<W>, reason: &str) -> i32 {
    if let Err(rejected) = inputs::parse(env, Utc::now()) {
        for p in rejected
            .errors
            .iter()
            .filter(|p| p.code != "MissingCredentials")
        {
            runner.annotate(
                Level::Warning,
                p.code,
                &format!(
                    "{} (this run is skipped; a publish would fail on it)",
                    p.message
                ),
            );
        }
    }
    runner.annotate(
        Level::Notice,
        "Skipped",
        &format!("esa-publish skipped: {reason}"),
    );
    let _ = runner.set_output(SKIPPED, "true");
    let _ = runner.append_summary(&report::summary(None, &Outcome::Skipped(reason), None));
    0
}

async fn publish<W: Write>(
    config: &Config,
    runner: &mut Runner<W>,
    deployment: &mut Report,
) -> Result<(), Error> {
    if let Some(source) = config.credentials.source() {
        runner.set_output(CREDENTIAL_SOURCE, source.as_str())?;
    }
    if config.dry_run {
        // A dry run may read (the name lookup, the base version, the status) when it has keys to
        // read with; it never writes.
        let prepared = match (&config.version, &config.credentials) {
            (VersionSource::Id, _) => None,
            (_, Plan::Static(credentials, _)) => {
                let client = Client::new(
                    config.endpoint.clone(),
                    credentials.clone(),
                    config.signature_version,
                )?;
                Some(deploy::version::prepare(&client, config, runner).await?)
            }
            _ => None,
        };
        return dry_run::dry_run(config, runner, prepared.as_ref());
    }
    let credentials = match &config.credentials {
        Plan::Static(credentials, _) => credentials.clone(),
        Plan::Exchange(exchange, _) => sign_in::sign_in(exchange, config, runner).await?,
        // Validation requires credentials outside a dry run; stay an error, not a panic.
        Plan::Missing => return Err(Error::System("no credentials to sign with".into())),
    };
    if config.export_credentials {
        // Masked before they are written, whatever their source: the runner prints the job
        // environment in later steps' headers.
        runner.mask(credentials.access_key_secret.expose());
        if let Some(token) = &credentials.security_token {
            runner.mask(token.expose());
        }
        runner.export_env("ALIBABA_CLOUD_ACCESS_KEY_ID", &credentials.access_key_id)?;
        runner.export_env(
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
            credentials.access_key_secret.expose(),
        )?;
        if let Some(token) = &credentials.security_token {
            runner.export_env("ALIBABA_CLOUD_SECURITY_TOKEN", token.expose())?;
        }
        runner.log("exported ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET and ALIBABA_CLOUD_SECURITY_TOKEN to later steps (masked)");
    }
    let client = Client::new(
        config.endpoint.clone(),
        credentials,
        config.signature_version,
    )?;
    // Publishing is not idempotent: see `retry` for what is retried and why. A cancelled
    // workflow (SIGTERM, SIGINT) stops here and says where the rollout stood.
    let outcome = tokio::select! {
        result = deploy::run::publish_version(&client, config, runner, deployment) => Some(result),
        () = shutdown() => None,
    };
    match outcome {
        Some(result) => result?,
        None => {
            return Err(Error::Rollout {
                title: "Cancelled".into(),
                detail: deploy::report::cancelled_text(deployment),
            })
        }
    }
    let config = &with_version(config, deployment);
    let request_id = deployment.request_id.clone();
    // The publish is done: from here a runner file that cannot be written is a warning, not a
    // failure, since a red step invites "re-run failed jobs", which would publish again.
    let written = runner.set_output(REQUEST_ID, request_id.as_deref().unwrap_or(""));
    unwritten(runner, written);
    let written = runner.append_summary(&report::summary(
        Some(config),
        &Outcome::Published {
            request_id: request_id.as_deref(),
            answer_lost: deployment.answer_lost,
        },
        Some(deployment),
    ));
    unwritten(runner, written);
    runner.log(&report::published_line(
        config,
        request_id.as_deref(),
        deployment.answer_lost,
    ));
    Ok(())
}

/// Resolves when the runner cancels the job (SIGTERM, or Ctrl-C by hand); never when no signal
/// handler can be installed.
async fn shutdown() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => return,
                result = tokio::signal::ctrl_c() => if result.is_ok() { return },
            }
        }
    }
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// The config with the version the deployment chose, for what the run reports.
fn with_version(config: &Config, d: &Report) -> Config {
    let mut config = config.clone();
    if let Some(v) = &d.version {
        config.publish.version_id = v.version_id.clone();
    }
    config
}

/// A runner file that could not be written once calls were made: a warning, never what decides
/// the step's result.
fn unwritten<W: Write>(runner: &mut Runner<W>, written: Result<(), Error>) {
    if let Err(e) = written {
        runner.annotate(
            Level::Warning,
            &e.title(),
            &format!("{e}. Only the report is incomplete: the deployment's result is in the log, and the step's result does not change for this (after a publish, a re-run would publish again)."),
        );
    }
}

/// Sets outputs after calls were made: each failure is a warning (see [`unwritten`]).
fn set_outputs<W: Write>(runner: &mut Runner<W>, outputs: &[(&str, String)]) {
    for (name, value) in outputs {
        let written = runner.set_output(name, value);
        unwritten(runner, written);
    }
}

/// The version's outputs, whenever it is known (so a failed publish still names it).
fn version_outputs<W: Write>(runner: &mut Runner<W>, d: &Report) {
    if let Some(v) = &d.version {
        let created = if v.created { "true" } else { "false" };
        set_outputs(
            runner,
            &[
                (VERSION_ID, v.version_id.clone()),
                (VERSION_NAME, v.name.clone().unwrap_or_default()),
                (VERSION_CREATED, created.to_string()),
            ],
        );
    }
}

/// The rollout's outputs, from what the deployment saw (on success and failure alike).
fn rollout_outputs<W: Write>(runner: &mut Runner<W>, d: &Report) {
    let mut outputs = Vec::new();
    if let Some(v) = &d.previous_version {
        outputs.push((PREVIOUS_VERSION, v.clone()));
    }
    if let Some(id) = &d.rollback_request_id {
        outputs.push((ROLLBACK_REQUEST_ID, id.clone()));
    }
    if let Some(s) = &d.last {
        outputs.push((PUBLISH_STATUS, s.publish_status.clone()));
        outputs.push((PUBLISH_PERCENTAGE, s.publish_percentage.to_string()));
        outputs.push((DEPLOYED_VERSION, s.deployed_version.clone()));
        outputs.push((REGIONS, crate::esa::api::regions_json(&s.regions)));
    }
    set_outputs(runner, &outputs);
}
