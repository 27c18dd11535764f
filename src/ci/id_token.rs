//! GitHub's ID token for keyless sign-in: asked of the runner's token service with the job's bearer token, over the API client's verified HTTPS and retries.

use serde_json::Value;

use crate::base::secret::Secret;
use crate::http::retry::{with_retries, ClientEvent};
use crate::http::{http_client, RawAnswer};
use esa_engine::base::error::{CredentialsKind, Error};
use esa_engine::base::text::percent_encode;
use esa_engine::esa::endpoint::is_loopback;
use esa_engine::esa::retry::{Idempotency, Policy};

/// GitHub's ID-token request, as the runner hands it to a job with `id-token: write`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdTokenRequest {
    /// `ACTIONS_ID_TOKEN_REQUEST_URL`.
    pub request_url: String,
    /// `ACTIONS_ID_TOKEN_REQUEST_TOKEN`, the bearer token.
    pub request_token: Secret,
    /// The audience to ask for; GitHub's default when `None`.
    pub audience: Option<String>,
}

/// Asks GitHub's token service for an ID token.
pub async fn fetch(
    source: &IdTokenRequest,
    policy: &Policy,
    on_event: &mut dyn FnMut(&ClientEvent),
) -> Result<Secret, Error> {
    let (url, host, loopback) = token_url(source)?;
    let http = http_client(loopback)?;
    let target = format!("the GitHub ID token endpoint ({host})");
    let bearer = &source.request_token;
    let mut prepare = || {
        let request = http
            .get(url.clone())
            .header("authorization", format!("Bearer {}", bearer.expose()))
            .header("accept", "application/json");
        // The URL carries no secret, but it is not worth a log line either.
        Ok((request, format!("GET {target}")))
    };
    with_retries(
        &target,
        policy,
        Idempotency::Idempotent,
        on_event,
        &mut prepare,
        &read_token,
    )
    .await
}

fn failed(detail: String, retryable: bool) -> Error {
    Error::Credentials {
        kind: CredentialsKind::IdTokenRequestFailed,
        detail,
        retryable,
    }
}

/// The request URL with the audience asked for, its host, and whether that is loopback: only
/// `https`, or plain `http` to loopback.
fn token_url(source: &IdTokenRequest) -> Result<(String, String, bool), Error> {
    let mut url = source.request_url.clone();
    if let Some(audience) = &source.audience {
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(&format!("audience={}", percent_encode(audience)));
    }
    let parsed = url::Url::parse(&url).map_err(|e| {
        failed(
            format!("ACTIONS_ID_TOKEN_REQUEST_URL is not a URL ({e})"),
            false,
        )
    })?;
    let host = parsed.host_str().unwrap_or_default().to_string();
    let loopback = is_loopback(&host);
    if parsed.scheme() != "https" && !(parsed.scheme() == "http" && loopback) {
        let why = format!(
            "ACTIONS_ID_TOKEN_REQUEST_URL must be https (plain http only for loopback), not {}",
            parsed.scheme()
        );
        return Err(failed(why, false));
    }
    Ok((url, host, loopback))
}

/// The token in the service's answer (`{"value": "<JWT>"}`).
fn read_token(raw: RawAnswer) -> Result<Secret, Error> {
    if !(200..300).contains(&raw.status) {
        let hint = match raw.status {
            401 | 403 => {
                ": the job may lack `permissions: id-token: write`, or the request token expired"
            }
            _ => "",
        };
        let detail = format!(
            "GitHub's ID token endpoint answered HTTP {}{hint}",
            raw.status
        );
        return Err(failed(detail, raw.status >= 500 || raw.status == 429));
    }
    serde_json::from_slice::<Value>(&raw.body)
        .ok()
        .and_then(|v| v.get("value").and_then(Value::as_str).map(str::to_string))
        .filter(|v| !v.is_empty())
        .map(Secret::new)
        .ok_or_else(|| {
            failed(
                "GitHub's ID token endpoint answered without a token".into(),
                false,
            )
        })
}
