//! The checks a step's bake runs, as the plan names them, and what one tells: what it measures against once set up for a step ([`Ready`]), what one reading found ([`Measurement`]), its verdict (`Pass`, `Fail` or `Inconclusive`, which never passes), the readings so far ([`Tally`]) and why it failed a step ([`CheckFailure`]). The loop that runs them is `deploy::bake`'s.
//!
//! To add a check: a variant of [`Check`], [`CheckKind`], [`Ready`], [`Measurement`] and
//! [`CheckFailure`] and a module beside [`health`] with its vocabulary and verdict; its setup
//! and measurement in `deploy::bake`; then its words (`src/words/checks.rs`).

pub mod health;
pub mod metric;

use std::time::Duration;

use crate::esa::probe::Probed;

/// A check a step's bake runs.
#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    /// The health probe of a URL.
    Health(health::HealthGate),
    /// The app's telemetry, held to conditions.
    Metric(metric::MetricGate),
}

/// Which kind a check is, for the words of events that carry no reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckKind {
    /// [`Check::Health`].
    Health,
    /// [`Check::Metric`].
    Metric,
}

/// What a check measures against, once set up for a step (announced as the bake starts).
#[derive(Debug, Clone, PartialEq)]
pub enum Ready {
    /// The health URL, probed at these addresses (staging's) when not empty.
    Health(health::Target),
    /// The fields read, since the bake began.
    Metric(metric::Target),
}

/// What one measurement found.
#[derive(Debug, Clone, PartialEq)]
pub enum Measurement {
    /// One probe of the health URL.
    Health(Probed),
    /// One reading of the app's telemetry.
    Metric(metric::MetricReading),
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
#[derive(Debug, Clone, PartialEq)]
pub enum CheckFailure {
    /// The health gate's.
    Health(health::HealthFailed),
    /// The metric gate's.
    Metric(metric::MetricFailed),
}

impl Check {
    /// Its kind.
    pub fn kind(&self) -> CheckKind {
        match self {
            Check::Health(_) => CheckKind::Health,
            Check::Metric(_) => CheckKind::Metric,
        }
    }

    /// How many non-passing readings in a row fail the step (or would, when it only observes).
    pub fn failures(&self) -> u32 {
        match self {
            Check::Health(gate) => gate.failures,
            Check::Metric(gate) => gate.failures,
        }
    }

    /// Whether it can fail a step: a metric gate that observes only reads and reports.
    pub fn enforced(&self) -> bool {
        match self {
            Check::Health(_) => true,
            Check::Metric(gate) => gate.mode == metric::GateMode::Enforce,
        }
    }

    /// How long a step's bake is measured at least: `step-wait`, or long enough for this
    /// check's failures to be read one poll interval apart.
    pub fn window(&self, step_wait: Duration, poll: Duration) -> Duration {
        step_wait.max(poll * self.failures().saturating_sub(1))
    }

    /// The verdict on one of its readings.
    pub fn judge(&self, measurement: &Measurement) -> Verdict {
        match (self, measurement) {
            (Check::Health(gate), Measurement::Health(probed)) => health::judge(gate, probed),
            (Check::Metric(_), Measurement::Metric(reading)) => metric::judge(reading),
            // Never paired: the bake measures each check itself.
            (Check::Health(_), Measurement::Metric(_))
            | (Check::Metric(_), Measurement::Health(_)) => Verdict::Inconclusive,
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
