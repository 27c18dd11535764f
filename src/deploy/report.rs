//! What the deployment did, kept as it goes so that it survives failure and cancellation: RequestIds, the version that served before, the steps, and the timeline.

use std::time::Duration;

use tokio::time::Instant;

use crate::base::text::clock_text;
use crate::deploy::rollout::{Moment, Snapshot};
use crate::deploy::version::Chosen;
use crate::deploy::Progress;

/// What the deployment did, filled in as it goes.
#[derive(Debug, Default)]
pub struct Report {
    /// The version published (or to be), once it is known.
    pub version: Option<Chosen>,
    /// The RequestId of the last publish call.
    pub request_id: Option<String>,
    /// Whether the last publish's answer was lost and the status confirmed it instead (so its
    /// RequestId is unknown).
    pub answer_lost: bool,
    /// The status read by the publish lock, before anything was sent.
    pub status_before: Option<Snapshot>,
    /// What served before (`BaseLineVersion` or `DeployedVersion` of the first status read).
    pub previous_version: Option<String>,
    /// The last status read after publishing.
    pub last: Option<Snapshot>,
    pub rollback_request_id: Option<String>,
    /// The steps' percentages (one entry without `percentage-steps`), and how many completed.
    pub steps: Vec<Option<u8>>,
    pub completed: usize,
    /// The step under way, 1-based.
    pub current: usize,
    /// Each step, each status change, with its time since the start.
    pub timeline: Vec<Moment>,
    /// The percentage serving over time, with the steps, a rollback or a failure marked where
    /// they happened (for the summary's chart).
    pub chart: Vec<ChartPoint>,
    pub(crate) started: Option<Instant>,
}

/// One point of the rollout chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartPoint {
    /// Since the deployment started.
    pub at: Duration,
    /// The share our version serves.
    pub percentage: u32,
    /// What happened here: a step, a rollback, a failure.
    pub mark: Option<String>,
}

/// The share `ours` serves in a snapshot: its publishing percentage, 100 once it alone serves,
/// and 0 when another version (or a rollback) has the traffic.
pub fn serving(s: &Snapshot, ours: &str) -> u32 {
    if s.publish_status.starts_with("rollback") {
        0
    } else if s.publishing_version == ours {
        s.publish_percentage
    } else if s.publishing_version.is_empty() && s.deployed_version == ours {
        100
    } else {
        0
    }
}

impl Report {
    /// Adds a point to the chart; `percentage` `None` keeps the last one.
    pub(crate) fn plot(&mut self, percentage: Option<u32>, mark: Option<String>) {
        let at = self.started.map(|s| s.elapsed()).unwrap_or_default();
        let percentage = percentage
            .or_else(|| self.chart.last().map(|p| p.percentage))
            .unwrap_or(0);
        self.chart.push(ChartPoint {
            at,
            percentage,
            mark,
        });
    }

    pub(crate) fn note(&mut self, progress: &mut dyn Progress, text: String) {
        let at = self.started.map(|s| s.elapsed()).unwrap_or_default();
        progress.line(&format!("[{}] {text}", clock_text(at)));
        self.timeline.push(Moment { at, text });
    }
}

/// Where a cancelled run stopped, for the log.
pub fn cancelled_text(report: &Report) -> String {
    let total = report.steps.len();
    let last = match report.completed {
        0 => "no step had completed".to_string(),
        n => format!(
            "the last completed step, {}/{total} at {}, stays in place",
            n,
            report.steps[n - 1]
                .map(|p| format!("{p}%"))
                .unwrap_or_else(|| "100%".into())
        ),
    };
    let when = if report.completed >= report.current.max(1) {
        format!("while baking after step {}/{total}", report.completed)
    } else {
        format!("during step {}/{total}", report.current.max(1))
    };
    format!(
        "cancelled {when}: {last}; nothing was rolled back, and a publish already sent may still go on (check the app's publish status)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cancel_message_names_the_last_completed_step() {
        let mut r = Report {
            steps: vec![Some(10), Some(50), Some(100)],
            completed: 1,
            current: 2,
            ..Report::default()
        };
        assert!(cancelled_text(&r)
            .contains("during step 2/3: the last completed step, 1/3 at 10%, stays in place"));
        r.current = 1;
        assert!(cancelled_text(&r).contains("while baking after step 1/3"));
        r.completed = 0;
        r.current = 1;
        assert!(cancelled_text(&r).contains("no step had completed"));
    }
}
