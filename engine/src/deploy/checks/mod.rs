//! The checks a step's bake runs, on one analysis loop: every check of the plan is measured each round through the driver and judged `Pass`, `Fail` or `Inconclusive` (which never passes); one policy fails the step when a check's non-passing readings in a row reach its limit; the bake passes once its window is over and every check's last reading passed. The step code names no check: [`bake`] is all it calls.
//!
//! To add a check: a variant of [`Check`], [`Ready`], [`Measurement`] and [`CheckFailure`], and a
//! module beside [`health`] with its setup, measurement and judgement; then its words.

pub mod health;

use std::time::Duration;

use crate::base::error::Error;
use crate::deploy::event::Event;
use crate::deploy::io::Io;
use crate::deploy::plan::{HealthGate, Plan};
use crate::deploy::wait::Wait;
use crate::esa::probe::Probed;

/// A check a step's bake runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// The health probe of a URL.
    Health(HealthGate),
}

/// What a check measures against, once set up for a step (announced as the bake starts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ready {
    /// The health URL, probed at these addresses (staging's) when not empty.
    Health(health::Target),
}

/// What one measurement found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Measurement {
    /// One probe of the health URL.
    Health(Probed),
}

/// The verdict on one measurement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// It holds.
    Pass,
    /// It does not.
    Fail,
    /// It cannot be told (no data): never a pass.
    Inconclusive,
}

/// Why a check failed a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckFailure {
    /// The health gate's.
    Health(health::HealthFailed),
}

/// Why a check failed, and the error behind it when a call failed.
pub(crate) type Failed = (CheckFailure, Option<Error>);

impl Check {
    /// How many non-passing readings in a row fail the step.
    pub fn failures(&self) -> u32 {
        match self {
            Check::Health(gate) => gate.failures,
        }
    }

    /// How long a step's bake is measured at least: `step-wait`, or long enough for this
    /// check's failures to be read one poll interval apart.
    pub fn window(&self, step_wait: Duration, poll: Duration) -> Duration {
        step_wait.max(poll * self.failures().saturating_sub(1))
    }

    async fn ready(&self, io: &Io, plan: &Plan) -> Result<Ready, Failed> {
        match self {
            Check::Health(gate) => health::ready(io, plan, gate).await.map(Ready::Health),
        }
    }

    async fn measure(
        &self,
        io: &Io,
        plan: &Plan,
        ready: &Ready,
        left: Duration,
    ) -> Result<Measurement, Failed> {
        match (self, ready) {
            (Check::Health(_), Ready::Health(target)) => health::measure(io, plan, target, left)
                .await
                .map(Measurement::Health),
        }
    }

    fn judge(&self, measurement: &Measurement) -> Verdict {
        match (self, measurement) {
            (Check::Health(gate), Measurement::Health(probed)) => health::judge(gate, probed),
        }
    }

    /// The failure of `failures` non-passing readings in a row, the last of them `last`.
    fn failed(&self, ready: &Ready, failures: u32, last: Measurement) -> CheckFailure {
        match (ready, last) {
            (Ready::Health(target), Measurement::Health(probed)) => {
                CheckFailure::Health(health::HealthFailed::Probes {
                    url: target.url.as_str().to_string(),
                    failures,
                    last: probed,
                })
            }
        }
    }
}

/// The readings of one check so far.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// Readings taken.
    pub readings: u32,
    /// Readings that did not pass.
    pub failed: u32,
    /// Readings that did not pass, in a row up to the last.
    pub streak: u32,
    /// Whether the last reading passed.
    pub passing: bool,
}

impl Tally {
    /// Counts one reading's verdict.
    pub fn count(&mut self, verdict: Verdict) {
        self.readings += 1;
        self.passing = verdict == Verdict::Pass;
        match self.passing {
            true => self.streak = 0,
            false => {
                self.failed += 1;
                self.streak += 1;
            }
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
    let mut ready = Vec::with_capacity(plan.checks.len());
    for (index, check) in plan.checks.iter().enumerate() {
        let target = check.ready(io, plan).await?;
        io.emit(Event::CheckStarted {
            step,
            total,
            check: index,
            window,
            ready: target.clone(),
        });
        ready.push(target);
    }
    analyse(io, plan, &ready, (step, total), window).await
}

/// The rounds of readings, each check once a round, on one wait: until the window is over and
/// every check's last reading passed, or a check fails the step. Past the window, at most as
/// many more rounds as the largest failure limit: a check that passes and fails in turn beside
/// another cannot hold the step for ever.
async fn analyse(
    io: &Io,
    plan: &Plan,
    ready: &[Ready],
    (step, total): (usize, usize),
    window: Duration,
) -> Result<(), Failed> {
    let wait = Wait::new(io.now(), window, plan.poll_interval);
    let overtime = plan.checks.iter().map(Check::failures).max().unwrap_or(1);
    let (mut tallies, mut rounds_past) = (vec![Tally::default(); ready.len()], 0);
    loop {
        let mut last = Vec::with_capacity(ready.len());
        for (index, (check, target)) in plan.checks.iter().zip(ready).enumerate() {
            let measurement = check.measure(io, plan, target, wait.left(io.now())).await?;
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
            });
            if tally.streak >= check.failures() {
                return Err((check.failed(target, tally.streak, measurement), None));
            }
            last.push(measurement);
        }
        let over = io.now() >= wait.deadline();
        if over && tallies.iter().all(|t| t.passing) {
            for (index, tally) in tallies.iter().enumerate() {
                io.emit(Event::CheckPassed {
                    step,
                    total,
                    check: index,
                    readings: tally.readings,
                    failed: tally.failed,
                });
            }
            return Ok(());
        }
        rounds_past += u32::from(over);
        if rounds_past >= overtime {
            let stuck = tallies.iter().position(|t| !t.passing).unwrap_or(0);
            let (check, target) = (&plan.checks[stuck], &ready[stuck]);
            return Err((
                check.failed(target, tallies[stuck].streak, last.swap_remove(stuck)),
                None,
            ));
        }
        // Readings a poll interval apart (with jitter), never cut short at the window's end:
        // how many a window holds does not hang on how long one reading took.
        io.sleep(wait.interval(io.jitter())).await;
    }
}
