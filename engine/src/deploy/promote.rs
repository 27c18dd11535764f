//! `promote-from: staging`: the version to publish to prod is what serves all of staging, and only once staging has published it in full (not mid-publish, not split between two versions), its container runs and is ready, and the version is created; anything else is refused before a publish. With `if-busy: wait`, staging is read again once prod's lock is taken, and a change since is refused the same way.

use crate::deploy::event::{Chosen, Event, Prepared};
use crate::deploy::failure::{Failure, FailureKind};
use crate::deploy::io::Io;
use crate::deploy::plan::Plan;
use crate::esa::model::PublishEnv;
use crate::esa::status::{AppStatus, Phase, VersionStatus};

/// Reads staging's status, its container and the version it serves; the version when all say
/// it may be promoted.
pub(crate) async fn from_staging(io: &Io, plan: &Plan) -> Result<Prepared, Failure> {
    let budget = plan.call_budget();
    let status = io
        .status(PublishEnv::Staging, budget)
        .await
        .map_err(Failure::call)?;
    let Some(version_id) = status.full_version().map(str::to_string) else {
        return Err(not_published(status, None));
    };
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

/// Staging's reading does not show one version serving all of it (or, `since`, no longer the
/// one chosen before prod's lock).
fn not_published(status: AppStatus, since: Option<&str>) -> Failure {
    Failure::new(FailureKind::StagingNotPublished {
        status: Box::new(status),
        chosen: since.map(str::to_string),
    })
}

/// After prod's lock was waited for: staging still serves `chosen` in full, or the change is
/// refused with nothing published.
pub(crate) async fn still_serving(io: &Io, plan: &Plan, chosen: &str) -> Result<(), Failure> {
    let status = io
        .status(PublishEnv::Staging, plan.call_budget())
        .await
        .map_err(Failure::call)?;
    match status.full_version() == Some(chosen) {
        true => Ok(()),
        false => Err(not_published(status, Some(chosen))),
    }
}
