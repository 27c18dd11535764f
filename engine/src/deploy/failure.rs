//! Why a deployment stopped, as types: the kind (each with its annotation code), the error of the call behind it (so its RequestId and remedy survive), the step it happened in, and what became of the rollback. `app` turns it into sentences.

use std::time::Duration;

use crate::base::error::Error;
use crate::deploy::checks::CheckFailure;
use crate::esa::status::{AppStatus, Busy, Phase, Unnamed, VersionStatus};

/// The part of the deployment under way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Stage {
    /// Finding, reading or making the version (and, in a dry run, everything it reads).
    #[default]
    Version,
    /// The publish lock: reading the status, waiting while the environment is busy.
    Lock,
    /// The steps: publishing, following, baking, rolling back.
    Steps,
    /// After the steps: where the app runs, and deleting what `keep-versions` lets go.
    Aftercare,
}

/// Where the deployment stands, for a cancellation's message and the `stopped-at` output.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// The part under way.
    pub stage: Stage,
    /// The number of steps (0 before the version is known).
    pub total: usize,
    /// The step under way, 1-based (0 before the first).
    pub current: usize,
    /// How many steps completed, and the share the last of them asked for (`None`: the
    /// service's default, 100%).
    pub completed: usize,
    pub completed_share: Option<u8>,
    /// Whether the run is baking after `completed`.
    pub baking: bool,
    /// The last step whose publish the service accepted (0: none), and the share it asked
    /// for; past `completed`, that publish is under way and being followed.
    pub accepted: usize,
    pub accepted_share: Option<u8>,
    /// The share of this run's version in the last reading of that publish, once read.
    pub last_share: Option<u8>,
}

impl Progress {
    /// Whether a step's publish was accepted and had not finished serving.
    pub fn publish_in_flight(&self) -> bool {
        self.accepted > self.completed
    }
}

/// What stopped the deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailureKind {
    /// A call failed before anything changed; the cause says which and why.
    Call,
    /// `version-name` alone: no version has exactly this name.
    VersionNotFound { name: String },
    /// `base-version` by name: no version has exactly this name.
    BaseVersionNotFound { name: String },
    /// The base version (by ID, given or served) does not exist; the cause is the service's
    /// answer.
    BaseVersionMissing { version_id: String },
    /// `version-id`: the service has no such version; the cause is its answer.
    VersionMissing { version_id: String },
    /// `version-id`: the version is not `created` (still being made, or of a status this
    /// model does not name).
    VersionNotCreated {
        version_id: String,
        name: String,
        status: VersionStatus,
    },
    /// `image` without `base-version`, and the environment serves nothing to copy.
    NoBaseVersion,
    /// The base runs several containers and `container-name` is not set.
    ContainerNameRequired {
        base: String,
        names: Vec<String>,
        image: String,
    },
    /// `container-name` names no container of the base.
    ContainerNotFound {
        base: String,
        wanted: String,
        names: Vec<String>,
    },
    /// The version's creation failed; `existed` when it was found so, not made by this run.
    VersionFailed {
        version_id: String,
        name: String,
        existed: bool,
    },
    /// The version was still not `created` when `wait-timeout` ran out.
    VersionNotReady {
        version_id: String,
        name: String,
        status: VersionStatus,
        waited: Duration,
    },
    /// A region publish names regions the app cannot deploy to.
    RegionsNotDeployable {
        unknown: Vec<String>,
        available: Vec<String>,
    },
    /// `promote-from: staging`: no one version serves all of staging (still publishing, split
    /// between two versions, rolling back or rolled back, or serving none); `chosen` when it
    /// served that version before prod's lock was waited for, and no longer does.
    StagingNotPublished {
        status: Box<AppStatus>,
        chosen: Option<String>,
    },
    /// `promote-from: staging`: staging's container does not run ready.
    StagingNotReady {
        version_id: String,
        phase: Phase,
        ready: Option<bool>,
    },
    /// `promote-from: staging`: the version staging serves is not `created`.
    PromotedNotCreated {
        version_id: String,
        name: String,
        status: VersionStatus,
    },
    /// The environment is busy (`if-busy: fail`).
    PublishInProgress { busy: Busy, status: Box<AppStatus> },
    /// The environment was still busy after `wait-timeout` (`if-busy: wait`).
    StillBusy { busy: Busy, waited: Duration },
    /// The service rolled the rollout back.
    RolledBack { status: Box<AppStatus> },
    /// Another version took over.
    TakenOver { by: String },
    /// Staging: the container cannot run.
    ContainerFailed { phase: Phase },
    /// The rollout did not reach its share within `wait-timeout`.
    TimedOut {
        percentage: u8,
        last: Option<Box<AppStatus>>,
        waited: Duration,
        /// How long before the end the readings last changed (share or status); `waited` when
        /// they never did.
        stalled: Duration,
    },
    /// The status could not be read while following the rollout; the cause says why.
    StatusUnknown,
    /// A check of the step's bake failed it.
    CheckFailed(CheckFailure),
    /// A later step's publish failed; the cause says why.
    StepPublishFailed,
    /// The runner cancelled the job, with where the steps stood.
    Cancelled(Progress),
}

impl FailureKind {
    /// The annotation title of this kind; `None` where the cause's title is the right one
    /// (a failed call carries the service's error code).
    pub fn code(&self) -> Option<&'static str> {
        Some(match self {
            FailureKind::Call
            | FailureKind::StepPublishFailed
            | FailureKind::BaseVersionMissing { .. }
            | FailureKind::VersionMissing { .. } => return None,
            FailureKind::VersionNotFound { .. } => "VersionNotFound",
            FailureKind::BaseVersionNotFound { .. } => "BaseVersionNotFound",
            FailureKind::NoBaseVersion => "NoBaseVersion",
            FailureKind::ContainerNameRequired { .. } => "ContainerNameRequired",
            FailureKind::ContainerNotFound { .. } => "ContainerNotFound",
            FailureKind::VersionFailed { .. } => "VersionFailed",
            FailureKind::VersionNotReady { .. } => "VersionNotReady",
            FailureKind::RegionsNotDeployable { .. } => "RegionNotDeployable",
            FailureKind::StagingNotPublished { .. } => "StagingNotPublished",
            FailureKind::StagingNotReady { .. } => "StagingNotReady",
            FailureKind::PromotedNotCreated { .. } | FailureKind::VersionNotCreated { .. } => {
                "VersionNotCreated"
            }
            FailureKind::PublishInProgress { .. } | FailureKind::StillBusy { .. } => {
                "PublishInProgress"
            }
            FailureKind::RolledBack { .. } => "RolloutRolledBack",
            FailureKind::TakenOver { .. } => "RolloutTakenOver",
            FailureKind::ContainerFailed {
                phase: Phase::CrashLoopBackOff,
            } => "ContainerCrashLoop",
            FailureKind::ContainerFailed {
                phase: Phase::ImagePullBackOff,
            } => "ImagePullFailed",
            FailureKind::ContainerFailed { .. } => "ContainerFailed",
            FailureKind::TimedOut { .. } => "RolloutTimeout",
            FailureKind::StatusUnknown => "RolloutStatusUnknown",
            FailureKind::CheckFailed(CheckFailure::Health(_)) => "HealthCheckFailed",
            FailureKind::Cancelled(_) => "Cancelled",
        })
    }

    /// Whether the failure is about the version, before anything was published.
    pub fn before_publishing(&self) -> bool {
        matches!(
            self,
            FailureKind::VersionNotFound { .. }
                | FailureKind::BaseVersionNotFound { .. }
                | FailureKind::BaseVersionMissing { .. }
                | FailureKind::VersionMissing { .. }
                | FailureKind::VersionNotCreated { .. }
                | FailureKind::NoBaseVersion
                | FailureKind::ContainerNameRequired { .. }
                | FailureKind::ContainerNotFound { .. }
                | FailureKind::VersionFailed { .. }
                | FailureKind::VersionNotReady { .. }
                | FailureKind::RegionsNotDeployable { .. }
                | FailureKind::StagingNotPublished { .. }
                | FailureKind::StagingNotReady { .. }
                | FailureKind::PromotedNotCreated { .. }
        )
    }
}

/// What became of the rollback after a failed step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rollback {
    /// Not asked for (`rollback-on-failure` is false), or nothing was published yet.
    NotAsked,
    /// Asked for, but the reading before the first publish names no version to go back to.
    NoPrevious(NoPrevious),
    /// Asked for, but the last reading shows another version publishing or serving (it took
    /// over), or (`None`) a publish whose answer was lost left the front unknown: a rollback
    /// could undo a publish this run did not make.
    NotOurs { current: Option<String> },
    /// Rolled back to `to`; `request_id` is `None` when the answer was lost and the status
    /// confirmed it.
    Done {
        to: String,
        request_id: Option<String>,
        confirmed: bool,
    },
    /// The rollback to `to` failed too.
    Failed { to: String, error: Box<Error> },
}

/// Why no version that served before this run is known, so that nothing can be rolled back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoPrevious {
    /// No reading was taken before the first publish (the lock was skipped).
    NoReading,
    /// The reading before the first publish names none, for this reason.
    Unnamed {
        why: Unnamed,
        reading: Box<AppStatus>,
    },
}

/// Why the deployment stopped, with what it was doing then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    /// The error of the call behind it: its RequestId, its "may have taken effect" remedy.
    pub cause: Option<Error>,
    /// The step it happened in, 1-based, and the number of steps (rollout failures only).
    pub step: Option<(usize, usize)>,
    pub rollback: Rollback,
}

impl Failure {
    /// A failure of this kind, outside any step, with nothing rolled back.
    pub fn new(kind: FailureKind) -> Self {
        Failure {
            kind,
            cause: None,
            step: None,
            rollback: Rollback::NotAsked,
        }
    }

    /// A call that failed before anything changed.
    pub fn call(error: Error) -> Self {
        Failure {
            cause: Some(error),
            ..Failure::new(FailureKind::Call)
        }
    }

    /// The annotation title: the kind's code, or else the cause's (the service's error code).
    pub fn title(&self) -> String {
        match (self.kind.code(), &self.cause) {
            (Some(code), _) => code.to_string(),
            (None, Some(cause)) => cause.title(),
            (None, None) => "SystemError".to_string(),
        }
    }

    /// The RequestId of the call behind it, if the service answered.
    pub fn request_id(&self) -> Option<&str> {
        self.cause.as_ref().and_then(Error::request_id)
    }
}
