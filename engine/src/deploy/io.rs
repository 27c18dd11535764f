//! The engine's side of each suspension point: the time it was told, the events it reports, and the calls it asks for, typed ([`Request`] out, [`Reply`] in). The decisions in `version`, `lock`, `steps` and `settle` await only these.

use std::cell::RefCell;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use serde_json::Value;

use crate::base::error::Error;
use crate::deploy::event::Event;
use crate::deploy::failure::Progress;
use crate::esa::diagnostics::{App, RegionReadiness};
use crate::esa::model::{PublishEnv, PublishRequest};
use crate::esa::probe::{HealthUrl, Probed};
use crate::esa::stats::{Field, Stats};
use crate::esa::status::{AppStatus, StagingStatus};
use crate::esa::versions::{Created, Listed, Version};

/// How much one call may take: its time bound and its attempts (for the client's retries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// The most the call may take, its retries included.
    pub limit: Duration,
    /// The most attempts it may make.
    pub attempts: u32,
}

/// A call the engine asks the driver to make.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// GetEdgeContainerAppStatus for one environment.
    Status {
        /// The environment read.
        env: PublishEnv,
        /// Its bound.
        budget: Budget,
    },
    /// GetEdgeContainerStagingDeployStatus.
    StagingStatus(Budget),
    /// ListEdgeContainerAppVersions, paged, for the version named exactly `name`.
    FindVersion {
        /// The name, compared whole.
        name: String,
        /// Its bound.
        budget: Budget,
    },
    /// GetEdgeContainerAppVersion.
    GetVersion {
        /// The version read.
        version_id: String,
        /// Its bound.
        budget: Budget,
    },
    /// CreateEdgeContainerAppVersion.
    CreateVersion {
        /// The new version's name.
        name: String,
        /// Its containers, as the API's JSON.
        containers: Vec<Value>,
        /// Its bound.
        budget: Budget,
    },
    /// ListEdgeContainerAppVersions, every page, the oldest first.
    ListVersions(Budget),
    /// DeleteEdgeContainerAppVersion.
    DeleteVersion {
        /// The version deleted.
        version_id: String,
        /// Its bound.
        budget: Budget,
    },
    /// GetEdgeContainerApp.
    App(Budget),
    /// GetEdgeContainerAppResourceStatus.
    Readiness(Budget),
    /// GetEdgeContainerLogs: the last `lines` lines.
    Logs {
        /// How many lines, the last ones.
        lines: u32,
        /// Its bound.
        budget: Budget,
    },
    /// GetEdgeContainerDeployRegions: the regions the app can deploy to.
    DeployRegions(Budget),
    /// PublishEdgeContainerAppVersion.
    Publish {
        /// What is published where.
        request: PublishRequest,
        /// Its bound.
        budget: Budget,
    },
    /// RollbackEdgeContainerAppVersion back to `to`, after `failed` failed with `code`.
    Rollback {
        /// The version rolled back to.
        to: String,
        /// The version whose rollout failed.
        failed: String,
        /// The failure's code, for the rollback's remarks.
        code: String,
        /// Its bound.
        budget: Budget,
    },
    /// DescribeEdgeContainerAppStats: these fields, from `since` (on the engine's clock) to now.
    Stats {
        /// The fields asked for.
        fields: Vec<Field>,
        /// Where the window starts, on the engine's clock (the driver knows the wall clock's).
        since: Duration,
        /// Its bound.
        budget: Budget,
    },
    /// One GET of the health URL, at `at` when not empty, within `limit`.
    Probe {
        /// The health URL.
        url: HealthUrl,
        /// The addresses to connect to (staging's); empty: wherever its host resolves.
        at: Vec<IpAddr>,
        /// The most the probe may take.
        limit: Duration,
    },
}

impl Request {
    /// The API action the call makes.
    pub fn action(&self) -> &'static str {
        match self {
            Request::Status { .. } => "GetEdgeContainerAppStatus",
            Request::StagingStatus(_) => "GetEdgeContainerStagingDeployStatus",
            Request::FindVersion { .. } | Request::ListVersions(_) => {
                "ListEdgeContainerAppVersions"
            }
            Request::DeleteVersion { .. } => "DeleteEdgeContainerAppVersion",
            Request::App(_) => "GetEdgeContainerApp",
            Request::Readiness(_) => "GetEdgeContainerAppResourceStatus",
            Request::Logs { .. } => "GetEdgeContainerLogs",
            Request::DeployRegions(_) => "GetEdgeContainerDeployRegions",
            Request::GetVersion { .. } => "GetEdgeContainerAppVersion",
            Request::CreateVersion { .. } => "CreateEdgeContainerAppVersion",
            Request::Publish { .. } => "PublishEdgeContainerAppVersion",
            Request::Rollback { .. } => "RollbackEdgeContainerAppVersion",
            Request::Stats { .. } => "DescribeEdgeContainerAppStats",
            Request::Probe { .. } => "health-url",
        }
    }
}

/// What a call returned.
#[derive(Debug, Clone)]
pub enum Reply {
    /// An environment's status.
    Status(Result<AppStatus, Error>),
    /// Staging's deployment: its pod and addresses.
    StagingStatus(Result<StagingStatus, Error>),
    /// The version of that name, if any.
    Found(Result<Option<Listed>, Error>),
    /// One version, read.
    Version(Result<Version, Error>),
    /// A version made.
    Created(Result<Created, Error>),
    /// Every version, the oldest first.
    Listed(Result<Vec<Listed>, Error>),
    /// The app: its bound domain.
    App(Result<App, Error>),
    /// Each region's replicas.
    Readiness(Result<Vec<RegionReadiness>, Error>),
    /// The app's last log lines.
    Logs(Result<Vec<String>, Error>),
    /// The regions the app can deploy to.
    DeployRegions(Result<Vec<String>, Error>),
    /// A publish, rollback or delete: its RequestId, when the answer carried one.
    Sent(Result<Option<String>, Error>),
    /// A probe; an error when it could not be made at all.
    Probed(Result<Probed, Error>),
    /// The app's telemetry.
    Stats(Result<Stats, Error>),
}

/// What the engine's code hands out at a suspension point.
pub(crate) enum Out {
    Call(Request),
    Sleep(Duration),
}

#[derive(Default)]
pub(crate) struct Shared {
    pub(crate) now: Duration,
    pub(crate) jitter: f64,
    pub(crate) inbox: Option<Reply>,
    pub(crate) outbox: Option<Out>,
    pub(crate) events: Vec<(Duration, Event)>,
    pub(crate) progress: Progress,
}

/// The handle the engine's code decides through: the time it was told, the events it reports,
/// and the calls it asks for.
#[derive(Clone)]
pub(crate) struct Io {
    pub(crate) shared: Rc<RefCell<Shared>>,
}

/// A suspension point: pending once (the request is in the outbox), then ready with the reply.
struct Suspend {
    shared: Rc<RefCell<Shared>>,
    handed_out: bool,
}

impl Future for Suspend {
    type Output = Option<Reply>;
    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Reply>> {
        if self.handed_out {
            Poll::Ready(self.shared.borrow_mut().inbox.take())
        } else {
            self.handed_out = true;
            Poll::Pending
        }
    }
}

/// The driver answered a call with another call's reply: a bug, reported as an error.
fn mismatch() -> Error {
    Error::internal("driver_reply_mismatch")
}

macro_rules! typed_call {
    ($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*) -> $out:ty, $request:expr, $reply:ident) => {
        $(#[$doc])*
        pub(crate) async fn $name(&self, $($arg: $ty),*) -> Result<$out, Error> {
            match self.call($request).await {
                Some(Reply::$reply(result)) => result,
                _ => Err(mismatch()),
            }
        }
    };
}

impl Io {
    /// The time the engine was last told.
    pub(crate) fn now(&self) -> Duration {
        self.shared.borrow().now
    }

    /// A uniform random number in `[0, 1]` for poll jitter, told with the time.
    pub(crate) fn jitter(&self) -> f64 {
        self.shared.borrow().jitter
    }

    /// Reports an event, stamped with the current time.
    pub(crate) fn emit(&self, event: Event) {
        let mut shared = self.shared.borrow_mut();
        let now = shared.now;
        shared.events.push((now, event));
    }

    /// Updates where the steps stand.
    pub(crate) fn progress(&self, update: impl FnOnce(&mut Progress)) {
        update(&mut self.shared.borrow_mut().progress);
    }

    async fn call(&self, request: Request) -> Option<Reply> {
        self.shared.borrow_mut().outbox = Some(Out::Call(request));
        self.suspend().await
    }

    fn suspend(&self) -> Suspend {
        Suspend {
            shared: self.shared.clone(),
            handed_out: false,
        }
    }

    /// Sleeps on the driver's clock.
    pub(crate) async fn sleep(&self, duration: Duration) {
        self.shared.borrow_mut().outbox = Some(Out::Sleep(duration));
        self.suspend().await;
    }

    typed_call!(status(env: PublishEnv, budget: Budget) -> AppStatus, Request::Status { env, budget }, Status);
    typed_call!(list_versions(budget: Budget) -> Vec<Listed>, Request::ListVersions(budget), Listed);
    typed_call!(app(budget: Budget) -> App, Request::App(budget), App);
    typed_call!(readiness(budget: Budget) -> Vec<RegionReadiness>, Request::Readiness(budget), Readiness);
    typed_call!(logs(lines: u32, budget: Budget) -> Vec<String>, Request::Logs { lines, budget }, Logs);
    typed_call!(deploy_regions(budget: Budget) -> Vec<String>, Request::DeployRegions(budget), DeployRegions);
    typed_call!(staging_status(budget: Budget) -> StagingStatus, Request::StagingStatus(budget), StagingStatus);
    typed_call!(stats(fields: &[Field], since: Duration, budget: Budget) -> Stats,
        Request::Stats { fields: fields.to_vec(), since, budget }, Stats);
    typed_call!(probe(url: &HealthUrl, at: &[IpAddr], limit: Duration) -> Probed,
        Request::Probe { url: url.clone(), at: at.to_vec(), limit }, Probed);
    typed_call!(find_version(name: &str, budget: Budget) -> Option<Listed>,
        Request::FindVersion { name: name.to_string(), budget }, Found);
    typed_call!(get_version(version_id: &str, budget: Budget) -> Version,
        Request::GetVersion { version_id: version_id.to_string(), budget }, Version);
    typed_call!(create_version(name: &str, containers: Vec<Value>, budget: Budget) -> Created,
        Request::CreateVersion { name: name.to_string(), containers, budget }, Created);

    /// Deletes a version; its RequestId when the answer carried one.
    pub(crate) async fn delete_version(
        &self,
        version_id: &str,
        budget: Budget,
    ) -> Result<Option<String>, Error> {
        self.send(Request::DeleteVersion {
            version_id: version_id.to_string(),
            budget,
        })
        .await
    }

    /// Sends a publish or a rollback; its RequestId when the answer carried one.
    pub(crate) async fn send(&self, request: Request) -> Result<Option<String>, Error> {
        match self.call(request).await {
            Some(Reply::Sent(result)) => result,
            _ => Err(mismatch()),
        }
    }
}
