//! The health check's probing: where a step's probes go (on staging, its own addresses, read once as the bake starts; none is a failure, never a skipped check), and one probe within a poll interval and its slack.

use std::net::IpAddr;
use std::time::Duration;

use crate::base::error::Error;
use crate::deploy::bake::Failed;
use crate::deploy::checks::health::{probe_limit, HealthFailed, HealthGate, Target};
use crate::deploy::checks::CheckFailure;
use crate::deploy::io::Io;
use crate::deploy::plan::Plan;
use crate::esa::model::PublishEnv;
use crate::esa::probe::Probed;

fn unprobed(why: HealthFailed, cause: Option<Error>) -> Failed {
    (CheckFailure::Health(why), cause)
}

/// Where the probes go: on staging, its addresses (none is a failure, never a skipped check);
/// elsewhere wherever the URL's host resolves.
pub(crate) async fn ready(io: &Io, plan: &Plan, gate: &HealthGate) -> Result<Target, Failed> {
    let url = gate.url.as_str().to_string();
    if plan.env() != PublishEnv::Staging {
        return Ok(Target {
            url: gate.url.clone(),
            at: Vec::new(),
        });
    }
    let staging = io
        .staging_status(plan.call_budget())
        .await
        .map_err(|e| unprobed(HealthFailed::Unprobed { url: url.clone() }, Some(e)))?;
    let at: Vec<IpAddr> = staging
        .vips
        .iter()
        .filter_map(|v| v.trim().parse().ok())
        .collect();
    if at.is_empty() {
        return Err(unprobed(HealthFailed::NoAddresses { url }, None));
    }
    Ok(Target {
        url: gate.url.clone(),
        at,
    })
}

/// One probe, within a poll interval (or what is left of the window) and its slack.
pub(crate) async fn measure(
    io: &Io,
    plan: &Plan,
    target: &Target,
    left: Duration,
) -> Result<Probed, Failed> {
    let limit = probe_limit(left, plan.poll_interval, plan.retry.timeout);
    io.probe(&target.url, &target.at, limit).await.map_err(|e| {
        let url = target.url.as_str().to_string();
        unprobed(HealthFailed::Unprobed { url }, Some(e))
    })
}

/// The failure of `failures` failed probes in a row, the last of them `last`.
pub(crate) fn failed(target: &Target, failures: u32, last: Probed) -> CheckFailure {
    CheckFailure::Health(HealthFailed::Probes {
        url: target.url.as_str().to_string(),
        failures,
        last,
    })
}
