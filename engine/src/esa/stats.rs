//! The app's own telemetry, as DescribeEdgeContainerAppStats gives it: the fields that can be asked for, and an answer read into points, each with its time and the values it carries. What the numbers' units are, how far apart the points are and how late they come, the service does not document: the answer is read as it is, and nothing unparsed is trusted (a point without a readable time, a value that is not a finite number).

use chrono::{DateTime, Utc};
use serde_json::Value;

/// A field of DescribeEdgeContainerAppStats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    /// `pod_ready_rate`: the share of the app's pods that are ready.
    PodReadyRate,
    /// `container_cpu_usage_seconds_quota_rate`: CPU used, as a share of the limit.
    CpuQuotaRate,
    /// `container_cpu_usage_seconds_total`: CPU used, in core-seconds.
    CpuTotal,
    /// `container_memory_rss`: the memory used.
    MemoryRss,
    /// `container_memory_rss_quota_rate`: the memory used, as a share of the limit.
    MemoryQuotaRate,
    /// `container_fs_reads_bytes_avg`: bytes read.
    FsReads,
    /// `container_fs_writes_bytes_avg`: bytes written.
    FsWrites,
}

impl Field {
    /// Every field, in the API reference's order.
    pub const ALL: [Field; 7] = [
        Field::PodReadyRate,
        Field::CpuQuotaRate,
        Field::CpuTotal,
        Field::MemoryRss,
        Field::MemoryQuotaRate,
        Field::FsReads,
        Field::FsWrites,
    ];

    /// Its name in `Fields` (and in the action's `metric-gate`).
    pub fn name(self) -> &'static str {
        match self {
            Field::PodReadyRate => "pod_ready_rate",
            Field::CpuQuotaRate => "container_cpu_usage_seconds_quota_rate",
            Field::CpuTotal => "container_cpu_usage_seconds_total",
            Field::MemoryRss => "container_memory_rss",
            Field::MemoryQuotaRate => "container_memory_rss_quota_rate",
            Field::FsReads => "container_fs_reads_bytes_avg",
            Field::FsWrites => "container_fs_writes_bytes_avg",
        }
    }

    /// Its key in each of the answer's `Points`.
    pub fn point_key(self) -> &'static str {
        match self {
            Field::PodReadyRate => "PodReadyRate",
            Field::CpuQuotaRate => "ContainerCpuUsageSecondsQuotaRate",
            Field::CpuTotal => "ContainerCpuUsageSecondsTotal",
            Field::MemoryRss => "ContainerMemoryRss",
            Field::MemoryQuotaRate => "ContainerMemoryRssQuotaRate",
            Field::FsReads => "ContainerFsReadsBytesAvg",
            Field::FsWrites => "ContainerFsWritesBytesAvg",
        }
    }

    /// Its average's key in the answer (`PodReadyRateAvg`).
    pub fn average_key(self) -> &'static str {
        match self {
            Field::PodReadyRate => "PodReadyRateAvg",
            Field::CpuQuotaRate => "CpuUsageSecondsQuotaRateAvg",
            Field::CpuTotal => "CpuUsageSecondsTotalAvg",
            Field::MemoryRss => "MemoryRssAvg",
            Field::MemoryQuotaRate => "MemoryRssQuotaRateAvg",
            Field::FsReads => "FsReadsBytesAvgAvg",
            Field::FsWrites => "FsWritesBytesAvgAvg",
        }
    }

    /// The field of this name, exactly.
    pub fn parse(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// One point of the answer: when, and the value of one field.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// The point's time, as the service wrote it (`yyyy-MM-ddTHH:mm:ssZ`, UTC).
    pub time: String,
    /// The field's value then.
    pub value: f64,
}

/// One point of the answer that could be read: its time, and each field's finite value.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Its time.
    pub at: DateTime<Utc>,
    /// Its time, as the service wrote it.
    pub time: String,
    /// The fields it carries a finite number for.
    pub values: Vec<(Field, f64)>,
}

/// An answer of DescribeEdgeContainerAppStats, read into samples.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    /// The points with a readable time, as they came.
    pub samples: Vec<Sample>,
    /// The answer's `RequestId`.
    pub request_id: Option<String>,
}

/// A finite number, or a string holding one.
fn finite(v: &Value) -> Option<f64> {
    let n = match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }?;
    n.is_finite().then_some(n)
}

/// A point, when its time can be read.
fn sample(point: &Value) -> Option<Sample> {
    let time = point.get("Time")?.as_str()?;
    let at = DateTime::parse_from_rfc3339(time).ok()?.with_timezone(&Utc);
    let values = Field::ALL
        .into_iter()
        .filter_map(|f| Some((f, finite(point.get(f.point_key())?)?)))
        .collect();
    Some(Sample {
        at,
        time: time.to_string(),
        values,
    })
}

impl Stats {
    /// Reads the answer: its points (an answer without `Points` has none) and RequestId.
    pub fn from_answer(answer: &Value) -> Stats {
        let points = answer.get("Points").and_then(Value::as_array);
        Stats {
            samples: points.into_iter().flatten().filter_map(sample).collect(),
            request_id: answer
                .get("RequestId")
                .and_then(Value::as_str)
                .map(str::to_string),
        }
    }

    /// The newest point that carries `field`; `None` when no point does (no data). The
    /// answer's averages are not read: over an empty window an average may be 0, which would
    /// pass a `<` condition on no data at all.
    pub fn newest(&self, field: Field) -> Option<Point> {
        self.samples
            .iter()
            .filter_map(|s| {
                let (_, value) = s.values.iter().find(|(f, _)| *f == field)?;
                Some((s.at, &s.time, *value))
            })
            .max_by_key(|(at, _, _)| *at)
            .map(|(_, time, value)| Point {
                time: time.clone(),
                value,
            })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::esa::stats::{Field, Stats};

    #[test]
    fn every_field_is_named_as_the_sdk_names_it() {
        for f in Field::ALL {
            assert_eq!(Field::parse(f.name()), Some(f));
        }
        assert_eq!(Field::parse("pod_ready"), None);
        assert_eq!(
            Field::MemoryQuotaRate.point_key(),
            "ContainerMemoryRssQuotaRate"
        );
        assert_eq!(Field::FsReads.average_key(), "FsReadsBytesAvgAvg");
    }

    #[test]
    fn the_newest_readable_point_is_read_whatever_the_order() {
        let stats = Stats::from_answer(&json!({
            "RequestId": "R-1",
            "PodReadyRateAvg": 0,
            "Points": [
                {"Time": "2026-12-07T10:00:20Z", "PodReadyRate": 90.5},
                {"Time": "2026-12-07T10:00:40Z", "PodReadyRate": "99"},
                {"Time": "2026-12-07T10:00:30Z", "PodReadyRate": 80},
                {"Time": "not a time", "PodReadyRate": 1},
                {"Time": "2026-12-07T10:00:50Z", "PodReadyRate": null},
                {"Time": "2026-12-07T10:00:55Z", "ContainerMemoryRss": 1024},
            ],
        }));
        let newest = stats.newest(Field::PodReadyRate).unwrap();
        assert_eq!(
            (newest.time.as_str(), newest.value),
            ("2026-12-07T10:00:40Z", 99.0)
        );
        assert_eq!(stats.newest(Field::MemoryRss).unwrap().value, 1024.0);
        assert_eq!(stats.newest(Field::CpuTotal), None);
        assert_eq!(stats.request_id.as_deref(), Some("R-1"));
        // No points: no data, whatever the averages say.
        assert_eq!(
            Stats::from_answer(&json!({"PodReadyRateAvg": 0})).newest(Field::PodReadyRate),
            None
        );
    }
}
