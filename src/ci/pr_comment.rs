//! The pull request's one comment, through GitHub's API: find the comment of ours that starts with a marker, update it, or create it. Ours means written by the token's own identity (GraphQL's `viewer`), or, when that cannot be read, by GitHub Actions' bot: a marker in anyone else's comment is ignored, so that nobody can make the report land in a comment they own. The body is the caller's; this knows the endpoints, the token and what each refusal means.

use serde_json::Value;

use crate::http::{http_client, send, RawAnswer};
use esa_engine::base::text::shown;
use esa_engine::esa::endpoint::is_loopback;

/// Comments read per page at first: a power of two, halved while a page is too large to read
/// (GitHub's bodies reach 65,536 characters), so that every page starts where the last ended.
const PER_PAGE: usize = 64;

/// Comments read before giving up the search and adding the comment.
const MAX_COMMENTS: usize = 3200;

/// The login of the bot that GitHub Actions' own token writes as.
pub const ACTIONS_BOT: &str = "github-actions[bot]";

/// Where the comment goes: the REST API's root, GraphQL's, the repository (`owner/name`), the
/// pull request's number and the token (a secret the caller has registered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thread {
    pub api: url::Url,
    pub graphql: url::Url,
    pub repository: String,
    pub number: u64,
    pub token: String,
}

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Posted {
    Created(u64),
    Updated(u64),
}

/// Why no comment was written. Each is a warning: a comment never decides a deploy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommentError {
    /// 401: the token is not one GitHub takes (wrong, expired, revoked).
    BadToken { message: String },
    /// 403: the token may not write (a fork's read-only token, or the job's `permissions:`
    /// lack `pull-requests: write`).
    Forbidden { message: String },
    /// 404: the repository or pull request is not visible to the token.
    NotFound { message: String },
    /// One comment of the thread is too large an answer to read (the search gives up).
    TooLarge,
    /// No answer: the API could not be reached, or broke off.
    Network(String),
    /// Any other status, with GitHub's message.
    Unexpected { status: u16, message: String },
}

/// Whose comments are ours.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Author {
    /// The token's own login, as GraphQL's `viewer` gives it (a bot's without `[bot]`).
    Login(String),
    /// Unknown: only GitHub Actions' bot.
    ActionsBot,
}

impl Author {
    fn wrote(&self, comment: &Value) -> bool {
        let user = comment.get("user");
        let login = user
            .and_then(|u| u.get("login"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        match self {
            Author::Login(viewer) => login == viewer || login == format!("{viewer}[bot]"),
            Author::ActionsBot => {
                let bot = user
                    .and_then(|u| u.get("type"))
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.eq_ignore_ascii_case("bot"));
                login == ACTIONS_BOT && bot
            }
        }
    }
}

/// The API root from `GITHUB_API_URL`: `https://`, or `http://` for a loopback host only.
pub fn api_root(value: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(value.trim())
        .map_err(|e| format!("`{}` is not a URL ({e})", shown(value)))?;
    let loopback = url.host_str().is_some_and(is_loopback);
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        _ => Err(format!(
            "`{}` is not https (plain http only for a loopback host)",
            shown(value)
        )),
    }
}

/// GraphQL's endpoint beside a REST root, when `GITHUB_GRAPHQL_URL` does not say it:
/// `…/api/v3` (GitHub Enterprise Server) has `…/api/graphql`, any other root `…/graphql`.
pub fn graphql_beside(api: &url::Url) -> url::Url {
    let mut graphql = api.clone();
    let path = api.path().trim_end_matches('/');
    let path = match path.strip_suffix("/api/v3") {
        Some(root) => format!("{root}/api/graphql"),
        None => format!("{path}/graphql"),
    };
    graphql.set_path(&path);
    graphql
}

impl Thread {
    fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.api.as_str().trim_end_matches('/'))
    }

    fn request(
        &self,
        http: &reqwest::Client,
        method: reqwest::Method,
        url: &str,
    ) -> reqwest::RequestBuilder {
        http.request(method, url)
            .bearer_auth(&self.token)
            .header("accept", "application/vnd.github+json")
            .header("x-github-api-version", "2022-11-28")
    }

    async fn call(&self, request: reqwest::RequestBuilder, ok: u16) -> Result<Value, CommentError> {
        let answer = send(request, "the GitHub API")
            .await
            .map_err(|e| match e.too_large() {
                Some(_) => CommentError::TooLarge,
                None => CommentError::Network(e.to_string()),
            })?;
        match answer.status {
            status if status == ok => {
                serde_json::from_slice(&answer.body).map_err(|e| CommentError::Unexpected {
                    status,
                    message: format!("the answer is not JSON ({e})"),
                })
            }
            401 => Err(CommentError::BadToken {
                message: message(&answer),
            }),
            403 => Err(CommentError::Forbidden {
                message: message(&answer),
            }),
            404 => Err(CommentError::NotFound {
                message: message(&answer),
            }),
            status => Err(CommentError::Unexpected {
                status,
                message: message(&answer),
            }),
        }
    }

    /// The token's own login, from GraphQL's `viewer` (an installation token has no `GET
    /// /user`); `ActionsBot` when it cannot be read.
    async fn author(&self, http: &reqwest::Client) -> Author {
        let query = serde_json::json!({ "query": "query { viewer { login } }" }).to_string();
        let request = self
            .request(http, reqwest::Method::POST, self.graphql.as_str())
            .header("content-type", "application/json")
            .body(query);
        let login = self.call(request, 200).await.ok().and_then(|answer| {
            answer
                .pointer("/data/viewer/login")
                .and_then(Value::as_str)
                .map(str::to_string)
        });
        match login.filter(|l| !l.is_empty()) {
            Some(login) => Author::Login(login),
            None => Author::ActionsBot,
        }
    }

    /// The ID of the first comment of `author` whose body starts with `marker`, page by page,
    /// a page halved while it is too large to read.
    async fn find(
        &self,
        http: &reqwest::Client,
        marker: &str,
        author: &Author,
    ) -> Result<Option<u64>, CommentError> {
        let path = format!("/repos/{}/issues/{}/comments", self.repository, self.number);
        let (mut read, mut per_page) = (0, PER_PAGE);
        while read < MAX_COMMENTS {
            let page = read / per_page + 1;
            let url = self.endpoint(&format!("{path}?per_page={per_page}&page={page}"));
            let listed = match self
                .call(self.request(http, reqwest::Method::GET, &url), 200)
                .await
            {
                Err(CommentError::TooLarge) if per_page > 1 => {
                    per_page /= 2;
                    continue;
                }
                other => other?,
            };
            let comments = listed.as_array().cloned().unwrap_or_default();
            let ours = comments.iter().find(|c| {
                author.wrote(c)
                    && c.get("body")
                        .and_then(Value::as_str)
                        .is_some_and(|b| b.starts_with(marker))
            });
            if let Some(id) = ours.and_then(|c| c.get("id")).and_then(Value::as_u64) {
                return Ok(Some(id));
            }
            if comments.len() < per_page {
                break;
            }
            read += per_page;
        }
        Ok(None)
    }

    /// Updates our comment that starts with `marker` to `body` (which must start with it too),
    /// or creates it when there is none. The thread is read again just before a comment is
    /// created, so that a run beside this one (another matrix leg) that has just written it
    /// is found instead of doubled.
    pub async fn upsert(&self, marker: &str, body: &str) -> Result<Posted, CommentError> {
        let http = http_client(self.api.host_str().is_some_and(is_loopback))
            .map_err(|e| CommentError::Network(e.to_string()))?;
        let author = self.author(&http).await;
        let found = match self.find(&http, marker, &author).await? {
            Some(id) => Some(id),
            None => self.find(&http, marker, &author).await?,
        };
        let json = serde_json::json!({ "body": body }).to_string();
        match found {
            Some(id) => {
                let url =
                    self.endpoint(&format!("/repos/{}/issues/comments/{id}", self.repository));
                let request = self
                    .request(&http, reqwest::Method::PATCH, &url)
                    .header("content-type", "application/json")
                    .body(json);
                self.call(request, 200).await.map(|_| Posted::Updated(id))
            }
            None => {
                let url = self.endpoint(&format!(
                    "/repos/{}/issues/{}/comments",
                    self.repository, self.number
                ));
                let request = self
                    .request(&http, reqwest::Method::POST, &url)
                    .header("content-type", "application/json")
                    .body(json);
                let made = self.call(request, 201).await?;
                Ok(Posted::Created(
                    made.get("id").and_then(Value::as_u64).unwrap_or_default(),
                ))
            }
        }
    }
}

/// GitHub's `message`, or the body's start, on one line and shown literally.
fn message(answer: &RawAnswer) -> String {
    let text = serde_json::from_slice::<Value>(&answer.body)
        .ok()
        .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_string))
        .unwrap_or_else(|| String::from_utf8_lossy(&answer.body).into_owned());
    shown(&text.chars().take(200).collect::<String>())
}

#[cfg(test)]
mod tests {
    use crate::ci::pr_comment::*;

    #[test]
    fn the_api_root_is_https_or_loopback() {
        assert!(api_root("https://api.github.com").is_ok());
        assert!(api_root("https://ghe.example.com/api/v3").is_ok());
        assert!(api_root("http://127.0.0.1:8080").is_ok());
        assert!(api_root("http://ghe.example.com/api/v3").is_err());
        assert!(api_root("not a url").is_err());
    }

    #[test]
    fn endpoints_keep_the_roots_path() {
        let api = api_root("https://ghe.example.com/api/v3/").unwrap();
        assert_eq!(
            graphql_beside(&api).as_str(),
            "https://ghe.example.com/api/graphql"
        );
        assert_eq!(
            graphql_beside(&api_root("https://api.github.com").unwrap()).as_str(),
            "https://api.github.com/graphql"
        );
        let thread = Thread {
            graphql: graphql_beside(&api),
            api,
            repository: "acme/shop".into(),
            number: 7,
            token: "t".into(),
        };
        assert_eq!(
            thread.endpoint("/repos/acme/shop/issues/7/comments"),
            "https://ghe.example.com/api/v3/repos/acme/shop/issues/7/comments"
        );
    }
}
