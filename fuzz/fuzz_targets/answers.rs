//! Service answers: arbitrary status, RequestId header and body through the client's reading of every answer (`interpret`) and each typed reading after it (app status, staging status, version, listing page, app, resource status, deploy regions, logs, STS). The result is a typed value or a typed error, never a panic; a body that is not JSON is an `UnexpectedResponse` of that status, retried only when the status is 5xx, and never as a call that may not have reached the service. Nothing unparsed is trusted: every accepted percentage is 0 to 100 and the one given (one out of range or not a number is an error, never wrapped or taken for 0), and every state is one the model names, or `Unknown` keeping the text as sent.

#![no_main]

use std::time::Duration;

use esa_engine::base::error::Error;
use esa_engine::esa::diagnostics::{
    deploy_regions_from_answer, log_lines_from_answer, readiness_from_answer, App,
};
use esa_engine::esa::retry::{decide, Decision, Idempotency, Policy};
use esa_engine::esa::status::{
    AppStatus, DeployStatus, PublishStatus, StagingStatus, VersionStatus,
};
use esa_engine::esa::versions::{page_from_answer, version_from_answer};
use esa_publish::esa::api::parse_error_body;
use esa_publish::esa::client::interpret;
use esa_publish::esa::sts::parse_assume_role;
use esa_publish::http::RawAnswer;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// One input: two bytes of status (little-endian), one of jitter, then the body, so that an
/// answer's JSON with a three-byte prefix seeds it. An odd jitter byte sends a RequestId header.
#[derive(Debug)]
struct Case {
    status: u16,
    request_id: Option<String>,
    body: Vec<u8>,
    jitter: u8,
}

impl Case {
    fn from(data: &[u8]) -> Case {
        let byte = |i: usize| data.get(i).copied().unwrap_or_default();
        Case {
            status: u16::from_le_bytes([byte(0), byte(1)]),
            request_id: (byte(2) % 2 == 1).then(|| "HEADER-REQUEST-ID".to_string()),
            body: data.get(3..).unwrap_or_default().to_vec(),
            jitter: byte(2),
        }
    }
}

/// A percentage field as the answer gives it: absent or null is 0; a whole number (or a
/// string of one) from 0 to 100 is itself; anything else may not be taken.
fn expected_percentage(object: &Value, key: &str) -> Option<Option<u8>> {
    let Some(value) = object.get(key).filter(|v| !v.is_null()) else {
        return Some(Some(0));
    };
    let number = value
        .as_u64()
        .or_else(|| value.as_str().and_then(|t| t.trim().parse().ok()));
    Some(number.filter(|n| *n <= 100).map(|n| n as u8))
}

/// A state the model names is read as that state, and any other text is `Unknown`, kept as
/// it was: never taken for a state it is not.
fn check_state<T: PartialEq + std::fmt::Debug>(
    raw: &str,
    parsed: &T,
    shown: &str,
    known: &[&str],
    unknown: bool,
) {
    assert_eq!(shown, raw, "{parsed:?} shows as {shown:?}, from {raw:?}");
    assert_eq!(known.contains(&raw), !unknown, "{raw:?} read as {parsed:?}");
}

/// The app status's reading holds to the answer: every percentage 0 to 100 and as given, a
/// field out of range or not a number an error (never wrapped, never 0), each state as named.
fn app_status(body: &Value, request_id: Option<&str>) {
    let read = AppStatus::from_answer(body, request_id);
    let Some(fields) = body.get("AppStatus") else {
        assert!(
            read.is_err(),
            "an answer without AppStatus read as {read:?}"
        );
        return;
    };
    let percentages = [
        expected_percentage(fields, "PublishPercentage").flatten(),
        expected_percentage(fields, "ExpectPercentage").flatten(),
    ];
    let Ok(status) = read else {
        assert!(
            percentages.iter().any(Option::is_none),
            "refused an answer whose percentages are fine: {fields}"
        );
        return;
    };
    assert_eq!(
        [
            Some(status.publish_percentage),
            Some(status.expect_percentage)
        ],
        percentages,
        "from {fields}"
    );
    assert!(status.publish_percentage <= 100 && status.expect_percentage <= 100);
    let raw = fields
        .get("PublishStatus")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let unknown = matches!(status.publish_status, PublishStatus::Unknown(_));
    check_state(
        raw,
        &status.publish_status,
        status.publish_status.as_str(),
        PUBLISH_STATES,
        unknown,
    );
    let raw = fields
        .get("DeployStatus")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let unknown = matches!(status.deploy_status, DeployStatus::Unknown(_));
    check_state(
        raw,
        &status.deploy_status,
        status.deploy_status.as_str(),
        DEPLOY_STATES,
        unknown,
    );
    // The share of any version is a share.
    assert!(status.share_of(status.current_version()) <= 100);
}

/// The wire spellings the model names.
const PUBLISH_STATES: &[&str] = &["", "publishing", "published", "rollbacking", "rollbacked"];
const DEPLOY_STATES: &[&str] = &["", "undeploy", "deploying", "deployed", "undeploying"];
const VERSION_STATES: &[&str] = &["creating", "created", "failed"];

fn readings(body: &Value, request_id: Option<&str>) {
    app_status(body, request_id);
    let staging = StagingStatus::from_answer(body);
    let phase = body
        .get("Phase")
        .and_then(Value::as_str)
        .unwrap_or_default();
    assert_eq!(staging.phase.as_str(), phase);
    if let Ok(version) = version_from_answer(body, request_id.map(str::to_string)) {
        let raw = body
            .pointer("/Version/Status")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let unknown = matches!(version.status, VersionStatus::Unknown(_));
        check_state(
            raw,
            &version.status,
            version.status.as_str(),
            VERSION_STATES,
            unknown,
        );
    }
    let _ = page_from_answer(body);
    let _ = App::from_answer(body, request_id).map(|a| a.url());
    let _ = readiness_from_answer(body);
    let _ = deploy_regions_from_answer(body);
    let _ = log_lines_from_answer(body);
}

fuzz_target!(|data: &[u8]| {
    let case = Case::from(data);
    let status = case.status % 600;
    let read = interpret::<Value>(status, &case.body, case.request_id.clone());
    // JSON, or what the client reads as an Alibaba error body (it reads those leniently: a body
    // with a stray byte inside a string is still the service's error).
    let is_json = serde_json::from_slice::<Value>(&case.body).is_ok()
        || (!(200..300).contains(&status) && parse_error_body(&case.body).is_some());
    match &read {
        Ok(answer) => {
            assert!((200..300).contains(&status), "a {status} read as a success");
            readings(&answer.body, answer.request_id.as_deref());
        }
        Err(error) => {
            let _ = (error.to_string(), error.title());
            if !is_json {
                assert!(
                    matches!(error, Error::UnexpectedResponse { status: s, .. } if *s == status),
                    "{error:?}"
                );
            }
            let policy = Policy {
                max_attempts: 4,
                timeout: Duration::from_secs(120),
            };
            let jitter = f64::from(case.jitter) / 256.0;
            let remaining = Duration::from_secs(100);
            let again =
                |idempotency| decide(&policy, idempotency, 1, error, None, remaining, jitter);
            if !is_json {
                let retried = matches!(again(Idempotency::Idempotent), Decision::RetryAfter(_));
                assert_eq!(retried, status >= 500, "{status}: retried {retried}");
                // Something answered: never taken for a call that did not reach the service.
                assert!(!matches!(
                    again(Idempotency::NotIdempotent),
                    Decision::RetryAfter(_)
                ));
            }
        }
    }
    let sts = parse_assume_role(RawAnswer {
        status,
        request_id: case.request_id,
        retry_after: None,
        body: case.body,
    });
    if let Ok(obtained) = sts {
        assert!(!obtained.credentials.access_key_id.is_empty());
        assert!(obtained.credentials.security_token.is_some());
    }
});
