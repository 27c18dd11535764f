//! `promote-from: staging`: the version to publish to prod is what staging serves, and only once staging has published it, its container runs and is ready, and the version is created; anything else is refused before a publish.

use crate::deploy::event::{Chosen, Event, Prepared};
use crate::deploy::failure::{Failure, FailureKind};
use crate::deploy::io::Io;
use crate::deploy::plan::Plan;
use crate::esa::model::PublishEnv;
use crate::esa::status::{Phase, PublishStatus, VersionStatus};

/// Reads staging's status, its container and the version it serves; the version when all say
/// it may be promoted.
pub(crate) async fn from_staging(io: &Io, plan: &Plan) -> Result<Prepared, Failure> {
    let budget = plan.call_budget();
    let status = io
        .status(PublishEnv::Staging, budget)
        .await
        .map_err(Failure::call)?;
    let version_id = status.deployed_version.clone();
    if status.publish_status != PublishStatus::Published || version_id.is_empty() {
        return Err(Failure::new(FailureKind::StagingNotPublished {
            status: Box::new(status),
        }));
    }
    let pod = io.staging_status(budget).await.map_err(Failure::call)?;
    // `Ready` when the service says it; a missing one leaves the phase to judge.
    if pod.phase != Phase::Running || pod.ready == Some(false) {
        return Err(Failure::new(FailureKind::StagingNotReady {
            version_id,
            phase: pod.phase,
            ready: pod.ready,
        }));
    }
    let version = io
        .get_version(&version_id, budget)
        .await
        .map_err(Failure::call)?;
    if version.status != VersionStatus::Created {
        return Err(Failure::new(FailureKind::PromotedNotCreated {
            version_id,
            name: version.name,
            status: version.status,
        }));
    }
    io.emit(Event::Promoting {
        version_id: version_id.clone(),
        name: version.name.clone(),
    });
    Ok(Prepared::Ready(Chosen {
        version_id,
        name: Some(version.name),
        created: false,
    }))
}
