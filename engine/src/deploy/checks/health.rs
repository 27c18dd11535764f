//! The health check: the health URL probed every round of a step's bake (after a staging deploy at staging's own addresses, read once as the bake starts); an answer in `health-status` passes, anything else fails, and `health-failures` failed probes in a row fail the step.

use std::net::IpAddr;
use std::time::Duration;

use crate::deploy::checks::{CheckFailure, Failed, Verdict};
use crate::deploy::io::Io;
use crate::deploy::plan::{HealthGate, Plan};
use crate::deploy::wait::READ_SLACK;
use crate::esa::model::PublishEnv;
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
pub(crate) fn judge(gate: &HealthGate, probed: &Probed) -> Verdict {
    match healthy(gate, probed) {
        true => Verdict::Pass,
        false => Verdict::Fail,
    }
}

fn failed(why: HealthFailed, cause: Option<crate::base::error::Error>) -> Failed {
    (CheckFailure::Health(why), cause)
}

/// Where the probes go: on staging, its addresses (none is a failure, never a skipped check);
/// elsewhere wherever the URL's host resolves.
pub(crate) async fn ready(io: &Io, plan: &Plan, gate: &HealthGate) -> Result<Target, Failed> {
    let url = gate.url.as_str().to_string();
    if plan.env() != PublishEnv::Staging {
        return Ok(Target {
            url: gate.url.clone(),
            at: Vec::new(),
        });
    }
    let staging = io
        .staging_status(plan.call_budget())
        .await
        .map_err(|e| failed(HealthFailed::Unprobed { url: url.clone() }, Some(e)))?;
    let at: Vec<IpAddr> = staging
        .vips
        .iter()
        .filter_map(|v| v.trim().parse().ok())
        .collect();
    if at.is_empty() {
        return Err(failed(HealthFailed::NoAddresses { url }, None));
    }
    Ok(Target {
        url: gate.url.clone(),
        at,
    })
}

/// One probe, within a poll interval (or what is left of the window) and its slack.
pub(crate) async fn measure(
    io: &Io,
    plan: &Plan,
    target: &Target,
    left: Duration,
) -> Result<Probed, Failed> {
    let limit = probe_limit(left, plan.poll_interval, plan.retry.timeout);
    io.probe(&target.url, &target.at, limit).await.map_err(|e| {
        let url = target.url.as_str().to_string();
        failed(HealthFailed::Unprobed { url }, Some(e))
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::deploy::checks::health::{healthy, probe_limit};
    use crate::deploy::checks::{Check, Tally, Verdict};
    use crate::deploy::plan::{HealthGate, Statuses};
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
