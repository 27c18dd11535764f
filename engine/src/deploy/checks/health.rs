//! The health check's vocabulary: the gate (`health-url`, the healthy statuses, the failures in a row that fail a step), where a step's probes go, the verdict on one probe, and why the check failed a step. The probing itself is `deploy::bake::health`'s.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use crate::deploy::checks::Verdict;
use crate::deploy::wait::READ_SLACK;
use crate::esa::probe::{HealthUrl, Probed};

/// Why the health check failed a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HealthFailed {
    /// `failures` probes in a row failed; the last found this.
    Probes {
        /// The URL probed.
        url: String,
        /// Failed probes in a row.
        failures: u32,
        /// What the last of them found.
        last: Probed,
    },
    /// Staging reports no addresses to probe at.
    NoAddresses {
        /// The URL that would have been probed.
        url: String,
    },
    /// The probe could not be made: staging's addresses could not be read, or the probe could
    /// not be set up; the cause says why.
    Unprobed {
        /// The URL that would have been probed.
        url: String,
    },
}

/// Where a step's probes go: the URL, at staging's addresses when not empty (elsewhere
/// wherever its host resolves).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The health URL.
    pub url: HealthUrl,
    /// Staging's addresses, on staging; empty elsewhere.
    pub at: Vec<IpAddr>,
}

/// One probe's time: a poll interval, or what is left of the window when less, plus the
/// slack every read in a wait gets; never more than `timeout`.
pub fn probe_limit(left: Duration, poll: Duration, timeout: Duration) -> Duration {
    (left.min(poll) + READ_SLACK).min(timeout)
}

/// Whether a probe found the app healthy: an answer in `health-status`.
pub fn healthy(gate: &HealthGate, probed: &Probed) -> bool {
    matches!(probed, Probed::Answered { status, .. } if gate.statuses.contains(*status))
}

/// The verdict on one probe: healthy passes, anything else fails.
pub fn judge(gate: &HealthGate, probed: &Probed) -> Verdict {
    match healthy(gate, probed) {
        true => Verdict::Pass,
        false => Verdict::Fail,
    }
}

/// The HTTP statuses that count as healthy: codes and inclusive ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statuses(Vec<(u16, u16)>);

impl Statuses {
    /// Codes and inclusive ranges, each `(low, high)`, low first.
    pub fn new(ranges: Vec<(u16, u16)>) -> Statuses {
        Statuses(ranges)
    }
}

impl Statuses {
    /// Whether `status` counts as healthy.
    pub fn contains(&self, status: u16) -> bool {
        self.0
            .iter()
            .any(|(low, high)| (*low..=*high).contains(&status))
    }
}

impl fmt::Display for Statuses {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|(low, high)| match low == high {
                true => low.to_string(),
                false => format!("{low}-{high}"),
            })
            .collect();
        f.write_str(&parts.join(","))
    }
}

/// The gate, when `health-url` is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthGate {
    /// The URL probed.
    pub url: HealthUrl,
    /// The statuses that count as healthy.
    pub statuses: Statuses,
    /// Consecutive failed probes that fail a step.
    pub failures: u32,
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::deploy::checks::health::{healthy, probe_limit, HealthGate, Statuses};
    use crate::deploy::checks::{Check, Tally, Verdict};
    use crate::esa::probe::{HealthUrl, NoAnswer, Probed};

    fn gate(failures: u32) -> HealthGate {
        HealthGate {
            url: HealthUrl::parse("https://shop.example.com/healthz").unwrap(),
            statuses: Statuses::new(vec![(200, 399)]),
            failures,
        }
    }

    const fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn the_window_fits_the_probes_that_can_fail_a_step() {
        let window =
            |failures, step_wait| Check::Health(gate(failures)).window(step_wait, secs(10));
        assert_eq!(window(3, secs(0)), secs(20));
        assert_eq!(window(3, secs(300)), secs(300));
        assert_eq!(window(1, secs(0)), secs(0));
    }

    #[test]
    fn a_probe_gets_a_poll_interval_or_what_is_left_plus_slack_within_timeout() {
        assert_eq!(probe_limit(secs(100), secs(10), secs(120)), secs(15));
        assert_eq!(probe_limit(secs(2), secs(10), secs(120)), secs(7));
        assert_eq!(probe_limit(secs(0), secs(10), secs(120)), secs(5));
        assert_eq!(probe_limit(secs(200), secs(600), secs(120)), secs(120));
    }

    #[test]
    fn only_an_answer_in_health_status_is_healthy() {
        let answered = |status| Probed::Answered {
            status,
            excerpt: String::new(),
        };
        assert!(healthy(&gate(3), &answered(200)));
        assert!(healthy(&gate(3), &answered(302)));
        assert!(!healthy(&gate(3), &answered(503)));
        let refused = Probed::NoAnswer {
            why: NoAnswer::Connect,
            detail: "refused".into(),
        };
        assert!(!healthy(&gate(3), &refused));
    }

    #[test]
    fn the_streak_counts_failures_in_a_row() {
        let mut t = Tally::default();
        for v in [
            Verdict::Fail,
            Verdict::Inconclusive,
            Verdict::Pass,
            Verdict::Fail,
        ] {
            t.count(v);
        }
        assert_eq!(
            t,
            Tally {
                readings: 4,
                failed: 3,
                streak: 1,
                passing: false,
            }
        );
    }
}
