//! The one thin driver: it resumes the engine with the time, makes the calls it asks for through the [`Esa`] trait, sleeps on the [`Time`] it is given, and hands every event to one [`Observer`]. The real calls and clock are in `live`; tests bring a fake service on virtual time.

use std::future::Future;
use std::net::IpAddr;
use std::time::Duration;

use serde_json::Value;

use crate::base::error::Error;
use crate::deploy::engine::{Action, Engine};
use crate::deploy::event::{Event, Outcome};
use crate::deploy::failure::Failure;
use crate::deploy::io::{Budget, Reply, Request};
use crate::esa::client;
use crate::esa::diagnostics::{App, RegionReadiness};
use crate::esa::model::{PublishEnv, PublishRequest};
use crate::esa::probe::{HealthUrl, Probed};
use crate::esa::status::{AppStatus, StagingStatus};
use crate::esa::versions::{Created, Listed, Version};

/// The client's own reports (each attempt, each retry), for the log.
pub type Log<'a> = &'a mut dyn FnMut(&client::Event);

/// The ESA calls a deployment makes, for one app and environment. Each is bounded by its
/// budget: no longer than `limit`, no more than `attempts` attempts.
pub trait Esa {
    /// GetEdgeContainerAppStatus for `env`.
    fn status(
        &self,
        env: PublishEnv,
        budget: Budget,
        log: Log<'_>,
    ) -> impl Future<Output = Result<AppStatus, Error>>;
    /// GetEdgeContainerStagingDeployStatus.
    fn staging_status(
        &self,
        budget: Budget,
        log: Log<'_>,
    ) -> impl Future<Output = Result<StagingStatus, Error>>;
    /// PublishEdgeContainerAppVersion: its RequestId.
    fn publish(
        &self,
        request: &PublishRequest,
        budget: Budget,
        log: Log<'_>,
    ) -> impl Future<Output = Result<Option<String>, Error>>;
    /// RollbackEdgeContainerAppVersion back to `to`, after `failed` failed with `code`.
    fn rollback(
        &self,
        to: &str,
        failed: &str,
        code: &str,
        budget: Budget,
        log: Log<'_>,
    ) -> impl Future<Output = Result<Option<String>, Error>>;
    /// GetEdgeContainerAppVersion.
    fn get_version(
        &self,
        version_id: &str,
        budget: Budget,
        log: Log<'_>,
    ) -> impl Future<Output = Result<Version, Error>>;
    /// ListEdgeContainerAppVersions, paged: the version named exactly `name`.
    fn find_version(
        &self,
        name: &str,
        budget: Budget,
        log: Log<'_>,
    ) -> impl Future<Output = Result<Option<Listed>, Error>>;
    /// ListEdgeContainerAppVersions, every page: all versions, the oldest first.
    fn list_versions(
        &self,
        budget: Budget,
        log: Log<'_>,
    ) -> impl Future<Output = Result<Vec<Listed>, Error>>;
    /// DeleteEdgeContainerAppVersion: its RequestId.
    fn delete_version(
        &self,
        version_id: &str,
        budget: Budget,
        log: Log<'_>,
    ) -> impl Future<Output = Result<Option<String>, Error>>;
    /// GetEdgeContainerApp.
    fn app(&self, budget: Budget, log: Log<'_>) -> impl Future<Output = Result<App, Error>>;
    /// GetEdgeContainerAppResourceStatus: each region's replicas.
    fn readiness(
        &self,
        budget: Budget,
        log: Log<'_>,
    ) -> impl Future<Output = Result<Vec<RegionReadiness>, Error>>;
    /// GetEdgeContainerLogs: the last `lines` lines of the app's container log.
    fn logs(
        &self,
        lines: u32,
        budget: Budget,
        log: Log<'_>,
    ) -> impl Future<Output = Result<Vec<String>, Error>>;
    /// One GET of the health URL, at `at` (staging's addresses) when not empty, within `limit`;
    /// an error only when the probe cannot be made at all.
    fn probe(
        &self,
        url: &HealthUrl,
        at: &[IpAddr],
        limit: Duration,
    ) -> impl Future<Output = Result<Probed, Error>>;
    /// CreateEdgeContainerAppVersion.
    fn create_version(
        &self,
        name: &str,
        containers: &[Value],
        budget: Budget,
        log: Log<'_>,
    ) -> impl Future<Output = Result<Created, Error>>;
}

/// The driver's clock: time since the deployment started, sleeping, and jitter.
pub trait Time {
    fn now(&self) -> Duration;
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()>;
    /// A uniform random number in `[0, 1]`.
    fn jitter(&self) -> f64;
}

/// Where the deployment reports: `app` renders every event (and the client's reports) for a
/// person.
pub trait Observer {
    /// An event of the engine, at its time since the start.
    fn event(&mut self, at: Duration, event: &Event);
    /// A report of the API client: an attempt, a retry.
    fn client(&mut self, event: &client::Event);
    /// A call the engine asked for, about to be made.
    fn calling(&mut self, request: &Request);
}

/// Makes one call the engine asked for.
async fn call<E: Esa>(esa: &E, request: &Request, log: Log<'_>) -> Reply {
    match request {
        Request::Status { env, budget } => Reply::Status(esa.status(*env, *budget, log).await),
        Request::ListVersions(budget) => Reply::Listed(esa.list_versions(*budget, log).await),
        Request::DeleteVersion { version_id, budget } => {
            Reply::Sent(esa.delete_version(version_id, *budget, log).await)
        }
        Request::App(budget) => Reply::App(esa.app(*budget, log).await),
        Request::Readiness(budget) => Reply::Readiness(esa.readiness(*budget, log).await),
        Request::Logs { lines, budget } => Reply::Logs(esa.logs(*lines, *budget, log).await),
        Request::StagingStatus(budget) => {
            Reply::StagingStatus(esa.staging_status(*budget, log).await)
        }
        Request::FindVersion { name, budget } => {
            Reply::Found(esa.find_version(name, *budget, log).await)
        }
        Request::GetVersion { version_id, budget } => {
            Reply::Version(esa.get_version(version_id, *budget, log).await)
        }
        Request::CreateVersion {
            name,
            containers,
            budget,
        } => Reply::Created(esa.create_version(name, containers, *budget, log).await),
        Request::Publish { request, budget } => {
            Reply::Sent(esa.publish(request, *budget, log).await)
        }
        Request::Rollback {
            to,
            failed,
            code,
            budget,
        } => Reply::Sent(esa.rollback(to, failed, code, *budget, log).await),
        Request::Probe { url, at, limit } => Reply::Probed(esa.probe(url, at, *limit).await),
    }
}

/// Runs `engine` to its end. Dropping the future stops it where it stands; then
/// [`Engine::cancel`] says where that was.
pub async fn drive<E: Esa, T: Time>(
    engine: &mut Engine,
    esa: &E,
    time: &T,
    observer: &mut dyn Observer,
) -> Result<Outcome, Failure> {
    let mut reply = None;
    loop {
        let action = engine.resume(time.now(), time.jitter(), reply.take());
        for (at, event) in engine.take_events() {
            observer.event(at, &event);
        }
        match action {
            Action::Done(result) => return result,
            Action::Sleep(duration) => time.sleep(duration).await,
            Action::Call(request) => {
                observer.calling(&request);
                reply = Some(call(esa, &request, &mut |e| observer.client(e)).await)
            }
        }
    }
}
