//! Driving the deploy engine against the service for one run: the real calls and clock, every event to the log and the record, and a cancelled job (SIGTERM, SIGINT) stopped where it stands.

use std::io::Write;

use crate::app::failure::Failed;
use crate::app::progress::Progress;
use crate::app::record::Record;
use crate::app::words::Context;
use crate::ci::runner::Runner;
use crate::config::Config;
use crate::deploy::driver::drive;
use crate::deploy::engine::Engine;
use crate::deploy::event::Outcome;
use crate::deploy::live::{Live, TokioTime};
use crate::deploy::plan::{Mode, Plan};
use crate::esa::client::Client;

/// What the run is about, for the words of its failures.
pub fn context(config: &Config) -> Context {
    Context {
        app_id: config.publish.app_id.clone(),
        env: config.publish.publish_env.as_str().to_string(),
        version: String::new(),
    }
}

/// Drives the deploy engine against the service, with every event going to the log and the
/// record. A cancelled job (SIGTERM, SIGINT) stops where it stands and says where that was.
pub async fn deploy<W: Write>(
    client: &Client,
    config: &Config,
    runner: &mut Runner<W>,
    record: &mut Record,
    mode: Mode,
) -> Result<Outcome, Failed> {
    let live = Live {
        client,
        app_id: config.publish.app_id.clone(),
        remarks: config.publish.remarks.clone(),
        prober: Default::default(),
    };
    let plan = Plan::new(config, mode).with_visibility(config.repository_private);
    let mut engine = Engine::new(plan);
    let time = TokioTime::start();
    let mut progress = Progress {
        runner,
        record: std::mem::take(record),
        context: context(config),
        follows: config.rollout.follows(),
    };
    let outcome = tokio::select! {
        result = drive(&mut engine, &live, &time, &mut progress) => Some(result),
        () = shutdown() => None,
    };
    let result = match outcome {
        Some(result) => result,
        None => Err(engine.cancel()),
    };
    *record = progress.record;
    result.map_err(|f| Failed::Deploy(Box::new(f), progress.context))
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
