//! A health probe's vocabulary: the URL it may go to (`https://`, or `http://` for a host that is loopback as written, with no user name or password), what one probe found (a status and a one-line excerpt of the body, or why no answer came), and the excerpt itself. Pure: the probe is the binary's.

use crate::base::text::shown;
use crate::esa::endpoint::is_loopback;

/// The most of a body read; the rest is not waited for.
pub const BODY_LIMIT: usize = 4096;

/// The longest excerpt of a body shown.
const EXCERPT_CHARS: usize = 120;

/// A health URL that passed the rule: `https://`, or `http://` for a loopback host, with no
/// user name or password in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthUrl(url::Url);

impl HealthUrl {
    /// Reads a health URL: `https://`, or plain `http://` to a loopback host only.
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

    /// The URL as given.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// Its host.
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

    /// Whether it is plain `http://`.
    pub fn is_plain(&self) -> bool {
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
    Answered {
        /// The HTTP status.
        status: u16,
        /// The body's start, on one line.
        excerpt: String,
    },
    /// No answer, and why in words.
    NoAnswer {
        /// Why.
        why: NoAnswer,
        /// What the client said.
        detail: String,
    },
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
