//! When to try again: which failures are transient, exponential backoff with full jitter, `x-acs-retry-after`, and the overall deadline. Pure: the caller supplies the randomness and the time left.
//!
//! Publishing is not idempotent. A failure whose request may already have reached the service
//! (a timeout or a reset after the request was sent, a body cut short, a proxy's error page)
//! could hide a publish that took effect; retrying it could publish twice, or race a rollout already under way. So for a
//! non-idempotent call only failures that prove the service did not act are retried: no
//! connection was made, or the service answered with a transient error (5xx, throttling).
//! Read-only calls retry every transient failure.

use std::time::Duration;

use crate::base::error::{Error, StopReason};

/// First backoff ceiling; doubles with each attempt.
const BASE_DELAY: Duration = Duration::from_millis(500);
/// Largest backoff ceiling.
const MAX_DELAY: Duration = Duration::from_secs(10);

/// Whether repeating a call is harmless.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    /// Reads: repeat freely.
    Idempotent,
    /// Publish, rollback: repeat only when the service provably did not act.
    NotIdempotent,
}

/// The retry settings of one API operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Attempts in all, the first included (at least 1).
    pub max_attempts: u32,
    /// The deadline for the operation with all its retries.
    pub timeout: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            max_attempts: 4,
            timeout: Duration::from_secs(120),
        }
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Wait this long, then try again.
    RetryAfter(Duration),
    /// Stop, for this reason (shown to the user).
    GiveUp(StopReason),
}

/// The service's transient error codes: the same call may succeed later.
const TRANSIENT_CODES: &[&str] = &[
    "InternalError",
    "InternalException",
    "ServiceUnavailable",
    "Throttling",
    "Throttling.User",
    "Throttling.Api",
];

/// Whether the same call could succeed if tried again: 5xx, the service's transient codes,
/// a network failure, a credential step that said so.
pub fn transient(error: &Error) -> bool {
    match error {
        Error::Api(e) => e.status >= 500 || TRANSIENT_CODES.contains(&e.code.as_str()),
        Error::UnexpectedResponse { status, .. } => *status >= 500,
        Error::Network { .. } => true,
        Error::Credentials { retryable, .. } => *retryable,
        Error::Attempts { .. } | Error::Certificate { .. } | Error::AnswerTooLarge { .. } => false,
        Error::Inputs(_) | Error::RunnerFile { .. } | Error::System(_) => false,
    }
}

/// Whether the failure proves the service did not act on the request.
fn provably_not_applied(error: &Error) -> bool {
    match error {
        // The service answered with an error: it refused, so it did not act (a transient
        // answer as much as a definite refusal).
        Error::Api(_) => true,
        // A proxy's 502/504 page may come after the service received the request.
        Error::UnexpectedResponse { .. } => false,
        Error::Network { request_sent, .. } => !request_sent,
        _ => false,
    }
}

/// Decides whether attempt number `attempt` (1-based), which failed with `error`, is followed
/// by another. `retry_after` is the server's `x-acs-retry-after`; `remaining` is the time left
/// before the deadline; `jitter` is a uniform random number in `[0, 1)`.
pub fn decide(
    policy: &Policy,
    idempotency: Idempotency,
    attempt: u32,
    error: &Error,
    retry_after: Option<Duration>,
    remaining: Duration,
    jitter: f64,
) -> Decision {
    // `x-acs-retry-after` asks the caller to come back later; it makes an API answer worth
    // retrying, but it never makes any failure ambiguous.
    let asked_to_retry = retry_after.is_some() && matches!(error, Error::Api(_));
    if !transient(error) && !asked_to_retry {
        return Decision::GiveUp(StopReason::NotTransient);
    }
    if idempotency == Idempotency::NotIdempotent && !provably_not_applied(error) {
        return Decision::GiveUp(StopReason::MayHaveApplied);
    }
    if attempt >= policy.max_attempts {
        return Decision::GiveUp(StopReason::NoAttemptsLeft);
    }
    let ceiling = BASE_DELAY
        .saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
        .min(MAX_DELAY);
    let jittered = ceiling.mul_f64(jitter.clamp(0.0, 1.0));
    let delay = retry_after.map_or(jittered, |r| r.max(jittered));
    if delay >= remaining {
        return Decision::GiveUp(StopReason::Deadline);
    }
    Decision::RetryAfter(delay)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::error::ApiError;

    fn api(status: u16, code: &str) -> Error {
        Error::Api(ApiError {
            status,
            code: code.into(),
            message: String::new(),
            request_id: None,
            recommend: None,
        })
    }

    fn net(sent: bool) -> Error {
        Error::Network {
            endpoint: "e".into(),
            detail: "d".into(),
            timed_out: sent,
            request_sent: sent,
        }
    }

    const P: Policy = Policy {
        max_attempts: 4,
        timeout: Duration::from_secs(120),
    };
    const LOTS: Duration = Duration::from_secs(100);

    #[test]
    fn transient_answers_are_retried_with_growing_jittered_delays() {
        for (attempt, ceiling_ms) in [(1, 500), (2, 1000), (3, 2000)] {
            let d = decide(
                &P,
                Idempotency::NotIdempotent,
                attempt,
                &api(503, "ServiceUnavailable"),
                None,
                LOTS,
                0.5,
            );
            assert_eq!(
                d,
                Decision::RetryAfter(Duration::from_millis(ceiling_ms / 2))
            );
        }
        assert!(matches!(
            decide(
                &P,
                Idempotency::NotIdempotent,
                4,
                &api(500, "InternalError"),
                None,
                LOTS,
                0.5
            ),
            Decision::GiveUp(_)
        ));
    }

    #[test]
    fn permanent_errors_are_never_retried() {
        for e in [
            api(400, "InvalidParameter.Percentage"),
            api(400, "SignatureDoesNotMatch"),
            api(404, "InvalidApp.NotFound"),
            api(403, "Forbidden.RAM"),
        ] {
            assert!(
                matches!(
                    decide(&P, Idempotency::Idempotent, 1, &e, None, LOTS, 0.1),
                    Decision::GiveUp(_)
                ),
                "{e:?}"
            );
        }
    }

    #[test]
    fn throttling_honours_retry_after() {
        let d = decide(
            &P,
            Idempotency::NotIdempotent,
            1,
            &api(400, "Throttling.User"),
            Some(Duration::from_millis(1500)),
            LOTS,
            0.9,
        );
        assert_eq!(d, Decision::RetryAfter(Duration::from_millis(1500)));
        let d = decide(
            &P,
            Idempotency::NotIdempotent,
            1,
            &api(400, "Throttling"),
            Some(Duration::from_secs(30)),
            Duration::from_secs(5),
            0.0,
        );
        assert!(matches!(d, Decision::GiveUp(_)), "beyond the deadline");
    }

    #[test]
    fn retry_after_never_makes_a_refusal_ambiguous() {
        for e in [api(400, "InvalidParameter"), api(403, "Forbidden.RAM")] {
            let d = decide(
                &P,
                Idempotency::NotIdempotent,
                1,
                &e,
                Some(Duration::from_millis(200)),
                LOTS,
                0.0,
            );
            assert_ne!(d, Decision::GiveUp(StopReason::MayHaveApplied), "{e:?}");
        }
        // A proxy's page with the header is what it was without it: not transient.
        let page = Error::UnexpectedResponse {
            status: 403,
            what: "an HTML page".into(),
            request_id: None,
            body_start: String::new(),
        };
        let d = decide(
            &P,
            Idempotency::NotIdempotent,
            1,
            &page,
            Some(Duration::from_millis(200)),
            LOTS,
            0.0,
        );
        assert_eq!(d, Decision::GiveUp(StopReason::NotTransient));
    }

    #[test]
    fn a_publish_whose_request_may_have_arrived_is_not_repeated() {
        assert!(matches!(
            decide(
                &P,
                Idempotency::NotIdempotent,
                1,
                &net(true),
                None,
                LOTS,
                0.1
            ),
            Decision::GiveUp(_)
        ));
        assert!(matches!(
            decide(
                &P,
                Idempotency::NotIdempotent,
                1,
                &net(false),
                None,
                LOTS,
                0.1
            ),
            Decision::RetryAfter(_)
        ));
        assert!(matches!(
            decide(&P, Idempotency::Idempotent, 1, &net(true), None, LOTS, 0.1),
            Decision::RetryAfter(_)
        ));
    }
}
