//! One run of the action, start to finish: read the inputs, sign, publish (or show a dry run), and report to the runner.

use std::io::Write;

use chrono::Utc;

use crate::api::{publish_request, PublishResponse};
use crate::client::{prepare, Client, Event};
use crate::credentials::{Credentials, Secret};
use crate::error::Error;
use crate::event::{self, Gate};
use crate::inputs::{self, Config, Env, InputProblem};
use crate::report::{self, Outcome};
use crate::retry::Idempotency;
use crate::runner::{Level, Runner};

/// Every output the action sets (a test keeps `action.yml` and the README in step).
pub const OUTPUTS: &[&str] = &[REQUEST_ID, SKIPPED];

const REQUEST_ID: &str = "request-id";
const SKIPPED: &str = "skipped";

/// The AccessKey ID a dry run signs with when no credentials were given.
pub const PLACEHOLDER_ID: &str = "DRYRUN-PLACEHOLDER-ID";

/// Runs the action with this environment, writing commands and logs to `out`. Returns the
/// process exit code.
pub async fn run<W: Write>(env: &Env, out: W) -> i32 {
    let mut runner = Runner::new(env, out);
    // Register the secrets before anything is printed, even before validation.
    for name in ["access-key-secret", "security-token"] {
        if let Some(secret) = env.input(name) {
            runner.add_secret(&secret);
        }
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
    match publish(&config, &mut runner).await {
        Ok(()) => 0,
        Err(error) => {
            let mut message = error.to_string();
            if let Some(remedy) = error.remedy() {
                message = format!("{message} {remedy}");
            }
            runner.annotate(Level::Error, &error.title(), &message);
            if let Some(id) = error.request_id() {
                let _ = runner.set_output(REQUEST_ID, id);
            }
            let _ =
                runner.append_summary(&report::summary(Some(&config), &Outcome::Failed(&error)));
            1
        }
    }
}

/// The label gate, from `GITHUB_EVENT_NAME` and the payload at `GITHUB_EVENT_PATH`.
fn gate(env: &Env) -> Result<Gate, InputProblem> {
    let rules = inputs::label_rules(env);
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
    let _ = runner.append_summary(&report::summary(None, &Outcome::Failed(&error)));
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
    let _ = runner.append_summary(&report::summary(None, &Outcome::Skipped(reason)));
    0
}

async fn publish<W: Write>(config: &Config, runner: &mut Runner<W>) -> Result<(), Error> {
    let request = publish_request(&config.publish);
    if config.dry_run {
        return dry_run(config, runner);
    }
    let Some(credentials) = config.credentials.clone() else {
        // Validation requires credentials outside a dry run; stay an error, not a panic.
        return Err(Error::System("no credentials to sign with".into()));
    };
    let client = Client::new(
        config.endpoint.clone(),
        credentials,
        config.signature_version,
    )?;
    // Publishing is not idempotent: see `retry` for what is retried and why.
    let answer = client
        .call::<PublishResponse>(
            &request,
            Idempotency::NotIdempotent,
            &config.retry,
            &mut |event| match event {
                Event::Sending {
                    attempt,
                    method,
                    url,
                } => runner.debug(&format!("attempt {attempt}: {method} {url}")),
                Event::Retrying(n) => runner.log(&format!(
                    "attempt {}/{} failed ({}): {}; retrying in {:.1} s",
                    n.attempt,
                    n.max_attempts,
                    n.title,
                    n.reason,
                    n.delay.as_secs_f64()
                )),
            },
        )
        .await?;
    let request_id = answer.body.request_id.or(answer.request_id);
    runner.set_output(REQUEST_ID, request_id.as_deref().unwrap_or(""))?;
    runner.append_summary(&report::summary(
        Some(config),
        &Outcome::Published {
            request_id: request_id.as_deref(),
        },
    ))?;
    runner.log(&report::published_line(config, request_id.as_deref()));
    Ok(())
}

fn dry_run<W: Write>(config: &Config, runner: &mut Runner<W>) -> Result<(), Error> {
    let placeholder = config.credentials.is_none();
    let credentials = config.credentials.clone().unwrap_or_else(|| Credentials {
        access_key_id: PLACEHOLDER_ID.into(),
        access_key_secret: Secret::new("dry-run-placeholder-secret"),
        security_token: None,
    });
    let request = publish_request(&config.publish);
    let signed = prepare(
        &request,
        &config.endpoint,
        &credentials,
        config.signature_version,
    )?;
    // A dry run's request was never sent, so its nonce is unused: a printed signature could be
    // replayed by anyone reading the log within the 15-minute window. Never print it.
    for (_, value) in &signed.headers {
        if let Some(sig) = value
            .rsplit("Signature=")
            .next()
            .filter(|_| value.contains("Signature="))
        {
            runner.add_secret(sig);
        }
    }
    if let Some(sig) = signed
        .path_and_query
        .rsplit("&Signature=")
        .next()
        .filter(|_| signed.path_and_query.contains("&Signature="))
    {
        runner.add_secret(sig);
    }
    runner.group("Dry run: the signed request that would be sent (nothing is sent)");
    for line in report::dry_run_lines(config, &config.endpoint.base_url(), &signed, placeholder) {
        runner.log(&line);
    }
    runner.end_group();
    runner.append_summary(&report::summary(Some(config), &Outcome::DryRun))?;
    runner.log(&format!(
        "Dry run: would publish {} of {} to {} ({}); nothing was sent",
        config.publish.version_id,
        config.publish.app_id,
        config.publish.publish_env.as_str(),
        report::rollout(config)
    ));
    Ok(())
}
