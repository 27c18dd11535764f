//! The deployed app as the scenarios' health probes find it: a script of answers, one per probe (the last repeats; none at all is a healthy 200), each taking its time on the virtual clock.

use std::collections::VecDeque;
use std::net::IpAddr;
use std::time::Duration;

use esa_engine::esa::probe::{NoAnswer, Probed};

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

/// The app's script, and where each probe was sent.
#[derive(Debug, Default)]
pub struct FakeApp {
    pub answers: VecDeque<AppAnswer>,
    pub probed_at: Vec<Vec<IpAddr>>,
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
