//! The HTTP client: the only place that reads the clock, makes nonces and talks to the network; it signs each call afresh, sends it over verified TLS and reads the answer with a size bound.

use std::time::Duration;

use tokio::time::Instant;

use chrono::Utc;
use serde::de::DeserializeOwned;

use crate::base::random::{random_hex, random_unit};
use crate::esa::api::{api_error, parse_error_body};
use crate::esa::credentials::Credentials;
use crate::esa::signing::{sign_v2, sign_v3, RpcRequest, SignedRequest};
use esa_engine::base::error::Error;
use esa_engine::base::text::shown;
use esa_engine::esa::endpoint::{is_loopback, Endpoint};
use esa_engine::esa::model::SignatureVersion;
use esa_engine::esa::retry::{self, Decision, Idempotency, Policy};

/// The official SDK's connect timeout is 5 s; a CI runner deserves a little more slack.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
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

/// A successful answer: its parsed body and the RequestId.
#[derive(Debug)]
pub struct Answer<T> {
    pub body: T,
    pub request_id: Option<String>,
}

/// An answer as read off the wire, before interpretation.
#[derive(Debug)]
pub struct RawAnswer {
    pub status: u16,
    /// `x-acs-request-id`, when sent.
    pub request_id: Option<String>,
    /// `x-acs-retry-after`, in milliseconds on the wire.
    pub retry_after: Option<Duration>,
    pub body: Vec<u8>,
}

/// The HTTP client every call uses: rustls with verified certificates, bounded timeouts, no
/// redirects, `https` only unless the host is loopback, and no proxy for loopback.
pub fn http_client(loopback: bool) -> Result<reqwest::Client, Error> {
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .https_only(!loopback)
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
    builder.build().map_err(|e| {
        Error::System(format!(
            "could not set up the HTTP client: {}",
            error_chain(&e)
        ))
    })
}

/// Sends one request and reads its answer with a size bound. `target` names the endpoint in
/// errors (never a URL with credentials in it).
pub async fn send(request: reqwest::RequestBuilder, target: &str) -> Result<RawAnswer, Error> {
    let response = request
        .send()
        .await
        .map_err(|e| network_error(target, &e))?;
    let status = response.status().as_u16();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let request_id = header("x-acs-request-id");
    let retry_after = header("x-acs-retry-after")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_millis);
    match read_bounded(response).await {
        Ok(body) => Ok(RawAnswer {
            status,
            request_id,
            retry_after,
            body,
        }),
        Err(BodyError::TooLarge(size)) => Err(Error::AnswerTooLarge {
            endpoint: target.to_string(),
            status,
            size,
            limit: MAX_BODY_BYTES,
            request_id,
        }),
        Err(BodyError::Transport(e)) => Err(Error::Network {
            endpoint: target.to_string(),
            detail: format!("the answer broke off: {}", error_chain(&e)),
            timed_out: e.is_timeout(),
            request_sent: true,
        }),
    }
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
        Ok(Client {
            http: http_client(is_loopback(&endpoint.host))?,
            endpoint,
            credentials,
            version,
        })
    }

    /// The endpoint, as errors name it.
    pub fn target(&self) -> String {
        self.endpoint.base_url()
    }

    /// Calls with retries, each attempt signed afresh (new nonce, new time).
    pub async fn call<T: DeserializeOwned>(
        &self,
        request: &RpcRequest,
        idempotency: Idempotency,
        policy: &Policy,
        on_event: &mut dyn FnMut(&ClientEvent),
    ) -> Result<Answer<T>, Error> {
        let base = self.endpoint.base_url();
        let mut prepare = || {
            let signed = prepare(request, &self.endpoint, &self.credentials, self.version)?;
            let url = format!("{base}{}", signed.path_and_query);
            let method = reqwest::Method::from_bytes(signed.method.as_bytes())
                .map_err(|e| Error::System(format!("bad HTTP method {}: {e}", signed.method)))?;
            let shown = format!("{} {}", signed.method, redact_url(&url));
            let mut builder = self.http.request(method, url);
            for (name, value) in &signed.headers {
                builder = builder.header(name.as_str(), value.as_str());
            }
            if !signed.body.is_empty() {
                builder = builder.body(signed.body.clone());
            }
            Ok((builder, shown))
        };
        let parse = |raw: RawAnswer| interpret(raw.status, &raw.body, raw.request_id);
        with_retries(&base, policy, idempotency, on_event, &mut prepare, &parse).await
    }
}

fn network_error(target: &str, e: &reqwest::Error) -> Error {
    let detail = error_chain(e);
    // rustls reports an untrusted server as "invalid peer certificate: …".
    if detail.to_ascii_lowercase().contains("certificate") {
        return Error::Certificate {
            endpoint: target.to_string(),
            detail,
        };
    }
    Error::Network {
        endpoint: target.to_string(),
        detail,
        timed_out: e.is_timeout(),
        // A connect error (DNS, TCP, TLS handshake) means nothing was sent.
        request_sent: !e.is_connect(),
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
        Some(error_body) => Err(Error::Api(api_error(status, error_body, header_request_id))),
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
        body_start: shown(&text.replace(['\r', '\n'], " ")),
    }
}

enum BodyError {
    /// Over [`MAX_BODY_BYTES`]: its size, as declared, or as measured (at least this much).
    TooLarge(Option<u64>),
    Transport(reqwest::Error),
}

/// How far an answer over [`MAX_BODY_BYTES`] that declares no length is read on, and
/// dropped, to measure it: so that a caller can ask for less by its size.
pub const MEASURE_BYTES: u64 = 32 * 1024 * 1024;

/// Reads at most [`MAX_BODY_BYTES`], chunk by chunk, so a huge answer cannot exhaust memory.
async fn read_bounded(mut response: reqwest::Response) -> Result<Vec<u8>, BodyError> {
    let declared = response.content_length();
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(BodyError::TooLarge(declared));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            let seen = (body.len() + chunk.len()) as u64;
            return Err(BodyError::TooLarge(Some(measure(response, seen).await)));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The size of an answer of which `seen` bytes were read: the rest is read and dropped, up to
/// [`MEASURE_BYTES`] (past it, or when the answer breaks off, what was seen).
async fn measure(mut response: reqwest::Response, mut seen: u64) -> u64 {
    while seen < MEASURE_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => seen += chunk.len() as u64,
            Ok(None) | Err(_) => break,
        }
    }
    seen
}

/// The URL with the values of `Signature`, `SecurityToken` and `OIDCToken` replaced by `***`,
/// for logs.
pub fn redact_url(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_string();
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if matches!(k, "Signature" | "SecurityToken" | "OIDCToken") => {
                format!("{k}=***")
            }
            _ => pair.to_string(),
        })
        .collect();
    format!("{base}?{}", pairs.join("&"))
}

/// An error and its causes, without the URL (a V2 URL carries the signature and STS token).
pub(crate) fn error_chain(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    match causes(e) {
        causes if causes.is_empty() => what.to_string(),
        causes => format!("{what}: {causes}"),
    }
}

/// The causes of an error, joined by `: `, each said once.
pub(crate) fn causes(e: &reqwest::Error) -> String {
    let mut text = String::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}
