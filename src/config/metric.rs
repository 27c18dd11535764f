//! The metric gate: the conditions each step's bake holds the app's own telemetry to, how many readings in a row that do not pass fail the step, and whether it enforces or only observes (`metric-gate`, `metric-failures`, `metric-gate-mode`). Every bad line is refused with its line number, an unknown field with the nearest name.

use crate::config::gate::{parse_failures, without_gate};
use crate::config::reader::Reader;
use crate::config::spec::default_of;
use esa_engine::base::text::shown;
use esa_engine::deploy::checks::metric::{Condition, GateMode, MetricGate, Op};
use esa_engine::esa::stats::Field;

/// The nearest field to a name that is none: the one fewest edits away.
fn nearest_field(name: &str) -> &'static str {
    Field::ALL
        .into_iter()
        .map(|f| (strsim::osa_distance(name, f.name()), f.name()))
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
        .unwrap_or_default()
}

/// Every field's name, for a message.
fn field_names() -> String {
    let names: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
    names.join(", ")
}

/// One line: `FIELD OP NUMBER`.
fn condition(line: &str) -> Result<Condition, String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let [field, op, number] = words.as_slice() else {
        return Err(format!(
            "`{}` is not `FIELD OP NUMBER` (e.g. `pod_ready_rate >= 99`)",
            shown(line)
        ));
    };
    let field = Field::parse(field).ok_or_else(|| {
        format!(
            "`{}` is no field of DescribeEdgeContainerAppStats; did you mean `{}`? The fields: {}",
            shown(field),
            nearest_field(field),
            field_names()
        )
    })?;
    let op = Op::parse(op)
        .ok_or_else(|| format!("`{}` is no comparison: use >=, <=, > or <", shown(op)))?;
    let threshold = number
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .ok_or_else(|| format!("`{}` is not a number", shown(number)))?;
    Ok(Condition {
        field,
        op,
        threshold,
    })
}

/// `metric-gate`: one condition a line; blank lines are skipped.
fn conditions(r: &mut Reader<'_>, text: &str) -> Option<Vec<Condition>> {
    let mut found = Vec::new();
    let mut bad = false;
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match condition(line.trim()) {
            Ok(c) => found.push(c),
            Err(why) => {
                bad = true;
                r.error(
                    "metric-gate",
                    format!("input `metric-gate`, line {}: {why}", n + 1),
                );
            }
        }
    }
    (!bad).then_some(found)
}

/// `metric-gate-mode`: `enforce` or `observe`.
fn parse_mode(v: &str) -> Result<GateMode, String> {
    match v.trim() {
        "enforce" => Ok(GateMode::Enforce),
        "observe" => Ok(GateMode::Observe),
        other => Err(format!(
            "must be `enforce` or `observe`, not `{}`",
            shown(other)
        )),
    }
}

/// Without `metric-gate`, a value of its own for `metric-failures` or `metric-gate-mode`
/// acts on nothing: refused, as the health gate's settings are.
fn settings_without_gate(r: &mut Reader<'_>) {
    for input in ["metric-failures", "metric-gate-mode"] {
        let value = r.get(input).unwrap_or_default();
        if value.trim() != default_of(input).unwrap_or_default() {
            without_gate(r, input, "metric-gate", "read");
        }
    }
}

/// Reads the gate's inputs; `follows` says whether the rollout is followed, without which no
/// step ever bakes with it.
pub fn read_metric(r: &mut Reader<'_>, follows: bool) -> Option<MetricGate> {
    let Some(text) = r.get("metric-gate").filter(|t| !t.trim().is_empty()) else {
        settings_without_gate(r);
        return None;
    };
    let conditions = conditions(r, &text);
    let failures = r.parsed("metric-failures", parse_failures);
    let mode = r.parsed("metric-gate-mode", parse_mode);
    if !follows {
        r.error("metric-gate", "input `metric-gate` reads the app's telemetry while each step bakes, and this run does not follow the rollout: add `wait: true` (or `percentage-steps`), or nothing is read");
    }
    Some(MetricGate {
        conditions: conditions?,
        failures: failures?,
        mode: mode?,
    })
}
