//! The deployment's events as a person reads them: which go to the log as plain lines, which are timeline moments, which are warnings or debug lines, and their words.

use crate::words::checks;
use crate::words::explain;
use crate::words::failure::{no_previous, what_failed};
use crate::words::phrases::{busy, describe, rollback_id, share, Context, Said};
use std::time::Duration;

use esa_engine::base::error::Error;
use esa_engine::base::text::clock_text;
use esa_engine::deploy::event::{Change, Event, Evidence, MadeFrom, Unsettled};
use esa_engine::deploy::failure::{FailureKind, NoPrevious, RollbackSeen};
use esa_engine::esa::containers::AcrChange;
use esa_engine::esa::status::{AppStatus, Busy, VersionStatus};
use esa_engine::esa::versions::Listed;

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
        VersionStatus::Creating
        | VersionStatus::Created
        | VersionStatus::Failed
        | VersionStatus::Unknown(_) => status.to_string(),
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
        Unsettled::Changed(after) => format!("the answer to {what} was lost, and the app's status has changed since by another publish or rollback ({}), with no sign of this one; it is not sent again, which would undo that change", crate::words::phrases::describe(after)),
        Unsettled::NothingLeft => format!("the answer to {what} was lost, and the app's status shows no sign of it; no attempt or time is left to send it again (`max-attempts`, `timeout`)"),
    }
}

/// Tells one event, about the run `c` describes. Every event has its arm (no wildcard): a new
/// event does not compile until it is said here, or said to be nothing.
#[rustfmt::skip] // A dispatch table: one arm a line reads best.
pub fn narrate(event: &Event, c: &Context) -> Said {
    let v = c.version.as_str();
    match event {
        Event::Promoting { version_id, name } => promoting(version_id, name),
        Event::VersionFound { found } => version_found(found),
        Event::Making { name, from } => Said::Line(made_from(name, from)),
        Event::VersionCreated { version_id, name, request_id } => created(version_id, name, request_id),
        Event::CreationConfirmed { version_id, name, error } => confirmed(version_id, name, error),
        Event::VersionState { version_id, name, status } => version_state(version_id, name, status),
        Event::LockSkipped { error } => lock_skipped(error),
        Event::Busy { busy: b, .. } => waiting(b),
        Event::BusyOver { status } => over(status),
        Event::AlreadyServing { status } => already_serving(status, c),
        Event::Previous(previous) => served_before(previous, c),
        Event::Published { step, total, percentage, request_id, confirmed } => {
            published(v, (*step, *total), *percentage, request_id.as_deref(), confirmed.as_ref())
        }
        Event::Reading { before, status } => reading(before.as_ref(), status),
        Event::PhaseUnread { error } => phase_unread(error),
        Event::Serving { step, total, percentage } => serving(v, (*step, *total), *percentage),
        Event::Baking { duration, next, total } => baking(*duration, (*next, *total)),
        Event::Failed { kind, cause, step } => failed(kind, cause.as_ref(), *step, c),
        Event::RolledBack { to, request_id, confirmed } => rolled_back(to, request_id, *confirmed),
        Event::AnswerLost { change: ch, error, evidence: e } => answer_lost(ch, error, e),
        Event::Unsettled { change: ch, why } => Said::Line(unsettled(ch, why)),
        Event::Resending { change: ch, error, pause, attempt, max } => {
            resending(ch, error, *pause, (*attempt, *max))
        }
        Event::CheckStarted { step, total, window, ready, .. } => {
            checks::started((*step, *total), *window, ready)
        }
        Event::Measured { reading, measurement, verdict, streak, enforced, .. } => {
            checks::measured(*reading, measurement, *verdict, *streak, *enforced)
        }
        Event::CheckPassed { step, total, kind, readings, failed, enforced, .. } => {
            checks::passed((*step, *total), *kind, *readings, *failed, *enforced)
        }
        Event::Diagnosis(d) => explain::diagnosis(d),
        Event::Unread { look, error } => explain::unread(*look, error),
        Event::LogsTooLarge { asked, size, retry } => explain::too_large(*asked, *size, *retry),
        Event::Url(url) => explain::url(url.as_deref()),
        Event::StagingIps(ips) => explain::staging_ips(ips),
        Event::Deleted { version, request_id } => explain::deleted(version, request_id.as_deref()),
        Event::DeleteFailed { version, error } => explain::delete_failed(version, error),
        Event::DeletesLeft(count) => explain::deletes_left(*count),
        Event::WouldDelete(versions) => explain::would_delete(versions),
        // Only for the record and the chart.
        Event::VersionChosen(_) | Event::Before { .. } | Event::StepStarted { .. } | Event::Named { .. } => {
            Said::Nothing
        }
    }
}

fn promoting(version_id: &str, name: &str) -> Said {
    Said::Line(format!(
        "promoting {version_id} (`{name}`) from staging: staging has published it, runs it ready, and it is created"
    ))
}

fn version_found(found: &Listed) -> Said {
    Said::Line(format!(
        "a version named `{}` exists already ({}, {}): using it, not making another",
        found.name, found.version_id, found.status
    ))
}

fn created(version_id: &str, name: &str, request_id: &Option<String>) -> Said {
    Said::Line(format!(
        "created version {version_id} (`{name}`), RequestId {}",
        request_id.as_deref().unwrap_or("(none)")
    ))
}

fn confirmed(version_id: &str, name: &str, error: &Error) -> Said {
    Said::Warning {
        title: "AnswerLost",
        text: format!("the answer to the creation of version `{name}` was lost ({}: {error}), but the listing shows it: {version_id}. Its RequestId is unknown.", error.title()),
    }
}

fn version_state(version_id: &str, name: &str, status: &VersionStatus) -> Said {
    Said::Moment(format!(
        "version {version_id} (`{name}`) is {}",
        version_status(status)
    ))
}

fn lock_skipped(error: &Error) -> Said {
    Said::Warning {
        title: "PublishLockSkipped",
        text: format!("could not read the app's status, so whether another publish is under way is unchecked (grant `esa:GetEdgeContainerAppStatus` to enable the lock): {error}"),
    }
}

fn waiting(b: &Busy) -> Said {
    Said::Moment(format!(
        "{}; waiting for it to finish (`if-busy: wait`)",
        busy(b)
    ))
}

fn over(status: &AppStatus) -> Said {
    Said::Moment(format!("the other publish is over ({})", describe(status)))
}

fn already_serving(status: &AppStatus, c: &Context) -> Said {
    Said::Moment(format!(
        "{} serves all of {} already ({}): nothing to publish",
        status.current_version(),
        c.env,
        describe(status)
    ))
}

fn served_before(previous: &Result<String, NoPrevious>, c: &Context) -> Said {
    match previous {
        Ok(previous) => Said::Line(format!("before this run, {} served {previous}", c.env)),
        Err(none) => Said::Debug(format!("no version to roll back to: {}", no_previous(none))),
    }
}

fn phase_unread(error: &Error) -> Said {
    Said::Debug(format!(
        "GetEdgeContainerStagingDeployStatus failed, so container phases are not checked: {error}"
    ))
}

fn serving(version: &str, (step, total): (usize, usize), percentage: Option<u8>) -> Said {
    Said::Moment(format!(
        "step {step}/{total}: {version} serves {}",
        share(percentage)
    ))
}

fn baking(duration: Duration, (next, total): (usize, usize)) -> Said {
    Said::Moment(format!(
        "baking {} before step {next}/{total}",
        clock_text(duration)
    ))
}

fn failed(
    kind: &FailureKind,
    cause: Option<&Error>,
    step: Option<(usize, usize)>,
    c: &Context,
) -> Said {
    Said::Moment(format!("failed: {}", what_failed(kind, cause, step, c)))
}

fn rolled_back(to: &str, request_id: &Option<String>, confirmed: Option<RollbackSeen>) -> Said {
    let id = rollback_id(request_id.as_deref(), confirmed);
    Said::Moment(match confirmed {
        Some(RollbackSeen::RollingBack) => {
            format!("going back to {to}: this run's rollback or the service's own, RequestId {id}")
        }
        Some(RollbackSeen::NewRollbackTime) | None => {
            format!("rolled back to {to}, RequestId {id}")
        }
    })
}

fn answer_lost(c: &Change, error: &Error, e: &Evidence) -> Said {
    Said::Warning {
        title: "AnswerLost",
        text: format!("the answer to {} was lost ({}: {error}), but the app's status confirms it took effect: {}. Its RequestId is unknown.", change(c), error.title(), evidence(e, subject(c))),
    }
}

fn resending(c: &Change, error: &Error, pause: Duration, (attempt, max): (u32, u32)) -> Said {
    Said::Line(format!(
        "the answer to {} was lost ({}), and two readings of the app's status {} s apart show no sign of it, so it did not take effect: sending it again (attempt {attempt} of {max}). This is safe because nothing changed; see Reliability in the README",
        change(c), error.title(), pause.as_secs_f64()
    ))
}

/// A step's publish that went through: its RequestId, or how the status confirmed it.
fn published(
    version: &str,
    (step, total): (usize, usize),
    percentage: Option<u8>,
    request_id: Option<&str>,
    confirmed: Option<&Evidence>,
) -> Said {
    let what = format!(
        "step {step}/{total}: publishing {version} at {}",
        share(percentage)
    );
    Said::Moment(match confirmed {
        None => format!("{what} accepted, RequestId {}", request_id.unwrap_or("(none)")),
        Some(how) => format!("{what}: the answer was lost, and the app's status confirms it took effect ({}); RequestId unknown", evidence(how, version)),
    })
}
