//! The retry loop every call runs in: a fresh request for each attempt, transient failures retried by the engine's rule (`esa_engine::esa::retry::decide`) within one deadline, and each attempt and retry told to the caller for its log.

use std::time::Duration;

use tokio::time::Instant;

use crate::base::random::random_unit;
use crate::http::{send, RawAnswer};
use esa_engine::base::error::Error;
use esa_engine::esa::retry::{self, Decision, Idempotency, Policy};

/// What the client tells its caller as it goes, for the log.
#[derive(Debug, Clone)]
pub enum ClientEvent {
    /// An attempt is about to be sent: `request` is the method and URL, with `Signature`,
    /// `SecurityToken` and `OIDCToken` redacted.
    Sending { attempt: u32, request: String },
    /// An attempt failed and another follows after a wait.
    Retrying(RetryNotice),
    /// Something worth a debug line.
    Note(String),
}

/// A retry about to happen.
#[derive(Debug, Clone)]
pub struct RetryNotice {
    /// The attempt that failed (1-based).
    pub attempt: u32,
    pub max_attempts: u32,
    /// The annotation title of the failure (the error code where there is one).
    pub title: String,
    pub reason: String,
    pub delay: Duration,
}

/// The retry loop every API operation runs in: `prepare` builds a fresh request for each
/// attempt (with the text to log), `parse` reads its answer. Transient failures are retried per
/// [`retry::decide`], everything within `policy.timeout`; `on_event` hears of each attempt and
/// each retry.
pub async fn with_retries<T>(
    target: &str,
    policy: &Policy,
    idempotency: Idempotency,
    on_event: &mut dyn FnMut(&ClientEvent),
    prepare: &mut dyn FnMut() -> Result<(reqwest::RequestBuilder, String), Error>,
    parse: &dyn Fn(RawAnswer) -> Result<T, Error>,
) -> Result<T, Error> {
    let deadline = Instant::now() + policy.timeout;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let (request, shown) = prepare()?;
        on_event(&ClientEvent::Sending {
            attempt,
            request: shown,
        });
        let (error, retry_after) =
            match attempt_once(request, target, deadline, policy, parse).await {
                Ok(answer) => return Ok(answer),
                Err(failure) => failure,
            };
        let remaining = deadline.saturating_duration_since(Instant::now());
        let jitter = random_unit()?;
        match retry::decide(
            policy,
            idempotency,
            attempt,
            &error,
            retry_after,
            remaining,
            jitter,
        ) {
            Decision::RetryAfter(delay) => {
                on_event(&ClientEvent::Retrying(RetryNotice {
                    attempt,
                    max_attempts: policy.max_attempts,
                    reason: error.to_string(),
                    title: error.title(),
                    delay,
                }));
                tokio::time::sleep(delay).await;
            }
            Decision::GiveUp(reason) => {
                return Err(Error::Attempts {
                    attempts: attempt,
                    reason,
                    last: Box::new(error),
                })
            }
        }
    }
}

/// One attempt within what is left before `deadline`: the parsed answer, or the error with
/// the server's `x-acs-retry-after`.
async fn attempt_once<T>(
    request: reqwest::RequestBuilder,
    target: &str,
    deadline: Instant,
    policy: &Policy,
    parse: &dyn Fn(RawAnswer) -> Result<T, Error>,
) -> Result<T, (Error, Option<Duration>)> {
    let remaining = deadline.saturating_duration_since(Instant::now());
    match tokio::time::timeout(remaining, send(request, target)).await {
        Ok(Ok(raw)) => {
            let retry_after = raw.retry_after;
            parse(raw).map_err(|e| (e, retry_after))
        }
        Ok(Err(e)) => Err((e, None)),
        Err(_) => Err((deadline_error(target, policy.timeout), None)),
    }
}

/// No complete answer from `target` within `limit`: the request may have arrived.
pub fn deadline_error(target: &str, limit: Duration) -> Error {
    Error::Network {
        endpoint: target.to_string(),
        detail: format!(
            "no complete answer within the {} s deadline (input `timeout`, or what is left of a wait)",
            limit.as_secs_f64()
        ),
        timed_out: true,
        request_sent: true,
    }
}
