//! The metric check's reading: the app's telemetry since the step's bake began, asked for the gate's fields each round, held to its conditions. A read that fails after the client's retries is a reading too, an inconclusive one: it never passes, and never fails the step by itself.

use crate::deploy::checks::metric::{MetricGate, MetricReading, Target};
use crate::deploy::io::Io;
use crate::deploy::plan::Plan;

/// The gate, set up for a step whose bake begins now.
pub(crate) fn ready(io: &Io, gate: &MetricGate) -> Target {
    Target {
        gate: gate.clone(),
        since: io.now(),
    }
}

/// One reading: the stats of the gate's fields since the bake began, within a call's budget.
pub(crate) async fn measure(io: &Io, plan: &Plan, target: &Target) -> MetricReading {
    let fields = target.gate.fields();
    match io.stats(&fields, target.since, plan.call_budget()).await {
        Ok(stats) => MetricReading::of(&target.gate, &stats),
        Err(error) => MetricReading::Unread(error),
    }
}
