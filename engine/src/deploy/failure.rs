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
    /// The share the last completed step asked for.
    pub completed_share: Option<u8>,
    /// Whether the run is baking after `completed`.
    pub baking: bool,
    /// The last step whose publish the service accepted (0: none), and the share it asked
    /// for; past `completed`, that publish is under way and being followed.
    pub accepted: usize,
    /// The share the last accepted publish asked for.
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
#[derive(Debug, Clone, PartialEq)]
pub enum FailureKind {
    /// A call failed before anything changed; the cause says which and why.
    Call,
    /// `version-name` alone: no version has exactly this name.
    VersionNotFound {
        /// The name looked up.
        name: String,
    },
    /// `base-version` by name: no version has exactly this name.
    BaseVersionNotFound {
        /// The name looked up.
        name: String,
    },
    /// The base version (by ID, given or served) does not exist; the cause is the service's
    /// answer.
    BaseVersionMissing {
        /// The base version's ID.
        version_id: String,
    },
    /// `version-id`: the service has no such version; the cause is its answer.
    VersionMissing {
        /// The version's ID.
        version_id: String,
    },
    /// `version-id`: the version is not `created` (still being made, or of a status this
    /// model does not name).
    VersionNotCreated {
        /// The version's ID.
        version_id: String,
        /// Its name.
        name: String,
        /// Its status.
        status: VersionStatus,
    },
    /// `image` without `base-version`, and the environment serves nothing to copy.
    NoBaseVersion,
    /// The base runs several containers and `container-name` is not set.
    ContainerNameRequired {
        /// The base version's ID.
        base: String,
        /// Its containers' names.
        names: Vec<String>,
        /// The image to swap in.
        image: String,
    },
    /// `container-name` names no container of the base.
    ContainerNotFound {
        /// The base version's ID.
        base: String,
        /// The name `container-name` gave.
        wanted: String,
        /// Its containers' names.
        names: Vec<String>,
    },
    /// The version's creation failed; `existed` when it was found so, not made by this run.
    VersionFailed {
        /// The version's ID.
        version_id: String,
        /// Its name.
        name: String,
        /// Whether it existed before this run.
        existed: bool,
    },
    /// The version was still not `created` when `wait-timeout` ran out.
    VersionNotReady {
        /// The version's ID.
        version_id: String,
        /// Its name.
        name: String,
        /// Its last status.
        status: VersionStatus,
        /// How long the run waited.
        waited: Duration,
    },
    /// A region publish names regions the app cannot deploy to.
    RegionsNotDeployable {
        /// The regions `regions` names that the app cannot deploy to.
        unknown: Vec<String>,
        /// The regions it can deploy to.
        available: Vec<String>,
    },
    /// `promote-from: staging`: no one version serves all of staging (still publishing, split
    /// between two versions, rolling back or rolled back, or serving none); `chosen` when it
    /// served that version before prod's lock was waited for, and no longer does.
    StagingNotPublished {
        /// Staging's reading.
        status: Box<AppStatus>,
        /// The version staging served when the run began, when it served one.
        chosen: Option<String>,
    },
    /// `promote-from: staging`: staging's container does not run ready.
    StagingNotReady {
        /// The version staging serves.
        version_id: String,
        /// Its container's phase.
        phase: Phase,
        /// Whether it reports ready.
        ready: Option<bool>,
    },
    /// `promote-from: staging`: the version staging serves is not `created`.
    PromotedNotCreated {
        /// The version staging serves.
        version_id: String,
        /// Its name.
        name: String,
        /// Its status.
        status: VersionStatus,
    },
    /// The environment is busy (`if-busy: fail`).
    PublishInProgress {
        /// What keeps it busy.
        busy: Busy,
        /// The lock's reading.
        status: Box<AppStatus>,
    },
    /// The environment was still busy after `wait-timeout` (`if-busy: wait`).
    StillBusy {
        /// What keeps it busy.
        busy: Busy,
        /// How long the run waited.
        waited: Duration,
    },
    /// The service rolled the rollout back.
    RolledBack {
        /// The reading that shows it.
        status: Box<AppStatus>,
    },
    /// Another version took over.
    TakenOver {
        /// The version in front now.
        by: String,
    },
    /// Staging: the container cannot run.
    ContainerFailed {
        /// Its phase.
        phase: Phase,
    },
    /// The rollout did not reach its share within `wait-timeout`.
    TimedOut {
        /// The share the step asked for.
        percentage: u8,
        /// The last reading, if any.
        last: Option<Box<AppStatus>>,
        /// How long the run waited.
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
            FailureKind::CheckFailed(CheckFailure::Metric(_)) => "MetricCheckFailed",
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
    NotOurs {
        /// The version in front now, when known.
        current: Option<String>,
    },
    /// Rolled back to `to`; `request_id` is `None` when the answer was lost and the status
    /// showed a rollback.
    Done {
        /// The version rolled back to.
        to: String,
        /// The rollback's RequestId.
        request_id: Option<String>,
        /// How the status showed the rollback, when its answer was lost.
        confirmed: Option<RollbackSeen>,
    },
    /// The rollback to `to` failed too.
    Failed {
        /// The version it would have gone back to.
        to: String,
        /// Why it failed.
        error: Box<Error>,
    },
}

/// How the status showed a rollback whose answer was lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RollbackSeen {
    /// A new `RollbackTime`: a rollback was made since the reading before it was sent.
    NewRollbackTime,
    /// Only the status: the app newly rolling back (or rolled back) to that version. The
    /// service's own rollback of a failing rollout reads the same, so the reading cannot tell
    /// whose rollback it is: only that the app is going back to that version.
    RollingBack,
}

/// Why no version that served before this run is known, so that nothing can be rolled back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoPrevious {
    /// No reading was taken before the first publish (the lock was skipped).
    NoReading,
    /// The reading before the first publish names none, for this reason.
    Unnamed {
        /// Why none.
        why: Unnamed,
        /// The reading.
        reading: Box<AppStatus>,
    },
}

/// Why the deployment stopped, with what it was doing then.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// What stopped it.
    pub kind: FailureKind,
    /// The error of the call behind it: its RequestId, its "may have taken effect" remedy.
    pub cause: Option<Error>,
    /// The step it happened in, 1-based, and the number of steps (rollout failures only).
    pub step: Option<(usize, usize)>,
    /// What became of the rollback.
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
