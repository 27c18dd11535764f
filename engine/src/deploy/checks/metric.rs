//! The metric check's vocabulary: the gate (`metric-gate`'s conditions, the readings in a row that fail a step, and whether it enforces or only observes), what one reading of the app's telemetry found for each condition, the verdict on it, and why the check failed a step. The reading itself is `deploy::bake::metric`'s.
//!
//! Each condition is held against the newest point of its field since the step's bake began,
//! not the window's average: the streak of readings already smooths a single bad point, and an
//! average would keep a dip at the start of a long bake against the step after it recovered.

use std::time::Duration;

use crate::base::error::Error;
use crate::deploy::checks::Verdict;
use crate::esa::stats::{Field, Point, Stats};

/// A comparison of `metric-gate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `>=`.
    AtLeast,
    /// `<=`.
    AtMost,
    /// `>`.
    Above,
    /// `<`.
    Below,
}

impl Op {
    /// Every comparison, as written.
    pub const ALL: [Op; 4] = [Op::AtLeast, Op::AtMost, Op::Above, Op::Below];

    /// As written in `metric-gate`.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::AtLeast => ">=",
            Op::AtMost => "<=",
            Op::Above => ">",
            Op::Below => "<",
        }
    }

    /// The comparison written so, exactly.
    pub fn parse(text: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|op| op.as_str() == text)
    }
}

/// One line of `metric-gate`: `FIELD OP NUMBER`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Condition {
    /// The field read.
    pub field: Field,
    /// How its value compares.
    pub op: Op,
    /// With what.
    pub threshold: f64,
}

impl Condition {
    /// Whether `value` meets it.
    pub fn holds(&self, value: f64) -> bool {
        match self.op {
            Op::AtLeast => value >= self.threshold,
            Op::AtMost => value <= self.threshold,
            Op::Above => value > self.threshold,
            Op::Below => value < self.threshold,
        }
    }
}

/// Whether the gate can fail a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GateMode {
    /// Readings that do not pass fail the step (`metric-gate-mode: enforce`).
    Enforce,
    /// Read and report, never fail (`metric-gate-mode: observe`).
    Observe,
}

/// The gate, when `metric-gate` is set.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricGate {
    /// Every condition; a reading passes when all hold.
    pub conditions: Vec<Condition>,
    /// Readings in a row that do not pass (a failing condition, no data, or a failed read)
    /// that fail a step.
    pub failures: u32,
    /// Whether it enforces, or only observes.
    pub mode: GateMode,
}

impl MetricGate {
    /// The fields its conditions read, each once, in the API reference's order.
    pub fn fields(&self) -> Vec<Field> {
        Field::ALL
            .into_iter()
            .filter(|f| self.conditions.iter().any(|c| c.field == *f))
            .collect()
    }
}

/// What a step's readings ask for: the gate's fields, since the bake began (on the engine's
/// clock).
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The gate read.
    pub gate: MetricGate,
    /// When the step's bake began.
    pub since: Duration,
}

/// What one reading found for one condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    /// The newest point of its field, and whether the condition holds for it.
    Value {
        /// The point.
        point: Point,
        /// Whether the condition holds.
        holds: bool,
    },
    /// No point of its field in the window.
    NoData,
}

/// One reading of the gate.
#[derive(Debug, Clone, PartialEq)]
pub enum MetricReading {
    /// The stats were read: each condition, and what was found for it.
    Read {
        /// Each condition and what was found.
        found: Vec<(Condition, Found)>,
        /// The call's RequestId.
        request_id: Option<String>,
    },
    /// The stats could not be read (after the client's retries): why.
    Unread(Error),
}

impl MetricReading {
    /// The reading of `stats` for the gate's conditions.
    pub fn of(gate: &MetricGate, stats: &Stats) -> MetricReading {
        let found = gate
            .conditions
            .iter()
            .map(|c| {
                let found = match stats.newest(c.field) {
                    Some(point) => Found::Value {
                        holds: c.holds(point.value),
                        point,
                    },
                    None => Found::NoData,
                };
                (*c, found)
            })
            .collect();
        MetricReading::Read {
            found,
            request_id: stats.request_id.clone(),
        }
    }
}

/// The verdict on one reading: a condition that fails fails it; else no data, or a read that
/// failed, is inconclusive (never a pass); else it passes.
pub fn judge(reading: &MetricReading) -> Verdict {
    let MetricReading::Read { found, .. } = reading else {
        return Verdict::Inconclusive;
    };
    let fails = |f: &Found| matches!(f, Found::Value { holds: false, .. });
    if found.iter().any(|(_, f)| fails(f)) {
        Verdict::Fail
    } else if found.iter().any(|(_, f)| *f == Found::NoData) {
        Verdict::Inconclusive
    } else {
        Verdict::Pass
    }
}

/// Why the metric check failed a step: `failures` readings in a row did not pass; the last
/// found this.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricFailed {
    /// Readings in a row that did not pass.
    pub failures: u32,
    /// The last of them.
    pub last: MetricReading,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::deploy::checks::metric::*;

    fn gate(conditions: &[(Field, Op, f64)]) -> MetricGate {
        MetricGate {
            conditions: conditions
                .iter()
                .map(|(field, op, threshold)| Condition {
                    field: *field,
                    op: *op,
                    threshold: *threshold,
                })
                .collect(),
            failures: 3,
            mode: GateMode::Enforce,
        }
    }

    fn stats(points: serde_json::Value) -> Stats {
        Stats::from_answer(&json!({ "Points": points }))
    }

    #[test]
    fn each_comparison_holds_on_its_side_of_the_threshold() {
        let at = |op| Condition {
            field: Field::PodReadyRate,
            op,
            threshold: 99.0,
        };
        let holds = |op, v| at(op).holds(v);
        assert!(holds(Op::AtLeast, 99.0) && !holds(Op::AtLeast, 98.9));
        assert!(holds(Op::AtMost, 99.0) && !holds(Op::AtMost, 99.1));
        assert!(holds(Op::Above, 99.1) && !holds(Op::Above, 99.0));
        assert!(holds(Op::Below, 98.9) && !holds(Op::Below, 99.0));
        for op in Op::ALL {
            assert_eq!(Op::parse(op.as_str()), Some(op));
        }
        assert_eq!(Op::parse("=>"), None);
    }

    #[test]
    fn a_failing_condition_fails_no_data_is_inconclusive_and_all_holding_passes() {
        let g = gate(&[
            (Field::PodReadyRate, Op::AtLeast, 99.0),
            (Field::MemoryQuotaRate, Op::Below, 80.0),
        ]);
        let t = "2026-12-07T10:00:00Z";
        let both =
            stats(json!([{"Time": t, "PodReadyRate": 100, "ContainerMemoryRssQuotaRate": 40}]));
        assert_eq!(judge(&MetricReading::of(&g, &both)), Verdict::Pass);
        let one_fails =
            stats(json!([{"Time": t, "PodReadyRate": 100, "ContainerMemoryRssQuotaRate": 85}]));
        assert_eq!(judge(&MetricReading::of(&g, &one_fails)), Verdict::Fail);
        let one_missing = stats(json!([{"Time": t, "PodReadyRate": 100}]));
        assert_eq!(
            judge(&MetricReading::of(&g, &one_missing)),
            Verdict::Inconclusive
        );
        // A failing value outweighs a field with no data: it is evidence.
        let missing_and_failing = stats(json!([{"Time": t, "PodReadyRate": 50}]));
        assert_eq!(
            judge(&MetricReading::of(&g, &missing_and_failing)),
            Verdict::Fail
        );
        assert_eq!(
            judge(&MetricReading::of(&g, &stats(json!([])))),
            Verdict::Inconclusive
        );
        let unread = MetricReading::Unread(crate::base::error::Error::System("down".into()));
        assert_eq!(judge(&unread), Verdict::Inconclusive);
        assert_eq!(g.fields(), [Field::PodReadyRate, Field::MemoryQuotaRate]);
    }
}
