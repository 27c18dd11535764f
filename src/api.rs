//! The ESA API as this action uses it: where each parameter goes on the wire (as the official SDK puts it) and how answers and error bodies are read.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::inputs::{PublishRequest, PublishType};
use crate::signing::{format_timestamp, RpcRequest};

/// The ESA API version this action speaks.
pub const API_VERSION: &str = "2024-09-10";

pub const PUBLISH_ACTION: &str = "PublishEdgeContainerAppVersion";

/// PublishEdgeContainerAppVersion with each parameter where the official SDK sends it:
/// VersionId, PublishType, Regions and FullRelease in the query; AppId, PublishEnv, Percentage,
/// StartTime and Remarks in the form body. Regions travel as one compact JSON array string.
pub fn publish_request(p: &PublishRequest) -> RpcRequest {
    let mut query = BTreeMap::new();
    let mut body = BTreeMap::new();
    query.insert("VersionId".to_string(), p.version_id.clone());
    if let Some(t) = p.publish_type {
        query.insert("PublishType".to_string(), t.as_str().to_string());
    }
    if p.publish_type == Some(PublishType::Region) {
        if !p.regions.is_empty() {
            query.insert("Regions".to_string(), regions_json(&p.regions));
        }
        if let Some(full) = p.full_release {
            query.insert("FullRelease".to_string(), full.to_string());
        }
    }
    body.insert("AppId".to_string(), p.app_id.clone());
    body.insert("PublishEnv".to_string(), p.publish_env.as_str().to_string());
    if let Some(pct) = p.percentage {
        body.insert("Percentage".to_string(), pct.to_string());
    }
    if let Some(t) = p.start_time {
        body.insert("StartTime".to_string(), format_timestamp(t));
    }
    if let Some(r) = &p.remarks {
        body.insert("Remarks".to_string(), r.clone());
    }
    RpcRequest {
        action: PUBLISH_ACTION,
        version: API_VERSION,
        method: "POST",
        query,
        body,
    }
}

fn rpc(
    action: &'static str,
    method: &'static str,
    query: &[(&str, String)],
    body: &[(&str, String)],
) -> RpcRequest {
    let map = |pairs: &[(&str, String)]| {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    };
    RpcRequest {
        action,
        version: API_VERSION,
        method,
        query: map(query),
        body: map(body),
    }
}

/// GetEdgeContainerAppStatus: POST, AppId and PublishEnv in the query.
pub fn status_request(app_id: &str, publish_env: &str) -> RpcRequest {
    rpc(
        "GetEdgeContainerAppStatus",
        "POST",
        &[("AppId", app_id.into()), ("PublishEnv", publish_env.into())],
        &[],
    )
}

/// GetEdgeContainerStagingDeployStatus: GET, AppId in the query.
pub fn staging_status_request(app_id: &str) -> RpcRequest {
    rpc(
        "GetEdgeContainerStagingDeployStatus",
        "GET",
        &[("AppId", app_id.into())],
        &[],
    )
}

/// RollbackEdgeContainerAppVersion: VersionId (the version to go back to), Percentage and
/// UsedPercent in the query; AppId and Remarks in the form body.
pub fn rollback_request(app_id: &str, to_version: &str, remarks: &str) -> RpcRequest {
    rpc(
        "RollbackEdgeContainerAppVersion",
        "POST",
        &[
            ("VersionId", to_version.into()),
            ("Percentage", "100".into()),
            ("UsedPercent", "false".into()),
        ],
        &[("AppId", app_id.into()), ("Remarks", remarks.into())],
    )
}

/// `["jiangsu","zhejiang"]`: compact, as the SDK's `array_to_string_with_specified_style(.., 'json')`.
pub fn regions_json(regions: &[String]) -> String {
    serde_json::Value::from(regions.to_vec()).to_string()
}

/// The success answer of PublishEdgeContainerAppVersion.
#[derive(Debug, Clone, Deserialize)]
pub struct PublishResponse {
    #[serde(rename = "RequestId")]
    pub request_id: Option<String>,
}

/// Alibaba Cloud's error body: `{"RequestId","HostId","Code","Message","Recommend"}`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct ErrorBody {
    #[serde(rename = "RequestId")]
    pub request_id: Option<String>,
    #[serde(rename = "HostId")]
    pub host_id: Option<String>,
    #[serde(rename = "Code")]
    pub code: Option<String>,
    #[serde(rename = "Message")]
    pub message: Option<String>,
    /// A troubleshooting URL.
    #[serde(rename = "Recommend")]
    pub recommend: Option<String>,
}

/// Reads an error body; `None` when it is not Alibaba-shaped JSON with a `Code`.
pub fn parse_error_body(body: &[u8]) -> Option<ErrorBody> {
    serde_json::from_slice::<ErrorBody>(body)
        .ok()
        .filter(|e| e.code.as_deref().is_some_and(|c| !c.is_empty()))
}

/// What to do about an API error code: the seed's advice, and the gateway's common codes.
pub fn advice(code: &str) -> Option<&'static str> {
    Some(match code {
        "InvalidParameter.PublishEnv" => "Set `publish-env` to `prod` or `staging`.",
        "InvalidParameter.Percentage" => "Set `percentage` to a whole number from 1 to 100.",
        "InvalidParameter.appid" => "The application ID is malformed. Find it with ListEdgeContainerApps or in the ESA console.",
        "InvalidParameter.VersionId" => "The version ID must start with `ver-`. Find it with ListEdgeContainerAppVersions or in the ESA console.",
        "InvalidParameter" => "A parameter failed the service's checks; check every input against the README's table.",
        "InvalidApp.NotFound" => "No application has this ID in this account and site. Check `app-id`, and `region`/`endpoint` (China site cn-hangzhou, international ap-southeast-1).",
        "InternalException" | "InternalError" | "ServiceUnavailable" => "The service failed on its side. Re-run the job; if it persists, contact Alibaba Cloud support with the RequestId.",
        "SignatureDoesNotMatch" => "The signature was refused: `access-key-secret` does not belong to `access-key-id` (check the secret for stray whitespace or a rotated key).",
        "IncompleteSignature" => "The request's signature was incomplete; this is a bug in esa-publish, please report it with the RequestId.",
        "InvalidAccessKeyId.NotFound" | "InvalidAccessKeyId" => "The AccessKey ID does not exist. Check `access-key-id`, or create a new AccessKey in the RAM console.",
        "InvalidAccessKeyId.Inactive" => "The AccessKey is disabled. Enable it or create a new one in the RAM console.",
        "InvalidTimeStamp.Expired" => "The request's time is more than 15 minutes away from the service's: the runner's clock is wrong.",
        "SignatureNonceUsed" => "The service saw this nonce before; re-run the job.",
        "Throttling" | "Throttling.User" | "Throttling.Api" => "Too many calls. Wait a little and re-run, or space out parallel publishes.",
        "Forbidden.RAM" | "NoPermission" | "Forbidden" => "The RAM identity lacks permission for this call. Grant it `esa:PublishEdgeContainerAppVersion`, and `esa:GetEdgeContainerAppStatus` (plus `esa:GetEdgeContainerStagingDeployStatus` and `esa:RollbackEdgeContainerAppVersion` when following or rolling back rollouts).",
        "InvalidSecurityToken.Expired" => "The STS token has expired; obtain fresh credentials.",
        "InvalidSecurityToken.Malformed" | "InvalidSecurityToken.MismatchWithAccessKey" => "The STS token does not match the AccessKey; pass the token that came with this AccessKey.",
        "AuthenticationFail.OIDCToken.AudienceNotMatch" => "STS refused the ID token's audience: add it to the OIDC provider's client IDs in the RAM console (the `audience` input's value, or GitHub's default https://github.com/OWNER), or set `audience` to one of them.",
        "AuthenticationFail.OIDCToken.Expired" => "The ID token expired before STS checked it; re-run the job.",
        "AuthenticationFail.OIDCToken.Invalid" | "AuthenticationFail.OIDCToken.InvalidSignature" | "AuthenticationFail.OIDCToken.HttpsUrlInvalid" => "STS could not validate the ID token: check the OIDC provider's issuer URL (https://token.actions.githubusercontent.com) and its fingerprint in the RAM console.",
        "AuthenticationFail.NoPermission" => "STS would not let this token assume the role: check `oidc-provider-arn`, and the role's trust policy: its Principal must be the OIDC provider and its condition on oidc:sub must match this workflow, e.g. repo:OWNER/REPO:ref:refs/heads/main.",
        "EntityNotExist.Role" => "No RAM role has this ARN: check `role-arn`.",
        code if code.starts_with("AuthenticationFail") => "STS refused the sign-in: check the role's trust policy (Principal = the OIDC provider, condition on oidc:sub) and the provider's client IDs (the audience).",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::PublishEnv;

    fn request() -> PublishRequest {
        PublishRequest {
            app_id: "app-1".into(),
            version_id: "ver-1".into(),
            publish_env: PublishEnv::Prod,
            percentage: Some(100),
            start_time: None,
            remarks: Some("deploy 中~*+".into()),
            publish_type: Some(PublishType::Region),
            regions: vec!["jiangsu".into(), "zhejiang".into()],
            full_release: Some(true),
        }
    }

    #[test]
    fn parameters_go_where_the_sdk_puts_them() {
        let r = publish_request(&request());
        let keys = |m: &BTreeMap<String, String>| m.keys().cloned().collect::<Vec<_>>();
        assert_eq!(
            keys(&r.query),
            ["FullRelease", "PublishType", "Regions", "VersionId"]
        );
        assert_eq!(
            keys(&r.body),
            ["AppId", "Percentage", "PublishEnv", "Remarks"]
        );
        assert_eq!(r.query["Regions"], r#"["jiangsu","zhejiang"]"#);
        assert_eq!(r.query["FullRelease"], "true");
    }

    #[test]
    fn error_bodies_need_a_code() {
        assert_eq!(parse_error_body(b"<html>").map(|e| e.code), None);
        assert_eq!(parse_error_body(b"{}").map(|e| e.code), None);
        let e = parse_error_body(br#"{"Code":"X","Message":"m","RequestId":"r"}"#).unwrap();
        assert_eq!(e.code.as_deref(), Some("X"));
        assert_eq!(e.request_id.as_deref(), Some("r"));
    }
}
