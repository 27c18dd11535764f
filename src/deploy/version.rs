//! The version to publish: as given, found by its exact name, or made from an image or a spec file and waited for until it is `created`. Safe to re-run: the name is looked up before anything is made, so a re-run finds the version it made instead of piling up another.

use std::time::Duration;

use serde_json::Value;
use tokio::time::Instant;

use crate::base::error::Error;
use crate::base::text::clock_text;
use crate::config::version::{Template, VersionSource};
use crate::config::Config;
use crate::deploy::status::read_status;
use crate::deploy::Progress;
use crate::esa::client::Client;
use crate::esa::containers::{swap_image, to_parameter, AcrChange, SwapError};
use crate::esa::image::ImageRef;
use crate::esa::versions::{self, Listed};

/// The version that will be published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    pub version_id: String,
    /// Its name, when the run knows it.
    pub name: Option<String>,
    /// Whether this run made it.
    pub created: bool,
}

/// What the run will do about the version, decided with reads only (a dry run stops here).
#[derive(Debug, Clone, PartialEq)]
pub enum Prepared {
    /// Ready to publish.
    Ready(Chosen),
    /// It exists and is still `creating`: wait for it.
    Creating { version_id: String, name: String },
    /// It must be made, with these containers; `note` says what they were made from.
    ToCreate {
        name: String,
        containers: Vec<Value>,
        note: String,
    },
}

fn version_error(title: &str, detail: String) -> Error {
    Error::Version {
        title: title.into(),
        detail,
    }
}

/// An existing version found by name: ready, still being made, or failed.
fn existing(found: Listed, created_by_this_run: bool) -> Result<Prepared, Error> {
    match found.status.as_str() {
        "created" => Ok(Prepared::Ready(Chosen {
            version_id: found.version_id,
            name: Some(found.name),
            created: created_by_this_run,
        })),
        "failed" => Err(version_error(
            "VersionFailed",
            format!(
                "the version named `{}` ({}) exists, and its creation failed; nothing was published. Look at it in the ESA console, then delete it or choose another `version-name`",
                found.name, found.version_id
            ),
        )),
        _ => Ok(Prepared::Creating {
            version_id: found.version_id,
            name: found.name,
        }),
    }
}

/// Decides, with reads only, which version the run publishes and whether it must make one.
pub async fn prepare(
    client: &Client,
    config: &Config,
    progress: &mut dyn Progress,
) -> Result<Prepared, Error> {
    let app = &config.publish.app_id;
    let policy = &config.retry;
    let (name, template) = match &config.version {
        VersionSource::Id => {
            return Ok(Prepared::Ready(Chosen {
                version_id: config.publish.version_id.clone(),
                name: None,
                created: false,
            }))
        }
        VersionSource::Named(name) => {
            let found =
                versions::find_by_name(client, policy, &mut |e| progress.client(e), app, name)
                    .await?;
            return match found {
                Some(found) => existing(found, false),
                None => Err(version_error(
                    "VersionNotFound",
                    format!("no version of {app} is named exactly `{name}`; nothing was published. Check `version-name` (names are compared whole), or make the version with `image` or `version-spec`"),
                )),
            };
        }
        VersionSource::New { name, template } => (name, template),
    };
    if let Some(found) =
        versions::find_by_name(client, policy, &mut |e| progress.client(e), app, name).await?
    {
        progress.line(&format!(
            "a version named `{name}` exists already ({}, {}): using it, not making another",
            found.version_id, found.status
        ));
        return existing(found, false);
    }
    let (containers, note) = match template {
        Template::Spec { path, containers } => (
            containers.clone(),
            format!(
                "making version `{name}` from {path} ({} container(s))",
                containers.len()
            ),
        ),
        Template::Image {
            image,
            base,
            container,
        } => {
            from_image(
                client,
                config,
                progress,
                image,
                base.as_deref(),
                container.as_deref(),
            )
            .await?
        }
    };
    Ok(Prepared::ToCreate {
        name: name.clone(),
        containers,
        note,
    })
}

/// A base version's containers with `image` swapped in, and what was done, for the log.
async fn from_image(
    client: &Client,
    config: &Config,
    progress: &mut dyn Progress,
    image: &ImageRef,
    base: Option<&str>,
    container: Option<&str>,
) -> Result<(Vec<Value>, String), Error> {
    let app = &config.publish.app_id;
    let env = config.publish.publish_env.as_str();
    let policy = &config.retry;
    let base_id = match base {
        Some(id) if id.starts_with("ver-") => id.to_string(),
        Some(name) => versions::find_by_name(client, policy, &mut |e| progress.client(e), app, name)
            .await?
            .map(|found| found.version_id)
            .ok_or_else(|| version_error(
                "BaseVersionNotFound",
                format!("no version of {app} is named exactly `{name}`, so there is nothing to copy (`base-version`); nothing was made or published"),
            ))?,
        None => {
            let status = read_status(client, config, &mut |e| progress.client(e)).await?;
            if status.deployed_version.is_empty() {
                return Err(version_error(
                    "NoBaseVersion",
                    format!("{app} serves no version on {env} yet, so there is no base version to copy the image into: set `base-version` (a ver-… ID or a version name) or `version-spec`"),
                ));
            }
            status.deployed_version
        }
    };
    let base_version =
        versions::get(client, policy, &mut |e| progress.client(e), app, &base_id).await?;
    let (containers, swapped, old, acr) = swap_image(&base_version.containers, container, image)
        .map_err(|e| match e {
            SwapError::WhichContainer(names) => version_error(
                "ContainerNameRequired",
                format!("the base version {base_id} runs {} containers ({}): set `container-name` to the one that takes {image}", names.len(), names.join(", ")),
            ),
            SwapError::NoSuchContainer(wanted, names) => version_error(
                "ContainerNotFound",
                format!("the base version {base_id} has no container named `{wanted}`; its containers are: {}", names.join(", ")),
            ),
        })?;
    let acr_note = match acr {
        AcrChange::NotAcr => String::new(),
        AcrChange::Retagged { tag } => format!("; its ACR image info now names tag {tag}"),
        AcrChange::Dropped => "; the image is not a tag of its ACR repository, so IsACRImage is now false and its ACRImageInfo is dropped".into(),
    };
    let note = format!(
        "copying {base_id} (`{}`): container `{swapped}` takes {image} (was {old}){acr_note}; everything else stays as it was",
        base_version.name
    );
    Ok((containers, note))
}

/// Finds, makes and readies the version to publish. `known` holds the version as soon as it
/// has an ID, so that a failure while waiting for it can still name it.
pub async fn resolve(
    client: &Client,
    config: &Config,
    progress: &mut dyn Progress,
    known: &mut Option<Chosen>,
) -> Result<Chosen, Error> {
    match prepare(client, config, progress).await? {
        Prepared::Ready(chosen) => Ok(chosen),
        Prepared::Creating { version_id, name } => {
            *known = Some(Chosen {
                version_id: version_id.clone(),
                name: Some(name.clone()),
                created: false,
            });
            wait_ready(client, config, progress, &version_id, &name).await?;
            Ok(Chosen {
                version_id,
                name: Some(name),
                created: false,
            })
        }
        Prepared::ToCreate {
            name,
            containers,
            note,
        } => {
            progress.line(&note);
            let version_id = create(client, config, progress, &name, &containers).await?;
            *known = Some(Chosen {
                version_id: version_id.clone(),
                name: Some(name.clone()),
                created: true,
            });
            wait_ready(client, config, progress, &version_id, &name).await?;
            Ok(Chosen {
                version_id,
                name: Some(name),
                created: true,
            })
        }
    }
}

/// Makes the version. A lost answer is settled by looking the name up: found, it is ours.
async fn create(
    client: &Client,
    config: &Config,
    progress: &mut dyn Progress,
    name: &str,
    containers: &[Value],
) -> Result<String, Error> {
    let app = &config.publish.app_id;
    let remarks = config.publish.remarks.as_deref();
    let parameter = to_parameter(containers);
    let outcome = versions::create(
        client,
        &config.retry,
        &mut |e| progress.client(e),
        app,
        name,
        remarks,
        &parameter,
    )
    .await;
    match outcome {
        Ok((id, request_id)) => {
            progress.line(&format!(
                "created version {id} (`{name}`), RequestId {}",
                request_id.as_deref().unwrap_or("(none)")
            ));
            Ok(id)
        }
        Err(error) if error.may_have_applied() => {
            let found = versions::find_by_name(
                client,
                &config.retry,
                &mut |e| progress.client(e),
                app,
                name,
            )
            .await
            .ok()
            .flatten();
            match found {
                Some(found) => {
                    progress.warn(
                        "AnswerLost",
                        &format!("the answer to the creation of version `{name}` was lost ({}: {error}), but the listing shows it: {}. Its RequestId is unknown.", error.title(), found.version_id),
                    );
                    Ok(found.version_id)
                }
                None => Err(error),
            }
        }
        Err(error) => Err(error),
    }
}

/// Polls the version every `poll-interval`, within `wait-timeout`, until it is `created`.
pub async fn wait_ready(
    client: &Client,
    config: &Config,
    progress: &mut dyn Progress,
    version_id: &str,
    name: &str,
) -> Result<(), Error> {
    let settings = &config.rollout;
    let started = Instant::now();
    let mut last = String::new();
    loop {
        let v = versions::get(
            client,
            &config.retry,
            &mut |e| progress.client(e),
            &config.publish.app_id,
            version_id,
        )
        .await?;
        if v.status != last {
            progress.line(&format!(
                "[{}] version {version_id} (`{name}`) is {}",
                clock_text(started.elapsed()),
                if v.status.is_empty() {
                    "(no status)"
                } else {
                    &v.status
                }
            ));
            last = v.status.clone();
        }
        match v.status.as_str() {
            "created" => return Ok(()),
            "failed" => {
                return Err(version_error(
                    "VersionFailed",
                    format!("the creation of version {version_id} (`{name}`) failed; nothing was published. Its containers and events are in the ESA console"),
                ))
            }
            _ => {}
        }
        if started.elapsed() + settings.poll_interval > settings.wait_timeout {
            return Err(version_error(
                "VersionNotReady",
                format!(
                    "version {version_id} (`{name}`) was still {} after `wait-timeout` ({}); nothing was published. Re-run to pick it up once it is created",
                    v.status,
                    clock_text(settings.wait_timeout)
                ),
            ));
        }
        tokio::time::sleep(settings.poll_interval.max(Duration::from_millis(100))).await;
    }
}
