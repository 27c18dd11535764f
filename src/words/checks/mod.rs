//! The words of the bake's checks, one module a check: a check that begins a step's bake, each reading with its verdict, a check that passed, why one failed a step, and the dry run's plan of each. Every match here is over the engine's check enums, with no wildcard: a new check does not compile until it is said.

pub mod health;
pub mod metric;

use std::time::Duration;

use crate::words::phrases::Said;
use esa_engine::deploy::checks::metric::GateMode;
use esa_engine::deploy::checks::{CheckFailure, CheckKind, Measurement, Ready, Verdict};
use esa_engine::deploy::plan::Plan;

/// A check of a step's bake begins: what it reads, and for how long at least.
pub fn started(step: (usize, usize), window: Duration, ready: &Ready) -> Said {
    match ready {
        Ready::Health(target) => health::started(step, window, target),
        Ready::Metric(target) => metric::started(step, window, target),
    }
}

/// One reading of a check, with its verdict.
pub fn measured(
    n: u32,
    measurement: &Measurement,
    verdict: Verdict,
    streak: u32,
    enforced: bool,
) -> Said {
    match measurement {
        Measurement::Health(probed) => health::measured(n, probed, verdict, streak),
        Measurement::Metric(reading) => metric::measured(n, reading, verdict, streak, enforced),
    }
}

/// A check of a step's bake passed: its readings, and how many of them did not pass.
pub fn passed(
    step: (usize, usize),
    kind: CheckKind,
    readings: u32,
    failed: u32,
    enforced: bool,
) -> Said {
    match kind {
        CheckKind::Health => health::passed(step, readings, failed),
        CheckKind::Metric => metric::passed(step, readings, failed, enforced),
    }
}

/// Why a check failed a step; `cause` is the error of a call behind it, in words.
pub fn failed(why: &CheckFailure, cause: &str) -> String {
    match why {
        CheckFailure::Health(why) => health::failed(why, cause),
        CheckFailure::Metric(why) => metric::failed(why),
    }
}

/// The gates a step's bake runs, by name: `the health gate`, `the health and metric gates`.
pub fn names(plan: &Plan) -> String {
    match (plan.health().is_some(), plan.metric().is_some()) {
        (true, true) => "the health and metric gates".into(),
        (false, true) => "the metric gate".into(),
        (true, false) | (false, false) => "the health gate".into(),
    }
}

/// How the rollout line names its gates: `, health-gated`, `, metric-gated`, `, health- and
/// metric-gated`, with `metrics observed` for a metric gate that never fails; empty without checks.
pub fn gated(plan: &Plan) -> &'static str {
    let observe = plan.metric().map(|m| m.mode == GateMode::Observe);
    match (plan.health().is_some(), observe) {
        (false, None) => "",
        (true, None) => ", health-gated",
        (false, Some(false)) => ", metric-gated",
        (true, Some(false)) => ", health- and metric-gated",
        (false, Some(true)) => ", metrics observed",
        (true, Some(true)) => ", health-gated, metrics observed",
    }
}

/// The dry run's plan of each check.
pub fn plan(plan: &Plan) -> Vec<String> {
    health::plan(plan)
        .into_iter()
        .chain(metric::plan(plan))
        .collect()
}
