//! The deployment's events as a person reads them: which go to the log as plain lines, which are timeline moments, which are warnings or debug lines, and their words.

use crate::app::explain::explain;
use crate::app::failure::{no_previous, what_failed};
use crate::app::gate_words;
use crate::app::words::{busy, describe, rollback_id, share, Context, Said};
use esa_engine::base::text::clock_text;
use esa_engine::deploy::event::Evidence;
use esa_engine::deploy::event::{Change, Event, MadeFrom, Unsettled};
use esa_engine::esa::containers::AcrChange;
use esa_engine::esa::status::{AppStatus, VersionStatus};

fn or_none(text: &str) -> &str {
    if text.is_empty() {
        "none"
    } else {
        text
    }
}

/// How a reading confirmed a change whose answer was lost.
pub fn evidence(e: &Evidence, version: &str) -> String {
    match e {
        Evidence::NewPublishTime { after, was } => format!(
            "{version} is {} with a new PublishTime ({}, was {})",
            after.publish_status,
            after.publish_time,
            or_none(was)
        ),
        Evidence::NowInFront { before, after } => format!(
            "{version} is {} ({}), where before it was {}",
            after.publish_status,
            describe(after),
            describe(before)
        ),
        Evidence::TargetMoved { from, to } => {
            format!("{version}'s target moved from {from}% to {to}%")
        }
        Evidence::NewRollbackTime { after, was } => format!(
            "the app is {} to {version} with a new RollbackTime ({}, was {})",
            after.publish_status,
            after.rollback_time,
            or_none(was)
        ),
        Evidence::NowRollingBack { before, after } => format!(
            "the app is {} ({}), where before it was {}",
            after.publish_status,
            describe(after),
            describe(before)
        ),
    }
}

/// `the publish of ver-2 at 50%`, `the rollback to ver-1`.
pub fn change(c: &Change) -> String {
    match c {
        Change::Publish {
            version,
            percentage,
            ..
        } => format!("the publish of {version} at {}", share(*percentage)),
        Change::Rollback { to, .. } => format!("the rollback to {to}"),
    }
}

/// The version a change is about (for the evidence's words).
fn subject(c: &Change) -> &str {
    match c {
        Change::Publish { version, .. } => version,
        Change::Rollback { to, .. } => to,
    }
}

/// What a new version is made from, for the log and the dry run.
pub fn made_from(name: &str, from: &MadeFrom) -> String {
    match from {
        MadeFrom::Spec { path, containers } => {
            format!("making version `{name}` from {path} ({containers} container(s))")
        }
        MadeFrom::Copy {
            base_id,
            base_name,
            container,
            old_image,
            image,
            acr,
        } => {
            let acr = match acr {
                AcrChange::NotAcr => String::new(),
                AcrChange::Retagged { tag } => format!("; its ACR image info now names tag {tag}"),
                AcrChange::Dropped => "; the image is not a tag of its ACR repository, so IsACRImage is now false and its ACRImageInfo is dropped".into(),
            };
            format!("copying {base_id} (`{base_name}`): container `{container}` takes {image} (was {old_image}){acr}; everything else stays as it was")
        }
    }
}

fn version_status(status: &VersionStatus) -> String {
    match status {
        VersionStatus::Unknown(text) if text.is_empty() => "(no status)".into(),
        other => other.to_string(),
    }
}

/// A reading that changed: `30% → 60% (publishing …)`, or the reading itself.
fn reading(before: Option<&AppStatus>, after: &AppStatus) -> Said {
    match before {
        Some(b) if b == after => Said::Nothing,
        Some(b) if b.publish_percentage != after.publish_percentage => Said::Moment(format!(
            "{}% → {}% ({})",
            b.publish_percentage,
            after.publish_percentage,
            describe(after)
        )),
        _ => Said::Moment(describe(after)),
    }
}

/// A lost answer that could not be settled.
fn unsettled(c: &Change, why: &Unsettled) -> String {
    let what = change(c);
    match why {
        Unsettled::NoReading => format!("the answer to {what} was lost, and there is no earlier status reading to settle it against"),
        Unsettled::Unreadable(e) => format!("the answer to {what} was lost, and the app's status could not be read to settle it: {e}"),
        Unsettled::Changed(after) => format!("the answer to {what} was lost, and the app's status has changed since by another publish or rollback ({}), with no sign of this one; it is not sent again, which would undo that change", crate::app::words::describe(after)),
        Unsettled::NothingLeft => format!("the answer to {what} was lost, and the app's status shows no sign of it; no attempt or time is left to send it again (`max-attempts`, `timeout`)"),
    }
}

/// Events of the version and the lock.
fn before_steps(event: &Event, c: &Context) -> Option<Said> {
    Some(match event {
        Event::Promoting { version_id, name } => Said::Line(format!(
            "promoting {version_id} (`{name}`) from staging: staging has published it, runs it ready, and it is created"
        )),
        Event::VersionFound { found } => Said::Line(format!(
            "a version named `{}` exists already ({}, {}): using it, not making another",
            found.name, found.version_id, found.status
        )),
        Event::Making { name, from } => Said::Line(made_from(name, from)),
        Event::VersionCreated { version_id, name, request_id } => Said::Line(format!(
            "created version {version_id} (`{name}`), RequestId {}",
            request_id.as_deref().unwrap_or("(none)")
        )),
        Event::CreationConfirmed { version_id, name, error } => Said::Warning {
            title: "AnswerLost",
            text: format!("the answer to the creation of version `{name}` was lost ({}: {error}), but the listing shows it: {version_id}. Its RequestId is unknown.", error.title()),
        },
        Event::VersionState { version_id, name, status } => {
            Said::Moment(format!("version {version_id} (`{name}`) is {}", version_status(status)))
        }
        Event::LockSkipped { error } => Said::Warning {
            title: "PublishLockSkipped",
            text: format!("could not read the app's status, so whether another publish is under way is unchecked (grant `esa:GetEdgeContainerAppStatus` to enable the lock): {error}"),
        },
        Event::Busy { busy: b, .. } => {
            Said::Moment(format!("{}; waiting for it to finish (`if-busy: wait`)", busy(b)))
        }
        Event::BusyOver { status } => {
            Said::Moment(format!("the other publish is over ({})", describe(status)))
        }
        Event::AlreadyServing { status } => Said::Moment(format!(
            "{} serves all of {} already ({}): nothing to publish",
            status.current_version(),
            c.env,
            describe(status)
        )),
        Event::Previous(Ok(version)) => {
            Said::Line(format!("before this run, {} served {version}", c.env))
        }
        Event::Previous(Err(none)) => Said::Debug(format!("no version to roll back to: {}", no_previous(none))),
        _ => return None,
    })
}

/// Tells one event, about the run `c` describes.
pub fn narrate(event: &Event, c: &Context) -> Said {
    if let Some(said) = before_steps(event, c)
        .or_else(|| explain(event))
        .or_else(|| gate_words::narrate(event))
    {
        return said;
    }
    let version = c.version.as_str();
    match event {
        Event::Failed { kind, cause, step } => {
            Said::Moment(format!("failed: {}", what_failed(kind, cause.as_ref(), *step, c)))
        }
        Event::Published { step, total, percentage, request_id, confirmed } => {
            let what = format!("step {step}/{total}: publishing {version} at {}", share(*percentage));
            Said::Moment(match confirmed {
                None => format!("{what} accepted, RequestId {}", request_id.as_deref().unwrap_or("(none)")),
                Some(how) => format!("{what}: the answer was lost, and the app's status confirms it took effect ({}); RequestId unknown", evidence(how, version)),
            })
        }
        Event::Reading { before, status } => reading(before.as_ref(), status),
        Event::PhaseUnread { error } => Said::Debug(format!(
            "GetEdgeContainerStagingDeployStatus failed, so container phases are not checked: {error}"
        )),
        Event::Serving { step, total, percentage } => {
            Said::Moment(format!("step {step}/{total}: {version} serves {}", share(*percentage)))
        }
        Event::Baking { duration, next, total } => {
            Said::Moment(format!("baking {} before step {next}/{total}", clock_text(*duration)))
        }
        Event::AnswerLost { change: c, error, evidence: e } => Said::Warning {
            title: "AnswerLost",
            text: format!("the answer to {} was lost ({}: {error}), but the app's status confirms it took effect: {}. Its RequestId is unknown.", change(c), error.title(), evidence(e, subject(c))),
        },
        Event::Unsettled { change: c, why } => Said::Line(unsettled(c, why)),
        Event::Resending { change: c, error, pause, attempt, max } => Said::Line(format!(
            "the answer to {} was lost ({}), and two readings of the app's status {} s apart show no sign of it, so it did not take effect: sending it again (attempt {attempt} of {max}). This is safe because nothing changed; see Reliability in the README",
            change(c), error.title(), pause.as_secs_f64()
        )),
        Event::RolledBack { to, request_id, confirmed } => Said::Moment(format!(
            "rolled back to {to}, RequestId {}",
            rollback_id(request_id.as_deref(), *confirmed)
        )),
        _ => Said::Nothing,
    }
}
