//! The health gate: while a step bakes, the health URL is probed every poll interval (after a staging deploy at staging's own addresses); `health-failures` failed probes in a row fail the step, and a gate never passes while its last probe failed.

use std::net::IpAddr;
use std::time::Duration;

use crate::base::error::Error;
use crate::deploy::event::Event;
use crate::deploy::failure::HealthFailed;
use crate::deploy::io::Io;
use crate::deploy::plan::HealthGate;
use crate::deploy::plan::{window, Plan};
use crate::deploy::wait::READ_SLACK;
use crate::esa::model::PublishEnv;
use crate::esa::probe::Probed;

/// One probe's time: a poll interval, or what is left of the window when less, plus the
/// slack every read in a wait gets; never more than `timeout`.
pub fn probe_limit(left: Duration, poll: Duration, timeout: Duration) -> Duration {
    (left.min(poll) + READ_SLACK).min(timeout)
}

/// Whether a probe found the app healthy.
pub fn healthy(gate: &HealthGate, probed: &Probed) -> bool {
    matches!(probed, Probed::Answered { status, .. } if gate.statuses.contains(*status))
}

/// The probes of one gate so far.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub probes: u32,
    pub failed: u32,
    /// Failed probes in a row, up to the last.
    pub streak: u32,
}

impl Tally {
    pub fn count(&mut self, healthy: bool) {
        self.probes += 1;
        match healthy {
            true => self.streak = 0,
            false => {
                self.failed += 1;
                self.streak += 1;
            }
        }
    }
}

/// Why a gate failed, and the error behind it when a call failed.
pub(crate) type GateFailed = (HealthFailed, Option<Error>);

/// Where the probes go: on staging, its addresses (none is a failure, never a skipped gate);
/// elsewhere wherever the URL's host resolves.
async fn addresses(io: &Io, plan: &Plan, url: &str) -> Result<Vec<IpAddr>, GateFailed> {
    if plan.env() != PublishEnv::Staging {
        return Ok(Vec::new());
    }
    let unprobed = || HealthFailed::Unprobed {
        url: url.to_string(),
    };
    let staging = io
        .staging_status(plan.call_budget())
        .await
        .map_err(|e| (unprobed(), Some(e)))?;
    let at: Vec<IpAddr> = staging
        .vips
        .iter()
        .filter_map(|v| v.trim().parse().ok())
        .collect();
    if at.is_empty() {
        return Err((
            HealthFailed::NoAddresses {
                url: url.to_string(),
            },
            None,
        ));
    }
    Ok(at)
}

/// Probes `gate` for one step, until it passes or fails.
pub(crate) async fn gate(
    io: &Io,
    plan: &Plan,
    gate: &HealthGate,
    step: usize,
    total: usize,
) -> Result<(), GateFailed> {
    let url = gate.url.as_str().to_string();
    let at = addresses(io, plan, &url).await?;
    let window = window(gate, plan.step_wait, plan.poll_interval);
    io.emit(Event::GateStarted {
        step,
        total,
        url: url.clone(),
        window,
        at: at.clone(),
    });
    let end = io.now() + window;
    let mut tally = Tally::default();
    loop {
        let left = end.saturating_sub(io.now());
        let limit = probe_limit(left, plan.poll_interval, plan.retry.timeout);
        let probed = io.probe(&gate.url, &at, limit).await.map_err(|e| {
            let unprobed = HealthFailed::Unprobed { url: url.clone() };
            (unprobed, Some(e))
        })?;
        let healthy = healthy(gate, &probed);
        tally.count(healthy);
        io.emit(Event::Probed {
            step,
            probe: tally.probes,
            probed: probed.clone(),
            healthy,
            streak: tally.streak,
        });
        if tally.streak >= gate.failures {
            let failures = tally.streak;
            let last = probed;
            return Err((
                HealthFailed::Probes {
                    url,
                    failures,
                    last,
                },
                None,
            ));
        }
        if healthy && io.now() >= end {
            let (probes, failed) = (tally.probes, tally.failed);
            io.emit(Event::GatePassed {
                step,
                total,
                probes,
                failed,
            });
            return Ok(());
        }
        io.sleep(plan.poll_interval).await;
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::deploy::gate::{healthy, probe_limit, Tally};
    use crate::deploy::plan::{window, HealthGate, Statuses};
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
        assert_eq!(window(&gate(3), secs(0), secs(10)), secs(20));
        assert_eq!(window(&gate(3), secs(300), secs(10)), secs(300));
        assert_eq!(window(&gate(1), secs(0), secs(10)), secs(0));
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
        for h in [false, false, true, false] {
            t.count(h);
        }
        assert_eq!(
            t,
            Tally {
                probes: 4,
                failed: 3,
                streak: 1
            }
        );
    }
}
