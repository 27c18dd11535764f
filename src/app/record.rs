//! What the deployment did, gathered from its events as they come, so that it survives failure and cancellation: the version, RequestIds, what served before, the last reading, the steps, the timeline and the chart's points.

use std::time::Duration;

use crate::app::gate_words::HealthRecord;
use esa_engine::deploy::event::{Change, Chosen, Diagnosis, Event, Look};
use esa_engine::deploy::failure::{FailureKind, Progress};
use esa_engine::esa::status::AppStatus;
use esa_engine::esa::versions::Listed;

/// One line of the rollout's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moment {
    /// Since the deployment started.
    pub at: Duration,
    pub text: String,
}

/// One point of the rollout chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartPoint {
    /// Since the deployment started.
    pub at: Duration,
    /// The share a step now asks our version to serve, when one starts here.
    pub target: Option<u8>,
    /// The share our version serves, when a reading says so here.
    pub serving: Option<u8>,
    /// What happened here besides the steps: a failure, a rollback.
    pub mark: Option<String>,
}

/// What the deployment did, filled in from its events.
#[derive(Debug, Default)]
pub struct Record {
    /// The version published (or to be), once it is known.
    pub version: Option<Chosen>,
    /// The RequestId of the last publish call.
    pub request_id: Option<String>,
    /// Whether the last publish's answer was lost and the status confirmed it instead.
    pub answer_lost: bool,
    /// Whether at least one step's publish went through.
    pub published: bool,
    /// A publish was sent, its answer lost, and the status could not tell whether it took
    /// effect.
    pub publish_unsettled: bool,
    /// What serves at the end is unknown: the run ended on a status read that failed, or on
    /// a publish whose answer was lost and not settled (it may have applied after the last
    /// reading).
    pub end_unknown: bool,
    /// What served before, as the engine chose it from the lock's reading (the version a
    /// rollback goes back to).
    pub previous_version: Option<String>,
    /// The last reading after publishing.
    pub last: Option<AppStatus>,
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
    pub would_delete: Option<Vec<Listed>>,
    /// Versions `keep-versions` had no time left to delete in this run.
    pub deletes_left: usize,
    /// The health gate's probes, over every step.
    pub health: HealthRecord,
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

    /// Takes in what an event says about the outcome (the text is the narrator's).
    pub fn note(&mut self, event: &Event) {
        self.health.note(event);
        match event {
            Event::VersionChosen(chosen) => self.version = Some(chosen.clone()),
            Event::Named { version_id, name } => {
                if let Some(v) = self
                    .version
                    .as_mut()
                    .filter(|v| &v.version_id == version_id)
                {
                    v.name.get_or_insert_with(|| name.clone());
                }
            }
            Event::Previous(Ok(version)) => self.previous_version = Some(version.clone()),
            Event::AlreadyServing { status } => self.last = Some(status.clone()),
            Event::Published {
                request_id,
                confirmed,
                ..
            } => {
                self.published = true;
                // A reading from before this publish no longer says how the run ends.
                self.last = None;
                self.request_id = request_id.clone();
                self.answer_lost = confirmed.is_some();
            }
            Event::Reading { status, .. } => self.last = Some(status.clone()),
            Event::Unsettled {
                change: Change::Publish { .. },
                ..
            } => {
                self.publish_unsettled = true;
                self.end_unknown = true;
            }
            Event::Failed {
                kind: FailureKind::StatusUnknown,
                ..
            } => self.end_unknown = true,
            Event::RolledBack { to, request_id, .. } => {
                self.rollback_request_id = request_id.clone();
                self.rolled_back_to = Some(to.clone());
            }
            Event::Diagnosis(d) => self.diagnosis.push(d.clone()),
            Event::Unread { look, error } => self.unread.push((*look, error.to_string())),
            Event::LogsTooLarge {
                asked,
                size,
                retry: None,
            } => self.unread.push((
                Look::Logs,
                crate::app::explain::logs_too_large(*asked, *size, None),
            )),
            Event::Url(url) => self.url = Some(url.clone()),
            Event::StagingIps(ips) => self.staging_ips = Some(ips.clone()),
            Event::Deleted { version, .. } => self.deleted.push(version.clone()),
            Event::WouldDelete(versions) => self.would_delete = Some(versions.clone()),
            Event::DeletesLeft(count) => self.deletes_left = *count,
            _ => {}
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
