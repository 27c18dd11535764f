//! The HTTP client: the only place that reads the clock, makes nonces and talks to the network; it signs each call afresh, sends it over verified TLS and reads the answer with a size bound.

use std::time::Duration;

use tokio::time::Instant;

use chrono::Utc;
use serde::de::DeserializeOwned;

use crate::api::parse_error_body;
use crate::credentials::Credentials;
use crate::error::{ApiError, Error};
use crate::inputs::{is_loopback, Endpoint, SignatureVersion};
use crate::nonce::{random_hex, random_unit};
use crate::retry::{self, Decision, Idempotency, Policy};
use crate::signing::{sign_v2, sign_v3, RpcRequest, SignedRequest};

/// The official SDK's connect timeout is 5 s; a CI runner deserves a little more slack.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// No single read may stall longer than this.
const READ_TIMEOUT: Duration = Duration::from_secs(30);
/// One attempt, from connect to the last byte.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// The API answers a few hundred bytes; anything near this is not the API.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// `esa-publish/<version>`.
pub const USER_AGENT: &str = concat!("esa-publish/", env!("CARGO_PKG_VERSION"));

/// Signs `request` now, with a fresh nonce. Used for every attempt and for dry runs.
pub fn prepare(
    request: &RpcRequest,
    endpoint: &Endpoint,
    credentials: &Credentials,
    version: SignatureVersion,
) -> Result<SignedRequest, Error> {
    let nonce = random_hex(16)?;
    let now = Utc::now();
    Ok(match version {
        SignatureVersion::V3 => sign_v3(request, &endpoint.host_header(), credentials, now, &nonce),
        SignatureVersion::V2 => sign_v2(request, credentials, now, &nonce),
    })
}

/// What the client tells its caller as it goes, for the log.
#[derive(Debug, Clone)]
pub enum Event {
    /// An attempt is about to be sent. The URL has `Signature` and `SecurityToken` redacted.
    Sending {
        attempt: u32,
        method: &'static str,
        url: String,
    },
    /// An attempt failed and another follows after a wait.
    Retrying(RetryNotice),
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

/// A successful answer: its parsed body and the RequestId.
#[derive(Debug)]
pub struct Answer<T> {
    pub body: T,
    pub request_id: Option<String>,
}

/// Calls one ESA endpoint with one set of credentials.
pub struct Client {
    http: reqwest::Client,
    endpoint: Endpoint,
    credentials: Credentials,
    version: SignatureVersion,
}

impl Client {
    pub fn new(
        endpoint: Endpoint,
        credentials: Credentials,
        version: SignatureVersion,
    ) -> Result<Self, Error> {
        let loopback = is_loopback(&endpoint.host);
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .https_only(!(loopback && endpoint.scheme == "http"))
            .user_agent(USER_AGENT)
            .connect_timeout(CONNECT_TIMEOUT)
            .read_timeout(READ_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            // A redirect would resend a signed call somewhere we did not choose.
            .redirect(reqwest::redirect::Policy::none());
        if loopback {
            // A runner's HTTP(S)_PROXY must not capture a call to this machine.
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|e| {
            Error::System(format!(
                "could not set up the HTTP client: {}",
                error_chain(&e)
            ))
        })?;
        Ok(Client {
            http,
            endpoint,
            credentials,
            version,
        })
    }

    /// Calls with retries: each attempt signed afresh (new nonce, new time), transient failures
    /// retried per [`retry::decide`], everything within `policy.timeout`. `on_event` hears of
    /// each attempt and each retry.
    pub async fn call<T: DeserializeOwned>(
        &self,
        request: &RpcRequest,
        idempotency: Idempotency,
        policy: &Policy,
        on_event: &mut dyn FnMut(&Event),
    ) -> Result<Answer<T>, Error> {
        let deadline = Instant::now() + policy.timeout;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let remaining = deadline.saturating_duration_since(Instant::now());
            let outcome =
                match tokio::time::timeout(remaining, self.attempt(request, attempt, on_event))
                    .await
                {
                    Ok(outcome) => outcome,
                    Err(_) => Err((
                        Error::Network {
                            endpoint: self.endpoint.base_url(),
                            detail: format!(
                                "no complete answer within the {} s deadline (input `timeout`)",
                                policy.timeout.as_secs_f64()
                            ),
                            timed_out: true,
                            request_sent: true,
                        },
                        None,
                    )),
                };
            let (error, retry_after) = match outcome {
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
                    on_event(&Event::Retrying(RetryNotice {
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

    /// One attempt: sign now with a fresh nonce, send, read. A failure comes with the server's
    /// `x-acs-retry-after`, if it sent one.
    async fn attempt<T: DeserializeOwned>(
        &self,
        request: &RpcRequest,
        number: u32,
        on_event: &mut dyn FnMut(&Event),
    ) -> Result<Answer<T>, (Error, Option<Duration>)> {
        let signed = prepare(request, &self.endpoint, &self.credentials, self.version)
            .map_err(|e| (e, None))?;
        let url = format!("{}{}", self.endpoint.base_url(), signed.path_and_query);
        on_event(&Event::Sending {
            attempt: number,
            method: signed.method,
            url: redact_url(&url),
        });
        let method = reqwest::Method::from_bytes(signed.method.as_bytes()).map_err(|e| {
            (
                Error::System(format!("bad HTTP method {}: {e}", signed.method)),
                None,
            )
        })?;
        let mut builder = self.http.request(method, url);
        for (name, value) in &signed.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        if !signed.body.is_empty() {
            builder = builder.body(signed.body.clone());
        }
        let response = builder
            .send()
            .await
            .map_err(|e| (self.network_error(&e), None))?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("x-acs-retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_millis);
        let header_request_id = response
            .headers()
            .get("x-acs-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = read_bounded(response).await.map_err(|e| match e {
            BodyError::TooLarge => Error::UnexpectedResponse {
                status,
                what: format!("a body over {} KiB", MAX_BODY_BYTES / 1024),
                request_id: header_request_id.clone(),
                body_start: String::new(),
            },
            BodyError::Transport(e) => Error::Network {
                endpoint: self.endpoint.base_url(),
                detail: format!("the answer broke off: {}", error_chain(&e)),
                timed_out: e.is_timeout(),
                request_sent: true,
            },
        });
        body.and_then(|body| interpret(status, &body, header_request_id))
            .map_err(|e| (e, retry_after))
    }

    fn network_error(&self, e: &reqwest::Error) -> Error {
        let detail = error_chain(e);
        // rustls reports an untrusted server as "invalid peer certificate: …".
        if detail.to_ascii_lowercase().contains("certificate") {
            return Error::Certificate {
                endpoint: self.endpoint.base_url(),
                detail,
            };
        }
        Error::Network {
            endpoint: self.endpoint.base_url(),
            detail,
            timed_out: e.is_timeout(),
            // A connect error (DNS, TCP, TLS handshake) means nothing was sent.
            request_sent: !e.is_connect(),
        }
    }
}

/// Turns a status and body into the typed answer or the matching error.
pub fn interpret<T: DeserializeOwned>(
    status: u16,
    body: &[u8],
    header_request_id: Option<String>,
) -> Result<Answer<T>, Error> {
    if (200..300).contains(&status) {
        let parsed: Result<T, _> = serde_json::from_slice(body);
        let request_id = serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|v| {
                v.get("RequestId")
                    .and_then(|r| r.as_str())
                    .map(str::to_string)
            })
            .or(header_request_id.clone());
        return match parsed {
            Ok(body) => Ok(Answer { body, request_id }),
            Err(_) => Err(unexpected(status, body, header_request_id)),
        };
    }
    match parse_error_body(body) {
        Some(error_body) => Err(Error::Api(ApiError::from_body(
            status,
            error_body,
            header_request_id,
        ))),
        None => Err(unexpected(status, body, header_request_id)),
    }
}

fn unexpected(status: u16, body: &[u8], request_id: Option<String>) -> Error {
    let text = String::from_utf8_lossy(&body[..body.len().min(200)]);
    let what = if body.is_empty() {
        "an empty body".to_string()
    } else if text.trim_start().starts_with('<') {
        "an HTML page".to_string()
    } else {
        format!("{} bytes that are not the expected JSON", body.len())
    };
    Error::UnexpectedResponse {
        status,
        what,
        request_id,
        body_start: crate::inputs::shown(&text.replace(['\r', '\n'], " ")),
    }
}

enum BodyError {
    TooLarge,
    Transport(reqwest::Error),
}

/// Reads at most [`MAX_BODY_BYTES`], chunk by chunk, so a huge answer cannot exhaust memory.
async fn read_bounded(mut response: reqwest::Response) -> Result<Vec<u8>, BodyError> {
    if response
        .content_length()
        .is_some_and(|n| n > MAX_BODY_BYTES as u64)
    {
        return Err(BodyError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The URL with the values of `Signature` and `SecurityToken` replaced by `***`, for logs.
pub fn redact_url(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_string();
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if k == "Signature" || k == "SecurityToken" => format!("{k}=***"),
            _ => pair.to_string(),
        })
        .collect();
    format!("{base}?{}", pairs.join("&"))
}

/// An error and its causes, without the URL (a V2 URL carries the signature and STS token).
fn error_chain(e: &reqwest::Error) -> String {
    let mut text = if e.is_timeout() {
        "timed out".to_string()
    } else if e.is_connect() {
        "could not connect".to_string()
    } else {
        "request failed".to_string()
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}
