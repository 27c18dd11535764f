//! The service's side of one request: authenticate (signature, token, time, nonce), then apply PublishEdgeContainerAppVersion's rules from the API reference, and answer as Alibaba Cloud does.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::json;

use crate::readings::Readings;
use crate::rules::{
    app_entry, check_method, check_placement, known_app, refuse, Incoming, Refusal,
};
use crate::verify::{self, parse_pairs};
use crate::{AppState, Received, Rollout, State};

/// The answer to send.
pub struct Answer {
    pub status: u16,
    pub body: String,
    pub request_id: String,
}

/// The action a request names, read without authenticating it (to pick a scripted fault).
pub fn peek_action(req: &Incoming) -> Option<String> {
    if req.path == "/_github/idtoken" {
        return Some("GitHubIdToken".into());
    }
    req.headers
        .iter()
        .find(|(n, _)| n == "x-acs-action")
        .map(|(_, v)| v.clone())
        .or_else(|| parse_pairs(&req.query).remove("Action"))
}

/// The record of a request that was dropped before the service acted on it.
pub fn unapplied(req: &Incoming, received_at_ms: u64) -> Received {
    Received {
        method: req.method.clone(),
        path: req.path.clone(),
        query: req.query.clone(),
        headers: req.headers.clone(),
        body: String::from_utf8_lossy(&req.body).into_owned(),
        signature_method: None,
        action: peek_action(req),
        query_params: parse_pairs(&req.query),
        body_params: BTreeMap::new(),
        status: 0,
        code: Some("ConnectionReset".into()),
        request_id: String::new(),
        received_at_ms,
        fault: None,
    }
}

/// Parameters V2 adds to the query that are not the API's own.
const V2_COMMON: &[&str] = &[
    "Action",
    "Format",
    "Version",
    "Timestamp",
    "SignatureNonce",
    "SignatureMethod",
    "SignatureVersion",
    "AccessKeyId",
    "SecurityToken",
    "Signature",
];

/// Where the official SDK puts each PublishEdgeContainerAppVersion parameter.
const PUBLISH_QUERY: &[&str] = &["VersionId", "PublishType", "Regions", "FullRelease"];
const PUBLISH_BODY: &[&str] = &["AppId", "PublishEnv", "Percentage", "StartTime", "Remarks"];

pub fn process(state: &mut State, req: Incoming, now: DateTime<Utc>) -> (Answer, Received) {
    state.counter += 1;
    let request_id = request_id(state.counter, now);
    let headers: BTreeMap<String, String> = req.headers.iter().cloned().collect();
    let body_text = String::from_utf8_lossy(&req.body).into_owned();
    let mut query = parse_pairs(&req.query);
    let form = if headers
        .get("content-type")
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"))
    {
        parse_pairs(&body_text)
    } else {
        BTreeMap::new()
    };
    let mut received = Received {
        method: req.method.clone(),
        path: req.path.clone(),
        query: req.query.clone(),
        headers: req.headers.clone(),
        body: body_text,
        signature_method: None,
        action: None,
        query_params: BTreeMap::new(),
        body_params: form.clone(),
        status: 200,
        code: None,
        request_id: request_id.clone(),
        received_at_ms: 0,
        fault: None,
    };

    let outcome = if req.path == "/_github/idtoken" {
        received.action = Some("GitHubIdToken".into());
        received.query_params = query.clone();
        match crate::oidc::github_id_token(state, &headers, &query) {
            Ok(token) => {
                received.status = 200;
                return (
                    Answer {
                        status: 200,
                        body: json!({ "count": 1, "value": token }).to_string(),
                        request_id: request_id.clone(),
                    },
                    received,
                );
            }
            Err(refusal) => Err(refusal),
        }
    } else if query.get("Action").map(String::as_str) == Some("AssumeRoleWithOIDC")
        && !query.contains_key("Signature")
    {
        received.action = Some("AssumeRoleWithOIDC".into());
        received.query_params = query.clone();
        match crate::oidc::assume_role_with_oidc(state, &query, now, &request_id) {
            Ok(body) => {
                received.status = 200;
                return (
                    Answer {
                        status: 200,
                        body,
                        request_id: request_id.clone(),
                    },
                    received,
                );
            }
            Err(refusal) => Err(refusal),
        }
    } else {
        crate::auth::authenticate(state, &req, &headers, &query, &form, now, &mut received).and_then(|action| {
        for k in V2_COMMON {
            query.remove(*k);
        }
        received.query_params = query.clone();
        match action.as_str() {
            "PublishEdgeContainerAppVersion" => publish(state, &query, &form).and_then(|()| {
                crate::versions::check_publishable(state, &form["AppId"], &query["VersionId"])
            }).map(|()| {
                start_rollout(state, &query, &form, now);
                None
            }),
            "GetEdgeContainerAppStatus" => app_status(state, &query, &form, &req.method).map(Some),
            "GetEdgeContainerStagingDeployStatus" => crate::diagnostics::staging_status(state, &query, &form, &req.method).map(Some),
            "GetEdgeContainerApp" => crate::diagnostics::app(state, &query, &form, &req.method).map(Some),
            "GetEdgeContainerLogs" => crate::diagnostics::logs(state, &query, &form, &req.method).map(Some),
            "GetEdgeContainerDeployRegions" => crate::diagnostics::deploy_regions(state, &query, &form, &req.method).map(Some),
            "GetEdgeContainerAppResourceStatus" => crate::diagnostics::resources(state, &query, &form, &req.method).map(Some),
            "DeleteEdgeContainerAppVersion" => crate::diagnostics::delete(state, &query, &form, &req.method).map(|()| None),
            "RollbackEdgeContainerAppVersion" => rollback(state, &query, &form, now).map(|()| None),
            "CreateEdgeContainerAppVersion" => crate::versions::create(state, &query, &form, &req.method, now).map(Some),
            "GetEdgeContainerAppVersion" => crate::versions::get(state, &query, &form, &req.method).map(Some),
            "ListEdgeContainerAppVersions" => crate::versions::list(state, &query, &form, &req.method).map(Some),
            "DescribeEdgeContainerAppStats" => crate::stats::stats(state, &query, &form, &req.method, now).map(Some),
            other => Err(refuse(404, "InvalidAction.NotFound", format!("Specified api is not found, please check your url and method. Action: {other}"))),
        }
        })
    };

    let (status, body) = match outcome {
        Ok(None) => (200, json!({ "RequestId": request_id }).to_string()),
        Ok(Some(mut extra)) => {
            extra["RequestId"] = json!(request_id);
            (200, extra.to_string())
        }
        Err(Refusal(status, code, message)) => {
            received.code = Some(code.to_string());
            let host = headers.get("host").cloned().unwrap_or_default();
            (
                status,
                json!({
                    "RequestId": request_id,
                    "HostId": host,
                    "Code": code,
                    "Message": message,
                    "Recommend": format!("https://api.aliyun.com/troubleshoot?q={code}&product=ESA&requestId={request_id}"),
                })
                .to_string(),
            )
        }
    };
    received.status = status;
    (
        Answer {
            status,
            body,
            request_id,
        },
        received,
    )
}

/// PublishEdgeContainerAppVersion's rules (the API reference's error codes), plus a check that
/// each parameter arrived where the official SDK sends it.
fn publish(
    state: &State,
    query: &BTreeMap<String, String>,
    form: &BTreeMap<String, String>,
) -> Result<(), Refusal> {
    check_placement(query, form, PUBLISH_QUERY, PUBLISH_BODY, &[])?;
    let app_id = form.get("AppId").map(String::as_str).unwrap_or("");
    if !app_id.starts_with("app-") {
        return Err(refuse(400, "InvalidParameter.appid", "The format of the application ID is invalid. You can call ListEdgeContainerApps to obtain the application ID."));
    }
    if !query
        .get("VersionId")
        .is_some_and(|v| v.starts_with("ver-"))
    {
        return Err(refuse(400, "InvalidParameter.VersionId", "The specified VersionId is invalid. Please check the VersionId parameter. You may not have entered the parameter or the parameter does not start with ver-string. Please modify it and call the interface again."));
    }
    if !matches!(
        form.get("PublishEnv").map(String::as_str),
        Some("prod" | "staging")
    ) {
        return Err(refuse(400, "InvalidParameter.PublishEnv", "The specified PublishEnv is invalid. Please check the PublishEnv parameter. It may not be set to either \"prod\" or \"staging.\" Please make the necessary changes and call the interface again."));
    }
    if let Some(p) = form.get("Percentage") {
        if !p.parse::<u32>().is_ok_and(|n| (1..=100).contains(&n)) {
            return Err(refuse(400, "InvalidParameter.Percentage", "The Percentage parameter is invalid. Please check the Percentage parameter, which should be in the range of 1-100. Modify it accordingly and call the interface again."));
        }
    }
    if let Some(t) = form.get("StartTime") {
        if NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%SZ").is_err() {
            return Err(refuse(
                400,
                "InvalidParameter",
                format!("StartTime must be yyyy-MM-ddTHH:mm:ssZ, not {t}."),
            ));
        }
    }
    let publish_type = query
        .get("PublishType")
        .map(String::as_str)
        .unwrap_or("percentage");
    if !matches!(publish_type, "percentage" | "region") {
        return Err(refuse(
            400,
            "InvalidParameter",
            format!("PublishType must be percentage or region, not {publish_type}."),
        ));
    }
    if let Some(r) = query.get("Regions") {
        if serde_json::from_str::<Vec<String>>(r).is_err() {
            return Err(refuse(
                400,
                "InvalidParameter",
                format!("Regions must be a JSON array of strings, not {r}."),
            ));
        }
    } else if publish_type == "region" {
        return Err(refuse(
            400,
            "InvalidParameter",
            "Regions is required when PublishType is region.",
        ));
    }
    if let Some(f) = query.get("FullRelease") {
        // The Python SDK sends `True`/`False` (Python's str of a bool); the service takes either case.
        if !f.eq_ignore_ascii_case("true") && !f.eq_ignore_ascii_case("false") {
            return Err(refuse(
                400,
                "InvalidParameter",
                format!("FullRelease must be true or false, not {f}."),
            ));
        }
    }
    if !state.config.apps.iter().any(|a| a == app_id) {
        return Err(refuse(404, "InvalidApp.NotFound", "The application does not exist. Check whether the application ID you specified is correct and try again."));
    }
    Ok(())
}

/// A successful publish starts a simulated rollout, following the next script entry.
fn start_rollout(
    state: &mut State,
    query: &BTreeMap<String, String>,
    form: &BTreeMap<String, String>,
    now: DateTime<Utc>,
) {
    let crashes = state.versions.iter().any(|v| {
        v.version_id == query["VersionId"]
            && crate::versions::images(&v.containers)
                .iter()
                .any(|i| state.config.crashing_images.contains(i))
    });
    let rollout = match crashes {
        true => Rollout::CrashLoopAfter(1),
        false => state
            .config
            .rollouts
            .get(state.publishes)
            .cloned()
            .unwrap_or(Rollout::Normal),
    };
    state.publishes += 1;
    let readings = state.config.readings;
    let app = app_entry(state, &form["AppId"], &form["PublishEnv"]);
    // A next step of the same version goes on from the share it already serves.
    let next_step = app.publishing_version == query["VersionId"]
        && (app.publish_status == "published" || app.publish_status == "publishing");
    readings.publish(app.fields(), &query["VersionId"]);
    app.publish_status = "publishing".into();
    app.publish_time = service_time(now);
    app.expect_percentage = form
        .get("Percentage")
        .and_then(|p| p.parse().ok())
        .unwrap_or(100);
    if !next_step {
        app.publish_percentage = 0;
    }
    app.rollout = Some(rollout);
    app.polls = 0;
    app.busy_polls_left = None;
    app.staging_phase = "ContainerCreating".into();
}

/// One status poll moves the simulated rollout on, per its script.
fn advance(app: &mut AppState, step: u32, readings: Readings) {
    if let Some(left) = app.busy_polls_left {
        if left == 0 && app.publish_status == "rollbacking" {
            // Someone else's rollback ends: the version it went back to serves.
            app.publish_status = "rollbacked".into();
            let to = app.base.clone();
            readings.rolled_back(app.fields(), &to);
            app.busy_polls_left = None;
        } else if left == 0 {
            app.publish_status = "published".into();
            app.publish_percentage = 100;
            readings.full(app.fields());
            app.busy_polls_left = None;
        } else {
            app.busy_polls_left = Some(left - 1);
        }
        return;
    }
    let Some(rollout) = app.rollout.clone() else {
        return;
    };
    if let (Rollout::CrashLoopAfter(n), "published") = (&rollout, app.publish_status.as_str()) {
        // A container can die after its version was published, too.
        app.polls += 1;
        if app.polls > *n {
            app.staging_phase = "CrashLoopBackOff".into();
        }
        return;
    }
    if app.publish_status != "publishing" && app.publish_status != "rollbacking" {
        return;
    }
    app.polls += 1;
    match rollout {
        Rollout::RollbackAfter(n) if app.polls > n => {
            if app.publish_status == "rollbacking" {
                app.publish_status = "rollbacked".into();
                let to = app.base.clone();
                readings.rolled_back(app.fields(), &to);
                app.publish_percentage = 0;
            } else {
                app.publish_status = "rollbacking".into();
            }
            return;
        }
        Rollout::TakeoverAfter(n) if app.polls > n => {
            app.publishing_version = "ver-999999999999999999".into();
            return;
        }
        Rollout::CrashLoopAfter(n) if app.polls > n => {
            app.staging_phase = "CrashLoopBackOff".into();
            return;
        }
        Rollout::Stuck => return,
        _ => {}
    }
    app.staging_phase = "Running".into();
    app.publish_percentage = (app.publish_percentage + step).min(app.expect_percentage);
    if app.publish_percentage >= app.expect_percentage {
        app.publish_status = "published".into();
        if app.expect_percentage == 100 {
            readings.full(app.fields());
        }
    }
}

fn app_status(
    state: &mut State,
    query: &BTreeMap<String, String>,
    form: &BTreeMap<String, String>,
    method: &str,
) -> Result<serde_json::Value, Refusal> {
    check_method(method, "POST")?;
    check_placement(
        query,
        form,
        &["AppId", "PublishEnv"],
        &[],
        &["AppId", "PublishEnv"],
    )?;
    known_app(state, &query["AppId"])?;
    let (step, readings) = (state.config.rollout_step, state.config.readings);
    let app = app_entry(state, &query["AppId"], &query["PublishEnv"]);
    advance(app, step, readings);
    Ok(json!({
        "AppStatus": {
            "PublishStatus": app.publish_status,
            "DeployStatus": "deployed",
            "PublishPercentage": app.publish_percentage,
            "ExpectPercentage": app.expect_percentage,
            "PublishingVersion": app.publishing_version,
            "DeployedVersion": app.deployed_version,
            "BaseLineVersion": app.baseline_version,
            "PublishTime": app.publish_time,
            "RollbackTime": app.rollback_time,
            "PublishEnv": query["PublishEnv"],
            "Regions": { "Region": [] },
        }
    }))
}

fn rollback(
    state: &mut State,
    query: &BTreeMap<String, String>,
    form: &BTreeMap<String, String>,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    let (in_query, in_body) = (
        &["VersionId", "Percentage", "UsedPercent"],
        &["AppId", "Remarks"],
    );
    check_placement(
        query,
        form,
        in_query,
        in_body,
        &["VersionId", "Percentage", "UsedPercent", "AppId"],
    )?;
    let app_id = form
        .get("AppId")
        .cloned()
        .ok_or_else(|| refuse(400, "MissingParameter", "AppId must be in the form body."))?;
    known_app(state, &app_id)?;
    let to = query["VersionId"].clone();
    let readings = state.config.readings;
    for (key, app) in state.apps.iter_mut() {
        if key.starts_with(&format!("{app_id}/")) {
            app.publish_status = "rollbacked".into();
            readings.rolled_back(app.fields(), &to);
            app.rollback_time = service_time(now);
            app.rollout = None;
        }
    }
    Ok(())
}

/// The service's time format, to the millisecond so that two publishes in one second differ.
fn service_time(now: DateTime<Utc>) -> String {
    now.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// A RequestId shaped like Alibaba's (8-4-4-4-12 upper-case hex), unique per request.
fn request_id(counter: u64, now: DateTime<Utc>) -> String {
    let h = verify::sha256_hex(
        format!(
            "{counter}-{}",
            now.timestamp_nanos_opt().unwrap_or_default()
        )
        .as_bytes(),
    )
    .to_uppercase();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}
