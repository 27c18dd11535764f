//! What explains a deployment and cleans up behind it, as the service answers it: GetEdgeContainerApp (the bound domain), GetEdgeContainerStagingDeployStatus (the pod, its restarts, the staging addresses), GetEdgeContainerLogs, GetEdgeContainerAppResourceStatus and DeleteEdgeContainerAppVersion, each with the official SDK's placement. Written from the SDK's models, independently of the action.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::rules::{app_entry, check_method, check_placement, known_app, refuse, Refusal};
use crate::State;

type Params = BTreeMap<String, String>;

/// GetEdgeContainerApp: POST, AppId in the query.
pub(crate) fn app(
    state: &mut State,
    query: &Params,
    form: &Params,
    method: &str,
) -> Result<Value, Refusal> {
    check_method(method, "POST")?;
    check_placement(query, form, &["AppId"], &[], &["AppId"])?;
    known_app(state, &query["AppId"])?;
    let count = state
        .versions
        .iter()
        .filter(|v| v.app_id == query["AppId"])
        .count();
    Ok(json!({"App": {
        "AppId": query["AppId"], "Name": "shop", "Status": "created",
        "DomainName": state.config.app.domain, "VersionCount": count,
        "GatewayType": "l7", "ServicePort": 80, "TargetPort": 8080,
    }}))
}

/// GetEdgeContainerStagingDeployStatus: GET, AppId in the query. A crash loop has restarted
/// the pod, last killed for memory.
pub(crate) fn staging_status(
    state: &mut State,
    query: &Params,
    form: &Params,
    method: &str,
) -> Result<Value, Refusal> {
    check_method(method, "GET")?;
    check_placement(query, form, &["AppId"], &[], &["AppId"])?;
    known_app(state, &query["AppId"])?;
    let vips = state.config.app.vips.clone();
    let app = app_entry(state, &query["AppId"], "staging");
    let crashing = app.staging_phase == "CrashLoopBackOff";
    Ok(json!({
        "Phase": app.staging_phase,
        "Ready": if app.staging_phase == "Running" { "ok" } else { "unready" },
        "VIPs": vips,
        "PodRestartState": {
            "RestartCount": if crashing { 7 } else { 0 },
            "LastTerminatedReason": if crashing { "OOMKilled" } else { "" },
        },
    }))
}

/// GetEdgeContainerLogs: GET, AppId and Lines (1 to 5000) in the query.
pub(crate) fn logs(
    state: &mut State,
    query: &Params,
    form: &Params,
    method: &str,
) -> Result<Value, Refusal> {
    check_method(method, "GET")?;
    check_placement(query, form, &["AppId", "Lines"], &[], &["AppId", "Lines"])?;
    known_app(state, &query["AppId"])?;
    let lines: usize = match query["Lines"].parse() {
        Ok(n) if (1..=5000).contains(&n) => n,
        _ => {
            return Err(refuse(
                400,
                "InvalidParameter.Lines",
                "Lines must be from 1 to 5000.",
            ))
        }
    };
    let log = &state.config.app.log;
    Ok(json!({ "Items": log[log.len().saturating_sub(lines)..] }))
}

/// GetEdgeContainerAppResourceStatus: POST, AppId in the query.
/// GetEdgeContainerDeployRegions: GET, AppId in the query.
pub(crate) fn deploy_regions(
    state: &mut State,
    query: &Params,
    form: &Params,
    method: &str,
) -> Result<Value, Refusal> {
    check_method(method, "GET")?;
    check_placement(query, form, &["AppId"], &[], &["AppId"])?;
    known_app(state, &query["AppId"])?;
    Ok(json!({ "Regions": state.config.app.deploy_regions }))
}

pub(crate) fn resources(
    state: &mut State,
    query: &Params,
    form: &Params,
    method: &str,
) -> Result<Value, Refusal> {
    check_method(method, "POST")?;
    check_placement(query, form, &["AppId"], &[], &["AppId"])?;
    known_app(state, &query["AppId"])?;
    let regions: Vec<Value> = state
        .config
        .app
        .regions
        .iter()
        .map(|(region, isp, ready, total)| json!({"Region": region, "Isp": isp, "Ready": ready, "Total": total, "IsStaging": false, "IsOffline": false}))
        .collect();
    Ok(json!({ "Regions": regions }))
}

/// DeleteEdgeContainerAppVersion: POST, AppId and VersionId in the query. What the service
/// does with a version an environment uses is not documented; the stand-in refuses, so that a
/// client that asks is caught.
pub(crate) fn delete(
    state: &mut State,
    query: &Params,
    form: &Params,
    method: &str,
) -> Result<(), Refusal> {
    check_method(method, "POST")?;
    check_placement(
        query,
        form,
        &["AppId", "VersionId"],
        &[],
        &["AppId", "VersionId"],
    )?;
    let (app_id, version_id) = (&query["AppId"], &query["VersionId"]);
    known_app(state, app_id)?;
    let in_use = state.apps.iter().any(|(key, a)| {
        key.starts_with(&format!("{app_id}/"))
            && [
                &a.publishing_version,
                &a.deployed_version,
                &a.baseline_version,
            ]
            .contains(&version_id)
    });
    if in_use {
        return Err(refuse(
            400,
            "InvalidVersion.InUse",
            format!("The version {version_id} is in use by an environment."),
        ));
    }
    let at = state
        .versions
        .iter()
        .position(|v| &v.app_id == app_id && &v.version_id == version_id)
        .ok_or_else(|| {
            refuse(
                404,
                "InvalidVersion.NotFound",
                "The version does not exist.",
            )
        })?;
    state.versions.remove(at);
    Ok(())
}
