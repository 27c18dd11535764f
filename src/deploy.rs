//! The deployment around the publish call: the publish lock (`if-busy`), one publish or a staged series, following each rollout to its end, and the rollback when asked. What happened is kept in a [`Report`] that survives failure and cancellation.

use std::io::Write;
use std::time::Duration;

use serde_json::Value;
use tokio::time::Instant;

use crate::api::{
    publish_request, rollback_request, staging_status_request, status_request, PublishResponse,
};
use crate::app::log_event;
use crate::client::{Client, Event};
use crate::error::Error;
use crate::inputs::{Config, IfBusy, PublishEnv};
use crate::nonce::random_unit;
use crate::retry::Idempotency;
use crate::rollout::{self, Clock, Moment, Snapshot, Target, WaitEnd};
use crate::runner::{Level, Runner};

/// Real time for [`rollout::wait`].
pub struct TokioClock(Instant);

impl Clock for TokioClock {
    fn elapsed(&self) -> Duration {
        self.0.elapsed()
    }
    fn sleep(&self, duration: Duration) -> impl std::future::Future<Output = ()> {
        tokio::time::sleep(duration)
    }
}

/// What the deployment did, filled in as it goes.
#[derive(Debug, Default)]
pub struct Report {
    /// The RequestId of the last publish call.
    pub request_id: Option<String>,
    /// What served before (`BaseLineVersion` or `DeployedVersion` of the first status read).
    pub previous_version: Option<String>,
    /// The last status read after publishing.
    pub last: Option<Snapshot>,
    pub rollback_request_id: Option<String>,
    /// The steps' percentages (one entry without `percentage-steps`), and how many completed.
    pub steps: Vec<Option<u8>>,
    pub completed: usize,
    /// The step under way, 1-based.
    pub current: usize,
    /// Each step, each status change, with its time since the start.
    pub timeline: Vec<Moment>,
    started: Option<Instant>,
}

impl Report {
    fn note<W: Write>(&mut self, runner: &mut Runner<W>, text: String) {
        let at = self.started.map(|s| s.elapsed()).unwrap_or_default();
        runner.log(&format!("[{}] {text}", clock_text(at)));
        self.timeline.push(Moment { at, text });
    }
}

/// `mm:ss`.
pub fn clock_text(d: Duration) -> String {
    format!("{:02}:{:02}", d.as_secs() / 60, d.as_secs() % 60)
}

fn is_permission_error(e: &Error) -> bool {
    let title = e.title();
    title.starts_with("Forbidden") || title == "NoPermission"
}

fn rollout_error(title: impl Into<String>, detail: String) -> Error {
    Error::Rollout {
        title: title.into(),
        detail,
    }
}

/// Reads the app's status; on staging also the container phase (best effort: a failure there
/// only costs the crash-loop detection).
async fn read_status(
    client: &Client,
    config: &Config,
    on_event: &mut dyn FnMut(&Event),
) -> Result<Snapshot, Error> {
    let p = &config.publish;
    let answer = client
        .call::<Value>(
            &status_request(&p.app_id, p.publish_env.as_str()),
            Idempotency::Idempotent,
            &config.retry,
            on_event,
        )
        .await?;
    let mut snapshot =
        Snapshot::from_answer(&answer.body).ok_or_else(|| Error::UnexpectedResponse {
            status: 200,
            what: "a GetEdgeContainerAppStatus answer without AppStatus".into(),
            request_id: answer.request_id.clone(),
            body_start: String::new(),
        })?;
    if p.publish_env == PublishEnv::Staging && config.rollout.follows() {
        match client
            .call::<Value>(&staging_status_request(&p.app_id), Idempotency::Idempotent, &config.retry, on_event)
            .await
        {
            Ok(a) => snapshot.staging_phase = a.body.get("Phase").and_then(Value::as_str).map(str::to_string),
            Err(e) => on_event(&Event::Note(format!(
                "GetEdgeContainerStagingDeployStatus failed, so container phases are not checked: {e}"
            ))),
        }
    }
    Ok(snapshot)
}

/// Runs the deployment. `report` holds what happened, whatever the result.
pub async fn deploy<W: Write>(
    client: &Client,
    config: &Config,
    runner: &mut Runner<W>,
    report: &mut Report,
) -> Result<(), Error> {
    report.started = Some(Instant::now());
    let settings = &config.rollout;
    let ours = config.publish.version_id.clone();
    report.steps = if settings.steps.is_empty() {
        vec![config.publish.percentage]
    } else {
        settings.steps.iter().copied().map(Some).collect()
    };

    // The publish lock: read the status first.
    let strict =
        settings.follows() || settings.rollback_on_failure || settings.if_busy == IfBusy::Wait;
    let before = match read_status(client, config, &mut |e| log_event(runner, e)).await {
        Ok(s) => Some(s),
        Err(e) if !strict && is_permission_error(&e) => {
            runner.annotate(
                Level::Warning,
                "PublishLockSkipped",
                &format!("could not read the app's status, so whether another publish is under way is unchecked (grant `esa:GetEdgeContainerAppStatus` to enable the lock): {e}"),
            );
            None
        }
        Err(e) => return Err(e),
    };
    if let Some(before) = &before {
        report.previous_version = before.serving_version().map(str::to_string);
        if let Some(other) = before.busy_with_other(&ours).map(str::to_string) {
            match settings.if_busy {
                IfBusy::Fail => {
                    return Err(rollout_error(
                        "PublishInProgress",
                        format!("{} is already publishing {other} to {} ({}); not publishing {ours} on top of it. Re-run when it has finished, or set `if-busy: wait`.", config.publish.app_id, config.publish.publish_env.as_str(), before.describe()),
                    ))
                }
                IfBusy::Wait => wait_until_idle(client, config, runner, report, &other).await?,
            }
        }
    }

    let total = report.steps.len();
    for (index, percentage) in report.steps.clone().into_iter().enumerate() {
        report.current = index + 1;
        let mut publish = config.publish.clone();
        publish.percentage = percentage;
        let shown = percentage
            .map(|p| format!("{p}%"))
            .unwrap_or_else(|| "100% (default)".into());
        let outcome = client
            .call::<PublishResponse>(
                &publish_request(&publish),
                Idempotency::NotIdempotent,
                &config.retry,
                &mut |e| log_event(runner, e),
            )
            .await;
        let answer = match outcome {
            Ok(a) => a,
            Err(e) if index > 0 => {
                let detail = format!("step {}/{total}: the publish failed: {e}", index + 1);
                return Err(fail(client, config, runner, report, e.title(), detail).await);
            }
            Err(e) => return Err(e),
        };
        report.request_id = answer.body.request_id.or(answer.request_id);
        report.note(
            runner,
            format!(
                "step {}/{total}: publishing {ours} at {shown} accepted, RequestId {}",
                index + 1,
                report.request_id.as_deref().unwrap_or("(none)")
            ),
        );
        if !settings.follows() {
            report.completed = index + 1;
            continue;
        }
        let target = Target {
            version: ours.clone(),
            percentage: u32::from(percentage.unwrap_or(100)),
        };
        let clock = TokioClock(Instant::now());
        let end = {
            // The status reads and the progress notes both write to the log; each borrow of
            // the runner lasts one synchronous call, never across an await.
            let runner_cell = std::cell::RefCell::new(&mut *runner);
            let report_cell = std::cell::RefCell::new(&mut *report);
            rollout::wait(
                &clock,
                &target,
                settings.poll_interval,
                settings.wait_timeout,
                || random_unit().unwrap_or(0.5),
                || {
                    let runner_cell = &runner_cell;
                    async move {
                        let mut log = |e: &Event| log_event(&mut runner_cell.borrow_mut(), e);
                        read_status(client, config, &mut log).await
                    }
                },
                |m| {
                    report_cell
                        .borrow_mut()
                        .note(&mut runner_cell.borrow_mut(), m.text)
                },
            )
            .await
        };
        match end {
            WaitEnd::Succeeded(s) => {
                report.last = Some(s);
                report.completed = index + 1;
                report.note(
                    runner,
                    format!("step {}/{total}: {ours} serves {shown}", index + 1),
                );
            }
            WaitEnd::Failed(failure, s) => {
                report.last = s.or(report.last.take());
                let title = failure.title().to_string();
                let detail = format!("step {}/{total}: {}", index + 1, failure.describe(&target));
                return Err(fail(client, config, runner, report, title, detail).await);
            }
            WaitEnd::Error(e) => {
                let detail = format!(
                    "step {}/{total}: the rollout's status could not be read: {e}",
                    index + 1
                );
                return Err(fail(
                    client,
                    config,
                    runner,
                    report,
                    "RolloutStatusUnknown",
                    detail,
                )
                .await);
            }
        }
        if index + 1 < total && !settings.step_wait.is_zero() {
            report.note(
                runner,
                format!(
                    "baking {} before step {}/{total}",
                    clock_text(settings.step_wait),
                    index + 2
                ),
            );
            tokio::time::sleep(settings.step_wait).await;
        }
    }
    Ok(())
}

/// `if-busy: wait`: polls until the other publish is over, within `wait-timeout`.
async fn wait_until_idle<W: Write>(
    client: &Client,
    config: &Config,
    runner: &mut Runner<W>,
    report: &mut Report,
    other: &str,
) -> Result<(), Error> {
    let settings = &config.rollout;
    let started = Instant::now();
    report.note(
        runner,
        format!("{other} is being published; waiting for it to finish (`if-busy: wait`)"),
    );
    loop {
        tokio::time::sleep(
            settings
                .poll_interval
                .mul_f64(1.0 + 0.2 * random_unit().unwrap_or(0.5)),
        )
        .await;
        let s = read_status(client, config, &mut |e| log_event(runner, e)).await?;
        if s.busy_with_other(&config.publish.version_id).is_none() {
            report.previous_version = s
                .serving_version()
                .map(str::to_string)
                .or(report.previous_version.take());
            report.note(
                runner,
                format!("the other publish is over ({})", s.describe()),
            );
            return Ok(());
        }
        if started.elapsed() >= settings.wait_timeout {
            return Err(rollout_error(
                "PublishInProgress",
                format!(
                    "{other} was still publishing after `wait-timeout` ({}); {} was not published",
                    clock_text(settings.wait_timeout),
                    config.publish.version_id
                ),
            ));
        }
    }
}

/// A failed wait or step: roll back when asked, then the error to report.
async fn fail<W: Write>(
    client: &Client,
    config: &Config,
    runner: &mut Runner<W>,
    report: &mut Report,
    title: impl Into<String>,
    detail: String,
) -> Error {
    let title: String = title.into();
    report.note(runner, format!("failed: {detail}"));
    if !config.rollout.rollback_on_failure {
        return rollout_error(title, format!("{detail}. Nothing was rolled back (`rollback-on-failure` is false); see the timeline in the job summary."));
    }
    let Some(previous) = report.previous_version.clone() else {
        return rollout_error(
            title,
            format!("{detail}. No rollback: the version that served before is unknown."),
        );
    };
    let remarks = format!(
        "esa-publish: rollback after {} failed ({title})",
        config.publish.version_id
    );
    let result = client
        .call::<PublishResponse>(
            &rollback_request(&config.publish.app_id, &previous, &remarks),
            Idempotency::NotIdempotent,
            &config.retry,
            &mut |e| log_event(runner, e),
        )
        .await;
    match result {
        Ok(answer) => {
            let id = answer.body.request_id.or(answer.request_id);
            report.rollback_request_id = id.clone();
            report.note(
                runner,
                format!(
                    "rolled back to {previous}, RequestId {}",
                    id.as_deref().unwrap_or("(none)")
                ),
            );
            rollout_error(
                title,
                format!(
                    "{detail}. Rolled back to {previous} (rollback RequestId {}).",
                    id.as_deref().unwrap_or("(none)")
                ),
            )
        }
        Err(e) => rollout_error(
            title,
            format!("{detail}. The rollback to {previous} failed too: {e}"),
        ),
    }
}

/// Where a cancelled run stopped, for the log.
pub fn cancelled_text(report: &Report) -> String {
    let total = report.steps.len();
    let last = match report.completed {
        0 => "no step had completed".to_string(),
        n => format!(
            "the last completed step, {}/{total} at {}, stays in place",
            n,
            report.steps[n - 1]
                .map(|p| format!("{p}%"))
                .unwrap_or_else(|| "100%".into())
        ),
    };
    let when = if report.completed >= report.current.max(1) {
        format!("while baking after step {}/{total}", report.completed)
    } else {
        format!("during step {}/{total}", report.current.max(1))
    };
    format!(
        "cancelled {when}: {last}; nothing was rolled back, and a publish already sent may still go on (check the app's publish status)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cancel_message_names_the_last_completed_step() {
        let mut r = Report {
            steps: vec![Some(10), Some(50), Some(100)],
            completed: 1,
            current: 2,
            ..Report::default()
        };
        assert!(cancelled_text(&r)
            .contains("during step 2/3: the last completed step, 1/3 at 10%, stays in place"));
        r.current = 1;
        assert!(cancelled_text(&r).contains("while baking after step 1/3"));
        r.completed = 0;
        r.current = 1;
        assert!(cancelled_text(&r).contains("no step had completed"));
    }
}
