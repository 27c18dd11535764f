//! Settling a publish or rollback whose answer was lost after the request went out: read the app's status and compare it with the reading taken before the call, never guess.
//!
//! [`publish_sign`] and [`rollback_sign`] are pure decisions on two readings. [`send_settled`]
//! sends the call and, when its answer is lost, reads the status: evidence of the call means it
//! took effect (the run goes on, with an event and no RequestId); no evidence after a short
//! settle pause and a second reading means it did not, and only then is it sent again, within
//! the same `max-attempts` and `timeout`. A status that cannot be read leaves the error as it
//! was, with its honest count of attempts.

use std::time::Duration;

use crate::base::error::Error;
use crate::deploy::event::{Change, Event, Evidence, Unsettled};
use crate::deploy::io::{Budget, Io, Request};
use crate::deploy::plan::Plan;
use crate::esa::status::AppStatus;

/// Whether the publish of `ours` at `percentage` shows in `after` and did not in `before`: a
/// new `PublishTime`, our version newly in front, or its target newly the step's share. A
/// version that was already there, unchanged, is no evidence.
pub fn publish_sign(
    before: &AppStatus,
    after: &AppStatus,
    ours: &str,
    percentage: u8,
) -> Option<Evidence> {
    // A rollback in the status is never taken for our publish (what PublishTime says during
    // one is not documented); `changed_by_another` then keeps the call from being re-sent.
    if !after.shows(ours) || after.publish_status.is_rollback() {
        return None;
    }
    if new_time(&before.publish_time, &after.publish_time) {
        return Some(Evidence::NewPublishTime {
            after: Box::new(after.clone()),
            was: before.publish_time.clone(),
        });
    }
    if !before.shows(ours) {
        return Some(Evidence::NowInFront {
            before: Box::new(before.clone()),
            after: Box::new(after.clone()),
        });
    }
    (after.expect_percentage == percentage && before.expect_percentage != percentage).then_some(
        Evidence::TargetMoved {
            from: before.expect_percentage,
            to: percentage,
        },
    )
}

/// Whether a rollback shows in `after` and did not in `before`: a new `RollbackTime`, or the
/// status newly rolling back.
pub fn rollback_sign(before: &AppStatus, after: &AppStatus) -> Option<Evidence> {
    if new_time(&before.rollback_time, &after.rollback_time) {
        return Some(Evidence::NewRollbackTime {
            after: Box::new(after.clone()),
            was: before.rollback_time.clone(),
        });
    }
    let rolling_back = |s: &AppStatus| s.publish_status.is_rollback();
    (rolling_back(after) && !rolling_back(before)).then(|| Evidence::NowRollingBack {
        before: Box::new(before.clone()),
        after: Box::new(after.clone()),
    })
}

/// Whether `after` is a time that `before` was not.
fn new_time(before: &str, after: &str) -> bool {
    !after.is_empty() && after != before
}

/// Whether the environment changed since `before` in a way that is no evidence of the lost
/// `change`: a publish or a rollback by someone (a new time); another version in front, one
/// neither the change nor `before` names (a takeover, which may come without a new time); or,
/// for a rollback, one already under way or done to its version (the service's own). Sending
/// it again would undo that change, or repeat it, so it is not sent.
pub fn changed_by_another(change: &Change, before: &AppStatus, after: &AppStatus) -> bool {
    let rolled_back_to =
        |to: &str| after.publish_status.is_rollback() && after.current_version() == to;
    let front = after.current_version();
    let another_in_front = match change {
        Change::Publish { version, .. } => front != version && front != before.current_version(),
        Change::Rollback { to, failed, .. } => front != to && front != failed,
    };
    new_time(&before.publish_time, &after.publish_time)
        || new_time(&before.rollback_time, &after.rollback_time)
        || another_in_front
        || matches!(change, Change::Rollback { to, .. } if rolled_back_to(to))
}

/// How long to wait before the second reading: long enough for a request still in flight to
/// land, short enough not to hold the job. The poll interval, kept between 1 s and 5 s.
pub fn settle_pause(poll_interval: Duration) -> Duration {
    poll_interval.clamp(Duration::from_secs(1), Duration::from_secs(5))
}

/// A change that went through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// The RequestId; `None` when the answer was lost (or carried none).
    pub request_id: Option<String>,
    /// When the answer was lost: how the status confirmed it.
    pub confirmed: Option<Evidence>,
}

/// The request that makes `change`, with `budget`.
fn request(plan: &Plan, change: &Change, budget: Budget) -> Request {
    match change {
        Change::Publish {
            version,
            percentage,
            ..
        } => Request::Publish {
            request: plan.publish.request(version, *percentage),
            budget,
        },
        Change::Rollback { to, failed, code } => Request::Rollback {
            to: to.clone(),
            failed: failed.clone(),
            code: code.clone(),
            budget,
        },
    }
}

/// The evidence of `change` in `after`, against `before`.
fn sign(change: &Change, before: &AppStatus, after: &AppStatus) -> Option<Evidence> {
    match change {
        Change::Publish {
            version,
            percentage,
            ..
        } => publish_sign(before, after, version, percentage.unwrap_or(100)),
        Change::Rollback { .. } => rollback_sign(before, after),
    }
}

/// What the settle readings found.
enum Found {
    Evidence(Evidence),
    /// Two readings, this far apart, show nothing.
    Nothing(Duration),
    /// A reading shows a change that is not ours.
    Changed(AppStatus),
    Unreadable(Error),
}

/// Reads the status, and once more after a pause, looking for evidence of `change`.
async fn look(io: &Io, plan: &Plan, change: &Change, before: &AppStatus) -> Found {
    let pause = settle_pause(plan.poll_interval);
    for reading in 0..2 {
        if reading > 0 {
            io.sleep(pause).await;
        }
        match io.status(plan.env(), plan.call_budget()).await {
            Ok(after) => {
                if let Some(evidence) = sign(change, before, &after) {
                    return Found::Evidence(evidence);
                }
                if changed_by_another(change, before, &after) {
                    return Found::Changed(after);
                }
            }
            Err(e) => return Found::Unreadable(e),
        }
    }
    Found::Nothing(pause)
}

/// Whether attempts and time are left for another send.
fn room(plan: &Plan, used: u32, spent: Duration) -> bool {
    used < plan.retry.max_attempts && spent < plan.retry.timeout
}

/// Sends `change` once, with what is left of the attempts and of the deadline.
async fn send_once(
    io: &Io,
    plan: &Plan,
    change: &Change,
    spent: Duration,
    used: u32,
) -> Result<Sent, Error> {
    let budget = Budget {
        limit: plan.retry.timeout.saturating_sub(spent),
        attempts: plan.retry.max_attempts.saturating_sub(used).max(1),
    };
    let request_id = io.send(request(plan, change, budget)).await?;
    Ok(Sent {
        request_id,
        confirmed: None,
    })
}

/// Sends `change`, settling a lost answer against `before` (the latest reading before the
/// call). Without a `before` reading there is nothing to compare with, and a lost answer stays
/// an error. Re-sends share the plan's `max-attempts` and `timeout` with the first send, and
/// the final error counts every attempt.
pub(crate) async fn send_settled(
    io: &Io,
    plan: &Plan,
    change: Change,
    before: Option<&AppStatus>,
) -> Result<Sent, Error> {
    let started = io.now();
    let mut used = 0;
    loop {
        let error = match send_once(io, plan, &change, io.now() - started, used).await {
            Ok(sent) => return Ok(sent),
            Err(e) if !e.may_have_applied() => {
                let total = used + e.attempts();
                return Err(e.with_attempts(total));
            }
            Err(e) => e,
        };
        used += error.attempts();
        let why = match before {
            None => Unsettled::NoReading,
            Some(before) => match look(io, plan, &change, before).await {
                Found::Evidence(evidence) => {
                    io.emit(Event::AnswerLost {
                        change,
                        error,
                        evidence: evidence.clone(),
                    });
                    return Ok(Sent {
                        request_id: None,
                        confirmed: Some(evidence),
                    });
                }
                Found::Unreadable(e) => Unsettled::Unreadable(e),
                Found::Changed(after) => Unsettled::Changed(Box::new(after)),
                Found::Nothing(pause) if room(plan, used, io.now() - started) => {
                    io.emit(Event::Resending {
                        change: change.clone(),
                        error,
                        pause,
                        attempt: used + 1,
                        max: plan.retry.max_attempts,
                    });
                    continue;
                }
                Found::Nothing(_) => Unsettled::NothingLeft,
            },
        };
        io.emit(Event::Unsettled { change, why });
        return Err(error.with_attempts(used));
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::deploy::event::{Change, Evidence};
    use crate::deploy::settle::{changed_by_another, publish_sign, rollback_sign, settle_pause};
    use crate::esa::status::{AppStatus, PublishStatus};

    const OURS: &str = "ver-2";

    fn snap(status: &str, publishing: &str, deployed: &str, expect: u8, time: &str) -> AppStatus {
        AppStatus {
            publish_status: PublishStatus::parse(status),
            publishing_version: publishing.into(),
            deployed_version: deployed.into(),
            expect_percentage: expect,
            publish_time: time.into(),
            ..AppStatus::default()
        }
    }

    #[test]
    fn our_version_newly_in_front_took_effect() {
        let before = snap("published", "", "ver-1", 100, "t1");
        let after = snap("publishing", OURS, "ver-1", 100, "t2");
        assert!(matches!(
            publish_sign(&before, &after, OURS, 100),
            Some(Evidence::NewPublishTime { .. })
        ));
        // Without any PublishTime, the change of version alone is the evidence.
        let before = snap("published", "", "ver-1", 100, "");
        let after = snap("publishing", OURS, "ver-1", 100, "");
        assert!(matches!(
            publish_sign(&before, &after, OURS, 100),
            Some(Evidence::NowInFront { .. })
        ));
    }

    #[test]
    fn nothing_changed_or_another_version_is_no_evidence() {
        let before = snap("published", "", "ver-1", 100, "t1");
        assert_eq!(publish_sign(&before, &before.clone(), OURS, 100), None);
        let after = snap("publishing", "ver-9", "ver-1", 100, "t2");
        assert_eq!(publish_sign(&before, &after, OURS, 100), None);
    }

    #[test]
    fn a_version_that_was_already_there_does_not_count() {
        let before = snap("publishing", OURS, "ver-1", 100, "t1");
        assert_eq!(publish_sign(&before, &before.clone(), OURS, 100), None);
        let before = snap("published", "", OURS, 100, "t1");
        assert_eq!(publish_sign(&before, &before.clone(), OURS, 100), None);
    }

    #[test]
    fn the_next_step_of_our_own_rollout_counts_by_time_or_target() {
        let before = snap("published", OURS, "ver-1", 10, "t1");
        let after = snap("publishing", OURS, "ver-1", 50, "t2");
        assert!(publish_sign(&before, &after, OURS, 50).is_some());
        let before = snap("published", OURS, "ver-1", 10, "");
        let after = snap("publishing", OURS, "ver-1", 50, "");
        assert_eq!(
            publish_sign(&before, &after, OURS, 50),
            Some(Evidence::TargetMoved { from: 10, to: 50 })
        );
        assert_eq!(publish_sign(&before, &after, OURS, 100), None);
    }

    #[test]
    fn a_rollback_in_the_status_is_not_our_publish() {
        let before = snap("published", "", "ver-1", 100, "t1");
        let after = snap("rollbacking", OURS, "ver-1", 100, "t2");
        assert_eq!(publish_sign(&before, &after, OURS, 100), None);
    }

    #[test]
    fn a_rollback_shows_by_time_or_status() {
        let mut before = snap("publishing", OURS, "ver-1", 100, "t1");
        let mut after = snap("rollbacked", "", "ver-1", 100, "t1");
        assert!(matches!(
            rollback_sign(&before, &after),
            Some(Evidence::NowRollingBack { .. })
        ));
        before.publish_status = PublishStatus::RolledBack;
        before.rollback_time = "r1".into();
        after.rollback_time = "r1".into();
        assert_eq!(rollback_sign(&before, &after), None);
        after.rollback_time = "r2".into();
        assert!(rollback_sign(&before, &after).is_some());
    }

    #[test]
    fn another_version_in_front_is_a_change_by_another_even_without_a_new_time() {
        let rollback = Change::Rollback {
            to: "ver-1".into(),
            failed: OURS.into(),
            code: "RolloutTimeout".into(),
        };
        let before = snap("publishing", OURS, "ver-1", 100, "t1");
        let taken = snap("publishing", "ver-9", "ver-1", 100, "t1");
        assert!(changed_by_another(&rollback, &before, &taken));
        // Still ours in front, or going back to `ver-1`: no other's change.
        assert!(!changed_by_another(&rollback, &before, &before.clone()));
        let publish = Change::Publish {
            version: OURS.into(),
            percentage: Some(100),
            step: 1,
            total: 1,
        };
        let idle = snap("published", "", "ver-1", 100, "t1");
        assert!(changed_by_another(&publish, &idle, &taken));
        assert!(!changed_by_another(&publish, &idle, &idle.clone()));
    }

    #[test]
    fn a_rollback_to_its_version_by_another_is_a_change_and_its_version_serving_alone_is_not() {
        let rollback = Change::Rollback {
            to: "ver-1".into(),
            failed: OURS.into(),
            code: "RolloutTimeout".into(),
        };
        let before = snap("publishing", OURS, "ver-1", 100, "t1");
        // Someone rolled back to ver-1 already (the service's own): not sent again.
        let rolled_back = snap("rollbacked", "", "ver-1", 100, "t1");
        assert!(changed_by_another(&rollback, &before, &rolled_back));
        // ver-1 in front with no rollback and no new time: no one's change that a re-send could
        // undo (it would change nothing).
        let serving = snap("published", "", "ver-1", 100, "t1");
        assert!(!changed_by_another(&rollback, &before, &serving));
    }

    #[test]
    fn the_settle_pause_is_bounded() {
        let ms = Duration::from_millis;
        assert_eq!(settle_pause(ms(200)), ms(1000));
        assert_eq!(settle_pause(ms(3000)), ms(3000));
        assert_eq!(settle_pause(ms(60_000)), ms(5000));
    }
}
