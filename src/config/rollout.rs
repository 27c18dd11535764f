//! Following the rollout: waiting, staged percentages, bake time, rollback and the publish lock (`wait`, `percentage-steps`, `step-wait`, `rollback-on-failure`, `if-busy`).

use std::time::Duration;

use crate::config::reader::Reader;
use esa_engine::base::text::shown;
use esa_engine::base::values::{bounded_duration, parse_bool, parse_percentage};
use esa_engine::deploy::plan::IfBusy;

/// How the rollout is followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolloutSettings {
    /// Poll the status until the rollout completes or fails.
    pub wait: bool,
    pub wait_timeout: Duration,
    pub poll_interval: Duration,
    /// A staged rollout: publish at each percentage in turn (each waited for).
    pub steps: Vec<u8>,
    /// Bake time between steps.
    pub step_wait: Duration,
    pub rollback_on_failure: bool,
    pub if_busy: IfBusy,
}

impl RolloutSettings {
    /// Whether the run follows the rollout at all (steps are always waited for).
    pub fn follows(&self) -> bool {
        self.wait || !self.steps.is_empty()
    }
}

/// `10,50,100`: percentages from 1 to 100, each larger than the one before.
pub fn parse_steps(value: &str) -> Result<Vec<u8>, String> {
    let steps: Vec<u8> = value
        .split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(parse_percentage)
        .collect::<Result<_, _>>()?;
    if steps.is_empty() {
        return Err("lists no percentage".into());
    }
    if steps.windows(2).any(|w| w[0] >= w[1]) {
        return Err(format!(
            "must rise step by step, like `10,50,100`, not `{}`",
            shown(value)
        ));
    }
    Ok(steps)
}

/// Reads the rollout inputs; `percentage_given` says whether `percentage` was set too.
pub fn read_rollout(r: &mut Reader<'_>, percentage_given: bool) -> RolloutSettings {
    let steps = r
        .parsed("percentage-steps", parse_steps)
        .unwrap_or_default();
    if !steps.is_empty() && percentage_given {
        r.error(
            "percentage-steps",
            "input `percentage-steps` and input `percentage` both set the percentage: keep one",
        );
    }
    if !steps.is_empty() && r.get("percentage-from-label").is_some() {
        r.error(
            "percentage-steps",
            "input `percentage-steps` and input `percentage-from-label` both set the percentage, and the steps would win over the label: keep one",
        );
    }
    let settings = RolloutSettings {
        wait: r.parsed("wait", parse_bool).unwrap_or(false),
        wait_timeout: r
            .parsed("wait-timeout", |v| {
                bounded_duration(v, Duration::from_secs(1), Duration::from_secs(6 * 3600))
            })
            .unwrap_or(Duration::from_secs(900)),
        poll_interval: r
            .parsed("poll-interval", |v| {
                bounded_duration(v, Duration::from_millis(100), Duration::from_secs(600))
            })
            .unwrap_or(Duration::from_secs(10)),
        steps,
        step_wait: r
            .parsed("step-wait", |v| {
                bounded_duration(v, Duration::ZERO, Duration::from_secs(24 * 3600))
            })
            .unwrap_or(Duration::from_secs(300)),
        rollback_on_failure: r.parsed("rollback-on-failure", parse_bool).unwrap_or(false),
        if_busy: r
            .parsed("if-busy", |v| match v {
                "fail" => Ok(IfBusy::Fail),
                "wait" => Ok(IfBusy::Wait),
                other => Err(format!("must be `fail` or `wait`, not `{}`", shown(other))),
            })
            .unwrap_or(IfBusy::Fail),
    };
    // A rollback needs a failure to see: without following, nothing would ever be rolled back.
    if settings.rollback_on_failure && !settings.follows() {
        r.error("rollback-on-failure", "input `rollback-on-failure` is `true`, which acts only when the rollout is followed (its default, `false`, asks for nothing), and this run does not follow it: add `wait: true` (or `percentage-steps`), or nothing is checked and nothing is ever rolled back");
    }
    settings
}
