//! The deployment from start to end: the version, the lock, then each step's publish (settled when its answer is lost), followed until it serves, baked, and on failure the rollback when asked.

use crate::base::error::Error;
use crate::deploy::aftercare;
use crate::deploy::bake;
use crate::deploy::event::Evidence;
use crate::deploy::event::Outcome;
use crate::deploy::event::{Change, Event, Prepared};
use crate::deploy::failure::{Failure, FailureKind, NoPrevious, Rollback, RollbackSeen, Stage};
use crate::deploy::io::Io;
use crate::deploy::judge::{judge, Target, Verdict};
use crate::deploy::lock;
use crate::deploy::plan::IfBusy;
use crate::deploy::plan::Plan;
use crate::deploy::plan::VersionSource;
use crate::deploy::promote;
use crate::deploy::regions;
use crate::deploy::settle::send_settled;
use crate::deploy::version::{self, Decided};
use crate::deploy::wait::Wait;
use crate::esa::status::AppStatus;

/// Runs the whole deployment; the engine's task.
pub(crate) async fn deploy(plan: Plan, io: Io) -> Result<Outcome, Failure> {
    let chosen = match version::decide(&io, &plan).await? {
        Decided::Prepared(prepared) => {
            let (ours, extra) = match &prepared {
                Prepared::Ready(c) => (vec![c.version_id.as_str()], 0),
                Prepared::Creating { version_id, .. } => (vec![version_id.as_str()], 0),
                Prepared::ToCreate { .. } => (vec![], 1),
            };
            io.progress(|p| p.stage = Stage::Aftercare);
            aftercare::clean_up(&io, &plan, &ours, extra).await;
            return Ok(Outcome::Prepared(prepared));
        }
        Decided::Ready(chosen) => chosen,
    };
    let ours = chosen.version_id;
    regions::check(&io, &plan).await?;
    io.progress(|p| p.stage = Stage::Lock);
    let before = lock::hold(&io, &plan, &ours).await?;
    if plan.source == VersionSource::FromStaging && plan.if_busy == IfBusy::Wait {
        promote::still_serving(&io, &plan, &ours).await?;
    }
    if let Some(status) = before.as_ref().filter(|s| s.full_version() == Some(&ours)) {
        io.emit(Event::AlreadyServing {
            status: status.clone(),
        });
        after_steps(&io, &plan, &[&ours]).await;
        return Ok(Outcome::Unchanged);
    }
    let previous = previous(before.as_ref(), &ours);
    io.emit(Event::Previous(previous.clone()));
    run_steps(&io, &plan, &ours, before, &previous).await?;
    let kept: Vec<&str> = [Some(ours.as_str()), previous.as_deref().ok()]
        .into_iter()
        .flatten()
        .collect();
    after_steps(&io, &plan, &kept).await;
    Ok(Outcome::Deployed)
}

/// Where the app runs, and the versions `keep-versions` lets go (never one of `kept`).
async fn after_steps(io: &Io, plan: &Plan, kept: &[&str]) {
    io.progress(|p| p.stage = Stage::Aftercare);
    aftercare::where_it_runs(io, plan).await;
    aftercare::clean_up(io, plan, kept, 0).await;
}

/// The version to roll back to: what served before this run's first publish, by the state of
/// the reading it goes ahead on (see `AppStatus::served_before`).
fn previous(before: Option<&AppStatus>, ours: &str) -> Result<String, NoPrevious> {
    let Some(reading) = before else {
        return Err(NoPrevious::NoReading);
    };
    match reading.served_before(ours) {
        Ok(version) => Ok(version.to_string()),
        Err(why) => Err(NoPrevious::Unnamed {
            why,
            reading: Box::new(reading.clone()),
        }),
    }
}

/// Publishes every step in turn, following and baking as the plan says.
async fn run_steps(
    io: &Io,
    plan: &Plan,
    ours: &str,
    before: Option<AppStatus>,
    previous: &Result<String, NoPrevious>,
) -> Result<(), Failure> {
    let total = plan.steps.len();
    let mut latest = before;
    for (index, percentage) in plan.steps.iter().copied().enumerate() {
        let at = Step {
            step: index + 1,
            total,
            percentage,
        };
        io.progress(|p| {
            p.stage = Stage::Steps;
            p.total = total;
            p.current = at.step;
            p.baking = false;
        });
        latest = match one_step(io, plan, ours, &at, latest).await {
            Ok(reading) => reading,
            // Nothing changed yet: the first publish's own error, as it came.
            Err(failed) if index == 0 && failed.kind == FailureKind::StepPublishFailed => {
                return Err(Failure::call(failed.cause.unwrap_or_else(unknown)))
            }
            Err(failed) => return Err(roll_back(io, plan, ours, &at, previous, failed).await),
        };
        io.progress(|p| {
            p.completed = at.step;
            p.completed_share = percentage;
        });
        if let Err((why, cause)) = bake::bake(io, plan, at.step, at.total).await {
            let failed = StepFailed {
                kind: FailureKind::CheckFailed(why),
                cause,
                reading: latest.clone(),
            };
            return Err(roll_back(io, plan, ours, &at, previous, failed).await);
        }
    }
    Ok(())
}

fn unknown() -> Error {
    Error::internal("step_failed_without_error")
}

/// Where a step stands.
struct Step {
    step: usize,
    total: usize,
    percentage: Option<u8>,
}

/// Why the latest reading forbids a rollback: another version is in front (it took over),
/// whose publish a rollback would undo.
fn not_ours(reading: &AppStatus, ours: &str) -> Option<Rollback> {
    let current = reading.current_version();
    (!current.is_empty() && current != ours).then(|| Rollback::NotOurs {
        current: Some(current.to_string()),
    })
}

/// A failed step, before any rollback: why, the call behind it, and the latest reading.
struct StepFailed {
    kind: FailureKind,
    cause: Option<Error>,
    reading: Option<AppStatus>,
}

impl StepFailed {
    /// Whether the step's publish was sent and its answer lost, unsettled.
    fn lost_publish(&self) -> bool {
        self.kind == FailureKind::StepPublishFailed
            && self.cause.as_ref().is_some_and(Error::may_have_applied)
    }

    /// A call of the step failed with `error`.
    fn call(kind: FailureKind, error: Error, reading: Option<AppStatus>) -> Self {
        StepFailed {
            kind,
            cause: Some(error),
            reading,
        }
    }
}

/// Publishes one step and, when the plan follows, waits until it serves. Returns the latest
/// reading.
async fn one_step(
    io: &Io,
    plan: &Plan,
    ours: &str,
    at: &Step,
    latest: Option<AppStatus>,
) -> Result<Option<AppStatus>, StepFailed> {
    io.emit(Event::StepStarted {
        step: at.step,
        total: at.total,
        percentage: at.percentage,
    });
    let change = Change::Publish {
        version: ours.to_string(),
        percentage: at.percentage,
        step: at.step,
        total: at.total,
    };
    let sent = match send_settled(io, plan, change, latest.as_ref()).await {
        Ok(sent) => sent,
        Err(error) => {
            return Err(StepFailed::call(
                FailureKind::StepPublishFailed,
                error,
                latest,
            ))
        }
    };
    io.progress(|p| {
        p.accepted = at.step;
        p.accepted_share = at.percentage;
        p.last_share = None;
    });
    io.emit(Event::Published {
        step: at.step,
        total: at.total,
        percentage: at.percentage,
        request_id: sent.request_id,
        confirmed: sent.confirmed,
    });
    if !plan.follow {
        return Ok(latest);
    }
    let target = Target::new(ours, at.percentage, latest.as_ref());
    let reading = follow(io, plan, &target).await?;
    io.emit(Event::Serving {
        step: at.step,
        total: at.total,
        percentage: at.percentage,
    });
    Ok(Some(reading))
}

/// One reading while following: the status, and on staging the container's phase (best
/// effort: without it only the crash-loop detection is lost). Both bounded by the wait.
async fn read(io: &Io, plan: &Plan, wait: &Wait) -> Result<AppStatus, Error> {
    let mut status = io
        .status(plan.env(), plan.budget(wait.read_limit(io.now())))
        .await?;
    if plan.reads_phase() {
        match io
            .staging_status(plan.budget(wait.read_limit(io.now())))
            .await
        {
            Ok(staging) => status.phase = Some(staging.phase),
            Err(error) => io.emit(Event::PhaseUnread { error }),
        }
    }
    Ok(status)
}

/// Polls until [`judge`] decides, or `wait-timeout` passes.
async fn follow(io: &Io, plan: &Plan, target: &Target) -> Result<AppStatus, StepFailed> {
    let wait = Wait::new(io.now(), plan.wait_timeout, plan.poll_interval);
    let mut last: Option<AppStatus> = None;
    let mut changed_at = io.now();
    loop {
        let reading = match read(io, plan, &wait).await {
            Ok(reading) => reading,
            Err(error) => return Err(StepFailed::call(FailureKind::StatusUnknown, error, last)),
        };
        io.emit(Event::Reading {
            before: last.clone(),
            status: reading.clone(),
        });
        io.progress(|p| p.last_share = Some(reading.share_of(&target.version)));
        let moved = |before: &AppStatus| {
            (before.publish_percentage, &before.publish_status)
                != (reading.publish_percentage, &reading.publish_status)
        };
        if last.as_ref().is_some_and(moved) {
            changed_at = io.now();
        }
        let kind = match judge(target, &reading) {
            Verdict::Succeeded => return Ok(reading),
            Verdict::Failed(kind) => kind,
            Verdict::Pending => match wait.pause(io.now(), io.jitter()) {
                Some(pause) => {
                    last = Some(reading);
                    io.sleep(pause).await;
                    continue;
                }
                None => FailureKind::TimedOut {
                    percentage: target.percentage,
                    last: Some(Box::new(reading.clone())),
                    waited: wait.elapsed(io.now()),
                    stalled: io.now().saturating_sub(changed_at),
                },
            },
        };
        return Err(StepFailed {
            kind,
            cause: None,
            reading: Some(reading),
        });
    }
}

/// A failed step: rolls back to `previous` when the plan asks, and says what happened.
async fn roll_back(
    io: &Io,
    plan: &Plan,
    ours: &str,
    at: &Step,
    previous: &Result<String, NoPrevious>,
    failed: StepFailed,
) -> Failure {
    let step = Some((at.step, at.total));
    io.emit(Event::Failed {
        kind: failed.kind.clone(),
        cause: failed.cause.clone(),
        step,
    });
    // The rollout itself failed (not the publish call): read what explains it, before any
    // rollback changes the picture.
    if failed.kind != FailureKind::StepPublishFailed {
        aftercare::diagnose(io, plan).await;
    }
    let lost_publish = failed.lost_publish();
    let mut failure = Failure {
        kind: failed.kind,
        cause: failed.cause,
        step,
        rollback: Rollback::NotAsked,
    };
    if plan.rollback_on_failure {
        let front = Front {
            reading: failed.reading,
            lost_publish,
        };
        failure.rollback = rollback(io, plan, ours, previous, front, failure.title()).await;
    }
    failure
}

/// What is known of the front when a step fails: the latest reading, and whether the step's
/// publish was lost (then that reading is from before it).
struct Front {
    reading: Option<AppStatus>,
    lost_publish: bool,
}

/// The rollback to `previous`, when the front shows this run's version: never over another's
/// publish, nor when the front is unknown after a lost publish.
/// What the status showed of a rollback whose answer was lost. Only a new `RollbackTime` is a
/// sign of a rollback made since; the rest shows only that the app is going back.
fn rollback_seen(evidence: &Evidence) -> RollbackSeen {
    match evidence {
        Evidence::NewRollbackTime { .. } => RollbackSeen::NewRollbackTime,
        Evidence::NowRollingBack { .. }
        | Evidence::NewPublishTime { .. }
        | Evidence::NowInFront { .. }
        | Evidence::TargetMoved { .. } => RollbackSeen::RollingBack,
    }
}

async fn rollback(
    io: &Io,
    plan: &Plan,
    ours: &str,
    previous: &Result<String, NoPrevious>,
    front: Front,
    code: String,
) -> Rollback {
    let to = match previous {
        Ok(to) => to.clone(),
        Err(none) => return Rollback::NoPrevious(none.clone()),
    };
    let reading = match front.lost_publish {
        // The reading before a lost publish says nothing of the front now: read it again.
        true => match io.status(plan.env(), plan.call_budget()).await {
            Ok(now) => Some(now),
            Err(_) => return Rollback::NotOurs { current: None },
        },
        false => front.reading,
    };
    if let Some(not) = reading.as_ref().and_then(|r| not_ours(r, ours)) {
        return not;
    }
    let change = Change::Rollback {
        to: to.clone(),
        failed: ours.to_string(),
        code,
    };
    match send_settled(io, plan, change, reading.as_ref()).await {
        Ok(sent) => {
            let confirmed = sent.confirmed.as_ref().map(rollback_seen);
            io.emit(Event::RolledBack {
                to: to.clone(),
                request_id: sent.request_id.clone(),
                confirmed,
            });
            Rollback::Done {
                to,
                request_id: sent.request_id,
                confirmed,
            }
        }
        Err(error) => Rollback::Failed {
            to,
            error: Box::new(error),
        },
    }
}
