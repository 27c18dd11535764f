//! The metric gate's words: what each reading found for each condition (the value of the field's newest point, no data, or why the read failed), a gate that starts and passes (or, observing, how many readings would have failed), why one failed a step, the summary's table of readings and the dry run's plan of it.

use std::time::Duration;

use crate::ci::runner::{code_cell, markdown_cell};
use crate::words::chart::readings;
use crate::words::phrases::Said;
use esa_engine::base::error::Error;
use esa_engine::base::text::clock_text;
use esa_engine::base::values::show_duration;
use esa_engine::deploy::checks::metric::{
    Condition, Found, GateMode, MetricFailed, MetricReading, Op, Target,
};
use esa_engine::deploy::checks::Verdict;
use esa_engine::deploy::plan::Plan;

/// The most readings the summary's table lists: the last ones, the count of the rest said.
const TABLE_ROWS: usize = 60;

/// `pod_ready_rate >= 99`.
pub fn condition(c: &Condition) -> String {
    format!(
        "{} {} {}",
        c.field.name(),
        c.op.as_str(),
        number(c.threshold)
    )
}

/// `pod_ready_rate >= 99, container_memory_rss_quota_rate < 80`.
fn conditions(list: &[Condition]) -> String {
    let each: Vec<String> = list.iter().map(condition).collect();
    each.join(", ")
}

/// A number as read: at most three decimals, no trailing zeros.
pub fn number(value: f64) -> String {
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `pod_ready_rate 99.5 (>= 99 holds)`, `pod_ready_rate 80 (needs >= 99)`,
/// `pod_ready_rate: no data (needs >= 99)`.
fn found(c: &Condition, f: &Found) -> String {
    let (field, need) = (
        c.field.name(),
        format!("{} {}", c.op.as_str(), number(c.threshold)),
    );
    match f {
        Found::Value { point, holds: true } => {
            format!("{field} {} ({need} holds)", number(point.value))
        }
        Found::Value {
            point,
            holds: false,
        } => format!("{field} {} (needs {need})", number(point.value)),
        Found::NoData => format!("{field}: no data (needs {need})"),
    }
}

/// What a reading found, for a line: each condition, or why the read failed.
pub fn reading(r: &MetricReading) -> String {
    match r {
        MetricReading::Read { found: each, .. } => {
            let parts: Vec<String> = each.iter().map(|(c, f)| found(c, f)).collect();
            parts.join(", ")
        }
        MetricReading::Unread(error) => {
            format!("the stats could not be read ({}: {error})", error.title())
        }
    }
}

/// The gate begins a step's bake: its conditions, and for how long at least.
pub fn started((step, total): (usize, usize), window: Duration, target: &Target) -> Said {
    let how = match target.gate.mode {
        GateMode::Enforce => "",
        GateMode::Observe => " (observe: reported, never failing the step)",
    };
    Said::Moment(format!(
        "step {step}/{total}: reading the app's telemetry ({}) for {} while it bakes{how}",
        conditions(&target.gate.conditions),
        clock_text(window)
    ))
}

/// One reading, with its verdict; observing, one that does not pass only would have failed.
pub fn measured(n: u32, r: &MetricReading, verdict: Verdict, streak: u32, enforced: bool) -> Said {
    let verdict = match (verdict, enforced) {
        (Verdict::Pass, _) => "passes".to_string(),
        (Verdict::Fail | Verdict::Inconclusive, true) => {
            format!("does not pass, {streak} in a row")
        }
        (Verdict::Fail | Verdict::Inconclusive, false) => {
            format!("would not pass, {streak} in a row; observing")
        }
    };
    Said::Moment(format!("metric reading {n}: {} ({verdict})", reading(r)))
}

/// The gate passed a step (or, observing, read it throughout).
pub fn passed((step, total): (usize, usize), readings: u32, failed: u32, enforced: bool) -> Said {
    Said::Moment(match (enforced, failed) {
        (true, 0) => format!("step {step}/{total}: the metric gate passed ({readings} reading(s))"),
        (true, failed) => format!(
            "step {step}/{total}: the metric gate passed ({readings} reading(s); {failed} did not pass, never enough in a row)"
        ),
        (false, failed) => format!(
            "step {step}/{total}: the metric gate observed {readings} reading(s), {failed} of which would not have passed"
        ),
    })
}

/// Why the gate failed a step; a read refused for want of permission names the permission.
pub fn failed(why: &MetricFailed) -> String {
    let grant = match &why.last {
        MetricReading::Unread(e) if e.is_permission_denied() => {
            ". Grant `esa:DescribeEdgeContainerAppStats` to the RAM identity"
        }
        MetricReading::Unread(_) | MetricReading::Read { .. } => "",
    };
    format!(
        "{} metric reading(s) in a row did not pass (a condition failed, a field had no data, or the read failed); the last: {}{grant}",
        why.failures,
        reading(&why.last)
    )
}

/// The dry run's plan of the gate.
pub fn plan(plan: &Plan) -> Option<String> {
    let gate = plan.metric()?;
    let window = plan.check_window()?;
    let verdict = match gate.mode {
        GateMode::Enforce => format!(
            "{} reading(s) in a row that do not pass (no data included) fail the step{}",
            gate.failures,
            match plan.rollback_on_failure {
                true => " and roll it back",
                false => "",
            }
        ),
        GateMode::Observe => "observe: read and reported, never failing a step".into(),
    };
    Some(format!(
        "metric gate: after each step serves, DescribeEdgeContainerAppStats every {} for {}, each condition held to its field's newest point since the bake began: {}; {verdict}",
        show_duration(plan.poll_interval),
        show_duration(window),
        conditions(&gate.conditions)
    ))
}

/// One reading of the run, for the summary.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricRow {
    /// When, since the deployment started.
    pub at: Duration,
    /// The step it was read in.
    pub step: usize,
    /// What it found.
    pub reading: MetricReading,
    /// Its verdict.
    pub verdict: Verdict,
    /// Whether the gate enforced.
    pub enforced: bool,
}

/// Every reading of the run, for the summary.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct MetricRecord {
    /// Each reading, in order.
    pub rows: Vec<MetricRow>,
}

/// A verdict, in the summary's words.
fn verdict_cell(row: &MetricRow) -> &'static str {
    match (row.verdict, row.enforced) {
        (Verdict::Pass, _) => "pass",
        (Verdict::Fail, true) => "fail",
        (Verdict::Inconclusive, true) => "inconclusive",
        (Verdict::Fail | Verdict::Inconclusive, false) => "would fail (observe)",
    }
}

/// One table line for each condition of a reading (or one for a read that failed).
fn table_lines(row: &MetricRow) -> Vec<String> {
    let (time, verdict) = (clock_text(row.at), verdict_cell(row));
    let step = row.step;
    match &row.reading {
        MetricReading::Read { found: each, .. } => each
            .iter()
            .map(|(c, f)| {
                let value = match f {
                    Found::Value { point, .. } => {
                        format!("{} at {}", number(point.value), point.time)
                    }
                    Found::NoData => "no data".into(),
                };
                let condition = format!("{} {}", c.op.as_str(), number(c.threshold));
                format!(
                    "| {time} | {step} | {} | {} | {} | {verdict} |",
                    code_cell(c.field.name()),
                    markdown_cell(&value),
                    code_cell(&condition)
                )
            })
            .collect(),
        MetricReading::Unread(error) => vec![format!(
            "| {time} | {step} | | {} | | {verdict} |",
            markdown_cell(&unread(error))
        )],
    }
}

/// `pod_ready_rate at least 99`: a chart's title, in the words Mermaid takes there.
fn chart_title(c: &Condition) -> String {
    let op = match c.op {
        Op::AtLeast => "at least",
        Op::AtMost => "at most",
        Op::Above => "above",
        Op::Below => "below",
    };
    format!("{} {op} {}", c.field.name(), number(c.threshold))
}

/// The value a reading found for `c`, if any.
fn value_of(reading: &MetricReading, c: &Condition) -> Option<f64> {
    let MetricReading::Read { found, .. } = reading else {
        return None;
    };
    found.iter().find_map(|(d, f)| match f {
        Found::Value { point, .. } if d == c => Some(point.value),
        Found::Value { .. } | Found::NoData => None,
    })
}

fn unread(error: &Error) -> String {
    format!("not read: {}", error.title())
}

impl MetricRecord {
    /// The summary's section: each reading (its time, each field's value and condition, the
    /// verdict), the last [`TABLE_ROWS`] of them, and the readings that would have failed when
    /// observing. `None` when nothing was read.
    pub fn section(&self) -> Option<String> {
        let last = self.rows.last()?;
        let mut text = String::from("### Metric gate\n\n");
        if !last.enforced {
            let would = self
                .rows
                .iter()
                .filter(|r| r.verdict != Verdict::Pass)
                .count();
            text.push_str(&format!("Observe mode: {would} of {} reading(s) would have failed; none failed the step.\n\n", self.rows.len()));
        }
        let shown = &self.rows[self.rows.len().saturating_sub(TABLE_ROWS)..];
        if shown.len() < self.rows.len() {
            text.push_str(&format!(
                "The last {} readings of {}:\n\n",
                shown.len(),
                self.rows.len()
            ));
        }
        text.push_str("| time | step | field | value (newest point) | condition | verdict |\n|---|---|---|---|---|---|\n");
        for row in shown {
            for line in table_lines(row) {
                text.push_str(&line);
                text.push('\n');
            }
        }
        for chart in self.charts() {
            text.push('\n');
            text.push_str(&chart);
        }
        Some(text)
    }

    /// A chart of each condition's values over the readings, where there are two or more.
    fn charts(&self) -> Vec<String> {
        let Some(MetricReading::Read { found, .. }) = self
            .rows
            .iter()
            .map(|r| &r.reading)
            .find(|r| matches!(r, MetricReading::Read { .. }))
        else {
            return Vec::new();
        };
        found
            .iter()
            .filter_map(|(c, _)| {
                let values: Vec<(usize, f64)> = self
                    .rows
                    .iter()
                    .enumerate()
                    .filter_map(|(n, row)| Some((n + 1, value_of(&row.reading, c)?)))
                    .collect();
                readings(&chart_title(c), c.threshold, &values)
            })
            .collect()
    }
}
