//! A step's bake: every check of the plan on one analysis loop. Each round measures every check through the driver and judges it (`Pass`, `Fail` or `Inconclusive`, which never passes); one policy fails the step when a check's non-passing readings in a row reach its limit; the bake passes once its window is over and every check was read at least as often as its failure limit, its last reading passing. The step code names no check: [`bake`] is all it calls.
//!
//! Each check's setup and measurement is a module beside [`health`]; what a check is and how
//! its readings are judged is `deploy::checks`'.

pub(crate) mod health;
pub(crate) mod metric;

use std::time::Duration;

use crate::base::error::Error;
use crate::deploy::checks::health::HealthFailed;
use crate::deploy::checks::metric::MetricFailed;
use crate::deploy::checks::{Check, CheckFailure, Measurement, Ready, Tally};
use crate::deploy::event::Event;
use crate::deploy::io::Io;
use crate::deploy::plan::Plan;
use crate::deploy::wait::Wait;

/// Why a check failed, and the error behind it when a call failed.
pub(crate) type Failed = (CheckFailure, Option<Error>);

/// Sets a check up for a step: what it measures against.
async fn ready(check: &Check, io: &Io, plan: &Plan) -> Result<Ready, Failed> {
    match check {
        Check::Health(gate) => health::ready(io, plan, gate).await.map(Ready::Health),
        Check::Metric(gate) => Ok(Ready::Metric(metric::ready(io, gate))),
    }
}

/// One reading of a check, within what is left of the window.
async fn measure(
    io: &Io,
    plan: &Plan,
    ready: &Ready,
    left: Duration,
) -> Result<Measurement, Failed> {
    match ready {
        Ready::Health(target) => health::measure(io, plan, target, left)
            .await
            .map(Measurement::Health),
        Ready::Metric(target) => Ok(Measurement::Metric(metric::measure(io, plan, target).await)),
    }
}

/// The failure of `failures` non-passing readings in a row, the last of them `last`.
fn failed(ready: &Ready, failures: u32, last: Measurement) -> CheckFailure {
    match (ready, last) {
        (Ready::Health(target), Measurement::Health(probed)) => {
            health::failed(target, failures, probed)
        }
        (Ready::Metric(_) | Ready::Health(_), Measurement::Metric(last)) => {
            CheckFailure::Metric(MetricFailed { failures, last })
        }
        // Never paired: a check is measured at what it set up.
        (Ready::Metric(_), Measurement::Health(last)) => {
            CheckFailure::Health(HealthFailed::Probes {
                url: String::new(),
                failures,
                last,
            })
        }
    }
}

/// After a step serves: its checks when the plan has any and follows the rollout (every step,
/// the last too), else `step-wait` before the next step.
pub(crate) async fn bake(io: &Io, plan: &Plan, step: usize, total: usize) -> Result<(), Failed> {
    if plan.checks.is_empty() || !plan.follow {
        if step < total && !plan.step_wait.is_zero() {
            io.emit(Event::Baking {
                duration: plan.step_wait,
                next: step + 1,
                total,
            });
            io.progress(|p| p.baking = true);
            io.sleep(plan.step_wait).await;
        }
        return Ok(());
    }
    io.progress(|p| p.baking = true);
    let window = plan.check_window().unwrap_or_default();
    let mut targets = Vec::with_capacity(plan.checks.len());
    for (index, check) in plan.checks.iter().enumerate() {
        let target = ready(check, io, plan).await?;
        io.emit(Event::CheckStarted {
            step,
            total,
            check: index,
            window,
            ready: target.clone(),
        });
        targets.push(target);
    }
    analyse(io, plan, &targets, (step, total), window).await
}

/// Whether every check that can fail the step passes it: its last reading passed, and it was
/// read at least as often as its failure limit, so that it could have failed (however long each
/// reading took). A check that only observes never holds a step.
fn settled(checks: &[Check], tallies: &[Tally]) -> bool {
    checks
        .iter()
        .zip(tallies)
        .filter(|(check, _)| check.enforced())
        .all(|(check, t)| t.passing && t.readings >= check.failures())
}

/// One round: each check read once and judged. A check that can fail the step and has as many
/// non-passing readings in a row as its limit fails it; else each reading, for what is done
/// past the window.
async fn round(
    io: &Io,
    plan: &Plan,
    (ready, tallies): (&[Ready], &mut [Tally]),
    step: usize,
    left: Duration,
) -> Result<Vec<Measurement>, Failed> {
    let mut last = Vec::with_capacity(ready.len());
    for (index, (check, target)) in plan.checks.iter().zip(ready).enumerate() {
        let measurement = measure(io, plan, target, left).await?;
        let verdict = check.judge(&measurement);
        let tally = &mut tallies[index];
        tally.count(verdict);
        io.emit(Event::Measured {
            step,
            check: index,
            reading: tally.readings,
            measurement: measurement.clone(),
            verdict,
            streak: tally.streak,
            enforced: check.enforced(),
        });
        if check.enforced() && tally.streak >= check.failures() {
            return Err((failed(target, tally.streak, measurement), None));
        }
        last.push(measurement);
    }
    Ok(last)
}

/// The rounds of readings, each check once a round, on one wait: until the window is over and
/// every check that can fail the step settled (see [`settled`]), or one fails it. Past the
/// window, at most as many more rounds as the largest failure limit: a check that passes and
/// fails in turn beside another cannot hold the step for ever.
async fn analyse(
    io: &Io,
    plan: &Plan,
    ready: &[Ready],
    (step, total): (usize, usize),
    window: Duration,
) -> Result<(), Failed> {
    let wait = Wait::new(io.now(), window, plan.poll_interval);
    let enforced = || plan.checks.iter().filter(|c| c.enforced());
    let overtime = enforced().map(Check::failures).max().unwrap_or(1);
    let (mut tallies, mut rounds_past) = (vec![Tally::default(); ready.len()], 0);
    loop {
        let mut last = round(io, plan, (ready, &mut tallies), step, wait.left(io.now())).await?;
        let over = io.now() >= wait.deadline();
        if over && settled(&plan.checks, &tallies) {
            passed(io, plan, &tallies, (step, total));
            return Ok(());
        }
        rounds_past += u32::from(over);
        if rounds_past >= overtime {
            let stuck = (0..tallies.len())
                .find(|&i| plan.checks[i].enforced() && !tallies[i].passing)
                .unwrap_or(0);
            let streak = tallies[stuck].streak;
            return Err((failed(&ready[stuck], streak, last.swap_remove(stuck)), None));
        }
        // Readings a poll interval apart (with jitter), never cut short at the window's end:
        // how many a window holds does not hang on how long one reading took.
        io.sleep(wait.interval(io.jitter())).await;
    }
}

/// Each check of the step passed (or, observing, was read throughout).
fn passed(io: &Io, plan: &Plan, tallies: &[Tally], (step, total): (usize, usize)) {
    for (index, (check, tally)) in plan.checks.iter().zip(tallies).enumerate() {
        io.emit(Event::CheckPassed {
            step,
            total,
            check: index,
            kind: check.kind(),
            readings: tally.readings,
            failed: tally.failed,
            enforced: check.enforced(),
        });
    }
}
