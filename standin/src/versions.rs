//! An app's versions, as the service keeps them: CreateEdgeContainerAppVersion (everything in the form body, `Containers` as one JSON string, checked against the model's rules), GetEdgeContainerAppVersion and ListEdgeContainerAppVersions (in the query), a `creating` → `created` progression over reads, and a search by name that matches parts of names.
//!
//! The rules are written here from the official SDK's model, independently of the action's
//! own validation, so that the two can disagree and a test can see it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::rules::{check_method, check_placement, known_app, refuse, Refusal};
use crate::State;

/// A version the stand-in knows.
#[derive(Debug, Clone, Serialize)]
pub struct Version {
    pub app_id: String,
    pub version_id: String,
    pub name: String,
    pub remarks: String,
    /// `creating`, `created` or `failed`.
    pub status: String,
    /// The `Containers` array, as the service stores it.
    pub containers: Value,
    pub create_time: String,
    /// Reads of GetEdgeContainerAppVersion left before a `creating` version is done.
    pub reads_left: u32,
    /// Whether its creation ends `failed`.
    pub fails: bool,
}

impl Version {
    /// A version that already exists (`created`), for a test's starting state.
    pub fn existing(app_id: &str, version_id: &str, name: &str, containers: Value) -> Version {
        Version {
            app_id: app_id.into(),
            version_id: version_id.into(),
            name: name.into(),
            remarks: String::new(),
            status: "created".into(),
            containers,
            create_time: "2026-01-01T00:00:00Z".into(),
            reads_left: 0,
            fails: false,
        }
    }
}

/// One container as a base version might run it: `Spec` 1C2G, `Storage` 10G, an HTTP probe.
pub fn container(name: &str, image: &str) -> Value {
    json!({
        "Name": name,
        "Image": image,
        "IsACRImage": false,
        "Spec": "1C2G",
        "Storage": "10G",
        "ProbeType": "httpGet",
        "ProbeContent": {"Path": "/healthz", "Port": 8080, "Scheme": "HTTP", "InitialDelaySeconds": 3,
                          "PeriodSeconds": 10, "TimeoutSeconds": 2, "SuccessThreshold": 1, "FailureThreshold": 3},
        "Command": "/app/server",
        "Args": "--port 8080",
        "EnvVariables": "MODE=prod,LOG=info",
        "PostStart": "",
        "PreStop": "sleep 5",
    })
}

const SPECS: &[&str] = &["1C2G", "2C4G", "2C8G", "4C8G", "4C16G", "8C16G", "8C32G"];
const STORAGES: &[&str] = &["0.5G", "10G", "20G", "30G"];
const PROBE_TYPES: &[&str] = &["exec", "tcpSocket", "httpGet"];
const STRINGS: &[&str] = &["Command", "Args", "EnvVariables", "PostStart", "PreStop"];
const PROBE_STRINGS: &[&str] = &["Command", "Host", "Path", "Scheme", "HttpHeaders"];
const PROBE_INTS: &[&str] = &[
    "Port",
    "InitialDelaySeconds",
    "PeriodSeconds",
    "TimeoutSeconds",
    "SuccessThreshold",
    "FailureThreshold",
];
const ACR_STRINGS: &[&str] = &[
    "Domain",
    "InstanceId",
    "RegionId",
    "RepoId",
    "RepoName",
    "RepoNamespace",
    "Tag",
    "TagUrl",
];

fn invalid(message: String) -> Refusal {
    refuse(400, "InvalidParameter.Containers", message)
}

/// The model's rules for one container.
fn check_container(index: usize, c: &Value, names: &mut Vec<String>) -> Result<(), Refusal> {
    let at = format!("Containers[{index}]");
    let object = c
        .as_object()
        .ok_or_else(|| invalid(format!("{at} is not an object.")))?;
    let text = |k: &str| object.get(k).and_then(Value::as_str);
    let name = text("Name")
        .filter(|n| !n.is_empty())
        .ok_or_else(|| invalid(format!("{at}.Name is mandatory.")))?;
    if names.iter().any(|n| n == name) {
        return Err(invalid(format!("Container name {name} is used twice.")));
    }
    names.push(name.to_string());
    if text("Image").is_none_or(str::is_empty) {
        return Err(invalid(format!("{at}.Image is mandatory.")));
    }
    if !object.get("IsACRImage").is_some_and(Value::is_boolean) {
        return Err(invalid(format!(
            "{at}.IsACRImage is mandatory and a boolean."
        )));
    }
    for (key, allowed) in [
        ("Spec", SPECS),
        ("Storage", STORAGES),
        ("ProbeType", PROBE_TYPES),
    ] {
        if !text(key).is_some_and(|v| allowed.contains(&v)) {
            return Err(invalid(format!("{at}.{key} must be one of {allowed:?}.")));
        }
    }
    let probe = object
        .get("ProbeContent")
        .and_then(Value::as_object)
        .ok_or_else(|| invalid(format!("{at}.ProbeContent is mandatory and an object.")))?;
    for (k, v) in probe {
        let ok = (PROBE_STRINGS.contains(&k.as_str()) && v.is_string())
            || (PROBE_INTS.contains(&k.as_str()) && v.is_i64());
        if !ok {
            return Err(invalid(format!(
                "{at}.ProbeContent.{k} is not a field of the model, or has the wrong type."
            )));
        }
    }
    for (k, v) in object {
        let known = match k.as_str() {
            "Name" | "Image" | "IsACRImage" | "Spec" | "Storage" | "ProbeType" | "ProbeContent" => {
                true
            }
            "ACRImageInfo" => v.as_object().is_some_and(|acr| {
                acr.iter().all(|(ak, av)| {
                    (ACR_STRINGS.contains(&ak.as_str()) && av.is_string())
                        || (ak == "IsEnterpriseRegistry" && av.is_boolean())
                })
            }),
            other => STRINGS.contains(&other) && v.is_string(),
        };
        if !known {
            return Err(invalid(format!(
                "{at}.{k} is not a field of the model, or has the wrong type."
            )));
        }
    }
    if let Some(env) = text("EnvVariables").filter(|e| !e.is_empty()) {
        for pair in env.split(',') {
            let key = pair.split_once('=').map(|(k, _)| k).unwrap_or("");
            if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(invalid(format!(
                    "{at}.EnvVariables must be K1=v1,K2=v2, not {env}."
                )));
            }
        }
    }
    Ok(())
}

pub(crate) fn images(containers: &Value) -> Vec<String> {
    containers
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c.get("Image").and_then(Value::as_str))
        .map(str::to_string)
        .collect()
}

/// CreateEdgeContainerAppVersion: AppId, Name, Remarks and Containers in the form body.
pub(crate) fn create(
    state: &mut State,
    query: &BTreeMap<String, String>,
    form: &BTreeMap<String, String>,
    method: &str,
    now: DateTime<Utc>,
) -> Result<Value, Refusal> {
    check_method(method, "POST")?;
    check_placement(
        query,
        form,
        &[],
        &["AppId", "Name", "Remarks", "Containers"],
        &["AppId", "Name", "Containers"],
    )?;
    let app_id = form["AppId"].clone();
    known_app(state, &app_id)?;
    let name = form["Name"].clone();
    if !(6..=128).contains(&name.chars().count()) {
        return Err(refuse(
            400,
            "InvalidParameter.Name",
            "The version name must be 6 to 128 characters long.",
        ));
    }
    if state
        .versions
        .iter()
        .any(|v| v.app_id == app_id && v.name == name)
    {
        return Err(refuse(
            400,
            "InvalidParameter.Name",
            "A version with this name already exists.",
        ));
    }
    let containers: Value = serde_json::from_str(&form["Containers"])
        .map_err(|e| invalid(format!("Containers is not JSON: {e}.")))?;
    let list = containers
        .as_array()
        .filter(|a| !a.is_empty())
        .ok_or_else(|| invalid("Containers must be a non-empty JSON array.".into()))?;
    let mut names = Vec::new();
    for (i, c) in list.iter().enumerate() {
        check_container(i, c, &mut names)?;
    }
    state.version_counter += 1;
    let version_id = format!(
        "ver-{:018}",
        500_000_000_000_000_000u64 + state.version_counter
    );
    let fails = images(&containers)
        .iter()
        .any(|i| state.config.failing_images.contains(i));
    state.versions.push(Version {
        app_id,
        version_id: version_id.clone(),
        name,
        remarks: form.get("Remarks").cloned().unwrap_or_default(),
        status: "creating".into(),
        containers,
        create_time: now.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        reads_left: state.config.creation_reads,
        fails,
    });
    Ok(json!({ "VersionId": version_id }))
}

/// GetEdgeContainerAppVersion: AppId and VersionId in the query. Each read moves a `creating`
/// version on.
pub(crate) fn get(
    state: &mut State,
    query: &BTreeMap<String, String>,
    form: &BTreeMap<String, String>,
    method: &str,
) -> Result<Value, Refusal> {
    check_method(method, "GET")?;
    check_placement(
        query,
        form,
        &["AppId", "VersionId"],
        &[],
        &["AppId", "VersionId"],
    )?;
    known_app(state, &query["AppId"])?;
    let version = state
        .versions
        .iter_mut()
        .find(|v| v.app_id == query["AppId"] && v.version_id == query["VersionId"])
        .ok_or_else(|| {
            refuse(
                404,
                "InvalidVersion.NotFound",
                "The version does not exist.",
            )
        })?;
    if version.status == "creating" {
        if version.reads_left == 0 {
            version.status = if version.fails { "failed" } else { "created" }.into();
        } else {
            version.reads_left -= 1;
        }
    }
    Ok(json!({
        "Version": {
            "VersionId": version.version_id,
            "AppId": version.app_id,
            "Name": version.name,
            "Remarks": version.remarks,
            "Status": version.status,
            "CreateTime": version.create_time,
            "UpdateTime": version.create_time,
            "PublishTime": "",
            "LastPublishTime": "",
            "Containers": version.containers,
        }
    }))
}

/// ListEdgeContainerAppVersions: everything in the query. A search by name matches any part of
/// a name, as a search box does; newest first. The listing's containers leave out `Storage`,
/// `IsACRImage` and `ACRImageInfo`, as the service's do.
pub(crate) fn list(
    state: &State,
    query: &BTreeMap<String, String>,
    form: &BTreeMap<String, String>,
    method: &str,
) -> Result<Value, Refusal> {
    check_method(method, "GET")?;
    check_placement(
        query,
        form,
        &[
            "AppId",
            "PageNumber",
            "PageSize",
            "SearchKey",
            "SearchType",
            "OrderKey",
            "OrderType",
        ],
        &[],
        &["AppId"],
    )?;
    known_app(state, &query["AppId"])?;
    let number = |k: &str, default: usize| -> Result<usize, Refusal> {
        match query.get(k) {
            None => Ok(default),
            Some(v) => v
                .parse()
                .map_err(|_| refuse(400, "InvalidParameter", format!("{k} must be a number."))),
        }
    };
    let page = number("PageNumber", 1)?.max(1);
    let size = number("PageSize", 20)?;
    if !(1..=100).contains(&size) {
        return Err(refuse(
            400,
            "InvalidParameter.PageSize",
            "PageSize must be from 1 to 100.",
        ));
    }
    let key = query.get("SearchKey").cloned().unwrap_or_default();
    let by_id = query.get("SearchType").is_some_and(|t| t == "VersionId");
    let mut matching: Vec<&Version> = state
        .versions
        .iter()
        .filter(|v| v.app_id == query["AppId"])
        .filter(|v| {
            key.is_empty()
                || if by_id {
                    v.version_id.contains(&key)
                } else {
                    v.name.contains(&key)
                }
        })
        .collect();
    match (
        query.get("OrderKey").map(String::as_str),
        query.get("OrderType").map(String::as_str),
    ) {
        (Some("CreateTime" | "ModifyTime"), order) => {
            matching.sort_by(|a, b| a.create_time.cmp(&b.create_time));
            if order == Some("Desc") {
                matching.reverse();
            }
        }
        (Some("Name"), order) => {
            matching.sort_by(|a, b| a.name.cmp(&b.name));
            if order == Some("Desc") {
                matching.reverse();
            }
        }
        // Without an order key the order is the service's own: newest first, here.
        _ => matching.reverse(),
    }
    let rows: Vec<Value> = matching
        .iter()
        .skip((page - 1) * size)
        .take(size)
        .map(|v| {
            let containers: Vec<Value> = v
                .containers
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| {
                    let mut c: Map<String, Value> = c.as_object().cloned().unwrap_or_default();
                    for left_out in ["Storage", "IsACRImage", "ACRImageInfo"] {
                        c.remove(left_out);
                    }
                    Value::Object(c)
                })
                .collect();
            json!({
                "VersionId": v.version_id,
                "AppId": v.app_id,
                "Name": v.name,
                "Remarks": v.remarks,
                "Status": v.status,
                "CreateTime": v.create_time,
                "Containers": containers,
            })
        })
        .collect();
    Ok(json!({
        "TotalCount": matching.len(),
        "PageNumber": page,
        "PageSize": size,
        "Versions": rows,
    }))
}

/// A publish names a version: one the stand-in knows must be `created`.
pub(crate) fn check_publishable(
    state: &State,
    app_id: &str,
    version_id: &str,
) -> Result<(), Refusal> {
    match state
        .versions
        .iter()
        .find(|v| v.app_id == app_id && v.version_id == version_id)
    {
        Some(v) if v.status != "created" => Err(refuse(
            400,
            "InvalidParameter.VersionId",
            format!(
                "The version {version_id} is {}; only a created version can be published.",
                v.status
            ),
        )),
        Some(_) => Ok(()),
        // As its read answers: the service has no such version to publish.
        None => Err(refuse(
            404,
            "InvalidVersion.NotFound",
            "The version does not exist.",
        )),
    }
}
