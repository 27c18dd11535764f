//! Service answers: arbitrary status, RequestId header and body through the client's reading of every answer (`interpret`) and each typed reading after it (app status, staging status, version, listing page, app, resource status, deploy regions, logs, STS). The result is a typed value or a typed error, never a panic; a body that is not JSON is an `UnexpectedResponse` of that status, retried only when the status is 5xx, and never as a call that may not have reached the service.

#![no_main]

use std::time::Duration;

use esa_publish::base::error::Error;
use esa_publish::esa::api::parse_error_body;
use esa_publish::esa::client::{interpret, RawAnswer};
use esa_publish::esa::diagnostics::{
    deploy_regions_from_answer, log_lines_from_answer, readiness_from_answer, App,
};
use esa_publish::esa::retry::{decide, Decision, Idempotency, Policy};
use esa_publish::esa::status::{AppStatus, StagingStatus};
use esa_publish::esa::sts::parse_assume_role;
use esa_publish::esa::versions::{page_from_answer, version_from_answer};
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

fn readings(body: &Value, request_id: Option<&str>) {
    let _ = AppStatus::from_answer(body, request_id).map(|s| s.current_version().len());
    let _ = StagingStatus::from_answer(body);
    let _ = version_from_answer(body, request_id.map(str::to_string));
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
