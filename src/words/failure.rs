//! Why a run failed, as the annotation and the summary say it: an error of the inputs, the credentials or a call, or a deployment's typed failure told in words, each with its title, its RequestId and what to do next.

use crate::ci::host::Host;
use crate::words::checks;
use crate::words::phrases::{busy, describe, rollback_id, status_or, Context};
use crate::words::remedy::remedy;
use esa_engine::base::error::Error;
use esa_engine::base::text::{clock_text, shown};
use esa_engine::deploy::failure::{
    Failure, FailureKind, NoPrevious, Progress, Rollback, RollbackSeen, Stage,
};
use esa_engine::esa::status::{AppStatus, Busy, PublishStatus, Unnamed};

/// A failed run.
#[derive(Debug)]
pub enum Failed {
    /// Inputs, credentials, the runner's files, or a call before the deployment.
    Error(Error),
    /// The deployment stopped, as its engine reported it.
    Deploy(Box<Failure>, Context),
    /// The runner cancelled the job during keyless sign-in, before any call to ESA.
    SignInCancelled,
}

impl From<Error> for Failed {
    fn from(e: Error) -> Self {
        Failed::Error(e)
    }
}

/// The title of a cancelled run, in every phase.
pub const CANCELLED: &str = "Cancelled";

impl Failed {
    /// The annotation title: the Alibaba error code where there is one.
    pub fn title(&self) -> String {
        match self {
            Failed::Error(e) => e.title(),
            Failed::Deploy(f, _) => f.title(),
            Failed::SignInCancelled => CANCELLED.into(),
        }
    }

    /// The RequestId of the call that failed, if the service answered.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Failed::Error(e) => e.request_id(),
            Failed::Deploy(f, _) => f.request_id(),
            Failed::SignInCancelled => None,
        }
    }

    /// The inputs' problems, when that is what failed.
    pub fn input_error(&self) -> Option<&Error> {
        match self {
            Failed::Error(e @ Error::Inputs(_)) => Some(e),
            Failed::Error(_) | Failed::Deploy(..) | Failed::SignInCancelled => None,
        }
    }

    /// The whole message: what happened, then what to do.
    pub fn message(&self) -> String {
        let (text, remedies) = match self {
            Failed::Error(e) => (e.to_string(), vec![remedy(e)]),
            Failed::Deploy(f, c) => (
                deploy_text(f, c),
                vec![
                    f.cause.as_ref().and_then(remedy),
                    kind_remedy(&f.kind, c.host).map(str::to_string),
                ],
            ),
            Failed::SignInCancelled => (
                "cancelled during sign-in: nothing was sent to ESA, and nothing was published"
                    .to_string(),
                vec![],
            ),
        };
        let parts = std::iter::once(text).chain(remedies.into_iter().flatten());
        sentences(parts)
    }
}

/// Texts joined into one message, each ended with its stop before the next begins: a text
/// ending mid-sentence (a name in backticks, a parenthesis) would otherwise run into the next
/// one's capital.
pub fn sentences(parts: impl IntoIterator<Item = String>) -> String {
    let mut message = String::new();
    for part in parts {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        if !message.is_empty() {
            if !message.ends_with(['.', '!', '?']) {
                message.push('.');
            }
            message.push(' ');
        }
        message.push_str(part);
    }
    message
}

/// What to do about a deployment's failure, chosen by its kind, in the host's words (only
/// GitHub has a job summary). A refusal before any publish says so in its own words.
fn kind_remedy(kind: &FailureKind, host: Host) -> Option<&'static str> {
    Some(match kind {
        FailureKind::Call
        | FailureKind::Cancelled { .. }
        | FailureKind::RegionsNotDeployable { .. }
        | FailureKind::StagingNotPublished { .. }
        | FailureKind::StagingNotReady { .. }
        | FailureKind::PromotedNotCreated { .. } => return None,
        FailureKind::VersionNotFound { .. }
        | FailureKind::BaseVersionNotFound { .. }
        | FailureKind::BaseVersionMissing { .. }
        | FailureKind::VersionMissing { .. }
        | FailureKind::VersionNotCreated { .. }
        | FailureKind::NoBaseVersion
        | FailureKind::ContainerNameRequired { .. }
        | FailureKind::ContainerNotFound { .. }
        | FailureKind::VersionFailed { .. }
        | FailureKind::VersionNotReady { .. } => {
            "The app's versions, with their status and containers, are in the ESA console."
        }
        FailureKind::PublishInProgress { .. }
        | FailureKind::StillBusy { .. }
        | FailureKind::RolledBack { .. }
        | FailureKind::TakenOver { .. }
        | FailureKind::ContainerFailed { .. }
        | FailureKind::TimedOut { .. }
        | FailureKind::StatusUnknown
        | FailureKind::CheckFailed(_)
        | FailureKind::StepPublishFailed => rollout_remedy(host),
    })
}

/// Where a failed rollout is explained, in the host's words.
fn rollout_remedy(host: Host) -> &'static str {
    match host {
        Host::GitHub => "The job summary shows what explains it and the rollout's timeline; the app's publish status is in the ESA console.",
        Host::GitLab => "The job log above shows what explains it and the rollout's timeline, and the dotenv report has the outputs; the app's publish status is in the ESA console.",
        Host::Drone | Host::Woodpecker => "The step's log above shows what explains it and the rollout's timeline; the app's publish status is in the ESA console.",
        Host::Plain => "The log above shows what explains it and the rollout's timeline; the app's publish status is in the ESA console.",
    }
}

/// What failed, in its step: `step 2/3: ver-2 did not reach 50% …`.
pub fn what_failed(
    kind: &FailureKind,
    cause: Option<&Error>,
    step: Option<(usize, usize)>,
    c: &Context,
) -> String {
    let Some(mut what) = kind_text(kind, cause, c) else {
        return cause.map(Error::to_string).unwrap_or_default();
    };
    // The call behind it answered: its RequestId is in the message, whatever the words.
    if let Some(id) = cause
        .and_then(Error::request_id)
        .filter(|id| !what.contains(id))
    {
        what.push_str(&format!(" (RequestId {})", shown(id)));
    }
    match step {
        Some((step, total)) => format!("step {step}/{total}: {what}"),
        None => what,
    }
}

/// The words of a deployment's failure: the kind, in its step, then the rollback.
fn deploy_text(f: &Failure, c: &Context) -> String {
    let what = what_failed(&f.kind, f.cause.as_ref(), f.step, c);
    match (&f.rollback, f.step) {
        (_, None) => what,
        (Rollback::NotAsked, _) => {
            format!("{what}. Nothing was rolled back (`rollback-on-failure` is false).")
        }
        (Rollback::NoPrevious(none), _) => {
            format!("{what}. No rollback: {}.", no_previous(none))
        }
        (Rollback::NotOurs { current: Some(current) }, _) => format!(
            "{what}. No rollback: {current} is publishing or serving now, not this run's version, and a rollback would undo that publish."
        ),
        (Rollback::NotOurs { current: None }, _) => format!(
            "{what}. No rollback: the publish's answer was lost and the status cannot show whose version is in front, so a rollback could undo another's publish; check the app's status."
        ),
        (
            Rollback::Done {
                to,
                request_id,
                confirmed,
            },
            _,
        ) => match confirmed {
            Some(RollbackSeen::RollingBack) => format!(
                "{what}. The app is going back to {to}: this run's rollback got no answer, and the status shows a rollback to {to}, this run's or the service's own (the reading cannot tell which)."
            ),
            Some(RollbackSeen::NewRollbackTime) | None => format!(
                "{what}. Rolled back to {to} (rollback RequestId {}).",
                rollback_id(request_id.as_deref(), *confirmed)
            ),
        },
        (Rollback::Failed { to, error }, _) => {
            format!("{what}. The rollback to {to} failed too: {error}")
        }
    }
}

/// Why no version is known to roll back to: which versions the reading before the first
/// publish named, and why none of them was chosen.
pub fn no_previous(none: &NoPrevious) -> String {
    let NoPrevious::Unnamed { why, reading } = none else {
        return "the app's status was not read before the first publish (the lock was skipped), so the version that served before is unknown".into();
    };
    let read = versions_read(reading);
    match why {
        Unnamed::NothingServed => format!("the reading before the first publish ({read}) shows no version serving, so there is none to go back to"),
        Unnamed::Ours => format!("the reading before the first publish ({read}) shows this run's own version as the one serving, so going back would change nothing; no earlier version is known"),
        Unnamed::Unclear => format!("the reading before the first publish ({read}) does not say which version serves the rest of the traffic, and `BaseLineVersion` is not trusted for it (the service does not document what it holds after a publish or a rollback)"),
    }
}

/// `PublishStatus published 100%, PublishingVersion ver-2, DeployedVersion ver-1,
/// BaseLineVersion ver-1`: every version a reading names, for a message about the choice.
fn versions_read(s: &AppStatus) -> String {
    let or_none = |v: &str| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.to_string()
        }
    };
    format!(
        "PublishStatus {} at {}%, PublishingVersion {}, DeployedVersion {}, BaseLineVersion {}",
        status_or(&s.publish_status, "(none)"),
        s.publish_percentage,
        or_none(&s.publishing_version),
        or_none(&s.deployed_version),
        or_none(&s.baseline_version)
    )
}

/// The kind's own words; `None` for a failed call, whose error speaks for itself. Every kind
/// has its arm (no wildcard): a new one does not compile until it is said here.
fn kind_text(kind: &FailureKind, cause: Option<&Error>, c: &Context) -> Option<String> {
    let v = &c.version;
    let app = &c.app_id;
    let cause = || cause.map(Error::to_string).unwrap_or_default();
    Some(match kind {
        FailureKind::Call => return None,
        FailureKind::CheckFailed(why) => checks::failed(why, &cause()),
        FailureKind::RolledBack { status } => format!("the rollout of {v} was rolled back (PublishStatus {})", status.publish_status),
        FailureKind::TakenOver { by } => format!("another version, {by}, took over from {v}"),
        FailureKind::ContainerFailed { phase } => format!("the staging container of {v} cannot run: {phase}"),
        FailureKind::TimedOut { percentage, last, waited, stalled } => format!(
            "{v} did not reach {percentage}% within `wait-timeout` ({}); last reading: {}; {}",
            clock_text(*waited),
            last.as_deref().map(describe).unwrap_or_else(|| "none".into()),
            match stalled >= waited {
                true => "the service reported no progress in that time".to_string(),
                false => format!("the service last reported progress {} before the end", clock_text(*stalled)),
            }
        ),
        FailureKind::StatusUnknown => format!("the rollout's status could not be read: {}", cause()),
        FailureKind::StepPublishFailed => format!("the publish failed: {}", cause()),
        FailureKind::PublishInProgress { busy: Busy::Publishing(other), status } => format!(
            "{} is already publishing {other} to {} ({}); not publishing {v} on top of it. Re-run when it has finished, or set `if-busy: wait`.",
            c.app_id, c.env, describe(status)
        ),
        FailureKind::PublishInProgress { busy: Busy::RollingBack, status } => format!(
            "{} is rolling back on {} ({}); not publishing {v} on top of it. Re-run when the rollback has finished, or set `if-busy: wait`.",
            c.app_id, c.env, describe(status)
        ),
        FailureKind::StillBusy { busy: b, waited } => format!(
            "{} still, after `wait-timeout` ({}); {v} was not published",
            busy(b), clock_text(*waited)
        ),
        FailureKind::Cancelled(progress) => cancelled(progress, c),
        FailureKind::VersionNotFound { name } => format!("no version of {app} is named exactly `{name}`; nothing was published. Check `version-name` (names are compared whole), or make the version with `image` or `version-spec`"),
        FailureKind::BaseVersionNotFound { name } => format!("no version of {app} is named exactly `{name}`, so there is nothing to copy (`base-version`); nothing was made or published"),
        FailureKind::StagingNotPublished { status, chosen } => staging_not_published(status, chosen.as_deref()),
        FailureKind::StagingNotReady { version_id, phase, ready } => format!("staging's container of {version_id} is not running ready (phase {phase}, ready {}); nothing was published to prod. Promote once staging runs it", match ready { Some(true) => "yes", Some(false) => "no", None => "unknown" }),
        FailureKind::PromotedNotCreated { version_id, name, status } => format!("the version staging serves, {version_id} (`{name}`), is {status}, not created; nothing was published to prod"),
        FailureKind::VersionMissing { version_id } => format!("{app} has no version {version_id}, so there is nothing to publish; nothing was published. Check `version-id` (ListEdgeContainerAppVersions or the ESA console lists the app's versions)"),
        FailureKind::VersionNotCreated { version_id, name, status } => format!("version {version_id} (`{name}`) is {status}, not created, so it cannot be published yet; nothing was published. Re-run once it is created"),
        FailureKind::BaseVersionMissing { version_id } => format!("the base version {version_id} does not exist in {app}, so there is nothing to copy the image into; nothing was made or published. Set `base-version` to a version that exists (ListEdgeContainerAppVersions or the ESA console lists them), or leave it out to copy what {} serves", c.env),
        FailureKind::NoBaseVersion => format!("{app} serves no version on {} yet, so there is no base version to copy the image into; nothing was made or published. Set `base-version` (a ver-… ID or a version name) or `version-spec`", c.env),
        FailureKind::ContainerNameRequired { base, names, image } => format!("the base version {base} runs {} containers ({}); nothing was made or published. Set `container-name` to the one that takes {image}", names.len(), names.join(", ")),
        FailureKind::ContainerNotFound { base, wanted, names } => format!("the base version {base} has no container named `{wanted}`; its containers are: {}. Nothing was made or published", names.join(", ")),
        FailureKind::VersionFailed { version_id, name, existed: true } => format!("the version named `{name}` ({version_id}) exists, and its creation failed; nothing was published. Look at it in the ESA console, then delete it or choose another `version-name`"),
        FailureKind::VersionFailed { version_id, name, existed: false } => format!("the creation of version {version_id} (`{name}`) failed; nothing was published. Its containers and events are in the ESA console"),
        FailureKind::RegionsNotDeployable { unknown, available } => format!("`regions` names {} that {app} cannot deploy to; it can deploy to: {}. Nothing was published", unknown.iter().map(|r| format!("`{}`", shown(r))).collect::<Vec<_>>().join(", "), available.join(", ")),
        FailureKind::VersionNotReady { version_id, name, status, waited } => format!("version {version_id} (`{name}`) was still {status} after `wait-timeout` ({}); nothing was published. Re-run to pick it up once it is created", clock_text(*waited)),
    })
}

/// Why staging's reading names no version to promote.
fn staging_not_published(s: &AppStatus, chosen: Option<&str>) -> String {
    let publishing = matches!(
        s.publish_status,
        PublishStatus::Publishing | PublishStatus::Published
    );
    let now = match (s.publishing_version.as_str(), s.rest_version()) {
        (version, Some(rest))
            if publishing && !version.is_empty() && s.full_version().is_none() =>
        {
            format!(
            "staging is split between two versions: {version} serves {}% and {rest} the rest ({})",
            s.publish_percentage,
            describe(s)
        )
        }
        _ => match s.full_version() {
            Some(other) => format!("staging serves {other} now ({})", describe(s)),
            None => format!(
                "staging has not published one version to all of it ({})",
                describe(s)
            ),
        },
    };
    let what = match chosen {
        Some(chosen) => format!("staging changed while this run waited for prod's lock: it served {chosen} when the run began, and {now}"),
        None => now,
    };
    format!("{what}; nothing was published to prod. Promote once one version serves all of staging (`published` at 100%)")
}

/// Where a cancelled run stopped.
fn cancelled(p: &Progress, c: &Context) -> String {
    match p.stage {
        Stage::Version => "cancelled while finding or making the version: nothing was published (a version whose creation was asked for may still be created; it serves nowhere)".into(),
        Stage::Lock => "cancelled while reading the publish lock or waiting for it: nothing was published".into(),
        Stage::Steps => cancelled_in_steps(p, c),
        Stage::Aftercare => format!("cancelled after every step served ({}/{}), while reading where the app runs or deleting old versions: the rollout is complete, and old versions may be left to delete", p.completed, p.total),
    }
}

/// Where a run cancelled during its steps stopped.
fn cancelled_in_steps(p: &Progress, c: &Context) -> String {
    let total = p.total;
    if p.publish_in_flight() {
        let read = match p.last_share {
            Some(share) => format!("the last reading showed {} serving {share}%", c.version),
            None => "no reading of it had come yet".to_string(),
        };
        return format!(
            "cancelled during step {}/{total}: its publish of {} at {} was accepted and was being followed, and {read}; the service may carry it on to that share. Nothing was rolled back (check the app's publish status)",
            p.accepted,
            c.version,
            p.accepted_share.map_or("100%".to_string(), |s| format!("{s}%"))
        );
    }
    let last = match p.completed {
        0 => "no step had completed".to_string(),
        n => format!(
            "the last completed step, {n}/{total} at {}, stays in place",
            p.completed_share
                .map_or("100%".to_string(), |s| format!("{s}%"))
        ),
    };
    let when = match (p.baking, p.current) {
        (true, _) => format!("while baking after step {}/{total}", p.completed),
        (false, 0) => "before the first step".to_string(),
        (false, n) => format!("during step {n}/{total}"),
    };
    format!("cancelled {when}: {last}; nothing was rolled back, and a publish already sent may still go on (check the app's publish status)")
}
