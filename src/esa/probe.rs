//! Probing the app's health URL: one GET over verified TLS with no redirect followed, sent to the edge or to staging's own addresses (as `curl --resolve` does, the URL's host kept for TLS and the `Host` header); its status and a short one-line excerpt of its body, or why no answer came. The URL's rule is the endpoint's: `http://` only for a host that is loopback as written.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use crate::base::error::Error;
use crate::base::text::shown;
use crate::esa::client::{causes, CONNECT_TIMEOUT, USER_AGENT};
use crate::esa::endpoint::is_loopback;

/// The most of a body read; the rest is not waited for.
const BODY_LIMIT: usize = 4096;

/// The longest excerpt of a body shown.
const EXCERPT_CHARS: usize = 120;

/// A health URL that passed the rule: `https://`, or `http://` for a loopback host, with no
/// user name or password in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthUrl(url::Url);

impl HealthUrl {
    pub fn parse(value: &str) -> Result<HealthUrl, String> {
        let url = url::Url::parse(value.trim())
            .map_err(|e| format!("`{}` is not a URL ({e})", shown(value)))?;
        match url.scheme() {
            "https" => {}
            "http" if url.host_str().is_some_and(is_loopback) => {}
            "http" => return Err(format!(
                "plain http is only allowed for a loopback host (127.0.0.0/8, ::1, localhost), not `{}`: use https",
                shown(url.host_str().unwrap_or_default())
            )),
            other => return Err(format!("scheme `{}` is not supported; use https", shown(other))),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("must not carry a user name or password: the URL is shown in logs".into());
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(format!("`{}` has no host", shown(value)));
        }
        Ok(HealthUrl(url))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    pub fn host(&self) -> &str {
        self.0.host_str().unwrap_or_default()
    }

    /// Whether the host is a name, not an IP address (only a name can be sent elsewhere, as
    /// `curl --resolve` does).
    pub fn names_a_host(&self) -> bool {
        matches!(self.0.host(), Some(url::Host::Domain(_)))
    }

    /// The port connected to: the URL's, or its scheme's.
    pub fn port(&self) -> u16 {
        self.0.port_or_known_default().unwrap_or(443)
    }

    fn is_plain(&self) -> bool {
        self.0.scheme() == "http"
    }
}

/// Why a probe got no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoAnswer {
    /// No connection (refused, unreachable, a name that does not resolve).
    Connect,
    /// The TLS handshake failed or the certificate was refused.
    Tls,
    /// No answer within the probe's time.
    Timeout,
    /// The connection broke off, or the answer was not HTTP.
    Broken,
}

/// What one probe found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probed {
    /// The app answered with `status`; `excerpt` is the start of its body on one line, the
    /// app's own text (shown escaped).
    Answered { status: u16, excerpt: String },
    /// No answer, and why in words.
    NoAnswer { why: NoAnswer, detail: String },
}

/// The start of a body on one line: control characters as spaces, runs of white space as one,
/// at most [`EXCERPT_CHARS`] characters.
pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(BODY_LIMIT)]);
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let joined = words.join(" ");
    match joined.char_indices().nth(EXCERPT_CHARS) {
        Some((at, _)) => format!("{}…", &joined[..at]),
        None => joined,
    }
}

/// The HTTP client for probes of `url`, connecting to `at` when given (staging's addresses)
/// instead of what the URL's host resolves to. Plain http to an address that is not loopback
/// is refused: the rule holds for where the probe really goes, not only for the URL.
pub fn prober(url: &HealthUrl, at: &[IpAddr]) -> Result<reqwest::Client, Error> {
    if url.is_plain() && at.iter().any(|ip| !ip.is_loopback()) {
        return Err(Error::System(format!(
            "health-url {} is plain http, and staging's addresses ({}) are not loopback: use https",
            url.as_str(),
            at.iter()
                .map(IpAddr::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .https_only(!url.is_plain())
        .user_agent(USER_AGENT)
        .connect_timeout(CONNECT_TIMEOUT)
        // A redirect's status is the answer: a probe does not wander off.
        .redirect(reqwest::redirect::Policy::none());
    if !at.is_empty() {
        let addrs: Vec<SocketAddr> = at
            .iter()
            .map(|ip| SocketAddr::new(*ip, url.port()))
            .collect();
        // Staging must be reached at its own addresses: a proxy would resolve the name itself.
        builder = builder.resolve_to_addrs(url.host(), &addrs).no_proxy();
    } else if is_loopback(url.host()) {
        builder = builder.no_proxy();
    }
    builder
        .build()
        .map_err(|e| Error::System(format!("could not set up the health probe: {e}")))
}

/// One GET of `url` through `client`, bounded by `limit`.
pub async fn probe(client: &reqwest::Client, url: &HealthUrl, limit: Duration) -> Probed {
    let exchange = async {
        let mut response = client.get(url.as_str()).send().await?;
        let status = response.status().as_u16();
        let mut body = Vec::new();
        while body.len() < BODY_LIMIT {
            match response.chunk().await? {
                Some(chunk) => body.extend_from_slice(&chunk),
                None => break,
            }
        }
        Ok::<_, reqwest::Error>(Probed::Answered {
            status,
            excerpt: excerpt(&body),
        })
    };
    match tokio::time::timeout(limit, exchange).await {
        Ok(Ok(probed)) => probed,
        Ok(Err(e)) => no_answer(&e),
        Err(_) => Probed::NoAnswer {
            why: NoAnswer::Timeout,
            detail: format!("no answer within {:.1} s", limit.as_secs_f64()),
        },
    }
}

/// Whether the connection failed in TLS: rustls reports its errors (a refused certificate, a
/// server that does not speak TLS) as I/O errors of kind `InvalidData`, which TCP never gives.
/// They come wrapped in other I/O errors, whose `source` skips the wrapped error itself.
fn tls_failed(e: &reqwest::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let mut io = s.downcast_ref::<std::io::Error>();
        while let Some(error) = io {
            if error.kind() == std::io::ErrorKind::InvalidData {
                return true;
            }
            io = error.get_ref().and_then(|inner| inner.downcast_ref());
        }
        source = s.source();
    }
    false
}

fn no_answer(e: &reqwest::Error) -> Probed {
    // The causes less hyper's wrapper: `tcp connect error: Connection refused`; the kind says
    // the rest.
    let causes = causes(e);
    let detail = ["client error (Connect): ", "client error (SendRequest): "]
        .iter()
        .find_map(|wrapper| causes.strip_prefix(wrapper))
        .unwrap_or(&causes)
        .to_string();
    let why = if tls_failed(e) {
        NoAnswer::Tls
    } else if e.is_timeout() {
        NoAnswer::Timeout
    } else if e.is_connect() {
        NoAnswer::Connect
    } else {
        NoAnswer::Broken
    };
    Probed::NoAnswer { why, detail }
}

#[cfg(test)]
mod tests {
    use crate::esa::probe::{excerpt, HealthUrl};

    #[test]
    fn http_only_for_a_host_that_is_loopback_as_written() {
        for ok in [
            "https://shop.example.com/healthz",
            "http://127.0.0.1:8080/h",
            "http://localhost/h",
            "http://[::1]:9/h",
        ] {
            assert!(HealthUrl::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://shop.example.com/h",
            "http://127.0.0.1.nip.io/h",
            "http://localhost.example.com/h",
            "ftp://shop.example.com/h",
            "https://user:pw@shop.example.com/h",
            "shop.example.com/h",
        ] {
            assert!(HealthUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_excerpt_is_one_short_line() {
        assert_eq!(
            excerpt(b"db down\n::error::x\r\n\t ok"),
            "db down ::error::x ok"
        );
        let long = "é".repeat(500);
        let e = excerpt(long.as_bytes());
        assert_eq!(e.chars().count(), 121);
        assert!(e.ends_with('…'));
        assert_eq!(excerpt(&[0xff, b'a']), "\u{fffd}a");
    }
}
