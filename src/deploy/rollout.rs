//! Following a rollout: a pure state machine over status snapshots decides success, failure or waiting, and a wait loop drives it with an injected clock, sleep and status reader (so tests need neither I/O nor real time).

use std::future::Future;
use std::time::Duration;

use serde_json::Value;

use crate::base::error::Error;

/// One reading of GetEdgeContainerAppStatus (and, on staging, the container phase).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// `publishing`, `published`, `rollbacking` or `rollbacked` (empty before any publish).
    pub publish_status: String,
    pub deploy_status: String,
    pub publish_percentage: u32,
    pub expect_percentage: u32,
    pub publishing_version: String,
    pub deployed_version: String,
    pub baseline_version: String,
    pub regions: Vec<String>,
    /// When the last publish started, and the last rollback, as the service writes them
    /// (empty when it gives none).
    pub publish_time: String,
    pub rollback_time: String,
    /// Staging only: GetEdgeContainerStagingDeployStatus's `Phase`, when read.
    pub staging_phase: Option<String>,
}

impl Snapshot {
    /// Reads the `AppStatus` object of a GetEdgeContainerAppStatus answer.
    pub fn from_answer(answer: &Value) -> Option<Snapshot> {
        let s = answer.get("AppStatus")?;
        let text = |k: &str| {
            s.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let number = |k: &str| {
            s.get(k)
                .and_then(|v| {
                    v.as_u64()
                        .or_else(|| v.as_str().and_then(|t| t.parse().ok()))
                })
                .unwrap_or(0) as u32
        };
        Some(Snapshot {
            publish_status: text("PublishStatus"),
            deploy_status: text("DeployStatus"),
            publish_percentage: number("PublishPercentage"),
            expect_percentage: number("ExpectPercentage"),
            publishing_version: text("PublishingVersion"),
            deployed_version: text("DeployedVersion"),
            baseline_version: text("BaseLineVersion"),
            publish_time: text("PublishTime"),
            rollback_time: text("RollbackTime"),
            // `Regions` is an object, `{"Region": [..]}`, not a list.
            regions: s
                .get("Regions")
                .and_then(|r| r.get("Region"))
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            staging_phase: None,
        })
    }

    /// What serves before a publish: `BaseLineVersion`, or else `DeployedVersion`.
    pub fn serving_version(&self) -> Option<&str> {
        [&self.baseline_version, &self.deployed_version]
            .into_iter()
            .find(|v| !v.is_empty())
            .map(String::as_str)
    }

    /// Whether another publish is under way (the publish lock).
    pub fn busy_with_other(&self, ours: &str) -> Option<&str> {
        (self.publish_status == "publishing" && self.publishing_version != ours)
            .then_some(self.publishing_version.as_str())
    }

    /// `publishing 30%` and the like, for the log and the timeline.
    pub fn describe(&self) -> String {
        let version = if self.publishing_version.is_empty() {
            &self.deployed_version
        } else {
            &self.publishing_version
        };
        let mut text = format!(
            "{} {} {}% of {}%",
            if self.publish_status.is_empty() {
                "idle"
            } else {
                &self.publish_status
            },
            version,
            self.publish_percentage,
            self.expect_percentage
        );
        if let Some(phase) = &self.staging_phase {
            text.push_str(&format!(", container {phase}"));
        }
        text
    }
}

/// What the wait is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub version: String,
    /// The requested percentage (100 when none was given).
    pub percentage: u32,
}

/// Why a rollout failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The service is rolling back, or has rolled back.
    RolledBack { status: String },
    /// Another version took over.
    TakenOver { by: String },
    /// Staging: the container cannot run (crash loop, image pull failure).
    ContainerFailed { phase: String },
    /// `wait-timeout` passed first.
    TimedOut { last: String },
}

impl Failure {
    /// The annotation title.
    pub fn title(&self) -> &'static str {
        match self {
            Failure::RolledBack { .. } => "RolloutRolledBack",
            Failure::TakenOver { .. } => "RolloutTakenOver",
            Failure::ContainerFailed { phase } if phase == "CrashLoopBackOff" => {
                "ContainerCrashLoop"
            }
            Failure::ContainerFailed { phase } if phase == "ImagePullBackOff" => "ImagePullFailed",
            Failure::ContainerFailed { .. } => "ContainerFailed",
            Failure::TimedOut { .. } => "RolloutTimeout",
        }
    }

    pub fn describe(&self, target: &Target) -> String {
        match self {
            Failure::RolledBack { status } => format!(
                "the rollout of {} was rolled back (PublishStatus {status})",
                target.version
            ),
            Failure::TakenOver { by } => {
                format!("another version, {by}, took over from {}", target.version)
            }
            Failure::ContainerFailed { phase } => format!(
                "the staging container of {} cannot run: {phase}",
                target.version
            ),
            Failure::TimedOut { last } => format!(
                "{} did not reach {}% before `wait-timeout` (last: {last})",
                target.version, target.percentage
            ),
        }
    }
}

/// The verdict on one snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Pending,
    Succeeded,
    Failed(Failure),
}

/// Container phases that will not get better by waiting.
const FAILED_PHASES: &[&str] = &["CrashLoopBackOff", "ImagePullBackOff", "Failed"];

/// Judges one snapshot. Never success unless our version is serving at the requested share.
pub fn judge(target: &Target, s: &Snapshot) -> Verdict {
    let ours = |v: &str| v == target.version;
    if matches!(s.publish_status.as_str(), "rollbacking" | "rollbacked") {
        return Verdict::Failed(Failure::RolledBack {
            status: s.publish_status.clone(),
        });
    }
    if let Some(phase) = s
        .staging_phase
        .as_deref()
        .filter(|p| FAILED_PHASES.contains(p))
    {
        return Verdict::Failed(Failure::ContainerFailed {
            phase: phase.to_string(),
        });
    }
    if !s.publishing_version.is_empty() && !ours(&s.publishing_version) {
        return Verdict::Failed(Failure::TakenOver {
            by: s.publishing_version.clone(),
        });
    }
    if s.publish_status == "published" {
        if !ours(&s.publishing_version) && !ours(&s.deployed_version) {
            return Verdict::Failed(Failure::TakenOver {
                by: s.deployed_version.clone(),
            });
        }
        let expected = if s.expect_percentage == 0 {
            target.percentage
        } else {
            s.expect_percentage
        };
        if expected == target.percentage && s.publish_percentage >= target.percentage {
            return Verdict::Succeeded;
        }
    }
    Verdict::Pending
}

/// Time, injected: the real one in the action, a fake one in tests.
pub trait Clock {
    /// Time since an arbitrary start.
    fn elapsed(&self) -> Duration;
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()>;
}

/// One line of the rollout's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moment {
    pub at: Duration,
    pub text: String,
}

/// How a wait ended.
#[derive(Debug)]
pub enum WaitEnd {
    Succeeded(Snapshot),
    Failed(Failure, Option<Snapshot>),
    /// Reading the status failed (after the client's own retries).
    Error(Error),
}

/// Polls `read` every `interval` (with up to 20% jitter) until [`judge`] decides or `timeout`
/// passes. `on_change` hears each change of the snapshot, not every poll.
pub async fn wait<C: Clock, F, Fut>(
    clock: &C,
    target: &Target,
    interval: Duration,
    timeout: Duration,
    mut jitter: impl FnMut() -> f64,
    mut read: F,
    mut on_change: impl FnMut(Moment),
) -> WaitEnd
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Snapshot, Error>>,
{
    let started = clock.elapsed();
    let mut last: Option<Snapshot> = None;
    loop {
        let snapshot = match read().await {
            Ok(s) => s,
            Err(e) => return WaitEnd::Error(e),
        };
        let at = clock.elapsed().saturating_sub(started);
        if last.as_ref() != Some(&snapshot) {
            let text = match &last {
                Some(before) if before.publish_percentage != snapshot.publish_percentage => {
                    format!(
                        "{}% → {}% ({})",
                        before.publish_percentage,
                        snapshot.publish_percentage,
                        snapshot.describe()
                    )
                }
                _ => snapshot.describe(),
            };
            on_change(Moment { at, text });
        }
        match judge(target, &snapshot) {
            Verdict::Succeeded => return WaitEnd::Succeeded(snapshot),
            Verdict::Failed(f) => return WaitEnd::Failed(f, Some(snapshot)),
            Verdict::Pending => {}
        }
        let left = timeout.saturating_sub(at);
        if left.is_zero() {
            return WaitEnd::Failed(
                Failure::TimedOut {
                    last: snapshot.describe(),
                },
                Some(snapshot),
            );
        }
        last = Some(snapshot);
        // Never busy-loop: at least the interval (up to 20% more), at most what is left.
        let pause = interval
            .mul_f64(1.0 + 0.2 * jitter().clamp(0.0, 1.0))
            .min(left);
        clock.sleep(pause).await;
    }
}

#[cfg(test)]
mod tests {
    use std::cell::{Cell, RefCell};

    use super::*;

    fn snap(status: &str, pct: u32, expect: u32, publishing: &str, deployed: &str) -> Snapshot {
        Snapshot {
            publish_status: status.into(),
            publish_percentage: pct,
            expect_percentage: expect,
            publishing_version: publishing.into(),
            deployed_version: deployed.into(),
            ..Snapshot::default()
        }
    }

    fn target(pct: u32) -> Target {
        Target {
            version: "ver-new".into(),
            percentage: pct,
        }
    }

    #[test]
    fn judge_table() {
        use Verdict::*;
        // (snapshot, the requested percentage, the verdict)
        let cases = [
            (
                snap("publishing", 30, 50, "ver-new", "ver-old"),
                50,
                Pending,
            ),
            (
                snap("published", 50, 50, "ver-new", "ver-old"),
                50,
                Succeeded,
            ),
            (snap("published", 100, 100, "", "ver-new"), 100, Succeeded),
            (snap("published", 30, 50, "ver-new", "ver-old"), 50, Pending),
            // published at another share than the one asked for: not ours to call a success
            (
                snap("published", 100, 100, "ver-new", "ver-old"),
                50,
                Pending,
            ),
            (
                snap("rollbacking", 30, 50, "ver-new", "ver-old"),
                50,
                Failed(Failure::RolledBack {
                    status: "rollbacking".into(),
                }),
            ),
            (
                snap("rollbacked", 0, 50, "", "ver-old"),
                50,
                Failed(Failure::RolledBack {
                    status: "rollbacked".into(),
                }),
            ),
            (
                snap("publishing", 10, 100, "ver-other", "ver-old"),
                100,
                Failed(Failure::TakenOver {
                    by: "ver-other".into(),
                }),
            ),
            (
                snap("published", 100, 100, "", "ver-other"),
                100,
                Failed(Failure::TakenOver {
                    by: "ver-other".into(),
                }),
            ),
        ];
        for (s, pct, want) in cases {
            assert_eq!(judge(&target(pct), &s), want, "{s:?} at {pct}%");
        }
        let t = target(50);
        let mut crash = snap("publishing", 10, 50, "ver-new", "ver-old");
        crash.staging_phase = Some("CrashLoopBackOff".into());
        assert_eq!(
            judge(&t, &crash),
            Failed(Failure::ContainerFailed {
                phase: "CrashLoopBackOff".into()
            })
        );
        crash.staging_phase = Some("ContainerCreating".into());
        assert_eq!(judge(&t, &crash), Pending);
    }

    /// Virtual time: sleeping advances it at once.
    struct FakeClock(Cell<Duration>, RefCell<Vec<Duration>>);

    impl Clock for FakeClock {
        fn elapsed(&self) -> Duration {
            self.0.get()
        }
        fn sleep(&self, d: Duration) -> impl Future<Output = ()> {
            self.0.set(self.0.get() + d);
            self.1.borrow_mut().push(d);
            std::future::ready(())
        }
    }

    fn run(
        script: Vec<Snapshot>,
        timeout: Duration,
    ) -> (WaitEnd, Vec<Moment>, Vec<Duration>, usize) {
        let clock = FakeClock(Cell::new(Duration::ZERO), RefCell::new(Vec::new()));
        let reads = Cell::new(0usize);
        let mut moments = Vec::new();
        let end = futures_lite_block_on(wait(
            &clock,
            &target(100),
            Duration::from_secs(10),
            timeout,
            || 0.5,
            || {
                let i = reads.get();
                reads.set(i + 1);
                let s = script[i.min(script.len() - 1)].clone();
                std::future::ready(Ok(s))
            },
            |m| moments.push(m),
        ));
        let sleeps = clock.1.borrow().clone();
        (end, moments, sleeps, reads.get())
    }

    /// The futures here never wait, so one poll finishes them.
    fn futures_lite_block_on<F: Future>(f: F) -> F::Output {
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        let mut f = std::pin::pin!(f);
        match f.as_mut().poll(&mut cx) {
            std::task::Poll::Ready(v) => v,
            std::task::Poll::Pending => panic!("the fake clock never blocks"),
        }
    }

    #[test]
    fn waits_through_progress_and_logs_only_changes() {
        let script = vec![
            snap("publishing", 0, 100, "ver-new", "ver-old"),
            snap("publishing", 30, 100, "ver-new", "ver-old"),
            snap("publishing", 30, 100, "ver-new", "ver-old"),
            snap("publishing", 60, 100, "ver-new", "ver-old"),
            snap("published", 100, 100, "ver-new", "ver-old"),
        ];
        let (end, moments, sleeps, reads) = run(script, Duration::from_secs(900));
        assert!(matches!(end, WaitEnd::Succeeded(_)));
        assert_eq!(reads, 5);
        let texts: Vec<_> = moments
            .iter()
            .map(|m| m.text.split(" (").next().unwrap().to_string())
            .collect();
        assert_eq!(texts[1..], ["0% → 30%", "30% → 60%", "60% → 100%"]);
        assert_eq!(moments.len(), 4, "the repeated 30% is not logged again");
        assert!(
            sleeps.iter().all(|d| *d == Duration::from_secs(11)),
            "interval plus jitter: {sleeps:?}"
        );
    }

    #[test]
    fn a_stuck_rollout_times_out_without_sleeping_past_the_deadline() {
        let (end, _, sleeps, _) = run(
            vec![snap("publishing", 10, 100, "ver-new", "ver-old")],
            Duration::from_secs(25),
        );
        assert!(
            matches!(end, WaitEnd::Failed(Failure::TimedOut { .. }, _)),
            "{end:?}"
        );
        assert_eq!(
            sleeps,
            [
                Duration::from_secs(11),
                Duration::from_secs(11),
                Duration::from_secs(3)
            ]
        );
    }

    #[test]
    fn a_rollback_midway_fails() {
        let script = vec![
            snap("publishing", 30, 100, "ver-new", "ver-old"),
            snap("rollbacking", 30, 100, "ver-new", "ver-old"),
        ];
        let (end, ..) = run(script, Duration::from_secs(900));
        assert!(matches!(
            end,
            WaitEnd::Failed(Failure::RolledBack { .. }, _)
        ));
    }

    #[test]
    fn the_status_answer_parses_with_regions_as_an_object() {
        let v: Value = serde_json::from_str(r#"{"RequestId":"r","AppStatus":{"PublishStatus":"publishing","PublishPercentage":30,"ExpectPercentage":"50","PublishingVersion":"ver-1","DeployedVersion":"ver-0","BaseLineVersion":"ver-0","Regions":{"Region":["jiangsu"]}}}"#).unwrap();
        let s = Snapshot::from_answer(&v).unwrap();
        assert_eq!((s.publish_percentage, s.expect_percentage), (30, 50));
        assert_eq!(s.regions, ["jiangsu"]);
        assert_eq!(s.serving_version(), Some("ver-0"));
        assert_eq!(s.busy_with_other("ver-2"), Some("ver-1"));
        assert_eq!(s.busy_with_other("ver-1"), None);
    }
}
