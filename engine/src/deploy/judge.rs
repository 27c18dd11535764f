//! Judging one reading of a rollout: done, failed (and how), or not yet. Pure.

use crate::deploy::failure::FailureKind;
use crate::esa::status::{AppStatus, PublishStatus};

/// What a step waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The version this run publishes.
    pub version: String,
    /// The requested share (100 when none was given).
    pub percentage: u8,
    /// The `RollbackTime` of the reading before this step's publish, when that reading showed a
    /// finished rollback: the same rollback seen again is someone else's, not this rollout's.
    pub earlier_rollback: Option<String>,
}

impl Target {
    /// The target of publishing `version` at `percentage`, after the reading `before`.
    pub fn new(version: &str, percentage: Option<u8>, before: Option<&AppStatus>) -> Self {
        Target {
            version: version.to_string(),
            percentage: percentage.unwrap_or(100),
            earlier_rollback: before
                .filter(|b| b.publish_status == PublishStatus::RolledBack)
                .map(|b| b.rollback_time.clone()),
        }
    }

    /// Whether this reading's rollback is one from before the publish.
    fn is_earlier_rollback(&self, s: &AppStatus) -> bool {
        s.publish_status == PublishStatus::RolledBack
            && self.earlier_rollback.as_deref() == Some(s.rollback_time.as_str())
    }
}

/// The verdict on one reading.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Not there yet: read again.
    Pending,
    /// It serves its share.
    Succeeded,
    /// It will not get there: why.
    Failed(FailureKind),
}

/// Judges one reading. Never a success unless the version serves the requested share.
pub fn judge(target: &Target, s: &AppStatus) -> Verdict {
    if target.is_earlier_rollback(s) {
        return Verdict::Pending;
    }
    if s.publish_status.is_rollback() {
        return Verdict::Failed(FailureKind::RolledBack {
            status: Box::new(s.clone()),
        });
    }
    if let Some(phase) = s.phase.as_ref().filter(|p| p.is_failed()) {
        return Verdict::Failed(FailureKind::ContainerFailed {
            phase: phase.clone(),
        });
    }
    let other = |v: &str| !v.is_empty() && v != target.version;
    if other(&s.publishing_version) {
        return Verdict::Failed(FailureKind::TakenOver {
            by: s.publishing_version.clone(),
        });
    }
    let ours = |v: &str| v == target.version;
    if s.publish_status == PublishStatus::Published
        && !ours(&s.publishing_version)
        && !ours(&s.deployed_version)
    {
        return Verdict::Failed(FailureKind::TakenOver {
            by: s.deployed_version.clone(),
        });
    }
    if s.serves(&target.version, target.percentage) {
        return Verdict::Succeeded;
    }
    Verdict::Pending
}

#[cfg(test)]
mod tests {
    use crate::deploy::failure::FailureKind;
    use crate::deploy::judge::{judge, Target, Verdict};
    use crate::esa::status::{AppStatus, Phase, PublishStatus};

    fn snap(status: &str, pct: u8, expect: u8, publishing: &str, deployed: &str) -> AppStatus {
        AppStatus {
            publish_status: PublishStatus::parse(status),
            publish_percentage: pct,
            expect_percentage: expect,
            publishing_version: publishing.into(),
            deployed_version: deployed.into(),
            ..AppStatus::default()
        }
    }

    fn target(pct: u8) -> Target {
        Target::new("ver-new", Some(pct), None)
    }

    #[test]
    fn judge_table() {
        use Verdict::*;
        let rolled_back = |s: &AppStatus| {
            Failed(FailureKind::RolledBack {
                status: Box::new(s.clone()),
            })
        };
        let taken = |by: &str| Failed(FailureKind::TakenOver { by: by.into() });
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
                snap("publishing", 10, 100, "ver-other", "ver-old"),
                100,
                taken("ver-other"),
            ),
            (
                snap("published", 100, 100, "", "ver-other"),
                100,
                taken("ver-other"),
            ),
        ];
        for (s, pct, want) in cases {
            assert_eq!(judge(&target(pct), &s), want, "{s:?} at {pct}%");
        }
        for s in [
            snap("rollbacking", 30, 50, "ver-new", "ver-old"),
            snap("rollbacked", 0, 50, "", "ver-old"),
        ] {
            assert_eq!(judge(&target(50), &s), rolled_back(&s));
        }
        let mut crash = snap("publishing", 10, 50, "ver-new", "ver-old");
        crash.phase = Some(Phase::CrashLoopBackOff);
        assert_eq!(
            judge(&target(50), &crash),
            Failed(FailureKind::ContainerFailed {
                phase: Phase::CrashLoopBackOff
            })
        );
        crash.phase = Some(Phase::ContainerCreating);
        assert_eq!(judge(&target(50), &crash), Pending);
    }

    #[test]
    fn a_rollback_from_before_the_publish_is_not_this_rollouts() {
        let mut before = snap("rollbacked", 0, 100, "", "ver-old");
        before.rollback_time = "r1".into();
        let t = Target::new("ver-new", Some(100), Some(&before));
        assert_eq!(
            judge(&t, &before),
            Verdict::Pending,
            "still the old rollback"
        );
        let mut again = before.clone();
        again.rollback_time = "r2".into();
        assert!(matches!(
            judge(&t, &again),
            Verdict::Failed(FailureKind::RolledBack { .. })
        ));
    }
}
