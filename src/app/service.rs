//! The real service and the real clock for the deploy driver: each call the engine makes (`Calls`, one method each) on the ESA client, bounded by its budget, and time from tokio. The engine's `dispatch` is the one match from a `Request` to a call.

use std::cell::RefCell;
use std::future::Future;
use std::net::IpAddr;
use std::time::Duration;

use chrono::{DateTime, Timelike, Utc};
use serde_json::Value;
use tokio::time::Instant;

use crate::base::random::random_unit;
use crate::esa::api::{
    app_request, deploy_regions_request, logs_request, publish_request, resource_status_request,
    rollback_remarks, rollback_request, staging_status_request, stats_request, status_request,
    PublishResponse,
};
use crate::esa::client::{Answer, Client};
use crate::esa::signing::RpcRequest;
use crate::esa::versions::{self};
use crate::http::probe::{probe, prober};
use crate::http::retry::{deadline_error, ClientEvent};
use esa_engine::base::error::Error;
use esa_engine::deploy::driver::{Calls, Log, Time};
use esa_engine::deploy::engine::Budget;
use esa_engine::esa::containers::to_parameter;
use esa_engine::esa::diagnostics::{
    deploy_regions_from_answer, log_lines_from_answer, readiness_from_answer, App, RegionReadiness,
    MAX_LOG_LINES,
};
use esa_engine::esa::model::{PublishEnv, PublishRequest};
use esa_engine::esa::probe::{HealthUrl, Probed};
use esa_engine::esa::retry::{Idempotency, Policy};
use esa_engine::esa::stats::{Field, Stats};
use esa_engine::esa::status::{AppStatus, StagingStatus};
use esa_engine::esa::versions::{Created, Listed, Version};

/// One app on the real service.
pub struct Live<'a> {
    pub client: &'a Client,
    pub app_id: String,
    /// The remarks of a version this run makes.
    pub remarks: Option<String>,
    /// The health probes' HTTP client, kept while it probes the same addresses.
    pub prober: RefCell<Option<(Vec<IpAddr>, reqwest::Client)>>,
    /// The wall clock when the engine's clock read zero: the stats' window is asked for in UTC.
    pub started: DateTime<Utc>,
}

/// The window of a stats read from `since` on the engine's clock to now, in whole seconds of
/// UTC: the start rounded down, the end up, and the end at least a second after the start (the
/// service wants it later).
pub fn stats_window(
    started: DateTime<Utc>,
    since: Duration,
    now: DateTime<Utc>,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let whole = |t: DateTime<Utc>| t.with_nanosecond(0).unwrap_or(t);
    let start = whole(started + since);
    let end = whole(now + chrono::Duration::milliseconds(999));
    (start, end.max(start + chrono::Duration::seconds(1)))
}

fn policy(budget: Budget) -> Policy {
    Policy {
        max_attempts: budget.attempts.max(1),
        timeout: budget.limit,
    }
}

/// Runs `call` within `limit` (for operations of several requests, such as a paged listing).
async fn bounded<T>(
    limit: Duration,
    target: &str,
    call: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    tokio::time::timeout(limit, call)
        .await
        .unwrap_or_else(|_| Err(deadline_error(target, limit)))
}

impl Live<'_> {
    /// A read of one answer, as JSON.
    async fn read(
        &self,
        request: &RpcRequest,
        budget: Budget,
        log: Log<'_, ClientEvent>,
    ) -> Result<Answer<Value>, Error> {
        self.client
            .call::<Value>(request, Idempotency::Idempotent, &policy(budget), log)
            .await
    }

    async fn send(
        &self,
        request: &RpcRequest,
        budget: Budget,
        log: Log<'_, ClientEvent>,
    ) -> Result<Option<String>, Error> {
        let answer = self
            .client
            .call::<PublishResponse>(request, Idempotency::NotIdempotent, &policy(budget), log)
            .await?;
        Ok(answer.body.request_id.or(answer.request_id))
    }
}

impl Calls for Live<'_> {
    type Report = ClientEvent;

    async fn status(
        &self,
        env: PublishEnv,
        budget: Budget,
        log: Log<'_, ClientEvent>,
    ) -> Result<AppStatus, Error> {
        let request = status_request(&self.app_id, env.as_str());
        let answer = self.read(&request, budget, log).await?;
        AppStatus::from_answer(&answer.body, answer.request_id.as_deref())
    }

    async fn staging_status(
        &self,
        budget: Budget,
        log: Log<'_, ClientEvent>,
    ) -> Result<StagingStatus, Error> {
        let answer = self
            .read(&staging_status_request(&self.app_id), budget, log)
            .await?;
        Ok(StagingStatus::from_answer(&answer.body))
    }

    async fn publish(
        &self,
        request: &PublishRequest,
        budget: Budget,
        log: Log<'_, ClientEvent>,
    ) -> Result<Option<String>, Error> {
        self.send(&publish_request(request), budget, log).await
    }

    async fn rollback(
        &self,
        to: &str,
        failed: &str,
        code: &str,
        budget: Budget,
        log: Log<'_, ClientEvent>,
    ) -> Result<Option<String>, Error> {
        let remarks = rollback_remarks(failed, code);
        self.send(&rollback_request(&self.app_id, to, &remarks), budget, log)
            .await
    }

    async fn get_version(
        &self,
        version_id: &str,
        budget: Budget,
        log: Log<'_, ClientEvent>,
    ) -> Result<Version, Error> {
        versions::get(self.client, &policy(budget), log, &self.app_id, version_id).await
    }

    async fn find_version(
        &self,
        name: &str,
        budget: Budget,
        log: Log<'_, ClientEvent>,
    ) -> Result<Option<Listed>, Error> {
        let policy = policy(budget);
        let find = versions::find_by_name(self.client, &policy, log, &self.app_id, name);
        bounded(budget.limit, &self.client.target(), find).await
    }

    async fn list_versions(
        &self,
        budget: Budget,
        log: Log<'_, ClientEvent>,
    ) -> Result<Vec<Listed>, Error> {
        let policy = policy(budget);
        let list = versions::oldest_first(self.client, &policy, log, &self.app_id);
        bounded(budget.limit, &self.client.target(), list).await
    }

    async fn delete_version(
        &self,
        version_id: &str,
        budget: Budget,
        log: Log<'_, ClientEvent>,
    ) -> Result<Option<String>, Error> {
        versions::delete(self.client, &policy(budget), log, &self.app_id, version_id).await
    }

    async fn app(&self, budget: Budget, log: Log<'_, ClientEvent>) -> Result<App, Error> {
        let answer = self.read(&app_request(&self.app_id), budget, log).await?;
        App::from_answer(&answer.body, answer.request_id.as_deref())
    }

    async fn readiness(
        &self,
        budget: Budget,
        log: Log<'_, ClientEvent>,
    ) -> Result<Vec<RegionReadiness>, Error> {
        let answer = self
            .read(&resource_status_request(&self.app_id), budget, log)
            .await?;
        Ok(readiness_from_answer(&answer.body))
    }

    async fn deploy_regions(
        &self,
        budget: Budget,
        log: Log<'_, ClientEvent>,
    ) -> Result<Vec<String>, Error> {
        let answer = self
            .read(&deploy_regions_request(&self.app_id), budget, log)
            .await?;
        Ok(deploy_regions_from_answer(&answer.body))
    }

    async fn logs(
        &self,
        lines: u32,
        budget: Budget,
        log: Log<'_, ClientEvent>,
    ) -> Result<Vec<String>, Error> {
        let lines = lines.clamp(1, MAX_LOG_LINES);
        let answer = self
            .read(&logs_request(&self.app_id, lines), budget, log)
            .await?;
        Ok(log_lines_from_answer(&answer.body))
    }

    async fn stats(
        &self,
        fields: &[Field],
        since: Duration,
        budget: Budget,
        log: Log<'_, ClientEvent>,
    ) -> Result<Stats, Error> {
        let window = stats_window(self.started, since, Utc::now());
        let request = stats_request(&self.app_id, fields, window);
        let answer = self.read(&request, budget, log).await?;
        Ok(Stats::from_answer(&answer.body))
    }

    async fn probe(
        &self,
        url: &HealthUrl,
        at: &[IpAddr],
        limit: Duration,
    ) -> Result<Probed, Error> {
        let cached = match self.prober.borrow().as_ref() {
            Some((addresses, client)) if addresses == at => Some(client.clone()),
            _ => None,
        };
        let client = match cached {
            Some(client) => client,
            None => {
                let client = prober(url, at)?;
                *self.prober.borrow_mut() = Some((at.to_vec(), client.clone()));
                client
            }
        };
        Ok(probe(&client, url, limit).await)
    }

    async fn create_version(
        &self,
        name: &str,
        containers: &[Value],
        budget: Budget,
        log: Log<'_, ClientEvent>,
    ) -> Result<Created, Error> {
        let parameter = to_parameter(containers);
        let remarks = self.remarks.as_deref();
        let policy = policy(budget);
        versions::create(
            self.client,
            &policy,
            log,
            &self.app_id,
            name,
            remarks,
            &parameter,
        )
        .await
    }
}

/// Real time, since the deployment started, and jitter from the operating system.
pub struct TokioTime(Instant);

impl TokioTime {
    pub fn start() -> Self {
        TokioTime(Instant::now())
    }
}

impl Time for TokioTime {
    fn now(&self) -> Duration {
        self.0.elapsed()
    }
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> {
        tokio::time::sleep(duration)
    }
    fn jitter(&self) -> f64 {
        random_unit().unwrap_or(0.5)
    }
}
