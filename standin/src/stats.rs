//! DescribeEdgeContainerAppStats as the stand-in plays it: GET with every parameter in the query (App, Fields, StartTime, EndTime; Locate, Isp, Tenant allowed), as the official SDK sends it, checked as the service's other reads are; its answer `<Name>Avg` per field and `Points[]` with `Time` and each field's value. What the service does not document is a flag each: the series of values, no points at all, an error, how far apart and how late points come, and whether rates are percentages or fractions. Written from the SDK's models, independently of the action.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::{json, Map, Value};

use crate::rules::{check_method, check_placement, known_app, refuse, Refusal};
use crate::State;

type Params = BTreeMap<String, String>;

/// Every field, with its key in `Points` and its average's key.
pub const FIELDS: &[(&str, &str, &str)] = &[
    ("pod_ready_rate", "PodReadyRate", "PodReadyRateAvg"),
    (
        "container_cpu_usage_seconds_quota_rate",
        "ContainerCpuUsageSecondsQuotaRate",
        "CpuUsageSecondsQuotaRateAvg",
    ),
    (
        "container_cpu_usage_seconds_total",
        "ContainerCpuUsageSecondsTotal",
        "CpuUsageSecondsTotalAvg",
    ),
    ("container_memory_rss", "ContainerMemoryRss", "MemoryRssAvg"),
    (
        "container_memory_rss_quota_rate",
        "ContainerMemoryRssQuotaRate",
        "MemoryRssQuotaRateAvg",
    ),
    (
        "container_fs_reads_bytes_avg",
        "ContainerFsReadsBytesAvg",
        "FsReadsBytesAvgAvg",
    ),
    (
        "container_fs_writes_bytes_avg",
        "ContainerFsWritesBytesAvg",
        "FsWritesBytesAvgAvg",
    ),
];

/// How the app's telemetry answers.
#[derive(Debug, Clone, Default)]
pub struct Telemetry {
    /// A field's value on each successive call, in order (the last repeats); a field without a
    /// series reads as a healthy app's (ready, a tenth of its limits).
    pub series: Vec<(String, Vec<f64>)>,
    /// Answer with no points at all.
    pub empty: bool,
    /// Refuse each call with this code (403 for a `Forbidden` one, else 400).
    pub error: Option<&'static str>,
    /// How late a point comes: one stamped `t` is in answers from `t + lag` on.
    pub lag_seconds: i64,
    /// The seconds between two points (on multiples of it); 0 is the default, 10.
    pub spacing_seconds: i64,
    /// Rates (pod readiness, CPU and memory of the limit) as fractions (1 = all), not
    /// percentages (100 = all).
    pub fractions: bool,
    /// Calls answered so far.
    pub calls: usize,
}

/// A healthy app's value of a field, as a percentage where it is a rate.
fn healthy(field: &str) -> f64 {
    match field {
        "pod_ready_rate" => 100.0,
        "container_cpu_usage_seconds_quota_rate" | "container_memory_rss_quota_rate" => 10.0,
        "container_cpu_usage_seconds_total" => 0.5,
        "container_memory_rss" => 104_857_600.0,
        _ => 1024.0,
    }
}

fn is_rate(field: &str) -> bool {
    field == "pod_ready_rate" || field.ends_with("_quota_rate")
}

impl Telemetry {
    /// The value of `field` on call `call` (0-based).
    fn value(&self, field: &str, call: usize) -> f64 {
        let value = match self.series.iter().find(|(f, _)| f == field) {
            Some((_, values)) if !values.is_empty() => values[call.min(values.len() - 1)],
            _ => healthy(field),
        };
        match self.fractions && is_rate(field) {
            true => value / 100.0,
            false => value,
        }
    }
}

/// `yyyy-MM-ddTHH:mm:ssZ`, as the SDK documents the times.
fn time(text: &str, name: &str) -> Result<DateTime<Utc>, Refusal> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%SZ")
        .map(|t| t.and_utc())
        .map_err(|_| {
            refuse(
                400,
                "InvalidParameter",
                format!("{name} must be yyyy-MM-ddTHH:mm:ssZ in UTC, not {text}."),
            )
        })
}

/// The fields asked for: comma-separated names, each a field.
fn fields(text: &str) -> Result<Vec<&'static (&'static str, &'static str, &'static str)>, Refusal> {
    let mut asked = Vec::new();
    for name in text.split(',').map(str::trim) {
        let field = FIELDS.iter().find(|(n, _, _)| *n == name).ok_or_else(|| {
            refuse(
                400,
                "InvalidParameter.Fields",
                format!("The field {name} is not supported."),
            )
        })?;
        asked.push(field);
    }
    Ok(asked)
}

/// DescribeEdgeContainerAppStats.
pub(crate) fn stats(
    state: &mut State,
    query: &Params,
    form: &Params,
    method: &str,
    now: DateTime<Utc>,
) -> Result<Value, Refusal> {
    check_method(method, "GET")?;
    let allowed = [
        "App",
        "Fields",
        "StartTime",
        "EndTime",
        "Locate",
        "Isp",
        "Tenant",
    ];
    check_placement(query, form, &allowed, &[], &["App", "Fields"])?;
    known_app(state, &query["App"])?;
    let asked = fields(&query["Fields"])?;
    let end = query
        .get("EndTime")
        .map(|t| time(t, "EndTime"))
        .transpose()?
        .unwrap_or(now);
    let start = query
        .get("StartTime")
        .map(|t| time(t, "StartTime"))
        .transpose()?
        .unwrap_or(end - chrono::Duration::minutes(15));
    if end <= start {
        return Err(refuse(
            400,
            "InvalidParameter.EndTime",
            "The end time must be later than the start time.",
        ));
    }
    let play = &mut state.config.telemetry;
    if let Some(code) = play.error {
        let status = if code.starts_with("Forbidden") {
            403
        } else {
            400
        };
        return Err(refuse(status, code, "The stats could not be read."));
    }
    let call = play.calls;
    play.calls += 1;
    // Points every `spacing` seconds of the window, as far as they have come by now.
    let last = end.min(now - chrono::Duration::seconds(play.lag_seconds));
    let spacing = if play.spacing_seconds > 0 {
        play.spacing_seconds
    } else {
        10
    };
    let mut points = Vec::new();
    let mut t = start.timestamp().div_euclid(spacing) * spacing;
    while !play.empty && t <= last.timestamp() {
        if t >= start.timestamp() {
            let mut point = Map::new();
            let at = DateTime::from_timestamp(t, 0).unwrap_or(start);
            point.insert(
                "Time".into(),
                at.format("%Y-%m-%dT%H:%M:%SZ").to_string().into(),
            );
            for (name, key, _) in &asked {
                point.insert((*key).into(), json!(play.value(name, call)));
            }
            points.push(Value::Object(point));
        }
        t += spacing;
    }
    let mut answer = Map::new();
    for (name, _, average) in &asked {
        let avg = if points.is_empty() {
            0.0
        } else {
            play.value(name, call)
        };
        answer.insert((*average).into(), json!(avg));
    }
    answer.insert("Points".into(), Value::Array(points));
    Ok(Value::Object(answer))
}
