//! GitHub's API for a pull request's comments, as far as the action uses it: list (paged), create and update, each with the token checked and each comment with its author; GraphQL's `viewer` (the token's own login, a bot's without `[bot]`, as GitHub gives it); and a mode where the token may read but not write (a fork's token, or a job without `pull-requests: write`), which answers 403 as GitHub does.

use serde_json::{json, Value};

/// One comment on an issue or pull request.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Comment {
    pub id: u64,
    pub issue: u64,
    pub body: String,
    /// Who wrote it (`github-actions[bot]`, `mallory`).
    pub author: String,
}

/// The login of GitHub Actions' bot, which the job's own token writes as.
pub const ACTIONS_BOT: &str = "github-actions[bot]";

/// One call the API received.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Call {
    pub method: String,
    /// The path and query.
    pub target: String,
    /// The `authorization` header as sent (the tests check it never leaks elsewhere).
    pub authorization: String,
    pub status: u16,
}

/// The API's state: the token it accepts, whether that token may write, the comments and
/// every call.
#[derive(Debug, Clone, Default)]
pub struct GitHubApi {
    /// The accepted token; empty accepts none.
    pub token: String,
    /// Who the token writes as; empty is GitHub Actions' bot.
    pub login: String,
    /// Whether GraphQL answers `viewer` (it fails for none of GitHub's tokens; a proxy may
    /// block it).
    pub no_graphql: bool,
    pub read_only: bool,
    /// The pull requests that exist; empty: any number does.
    pub pulls: Vec<u64>,
    /// A comment another run (a matrix leg beside this one) posts just after the next
    /// listing is answered: the race of two legs, made to happen.
    pub posted_after_listing: Option<Comment>,
    pub comments: Vec<Comment>,
    pub calls: Vec<Call>,
}

/// An answer: status and JSON body.
pub type Answer = (u16, Value);

/// Whether a request is for this API rather than ESA's.
pub fn is_github(path: &str) -> bool {
    path.starts_with("/repos/") || path == "/graphql"
}

impl GitHubApi {
    /// Answers one request and records it.
    pub fn handle(
        &mut self,
        method: &str,
        target: &str,
        authorization: &str,
        body: &[u8],
    ) -> Answer {
        let answer = self.answer(method, target, authorization, body);
        self.calls.push(Call {
            method: method.to_string(),
            target: target.to_string(),
            authorization: authorization.to_string(),
            status: answer.0,
        });
        answer
    }

    fn answer(&mut self, method: &str, target: &str, authorization: &str, body: &[u8]) -> Answer {
        let token = authorization
            .strip_prefix("Bearer ")
            .or_else(|| authorization.strip_prefix("token "));
        if self.token.is_empty() || token != Some(self.token.as_str()) {
            return message(401, "Bad credentials");
        }
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        if let ["repos", _, _, "issues", n, "comments"] = segments.as_slice() {
            let known = n
                .parse()
                .is_ok_and(|n: u64| self.pulls.is_empty() || self.pulls.contains(&n));
            if !known {
                return message(404, "Not Found");
            }
        }
        match (method, segments.as_slice()) {
            ("POST", ["graphql"]) => self.viewer(),
            ("GET", ["repos", _, _, "issues", n, "comments"]) => match n.parse() {
                Ok(issue) => {
                    let listed = self.list(issue, query);
                    self.comments.extend(self.posted_after_listing.take());
                    listed
                }
                Err(_) => message(404, "Not Found"),
            },
            ("POST", ["repos", _, _, "issues", n, "comments"]) => match n.parse() {
                Ok(issue) => self.write(body, |api, text| api.create(issue, text)),
                Err(_) => message(404, "Not Found"),
            },
            ("PATCH", ["repos", _, _, "issues", "comments", id]) => match id.parse() {
                Ok(id) => self.write(body, |api, text| api.update(id, text)),
                Err(_) => message(404, "Not Found"),
            },
            _ => message(404, "Not Found"),
        }
    }

    /// One page of an issue's comments, oldest first (`per_page`, default 30; `page` from 1).
    fn list(&self, issue: u64, query: &str) -> Answer {
        let param = |name: &str| {
            query
                .split('&')
                .filter_map(|kv| kv.split_once('='))
                .find(|(k, _)| *k == name)
                .and_then(|(_, v)| v.parse::<usize>().ok())
        };
        let per_page = param("per_page").unwrap_or(30).clamp(1, 100);
        let page = param("page").unwrap_or(1).max(1);
        let page: Vec<Value> = self
            .comments
            .iter()
            .filter(|c| c.issue == issue)
            .skip((page - 1) * per_page)
            .take(per_page)
            .map(|c| {
                let kind = if c.author.ends_with("[bot]") {
                    "Bot"
                } else {
                    "User"
                };
                json!({ "id": c.id, "body": c.body, "user": { "login": c.author, "type": kind } })
            })
            .collect();
        (200, Value::Array(page))
    }

    fn write(&mut self, body: &[u8], apply: impl FnOnce(&mut Self, String) -> Answer) -> Answer {
        if self.read_only {
            return message(403, "Resource not accessible by integration");
        }
        let text = serde_json::from_slice::<Value>(body)
            .ok()
            .and_then(|v| v.get("body").and_then(Value::as_str).map(str::to_string));
        match text {
            Some(text) => apply(self, text),
            None => message(422, "Invalid request: body is required"),
        }
    }

    /// Who the token writes as.
    pub fn author(&self) -> String {
        match self.login.is_empty() {
            true => ACTIONS_BOT.to_string(),
            false => self.login.clone(),
        }
    }

    /// GraphQL's `query { viewer { login } }`: a bot's login without `[bot]`.
    fn viewer(&self) -> Answer {
        if self.no_graphql {
            return message(502, "Bad Gateway");
        }
        let author = self.author();
        let login = author.strip_suffix("[bot]").unwrap_or(&author);
        (200, json!({ "data": { "viewer": { "login": login } } }))
    }

    fn create(&mut self, issue: u64, body: String) -> Answer {
        let id = 1000 + self.comments.len() as u64;
        let author = self.author();
        self.comments.push(Comment {
            id,
            issue,
            body,
            author,
        });
        (
            201,
            json!({ "id": id, "html_url": format!("https://github.example/comment/{id}") }),
        )
    }

    fn update(&mut self, id: u64, body: String) -> Answer {
        match self.comments.iter_mut().find(|c| c.id == id) {
            Some(comment) => {
                comment.body = body;
                (200, json!({ "id": id }))
            }
            None => message(404, "Not Found"),
        }
    }
}

fn message(status: u16, text: &str) -> Answer {
    (
        status,
        json!({ "message": text, "documentation_url": "https://docs.github.com/rest" }),
    )
}

#[cfg(test)]
mod tests {
    use crate::github_api::*;

    fn api() -> GitHubApi {
        GitHubApi {
            token: "t0k".into(),
            ..GitHubApi::default()
        }
    }

    #[test]
    fn creates_lists_and_updates_with_the_token() {
        let mut api = api();
        let made = api.handle(
            "POST",
            "/repos/a/b/issues/7/comments",
            "Bearer t0k",
            br#"{"body":"x"}"#,
        );
        assert_eq!(made.0, 201);
        let id = made.1["id"].as_u64().unwrap();
        let patched = format!("/repos/a/b/issues/comments/{id}");
        assert_eq!(
            api.handle("PATCH", &patched, "Bearer t0k", br#"{"body":"y"}"#)
                .0,
            200
        );
        let listed = api.handle(
            "GET",
            "/repos/a/b/issues/7/comments?per_page=5&page=1",
            "Bearer t0k",
            b"",
        );
        assert_eq!(listed.1[0]["body"], "y");
        let other = api.handle("GET", "/repos/a/b/issues/8/comments", "Bearer t0k", b"");
        assert_eq!(other.1, json!([]));
    }

    #[test]
    fn refuses_a_wrong_token_and_a_read_only_write() {
        let mut api = api();
        assert_eq!(
            api.handle("GET", "/repos/a/b/issues/7/comments", "Bearer nope", b"")
                .0,
            401
        );
        api.read_only = true;
        assert_eq!(
            api.handle("GET", "/repos/a/b/issues/7/comments", "Bearer t0k", b"")
                .0,
            200
        );
        assert_eq!(
            api.handle(
                "POST",
                "/repos/a/b/issues/7/comments",
                "Bearer t0k",
                br#"{"body":"x"}"#
            )
            .0,
            403
        );
        assert!(api.comments.is_empty());
    }
}
