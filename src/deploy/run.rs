//! The deployment around the publish call: the publish lock (`if-busy`), one publish or a staged series, following each rollout to its end, and the rollback when asked. What happened is kept in a [`Report`] that survives failure and cancellation.

use std::time::Duration;

use tokio::time::Instant;

use crate::base::error::Error;
use crate::base::random::random_unit;
use crate::base::text::clock_text;
use crate::config::rollout::IfBusy;
use crate::config::Config;
use crate::deploy::report::{serving, Report};
use crate::deploy::rollout::{self, Clock, Target, WaitEnd};
use crate::deploy::settle::{publish_sign, rollback_sign, send_settled};
use crate::deploy::status::read_status;
use crate::deploy::version;
use crate::deploy::Progress;
use crate::esa::api::{publish_request, rollback_request};
use crate::esa::client::{Client, Event};

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

/// Finds or makes the version (see [`version`]), records it in `report`, then deploys it.
pub async fn publish_version(
    client: &Client,
    config: &Config,
    progress: &mut dyn Progress,
    report: &mut Report,
) -> Result<(), Error> {
    let chosen = version::resolve(client, config, progress, &mut report.version).await?;
    let mut config = config.clone();
    config.publish.version_id = chosen.version_id.clone();
    report.version = Some(chosen);
    deploy(client, &config, progress, report).await
}

/// Runs the deployment. `report` holds what happened, whatever the result.
pub async fn deploy(
    client: &Client,
    config: &Config,
    progress: &mut dyn Progress,
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
    let before = match read_status(client, config, &mut |e| progress.client(e)).await {
        Ok(s) => Some(s),
        Err(e) if !strict && is_permission_error(&e) => {
            progress.warn(
                "PublishLockSkipped",
                &format!("could not read the app's status, so whether another publish is under way is unchecked (grant `esa:GetEdgeContainerAppStatus` to enable the lock): {e}"),
            );
            None
        }
        Err(e) => return Err(e),
    };
    report.status_before = before.clone();
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
                IfBusy::Wait => wait_until_idle(client, config, progress, report, &other).await?,
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
        // A lost answer is settled against the latest reading: the previous step's, or the
        // lock's before the first step.
        let reading = report.last.clone().or_else(|| report.status_before.clone());
        let what = format!("the publish of {ours} at {shown}");
        let target_percentage = u32::from(percentage.unwrap_or(100));
        let outcome = send_settled(
            client,
            config,
            progress,
            &publish_request(&publish),
            &what,
            reading.as_ref(),
            &|before, after| publish_sign(before, after, &ours, target_percentage),
        )
        .await;
        let sent = match outcome {
            Ok(sent) => sent,
            Err(e) if index > 0 => {
                let detail = format!("step {}/{total}: the publish failed: {e}", index + 1);
                return Err(fail(client, config, progress, report, e.title(), detail).await);
            }
            Err(e) => return Err(e),
        };
        report.request_id = sent.request_id;
        report.answer_lost = sent.confirmed.is_some();
        let text = match &sent.confirmed {
            None => format!(
                "step {}/{total}: publishing {ours} at {shown} accepted, RequestId {}",
                index + 1,
                report.request_id.as_deref().unwrap_or("(none)")
            ),
            Some(how) => format!(
                "step {}/{total}: publishing {ours} at {shown}: the answer was lost, and the app's status confirms it took effect ({how}); RequestId unknown",
                index + 1
            ),
        };
        report.note(progress, text);
        if !settings.follows() {
            report.completed = index + 1;
            continue;
        }
        report.plot(None, Some(format!("step {}/{total} {shown}", index + 1)));
        let target = Target {
            version: ours.clone(),
            percentage: u32::from(percentage.unwrap_or(100)),
        };
        let clock = TokioClock(Instant::now());
        let end = {
            // The status reads and the progress notes both write to the log; each borrow of
            // the progress lasts one synchronous call, never across an await.
            let progress_cell = std::cell::RefCell::new(&mut *progress);
            let report_cell = std::cell::RefCell::new(&mut *report);
            rollout::wait(
                &clock,
                &target,
                settings.poll_interval,
                settings.wait_timeout,
                || random_unit().unwrap_or(0.5),
                || {
                    let progress_cell = &progress_cell;
                    let report_cell = &report_cell;
                    let ours = &ours;
                    async move {
                        let mut log = |e: &Event| progress_cell.borrow_mut().client(e);
                        let read = read_status(client, config, &mut log).await;
                        if let Ok(s) = &read {
                            report_cell.borrow_mut().plot(Some(serving(s, ours)), None);
                        }
                        read
                    }
                },
                |m| {
                    report_cell
                        .borrow_mut()
                        .note(&mut **progress_cell.borrow_mut(), m.text)
                },
            )
            .await
        };
        match end {
            WaitEnd::Succeeded(s) => {
                report.last = Some(s);
                report.completed = index + 1;
                report.note(
                    progress,
                    format!("step {}/{total}: {ours} serves {shown}", index + 1),
                );
            }
            WaitEnd::Failed(failure, s) => {
                report.last = s.or(report.last.take());
                let title = failure.title().to_string();
                let detail = format!("step {}/{total}: {}", index + 1, failure.describe(&target));
                return Err(fail(client, config, progress, report, title, detail).await);
            }
            WaitEnd::Error(e) => {
                let detail = format!(
                    "step {}/{total}: the rollout's status could not be read: {e}",
                    index + 1
                );
                return Err(fail(
                    client,
                    config,
                    progress,
                    report,
                    "RolloutStatusUnknown",
                    detail,
                )
                .await);
            }
        }
        if index + 1 < total && !settings.step_wait.is_zero() {
            report.note(
                progress,
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
async fn wait_until_idle(
    client: &Client,
    config: &Config,
    progress: &mut dyn Progress,
    report: &mut Report,
    other: &str,
) -> Result<(), Error> {
    let settings = &config.rollout;
    let started = Instant::now();
    report.note(
        progress,
        format!("{other} is being published; waiting for it to finish (`if-busy: wait`)"),
    );
    loop {
        tokio::time::sleep(
            settings
                .poll_interval
                .mul_f64(1.0 + 0.2 * random_unit().unwrap_or(0.5)),
        )
        .await;
        let s = read_status(client, config, &mut |e| progress.client(e)).await?;
        if s.busy_with_other(&config.publish.version_id).is_none() {
            report.previous_version = s
                .serving_version()
                .map(str::to_string)
                .or(report.previous_version.take());
            report.note(
                progress,
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
async fn fail(
    client: &Client,
    config: &Config,
    progress: &mut dyn Progress,
    report: &mut Report,
    title: impl Into<String>,
    detail: String,
) -> Error {
    let title: String = title.into();
    report.note(progress, format!("failed: {detail}"));
    report.plot(None, Some(title.clone()));
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
    let reading = report.last.clone().or_else(|| report.status_before.clone());
    let result = send_settled(
        client,
        config,
        progress,
        &rollback_request(&config.publish.app_id, &previous, &remarks),
        &format!("the rollback to {previous}"),
        reading.as_ref(),
        &|before, after| rollback_sign(before, after, &previous),
    )
    .await;
    match result {
        Ok(sent) => {
            report.rollback_request_id = sent.request_id.clone();
            report.plot(Some(0), Some(format!("rolled back to {previous}")));
            // An output must not carry made-up text; the log and the message say what happened.
            let id = sent.request_id.or_else(|| {
                sent.confirmed
                    .map(|_| "unknown: its answer was lost, the status confirms it".to_string())
            });
            report.note(
                progress,
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
