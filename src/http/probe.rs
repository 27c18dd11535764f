//! Probing the app's health URL (the engine's `HealthUrl`, `Probed`): one GET over verified TLS with no redirect followed, sent to the edge or to staging's own addresses (as `curl --resolve` does, the URL's host kept for TLS and the `Host` header); its status and a short one-line excerpt of its body, or why no answer came. The URL's rule is the endpoint's: `http://` only for a host that is loopback as written.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use esa_engine::base::error::Error;
use esa_engine::esa::endpoint::is_loopback;
use esa_engine::esa::probe::{excerpt, HealthUrl, NoAnswer, Probed, BODY_LIMIT};

use crate::http::{causes, CONNECT_TIMEOUT, USER_AGENT};

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
    use esa_engine::esa::probe::{excerpt, HealthUrl};

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
