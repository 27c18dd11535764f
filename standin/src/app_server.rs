//! A small web app on 127.0.0.1 that plays the deployed app for the health gate's tests: it answers each request with the next scripted answer (the last one repeats), over plain HTTP or over TLS with a certificate for `staging.shop.test` signed by a test CA, and records the `Host` header and TLS server name each request came with.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::BodyExt;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};

use crate::server::{accept, Background, Reply};

/// What the app answers to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// This status, with this body.
    Status(u16, String),
    /// No answer for this long, then 200.
    Slow(Duration),
    /// The connection is closed without an answer.
    Close,
}

/// One request the app received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub host: String,
    /// The TLS server name (SNI) the client asked for, in TLS mode.
    pub server_name: Option<String>,
    pub path: String,
}

#[derive(Default)]
struct Script {
    answers: Vec<Answer>,
    next: usize,
    seen: Vec<Seen>,
}

impl Script {
    fn answer(&mut self, seen: Seen) -> Answer {
        self.seen.push(seen);
        let answer = self
            .answers
            .get(self.next.min(self.answers.len().saturating_sub(1)))
            .cloned()
            .unwrap_or(Answer::Status(200, "ok".into()));
        self.next += 1;
        answer
    }
}

/// The app, running until dropped.
pub struct AppServer {
    port: u16,
    script: Arc<Mutex<Script>>,
    _server: Background,
}

/// The test CA that signed the app's certificate: point `SSL_CERT_FILE` at it.
pub fn test_ca_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/health-ca.crt")
}

impl AppServer {
    /// Starts on 127.0.0.1 with a free port, answering with `answers` in turn (the last one
    /// repeats); `tls` serves HTTPS with the test CA's certificate.
    pub fn start(answers: Vec<Answer>, tls: bool) -> std::io::Result<AppServer> {
        let acceptor = match tls {
            true => Some(crate::tls_acceptor(
                include_bytes!("../testdata/health-app.crt"),
                include_bytes!("../testdata/health-app.key"),
            )?),
            false => None,
        };
        let script = Arc::new(Mutex::new(Script {
            answers,
            ..Script::default()
        }));
        let shared = script.clone();
        let (server, addr) = Background::start("app-server", 0, move |listener, stopped| {
            accept(listener, stopped, acceptor, move |req, name| {
                handle(req, shared.clone(), name)
            })
        })?;
        Ok(AppServer {
            port: addr.port(),
            script,
            _server: server,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Every request so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.script
            .lock()
            .map(|s| s.seen.clone())
            .unwrap_or_default()
    }
}

async fn handle(
    req: Request<Incoming>,
    script: Arc<Mutex<Script>>,
    server_name: Option<String>,
) -> Result<Response<Reply>, std::io::Error> {
    let (parts, body) = req.into_parts();
    let _ = body.collect().await;
    let seen = Seen {
        host: parts
            .headers
            .get("host")
            .and_then(|h| h.to_str().ok())
            .unwrap_or_default()
            .to_string(),
        server_name,
        path: parts.uri.path().to_string(),
    };
    let answer = match script.lock() {
        Ok(mut s) => s.answer(seen),
        Err(_) => Answer::Status(500, "script poisoned".into()),
    };
    let (status, body) = match answer {
        Answer::Status(status, body) => (status, body),
        Answer::Slow(delay) => {
            tokio::time::sleep(delay).await;
            (200, "ok, slowly".into())
        }
        // An error from the service makes the server drop the connection unanswered.
        Answer::Close => return Err(std::io::Error::other("closed on purpose")),
    };
    Ok(Response::builder()
        .status(status)
        .header("content-type", "text/plain")
        .body(Reply::Full(Some(Bytes::from(body))))
        .unwrap_or_else(|_| Response::new(Reply::Full(None))))
}
