//! The ESA API as this action uses it: where each parameter goes on the wire (as the official SDK puts it) and how answers and error bodies are read.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::esa::signing::{format_timestamp, RpcRequest};
use chrono::{DateTime, Utc};
use esa_engine::base::error::ApiError;
use esa_engine::esa::model::{PublishRequest, PublishType};
use esa_engine::esa::stats::Field;

/// The ESA API version this action speaks.
pub const API_VERSION: &str = "2024-09-10";

pub const PUBLISH_ACTION: &str = "PublishEdgeContainerAppVersion";

/// PublishEdgeContainerAppVersion with each parameter where the official SDK sends it:
/// VersionId, PublishType, Regions and FullRelease in the query; AppId, PublishEnv, Percentage,
/// StartTime and Remarks in the form body. Regions travel as one compact JSON array string.
pub fn publish_request(r: &PublishRequest) -> RpcRequest {
    let p = &r.settings;
    let mut query = BTreeMap::new();
    let mut body = BTreeMap::new();
    query.insert("VersionId".to_string(), r.version_id.clone());
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

/// The remarks of a rollback after the rollout of `failed` failed with `code`, stored with it
/// in the app's history.
pub fn rollback_remarks(failed: &str, code: &str) -> String {
    format!("esa-publish: rollback after {failed} failed ({code})")
}

/// CreateEdgeContainerAppVersion: everything in the form body, `Containers` as one compact
/// JSON string (as the official SDK sends it).
pub fn create_version_request(
    app_id: &str,
    name: &str,
    remarks: Option<&str>,
    containers: &str,
) -> RpcRequest {
    let mut body = vec![
        ("AppId", app_id.to_string()),
        ("Name", name.to_string()),
        ("Containers", containers.to_string()),
    ];
    if let Some(r) = remarks {
        body.push(("Remarks", r.to_string()));
    }
    rpc("CreateEdgeContainerAppVersion", "POST", &[], &body)
}

/// GetEdgeContainerAppVersion: GET, AppId and VersionId in the query.
pub fn get_version_request(app_id: &str, version_id: &str) -> RpcRequest {
    rpc(
        "GetEdgeContainerAppVersion",
        "GET",
        &[("AppId", app_id.into()), ("VersionId", version_id.into())],
        &[],
    )
}

/// Which versions a listing asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing<'a> {
    /// A search by name (the service may match parts of names).
    Named(&'a str),
    /// Every version, the oldest first (`OrderKey=CreateTime`, `OrderType=Asc`): without an
    /// order key the order is the service's own and promises nothing.
    OldestFirst,
}

/// ListEdgeContainerAppVersions: GET, everything in the query.
pub fn list_versions_request(
    app_id: &str,
    listing: Listing<'_>,
    page: u32,
    page_size: u32,
) -> RpcRequest {
    let mut query = vec![
        ("AppId", app_id.to_string()),
        ("PageNumber", page.to_string()),
        ("PageSize", page_size.to_string()),
    ];
    match listing {
        Listing::Named(name) => {
            query.push(("SearchKey", name.into()));
            query.push(("SearchType", "Name".into()));
        }
        Listing::OldestFirst => {
            query.push(("OrderKey", "CreateTime".into()));
            query.push(("OrderType", "Asc".into()));
        }
    }
    rpc("ListEdgeContainerAppVersions", "GET", &query, &[])
}

/// DeleteEdgeContainerAppVersion: POST, AppId and VersionId in the query.
pub fn delete_version_request(app_id: &str, version_id: &str) -> RpcRequest {
    rpc(
        "DeleteEdgeContainerAppVersion",
        "POST",
        &[("AppId", app_id.into()), ("VersionId", version_id.into())],
        &[],
    )
}

/// GetEdgeContainerApp: POST, AppId in the query.
pub fn app_request(app_id: &str) -> RpcRequest {
    rpc(
        "GetEdgeContainerApp",
        "POST",
        &[("AppId", app_id.into())],
        &[],
    )
}

/// GetEdgeContainerDeployRegions: GET, AppId in the query.
pub fn deploy_regions_request(app_id: &str) -> RpcRequest {
    rpc(
        "GetEdgeContainerDeployRegions",
        "GET",
        &[("AppId", app_id.into())],
        &[],
    )
}

/// GetEdgeContainerLogs: GET, AppId and Lines (1 to 5000) in the query.
pub fn logs_request(app_id: &str, lines: u32) -> RpcRequest {
    rpc(
        "GetEdgeContainerLogs",
        "GET",
        &[("AppId", app_id.into()), ("Lines", lines.to_string())],
        &[],
    )
}

/// DescribeEdgeContainerAppStats: GET, everything in the query (as the official SDK sends it):
/// `App` (the app's ID), `Fields` (the fields' names, comma-separated), and the window from
/// `StartTime` to `EndTime`, UTC `yyyy-MM-ddTHH:mm:ssZ`.
pub fn stats_request(
    app_id: &str,
    fields: &[Field],
    (start, end): (DateTime<Utc>, DateTime<Utc>),
) -> RpcRequest {
    let names: Vec<&str> = fields.iter().map(|f| f.name()).collect();
    rpc(
        "DescribeEdgeContainerAppStats",
        "GET",
        &[
            ("App", app_id.into()),
            ("Fields", names.join(",")),
            ("StartTime", format_timestamp(start)),
            ("EndTime", format_timestamp(end)),
        ],
        &[],
    )
}

/// GetEdgeContainerAppResourceStatus: POST, AppId in the query.
pub fn resource_status_request(app_id: &str) -> RpcRequest {
    rpc(
        "GetEdgeContainerAppResourceStatus",
        "POST",
        &[("AppId", app_id.into())],
        &[],
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

/// An Alibaba Cloud error answer, from its body and the `x-acs-request-id` header.
pub fn api_error(status: u16, body: ErrorBody, header_request_id: Option<String>) -> ApiError {
    ApiError {
        status,
        code: body.code.unwrap_or_default(),
        message: body.message.unwrap_or_default(),
        request_id: body.request_id.or(header_request_id),
        recommend: body.recommend,
    }
}

/// Reads an error body; `None` when it is not Alibaba-shaped JSON with a `Code`.
pub fn parse_error_body(body: &[u8]) -> Option<ErrorBody> {
    serde_json::from_slice::<ErrorBody>(body)
        .ok()
        .filter(|e| e.code.as_deref().is_some_and(|c| !c.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use esa_engine::esa::model::{PublishEnv, PublishSettings};

    fn request() -> PublishRequest {
        PublishSettings {
            app_id: "app-1".into(),
            publish_env: PublishEnv::Prod,
            percentage: Some(100),
            start_time: None,
            remarks: Some("deploy 中~*+".into()),
            publish_type: Some(PublishType::Region),
            regions: vec!["jiangsu".into(), "zhejiang".into()],
            full_release: Some(true),
        }
        .request("ver-1", Some(100))
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
