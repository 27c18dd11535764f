//! What the engine reports as it goes, as types: one observer (in `app`) turns each event into log lines, the timeline, the chart, the outputs and the summary. Nothing here is prose.

use std::time::Duration;

use serde_json::Value;

use crate::base::error::Error;
use crate::deploy::checks::{Measurement, Ready, Verdict};
use crate::deploy::failure::{FailureKind, NoPrevious};
use crate::esa::containers::AcrChange;
use crate::esa::diagnostics::RegionReadiness;
use crate::esa::status::{AppStatus, Busy, StagingStatus, VersionStatus};
use crate::esa::versions::Listed;

/// The version that will be published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    pub version_id: String,
    /// Its name, when the run knows it.
    pub name: Option<String>,
    /// Whether this run made it.
    pub created: bool,
}

/// What a new version is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MadeFrom {
    /// A base version's containers with one image swapped.
    Copy {
        base_id: String,
        base_name: String,
        container: String,
        old_image: String,
        image: String,
        acr: AcrChange,
    },
    /// The containers of a spec file.
    Spec { path: String, containers: usize },
}

/// What a dry run learns about the version with reads only.
#[derive(Debug, Clone, PartialEq)]
pub enum Prepared {
    /// Ready to publish.
    Ready(Chosen),
    /// It exists and is still `creating`: it would be waited for.
    Creating { version_id: String, name: String },
    /// It would be made with these containers.
    ToCreate {
        name: String,
        containers: Vec<Value>,
        from: MadeFrom,
    },
}

/// A publish or a rollback: the calls that change the app, and are settled when their answer
/// is lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The publish of `version` at `percentage` (`None`: the service's default), step
    /// `step` of `total`.
    Publish {
        version: String,
        percentage: Option<u8>,
        step: usize,
        total: usize,
    },
    /// The rollback to `to`, after the rollout of `failed` failed with `code`.
    Rollback {
        to: String,
        failed: String,
        code: String,
    },
}

/// Why a lost answer could not be settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unsettled {
    /// No reading was taken before the call (the lock was skipped).
    NoReading,
    /// The status could not be read.
    Unreadable(Error),
    /// Two readings show no sign of it, and no attempt or time is left to send it again.
    NothingLeft,
    /// The status shows a publish or rollback since, not this one: sending it again would
    /// undo that.
    Changed(Box<AppStatus>),
}

/// How a reading shows that a call whose answer was lost took effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evidence {
    /// The version is in front with a `PublishTime` it did not have before.
    NewPublishTime { after: Box<AppStatus>, was: String },
    /// The version is newly in front, where before the reading showed `before`.
    NowInFront {
        before: Box<AppStatus>,
        after: Box<AppStatus>,
    },
    /// The version's target share moved to the step's.
    TargetMoved { from: u8, to: u8 },
    /// A `RollbackTime` that was not there before.
    NewRollbackTime { after: Box<AppStatus>, was: String },
    /// The status newly rolling back (or rolled back).
    NowRollingBack {
        before: Box<AppStatus>,
        after: Box<AppStatus>,
    },
}

/// How a deployment ended well.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Every step was published (and followed, when asked).
    Deployed,
    /// The lock's reading showed the version serving the whole environment already: nothing
    /// was published.
    Unchanged,
    /// A dry run: what the reads found about the version.
    Prepared(Prepared),
}

/// A read that explains a failure or says where the app runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    /// The staging pod's state (GetEdgeContainerStagingDeployStatus).
    Pod,
    /// Each region's replicas (GetEdgeContainerAppResourceStatus).
    Regions,
    /// The app's container log (GetEdgeContainerLogs).
    Logs,
    /// The app and its domain (GetEdgeContainerApp).
    App,
    /// The staging environment's addresses (GetEdgeContainerStagingDeployStatus).
    StagingIps,
    /// The versions, for `keep-versions` (ListEdgeContainerAppVersions).
    Versions,
    /// An environment's status, for `keep-versions` (GetEdgeContainerAppStatus).
    Status,
    /// The regions the app can deploy to, to check `regions` (GetEdgeContainerDeployRegions).
    DeployRegions,
    /// The version given by ID, for its name (GetEdgeContainerAppVersion).
    Version,
}

/// What explains a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Diagnosis {
    /// Staging: the pod.
    Pod(StagingStatus),
    /// Prod: each region's replicas (staging's left out).
    Regions(Vec<RegionReadiness>),
    /// The last lines of the app's container log.
    Logs(Vec<String>),
    /// `logs-on-failure: auto` withheld the log: the repository is public (or nobody said).
    LogsWithheld { public: bool },
}

/// One thing that happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The version the run was to make exists already (a re-run): it is used, not made again.
    VersionFound { found: Listed },
    /// A version is about to be made.
    Making { name: String, from: MadeFrom },
    /// It was made.
    VersionCreated {
        version_id: String,
        name: String,
        request_id: Option<String>,
    },
    /// Its creation's answer was lost, and the listing shows it.
    CreationConfirmed {
        version_id: String,
        name: String,
        error: Error,
    },
    /// The version's status changed while waiting for it.
    VersionState {
        version_id: String,
        name: String,
        status: VersionStatus,
    },
    /// The version is known (so a failure later still names it).
    VersionChosen(Chosen),
    /// The lock's reading could not be taken (not permitted), so the lock is skipped.
    LockSkipped { error: Error },
    /// The lock's reading: what serves before this run.
    Before { status: AppStatus },
    /// The version this run would roll back to, chosen from the reading the first publish
    /// goes ahead on; or why none is known.
    Previous(Result<String, NoPrevious>),
    /// That reading shows the version serving the whole environment already: nothing is
    /// published.
    AlreadyServing { status: AppStatus },
    /// The environment is busy; the run waits (`if-busy: wait`).
    Busy { busy: Busy, status: AppStatus },
    /// It is no longer busy.
    BusyOver { status: AppStatus },
    /// A step's publish is about to be sent.
    StepStarted {
        step: usize,
        total: usize,
        percentage: Option<u8>,
    },
    /// A step's publish went through: with its RequestId, or confirmed by the status.
    Published {
        step: usize,
        total: usize,
        percentage: Option<u8>,
        request_id: Option<String>,
        confirmed: Option<Evidence>,
    },
    /// A reading while following the rollout; `before` is the previous one of this step.
    Reading {
        before: Option<AppStatus>,
        status: AppStatus,
    },
    /// The staging container's phase could not be read (the rollout is followed without it).
    PhaseUnread { error: Error },
    /// The step's version serves its share.
    Serving {
        step: usize,
        total: usize,
        percentage: Option<u8>,
    },
    /// Baking before the next step.
    Baking {
        duration: Duration,
        next: usize,
        total: usize,
    },
    /// A change's answer was lost, and the status confirms it took effect.
    AnswerLost {
        change: Change,
        error: Error,
        evidence: Evidence,
    },
    /// A change's answer was lost and could not be settled; the error stands.
    Unsettled { change: Change, why: Unsettled },
    /// A change's answer was lost, two readings `pause` apart show no sign of it, so it is
    /// sent again as attempt `attempt` of `max`.
    Resending {
        change: Change,
        error: Error,
        pause: Duration,
        attempt: u32,
        max: u32,
    },
    /// A step failed (before any rollback), with the error of the call behind it.
    Failed {
        kind: FailureKind,
        cause: Option<Error>,
        step: Option<(usize, usize)>,
    },
    /// What explains a failure, read after it and before any rollback.
    Diagnosis(Diagnosis),
    /// A read that explains or locates the app failed or was not permitted.
    Unread { look: Look, error: Error },
    /// The app's last `asked` log lines were too large an answer to read (`size` bytes, as
    /// declared or measured): asking for `retry` lines instead, or (`None`) giving up, the
    /// smaller ask too large as well.
    LogsTooLarge {
        asked: u32,
        size: Option<u64>,
        retry: Option<u32>,
    },
    /// Where the app answers: `https://` and its bound domain, `None` when none is bound.
    Url(Option<String>),
    /// The staging environment's addresses, after a staging deploy.
    StagingIps(Vec<String>),
    /// `promote-from: staging`: the version staging serves, promoted.
    Promoting { version_id: String, name: String },
    /// A listing named a version this run publishes.
    Named { version_id: String, name: String },
    /// `keep-versions` deleted a version this action made.
    Deleted {
        version: Listed,
        request_id: Option<String>,
    },
    /// A delete failed (the step still succeeds).
    DeleteFailed { version: Listed, error: Error },
    /// A dry run: what `keep-versions` would delete.
    WouldDelete(Vec<Listed>),
    /// The deletes' shared `timeout` ran out with this many versions still to delete; the next
    /// run goes on with them.
    DeletesLeft(usize),
    /// A check of a step's bake begins: it is read every `poll-interval` for `window`, and
    /// longer while its last reading did not pass. `check` is its index in the plan's.
    CheckStarted {
        step: usize,
        total: usize,
        check: usize,
        window: Duration,
        ready: Ready,
    },
    /// One reading of a check: what it found, its verdict, and the readings in a row that did
    /// not pass so far.
    Measured {
        step: usize,
        check: usize,
        reading: u32,
        measurement: Measurement,
        verdict: Verdict,
        streak: u32,
    },
    /// A check of a step's bake passed: its readings, and how many of them did not pass.
    CheckPassed {
        step: usize,
        total: usize,
        check: usize,
        readings: u32,
        failed: u32,
    },
    /// Rolled back to `to`.
    RolledBack {
        to: String,
        request_id: Option<String>,
        confirmed: bool,
    },
}
