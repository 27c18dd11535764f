//! The sticky pull-request comment: whether to write it (`pr-comment`), with which token (`github-token`), and where (the event, its payload, `GITHUB_REPOSITORY`, `GITHUB_API_URL`). Nothing here fails a run: a comment that cannot be written is a reason, said once.

use crate::ci::env::Env;
use crate::ci::event::{is_pull_request_event, pull_request_number};
use crate::ci::pr_comment::{api_root, graphql_beside, Thread};
use crate::config::reader::Reader;
use esa_engine::base::values::parse_bool;

/// GitHub's REST API when `GITHUB_API_URL` is not set.
const DEFAULT_API: &str = "https://api.github.com";

/// What the run does about the comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommentPlan {
    /// `pr-comment` is off.
    Off,
    /// Asked for, but there is nowhere to write it, for this reason.
    Unavailable(NoComment),
    /// Write it to this pull request.
    Write(Thread),
}

/// Why a comment asked for cannot be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoComment {
    /// The run is not a pull request's (the event's name).
    NotPullRequest(String),
    /// The payload names no pull request.
    NoNumber,
    /// `github-token` is empty.
    NoToken,
    /// `GITHUB_REPOSITORY` is missing or not `owner/name`.
    NoRepository,
    /// `GITHUB_API_URL` breaks the transport's rule.
    ApiUrl(String),
}

/// Reads `pr-comment` and, when it is on, where the comment would go.
pub fn read_comment(r: &mut Reader<'_>, env: &Env) -> CommentPlan {
    match r.parsed("pr-comment", parse_bool) {
        Some(true) => match thread(r, env) {
            Ok(thread) => CommentPlan::Write(thread),
            Err(why) => CommentPlan::Unavailable(why),
        },
        _ => CommentPlan::Off,
    }
}

fn thread(r: &Reader<'_>, env: &Env) -> Result<Thread, NoComment> {
    let event = env.var("GITHUB_EVENT_NAME").unwrap_or_default();
    if !is_pull_request_event(event) {
        return Err(NoComment::NotPullRequest(event.to_string()));
    }
    let number = env
        .event_payload()
        .and_then(pull_request_number)
        .ok_or(NoComment::NoNumber)?;
    let token = r
        .get("github-token")
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .ok_or(NoComment::NoToken)?;
    let repository = env
        .var("GITHUB_REPOSITORY")
        .filter(|r| is_repository(r))
        .ok_or(NoComment::NoRepository)?
        .to_string();
    let api = env.var("GITHUB_API_URL").filter(|u| !u.is_empty());
    let api = api_root(api.unwrap_or(DEFAULT_API)).map_err(NoComment::ApiUrl)?;
    // The runner names GraphQL's endpoint too; beside the REST root where it does not.
    let graphql = match env.var("GITHUB_GRAPHQL_URL").filter(|u| !u.is_empty()) {
        Some(url) => api_root(url).map_err(NoComment::ApiUrl)?,
        None => graphql_beside(&api),
    };
    Ok(Thread {
        api,
        graphql,
        repository,
        number,
        token,
    })
}

/// `owner/name` with GitHub's characters, so that it is one path segment pair.
fn is_repository(value: &str) -> bool {
    let mut parts = value.split('/');
    let part_ok = |p: Option<&str>| {
        p.is_some_and(|p| {
            !p.is_empty()
                && p != "."
                && p != ".."
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        })
    };
    part_ok(parts.next()) && part_ok(parts.next()) && parts.next().is_none()
}

#[cfg(test)]
mod tests {
    use crate::config::comment::*;

    #[test]
    fn a_repository_is_two_safe_segments() {
        assert!(is_repository("acme/shop"));
        assert!(is_repository("a-b/c.d_e"));
        assert!(!is_repository("acme"));
        assert!(!is_repository("acme/shop/x"));
        assert!(!is_repository("acme/.."));
        assert!(!is_repository("acme/sh?op"));
    }
}
