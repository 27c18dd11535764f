//! The words of the sticky comment on the pull request: its body (the version, the environment, the result, the time, the run, and on staging a ready `curl --resolve` line), and what the log or a warning says became of it.

use std::net::IpAddr;

use chrono::{DateTime, Utc};

use crate::ci::pr_comment::{CommentError, Posted, Thread};
use crate::ci::runner::Level;
use crate::config::comment::NoComment;
use crate::config::Config;
use crate::words::outcome::RunResult;
use crate::words::record::Record;
use esa_engine::esa::model::PublishEnv;

/// The annotation's title when a comment asked for was not written.
pub const NOT_COMMENTED: &str = "PullRequestNotCommented";

/// The notice's title when `pr-comment` is on outside a pull request.
pub const NO_PULL_REQUEST: &str = "NoPullRequest";

/// The most characters of one service text shown.
const SHOWN_CHARS: usize = 200;

/// The most staging addresses given a `curl` line.
const CURL_LINES: usize = 3;

/// What the comment says: the deploy as it ended.
pub struct Told<'a> {
    /// What was asked.
    pub config: &'a Config,
    pub record: &'a Record,
    pub ended: RunResult,
    /// The failure's title, when it failed.
    pub title: Option<String>,
    pub run_url: Option<String>,
    pub at: DateTime<Utc>,
}

/// The log line of a dry run with `pr-comment` on.
pub const DRY_RUN_LINE: &str = "pr-comment: a dry run writes no comment";

/// The log line of a cancel that came before the comment was written.
pub const CANCELLED_LINE: &str = "pr-comment: cancelled before the comment was written";

/// What GitHub did not do within the comment's deadline.
pub fn no_answer(deadline: std::time::Duration) -> String {
    format!("no answer within {}s", deadline.as_secs())
}

/// The log line of a comment written.
pub fn posted_line(thread: &Thread, posted: Posted) -> String {
    match posted {
        Posted::Created(id) => format!(
            "pr-comment: commented on pull request #{} (comment {id})",
            thread.number
        ),
        Posted::Updated(id) => format!(
            "pr-comment: updated the comment on pull request #{} (comment {id})",
            thread.number
        ),
    }
}

/// Why no comment could be written, as the annotation says it: its level, title and text.
pub fn unavailable(why: &NoComment) -> (Level, &'static str, String) {
    match why {
        NoComment::NotPullRequest(event) => (
            Level::Notice,
            NO_PULL_REQUEST,
            format!(
                "`pr-comment: true` comments on pull requests, and this run is a `{}` event, so nothing was commented.",
                if event.is_empty() { "(unknown)" } else { event }
            ),
        ),
        NoComment::NoNumber => (Level::Warning, NOT_COMMENTED, "the event payload ($GITHUB_EVENT_PATH) names no pull request, so nothing was commented; the deploy's result stands.".into()),
        NoComment::NoToken => (Level::Warning, NOT_COMMENTED, "input `github-token` is empty, so nothing was commented; on GitHub its default is the job's token, so a workflow that sets it to a secret must make sure that secret exists. The deploy's result stands.".into()),
        NoComment::NoRepository => (Level::Warning, NOT_COMMENTED, "$GITHUB_REPOSITORY is not `owner/name`, so nothing was commented; the deploy's result stands.".into()),
        NoComment::ApiUrl(why) => (Level::Warning, NOT_COMMENTED, format!("$GITHUB_API_URL {why}, so nothing was commented; the deploy's result stands.")),
    }
}

/// The warning when GitHub did not take the comment: what it said, and what to change for
/// that cause (a permission is named only where one is missing).
pub fn refused(thread: &Thread, error: &CommentError) -> String {
    let number = thread.number;
    let what = match error {
        CommentError::BadToken { message } => format!(
            "GitHub does not take the token in `github-token` (401: {message}): it is wrong, expired or revoked. Leave `github-token` at its default, the job's own token, or renew the secret it names"
        ),
        CommentError::Forbidden { message } => format!(
            "GitHub refused the comment on pull request #{number} (403: {message}). Give the job `permissions: pull-requests: write`; on a pull request from a fork the job's token is read-only, so leave `pr-comment` off for forks (`if: github.event.pull_request.head.repo.fork == false`)"
        ),
        CommentError::NotFound { message } => format!(
            "GitHub answered 404 for pull request #{number} of {} ({message}): no such pull request is visible to the token in `github-token`. A token of your own needs access to this repository",
            thread.repository
        ),
        CommentError::TooLarge => format!(
            "a comment on pull request #{number} is too large an answer to read, even one at a time, so the comment of this app and environment could not be looked for; re-run to try again"
        ),
        CommentError::Network(detail) => format!(
            "the GitHub API at {} did not answer ({detail}), so pull request #{number} was not commented; re-run to try again",
            thread.api
        ),
        CommentError::Unexpected { status, message } => format!(
            "GitHub answered {status} to the comment on pull request #{number} ({message})"
        ),
    };
    format!("{what}. The deploy's result stands.")
}

/// The hidden first line that finds this app's and environment's comment again.
pub fn marker(config: &Config) -> String {
    format!(
        "<!-- esa-publish app={} env={} -->",
        config.publish.app_id,
        config.publish.publish_env.as_str()
    )
}

/// The comment's Markdown; every text from the service is in a code span that it cannot
/// leave.
pub fn body(told: &Told<'_>) -> String {
    let env = told.config.publish.publish_env;
    let (mark, result) = result(told);
    let mut lines = vec![
        marker(told.config),
        format!("### {mark} ESA {}: {result}", env.as_str()),
        String::new(),
        format!("- **App:** {}", code(&told.config.publish.app_id)),
        format!("- **Version:** {}", version(told.record)),
        format!("- **Environment:** {}", env.as_str()),
        format!("- **When:** {}", told.at.format("%Y-%m-%d %H:%M:%S UTC")),
    ];
    if let Some(url) = &told.run_url {
        lines.push(format!("- **Run:** [the workflow run]({url})"));
    }
    if env == PublishEnv::Staging
        && matches!(
            told.ended,
            RunResult::Published | RunResult::Accepted | RunResult::Unchanged
        )
    {
        lines.extend(reach_staging(told.record));
    }
    lines.push(String::new());
    lines.push(
        "<sub>esa-publish updates this comment on each run for this app and environment.</sub>"
            .into(),
    );
    lines.join("\n")
}

fn result(told: &Told<'_>) -> (&'static str, String) {
    let title = told
        .title
        .as_deref()
        .map(|t| format!(" ({})", code(t)))
        .unwrap_or_default();
    match told.ended {
        RunResult::Published => {
            let share = told
                .record
                .version
                .as_ref()
                .zip(told.record.last.as_ref())
                .map(|(v, s)| format!(" at {}%", s.share_of(&v.version_id)))
                .unwrap_or_default();
            ("✅", format!("served{share}"))
        }
        RunResult::Accepted => ("☑️", "accepted by ESA, not followed (`wait` is off)".into()),
        RunResult::RolledBack => {
            let to = told
                .record
                .rolled_back_to
                .as_deref()
                .map(|v| format!(" to {}", code(v)))
                .unwrap_or_default();
            ("↩️", format!("rolled back{to}{title}"))
        }
        RunResult::Failed => ("❌", format!("failed{title}")),
        RunResult::Unknown => ("❓", format!("unknown: a publish took effect or may have, and the status could not tell what serves{title}")),
        RunResult::Unchanged => ("✅", "served at 100% already: nothing was published".into()),
        RunResult::NotPublished
        | RunResult::Cancelled
        | RunResult::DryRun
        | RunResult::Skipped => ("❌", format!("not published{title}")),
    }
}

fn version(record: &Record) -> String {
    match &record.version {
        Some(v) => match &v.name {
            Some(name) => format!("{} {}", code(&v.version_id), code(name)),
            None => code(&v.version_id),
        },
        None => "not chosen".into(),
    }
}

/// How to reach staging: `curl --resolve` lines when its host name and addresses are known
/// and are a host name and IP addresses (anything else is not put in a command).
fn reach_staging(record: &Record) -> Vec<String> {
    let host = record
        .url
        .clone()
        .flatten()
        .and_then(|u| url::Url::parse(&u).ok())
        .and_then(|u| u.host_str().map(str::to_string));
    let ips = record.staging_ips.clone().unwrap_or_default();
    let mut lines = vec![
        String::new(),
        "**Reach staging** (it answers only at its own addresses, for the app's host name):"
            .to_string(),
    ];
    let addresses: Vec<IpAddr> = ips.iter().filter_map(|ip| ip.parse().ok()).collect();
    match host.filter(|h| is_host_name(h)) {
        Some(host) if !addresses.is_empty() && addresses.len() == ips.len() => {
            lines.push("```sh".into());
            for ip in addresses.iter().take(CURL_LINES) {
                let ip = match ip {
                    IpAddr::V4(v4) => v4.to_string(),
                    IpAddr::V6(v6) => format!("[{v6}]"),
                };
                lines.push(format!("curl --resolve {host}:443:{ip} https://{host}/"));
            }
            lines.push("```".into());
        }
        _ => lines.push(format!(
            "the app's host name ({}) or staging's addresses ({}) were not known as a host name and IP addresses; see the run's summary.",
            record.url.clone().flatten().map(|u| code(&u)).unwrap_or_else(|| "none".into()),
            if ips.is_empty() { "none".to_string() } else { ips.iter().map(|ip| code(ip)).collect::<Vec<_>>().join(", ") }
        )),
    }
    lines
}

/// A DNS host name: letters, digits, `-` and `.` only, so it is safe in a shell line.
fn is_host_name(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && !host.starts_with(['-', '.'])
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// `text` as one Markdown code span it cannot leave: shortened, control and direction
/// characters replaced, and fenced by more backticks than any run inside it (CommonMark's
/// rule), so backticks, HTML, `@` mentions and links stay literal.
pub fn code(text: &str) -> String {
    let mut clean: String = text
        .chars()
        .take(SHOWN_CHARS)
        .map(|c| match c {
            c if c.is_control() => '\u{FFFD}',
            '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {
                '\u{FFFD}'
            }
            c => c,
        })
        .collect();
    if text.chars().count() > SHOWN_CHARS {
        clean.push('…');
    }
    let longest = clean.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = match clean.starts_with('`') || clean.ends_with('`') || clean.trim().is_empty() {
        true => " ",
        false => "",
    };
    format!("{fence}{pad}{clean}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use crate::words::comment::*;

    #[test]
    fn a_code_span_is_fenced_longer_than_any_backtick_run() {
        assert_eq!(code("ver-1"), "`ver-1`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("``x``"), "``` ``x`` ```");
        assert_eq!(code("a\nb"), "`a\u{FFFD}b`");
        assert!(code(&"x".repeat(500)).ends_with("…`"));
    }

    #[test]
    fn only_a_host_name_goes_into_a_command() {
        assert!(is_host_name("shop.example.com"));
        assert!(!is_host_name("shop.example.com;rm -rf /"));
        assert!(!is_host_name("$(id).example.com"));
        assert!(!is_host_name("-x"));
    }
}
