//! Keyless sign-in at STS: an OIDC token exchanged with AssumeRoleWithOIDC for temporary credentials, with bounded timeouts and retries of transient failures.

use std::collections::BTreeMap;

use chrono::Utc;
use serde_json::Value;

use crate::base::secret::Secret;
use crate::esa::client::{interpret, redact_url};
use crate::esa::credentials::Credentials;
use crate::esa::signing::{canonical_query, format_timestamp};
use crate::http::retry::{with_retries, ClientEvent};
use crate::http::{http_client, RawAnswer};
use esa_engine::base::error::{CredentialsKind, Error};
use esa_engine::esa::endpoint::{is_loopback, Endpoint};
use esa_engine::esa::retry::{Idempotency, Policy};

/// Temporary credentials, with what the log may say about them.
#[derive(Debug)]
pub struct Obtained {
    pub credentials: Credentials,
    pub request_id: Option<String>,
    /// When they expire, as STS says it.
    pub expiration: Option<String>,
}

pub fn credentials_error(kind: CredentialsKind, detail: String, retryable: bool) -> Error {
    Error::Credentials {
        kind,
        detail,
        retryable,
    }
}

/// An AssumeRoleWithOIDC exchange to make (the token comes separately).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcExchange {
    pub role_arn: String,
    pub provider_arn: String,
    pub session_name: String,
    pub duration_seconds: u32,
}

/// The OIDC token in a file (`ALIBABA_CLOUD_OIDC_TOKEN_FILE`), read as the official SDK does.
pub fn read_token_file(path: &std::path::Path) -> Result<Secret, Error> {
    std::fs::read_to_string(path)
        .map(|t| Secret::new(t.trim()))
        .map_err(|e| {
            credentials_error(
                CredentialsKind::OidcTokenFileUnreadable,
                format!(
                    "could not read the OIDC token file ALIBABA_CLOUD_OIDC_TOKEN_FILE={}: {e}",
                    path.display()
                ),
                false,
            )
        })
}

/// AssumeRoleWithOIDC: an unsigned GET, as the official SDK makes it. A refusal (wrong role,
/// audience, expired token) fails at once; transient failures are retried.
pub async fn assume_role(
    exchange: &OidcExchange,
    token: &Secret,
    sts: &Endpoint,
    policy: &Policy,
    on_event: &mut dyn FnMut(&ClientEvent),
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
        let shown = format!("GET {}", redact_url(&url));
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

/// An AssumeRoleWithOIDC answer: the credentials, or the error it carries or is.
pub fn parse_assume_role(raw: RawAnswer) -> Result<Obtained, Error> {
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
            CredentialsKind::StsAnswerUnreadable,
            "STS answered without Credentials.AccessKeyId, AccessKeySecret and SecurityToken"
                .into(),
            false,
        )),
    }
}
