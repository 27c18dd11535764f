//! The words of what happens around a rollout: why it failed (the staging pod, each region's replicas, the app's own log, a read that was not possible), where the app runs, and the versions `keep-versions` deletes.

use crate::words::phrases::Said;
use esa_engine::base::error::Error;
use esa_engine::deploy::event::{Diagnosis, Look};
use esa_engine::esa::diagnostics::RegionReadiness;
use esa_engine::esa::status::StagingStatus;
use esa_engine::esa::versions::Listed;

/// The longest log line shown, in characters: the app's own text is cut, never wrapped.
pub const MAX_LOG_LINE: usize = 500;

/// The title of a delete that failed (a warning: the step still succeeds).
pub const VERSION_NOT_DELETED: &str = "VersionNotDeleted";

/// What a read was, and the RAM action it needs.
fn look(l: Look) -> (&'static str, &'static str) {
    match l {
        Look::Pod => (
            "the staging pod's state",
            "esa:GetEdgeContainerStagingDeployStatus",
        ),
        Look::Regions => (
            "each region's replicas",
            "esa:GetEdgeContainerAppResourceStatus",
        ),
        Look::Logs => ("the app's container log", "esa:GetEdgeContainerLogs"),
        Look::App => (
            "the app's bound domain, so `url` is empty",
            "esa:GetEdgeContainerApp",
        ),
        Look::StagingIps => (
            "staging's addresses, so `staging-ips` is empty",
            "esa:GetEdgeContainerStagingDeployStatus",
        ),
        Look::Versions => (
            "the app's versions, so `keep-versions` deleted nothing",
            "esa:ListEdgeContainerAppVersions",
        ),
        Look::Status => (
            "what each environment serves, so `keep-versions` deleted nothing",
            "esa:GetEdgeContainerAppStatus",
        ),
        Look::DeployRegions => (
            "the regions the app can deploy to, so `regions` is left to the service to check",
            "esa:GetEdgeContainerDeployRegions",
        ),
        Look::Version => (
            "the version given by `version-id`, so its name is not reported and its status is left to the service to check",
            "esa:GetEdgeContainerAppVersion",
        ),
    }
}

/// `CrashLoopBackOff, not ready, restarted 7 times, last exit OOMKilled`.
pub fn pod(s: &StagingStatus) -> String {
    let mut parts = vec![match s.phase.as_str() {
        "" => "phase unknown".to_string(),
        phase => phase.to_string(),
    }];
    match s.ready {
        Some(true) => parts.push("ready".into()),
        Some(false) => parts.push("not ready".into()),
        None => {}
    }
    if let Some(n) = s.restart_count.filter(|n| *n > 0) {
        parts.push(format!(
            "restarted {n} time{}",
            if n == 1 { "" } else { "s" }
        ));
    }
    if let Some(reason) = &s.last_terminated_reason {
        parts.push(format!("last exit {reason}"));
    }
    parts.join(", ")
}

/// `huadong/chinanet 1 of 3 ready`, one region each.
pub fn regions(regions: &[RegionReadiness]) -> String {
    let each: Vec<String> = regions
        .iter()
        .map(|r| {
            let place = match r.isp.as_str() {
                "" => r.region.clone(),
                isp => format!("{}/{isp}", r.region),
            };
            let offline = if r.is_offline { " (offline)" } else { "" };
            format!("{place} {} of {} ready{offline}", r.ready, r.total)
        })
        .collect();
    each.join("; ")
}

/// A log line as it may be shown: at most [`MAX_LOG_LINE`] characters (the runner escapes it
/// and scrubs secrets when it prints it).
pub fn log_line(line: &str) -> String {
    let line = line.trim_end();
    match line.char_indices().nth(MAX_LOG_LINE) {
        Some((cut, _)) => format!("{}… (cut)", &line[..cut]),
        None => line.to_string(),
    }
}

/// The heading of the app's log: how many lines were read, and how many of the first were cut
/// (and their size) to keep the job summary within its budget.
pub fn log_heading(lines: usize, cut: usize, cut_size: &str) -> String {
    let read = format!(
        "The app's recent container log ({lines} line{})",
        if lines == 1 { "" } else { "s" }
    );
    match cut {
        0 => read,
        cut => format!(
            "{read}: the first {cut} ({cut_size}) are cut to keep the job summary under the runner's 1 MiB limit, and the last {} are shown",
            lines - cut
        ),
    }
}

/// The note above a timeline whose first rows were cut.
pub fn timeline_cut(rows: usize) -> String {
    format!("The first {rows} events are cut to keep the job summary under the runner's 1 MiB limit; the last are shown.")
}

/// Why the log is not shown under `logs-on-failure: auto`.
pub fn withheld(public: bool) -> String {
    let why = match public {
        true => "this repository is public, and so are its logs",
        false => "whether this repository is private is not known, so it is treated as public",
    };
    format!("the app's container log is not shown: {why}. Set `logs-on-failure: 50` to show its last 50 lines")
}

/// A diagnosis in words.
/// What explains a failure, as read.
pub fn diagnosis(d: &Diagnosis) -> Said {
    match d {
        Diagnosis::Pod(s) => Said::Line(format!("why: the staging pod is {}", pod(s))),
        Diagnosis::Regions(r) => Said::Line(format!("why: {}", regions(r))),
        Diagnosis::Logs(lines) => Said::Group {
            title: log_heading(lines.len(), 0, ""),
            lines: lines.iter().map(|l| log_line(l)).collect(),
        },
        Diagnosis::LogsWithheld { public } => Said::Line(withheld(*public)),
    }
}

fn names(versions: &[Listed]) -> String {
    let each: Vec<String> = versions
        .iter()
        .map(|v| format!("{} (`{}`)", v.version_id, v.name))
        .collect();
    match each.is_empty() {
        true => "none".into(),
        false => each.join(", "),
    }
}

/// [`logs_too_large`], as a log line.
pub fn too_large(asked: u32, size: Option<u64>, retry: Option<u32>) -> Said {
    Said::Line(logs_too_large(asked, size, retry))
}

/// The app's last `asked` log lines were too large an answer to read: reading `retry` instead,
/// or (`None`) not shown.
pub fn logs_too_large(asked: u32, size: Option<u64>, retry: Option<u32>) -> String {
    let size = size
        .map(|n| format!(" ({} KiB)", n.div_ceil(1024)))
        .unwrap_or_default();
    match retry {
        Some(retry) => format!("the app's last {asked} log lines are too large an answer to read{size}; reading its last {retry} instead"),
        None => format!("the app's last {asked} log lines are still too large an answer to read{size}, so the log is not shown; `logs-on-failure` sets how many lines are asked for"),
    }
}

/// A read that explains or locates the app and failed: only a refusal is about the
/// permission; anything else speaks for itself.
pub fn unread(l: Look, error: &Error) -> Said {
    let (what, action) = look(l);
    Said::Line(match error.is_permission_denied() {
        true => format!("could not read {what} (it needs `{action}`): {error}"),
        false => format!("could not read {what}: {error}"),
    })
}

/// Where the app answers, or that no domain is bound.
pub fn url(url: Option<&str>) -> Said {
    Said::Line(match url {
        Some(url) => format!("the app answers at {url}"),
        None => "no domain is bound to the app, so `url` is empty".into(),
    })
}

/// Staging's addresses, or that it reports none.
pub fn staging_ips(ips: &[String]) -> Said {
    Said::Line(match ips.is_empty() {
        true => "staging reports no addresses, so `staging-ips` is empty".into(),
        false => format!("staging answers at {}", ips.join(", ")),
    })
}

/// A version `keep-versions` deleted.
pub fn deleted(version: &Listed, request_id: Option<&str>) -> Said {
    Said::Line(format!(
        "deleted version {} (`{}`) for `keep-versions`, RequestId {}",
        version.version_id,
        version.name,
        request_id.unwrap_or("(none)")
    ))
}

/// A delete that failed: a warning, the publish stands.
pub fn delete_failed(version: &Listed, error: &Error) -> Said {
    Said::Warning {
        title: VERSION_NOT_DELETED,
        text: format!(
            "could not delete version {} (`{}`) for `keep-versions`; the publish stands: {error}",
            version.version_id, version.name
        ),
    }
}

/// Versions left for the next run to delete.
pub fn deletes_left(count: usize) -> Said {
    Said::Line(format!(
        "{count} more version(s) past `keep-versions` are left for the next run: the deletes of one run share one `timeout`"
    ))
}

/// What a dry run's `keep-versions` would delete.
pub fn would_delete(versions: &[Listed]) -> Said {
    Said::Line(format!("`keep-versions` would delete: {}", names(versions)))
}
