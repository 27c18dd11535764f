//! The health gate's words: what each probe found (the app's own text only as a short excerpt, escaped by the runner like everything else), a gate that starts and passes, why one failed, the summary's health row and the dry run's plan of it.

use std::time::Duration;

use crate::words::phrases::Said;
use esa_engine::base::text::clock_text;
use esa_engine::base::values::show_duration;
use esa_engine::deploy::checks::health::{HealthFailed, Target};
use esa_engine::deploy::checks::Verdict;
use esa_engine::deploy::plan::Plan;
use esa_engine::esa::model::PublishEnv;
use esa_engine::esa::probe::{NoAnswer, Probed};

/// `503 "database down"`, `could not connect (connection refused)`.
pub fn probed(p: &Probed) -> String {
    match p {
        Probed::Answered { status, excerpt } if excerpt.is_empty() => status.to_string(),
        Probed::Answered { status, excerpt } => format!("{status} \"{excerpt}\""),
        Probed::NoAnswer { why, detail } => {
            let what = match why {
                NoAnswer::Connect => "could not connect",
                NoAnswer::Tls => "TLS failed",
                NoAnswer::Timeout => "timed out",
                NoAnswer::Broken => "no HTTP answer",
            };
            format!("{what} ({detail})")
        }
    }
}

/// `at 10.0.0.7, 10.0.0.8` for staging's addresses, or nothing.
fn at_text(at: &[std::net::IpAddr]) -> String {
    match at.is_empty() {
        true => String::new(),
        false => {
            let ips: Vec<String> = at.iter().map(ToString::to_string).collect();
            format!(" at staging's {}", ips.join(", "))
        }
    }
}

/// The gate begins a step's bake: where it probes, and for how long at least.
pub fn started((step, total): (usize, usize), window: Duration, target: &Target) -> Said {
    Said::Moment(format!(
        "step {step}/{total}: probing {}{} for {} while it bakes",
        target.url.as_str(),
        at_text(&target.at),
        clock_text(window)
    ))
}

/// One probe, with its verdict.
pub fn measured(reading: u32, p: &Probed, verdict: Verdict, streak: u32) -> Said {
    Said::Moment(match verdict {
        Verdict::Pass => format!("probe {reading}: {} (healthy)", probed(p)),
        Verdict::Fail | Verdict::Inconclusive => format!(
            "probe {reading}: {} (unhealthy, {streak} in a row)",
            probed(p)
        ),
    })
}

/// The gate passed a step: its probes, and how many of them failed.
pub fn passed((step, total): (usize, usize), readings: u32, failed: u32) -> Said {
    Said::Moment(match failed {
        0 => format!("step {step}/{total}: healthy ({readings} probe(s))"),
        failed => format!(
            "step {step}/{total}: healthy ({readings} probe(s); {failed} failed, never enough in a row)"
        ),
    })
}

/// Why the gate failed a step; `cause` is the error of a call behind it, in words.
pub fn failed(why: &HealthFailed, cause: &str) -> String {
    match why {
        HealthFailed::Probes { url, failures, last } => format!(
            "{failures} probe(s) of {url} in a row found it unhealthy (last: {})",
            probed(last)
        ),
        HealthFailed::NoAddresses { url } => format!(
            "staging reports no addresses (VIPs) to probe {url} at, so the health gate cannot run (it is never skipped); check the staging deployment in the ESA console"
        ),
        HealthFailed::Unprobed { url } => format!("{url} could not be probed: {cause}"),
    }
}

/// Every probe of the run, for the summary.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct HealthRecord {
    /// The URL probed.
    pub url: String,
    /// Probes made.
    pub probes: u32,
    /// Probes that did not pass.
    pub failed: u32,
    /// What the last one found.
    pub last: Option<Probed>,
}

impl HealthRecord {
    /// A health check began at `target`.
    pub fn started(&mut self, target: &Target) {
        self.url = target.url.as_str().to_string();
    }

    /// One probe, and its verdict.
    pub fn measured(&mut self, probed: &Probed, verdict: Verdict) {
        self.probes += 1;
        self.failed += u32::from(verdict != Verdict::Pass);
        self.last = Some(probed.clone());
    }

    /// The summary's row: `12 probes of https://…, 1 failed; last 200`.
    pub fn row(&self) -> String {
        let last = self.last.as_ref().map(probed).unwrap_or_default();
        format!(
            "{} probe(s) of {}, {} failed; last: {last}",
            self.probes, self.url, self.failed
        )
    }
}

/// The dry run's plan of the gate.
pub fn plan(plan: &Plan) -> Option<String> {
    let gate = plan.health()?;
    let window = plan.check_window()?;
    let where_ = match plan.env() {
        PublishEnv::Staging => "at staging's own addresses (read after each step), keeping the URL's host for TLS and Host",
        PublishEnv::Prod => "where its host resolves",
    };
    Some(format!(
        "health gate: after each step serves, GET {} every {} for {} {where_}; healthy answers: {}; {} failure(s) in a row fail the step{}",
        gate.url.as_str(),
        show_duration(plan.poll_interval),
        show_duration(window),
        gate.statuses,
        gate.failures,
        match plan.rollback_on_failure {
            true => " and roll it back",
            false => "",
        }
    ))
}
