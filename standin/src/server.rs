//! The HTTP side: accept connections on 127.0.0.1 (plain or TLS), hand each request to the service's logic, record it, and apply a scripted fault to its answer (or drop it before it is applied).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use http_body_util::BodyExt;
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::{esa, AppHealth, Fault, State};

pub(crate) async fn serve(
    listener: std::net::TcpListener,
    state: Arc<Mutex<State>>,
    stopped: oneshot::Receiver<()>,
    tls: Option<tokio_rustls::TlsAcceptor>,
) {
    accept(listener, stopped, tls, move |req, _| {
        handle(req, state.clone())
    })
    .await
}

/// A server on 127.0.0.1 running on a thread of its own; stopped and joined when dropped.
pub(crate) struct Background {
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Background {
    /// Binds 127.0.0.1:`port` (0 picks a free one) and runs `serve` on the listener until it is
    /// told to stop, in a runtime on a thread named `name`.
    pub(crate) fn start<S, F>(
        name: &str,
        port: u16,
        serve: S,
    ) -> std::io::Result<(Background, SocketAddr)>
    where
        S: FnOnce(std::net::TcpListener, oneshot::Receiver<()>) -> F + Send + 'static,
        F: Future<Output = ()>,
    {
        let listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel();
        let label = name.to_string();
        let thread = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime.block_on(serve(listener, stopped)),
                    Err(e) => eprintln!("{label}: cannot start a runtime: {e}"),
                }
            })?;
        let running = Background {
            stop: Some(stop),
            thread: Some(thread),
        };
        Ok((running, addr))
    }

    /// Runs until the process is stopped.
    pub(crate) fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Accepts connections on `listener` (TLS when `tls` is given) until `stopped`, and serves each
/// over HTTP/1.1 with `handle`, which is told the TLS server name (SNI) the client asked for.
pub(crate) async fn accept<H, F>(
    listener: std::net::TcpListener,
    mut stopped: oneshot::Receiver<()>,
    tls: Option<tokio_rustls::TlsAcceptor>,
    handle: H,
) where
    H: Fn(Request<Incoming>, Option<String>) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Result<Response<Reply>, std::io::Error>> + Send + 'static,
{
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
                let (handle, tls) = (handle.clone(), tls.clone());
                tokio::spawn(async move {
                    let http = hyper::server::conn::http1::Builder::new();
                    match tls {
                        None => {
                            let service = service_fn(move |req| handle(req, None));
                            let _ = http.serve_connection(TokioIo::new(stream), service).await;
                        }
                        Some(acceptor) => {
                            // A client that refuses the certificate ends here, having sent nothing.
                            let Ok(stream) = acceptor.accept(stream).await else { return };
                            let name = stream.get_ref().1.server_name().map(str::to_string);
                            let service = service_fn(move |req| handle(req, name.clone()));
                            let _ = http.serve_connection(TokioIo::new(stream), service).await;
                        }
                    }
                });
            }
        }
    }
}

async fn handle(
    req: Request<Incoming>,
    state: Arc<Mutex<State>>,
) -> Result<Response<Reply>, std::io::Error> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    if parts.uri.path() == "/_app/healthz" {
        // The deployed app's health endpoint, for the demo's health gate.
        let healthy = match state.lock() {
            Ok(mut s) => {
                s.health_probes += 1;
                match s.config.health {
                    AppHealth::Healthy => Some(true),
                    AppHealth::Failing => Some(false),
                    AppHealth::Flapping => Some(s.health_probes % 2 == 1),
                    AppHealth::Hanging => None,
                }
            }
            Err(_) => Some(false),
        };
        return match healthy {
            Some(true) => Ok(respond(200, "text/plain", "ok".into(), &[])),
            Some(false) => Ok(respond(503, "text/plain", "unhealthy".into(), &[])),
            None => std::future::pending().await,
        };
    }
    if parts.uri.path() == "/_standin/requests" {
        let json = state
            .lock()
            .map(|s| serde_json::to_string_pretty(&s.received).unwrap_or_default())
            .unwrap_or_default();
        return Ok(respond(200, "application/json", json, &[]));
    }
    if crate::github_api::is_github(parts.uri.path()) {
        return Ok(github(&parts, &body, &state));
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
    let incoming = crate::rules::Incoming {
        method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or("").to_string(),
        headers,
        body: body.to_vec(),
    };
    let (answer, fault, chunked) = {
        let Ok(mut state) = state.lock() else {
            return Ok(respond(
                500,
                "text/plain",
                "stand-in state poisoned".into(),
                &[],
            ));
        };
        let fault = esa::peek_action(&incoming).and_then(|action| state.take_fault(&action));
        let received_at_ms = state
            .started
            .map(|t| t.elapsed().as_millis() as u64)
            .unwrap_or_default();
        // The service's own error answer means it refused: nothing is applied, as the client
        // assumes of an Alibaba error (a proxy's page, by contrast, may come after it acted).
        if let Some(Fault::Respond {
            status,
            content_type,
            body,
            headers,
        }) = fault.clone().filter(Fault::is_api_error)
        {
            let mut received = esa::unapplied(&incoming, received_at_ms);
            received.status = status;
            received.fault = Some("refused".into());
            eprintln!(
                "esa-standin: {} {} -> (fault: refused with {status}, not applied)",
                received.method,
                received.action.as_deref().unwrap_or("-"),
            );
            state.received.push(received);
            return Ok(respond(status, &content_type, body, &headers));
        }
        if let Some(Fault::Reset) = fault {
            let mut received = esa::unapplied(&incoming, received_at_ms);
            received.fault = Some("reset".into());
            eprintln!(
                "esa-standin: {} {} -> (fault: connection reset before it was applied)",
                received.method,
                received.action.as_deref().unwrap_or("-")
            );
            state.received.push(received);
            // An error from the service makes the server drop the connection unanswered.
            return Err(std::io::Error::other("reset on purpose"));
        }
        let (answer, mut received) = esa::process(&mut state, incoming, chrono::Utc::now());
        received.received_at_ms = received_at_ms;
        received.fault = fault.as_ref().map(|f| {
            match f {
                Fault::Respond { .. } => "answered",
                Fault::Hang => "hang",
                Fault::CutOff => "cut-off",
                Fault::Reset => "reset",
            }
            .to_string()
        });
        eprintln!(
            "esa-standin: {} {} {} {} -> {}{}",
            received.method,
            received.action.as_deref().unwrap_or("-"),
            received.signature_method.as_deref().unwrap_or("-"),
            received.request_id,
            match &received.code {
                Some(code) => format!("{} {code}", received.status),
                None => format!("{} OK", received.status),
            },
            match &fault {
                None => String::new(),
                Some(Fault::Respond { status, .. }) =>
                    format!(" (fault: answered {status} instead)"),
                Some(Fault::Hang) => " (fault: never answers)".into(),
                Some(Fault::CutOff) => " (fault: connection cut mid-answer)".into(),
                Some(Fault::Reset) => String::new(),
            }
        );
        state.received.push(received);
        (answer, fault, state.config.chunked)
    };
    Ok(match fault {
        None => {
            let mut reply = respond(
                answer.status,
                "application/json;charset=utf-8",
                answer.body,
                &[("x-acs-request-id".to_string(), answer.request_id)],
            );
            if chunked {
                reply = reply.map(Reply::chunked);
            }
            reply
        }
        Some(Fault::Respond {
            status,
            content_type,
            body,
            headers,
        }) => respond(status, &content_type, body, &headers),
        Some(Fault::Hang) => {
            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
            respond(504, "text/plain", "gave up hanging".into(), &[])
        }
        Some(Fault::CutOff) => Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .body(Reply::CutOff(Some(Bytes::from_static(
                b"{\"RequestId\": \"04F0F3",
            ))))
            .unwrap_or_else(|_| Response::new(Reply::Full(None))),
        Some(Fault::Reset) => respond(500, "text/plain", "not reached".into(), &[]),
    })
}

/// A response body: whole, in chunks with no `Content-Length` (as a gateway may send it), or
/// one that breaks off after its first slice.
pub enum Reply {
    Full(Option<Bytes>),
    Chunked(std::collections::VecDeque<Bytes>),
    CutOff(Option<Bytes>),
}

impl Reply {
    /// The same body in 64 KiB chunks, its length not declared.
    fn chunked(self) -> Reply {
        let Reply::Full(Some(body)) = self else {
            return self;
        };
        let chunks = (0..body.len())
            .step_by(64 * 1024)
            .map(|at| body.slice(at..(at + 64 * 1024).min(body.len())))
            .collect();
        Reply::Chunked(chunks)
    }
}

impl hyper::body::Body for Reply {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, std::io::Error>>> {
        std::task::Poll::Ready(match self.get_mut() {
            Reply::Full(chunk) => chunk.take().map(|b| Ok(hyper::body::Frame::data(b))),
            Reply::Chunked(chunks) => chunks.pop_front().map(|b| Ok(hyper::body::Frame::data(b))),
            Reply::CutOff(chunk) => match chunk.take() {
                Some(b) => Some(Ok(hyper::body::Frame::data(b))),
                None => Some(Err(std::io::Error::other("cut off on purpose"))),
            },
        })
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        match self {
            Reply::Full(chunk) => {
                hyper::body::SizeHint::with_exact(chunk.as_ref().map_or(0, |b| b.len() as u64))
            }
            Reply::Chunked(_) => hyper::body::SizeHint::default(),
            // Promise more than is sent, so the cut is visible to the client.
            Reply::CutOff(_) => hyper::body::SizeHint::with_exact(4096),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            Reply::Full(None) => true,
            Reply::Chunked(chunks) => chunks.is_empty(),
            _ => false,
        }
    }
}

fn respond(
    status: u16,
    content_type: &str,
    body: String,
    headers: &[(String, String)],
) -> Response<Reply> {
    let mut builder = Response::builder()
        .status(status)
        .header("content-type", content_type);
    for (name, value) in headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder
        .body(Reply::Full(Some(Bytes::from(body))))
        .unwrap_or_else(|_| Response::new(Reply::Full(None)))
}

/// A request for GitHub's comment API, answered from the state.
fn github(
    parts: &hyper::http::request::Parts,
    body: &[u8],
    state: &Arc<Mutex<State>>,
) -> Response<Reply> {
    let target = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let authorization = parts
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let method = parts.method.as_str();
    let (status, json) = match state.lock() {
        Ok(mut s) => s.github.handle(method, target, authorization, body),
        Err(_) => (500, serde_json::Value::Null),
    };
    eprintln!(
        "esa-standin: GitHub {method} {} -> {status}",
        parts.uri.path()
    );
    respond(status, "application/json", json.to_string(), &[])
}
