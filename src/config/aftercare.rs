//! What the run does around the rollout beyond publishing: how many lines of the app's log to show when it fails, and how many of its own versions to keep (`logs-on-failure`, `keep-versions`).

use crate::config::reader::Reader;
use esa_engine::base::text::shown;
use esa_engine::esa::diagnostics::MAX_LOG_LINES;

/// `logs-on-failure`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogsOnFailure {
    /// On (50 lines) for a private repository, off for a public one, whose logs anyone can read.
    Auto,
    /// This many lines; 0 is off.
    Lines(u32),
}

/// The lines `auto` shows for a private repository.
pub const AUTO_LOG_LINES: u32 = 50;

/// The most versions `keep-versions` may ask to keep (0 keeps everything).
const MAX_KEEP: u32 = 1000;

/// What the run does beyond publishing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Aftercare {
    pub logs_on_failure: LogsOnFailure,
    /// How many versions this action made to keep after a successful publish; 0 keeps all.
    pub keep_versions: u32,
}

/// Reads `logs-on-failure` and `keep-versions`.
pub fn read_aftercare(r: &mut Reader<'_>) -> Aftercare {
    let logs_on_failure = r
        .parsed("logs-on-failure", |v| match v {
            "auto" => Ok(LogsOnFailure::Auto),
            n => match n.parse::<u32>() {
                Ok(n) if n <= MAX_LOG_LINES => Ok(LogsOnFailure::Lines(n)),
                _ => Err(format!(
                    "must be `auto` or a number of lines from 0 (off) to {MAX_LOG_LINES}, not `{}`",
                    shown(v)
                )),
            },
        })
        .unwrap_or(LogsOnFailure::Auto);
    let keep_versions = r
        .parsed("keep-versions", |v| match v.parse::<u32>() {
            Ok(n) if n <= MAX_KEEP => Ok(n),
            _ => Err(format!(
                "must be a whole number from 0 (keep every version) to {MAX_KEEP}, not `{}`",
                shown(v)
            )),
        })
        .unwrap_or(0);
    Aftercare {
        logs_on_failure,
        keep_versions,
    }
}
