//! What the deployment did, gathered from its events as they come, so that it survives failure and cancellation: the version, what became of its publishes, RequestIds, what served before, the last reading, the timeline and the chart's points. Every report renders from it.

use std::time::Duration;

use crate::words::chart::ChartPoint;
use crate::words::checks::health::HealthRecord;
use crate::words::checks::metric::{MetricRecord, MetricRow};
use crate::words::explain::logs_too_large;
use esa_engine::base::error::Error;
use esa_engine::deploy::checks::{Measurement, Ready, Verdict};
use esa_engine::deploy::event::{Change, Chosen, Diagnosis, Event, Look};
use esa_engine::deploy::failure::{FailureKind, Progress};
use esa_engine::esa::status::AppStatus;
use esa_engine::esa::versions::Listed;

/// A publish the service took.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Accepted {
    /// Its RequestId; `None` when the answer was lost (or gave none).
    pub request_id: Option<String>,
    /// Its answer was lost, and the app's status confirmed it took effect.
    pub answer_lost: bool,
}

/// What became of this run's publishes, as far as the run knows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Fate {
    /// No publish of this run went through (none was sent, or each was refused).
    #[default]
    NotPublished,
    /// The last publish that went through.
    Published(Accepted),
    /// A publish was sent, its answer lost, and the status could not tell whether it took
    /// effect; `before` is the last publish that went through before it, if any.
    Unsettled {
        /// The last publish that went through before it.
        before: Option<Accepted>,
    },
}

impl Fate {
    /// The last publish known to have gone through.
    pub fn accepted(&self) -> Option<&Accepted> {
        match self {
            Fate::NotPublished => None,
            Fate::Published(accepted) => Some(accepted),
            Fate::Unsettled { before } => before.as_ref(),
        }
    }

    /// Whether at least one step's publish went through.
    pub fn published(&self) -> bool {
        self.accepted().is_some()
    }

    /// The RequestId of the last publish known to have gone through.
    pub fn request_id(&self) -> Option<&str> {
        self.accepted().and_then(|a| a.request_id.as_deref())
    }
}

/// One line of the rollout's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moment {
    /// Since the deployment started.
    pub at: Duration,
    /// What happened.
    pub text: String,
}

/// What the deployment did, filled in from its events.
#[derive(Debug, Default)]
pub struct Record {
    /// The version published (or to be), once it is known.
    pub version: Option<Chosen>,
    /// What became of the publishes.
    pub fate: Fate,
    /// The run ended on a status read that failed.
    pub status_unread: bool,
    /// What served before, as the engine chose it from the lock's reading (the version a
    /// rollback goes back to).
    pub previous_version: Option<String>,
    /// The last reading after publishing.
    pub last: Option<AppStatus>,
    /// The RequestId of the rollback this run made.
    pub rollback_request_id: Option<String>,
    /// The version this run rolled back to, when it did.
    pub rolled_back_to: Option<String>,
    /// Each step, each status change, with its time since the start.
    pub timeline: Vec<Moment>,
    /// The target and serving shares over time, with a failure or a rollback marked.
    pub chart: Vec<ChartPoint>,
    /// The API actions of the calls made, in order.
    pub calls: Vec<&'static str>,
    /// What explains a failure, as read.
    pub diagnosis: Vec<Diagnosis>,
    /// Reads that explain or locate the app and failed: what, and why.
    pub unread: Vec<(Look, String)>,
    /// Where the deployment stood when it ended (set however it ended).
    pub stood: Option<Progress>,
    /// `https://` and the bound domain, once read (`Some(None)`: no domain is bound).
    pub url: Option<Option<String>>,
    /// Staging's addresses, after a staging deploy.
    pub staging_ips: Option<Vec<String>>,
    /// The versions `keep-versions` deleted (or, in a dry run, would delete).
    pub deleted: Vec<Listed>,
    /// In a dry run, the versions `keep-versions` would delete.
    pub would_delete: Option<Vec<Listed>>,
    /// Versions `keep-versions` had no time left to delete in this run.
    pub deletes_left: usize,
    /// The health gate's probes, over every step.
    pub health: HealthRecord,
    /// The metric gate's readings, over every step.
    pub metric: MetricRecord,
}

impl Record {
    /// A call about to be made, by its API action.
    pub fn calling(&mut self, action: &'static str) {
        self.calls.push(action);
    }

    /// Where the deployment stood when it ended.
    pub fn ended_at(&mut self, stood: Progress) {
        self.stood = Some(stood);
    }

    /// What serves at the end is unknown: the run ended on a status read that failed, or on
    /// a publish whose answer was lost and not settled (it may have applied after the last
    /// reading).
    pub fn end_unknown(&self) -> bool {
        self.status_unread || matches!(self.fate, Fate::Unsettled { .. })
    }

    /// The version's ID, once chosen (empty before).
    fn version_id(&self) -> &str {
        self.version.as_ref().map_or("", |v| v.version_id.as_str())
    }

    /// Takes in what an event says about the outcome, and the chart's point at `at` (a step's
    /// target when the rollout is followed, each reading's share, a failure, a rollback). The
    /// timeline's text is the narrator's. Every event has its arm: a new one does not compile
    /// until it is decided here.
    #[rustfmt::skip] // A dispatch table: one arm a line reads best.
    pub fn note(&mut self, at: Duration, event: &Event, follows: bool) {
        match event {
            Event::VersionChosen(chosen) => self.version = Some(chosen.clone()),
            Event::Named { version_id, name } => self.named(version_id, name),
            Event::Previous(Ok(version)) => self.previous_version = Some(version.clone()),
            Event::AlreadyServing { status } => self.last = Some(status.clone()),
            Event::Published { percentage, request_id, confirmed, .. } => {
                self.published(request_id.clone(), confirmed.is_some());
                if follows {
                    self.plot(at, Some(percentage.unwrap_or(100)), None, None);
                }
            }
            Event::Reading { status, .. } => self.reading(at, status),
            Event::Unsettled { change: Change::Publish { .. }, .. } => self.unsettled(),
            Event::Failed { kind, cause, .. } => self.failed(at, kind, cause.as_ref()),
            Event::RolledBack { to, request_id, .. } => self.rolled_back(at, to, request_id),
            Event::Diagnosis(d) => self.diagnosis.push(d.clone()),
            Event::Unread { look, error } => self.unread.push((*look, error.to_string())),
            Event::LogsTooLarge { asked, size, retry: None } => {
                self.unread.push((Look::Logs, logs_too_large(*asked, *size, None)))
            }
            Event::Url(url) => self.url = Some(url.clone()),
            Event::StagingIps(ips) => self.staging_ips = Some(ips.clone()),
            Event::Deleted { version, .. } => self.deleted.push(version.clone()),
            Event::WouldDelete(versions) => self.would_delete = Some(versions.clone()),
            Event::DeletesLeft(count) => self.deletes_left = *count,
            Event::CheckStarted { ready, .. } => self.check_started(ready),
            Event::Measured { step, measurement, verdict, enforced, .. } => {
                self.measured((at, *step), measurement, *verdict, *enforced)
            }
            Event::Unsettled { change: Change::Rollback { .. }, .. }
            | Event::LogsTooLarge { retry: Some(_), .. }
            | Event::Previous(Err(_))
            | Event::VersionFound { .. } | Event::Making { .. } | Event::VersionCreated { .. }
            | Event::CreationConfirmed { .. } | Event::VersionState { .. } | Event::LockSkipped { .. }
            | Event::Before { .. } | Event::Busy { .. } | Event::BusyOver { .. }
            | Event::StepStarted { .. } | Event::PhaseUnread { .. } | Event::Serving { .. }
            | Event::Baking { .. } | Event::AnswerLost { .. } | Event::Resending { .. }
            | Event::Promoting { .. } | Event::DeleteFailed { .. } | Event::CheckPassed { .. } => {}
        }
    }

    /// A reading: the last one, and its share on the chart.
    fn reading(&mut self, at: Duration, status: &AppStatus) {
        let share = status.share_of(self.version_id());
        self.last = Some(status.clone());
        self.plot(at, None, Some(share), None);
    }

    /// A failure: marked on the chart by its title; a status that could not be read leaves
    /// the end unknown.
    fn failed(&mut self, at: Duration, kind: &FailureKind, cause: Option<&Error>) {
        self.status_unread |= matches!(kind, FailureKind::StatusUnknown);
        let title = kind
            .code()
            .map(str::to_string)
            .or_else(|| cause.map(Error::title));
        self.plot(at, None, None, Some(title.unwrap_or_default()));
    }

    /// The rollback this run made.
    fn rolled_back(&mut self, at: Duration, to: &str, request_id: &Option<String>) {
        self.rollback_request_id = request_id.clone();
        self.rolled_back_to = Some(to.to_string());
        self.plot(at, Some(0), Some(0), Some("rolled back".into()));
    }

    /// A listing named the version this run publishes.
    fn named(&mut self, version_id: &str, name: &str) {
        if let Some(v) = self.version.as_mut().filter(|v| v.version_id == version_id) {
            v.name.get_or_insert_with(|| name.to_string());
        }
    }

    /// A step's publish went through.
    fn published(&mut self, request_id: Option<String>, answer_lost: bool) {
        self.fate = Fate::Published(Accepted {
            request_id,
            answer_lost,
        });
        // A reading from before this publish no longer says how the run ends.
        self.last = None;
    }

    /// A publish's answer was lost and not settled.
    fn unsettled(&mut self) {
        let before = self.fate.accepted().cloned();
        self.fate = Fate::Unsettled { before };
    }

    /// A check of a bake began.
    fn check_started(&mut self, ready: &Ready) {
        match ready {
            Ready::Health(target) => self.health.started(target),
            Ready::Metric(_) => {}
        }
    }

    /// One reading of a check, at `at` in `step`.
    fn measured(
        &mut self,
        (at, step): (Duration, usize),
        m: &Measurement,
        verdict: Verdict,
        enforced: bool,
    ) {
        match m {
            Measurement::Health(probed) => self.health.measured(probed, verdict),
            Measurement::Metric(reading) => self.metric.rows.push(MetricRow {
                at,
                step,
                reading: reading.clone(),
                verdict,
                enforced,
            }),
        }
    }

    /// Adds a timeline line.
    pub fn moment(&mut self, at: Duration, text: String) {
        self.timeline.push(Moment { at, text });
    }

    /// Adds a point to the chart; a share not given stays what it was (the chart reads it so).
    pub fn plot(
        &mut self,
        at: Duration,
        target: Option<u8>,
        serving: Option<u8>,
        mark: Option<String>,
    ) {
        self.chart.push(ChartPoint {
            at,
            target,
            serving,
            mark,
        });
    }
}
