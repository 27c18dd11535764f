//! Keyless sign-in's two peers: GitHub's ID-token endpoint and STS AssumeRoleWithOIDC, as the action meets them.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::rules::{refuse, Refusal};
use crate::State;

/// GitHub's ID-token endpoint: a bearer token in, `{"value": "<JWT>"}` out.
pub(crate) fn github_id_token(
    state: &State,
    headers: &BTreeMap<String, String>,
    query: &BTreeMap<String, String>,
) -> Result<String, Refusal> {
    let oidc = state
        .config
        .oidc
        .as_ref()
        .ok_or_else(|| refuse(404, "NotFound", "no ID-token endpoint configured"))?;
    if headers.get("authorization").map(String::as_str) != Some(&format!("Bearer {}", oidc.bearer))
    {
        return Err(refuse(401, "Unauthorized", "Bad bearer token."));
    }
    let audience = query
        .get("audience")
        .map(String::as_str)
        .unwrap_or("default");
    Ok(format!("{}.{audience}", oidc.id_token))
}

/// STS AssumeRoleWithOIDC: checks what the API reference says it checks, with its error codes.
pub(crate) fn assume_role_with_oidc(
    state: &mut State,
    query: &BTreeMap<String, String>,
    now: DateTime<Utc>,
    request_id: &str,
) -> Result<String, Refusal> {
    let oidc = state
        .config
        .oidc
        .clone()
        .ok_or_else(|| refuse(404, "InvalidAction.NotFound", "STS is not configured"))?;
    let get = |k: &str| query.get(k).map(String::as_str).unwrap_or("");
    if get("Version") != "2015-04-01" || !get("Format").eq_ignore_ascii_case("json") {
        return Err(refuse(
            400,
            "InvalidVersion",
            "Version must be 2015-04-01 and Format JSON.",
        ));
    }
    crate::auth::check_time(state, get("Timestamp"), now)?;
    if get("OIDCProviderArn") != oidc.provider_arn {
        return Err(refuse(
            401,
            "AuthenticationFail.NoPermission",
            "No such OIDC Provider registered.",
        ));
    }
    if get("RoleArn") != oidc.role_arn {
        return Err(refuse(404, "EntityNotExist.Role", "The role not exists."));
    }
    let Some(audience) = get("OIDCToken").strip_prefix(&format!("{}.", oidc.id_token)) else {
        return Err(refuse(
            401,
            "AuthenticationFail.OIDCToken.Invalid",
            "The Jwt content is invalid that cannot be recognized.",
        ));
    };
    if audience != oidc.audience.as_deref().unwrap_or("default") {
        return Err(refuse(
            401,
            "AuthenticationFail.OIDCToken.AudienceNotMatch",
            "Invalid audience.",
        ));
    }
    let session = get("RoleSessionName");
    if !(2..=64).contains(&session.len())
        || !session
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._@-".contains(c))
    {
        return Err(refuse(
            400,
            "InvalidParameter.RoleSessionName",
            "The parameter RoleSessionName is wrongly formed.",
        ));
    }
    if !get("DurationSeconds")
        .parse::<u32>()
        .is_ok_and(|d| (900..=43200).contains(&d))
    {
        return Err(refuse(
            400,
            "InvalidParameter.DurationSeconds",
            "The Min/Max value of DurationSeconds is 15min/12hr.",
        ));
    }
    if !state
        .config
        .accounts
        .iter()
        .any(|a| a.access_key_id == oidc.issued.access_key_id)
    {
        state.config.accounts.push(oidc.issued.clone());
    }
    Ok(json!({
        "RequestId": request_id,
        "Credentials": {
            "AccessKeyId": oidc.issued.access_key_id,
            "AccessKeySecret": oidc.issued.access_key_secret,
            "SecurityToken": oidc.issued.security_token.clone().unwrap_or_default(),
            "Expiration": (now + chrono::Duration::seconds(3600)).format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        },
        "AssumedRoleUser": { "Arn": format!("{}/{session}", oidc.role_arn), "AssumedRoleId": "3000:esa" },
    })
    .to_string())
}
