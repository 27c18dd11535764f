//! One run of the action, start to finish: read the inputs, sign, publish (or show a dry run), and report to the runner.
//!
//! The top floor: it composes every floor below and the engine, does the I/O the words only
//! describe, and nothing imports it but `main.rs`. Its own parts live in `app/`: the engine
//! driven against the service ([`deploying`], [`service`]), the observer that hands each event
//! to the record and the log ([`progress`]), the dry run ([`dry_run`]), keyless sign-in
//! ([`sign_in`]), the outputs ([`outputs`]), the pull request's comment ([`pr_comment`]) and
//! the command line ([`cli`]). Every sentence it writes comes from `words`.

pub mod cli;
pub mod deploying;
pub mod dry_run;
pub mod outputs;
pub mod pr_comment;
pub mod progress;
pub mod service;
pub mod sign_in;

use std::io::Write;

use chrono::Utc;

use crate::app::deploying::deploy;
use crate::app::outputs::{set_outputs, unwritten};
use crate::ci::cancel::Cancel;
use crate::ci::context::BuildContext;
use crate::ci::env::Env;
use crate::ci::event::{self, Gate, LabelRules};
use crate::ci::host::Host;
use crate::ci::runner::{Level, Runner};
use crate::ci::tls_roots::Repair;
use crate::config::credentials::{CredentialPlan, ENV_SPELLINGS};
use crate::config::spec::SECRET_INPUTS;
use crate::config::{self, Config};
use crate::esa::client::Client;
use crate::words::comment::Told;
use crate::words::failure::Failed;
use crate::words::help;
use crate::words::outcome::{aftercare_outputs, rollout_outputs, version_outputs};
use crate::words::outcome::{stopped_at, RunResult, INPUTS_STAGE, RESULT, STOPPED_AT};
use crate::words::outcome::{CREDENTIAL_SOURCE, REQUEST_ID, SKIPPED};
use crate::words::phrases;
use crate::words::record::Record;
use crate::words::report::ended_line;
use crate::words::run;
use crate::words::summary::{summary, Ending, Summary};
use esa_engine::base::error::{Error, InputProblem};
use esa_engine::deploy::event::Outcome;
use esa_engine::deploy::plan::{Mode, Plan};

/// What `main` prepared before the run: the runner's cancel, listened for from the first
/// instant, and the TLS variables it had to repair.
pub struct Start {
    pub cancel: Cancel,
    pub tls_repairs: Vec<Repair>,
}

/// Runs the action with this environment, writing commands and logs to `out`, stopping where
/// it stands when the start's cancel comes. Returns the process exit code.
pub async fn run<W: Write>(env: &Env, out: W, start: &Start) -> i32 {
    let mut runner = Runner::new(env, out);
    register_secrets(env, &mut runner);
    for repair in &start.tls_repairs {
        runner.annotate(
            Level::Warning,
            phrases::TLS_ROOTS_MISSING,
            &phrases::tls_repaired(repair),
        );
    }
    // Label gating comes first: a pull request without the label skips cleanly even where the
    // rest could not run (a fork's workflow has no secrets, for one).
    let gate = gate(env);
    if let Ok(Gate::Skip(reason)) = &gate {
        return skip(env, &mut runner, reason);
    }
    let mut config = match config::parse(env, Utc::now()) {
        Ok(config) => config,
        Err(rejected) => return reject(&mut runner, rejected.warnings, rejected.errors),
    };
    if let Err(problem) = gate.and_then(|gate| labelled(env, gate, &mut config, &mut runner)) {
        return reject(&mut runner, config.warnings, vec![problem]);
    }
    annotate_all(&mut runner, Level::Warning, &config.warnings);
    let _ = runner.set_output(SKIPPED, "false");
    let mode = match config.dry_run {
        true => Mode::Prepare,
        false => Mode::Deploy,
    };
    // The one plan: the engine runs it, and the dry run, the summary and the log describe it.
    let plan = config.plan(mode);
    let mut record = Record::default();
    let result = publish(&config, &plan, &mut runner, &mut record, &start.cancel).await;
    let ended = match &result {
        Ok(ended) => *ended,
        Err(failed) => RunResult::of_failure(failed, &record),
    };
    write_outputs(&config, &mut runner, &record, ended);
    let told = Told {
        config: &config,
        record: &record,
        ended,
        title: result.as_ref().err().map(Failed::title),
        run_url: BuildContext::from_env(env, Host::GitHub).and_then(|c| c.run_url),
        at: Utc::now(),
    };
    let code = match &result {
        Ok(_) => 0,
        Err(failed) => report_failure(&config, &plan, &mut runner, &record, failed),
    };
    // Last, once the outputs and the summary are written: the comment only reports them.
    pr_comment::comment(&told, &mut runner, &start.cancel).await;
    code
}

/// The outputs of a run that got past its inputs: the version's, the rollout's, and (but in a
/// dry run) where the app runs and what `keep-versions` deleted.
fn write_outputs<W: Write>(
    config: &Config,
    runner: &mut Runner<W>,
    record: &Record,
    ended: RunResult,
) {
    set_outputs(runner, &version_outputs(record));
    set_outputs(runner, &rollout_outputs(record, ended));
    if !config.dry_run {
        let keep = config.aftercare.keep_versions;
        set_outputs(runner, &aftercare_outputs(record, keep));
    }
}

/// Refuses the arguments a CI system gave the binary, as an input error: nothing is sent.
pub fn refuse_arguments<W: Write>(env: &Env, out: W, args: &[std::ffi::OsString]) -> i32 {
    let mut runner = Runner::new(env, out);
    register_secrets(env, &mut runner);
    let host = Host::from_env(env).unwrap_or_else(|_| Host::detect(env));
    reject(
        &mut runner,
        Vec::new(),
        vec![help::unexpected_arguments(args, host)],
    )
}

/// Registers the secrets before anything is printed, even before validation: every
/// spelling's value of the secret inputs (where two disagree the run is refused, and both are
/// secrets), every spelling of the environment's, and the ID-token request's bearer token.
fn register_secrets<W: Write>(env: &Env, runner: &mut Runner<W>) {
    let env_secrets = ENV_SPELLINGS
        .iter()
        .flat_map(|[_, secret, token]| [*secret, *token])
        .chain(["ACTIONS_ID_TOKEN_REQUEST_TOKEN"])
        .filter_map(|name| env.var(name).map(str::to_string));
    for value in SECRET_INPUTS
        .iter()
        .flat_map(|name| env.input_values(name))
        .map(|(_, value)| value.to_string())
        .chain(env_secrets)
    {
        runner.add_secret(value.trim());
    }
}

/// A failed run: where it stopped, the annotation, the RequestId and the summary; exit 1.
fn report_failure<W: Write>(
    config: &Config,
    plan: &Plan,
    runner: &mut Runner<W>,
    record: &Record,
    failed: &Failed,
) -> i32 {
    set_outputs(runner, &[(STOPPED_AT, stopped_at(failed, record))]);
    runner.annotate(Level::Error, &failed.title(), &failed.message());
    if let Some(id) = failed.request_id().or(record.fate.request_id()) {
        set_outputs(runner, &[(REQUEST_ID, id.to_string())]);
    }
    let warnings = runner.warnings().to_vec();
    let written = runner.append_summary(&summary(&Summary {
        config: Some(config),
        plan: Some(plan),
        outcome: Ending::Failed(failed),
        record: Some(record),
        warnings: &warnings,
    }));
    unwritten(runner, written);
    1
}

/// The label gate, from `GITHUB_EVENT_NAME` and the payload at `GITHUB_EVENT_PATH`.
fn gate(env: &Env) -> Result<Gate, InputProblem> {
    let rules = LabelRules::from_env(env);
    if rules.is_empty() {
        return Ok(Gate::Publish { percentage: None });
    }
    event::decide(
        &rules,
        env.var("GITHUB_EVENT_NAME").unwrap_or(""),
        env.event_payload(),
    )
}

/// Applies a label's percentage. With `percentage-from-label` and no such label, the run
/// needs `percentage` to fall back on: without it the publish would go to 100%, the opposite
/// of what a canary label is for.
fn labelled<W: Write>(
    env: &Env,
    gate: Gate,
    config: &mut Config,
    runner: &mut Runner<W>,
) -> Result<(), InputProblem> {
    match gate {
        Gate::Publish {
            percentage: Some((percentage, label)),
        } => {
            runner.log(&run::label_percentage(
                &label,
                percentage,
                config.publish.percentage,
            ));
            config.publish.percentage = Some(percentage);
            Ok(())
        }
        _ => match LabelRules::from_env(env).percentage_prefix {
            Some(prefix) if config.publish.percentage.is_none() => {
                Err(run::percentage_label_missing(&prefix))
            }
            _ => Ok(()),
        },
    }
}

/// Reports invalid inputs: every warning and error, then exit 1. Nothing was sent.
fn reject<W: Write>(
    runner: &mut Runner<W>,
    warnings: Vec<InputProblem>,
    errors: Vec<InputProblem>,
) -> i32 {
    annotate_all(runner, Level::Warning, &warnings);
    annotate_all(runner, Level::Error, &errors);
    let _ = runner.set_output(STOPPED_AT, INPUTS_STAGE);
    let _ = runner.set_output(RESULT, RunResult::NotPublished.as_str());
    let failed = Failed::Error(Error::Inputs(errors));
    runner.log(&run::refused_line(&failed));
    let warnings = runner.warnings().to_vec();
    let _ = runner.append_summary(&summary(&Summary {
        config: None,
        plan: None,
        outcome: Ending::Failed(&failed),
        record: None,
        warnings: &warnings,
    }));
    1
}

/// Annotates each problem while GitHub would show it; when there are more than it shows, the
/// last annotation it shows says how many more there are (the summary lists them all), and
/// the rest are log lines.
fn annotate_all<W: Write>(runner: &mut Runner<W>, level: Level, problems: &[InputProblem]) {
    let room = match runner.shows_annotations() {
        true => runner.annotations_left(level),
        false => usize::MAX,
    };
    let shown = match problems.len() > room {
        true => room.saturating_sub(1),
        false => problems.len(),
    };
    for p in &problems[..shown] {
        runner.annotate(level, p.code, &p.message);
    }
    let rest = &problems[shown..];
    if rest.is_empty() {
        return;
    }
    let names: Vec<&str> = rest.iter().map(|p| p.code).collect();
    runner.annotate(
        level,
        run::MORE_PROBLEMS,
        &run::more_problems(rest.len(), &names),
    );
    // Past the limit the runner writes these as plain log lines (and keeps warnings for the
    // summary).
    for p in rest {
        runner.annotate(level, p.code, &p.message);
    }
}

/// Skips cleanly: a notice, `skipped=true`, a summary line, exit 0. Input problems that would
/// stop a real publish are shown as warnings, so they surface before the label is added.
fn skip<W: Write>(env: &Env, runner: &mut Runner<W>, reason: &str) -> i32 {
    if let Err(rejected) = config::parse(env, Utc::now()) {
        for p in rejected
            .errors
            .iter()
            .filter(|p| p.code != "MissingCredentials")
        {
            runner.annotate(Level::Warning, p.code, &run::skipped_problem(p));
        }
    }
    runner.annotate(Level::Notice, run::SKIPPED, &run::skipped(reason));
    let _ = runner.set_output(SKIPPED, "true");
    let _ = runner.set_output(RESULT, RunResult::Skipped.as_str());
    let warnings = runner.warnings().to_vec();
    let _ = runner.append_summary(&summary(&Summary {
        config: None,
        plan: None,
        outcome: Ending::Skipped(reason),
        record: None,
        warnings: &warnings,
    }));
    0
}

/// Runs the deployment (or the dry run) and reports how it went through; how it ended.
async fn publish<W: Write>(
    config: &Config,
    plan: &Plan,
    runner: &mut Runner<W>,
    record: &mut Record,
    cancel: &Cancel,
) -> Result<RunResult, Failed> {
    if let Some(source) = config.credentials.source() {
        runner.set_output(CREDENTIAL_SOURCE, source.as_str())?;
    }
    if config.dry_run {
        dry_run::dry_run(config, plan, runner, cancel).await?;
        return Ok(RunResult::DryRun);
    }
    let credentials = credentials(config, runner, cancel).await?;
    if config.export_credentials {
        sign_in::export(runner, &credentials)?;
    }
    let client = Client::new(
        config.endpoint.clone(),
        credentials,
        config.signature_version,
    )?;
    let outcome = deploy(&client, config, plan, runner, record, cancel).await?;
    let ended = match outcome {
        Outcome::Unchanged => RunResult::Unchanged,
        _ if plan.follow => RunResult::Published,
        _ => RunResult::Accepted,
    };
    let request_id = record.fate.request_id().map(str::to_string);
    // The publish is done: from here a runner file that cannot be written is a warning, not a
    // failure, since a red step invites "re-run failed jobs", which would publish again.
    let written = runner.set_output(REQUEST_ID, request_id.as_deref().unwrap_or(""));
    unwritten(runner, written);
    let warnings = runner.warnings().to_vec();
    let written = runner.append_summary(&summary(&Summary {
        config: Some(config),
        plan: Some(plan),
        outcome: match ended {
            RunResult::Unchanged => Ending::Unchanged,
            _ => Ending::Published {
                request_id: request_id.as_deref(),
                answer_lost: record.fate.accepted().is_some_and(|a| a.answer_lost),
                followed: plan.follow,
            },
        },
        record: Some(record),
        warnings: &warnings,
    }));
    unwritten(runner, written);
    runner.log(&ended_line(config, plan, record, ended));
    Ok(ended)
}

/// The credentials to sign with: as given, or from keyless sign-in, which stops on a cancel.
async fn credentials<W: Write>(
    config: &Config,
    runner: &mut Runner<W>,
    cancel: &Cancel,
) -> Result<crate::esa::credentials::Credentials, Failed> {
    let exchange = match &config.credentials {
        CredentialPlan::Static(credentials, _) => return Ok(credentials.clone()),
        CredentialPlan::Exchange(exchange, _) => exchange,
        // Validation requires credentials outside a dry run; stay an error, not a panic.
        CredentialPlan::Missing => {
            return Err(Error::System("no credentials to sign with".into()).into())
        }
    };
    let signed_in = tokio::select! {
        biased;
        signal = cancel.requested() => Err(signal),
        result = sign_in::sign_in(exchange, config, runner) => Ok(result),
    };
    match signed_in {
        Ok(result) => Ok(result?),
        Err(signal) => {
            runner.log(&phrases::signal_received(signal));
            Err(Failed::SignInCancelled)
        }
    }
}
