//! A local stand-in for the Alibaba Cloud ESA API on 127.0.0.1: verifies both signature methods with its own code, checks timestamp skew and nonce reuse, applies the API's validation rules, answers Alibaba-shaped JSON and records every request it received.
//!
//! Used by the tests (in-process, through [`StandIn::start`]) and by the demo (the
//! `esa-standin` binary). `GET /_standin/requests` lists what it received, as JSON;
//! `GET /_app/healthz` answers as the deployed app's health endpoint would: 200, or as
//! `Config::health` plays it (503, flapping, hanging).

#![warn(unreachable_pub)]

pub mod app_server;
pub mod auth;
pub mod diagnostics;
pub mod esa;
pub mod github_api;
pub mod oidc;
pub mod readings;
pub mod rules;
pub mod server;
pub mod stats;
pub mod verify;
pub mod versions;

use std::collections::{HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::server::{serve, Background};

/// An AccessKey the stand-in accepts, with the STS token it requires (if any).
#[derive(Debug, Clone)]
pub struct Account {
    pub access_key_id: String,
    pub access_key_secret: String,
    pub security_token: Option<String>,
}

/// Keyless sign-in: what the GitHub ID-token endpoint (`/_github/idtoken`) and STS
/// AssumeRoleWithOIDC (`/?Action=AssumeRoleWithOIDC…`) accept, and what they hand out.
#[derive(Debug, Clone)]
pub struct Oidc {
    /// The bearer token the ID-token endpoint wants (`ACTIONS_ID_TOKEN_REQUEST_TOKEN`).
    pub bearer: String,
    /// The ID token it hands out; the audience asked for is appended as `.<audience>`.
    pub id_token: String,
    /// The audience STS accepts (the provider's client ID); `None` takes GitHub's default,
    /// for which the endpoint appends `.default`.
    pub audience: Option<String>,
    pub role_arn: String,
    pub provider_arn: String,
    /// The temporary credentials STS hands out; they are accepted for ESA calls from then on.
    pub issued: Account,
}

/// How one publish's rollout behaves over the status polls that follow it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rollout {
    /// The percentage climbs by `Config::rollout_step` a poll until it reaches the target.
    Normal,
    /// After this many polls the service rolls back.
    RollbackAfter(u32),
    /// After this many polls another version takes over.
    TakeoverAfter(u32),
    /// Never moves.
    Stuck,
    /// Staging: after this many polls the container is in CrashLoopBackOff.
    CrashLoopAfter(u32),
}

/// How the deployed app's health endpoint (`GET /_app/healthz`) answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AppHealth {
    /// 200 `ok`.
    #[default]
    Healthy,
    /// 503 `unhealthy`.
    Failing,
    /// 200 and 503 in turn, starting healthy.
    Flapping,
    /// Never answers.
    Hanging,
}

impl AppHealth {
    /// `ok`, `503`, `flap` or `hang`, as `--health` takes them.
    pub fn parse(value: &str) -> Option<AppHealth> {
        Some(match value {
            "ok" => AppHealth::Healthy,
            "503" => AppHealth::Failing,
            "flap" => AppHealth::Flapping,
            "hang" => AppHealth::Hanging,
            _ => return None,
        })
    }
}

/// What the app looks like before the first publish.
#[derive(Debug, Clone, Default)]
pub struct Initial {
    pub deployed_version: String,
    /// What staging serves instead, when it is ahead of prod.
    pub staging_version: Option<String>,
    /// Another publish under way: its version, and the polls until it finishes.
    pub busy: Option<(String, u32)>,
    /// Someone else's rollback under way (`rollbacking`): the polls until it is `rollbacked`.
    pub rolling_back: Option<u32>,
}

/// What the stand-in knows.
#[derive(Debug, Clone)]
pub struct Config {
    /// How successive publishes roll out, in order (then `Normal`).
    pub rollouts: Vec<Rollout>,
    /// Percentage points a `Normal` rollout gains per status poll.
    pub rollout_step: u32,
    pub initial: Initial,
    /// Keyless sign-in, when the test wants it.
    pub oidc: Option<Oidc>,
    pub accounts: Vec<Account>,
    /// Application IDs that exist; others answer InvalidApp.NotFound.
    pub apps: Vec<String>,
    /// Largest accepted distance between a request's time and the stand-in's clock.
    pub max_skew_seconds: i64,
    /// The versions that exist at the start.
    pub versions: Vec<versions::Version>,
    /// Reads of GetEdgeContainerAppVersion a new version stays `creating` for.
    pub creation_reads: u32,
    /// A new version with a container of one of these images ends `failed`.
    pub failing_images: Vec<String>,
    /// A version with a container of one of these images is created, but its rollout
    /// crash-loops on staging after the first poll (the container starts, then dies).
    pub crashing_images: Vec<String>,
    /// What GetEdgeContainerApp, GetEdgeContainerLogs, GetEdgeContainerAppResourceStatus and
    /// the staging status's `VIPs` answer.
    pub app: AppFacts,
    /// How the deployed app's health endpoint answers.
    pub health: AppHealth,
    /// GitHub's comment API as it starts: the token it takes, whether it may write, and the
    /// comments already there.
    pub github: github_api::GitHubApi,
    /// What the status fields the service does not document hold.
    pub readings: readings::Readings,
    /// Answers in chunks with no `Content-Length`, as a gateway may send them.
    pub chunked: bool,
    /// How DescribeEdgeContainerAppStats answers.
    pub telemetry: stats::Telemetry,
}

/// The app as the diagnostic reads see it.
#[derive(Debug, Clone, Default)]
pub struct AppFacts {
    /// The bound domain; empty when none is bound.
    pub domain: String,
    /// The staging environment's addresses.
    pub vips: Vec<String>,
    /// The app's container log, oldest line first.
    pub log: Vec<String>,
    /// Each region's replicas: region, carrier, ready, total.
    pub regions: Vec<(String, String, u32, u32)>,
    /// The regions the app can deploy to (GetEdgeContainerDeployRegions); the default
    /// configuration has [`DEPLOY_REGIONS`].
    pub deploy_regions: Vec<String>,
}

/// The regions the demo app can deploy to.
pub const DEPLOY_REGIONS: &[&str] = &["beijing", "guangdong", "jiangsu", "shanghai", "zhejiang"];

/// The demo account: `esa-publish`'s README uses these.
pub const DEMO_ACCESS_KEY_ID: &str = "LTAIstandinDemoKey";
pub const DEMO_ACCESS_KEY_SECRET: &str = "standin-demo-secret";
pub const DEMO_APP_ID: &str = "app-880688675783790001";
/// Versions the demo app has besides the initial one (made by hand, not by esa-publish), so
/// that the README's and the tests' example IDs can be published: the stand-in refuses a
/// version it does not have, as the service does.
pub const RELEASES: &[(&str, &str)] = &[
    ("ver-879626371616510001", "release-1.0.1"),
    ("ver-879626371616510002", "release-1.0.2"),
    ("ver-000000000000000002", "release-0.0.2"),
    ("ver-555555555555555555", "release-5"),
    ("ver-1", "short-id-1"),
    ("ver-2", "short-id-2"),
];

/// The version the demo app serves at the start, and its one container's image.
pub const INITIAL_VERSION: &str = "ver-000000000000000001";
pub const INITIAL_IMAGE: &str = "registry.example.com/shop/web:1.0.0";

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
            oidc: None,
            rollouts: Vec::new(),
            rollout_step: 40,
            initial: Initial {
                deployed_version: INITIAL_VERSION.into(),
                ..Initial::default()
            },
            versions: std::iter::once((INITIAL_VERSION, "initial-version"))
                .chain(RELEASES.iter().copied())
                .map(|(id, name)| {
                    versions::Version::existing(
                        DEMO_APP_ID,
                        id,
                        name,
                        serde_json::json!([versions::container("web", INITIAL_IMAGE)]),
                    )
                })
                .collect(),
            creation_reads: 2,
            failing_images: Vec::new(),
            crashing_images: Vec::new(),
            health: AppHealth::Healthy,
            github: github_api::GitHubApi::default(),
            readings: readings::Readings::from_env(),
            chunked: false,
            telemetry: stats::Telemetry::default(),
            app: AppFacts {
                deploy_regions: DEPLOY_REGIONS.iter().map(|r| r.to_string()).collect(),
                ..AppFacts::default()
            },
        }
    }
}

/// A scripted misbehaviour that replaces the next normal answer (the request is still
/// authenticated, validated and recorded first).
#[derive(Debug, Clone)]
pub enum Fault {
    /// Answer this instead.
    Respond {
        status: u16,
        content_type: String,
        body: String,
        headers: Vec<(String, String)>,
    },
    /// Never answer; hold the connection open.
    Hang,
    /// Send the status, headers and a first slice of the body, then drop the connection.
    CutOff,
    /// Drop the connection without answering, before the request is applied: the client has
    /// sent it, but the service never acted on it (a reset on the way in).
    Reset,
}

impl Fault {
    pub fn respond(status: u16, content_type: &str, body: impl Into<String>) -> Fault {
        Fault::Respond {
            status,
            content_type: content_type.into(),
            body: body.into(),
            headers: Vec::new(),
        }
    }

    /// An Alibaba-shaped JSON error answer.
    pub fn api_error(status: u16, code: &str, message: &str) -> Fault {
        Fault::respond(
            status,
            "application/json",
            serde_json::json!({"RequestId": format!("FAULT-{code}"), "Code": code, "Message": message}).to_string(),
        )
    }

    /// Whether this is the service's own error answer (Alibaba-shaped JSON with a `Code`).
    pub fn is_api_error(&self) -> bool {
        match self {
            Fault::Respond { body, .. } => serde_json::from_str::<serde_json::Value>(body)
                .is_ok_and(|v| v.get("Code").is_some_and(|c| c.is_string())),
            _ => false,
        }
    }

    /// Adds a header to a `Respond` fault.
    pub fn with_header(mut self, name: &str, value: &str) -> Fault {
        if let Fault::Respond { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }
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
    /// Milliseconds since the stand-in started.
    pub received_at_ms: u64,
    /// The scripted fault that met it, if any: `refused` (an error answer, not applied),
    /// `reset` (not applied), `hang` or `cut-off` (applied, its answer never came whole), or
    /// `answered` (another answer instead).
    pub fault: Option<String>,
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
/// The simulated state of the app's environments.
#[derive(Debug, Clone, Default)]
pub struct AppState {
    pub publish_status: String,
    pub publish_percentage: u32,
    pub expect_percentage: u32,
    pub publishing_version: String,
    pub deployed_version: String,
    pub baseline_version: String,
    /// The version that served before the latest publish: what the service's own rollback
    /// goes back to (not an answer's field).
    pub base: String,
    /// When the last publish started, and the last rollback (empty before the first).
    pub publish_time: String,
    pub rollback_time: String,
    pub staging_phase: String,
    pub rollout: Option<Rollout>,
    pub polls: u32,
    /// For a busy initial state: polls until it finishes.
    pub busy_polls_left: Option<u32>,
}

impl AppState {
    /// The fields [`readings::Readings`] moves.
    pub fn fields(&mut self) -> readings::Fields<'_> {
        readings::Fields {
            publishing: &mut self.publishing_version,
            deployed: &mut self.deployed_version,
            baseline: &mut self.baseline_version,
            base: &mut self.base,
        }
    }
}

#[derive(Debug, Default)]
pub struct State {
    /// Keyed by `AppId/PublishEnv`.
    pub apps: std::collections::HashMap<String, AppState>,
    /// Publishes so far (which picks the rollout script).
    pub publishes: usize,
    pub config: Config,
    pub nonces: HashSet<String>,
    /// Scripted faults, each for one request of one action.
    pub faults: VecDeque<Scripted>,
    pub received: Vec<Received>,
    pub counter: u64,
    pub started: Option<std::time::Instant>,
    /// Every version of every app, oldest first.
    pub versions: Vec<versions::Version>,
    pub version_counter: u64,
    /// Health probes answered so far (a flapping app alternates on it).
    pub health_probes: u64,
    /// GitHub's comment API: its comments and every call.
    pub github: github_api::GitHubApi,
}

/// A fault waiting for a request of `action`, after `skip` more of them pass unharmed.
#[derive(Debug, Clone)]
pub struct Scripted {
    pub action: String,
    pub skip: usize,
    pub fault: Fault,
}

impl State {
    /// The fault for this request of `action`, if one is due (the first one queued for it).
    fn take_fault(&mut self, action: &str) -> Option<Fault> {
        let at = self.faults.iter().position(|f| f.action == action)?;
        if self.faults[at].skip > 0 {
            self.faults[at].skip -= 1;
            return None;
        }
        self.faults.remove(at).map(|f| f.fault)
    }
}

/// A TLS server side with this certificate and key (PEM).
pub(crate) fn tls_acceptor(cert: &[u8], key: &[u8]) -> std::io::Result<tokio_rustls::TlsAcceptor> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let cert = CertificateDer::from_pem_slice(cert).map_err(std::io::Error::other)?;
    let key = PrivateKeyDer::from_pem_slice(key).map_err(std::io::Error::other)?;
    let config = tokio_rustls::rustls::ServerConfig::builder_with_provider(Arc::new(
        tokio_rustls::rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(std::io::Error::other)?
    .with_no_client_auth()
    .with_single_cert(vec![cert], key)
    .map_err(std::io::Error::other)?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// A running stand-in; it stops when dropped.
pub struct StandIn {
    addr: SocketAddr,
    tls: bool,
    state: Arc<Mutex<State>>,
    server: Background,
}

impl StandIn {
    /// Starts on 127.0.0.1 with a free port, on a thread of its own.
    pub fn start(config: Config) -> std::io::Result<StandIn> {
        Self::start_on(config, 0)
    }

    /// Starts on 127.0.0.1:`port` (0 picks a free one).
    pub fn start_on(config: Config, port: u16) -> std::io::Result<StandIn> {
        Self::spawn(config, port, None)
    }

    /// Starts speaking HTTPS with a self-signed certificate (`testdata/`), which a client that
    /// verifies certificates must refuse.
    pub fn start_tls_self_signed(config: Config) -> std::io::Result<StandIn> {
        let tls = tls_acceptor(
            include_bytes!("../testdata/selfsigned.crt"),
            include_bytes!("../testdata/selfsigned.key"),
        )?;
        Self::spawn(config, 0, Some(tls))
    }

    fn spawn(
        config: Config,
        port: u16,
        tls: Option<tokio_rustls::TlsAcceptor>,
    ) -> std::io::Result<StandIn> {
        let state = Arc::new(Mutex::new(State {
            versions: config.versions.clone(),
            github: config.github.clone(),
            config,
            started: Some(std::time::Instant::now()),
            ..State::default()
        }));
        let tls_mode = tls.is_some();
        let thread_state = state.clone();
        let (server, addr) = Background::start("esa-standin", port, move |listener, stopped| {
            serve(listener, thread_state, stopped, tls)
        })?;
        Ok(StandIn {
            addr,
            tls: tls_mode,
            state,
            server,
        })
    }

    /// `http://127.0.0.1:PORT` (`https://` in TLS mode).
    pub fn url(&self) -> String {
        format!(
            "{}://{}",
            if self.tls { "https" } else { "http" },
            self.addr
        )
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

    /// Queues a fault for the next PublishEdgeContainerAppVersion request.
    pub fn push_fault(&self, fault: Fault) {
        self.push_faults(fault, 1);
    }

    /// Queues the same fault for the next `count` PublishEdgeContainerAppVersion requests.
    pub fn push_faults(&self, fault: Fault, count: usize) {
        self.push_faults_on("PublishEdgeContainerAppVersion", fault, count);
    }

    /// Queues a fault for the next `count` requests of `action` (`GitHubIdToken`,
    /// `AssumeRoleWithOIDC`, `GetEdgeContainerAppStatus`, …).
    pub fn push_faults_on(&self, action: &str, fault: Fault, count: usize) {
        self.push_faults_on_after(action, 0, fault, count);
    }

    /// Queues a fault for `count` requests of `action`, after the next `skip` of them pass
    /// unharmed.
    pub fn push_faults_on_after(&self, action: &str, skip: usize, fault: Fault, count: usize) {
        if let Ok(mut s) = self.state.lock() {
            for n in 0..count {
                s.faults.push_back(Scripted {
                    action: action.to_string(),
                    skip: if n == 0 { skip } else { 0 },
                    fault: fault.clone(),
                });
            }
        }
    }

    /// How many publishes took effect (a `Reset` publish never does).
    pub fn applied_publishes(&self) -> usize {
        self.state.lock().map(|s| s.publishes).unwrap_or_default()
    }

    /// The versions as they stand now, oldest first.
    pub fn versions(&self) -> Vec<versions::Version> {
        self.state
            .lock()
            .map(|s| s.versions.clone())
            .unwrap_or_default()
    }

    /// The requests of one action received so far.
    pub fn requests_of(&self, action: &str) -> Vec<Received> {
        self.requests()
            .into_iter()
            .filter(|r| r.action.as_deref() == Some(action))
            .collect()
    }

    /// The PublishEdgeContainerAppVersion requests received so far.
    pub fn publishes(&self) -> Vec<Received> {
        self.requests()
            .into_iter()
            .filter(|r| r.action.as_deref() == Some("PublishEdgeContainerAppVersion"))
            .collect()
    }

    /// The app's environment as it stands (`None` before anything read or changed it).
    pub fn app_state(&self, app: &str, env: &str) -> Option<AppState> {
        let key = rules::app_key(app, env);
        self.state.lock().ok()?.apps.get(&key).cloned()
    }

    /// Changes the app's environment as someone else would (another workflow, the console),
    /// while a run goes on.
    pub fn change_app(&self, app: &str, env: &str, change: impl FnOnce(&mut AppState)) {
        if let Ok(mut state) = self.state.lock() {
            change(rules::app_entry(&mut state, app, env));
        }
    }

    /// Changes GitHub's comment API as someone else would (another user's comment).
    pub fn change_github(&self, change: impl FnOnce(&mut github_api::GitHubApi)) {
        if let Ok(mut state) = self.state.lock() {
            change(&mut state.github);
        }
    }

    /// GitHub's comment API as it stands: the comments and every call it received.
    pub fn github(&self) -> github_api::GitHubApi {
        self.state
            .lock()
            .map(|s| s.github.clone())
            .unwrap_or_default()
    }

    /// Runs until the process is stopped (for the binary).
    pub fn wait(self) {
        self.server.wait()
    }
}
