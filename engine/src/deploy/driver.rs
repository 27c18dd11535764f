//! The one thin driver: it resumes the engine with the time, hands each call it asks for to the one [`Calls`] it is given, sleeps on the [`Time`] it is given, and hands every event to one [`Observer`]. The real service and clock are the binary's; tests bring a fake service on virtual time.

use std::future::Future;
use std::net::IpAddr;
use std::time::Duration;

use serde_json::Value;

use crate::base::error::Error;
use crate::deploy::engine::{Action, Engine};
use crate::deploy::event::{Event, Outcome};
use crate::deploy::failure::Failure;
use crate::deploy::io::{Budget, Reply, Request};
use crate::esa::diagnostics::{App, RegionReadiness};
use crate::esa::model::{PublishEnv, PublishRequest};
use crate::esa::probe::{HealthUrl, Probed};
use crate::esa::stats::{Field, Stats};
use crate::esa::status::{AppStatus, StagingStatus};
use crate::esa::versions::{Created, Listed, Version};

/// Where a service's own reports (the client's attempts and retries) go while it makes a call,
/// for the log. What a report is, is the service's.
pub type Log<'a, R> = &'a mut dyn FnMut(&R);

/// The calls the engine makes, one method each, every one within the budget it is given. The
/// binary makes them on the real client; the scenario tests answer from an in-memory service.
/// Neither matches a [`Request`]: [`dispatch`] is the one place that does.
pub trait Calls {
    /// What the service reports while it works (an attempt, a retry).
    type Report;
    /// GetEdgeContainerAppStatus for one environment.
    fn status(
        &self,
        env: PublishEnv,
        budget: Budget,
        log: Log<'_, Self::Report>,
    ) -> impl Future<Output = Result<AppStatus, Error>>;
    /// GetEdgeContainerStagingDeployStatus.
    fn staging_status(
        &self,
        budget: Budget,
        log: Log<'_, Self::Report>,
    ) -> impl Future<Output = Result<StagingStatus, Error>>;
    /// The version named exactly `name`, if there is one.
    fn find_version(
        &self,
        name: &str,
        budget: Budget,
        log: Log<'_, Self::Report>,
    ) -> impl Future<Output = Result<Option<Listed>, Error>>;
    /// GetEdgeContainerAppVersion.
    fn get_version(
        &self,
        version_id: &str,
        budget: Budget,
        log: Log<'_, Self::Report>,
    ) -> impl Future<Output = Result<Version, Error>>;
    /// CreateEdgeContainerAppVersion.
    fn create_version(
        &self,
        name: &str,
        containers: &[Value],
        budget: Budget,
        log: Log<'_, Self::Report>,
    ) -> impl Future<Output = Result<Created, Error>>;
    /// Every version, the oldest first.
    fn list_versions(
        &self,
        budget: Budget,
        log: Log<'_, Self::Report>,
    ) -> impl Future<Output = Result<Vec<Listed>, Error>>;
    /// DeleteEdgeContainerAppVersion: its RequestId.
    fn delete_version(
        &self,
        version_id: &str,
        budget: Budget,
        log: Log<'_, Self::Report>,
    ) -> impl Future<Output = Result<Option<String>, Error>>;
    /// GetEdgeContainerApp.
    fn app(
        &self,
        budget: Budget,
        log: Log<'_, Self::Report>,
    ) -> impl Future<Output = Result<App, Error>>;
    /// GetEdgeContainerAppResourceStatus.
    fn readiness(
        &self,
        budget: Budget,
        log: Log<'_, Self::Report>,
    ) -> impl Future<Output = Result<Vec<RegionReadiness>, Error>>;
    /// GetEdgeContainerLogs: the last `lines` lines.
    fn logs(
        &self,
        lines: u32,
        budget: Budget,
        log: Log<'_, Self::Report>,
    ) -> impl Future<Output = Result<Vec<String>, Error>>;
    /// GetEdgeContainerDeployRegions.
    fn deploy_regions(
        &self,
        budget: Budget,
        log: Log<'_, Self::Report>,
    ) -> impl Future<Output = Result<Vec<String>, Error>>;
    /// PublishEdgeContainerAppVersion: its RequestId.
    fn publish(
        &self,
        request: &PublishRequest,
        budget: Budget,
        log: Log<'_, Self::Report>,
    ) -> impl Future<Output = Result<Option<String>, Error>>;
    /// RollbackEdgeContainerAppVersion back to `to`, after `failed` failed with `code`: its
    /// RequestId.
    fn rollback(
        &self,
        to: &str,
        failed: &str,
        code: &str,
        budget: Budget,
        log: Log<'_, Self::Report>,
    ) -> impl Future<Output = Result<Option<String>, Error>>;
    /// DescribeEdgeContainerAppStats: `fields`, from `since` (on the engine's clock, which the
    /// implementation maps to the wall clock's) to now.
    fn stats(
        &self,
        fields: &[Field],
        since: Duration,
        budget: Budget,
        log: Log<'_, Self::Report>,
    ) -> impl Future<Output = Result<Stats, Error>>;
    /// One GET of the health URL, at `at` when not empty, within `limit`.
    fn probe(
        &self,
        url: &HealthUrl,
        at: &[IpAddr],
        limit: Duration,
    ) -> impl Future<Output = Result<Probed, Error>>;
}

/// The one dispatch from a [`Request`] to its call, and from its result to the [`Reply`].
pub async fn dispatch<C: Calls>(calls: &C, request: &Request, log: Log<'_, C::Report>) -> Reply {
    match request {
        Request::Status { env, budget } => Reply::Status(calls.status(*env, *budget, log).await),
        Request::StagingStatus(budget) => {
            Reply::StagingStatus(calls.staging_status(*budget, log).await)
        }
        Request::FindVersion { name, budget } => {
            Reply::Found(calls.find_version(name, *budget, log).await)
        }
        Request::GetVersion { version_id, budget } => {
            Reply::Version(calls.get_version(version_id, *budget, log).await)
        }
        Request::CreateVersion {
            name,
            containers,
            budget,
        } => Reply::Created(calls.create_version(name, containers, *budget, log).await),
        Request::ListVersions(budget) => Reply::Listed(calls.list_versions(*budget, log).await),
        Request::DeleteVersion { version_id, budget } => {
            Reply::Sent(calls.delete_version(version_id, *budget, log).await)
        }
        Request::App(budget) => Reply::App(calls.app(*budget, log).await),
        Request::Readiness(budget) => Reply::Readiness(calls.readiness(*budget, log).await),
        Request::Logs { lines, budget } => Reply::Logs(calls.logs(*lines, *budget, log).await),
        Request::DeployRegions(budget) => {
            Reply::DeployRegions(calls.deploy_regions(*budget, log).await)
        }
        Request::Publish { request, budget } => {
            Reply::Sent(calls.publish(request, *budget, log).await)
        }
        Request::Rollback {
            to,
            failed,
            code,
            budget,
        } => Reply::Sent(calls.rollback(to, failed, code, *budget, log).await),
        Request::Stats {
            fields,
            since,
            budget,
        } => Reply::Stats(calls.stats(fields, *since, *budget, log).await),
        Request::Probe { url, at, limit } => Reply::Probed(calls.probe(url, at, *limit).await),
    }
}

/// The driver's clock: time since the deployment started, sleeping, and jitter.
pub trait Time {
    /// Now, as a duration since the deployment started.
    fn now(&self) -> Duration;
    /// Waits `duration`.
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()>;
    /// A uniform random number in `[0, 1]`.
    fn jitter(&self) -> f64;
}

/// Where the deployment reports: the binary renders every event (and the service's reports)
/// for a person.
pub trait Observer<R> {
    /// An event of the engine, at its time since the start.
    fn event(&mut self, at: Duration, event: &Event);
    /// A report of the service while it makes a call: an attempt, a retry.
    fn report(&mut self, report: &R);
    /// A call the engine asked for, about to be made.
    fn calling(&mut self, request: &Request);
}

/// Runs `engine` to its end. Dropping the future stops it where it stands; then
/// [`Engine::cancel`] says where that was.
pub async fn drive<C: Calls, T: Time>(
    engine: &mut Engine,
    calls: &C,
    time: &T,
    observer: &mut dyn Observer<C::Report>,
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
                reply = Some(dispatch(calls, &request, &mut |r| observer.report(r)).await)
            }
        }
    }
}
