//! Settling a publish or rollback whose answer was lost after the request went out: read the app's status and compare it with the reading taken before the call, never guess.
//!
//! [`publish_sign`] and [`rollback_sign`] are pure decisions on two snapshots. [`send_settled`]
//! sends the call and, when its answer is lost, reads the status: a sign of the call means it
//! took effect (the run goes on, with a warning and no RequestId); no sign after a short settle
//! wait and a second reading means it did not, and only then is the call sent again, within the
//! same `max-attempts` and `timeout`. A status that cannot be read leaves the error as it was.

use std::time::Duration;

use tokio::time::Instant;

use crate::base::error::Error;
use crate::base::text::shown;
use crate::config::Config;
use crate::deploy::rollout::Snapshot;
use crate::deploy::status::read_status;
use crate::deploy::Progress;
use crate::esa::api::PublishResponse;
use crate::esa::client::Client;
use crate::esa::retry::{Idempotency, Policy};
use crate::esa::signing::RpcRequest;

/// What a status reading says about a call whose answer was lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sign {
    /// The call took effect; the text says how the status shows it.
    TookEffect(String),
    /// Nothing in the status shows the call.
    NoSign,
}

fn or_none(text: &str) -> &str {
    if text.is_empty() {
        "none"
    } else {
        text
    }
}

/// Whether `ours` is what the snapshot publishes or, with nothing publishing, serves.
fn shows(s: &Snapshot, ours: &str) -> bool {
    s.publishing_version == ours || (s.publishing_version.is_empty() && s.deployed_version == ours)
}

/// Whether the publish of `ours` at `percentage` shows in `after` and did not in `before`: a
/// new `PublishTime`, our version newly publishing, or its target percentage newly ours. A
/// version that was already there, unchanged, is no sign.
pub fn publish_sign(before: &Snapshot, after: &Snapshot, ours: &str, percentage: u32) -> Sign {
    if !shows(after, ours) || after.publish_status.starts_with("rollback") {
        return Sign::NoSign;
    }
    if !after.publish_time.is_empty() && after.publish_time != before.publish_time {
        return Sign::TookEffect(format!(
            "{ours} is {} with a new PublishTime ({}, was {})",
            after.publish_status,
            shown(&after.publish_time),
            shown(or_none(&before.publish_time))
        ));
    }
    if !shows(before, ours) {
        return Sign::TookEffect(format!(
            "{ours} is {} ({}), where before it was {}",
            after.publish_status,
            after.describe(),
            before.describe()
        ));
    }
    if after.expect_percentage == percentage && before.expect_percentage != percentage {
        return Sign::TookEffect(format!(
            "{ours}'s target moved from {}% to {percentage}%",
            before.expect_percentage
        ));
    }
    Sign::NoSign
}

/// Whether a rollback shows in `after` and did not in `before`: a new `RollbackTime`, or the
/// status newly rolling back.
pub fn rollback_sign(before: &Snapshot, after: &Snapshot, to: &str) -> Sign {
    if !after.rollback_time.is_empty() && after.rollback_time != before.rollback_time {
        return Sign::TookEffect(format!(
            "the app is {} to {to} with a new RollbackTime ({}, was {})",
            after.publish_status,
            shown(&after.rollback_time),
            shown(or_none(&before.rollback_time))
        ));
    }
    let rolling_back = |s: &Snapshot| s.publish_status.starts_with("rollback");
    if rolling_back(after) && !rolling_back(before) {
        return Sign::TookEffect(format!(
            "the app is {} ({}), where before it was {}",
            after.publish_status,
            after.describe(),
            before.describe()
        ));
    }
    Sign::NoSign
}

/// How long to wait before the second reading: long enough for a request still in flight to
/// land, short enough not to hold the job. The poll interval, kept between 1 s and 5 s.
pub fn settle_wait(poll_interval: Duration) -> Duration {
    poll_interval.clamp(Duration::from_secs(1), Duration::from_secs(5))
}

/// A call that went through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// The RequestId; `None` when the answer was lost (or carried none).
    pub request_id: Option<String>,
    /// When the answer was lost: how the status confirmed the call took effect.
    pub confirmed: Option<String>,
}

/// Sends a publish or rollback (`what` names it in the log), settling a lost answer against
/// `before` with `sign`. Without a `before` reading there is nothing to compare with, and a lost
/// answer stays an error.
pub async fn send_settled(
    client: &Client,
    config: &Config,
    progress: &mut dyn Progress,
    request: &RpcRequest,
    what: &str,
    before: Option<&Snapshot>,
    sign: &dyn Fn(&Snapshot, &Snapshot) -> Sign,
) -> Result<Sent, Error> {
    let started = Instant::now();
    let policy = config.retry;
    let mut used = 0;
    loop {
        // A re-send gets what is left of the attempts and of the deadline.
        let left = match used {
            0 => policy,
            _ => Policy {
                max_attempts: policy.max_attempts - used,
                timeout: policy.timeout.saturating_sub(started.elapsed()),
            },
        };
        let outcome = client
            .call::<PublishResponse>(request, Idempotency::NotIdempotent, &left, &mut |e| {
                progress.client(e)
            })
            .await;
        let error = match outcome {
            Ok(answer) => {
                return Ok(Sent {
                    request_id: answer.body.request_id.or(answer.request_id),
                    confirmed: None,
                })
            }
            Err(e) if e.may_have_applied() => e,
            Err(e) => return Err(e),
        };
        used += error.attempts();
        let Some(before) = before else {
            progress.line(&format!(
                "the answer to {what} was lost, and there is no earlier status reading to settle it against"
            ));
            return Err(error);
        };
        let wait = settle_wait(config.rollout.poll_interval);
        let mut readings = 0;
        loop {
            let after = match read_status(client, config, &mut |e| progress.client(e)).await {
                Ok(s) => s,
                Err(read_error) => {
                    progress.line(&format!(
                        "the answer to {what} was lost, and the app's status could not be read to settle it: {read_error}"
                    ));
                    return Err(error);
                }
            };
            readings += 1;
            match sign(before, &after) {
                Sign::TookEffect(how) => {
                    progress.warn(
                        "AnswerLost",
                        &format!(
                            "the answer to {what} was lost ({}: {error}), but the app's status confirms it took effect: {how}. Its RequestId is unknown.",
                            error.title()
                        ),
                    );
                    return Ok(Sent {
                        request_id: None,
                        confirmed: Some(how),
                    });
                }
                Sign::NoSign if readings == 1 => tokio::time::sleep(wait).await,
                Sign::NoSign => break,
            }
        }
        let spent = started.elapsed();
        if used >= policy.max_attempts || spent >= policy.timeout {
            progress.line(&format!(
                "the answer to {what} was lost, and the app's status shows no sign of it; no attempt or time is left to send it again (`max-attempts`, `timeout`)"
            ));
            return Err(error);
        }
        progress.line(&format!(
            "the answer to {what} was lost ({}), and two readings of the app's status {} s apart show no sign of it, so it did not take effect: sending it again (attempt {} of {}). This is safe because nothing changed; see Reliability in the README",
            error.title(),
            wait.as_secs_f64(),
            used + 1,
            policy.max_attempts
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::deploy::rollout::Snapshot;
    use crate::deploy::settle::{publish_sign, rollback_sign, settle_wait, Sign};
    use std::time::Duration;

    const OURS: &str = "ver-2";

    fn snap(status: &str, publishing: &str, deployed: &str, expect: u32, time: &str) -> Snapshot {
        Snapshot {
            publish_status: status.into(),
            publishing_version: publishing.into(),
            deployed_version: deployed.into(),
            expect_percentage: expect,
            publish_time: time.into(),
            ..Snapshot::default()
        }
    }

    fn took(sign: Sign) -> bool {
        matches!(sign, Sign::TookEffect(_))
    }

    #[test]
    fn our_version_newly_publishing_took_effect() {
        let before = snap("published", "", "ver-1", 100, "t1");
        let after = snap("publishing", OURS, "ver-1", 100, "t2");
        assert!(took(publish_sign(&before, &after, OURS, 100)));
        // Without any PublishTime, the change of version alone is the sign.
        let before = snap("published", "", "ver-1", 100, "");
        let after = snap("publishing", OURS, "ver-1", 100, "");
        let sign = publish_sign(&before, &after, OURS, 100);
        assert!(
            matches!(&sign, Sign::TookEffect(how) if how.contains("where before it was published ver-1")),
            "{sign:?}"
        );
    }

    #[test]
    fn nothing_changed_is_no_sign() {
        let before = snap("published", "", "ver-1", 100, "t1");
        assert_eq!(
            publish_sign(&before, &before.clone(), OURS, 100),
            Sign::NoSign
        );
        // Another version publishing is not ours.
        let after = snap("publishing", "ver-9", "ver-1", 100, "t2");
        assert_eq!(publish_sign(&before, &after, OURS, 100), Sign::NoSign);
    }

    #[test]
    fn a_version_that_was_already_there_does_not_count() {
        // Ours was already publishing at 100% before the call, with the same PublishTime.
        let before = snap("publishing", OURS, "ver-1", 100, "t1");
        assert_eq!(
            publish_sign(&before, &before.clone(), OURS, 100),
            Sign::NoSign
        );
        // Ours already served fully.
        let before = snap("published", "", OURS, 100, "t1");
        assert_eq!(
            publish_sign(&before, &before.clone(), OURS, 100),
            Sign::NoSign
        );
    }

    #[test]
    fn the_next_step_of_our_own_rollout_counts_by_time_or_target() {
        let before = snap("published", OURS, "ver-1", 10, "t1");
        let after = snap("publishing", OURS, "ver-1", 50, "t2");
        assert!(took(publish_sign(&before, &after, OURS, 50)));
        // No times given: the target percentage moving to ours is the sign.
        let before = snap("published", OURS, "ver-1", 10, "");
        let after = snap("publishing", OURS, "ver-1", 50, "");
        let sign = publish_sign(&before, &after, OURS, 50);
        assert!(
            matches!(&sign, Sign::TookEffect(how) if how.contains("from 10% to 50%")),
            "{sign:?}"
        );
        // But a target that is not ours is not.
        assert_eq!(publish_sign(&before, &after, OURS, 100), Sign::NoSign);
    }

    #[test]
    fn a_rollback_in_the_status_is_not_our_publish() {
        let before = snap("published", "", "ver-1", 100, "t1");
        let after = snap("rollbacking", OURS, "ver-1", 100, "t2");
        assert_eq!(publish_sign(&before, &after, OURS, 100), Sign::NoSign);
    }

    #[test]
    fn a_rollback_shows_by_time_or_status() {
        let mut before = snap("publishing", OURS, "ver-1", 100, "t1");
        let mut after = snap("rollbacked", "", "ver-1", 100, "t1");
        assert!(took(rollback_sign(&before, &after, "ver-1")));
        before.publish_status = "rollbacked".into();
        before.rollback_time = "r1".into();
        after.rollback_time = "r1".into();
        assert_eq!(rollback_sign(&before, &after, "ver-1"), Sign::NoSign);
        after.rollback_time = "r2".into();
        assert!(took(rollback_sign(&before, &after, "ver-1")));
    }

    #[test]
    fn the_settle_wait_is_bounded() {
        assert_eq!(
            settle_wait(Duration::from_millis(200)),
            Duration::from_secs(1)
        );
        assert_eq!(settle_wait(Duration::from_secs(3)), Duration::from_secs(3));
        assert_eq!(settle_wait(Duration::from_secs(60)), Duration::from_secs(5));
    }
}
