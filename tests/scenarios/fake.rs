//! An in-memory ESA service on virtual time, for the engine's scenarios: an environment whose rollouts move on with each status read (as the stand-in's do), versions that are created over reads, a busy or rolling-back start, and scripted faults per call (hang, lost answer, reset, refusal, cancellation).

use std::cell::RefCell;
use std::collections::VecDeque;

use esa_engine::base::error::{ApiError, Error, StopReason};
use esa_engine::deploy::engine::Budget;
use esa_engine::esa::model::{PublishEnv, PublishRequest};
use esa_engine::esa::status::{AppStatus, Phase, PublishStatus, VersionStatus};
use esa_engine::esa::versions::Listed;
use esa_standin::readings::{Fields, Readings};
use serde_json::{json, Value};

pub use crate::app::{AppAnswer, FakeApp};
pub use crate::clock::{Clock, Seen};

pub const PREVIOUS: &str = "ver-000000000000000001";
pub const OTHER: &str = "ver-555555555555555555";
pub const INTRUDER: &str = "ver-999999999999999999";

/// How one publish's rollout moves on over the status reads that follow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rollout {
    /// 40 points a read until the target.
    Normal,
    Stuck,
    RollbackAfter(u32),
    TakeoverAfter(u32),
    CrashLoopAfter(u32),
}

/// A scripted misbehaviour of one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// None this time (to reach a later call of the same kind).
    Pass,
    /// No answer: the call takes its whole budget, then times out.
    Hang,
    /// Applied, then the answer is lost.
    Lost,
    /// Lost on the way in: not applied, and the client cannot know.
    Reset,
    /// An API error answer with this code.
    Refuse(&'static str),
    /// The runner cancels the job during this call.
    Cancel,
    /// The answer comes this late (a runner paused, a slow network): the clock jumps by it,
    /// and a jump to the call's budget is a hang.
    Slow(std::time::Duration),
}

/// One stored version.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: String,
    pub name: String,
    /// When it was made: sorts as the service's CreateTime does.
    pub time: String,
    pub status: VersionStatus,
    pub reads_left: u32,
    pub fails: bool,
    pub containers: Value,
}

/// The service's state.
#[derive(Debug)]
pub struct World {
    pub status: AppStatus,
    pub rollouts: VecDeque<Rollout>,
    pub rollout: Option<Rollout>,
    pub polls: u32,
    /// Reads until a busy start (another publish, or a rollback) is over; `None`: never.
    pub busy_reads: Option<u32>,
    pub versions: Vec<Stored>,
    /// Reads a new version stays `creating`; `None`: forever.
    pub creation_reads: Option<u32>,
    pub failing_images: Vec<String>,
    pub faults: Vec<(&'static str, Fault)>,
    /// The environment the plan publishes to (its status is `status`).
    pub env: PublishEnv,
    /// Status reads after a publish that still show the status from before it (the service
    /// lagging behind), and that status.
    pub stale_reads: u32,
    pub stale: Option<AppStatus>,
    /// The other environment's status (the plan's is `status`).
    pub other: AppStatus,
    /// The app's bound domain (empty: none), staging's addresses, the app's log.
    pub domain: String,
    pub vips: Vec<String>,
    /// Staging's pod `Ready`, as its status says it (`None`: not said).
    pub staging_ready: Option<bool>,
    pub log: Vec<String>,
    /// The regions the app can deploy to.
    pub deploy_regions: Vec<String>,
    pub deleted: Vec<String>,
    /// The deployed app, for the health probes.
    pub app: FakeApp,
    pub calls: Vec<&'static str>,
    /// When each call of `calls` was made (virtual time since the start).
    pub call_times: Vec<std::time::Duration>,
    pub applied_publishes: usize,
    pub applied_rollbacks: usize,
    /// The indices in `calls` of the writes whose answer was lost (applied or not).
    pub lost: Vec<usize>,
    /// For each rollback applied, what it rolled back: the version publishing, or serving.
    pub rolled_back: Vec<String>,
    pub counter: u64,
    /// What the status fields the service does not document hold (the stand-in's readings).
    pub readings: Readings,
    /// The version that served before the latest publish: what the service's own rollback
    /// goes back to.
    pub base: String,
    /// Every version a rollback went back from, before the run and during it.
    pub rolled_from: Vec<String>,
    /// Each rollback this run applied: the version it went back to, and whether a rollback
    /// had gone back from that version before.
    pub rollback_targets: Vec<(String, bool)>,
}

pub fn container(name: &str, image: &str) -> Value {
    json!({"Name": name, "Image": image, "IsACRImage": false, "Spec": "1C2G", "Storage": "10G",
           "ProbeType": "tcpSocket", "ProbeContent": {"Port": 8080}})
}

impl Default for World {
    fn default() -> Self {
        World {
            status: AppStatus {
                publish_status: PublishStatus::Published,
                publish_percentage: 100,
                expect_percentage: 100,
                deployed_version: PREVIOUS.into(),
                baseline_version: PREVIOUS.into(),
                ..AppStatus::default()
            },
            rollouts: VecDeque::new(),
            rollout: None,
            polls: 0,
            busy_reads: None,
            versions: vec![Stored {
                id: PREVIOUS.into(),
                name: "initial-version".into(),
                time: "t0000".into(),
                status: VersionStatus::Created,
                reads_left: 0,
                fails: false,
                containers: json!([container("web", "r.example.com/shop/web:1")]),
            }],
            creation_reads: Some(2),
            failing_images: Vec::new(),
            faults: Vec::new(),
            env: PublishEnv::Prod,
            stale_reads: 0,
            stale: None,
            other: AppStatus {
                publish_status: PublishStatus::Published,
                publish_percentage: 100,
                expect_percentage: 100,
                deployed_version: PREVIOUS.into(),
                baseline_version: PREVIOUS.into(),
                ..AppStatus::default()
            },
            domain: "shop.example.com".into(),
            vips: vec!["10.0.0.7".into()],
            staging_ready: None,
            log: vec!["starting".into(), "panic: out of memory".into()],
            deploy_regions: vec!["jiangsu".into(), "zhejiang".into()],
            deleted: Vec::new(),
            app: FakeApp::default(),
            calls: Vec::new(),
            call_times: Vec::new(),
            applied_publishes: 0,
            applied_rollbacks: 0,
            lost: Vec::new(),
            rolled_back: Vec::new(),
            counter: 0,
            readings: Readings::from_env(),
            base: PREVIOUS.into(),
            rolled_from: Vec::new(),
            rollback_targets: Vec::new(),
        }
    }
}

impl World {
    /// Another version is being published for `reads` more status reads.
    pub fn busy(&mut self, reads: Option<u32>) {
        self.status.publish_status = PublishStatus::Publishing;
        self.status.publishing_version = OTHER.into();
        self.status.publish_percentage = 10;
        self.busy_reads = reads;
    }

    /// A rollback is under way for `reads` more status reads.
    pub fn rolling_back(&mut self, reads: Option<u32>) {
        self.status.publish_status = PublishStatus::RollingBack;
        self.status.publishing_version = OTHER.into();
        self.status.rollback_time = "r0".into();
        self.busy_reads = reads;
    }

    fn fault(&mut self, call: &'static str) -> Option<Fault> {
        self.calls.push(call);
        let at = self.faults.iter().position(|(c, _)| *c == call)?;
        Some(self.faults.remove(at).1)
    }

    pub(crate) fn tick(&mut self) -> String {
        self.counter += 1;
        format!("t{}", self.counter)
    }

    /// The fields the readings move.
    fn fields(&mut self) -> Fields<'_> {
        Fields {
            publishing: &mut self.status.publishing_version,
            deployed: &mut self.status.deployed_version,
            baseline: &mut self.status.baseline_version,
            base: &mut self.base,
        }
    }

    /// A rollback is over: to `to`, or (`None`) the service's own, to the latest base.
    fn rolled_back(&mut self, to: Option<&str>) {
        let to = to.map_or_else(|| self.base.clone(), str::to_string);
        let from = self.status.current_version().to_string();
        self.rolled_from.push(from);
        self.status.publish_status = PublishStatus::RolledBack;
        let readings = self.readings;
        readings.rolled_back(self.fields(), &to);
    }

    /// The publishing version serves in full.
    fn full(&mut self) {
        self.status.publish_status = PublishStatus::Published;
        self.status.publish_percentage = 100;
        let readings = self.readings;
        readings.full(self.fields());
    }

    /// History before the run: `version` was published to `percentage` (100: in full).
    pub fn published_before(&mut self, version: &str, percentage: u8) {
        let readings = self.readings;
        readings.publish(self.fields(), version);
        self.status.publish_time = self.tick();
        self.status.publish_status = PublishStatus::Published;
        self.status.publish_percentage = percentage;
        self.status.expect_percentage = percentage;
        if percentage == 100 {
            self.full();
        }
    }

    /// History before the run: a rollback to `to`.
    pub fn rolled_back_before(&mut self, to: &str) {
        self.rolled_back(Some(to));
        self.status.rollback_time = self.tick();
    }

    fn end_busy(&mut self) {
        if self.status.publish_status == PublishStatus::RollingBack {
            self.rolled_back(None);
        } else {
            self.full();
        }
        self.busy_reads = None;
    }

    /// One status read moves things on.
    pub(crate) fn advance(&mut self) {
        match self.busy_reads {
            Some(0) => return self.end_busy(),
            Some(n) => {
                self.busy_reads = Some(n - 1);
                return;
            }
            None => {}
        }
        let Some(rollout) = self.rollout else { return };
        if self.status.publish_status != PublishStatus::Publishing
            && self.status.publish_status != PublishStatus::RollingBack
        {
            return;
        }
        self.polls += 1;
        let s = &mut self.status;
        match rollout {
            Rollout::RollbackAfter(n) if self.polls > n => {
                if s.publish_status == PublishStatus::RollingBack {
                    self.rolled_back(None);
                } else {
                    s.publish_status = PublishStatus::RollingBack;
                }
                return;
            }
            Rollout::TakeoverAfter(n) if self.polls > n => {
                s.publishing_version = INTRUDER.into();
                return;
            }
            Rollout::CrashLoopAfter(n) if self.polls > n => {
                s.phase = Some(Phase::CrashLoopBackOff);
                return;
            }
            Rollout::Stuck => return,
            _ => {}
        }
        s.phase = Some(Phase::Running);
        s.publish_percentage = (s.publish_percentage + 40).min(s.expect_percentage);
        if s.publish_percentage >= s.expect_percentage {
            s.publish_status = PublishStatus::Published;
            if s.expect_percentage == 100 {
                self.full();
            }
        }
    }

    pub(crate) fn apply_publish(&mut self, r: &PublishRequest) -> Result<(), Error> {
        match self.versions.iter().find(|v| v.id == r.version_id) {
            Some(v) if v.status == VersionStatus::Created => {}
            _ => return Err(refusal("InvalidParameter.VersionId")),
        }
        self.applied_publishes += 1;
        self.stale = Some(self.status.clone());
        let rollout = self.rollouts.pop_front().unwrap_or(Rollout::Normal);
        let time = self.tick();
        let readings = self.readings;
        readings.publish(self.fields(), &r.version_id);
        let s = &mut self.status;
        s.publish_status = PublishStatus::Publishing;
        s.expect_percentage = r.settings.percentage.unwrap_or(100);
        s.publish_percentage = 0;
        s.publish_time = time;
        s.phase = Some(Phase::ContainerCreating);
        self.rollout = Some(rollout);
        self.polls = 0;
        self.busy_reads = None;
        Ok(())
    }

    pub(crate) fn apply_rollback(&mut self, to: &str) {
        self.applied_rollbacks += 1;
        self.rolled_back
            .push(self.status.current_version().to_string());
        let again = self.rolled_from.iter().any(|v| v == to);
        self.rollback_targets.push((to.to_string(), again));
        let time = self.tick();
        self.rolled_back(Some(to));
        self.status.rollback_time = time;
        self.rollout = None;
    }
}

pub(crate) fn refusal(code: &str) -> Error {
    Error::Attempts {
        attempts: 1,
        reason: StopReason::NotTransient,
        last: Box::new(Error::Api(ApiError {
            status: if code.starts_with("Forbidden") {
                403
            } else {
                400
            },
            code: code.into(),
            message: format!("refused: {code}"),
            request_id: Some(format!("REQ-{code}")),
            recommend: None,
        })),
    }
}

/// A call whose answer did not come, after the request went out: it timed out, or the
/// connection was cut.
pub(crate) fn lost(timed_out: bool, reason: StopReason) -> Error {
    Error::Attempts {
        attempts: 1,
        reason,
        last: Box::new(Error::Network {
            endpoint: "fake".into(),
            detail: "no complete answer".into(),
            timed_out,
            request_sent: true,
        }),
    }
}

/// The fake service, on the clock it moves when a call hangs.
pub struct Fake<'a> {
    pub world: RefCell<World>,
    pub clock: &'a Clock,
}

impl Fake<'_> {
    /// Applies the call's scripted fault, if any: `Err` for the caller, or `Ok(Some(fault))`
    /// when the call itself must decide (lost, reset). A cancellation never returns.
    pub(crate) async fn before(
        &self,
        call: &'static str,
        budget: Budget,
        writes: bool,
    ) -> Result<Option<Fault>, Error> {
        let now = esa_engine::deploy::driver::Time::now(self.clock);
        self.world.borrow_mut().call_times.push(now);
        let fault = self.world.borrow_mut().fault(call);
        match fault {
            None | Some(Fault::Pass) => Ok(None),
            Some(Fault::Cancel) => std::future::pending().await,
            Some(Fault::Hang) => self.hang(budget, writes).await,
            Some(Fault::Refuse(code)) => Err(refusal(code)),
            Some(Fault::Slow(late)) if late < budget.limit => {
                self.clock.advance(late);
                Ok(None)
            }
            Some(Fault::Slow(_)) => self.hang(budget, writes).await,
            Some(other) => Ok(Some(other)),
        }
    }

    /// No answer within the budget: as the stand-in's, a write arrived and was applied.
    async fn hang(&self, budget: Budget, writes: bool) -> Result<Option<Fault>, Error> {
        self.clock.advance(budget.limit);
        match writes {
            true => Ok(Some(Fault::Hang)),
            false => Err(lost(true, StopReason::Deadline)),
        }
    }

    pub(crate) async fn write(
        &self,
        call: &'static str,
        budget: Budget,
        apply: impl FnOnce(&mut World) -> Result<(), Error>,
    ) -> Result<Option<String>, Error> {
        let fault = self.before(call, budget, true).await?;
        if fault.is_some() {
            let mut w = self.world.borrow_mut();
            let at = w.calls.len() - 1;
            w.lost.push(at);
        }
        match fault {
            Some(Fault::Reset) => Err(lost(false, StopReason::MayHaveApplied)),
            Some(fault @ (Fault::Lost | Fault::Hang)) => {
                apply(&mut self.world.borrow_mut())?;
                Err(lost(fault == Fault::Hang, StopReason::MayHaveApplied))
            }
            _ => {
                let mut w = self.world.borrow_mut();
                apply(&mut w)?;
                let id = w.tick();
                Ok(Some(format!("REQ-{call}-{id}")))
            }
        }
    }

    pub(crate) fn listed(v: &Stored) -> Listed {
        Listed {
            version_id: v.id.clone(),
            name: v.name.clone(),
            status: v.status.clone(),
            create_time: v.time.clone(),
        }
    }
}
