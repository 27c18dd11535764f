//! Driving the deploy engine against the service for one run: the real calls and clock, every event to the log and the record, and a cancelled job (SIGINT, SIGTERM) stopped where it stands.

use std::io::Write;

use crate::app::progress::Reporter;
use crate::app::service::{Live, TokioTime};
use crate::ci::cancel::Cancel;
use crate::ci::runner::Runner;
use crate::config::Config;
use crate::esa::client::Client;
use crate::words::failure::Failed;
use crate::words::phrases;
use crate::words::phrases::Context;
use crate::words::record::Record;
use esa_engine::deploy::driver::{drive, Time};
use esa_engine::deploy::engine::Engine;
use esa_engine::deploy::event::Outcome;
use esa_engine::deploy::plan::Plan;

/// What the run is about, for the words of its failures.
pub fn context(config: &Config) -> Context {
    Context {
        host: config.host,
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
    plan: &Plan,
    runner: &mut Runner<W>,
    record: &mut Record,
    cancel: &Cancel,
) -> Result<Outcome, Failed> {
    // The engine's clock starts now: the wall clock beside it maps the stats' window to UTC.
    let time = TokioTime::start();
    let service = Live {
        client,
        app_id: config.publish.app_id.clone(),
        remarks: config.publish.remarks.clone(),
        prober: Default::default(),
        started: chrono::Utc::now(),
    };
    let mut engine = Engine::new(plan.clone());
    let mut reporter = Reporter {
        runner,
        record: std::mem::take(record),
        context: context(config),
        follows: plan.follow,
    };
    let outcome = tokio::select! {
        // A signal that has come wins over a call that has just answered: nothing is sent
        // after it.
        biased;
        signal = cancel.requested() => Err(signal),
        result = drive(&mut engine, &service, &time, &mut reporter) => Ok(result),
    };
    let (result, mark) = match outcome {
        Ok(result) => (result, None),
        Err(signal) => {
            reporter.runner.log(&phrases::signal_received(signal));
            (
                Err(engine.cancel()),
                Some(phrases::CANCELLED_MARK.to_string()),
            )
        }
    };
    // The chart ends where the run did, a cancel marked there.
    reporter.record.plot(time.now(), None, None, mark);
    reporter.record.ended_at(engine.progress());
    *record = reporter.record;
    result.map_err(|f| Failed::Deploy(Box::new(f), reporter.context))
}
