//! The pull request's one comment, through GitHub's REST API: find the comment that starts with a marker, update it, or create it. The body is the caller's; this knows the endpoints, the token and what each refusal means.

use serde_json::Value;

use crate::base::text::shown;
use crate::esa::client::{http_client, send, RawAnswer};
use crate::esa::endpoint::is_loopback;

/// Comments read per page: GitHub's bodies reach 65,536 characters, so a page stays under the
/// transport's 1 MiB bound with a margin.
const PER_PAGE: usize = 14;

/// Pages read before giving up the search and adding the comment (a thread of 700 comments).
const MAX_PAGES: usize = 50;

/// Where the comment goes: the REST API's root, the repository (`owner/name`), the pull
/// request's number and the token (a secret the caller has registered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thread {
    pub api: url::Url,
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
    /// 401 or 403: the token may not write (a fork's read-only token, or the job's
    /// `permissions:` lack `pull-requests: write`).
    Refused { status: u16, message: String },
    /// 404: the repository or pull request is not visible to the token.
    NotFound { message: String },
    /// No answer: the API could not be reached, or broke off.
    Network(String),
    /// Any other status, with GitHub's message.
    Unexpected { status: u16, message: String },
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

impl Thread {
    fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.api.as_str().trim_end_matches('/'))
    }

    fn request(
        &self,
        http: &reqwest::Client,
        method: reqwest::Method,
        path: &str,
    ) -> reqwest::RequestBuilder {
        http.request(method, self.endpoint(path))
            .bearer_auth(&self.token)
            .header("accept", "application/vnd.github+json")
            .header("x-github-api-version", "2022-11-28")
    }

    async fn call(&self, request: reqwest::RequestBuilder, ok: u16) -> Result<Value, CommentError> {
        let answer = send(request, "the GitHub API")
            .await
            .map_err(|e| CommentError::Network(e.to_string()))?;
        match answer.status {
            status if status == ok => {
                serde_json::from_slice(&answer.body).map_err(|e| CommentError::Unexpected {
                    status,
                    message: format!("the answer is not JSON ({e})"),
                })
            }
            401 | 403 => Err(CommentError::Refused {
                status: answer.status,
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

    /// The ID of the first comment whose body starts with `marker`, reading page by page.
    async fn find(
        &self,
        http: &reqwest::Client,
        marker: &str,
    ) -> Result<Option<u64>, CommentError> {
        let path = format!("/repos/{}/issues/{}/comments", self.repository, self.number);
        for page in 1..=MAX_PAGES {
            let query = format!("{path}?per_page={PER_PAGE}&page={page}");
            let listed = self
                .call(self.request(http, reqwest::Method::GET, &query), 200)
                .await?;
            let comments = listed.as_array().cloned().unwrap_or_default();
            let ours = comments.iter().find(|c| {
                c.get("body")
                    .and_then(Value::as_str)
                    .is_some_and(|b| b.starts_with(marker))
            });
            if let Some(id) = ours.and_then(|c| c.get("id")).and_then(Value::as_u64) {
                return Ok(Some(id));
            }
            if comments.len() < PER_PAGE {
                break;
            }
        }
        Ok(None)
    }

    /// Updates the comment that starts with `marker` to `body` (which must start with it too),
    /// or creates it when there is none.
    pub async fn upsert(&self, marker: &str, body: &str) -> Result<Posted, CommentError> {
        let http = http_client(self.api.host_str().is_some_and(is_loopback))
            .map_err(|e| CommentError::Network(e.to_string()))?;
        let json = serde_json::json!({ "body": body }).to_string();
        match self.find(&http, marker).await? {
            Some(id) => {
                let path = format!("/repos/{}/issues/comments/{id}", self.repository);
                let request = self
                    .request(&http, reqwest::Method::PATCH, &path)
                    .header("content-type", "application/json")
                    .body(json);
                self.call(request, 200).await.map(|_| Posted::Updated(id))
            }
            None => {
                let path = format!("/repos/{}/issues/{}/comments", self.repository, self.number);
                let request = self
                    .request(&http, reqwest::Method::POST, &path)
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
        let thread = Thread {
            api: api_root("https://ghe.example.com/api/v3/").unwrap(),
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
