//! Keyless sign-in: a GitHub ID token (or an OIDC token file) exchanged with STS AssumeRoleWithOIDC for temporary credentials, with bounded timeouts and retries of transient failures.

use std::collections::BTreeMap;

use chrono::Utc;
use serde_json::Value;

use crate::client::{http_client, interpret, with_retries, Event, RawAnswer};
use crate::credentials::{Credentials, IdToken, OidcExchange, Secret};
use crate::error::Error;
use crate::inputs::{is_loopback, Endpoint};
use crate::retry::{Idempotency, Policy};
use crate::signing::{canonical_query, format_timestamp, percent_encode};

/// Temporary credentials, with what the log may say about them.
#[derive(Debug)]
pub struct Obtained {
    pub credentials: Credentials,
    pub request_id: Option<String>,
    /// When they expire, as STS says it.
    pub expiration: Option<String>,
}

fn credentials_error(title: &'static str, detail: String, retryable: bool) -> Error {
    Error::Credentials {
        title,
        detail,
        retryable,
    }
}

/// The ID token to exchange: asked of GitHub, or read from the token file.
pub async fn id_token(
    source: &IdToken,
    policy: &Policy,
    on_event: &mut dyn FnMut(&Event),
) -> Result<Secret, Error> {
    let (request_url, bearer, audience) = match source {
        IdToken::File(path) => {
            return std::fs::read_to_string(path)
                .map(|t| Secret::new(t.trim()))
                .map_err(|e| {
                    credentials_error(
                        "OidcTokenFileUnreadable",
                        format!("could not read the OIDC token file ALIBABA_CLOUD_OIDC_TOKEN_FILE={}: {e}", path.display()),
                        false,
                    )
                });
        }
        IdToken::GitHub {
            request_url,
            request_token,
            audience,
        } => (request_url, request_token, audience),
    };
    let mut url = request_url.clone();
    if let Some(audience) = audience {
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(&format!("audience={}", percent_encode(audience)));
    }
    let parsed = url::Url::parse(&url).map_err(|e| {
        credentials_error(
            "IdTokenRequestFailed",
            format!("ACTIONS_ID_TOKEN_REQUEST_URL is not a URL ({e})"),
            false,
        )
    })?;
    let host = parsed.host_str().unwrap_or_default().to_string();
    let loopback = is_loopback(&host);
    if parsed.scheme() != "https" && !(parsed.scheme() == "http" && loopback) {
        return Err(credentials_error(
            "IdTokenRequestFailed",
            format!(
                "ACTIONS_ID_TOKEN_REQUEST_URL must be https (plain http only for loopback), not {}",
                parsed.scheme()
            ),
            false,
        ));
    }
    let http = http_client(loopback)?;
    let target = format!("the GitHub ID token endpoint ({host})");
    let mut prepare = || {
        let request = http
            .get(url.clone())
            .header("authorization", format!("Bearer {}", bearer.expose()))
            .header("accept", "application/json");
        // The URL carries no secret, but it is not worth a log line either.
        Ok((request, format!("GET {target}")))
    };
    let parse = |raw: RawAnswer| {
        if !(200..300).contains(&raw.status) {
            return Err(credentials_error(
                "IdTokenRequestFailed",
                format!(
                    "GitHub's ID token endpoint answered HTTP {}{}",
                    raw.status,
                    if raw.status == 401 || raw.status == 403 {
                        ": the job may lack `permissions: id-token: write`, or the request token expired"
                    } else {
                        ""
                    }
                ),
                raw.status >= 500 || raw.status == 429,
            ));
        }
        serde_json::from_slice::<Value>(&raw.body)
            .ok()
            .and_then(|v| v.get("value").and_then(Value::as_str).map(str::to_string))
            .filter(|v| !v.is_empty())
            .map(Secret::new)
            .ok_or_else(|| {
                credentials_error(
                    "IdTokenRequestFailed",
                    "GitHub's ID token endpoint answered without a token".into(),
                    false,
                )
            })
    };
    with_retries(
        &target,
        policy,
        Idempotency::Idempotent,
        on_event,
        &mut prepare,
        &parse,
    )
    .await
}

/// AssumeRoleWithOIDC: an unsigned GET, as the official SDK makes it. A refusal (wrong role,
/// audience, expired token) fails at once; transient failures are retried.
pub async fn assume_role(
    exchange: &OidcExchange,
    token: &Secret,
    sts: &Endpoint,
    policy: &Policy,
    on_event: &mut dyn FnMut(&Event),
) -> Result<Obtained, Error> {
    let http = http_client(is_loopback(&sts.host))?;
    let base = sts.base_url();
    let mut prepare = || {
        let mut query = BTreeMap::new();
        for (k, v) in [
            ("Action", "AssumeRoleWithOIDC"),
            ("Format", "JSON"),
            ("Version", "2015-04-01"),
            ("RoleArn", exchange.role_arn.as_str()),
            ("OIDCProviderArn", exchange.provider_arn.as_str()),
            ("OIDCToken", token.expose()),
            ("RoleSessionName", exchange.session_name.as_str()),
        ] {
            query.insert(k.to_string(), v.to_string());
        }
        query.insert(
            "DurationSeconds".into(),
            exchange.duration_seconds.to_string(),
        );
        query.insert("Timestamp".into(), format_timestamp(Utc::now()));
        let url = format!("{base}/?{}", canonical_query(&query));
        let shown = format!("GET {}", crate::client::redact_url(&url));
        Ok((http.get(url), shown))
    };
    let parse = |raw: RawAnswer| parse_assume_role(raw);
    with_retries(
        &base,
        policy,
        Idempotency::Idempotent,
        on_event,
        &mut prepare,
        &parse,
    )
    .await
}

fn parse_assume_role(raw: RawAnswer) -> Result<Obtained, Error> {
    // The same reading as every other API answer: Alibaba error bodies become `Api` errors
    // with STS's code, anything that is not JSON an `UnexpectedResponse`.
    let answer = interpret::<Value>(raw.status, &raw.body, raw.request_id)?;
    let value = answer.body;
    let field = |name: &str| {
        value
            .get("Credentials")
            .and_then(|c| c.get(name))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    match (
        field("AccessKeyId"),
        field("AccessKeySecret"),
        field("SecurityToken"),
    ) {
        (Some(id), Some(secret), Some(token)) => Ok(Obtained {
            credentials: Credentials {
                access_key_id: id,
                access_key_secret: Secret::new(secret),
                security_token: Some(Secret::new(token)),
            },
            request_id: answer.request_id,
            expiration: field("Expiration"),
        }),
        _ => Err(credentials_error(
            "StsAnswerUnreadable",
            "STS answered without Credentials.AccessKeyId, AccessKeySecret and SecurityToken"
                .into(),
            false,
        )),
    }
}
