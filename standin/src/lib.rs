//! A local stand-in for the Alibaba Cloud ESA API on 127.0.0.1: verifies both signature methods with its own code, checks timestamp skew and nonce reuse, applies the API's validation rules, answers Alibaba-shaped JSON and records every request it received.
//!
//! Used by the tests (in-process, through [`StandIn::start`]) and by the demo (the
//! `esa-standin` binary). `GET /_standin/requests` lists what it received, as JSON.

pub mod esa;
pub mod verify;

use std::collections::{HashSet, VecDeque};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// An AccessKey the stand-in accepts, with the STS token it requires (if any).
#[derive(Debug, Clone)]
pub struct Account {
    pub access_key_id: String,
    pub access_key_secret: String,
    pub security_token: Option<String>,
}

/// What the stand-in knows.
#[derive(Debug, Clone)]
pub struct Config {
    pub accounts: Vec<Account>,
    /// Application IDs that exist; others answer InvalidApp.NotFound.
    pub apps: Vec<String>,
    /// Largest accepted distance between a request's time and the stand-in's clock.
    pub max_skew_seconds: i64,
}

/// The demo account: `esa-publish`'s README uses these.
pub const DEMO_ACCESS_KEY_ID: &str = "LTAIstandinDemoKey";
pub const DEMO_ACCESS_KEY_SECRET: &str = "standin-demo-secret";
pub const DEMO_APP_ID: &str = "app-880688675783790001";

impl Default for Config {
    fn default() -> Self {
        Config {
            accounts: vec![Account {
                access_key_id: DEMO_ACCESS_KEY_ID.into(),
                access_key_secret: DEMO_ACCESS_KEY_SECRET.into(),
                security_token: None,
            }],
            apps: vec![DEMO_APP_ID.into()],
            max_skew_seconds: 15 * 60,
        }
    }
}

/// A scripted answer that replaces the next normal one (for the error-path tests).
#[derive(Debug, Clone)]
pub struct Fault {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

/// One request as received, with the stand-in's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Received {
    pub method: String,
    pub path: String,
    /// The raw query string.
    pub query: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// `v2`, `v3`, or `None` when no signature was recognised.
    pub signature_method: Option<String>,
    pub action: Option<String>,
    /// The API's own parameters from the query (common V2 parameters removed).
    pub query_params: std::collections::BTreeMap<String, String>,
    /// The API's own parameters from the form body.
    pub body_params: std::collections::BTreeMap<String, String>,
    pub status: u16,
    /// The error code answered, if any.
    pub code: Option<String>,
    pub request_id: String,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Shared state: configuration, nonces seen, scripted faults, the record.
#[derive(Debug, Default)]
pub struct State {
    pub config: Config,
    pub nonces: HashSet<String>,
    pub faults: VecDeque<Fault>,
    pub received: Vec<Received>,
    pub counter: u64,
}

/// A running stand-in; it stops when dropped.
pub struct StandIn {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl StandIn {
    /// Starts on 127.0.0.1 with a free port, on a thread of its own.
    pub fn start(config: Config) -> std::io::Result<StandIn> {
        Self::start_on(config, 0)
    }

    /// Starts on 127.0.0.1:`port` (0 picks a free one).
    pub fn start_on(config: Config, port: u16) -> std::io::Result<StandIn> {
        let state = Arc::new(Mutex::new(State {
            config,
            ..State::default()
        }));
        let std_listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let (stop, stopped) = oneshot::channel();
        let thread_state = state.clone();
        let thread = std::thread::Builder::new()
            .name("esa-standin".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(r) => r,
                    Err(e) => {
                        eprintln!("esa-standin: cannot start a runtime: {e}");
                        return;
                    }
                };
                runtime.block_on(serve(std_listener, thread_state, stopped));
            })?;
        Ok(StandIn {
            addr,
            state,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Received> {
        self.state
            .lock()
            .map(|s| s.received.clone())
            .unwrap_or_default()
    }

    /// Queues an answer that replaces the next normal one.
    pub fn push_fault(&self, fault: Fault) {
        if let Ok(mut s) = self.state.lock() {
            s.faults.push_back(fault);
        }
    }

    /// Runs until the process is stopped (for the binary).
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

async fn serve(
    listener: std::net::TcpListener,
    state: Arc<Mutex<State>>,
    mut stopped: oneshot::Receiver<()>,
) {
    let listener = match TcpListener::from_std(listener) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("esa-standin: cannot listen: {e}");
            return;
        }
    };
    loop {
        tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let state = state.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req| handle(req, state.clone()));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        }
    }
}

async fn handle(
    req: Request<Incoming>,
    state: Arc<Mutex<State>>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    if parts.uri.path() == "/_standin/requests" {
        let json = state
            .lock()
            .map(|s| serde_json::to_string_pretty(&s.received).unwrap_or_default())
            .unwrap_or_default();
        return Ok(respond(200, "application/json", json, None));
    }
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_ascii_lowercase(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let incoming = esa::Incoming {
        method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or("").to_string(),
        headers,
        body: body.to_vec(),
    };
    let Ok(mut state) = state.lock() else {
        return Ok(respond(
            500,
            "text/plain",
            "stand-in state poisoned".into(),
            None,
        ));
    };
    let (answer, received) = esa::process(&mut state, incoming, chrono::Utc::now());
    eprintln!(
        "esa-standin: {} {} {} {} -> {} {}",
        received.method,
        received.action.as_deref().unwrap_or("-"),
        received.signature_method.as_deref().unwrap_or("-"),
        received.request_id,
        received.status,
        received.code.as_deref().unwrap_or("OK")
    );
    state.received.push(received);
    let fault = state.faults.pop_front();
    drop(state);
    Ok(match fault {
        Some(f) => respond(f.status, &f.content_type, f.body, None),
        None => respond(
            answer.status,
            "application/json;charset=utf-8",
            answer.body,
            Some(&answer.request_id),
        ),
    })
}

fn respond(
    status: u16,
    content_type: &str,
    body: String,
    request_id: Option<&str>,
) -> Response<Full<Bytes>> {
    let mut builder = Response::builder()
        .status(status)
        .header("content-type", content_type);
    if let Some(id) = request_id {
        builder = builder.header("x-acs-request-id", id);
    }
    builder
        .body(Full::new(Bytes::from(body)))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::from_static(b"stand-in error"))))
}
