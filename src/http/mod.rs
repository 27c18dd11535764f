//! The one HTTP transport below `esa` and `ci`: a client with verified TLS, bounded timeouts and no redirects (`https` only, plain `http` to loopback); one request sent and its answer read with a size bound; the retry loop every call runs in ([`retry`]); and the probe of the app's health URL ([`probe`]). It knows no API: the callers build each request and read each answer.
//!
//! It may use `base` and the engine crate only.

pub mod probe;
pub mod retry;

use std::time::Duration;

use esa_engine::base::error::Error;

/// The largest answer read: every API answers a few hundred bytes or a page of JSON.
pub use esa_engine::esa::MAX_BODY_BYTES;

/// The official SDK's connect timeout is 5 s; a CI runner deserves a little more slack.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// No single read may stall longer than this.
const READ_TIMEOUT: Duration = Duration::from_secs(30);
/// One attempt, from connect to the last byte.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// `esa-publish/<version>`.
pub const USER_AGENT: &str = concat!("esa-publish/", env!("CARGO_PKG_VERSION"));

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

/// An error and its causes, without the URL (a V2 URL carries the signature and STS token).
pub fn error_chain(e: &reqwest::Error) -> String {
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
pub fn causes(e: &reqwest::Error) -> String {
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
