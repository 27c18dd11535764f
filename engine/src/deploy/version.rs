//! Deciding the version to publish: as given, found by its exact name, or made from an image or a spec file and waited for until it is `created`. Safe to re-run: the name is looked up before anything is made, so a re-run finds the version it made instead of piling up another.

use serde_json::Value;

use crate::base::error::Error;
use crate::deploy::aftercare;
use crate::deploy::event::{Chosen, Event, Look, MadeFrom, Prepared};
use crate::deploy::failure::{Failure, FailureKind};
use crate::deploy::io::Io;
use crate::deploy::plan::{Mode, Plan};
use crate::deploy::plan::{Template, VersionSource};
use crate::deploy::promote;
use crate::deploy::wait::Wait;
use crate::esa::containers::{swap_image, SwapError};
use crate::esa::image::ImageRef;
use crate::esa::status::VersionStatus;
use crate::esa::versions::Listed;

/// What the version step decided.
pub(crate) enum Decided {
    /// Publish this version.
    Ready(Chosen),
    /// A dry run stops here.
    Prepared(Prepared),
}

fn fail(kind: FailureKind) -> Failure {
    Failure::new(kind)
}

/// Decides the version, making it and waiting for it when the plan asks to deploy.
pub(crate) async fn decide(io: &Io, plan: &Plan) -> Result<Decided, Failure> {
    let prepared = prepare(io, plan).await?;
    if plan.mode == Mode::Prepare {
        return Ok(Decided::Prepared(prepared));
    }
    let chosen = match prepared {
        Prepared::Ready(chosen) => {
            io.emit(Event::VersionChosen(chosen.clone()));
            chosen
        }
        Prepared::Creating { version_id, name } => ready(io, plan, version_id, name, false).await?,
        Prepared::ToCreate {
            name,
            containers,
            from,
        } => {
            io.emit(Event::Making {
                name: name.clone(),
                from,
            });
            let version_id = create(io, plan, &name, containers).await?;
            ready(io, plan, version_id, name, true).await?
        }
    };
    Ok(Decided::Ready(chosen))
}

/// Waits until the version is created, having reported it as known.
async fn ready(
    io: &Io,
    plan: &Plan,
    version_id: String,
    name: String,
    created: bool,
) -> Result<Chosen, Failure> {
    let chosen = Chosen {
        version_id,
        name: Some(name),
        created,
    };
    io.emit(Event::VersionChosen(chosen.clone()));
    wait_created(io, plan, &chosen).await?;
    Ok(chosen)
}

/// An existing version found by name: ready, still being made, or failed.
fn existing(found: Listed) -> Result<Prepared, FailureKind> {
    match found.status {
        VersionStatus::Created => Ok(Prepared::Ready(Chosen {
            version_id: found.version_id,
            name: Some(found.name),
            created: false,
        })),
        VersionStatus::Failed => Err(FailureKind::VersionFailed {
            version_id: found.version_id,
            name: found.name,
            existed: true,
        }),
        _ => Ok(Prepared::Creating {
            version_id: found.version_id,
            name: found.name,
        }),
    }
}

/// Decides, with reads only, which version the run publishes and whether it must make one.
async fn prepare(io: &Io, plan: &Plan) -> Result<Prepared, Failure> {
    let (name, template) = match &plan.source {
        // A dry run reads nothing for a version given by ID.
        VersionSource::Id(version_id) if plan.mode == Mode::Prepare => {
            return Ok(Prepared::Ready(Chosen {
                version_id: version_id.clone(),
                name: None,
                created: false,
            }))
        }
        VersionSource::Id(version_id) => return given(io, plan, version_id).await,
        VersionSource::Named(name) => {
            let found = io.find_version(name, plan.call_budget()).await;
            return match found.map_err(Failure::call)? {
                Some(found) => existing(found).map_err(fail),
                None => Err(fail(FailureKind::VersionNotFound { name: name.clone() })),
            };
        }
        VersionSource::New { name, template } => (name, template),
        VersionSource::FromStaging => return promote::from_staging(io, plan).await,
    };
    let found = io.find_version(name, plan.call_budget()).await;
    if let Some(found) = found.map_err(Failure::call)? {
        io.emit(Event::VersionFound {
            found: found.clone(),
        });
        return existing(found).map_err(fail);
    }
    let (containers, from) = match template {
        Template::Spec { path, containers } => (
            containers.clone(),
            MadeFrom::Spec {
                path: path.clone(),
                containers: containers.len(),
            },
        ),
        Template::Image {
            image,
            base,
            container,
        } => from_image(io, plan, image, base.as_deref(), container.as_deref()).await?,
    };
    Ok(Prepared::ToCreate {
        name: name.clone(),
        containers,
        from,
    })
}

/// A version given by ID, read once: its name for the report, and refused before the lock
/// when the service has no such version or it is not `created`. A read that is not permitted
/// leaves it unnamed (the publish itself judges it).
async fn given(io: &Io, plan: &Plan, version_id: &str) -> Result<Prepared, Failure> {
    let chosen = |name| {
        Prepared::Ready(Chosen {
            version_id: version_id.to_string(),
            name,
            created: false,
        })
    };
    let version = match io.get_version(version_id, plan.call_budget()).await {
        Ok(version) => version,
        Err(error) if error.is_permission_denied() => {
            io.emit(Event::Unread {
                look: Look::Version,
                error,
            });
            return Ok(chosen(None));
        }
        Err(error) if error.title() == NOT_FOUND => {
            let mut failure = fail(FailureKind::VersionMissing {
                version_id: version_id.to_string(),
            });
            failure.cause = Some(error);
            return Err(failure);
        }
        Err(error) => return Err(Failure::call(error)),
    };
    match version.status {
        VersionStatus::Created => Ok(chosen(Some(version.name))),
        VersionStatus::Failed => Err(fail(FailureKind::VersionFailed {
            version_id: version_id.to_string(),
            name: version.name,
            existed: true,
        })),
        status => Err(fail(FailureKind::VersionNotCreated {
            version_id: version_id.to_string(),
            name: version.name,
            status,
        })),
    }
}

/// The ID of the version to copy: `base` as an ID, found by name, or what the environment
/// serves.
async fn base_id(io: &Io, plan: &Plan, base: Option<&str>) -> Result<String, Failure> {
    match base {
        Some(id) if id.starts_with("ver-") => Ok(id.to_string()),
        Some(name) => {
            let found = io.find_version(name, plan.call_budget()).await;
            found
                .map_err(Failure::call)?
                .map(|found| found.version_id)
                .ok_or_else(|| {
                    fail(FailureKind::BaseVersionNotFound {
                        name: name.to_string(),
                    })
                })
        }
        None => {
            let status = io
                .status(plan.env(), plan.call_budget())
                .await
                .map_err(Failure::call)?;
            if status.deployed_version.is_empty() {
                return Err(fail(FailureKind::NoBaseVersion));
            }
            Ok(status.deployed_version)
        }
    }
}

/// The base version's read failed: a version the service does not have is named as such
/// (keeping the service's code and RequestId), any other error stays the call's.
fn missing_base(base_id: &str, error: Error) -> Failure {
    if error.title() != NOT_FOUND {
        return Failure::call(error);
    }
    let mut failure = fail(FailureKind::BaseVersionMissing {
        version_id: base_id.to_string(),
    });
    failure.cause = Some(error);
    failure
}

/// The service's code for a version it does not have.
const NOT_FOUND: &str = "InvalidVersion.NotFound";

/// A base version's containers with `image` swapped in, and what they were made from.
async fn from_image(
    io: &Io,
    plan: &Plan,
    image: &ImageRef,
    base: Option<&str>,
    container: Option<&str>,
) -> Result<(Vec<Value>, MadeFrom), Failure> {
    let base_id = base_id(io, plan, base).await?;
    let base_version = io
        .get_version(&base_id, plan.call_budget())
        .await
        .map_err(|error| missing_base(&base_id, error))?;
    let (containers, swapped, old_image, acr) =
        swap_image(&base_version.containers, container, image).map_err(|e| {
            fail(match e {
                SwapError::WhichContainer(names) => FailureKind::ContainerNameRequired {
                    base: base_id.clone(),
                    names,
                    image: image.text.clone(),
                },
                SwapError::NoSuchContainer(wanted, names) => FailureKind::ContainerNotFound {
                    base: base_id.clone(),
                    wanted,
                    names,
                },
            })
        })?;
    let from = MadeFrom::Copy {
        base_id,
        base_name: base_version.name,
        container: swapped,
        old_image,
        image: image.text.clone(),
        acr,
    };
    Ok((containers, from))
}

/// Makes the version. A lost answer is settled by looking the name up: found, it is ours.
async fn create(
    io: &Io,
    plan: &Plan,
    name: &str,
    containers: Vec<Value>,
) -> Result<String, Failure> {
    let error = match io
        .create_version(name, containers, plan.call_budget())
        .await
    {
        Ok(created) => {
            io.emit(Event::VersionCreated {
                version_id: created.version_id.clone(),
                name: name.to_string(),
                request_id: created.request_id,
            });
            return Ok(created.version_id);
        }
        Err(error) if error.may_have_applied() => error,
        Err(error) => return Err(Failure::call(error)),
    };
    match io.find_version(name, plan.call_budget()).await {
        Ok(Some(found)) => {
            io.emit(Event::CreationConfirmed {
                version_id: found.version_id.clone(),
                name: name.to_string(),
                error,
            });
            Ok(found.version_id)
        }
        _ => Err(Failure::call(error)),
    }
}

/// Polls the version every `poll-interval` within `wait-timeout` until it is `created`; each
/// read is bounded by what is left of the wait.
async fn wait_created(io: &Io, plan: &Plan, chosen: &Chosen) -> Result<(), Failure> {
    let wait = Wait::new(io.now(), plan.wait_timeout, plan.poll_interval);
    let (id, name) = (&chosen.version_id, chosen.name.clone().unwrap_or_default());
    let mut last: Option<VersionStatus> = None;
    loop {
        let budget = plan.budget(wait.read_limit(io.now()));
        let status = io
            .get_version(id, budget)
            .await
            .map_err(Failure::call)?
            .status;
        if last.as_ref() != Some(&status) {
            io.emit(Event::VersionState {
                version_id: id.clone(),
                name: name.clone(),
                status: status.clone(),
            });
        }
        match status {
            VersionStatus::Created => return Ok(()),
            VersionStatus::Failed => {
                aftercare::diagnose(io, plan).await;
                return Err(fail(FailureKind::VersionFailed {
                    version_id: id.clone(),
                    name,
                    existed: false,
                }));
            }
            _ => {}
        }
        let Some(pause) = wait.pause(io.now(), io.jitter()) else {
            return Err(fail(FailureKind::VersionNotReady {
                version_id: id.clone(),
                name,
                status,
                waited: wait.elapsed(io.now()),
            }));
        };
        io.sleep(pause).await;
        last = Some(status);
    }
}
