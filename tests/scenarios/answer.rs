//! The fake's calls, as the real ones in `app::service`: each call the engine makes, answered from the in-memory world (a status read moves the rollout on; writes apply their scripted faults). The engine's `dispatch` maps a `Request` to them, for both.

use std::net::IpAddr;
use std::time::Duration;

use esa_engine::base::error::{Error, StopReason};
use esa_engine::deploy::driver::{Calls, Log};
use esa_engine::deploy::engine::Budget;
use esa_engine::esa::diagnostics::{App, RegionReadiness};
use esa_engine::esa::model::{PublishEnv, PublishRequest};
use esa_engine::esa::probe::{HealthUrl, Probed};
use esa_engine::esa::stats::{Field, Stats};
use esa_engine::esa::status::{AppStatus, Phase, StagingStatus, VersionStatus};
use esa_engine::esa::versions::{Created, Listed, Version};
use serde_json::{json, Value};

use crate::fake::*;

/// Each call of the service, answered from the world (the engine's `dispatch` puts each
/// `Request` on them, as it does the real service's).
impl Calls for Fake<'_> {
    type Report = ();

    async fn status(
        &self,
        env: PublishEnv,
        budget: Budget,
        _: Log<'_, ()>,
    ) -> Result<AppStatus, Error> {
        self.before("Status", budget, false).await?;
        let mut w = self.world.borrow_mut();
        if env != w.env {
            return Ok(w.other.clone());
        }
        if w.stale_reads > 0 {
            if let Some(stale) = w.stale.clone() {
                w.stale_reads -= 1;
                return Ok(stale);
            }
        }
        w.advance();
        let mut status = w.status.clone();
        status.phase = None;
        Ok(status)
    }

    async fn staging_status(&self, budget: Budget, _: Log<'_, ()>) -> Result<StagingStatus, Error> {
        self.before("StagingStatus", budget, false).await?;
        let w = self.world.borrow();
        Ok(StagingStatus {
            phase: w.status.phase.clone().unwrap_or(Phase::Running),
            vips: w.vips.clone(),
            ready: w.staging_ready,
            ..StagingStatus::default()
        })
    }

    async fn list_versions(&self, budget: Budget, _: Log<'_, ()>) -> Result<Vec<Listed>, Error> {
        self.before("ListVersions", budget, false).await?;
        let mut all: Vec<Listed> = self
            .world
            .borrow()
            .versions
            .iter()
            .map(Self::listed)
            .collect();
        all.sort_by(|a, b| a.create_time.cmp(&b.create_time));
        Ok(all)
    }

    async fn delete_version(
        &self,
        id: &str,
        budget: Budget,
        log: Log<'_, ()>,
    ) -> Result<Option<String>, Error> {
        let _ = log;
        self.write("Delete", budget, |w| {
            let at = w
                .versions
                .iter()
                .position(|v| v.id == id)
                .ok_or_else(|| refusal("InvalidVersion.NotFound"))?;
            w.versions.remove(at);
            w.deleted.push(id.to_string());
            Ok(())
        })
        .await
    }

    async fn probe(&self, _: &HealthUrl, at: &[IpAddr], limit: Duration) -> Result<Probed, Error> {
        let mut w = self.world.borrow_mut();
        w.calls.push("Probe");
        Ok(w.app.probe(self.clock, at, limit))
    }

    async fn stats(
        &self,
        fields: &[Field],
        since: Duration,
        budget: Budget,
        _: Log<'_, ()>,
    ) -> Result<Stats, Error> {
        self.before("Stats", budget, false).await?;
        let now = self.clock.now.get();
        Ok(self.world.borrow_mut().app.stats(now, fields, since))
    }

    async fn app(&self, budget: Budget, _: Log<'_, ()>) -> Result<App, Error> {
        self.before("App", budget, false).await?;
        Ok(App {
            name: "shop".into(),
            domain_name: self.world.borrow().domain.clone(),
        })
    }

    async fn readiness(
        &self,
        budget: Budget,
        _: Log<'_, ()>,
    ) -> Result<Vec<RegionReadiness>, Error> {
        self.before("Readiness", budget, false).await?;
        Ok(vec![RegionReadiness {
            region: "huadong".into(),
            isp: "chinanet".into(),
            ready: 1,
            total: 3,
            is_staging: false,
            is_offline: false,
        }])
    }

    async fn deploy_regions(&self, budget: Budget, _: Log<'_, ()>) -> Result<Vec<String>, Error> {
        self.before("DeployRegions", budget, false).await?;
        Ok(self.world.borrow().deploy_regions.clone())
    }

    async fn logs(&self, lines: u32, budget: Budget, _: Log<'_, ()>) -> Result<Vec<String>, Error> {
        self.before("Logs", budget, false).await?;
        let log = self.world.borrow().log.clone();
        let skip = log.len().saturating_sub(lines as usize);
        Ok(log[skip..].to_vec())
    }

    async fn publish(
        &self,
        request: &PublishRequest,
        budget: Budget,
        _: Log<'_, ()>,
    ) -> Result<Option<String>, Error> {
        self.write("Publish", budget, |w| w.apply_publish(request))
            .await
    }

    async fn rollback(
        &self,
        to: &str,
        _: &str,
        _: &str,
        budget: Budget,
        _: Log<'_, ()>,
    ) -> Result<Option<String>, Error> {
        self.write("Rollback", budget, |w| {
            w.apply_rollback(to);
            Ok(())
        })
        .await
    }

    async fn get_version(
        &self,
        id: &str,
        budget: Budget,
        _: Log<'_, ()>,
    ) -> Result<Version, Error> {
        self.before("GetVersion", budget, false).await?;
        let mut w = self.world.borrow_mut();
        let v = w
            .versions
            .iter_mut()
            .find(|v| v.id == id)
            .ok_or_else(|| refusal("InvalidVersion.NotFound"))?;
        if v.status == VersionStatus::Creating {
            if v.reads_left == 0 {
                v.status = if v.fails {
                    VersionStatus::Failed
                } else {
                    VersionStatus::Created
                };
            } else if v.reads_left != u32::MAX {
                v.reads_left -= 1;
            }
        }
        Ok(Version {
            version_id: v.id.clone(),
            name: v.name.clone(),
            status: v.status.clone(),
            containers: v.containers.as_array().cloned().unwrap_or_default(),
        })
    }

    async fn find_version(
        &self,
        name: &str,
        budget: Budget,
        _: Log<'_, ()>,
    ) -> Result<Option<Listed>, Error> {
        self.before("FindVersion", budget, false).await?;
        let w = self.world.borrow();
        Ok(w.versions.iter().find(|v| v.name == name).map(Self::listed))
    }

    async fn create_version(
        &self,
        name: &str,
        containers: &[Value],
        budget: Budget,
        _: Log<'_, ()>,
    ) -> Result<Created, Error> {
        let fault = self.before("CreateVersion", budget, true).await?;
        let mut w = self.world.borrow_mut();
        if fault == Some(Fault::Reset) {
            return Err(lost(false, StopReason::MayHaveApplied));
        }
        let id = format!("ver-5000000000000000{:02}", w.versions.len());
        let fails = containers
            .iter()
            .any(|c| w.failing_images.iter().any(|i| c["Image"] == json!(i)));
        let reads_left = w.creation_reads.unwrap_or(u32::MAX);
        let time = format!("t9{:03}", w.versions.len());
        w.versions.push(Stored {
            id: id.clone(),
            name: name.to_string(),
            time,
            status: VersionStatus::Creating,
            reads_left,
            fails,
            containers: Value::Array(containers.to_vec()),
        });
        if let Some(fault @ (Fault::Lost | Fault::Hang)) = fault {
            return Err(lost(fault == Fault::Hang, StopReason::MayHaveApplied));
        }
        Ok(Created {
            version_id: id,
            request_id: Some("REQ-create".into()),
        })
    }
}
