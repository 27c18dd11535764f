//! The phrases every report shares: what the run is about, a share, a reading of the status, what keeps an environment busy, and a rollback's RequestId.

use crate::ci::cancel::Signal;
use crate::ci::host::Host;
use crate::ci::tls_roots::Repair;
use esa_engine::deploy::failure::RollbackSeen;
use esa_engine::esa::status::{AppStatus, Busy, PublishStatus};

/// What the run was about when it failed, for the words.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The CI system whose words the messages speak.
    pub host: Host,
    pub app_id: String,
    pub env: String,
    /// The version being published, when known.
    pub version: String,
}

/// `30%`, or `100% (default)` when no percentage was given.
pub fn share(percentage: Option<u8>) -> String {
    percentage
        .map(|p| format!("{p}%"))
        .unwrap_or_else(|| "100% (default)".into())
}

/// A publish status as the service names it, or `idle` (its empty status) as `when_idle`.
pub fn status_or(status: &PublishStatus, when_idle: &str) -> String {
    match status {
        PublishStatus::Idle => when_idle.to_string(),
        PublishStatus::Publishing
        | PublishStatus::Published
        | PublishStatus::RollingBack
        | PublishStatus::RolledBack
        | PublishStatus::Unknown(_) => status.to_string(),
    }
}

/// `publishing ver-2 30% of 100%, container Running`, for the log and the timeline.
pub fn describe(s: &AppStatus) -> String {
    let status = status_or(&s.publish_status, "idle");
    let mut text = format!(
        "{status} {} {}% of {}%",
        s.current_version(),
        s.publish_percentage,
        s.expect_percentage
    );
    if let Some(phase) = &s.phase {
        text.push_str(&format!(", container {phase}"));
    }
    text
}

/// `ver-2 is being published`, `a rollback is under way`.
pub fn busy(b: &Busy) -> String {
    match b {
        Busy::Publishing(other) => format!("{other} is being published"),
        Busy::RollingBack => "a rollback is under way".into(),
    }
}

/// A rollback's RequestId as the log and the message give it.
pub fn rollback_id(request_id: Option<&str>, confirmed: Option<RollbackSeen>) -> String {
    match (request_id, confirmed) {
        (Some(id), _) => id.to_string(),
        (None, Some(RollbackSeen::NewRollbackTime)) => {
            "unknown: its answer was lost, and a new RollbackTime confirms it".into()
        }
        (None, Some(RollbackSeen::RollingBack)) => {
            "unknown: its answer was lost, and the status shows the app going back, which the service's own rollback would show too".into()
        }
        (None, None) => "(none)".into(),
    }
}

/// How an event is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Said {
    /// A plain log line.
    Line(String),
    /// A timeline moment: logged with its time, and kept for the summary.
    Moment(String),
    /// A warning annotation.
    Warning { title: &'static str, text: String },
    /// A debug line.
    Debug(String),
    /// A collapsible group of lines (the app's own text: escaped and scrubbed when printed).
    Group { title: String, lines: Vec<String> },
    /// Nothing to say (the event only feeds the record or the chart).
    Nothing,
}

/// The chart's mark for a cancelled run.
pub const CANCELLED_MARK: &str = "cancelled";

/// The log line when the runner cancels the job.
pub fn signal_received(signal: Signal) -> String {
    format!(
        "esa-publish: {} received (the job was cancelled): stopping where the run stands; nothing more is sent",
        signal.name()
    )
}

/// The title of a TLS variable that named paths the container lacks.
pub const TLS_ROOTS_MISSING: &str = "CertificatePathMissing";

/// What was done about a TLS variable naming paths that do not exist here.
pub fn tls_repaired(r: &Repair) -> String {
    let missing = r.missing.join(", ");
    let instead = match &r.kept {
        Some(kept) => format!("using the rest of it ({kept})"),
        None => "using the image's own CA bundle instead".into(),
    };
    format!(
        "{} names {missing}, which does not exist here (a self-hosted runner passes its own environment into the container): {instead}. To trust another CA (a TLS-intercepting proxy's), mount it into the job and point {} at a path that exists there.",
        r.variable, r.variable
    )
}
