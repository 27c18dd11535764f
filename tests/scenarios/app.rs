//! The deployed app as the scenarios' checks find it: for the health probes, a script of answers, one per probe (the last repeats; none at all is a healthy 200), each taking its time on the virtual clock; for the metric gate, a script of telemetry answers, one per read (the last repeats; none at all is a ready app at a tenth of its limits).

use std::collections::VecDeque;
use std::net::IpAddr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use esa_engine::esa::probe::{NoAnswer, Probed};
use esa_engine::esa::stats::{Field, Sample, Stats};

use crate::clock::Clock;

/// What the app does with one probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppAnswer {
    /// This status, at once.
    Status(u16),
    /// Nothing listens.
    Refused,
    /// The certificate is refused.
    BadCertificate,
    /// No answer: the probe takes its whole time, then times out.
    Hang,
    /// This status, after this long (within the probe's time).
    Slow(u16, Duration),
}

/// What one read of the app's telemetry finds.
#[derive(Debug, Clone, PartialEq)]
pub enum Telemetry {
    /// A point now with these fields' values (a field not listed has no data).
    Point(Vec<(Field, f64)>),
    /// No point at all.
    Empty,
}

/// The app's scripts, where each probe was sent, and each telemetry read's fields and window.
#[derive(Debug, Default)]
pub struct FakeApp {
    pub answers: VecDeque<AppAnswer>,
    pub probed_at: Vec<Vec<IpAddr>>,
    pub telemetry: VecDeque<Telemetry>,
    /// Each telemetry read: the fields asked for, and the window's start.
    pub read: Vec<(Vec<Field>, Duration)>,
}

impl FakeApp {
    /// Answers one probe sent to `at`, within `limit`.
    pub fn probe(&mut self, clock: &Clock, at: &[IpAddr], limit: Duration) -> Probed {
        self.probed_at.push(at.to_vec());
        let answer = match self.answers.len() {
            0 => AppAnswer::Status(200),
            1 => self.answers[0],
            _ => self.answers.pop_front().unwrap_or(AppAnswer::Status(200)),
        };
        let no_answer = |why, detail: &str| Probed::NoAnswer {
            why,
            detail: detail.to_string(),
        };
        match answer {
            AppAnswer::Status(status) => Probed::Answered {
                status,
                excerpt: if status < 400 { "ok" } else { "database down" }.into(),
            },
            AppAnswer::Refused => no_answer(NoAnswer::Connect, "connection refused"),
            AppAnswer::BadCertificate => {
                no_answer(NoAnswer::Tls, "invalid peer certificate: UnknownIssuer")
            }
            AppAnswer::Hang => {
                clock.advance(limit);
                no_answer(NoAnswer::Timeout, "no answer in time")
            }
            AppAnswer::Slow(status, took) => {
                clock.advance(took.min(limit));
                Probed::Answered {
                    status,
                    excerpt: "ok".into(),
                }
            }
        }
    }
}

/// When the virtual clock reads zero, for the points' times.
fn epoch() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-07T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

impl FakeApp {
    /// Answers one telemetry read of `fields` since `since`, made at `now`.
    pub fn stats(&mut self, now: Duration, fields: &[Field], since: Duration) -> Stats {
        self.read.push((fields.to_vec(), since));
        let script = match self.telemetry.len() {
            0 => Telemetry::Point(vec![
                (Field::PodReadyRate, 100.0),
                (Field::CpuQuotaRate, 10.0),
                (Field::MemoryQuotaRate, 10.0),
            ]),
            1 => self.telemetry[0].clone(),
            _ => self.telemetry.pop_front().unwrap_or(Telemetry::Empty),
        };
        let at = epoch() + now;
        let samples = match script {
            Telemetry::Empty => Vec::new(),
            Telemetry::Point(values) => vec![Sample {
                at,
                time: at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                values: values
                    .into_iter()
                    .filter(|(f, _)| fields.contains(f))
                    .collect(),
            }],
        };
        Stats {
            samples,
            request_id: Some(format!("STATS-{}", self.read.len())),
        }
    }
}
