//! What the engine reports as it goes, as types: one observer (in `app`) turns each event into log lines, the timeline, the chart, the outputs and the summary. Nothing here is prose.

use std::time::Duration;

use serde_json::Value;

use crate::base::error::Error;
use crate::deploy::checks::{CheckKind, Measurement, Ready, Verdict};
use crate::deploy::failure::{FailureKind, NoPrevious, RollbackSeen};
use crate::esa::containers::AcrChange;
use crate::esa::diagnostics::RegionReadiness;
use crate::esa::status::{AppStatus, Busy, StagingStatus, VersionStatus};
use crate::esa::versions::Listed;

/// The version that will be published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    /// Its ID.
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
        /// The base version's ID.
        base_id: String,
        /// Its name.
        base_name: String,
        /// The container that takes the image.
        container: String,
        /// The image it ran.
        old_image: String,
        /// The image it takes.
        image: String,
        /// What becomes of its ACR image info.
        acr: AcrChange,
    },
    /// The containers of a spec file.
    Spec {
        /// The spec file.
        path: String,
        /// How many containers it holds.
        containers: usize,
    },
}

/// What a dry run learns about the version with reads only.
#[derive(Debug, Clone, PartialEq)]
pub enum Prepared {
    /// Ready to publish.
    Ready(Chosen),
    /// It exists and is still `creating`: it would be waited for.
    Creating {
        /// Its ID.
        version_id: String,
        /// Its name.
        name: String,
    },
    /// It would be made with these containers.
    ToCreate {
        /// Its name.
        name: String,
        /// Its containers, as the API's JSON.
        containers: Vec<Value>,
        /// What they are made from.
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
        /// The version published.
        version: String,
        /// The share asked for.
        percentage: Option<u8>,
        /// The step, 1-based.
        step: usize,
        /// The number of steps.
        total: usize,
    },
    /// The rollback to `to`, after the rollout of `failed` failed with `code`.
    Rollback {
        /// The version rolled back to.
        to: String,
        /// The version whose rollout failed.
        failed: String,
        /// The failure's code.
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
    NewPublishTime {
        /// The reading after.
        after: Box<AppStatus>,
        /// `PublishTime` before.
        was: String,
    },
    /// The version is newly in front, where before the reading showed `before`.
    NowInFront {
        /// The reading before.
        before: Box<AppStatus>,
        /// The reading after.
        after: Box<AppStatus>,
    },
    /// The version's target share moved to the step's.
    TargetMoved {
        /// The share asked for before.
        from: u8,
        /// The share asked for now.
        to: u8,
    },
    /// A `RollbackTime` that was not there before.
    NewRollbackTime {
        /// The reading after.
        after: Box<AppStatus>,
        /// `RollbackTime` before.
        was: String,
    },
    /// The status newly rolling back (or rolled back).
    NowRollingBack {
        /// The reading before.
        before: Box<AppStatus>,
        /// The reading after.
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
    LogsWithheld {
        /// Whether the repository is known to be public.
        public: bool,
    },
}

/// One thing that happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The version the run was to make exists already (a re-run): it is used, not made again.
    VersionFound {
        /// The version, as listed.
        found: Listed,
    },
    /// A version is about to be made.
    Making {
        /// Its name.
        name: String,
        /// What it is made from.
        from: MadeFrom,
    },
    /// It was made.
    VersionCreated {
        /// Its ID.
        version_id: String,
        /// Its name.
        name: String,
        /// The create call's RequestId.
        request_id: Option<String>,
    },
    /// Its creation's answer was lost, and the listing shows it.
    CreationConfirmed {
        /// Its ID, as listed.
        version_id: String,
        /// Its name.
        name: String,
        /// The error the answer was lost to.
        error: Error,
    },
    /// The version's status changed while waiting for it.
    VersionState {
        /// Its ID.
        version_id: String,
        /// Its name.
        name: String,
        /// Its status now.
        status: VersionStatus,
    },
    /// The version is known (so a failure later still names it).
    VersionChosen(Chosen),
    /// The lock's reading could not be taken (not permitted), so the lock is skipped.
    LockSkipped {
        /// Why the reading failed.
        error: Error,
    },
    /// The lock's reading: what serves before this run.
    Before {
        /// The reading.
        status: AppStatus,
    },
    /// The version this run would roll back to, chosen from the reading the first publish
    /// goes ahead on; or why none is known.
    Previous(Result<String, NoPrevious>),
    /// That reading shows the version serving the whole environment already: nothing is
    /// published.
    AlreadyServing {
        /// The reading.
        status: AppStatus,
    },
    /// The environment is busy; the run waits (`if-busy: wait`).
    Busy {
        /// What keeps it busy.
        busy: Busy,
        /// The reading.
        status: AppStatus,
    },
    /// It is no longer busy.
    BusyOver {
        /// The reading.
        status: AppStatus,
    },
    /// A step's publish is about to be sent.
    StepStarted {
        /// The step, 1-based.
        step: usize,
        /// The number of steps.
        total: usize,
        /// The share asked for.
        percentage: Option<u8>,
    },
    /// A step's publish went through: with its RequestId, or confirmed by the status.
    Published {
        /// The step, 1-based.
        step: usize,
        /// The number of steps.
        total: usize,
        /// The share asked for.
        percentage: Option<u8>,
        /// Its RequestId.
        request_id: Option<String>,
        /// How the status confirmed it, when its answer was lost.
        confirmed: Option<Evidence>,
    },
    /// A reading while following the rollout; `before` is the previous one of this step.
    Reading {
        /// The step's previous reading.
        before: Option<AppStatus>,
        /// This one.
        status: AppStatus,
    },
    /// The staging container's phase could not be read (the rollout is followed without it).
    PhaseUnread {
        /// Why.
        error: Error,
    },
    /// The step's version serves its share.
    Serving {
        /// The step, 1-based.
        step: usize,
        /// The number of steps.
        total: usize,
        /// The share it serves.
        percentage: Option<u8>,
    },
    /// Baking before the next step.
    Baking {
        /// How long.
        duration: Duration,
        /// The step that follows, 1-based.
        next: usize,
        /// The number of steps.
        total: usize,
    },
    /// A change's answer was lost, and the status confirms it took effect.
    AnswerLost {
        /// The change.
        change: Change,
        /// The error the answer was lost to.
        error: Error,
        /// How the status confirms it.
        evidence: Evidence,
    },
    /// A change's answer was lost and could not be settled; the error stands.
    Unsettled {
        /// The change.
        change: Change,
        /// Why it could not be settled.
        why: Unsettled,
    },
    /// A change's answer was lost, two readings `pause` apart show no sign of it, so it is
    /// sent again as attempt `attempt` of `max`.
    Resending {
        /// The change.
        change: Change,
        /// The error the answer was lost to.
        error: Error,
        /// The time between the two readings.
        pause: Duration,
        /// This attempt.
        attempt: u32,
        /// The attempts allowed.
        max: u32,
    },
    /// A step failed (before any rollback), with the error of the call behind it.
    Failed {
        /// What failed.
        kind: FailureKind,
        /// The error of the call behind it.
        cause: Option<Error>,
        /// The step, 1-based, and the number of steps.
        step: Option<(usize, usize)>,
    },
    /// What explains a failure, read after it and before any rollback.
    Diagnosis(Diagnosis),
    /// A read that explains or locates the app failed or was not permitted.
    Unread {
        /// What was read.
        look: Look,
        /// Why it failed.
        error: Error,
    },
    /// The app's last `asked` log lines were too large an answer to read (`size` bytes, as
    /// declared or measured): asking for `retry` lines instead, or (`None`) giving up, the
    /// smaller ask too large as well.
    LogsTooLarge {
        /// The lines asked for.
        asked: u32,
        /// The answer's size in bytes, when known.
        size: Option<u64>,
        /// The lines asked for next, if any.
        retry: Option<u32>,
    },
    /// Where the app answers: `https://` and its bound domain, `None` when none is bound.
    Url(Option<String>),
    /// The staging environment's addresses, after a staging deploy.
    StagingIps(Vec<String>),
    /// `promote-from: staging`: the version staging serves, promoted.
    Promoting {
        /// Its ID.
        version_id: String,
        /// Its name.
        name: String,
    },
    /// A listing named a version this run publishes.
    Named {
        /// Its ID.
        version_id: String,
        /// Its name.
        name: String,
    },
    /// `keep-versions` deleted a version this action made.
    Deleted {
        /// The version deleted.
        version: Listed,
        /// The delete's RequestId.
        request_id: Option<String>,
    },
    /// A delete failed (the step still succeeds).
    DeleteFailed {
        /// The version.
        version: Listed,
        /// Why.
        error: Error,
    },
    /// A dry run: what `keep-versions` would delete.
    WouldDelete(Vec<Listed>),
    /// The deletes' shared `timeout` ran out with this many versions still to delete; the next
    /// run goes on with them.
    DeletesLeft(usize),
    /// A check of a step's bake begins: it is read every `poll-interval` for `window`, and
    /// longer while its last reading did not pass. `check` is its index in the plan's.
    CheckStarted {
        /// The step, 1-based.
        step: usize,
        /// The number of steps.
        total: usize,
        /// The check's index in the plan's.
        check: usize,
        /// How long it is read at least.
        window: Duration,
        /// What it reads.
        ready: Ready,
    },
    /// One reading of a check: what it found, its verdict, and the readings in a row that did
    /// not pass so far.
    Measured {
        /// The step, 1-based.
        step: usize,
        /// The check's index in the plan's.
        check: usize,
        /// The reading's number in this step, 1-based.
        reading: u32,
        /// What it found.
        measurement: Measurement,
        /// Its verdict.
        verdict: Verdict,
        /// Readings in a row that did not pass, this one included.
        streak: u32,
        /// Whether the check can fail the step (a metric gate that observes cannot).
        enforced: bool,
    },
    /// A check of a step's bake passed: its readings, and how many of them did not pass.
    CheckPassed {
        /// The step, 1-based.
        step: usize,
        /// The number of steps.
        total: usize,
        /// The check's index in the plan's.
        check: usize,
        /// Its kind.
        kind: CheckKind,
        /// Readings taken.
        readings: u32,
        /// Readings that did not pass.
        failed: u32,
        /// Whether the check could have failed the step (a metric gate that observes could not).
        enforced: bool,
    },
    /// Rolled back to `to`.
    RolledBack {
        /// The version rolled back to.
        to: String,
        /// The rollback's RequestId.
        request_id: Option<String>,
        /// How the status showed the rollback, when its answer was lost.
        confirmed: Option<RollbackSeen>,
    },
}
