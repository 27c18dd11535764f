//! The fault matrix: the real binary against a misbehaving stand-in. Each case checks the exit code, the annotation's title and text, how many requests the stand-in received, and that the run kept to its deadline.

mod support;

use std::time::{Duration, Instant};

use esa_standin::{Account, Config, Fault, StandIn, DEMO_ACCESS_KEY_ID, DEMO_APP_ID};
use support::{run_binary, Run};

const SECRET: &str = "CANARY-secret-0d1e5f";
const TOKEN: &str = "CANARY-token-6a7b8c";

fn standin() -> StandIn {
    StandIn::start(Config {
        accounts: vec![Account {
            access_key_id: DEMO_ACCESS_KEY_ID.into(),
            access_key_secret: SECRET.into(),
            security_token: Some(TOKEN.into()),
        }],
        ..Config::default()
    })
    .unwrap()
}

/// Runs a publish with debug logging on and canary credentials, and checks that no canary
/// reached any stream or file, whatever happened.
fn publish(endpoint: &str, extra: &[(&str, &str)]) -> (Run, Duration) {
    let mut vars = vec![
        ("INPUT_APP-ID", DEMO_APP_ID),
        ("INPUT_VERSION-ID", "ver-879626371616510001"),
        ("INPUT_PUBLISH-ENV", "prod"),
        ("INPUT_ACCESS-KEY-ID", DEMO_ACCESS_KEY_ID),
        ("INPUT_ACCESS-KEY-SECRET", SECRET),
        ("INPUT_SECURITY-TOKEN", TOKEN),
        ("INPUT_ENDPOINT", endpoint),
        ("RUNNER_DEBUG", "1"),
    ];
    vars.extend_from_slice(extra);
    let started = Instant::now();
    let run = run_binary(&vars);
    let elapsed = started.elapsed();
    let all = run.everything();
    assert!(
        !all.contains(SECRET) && !all.contains(TOKEN),
        "a canary leaked:\n{all}"
    );
    (run, elapsed)
}

fn single_error(run: &Run) -> (String, String) {
    let errors = run.errors();
    assert_eq!(errors.len(), 1, "{}", run.stdout);
    (
        errors[0].properties["title"].clone(),
        errors[0].data.clone(),
    )
}

fn assert_contains(text: &str, parts: &[&str]) {
    for p in parts {
        assert!(text.contains(p), "missing {p:?} in:\n{text}");
    }
}

#[test]
fn a_500_twice_then_success_is_retried_with_fresh_signatures() {
    let s = standin();
    s.push_faults(
        Fault::api_error(
            500,
            "InternalError",
            "The request processing has failed due to some unknown error.",
        ),
        2,
    );
    let (run, elapsed) = publish(&s.url(), &[("INPUT_TIMEOUT", "20s")]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let got = s.publishes();
    assert_eq!(got.len(), 3);
    let nonces: std::collections::BTreeSet<_> = got
        .iter()
        .map(|r| r.header("x-acs-signature-nonce").unwrap().to_string())
        .collect();
    assert_eq!(nonces.len(), 3, "every attempt is signed afresh");
    assert_eq!(run.outputs()["request-id"], got[2].request_id);
    assert_contains(
        &run.stdout,
        &[
            "attempt 1/4 failed (InternalError)",
            "attempt 2/4 failed (InternalError)",
            "retrying in",
        ],
    );
    assert!(elapsed < Duration::from_secs(20));
}

#[test]
fn a_persistent_503_gives_up_after_max_attempts() {
    let s = standin();
    s.push_faults(
        Fault::api_error(
            503,
            "ServiceUnavailable",
            "The request has failed due to a temporary failure of the server.",
        ),
        10,
    );
    let (run, elapsed) = publish(
        &s.url(),
        &[("INPUT_MAX-ATTEMPTS", "3"), ("INPUT_TIMEOUT", "30")],
    );
    assert_eq!(run.code, 1);
    let (title, text) = single_error(&run);
    assert_eq!(title, "ServiceUnavailable");
    assert_contains(
        &text,
        &[
            "HTTP 503",
            "3 attempts",
            "max-attempts",
            "FAULT-ServiceUnavailable",
        ],
    );
    assert_eq!(s.publishes().len(), 3);
    assert!(elapsed < Duration::from_secs(30));
}

#[test]
fn throttling_honours_x_acs_retry_after() {
    let s = standin();
    s.push_fault(
        Fault::api_error(
            400,
            "Throttling.User",
            "Request was denied due to user flow control.",
        )
        .with_header("x-acs-retry-after", "1200"),
    );
    let (run, elapsed) = publish(&s.url(), &[("INPUT_TIMEOUT", "20s")]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let got = s.publishes();
    assert_eq!(got.len(), 2);
    assert!(
        got[1].received_at_ms - got[0].received_at_ms >= 1200,
        "waited {} ms",
        got[1].received_at_ms - got[0].received_at_ms
    );
    assert_contains(&run.stdout, &["(Throttling.User)", "retrying in 1.2 s"]);
    assert!(elapsed < Duration::from_secs(20));
}

#[test]
fn retry_after_beyond_the_deadline_stops_at_once() {
    let s = standin();
    s.push_fault(
        Fault::api_error(400, "Throttling", "Request was denied due to flow control.")
            .with_header("x-acs-retry-after", "60000"),
    );
    let (run, elapsed) = publish(&s.url(), &[("INPUT_TIMEOUT", "5s")]);
    assert_eq!(run.code, 1);
    let (title, text) = single_error(&run);
    assert_eq!(title, "Throttling");
    assert_contains(&text, &["1 attempt;", "deadline", "Wait a little"]);
    assert_eq!(s.publishes().len(), 1);
    assert!(elapsed < Duration::from_secs(5));
}

/// The one warning of a publish whose answer was lost and which the status confirmed.
fn answer_lost_warning(run: &Run) -> String {
    let warnings: Vec<_> = run
        .warnings()
        .into_iter()
        .filter(|w| w.properties.get("title").map(String::as_str) == Some("AnswerLost"))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", run.stdout);
    warnings[0].data.clone()
}

/// A lost answer that the status settled: success, one publish, no RequestId, a warning.
fn assert_settled_as_published(s: &StandIn, run: &Run, lost: &[&str]) {
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(
        s.publishes().len(),
        1,
        "a publish that took effect is not repeated"
    );
    assert_eq!(s.applied_publishes(), 1);
    let warning = answer_lost_warning(run);
    assert_contains(
        &warning,
        &[
            "the answer to the publish of ver-879626371616510001",
            "confirms it took effect",
            "new PublishTime",
            "RequestId is unknown",
        ],
    );
    assert_contains(&warning, lost);
    assert_eq!(
        run.outputs()["request-id"],
        "",
        "a RequestId is never invented"
    );
    assert_contains(
        &run.summary,
        &[
            "published",
            "RequestId | unknown: the publish's answer was lost",
        ],
    );
}

#[test]
fn a_proxys_html_502_after_the_publish_arrived_is_settled_by_the_status() {
    let s = standin();
    s.push_faults(
        Fault::respond(
            502,
            "text/html",
            "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
        ),
        5,
    );
    let (run, _) = publish(&s.url(), &[]);
    assert_settled_as_published(&s, &run, &["UnexpectedResponse", "502 Bad Gateway"]);
}

#[test]
fn a_200_that_is_not_json_is_an_error() {
    let s = standin();
    s.push_fault(Fault::respond(200, "text/plain", "Service OK"));
    let (run, _) = publish(&s.url(), &[]);
    assert_eq!(run.code, 1);
    let (title, text) = single_error(&run);
    assert_eq!(title, "UnexpectedResponse");
    assert_contains(&text, &["HTTP 200", "not the expected JSON", "Service OK"]);
    assert_eq!(s.publishes().len(), 1);
}

#[test]
fn a_200_over_one_mebibyte_is_refused() {
    let s = standin();
    s.push_fault(Fault::respond(
        200,
        "application/json",
        format!("{{\"RequestId\":\"{}\"}}", "x".repeat(3 << 20)),
    ));
    let (run, _) = publish(&s.url(), &[]);
    assert_eq!(run.code, 1);
    let (title, text) = single_error(&run);
    assert_eq!(title, "AnswerTooLarge");
    assert_contains(
        &text,
        &["HTTP 200", "larger than the 1024 KiB esa-publish reads"],
    );
    assert_eq!(s.publishes().len(), 1);
}

#[test]
fn a_read_timeout_after_sending_is_settled_by_the_status() {
    let s = standin();
    s.push_faults(Fault::Hang, 5);
    let (run, elapsed) = publish(&s.url(), &[("INPUT_TIMEOUT", "2s")]);
    assert_settled_as_published(&s, &run, &["Timeout", "within the 2 s deadline"]);
    assert!(
        elapsed >= Duration::from_secs(2) && elapsed < Duration::from_secs(8),
        "{elapsed:?}"
    );
}

#[test]
fn a_server_that_never_answers_hits_the_deadline() {
    let s = standin();
    s.push_faults_on("GetEdgeContainerAppStatus", Fault::Hang, 5);
    let (run, elapsed) = publish(&s.url(), &[("INPUT_TIMEOUT", "2s")]);
    assert_eq!(run.code, 1);
    let (title, text) = single_error(&run);
    assert_eq!(title, "Timeout");
    assert_contains(&text, &["within the 2 s deadline"]);
    assert!(s.publishes().is_empty(), "nothing is published unlocked");
    assert!(
        elapsed >= Duration::from_secs(2) && elapsed < Duration::from_secs(6),
        "{elapsed:?}"
    );
}

#[test]
fn an_answer_dropped_after_the_publish_was_applied_is_settled_by_the_status() {
    let s = standin();
    s.push_faults(Fault::CutOff, 5);
    let (run, elapsed) = publish(&s.url(), &[]);
    assert_settled_as_published(&s, &run, &["NetworkError", "no complete answer"]);
    assert!(elapsed < Duration::from_secs(10));
}

#[test]
fn a_reset_before_the_publish_arrived_is_sent_again_after_the_settle_reads() {
    let s = standin();
    s.push_fault(Fault::Reset);
    let (run, _) = publish(&s.url(), &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(s.publishes().len(), 2, "sent, reset, then sent again");
    assert_eq!(s.applied_publishes(), 1, "exactly one publish took effect");
    assert_contains(
        &run.stdout,
        &[
            "two readings of the app's status",
            "show no sign of it, so it did not take effect: sending it again (attempt 2 of 4)",
        ],
    );
    assert!(run.warnings().is_empty(), "{}", run.stdout);
    // The re-sent publish answered: its RequestId is the output.
    assert_eq!(run.outputs()["request-id"], s.publishes()[1].request_id);
    // Between the two publishes: the two settle readings of the status.
    let actions: Vec<String> = s
        .requests()
        .into_iter()
        .map(|r| r.action.unwrap_or_default())
        .collect();
    assert_eq!(
        actions,
        [
            "GetEdgeContainerAppVersion",
            "GetEdgeContainerAppStatus",
            "PublishEdgeContainerAppVersion",
            "GetEdgeContainerAppStatus",
            "GetEdgeContainerAppStatus",
            "PublishEdgeContainerAppVersion",
            // Then where it runs: the app's domain (prod: no staging addresses).
            "GetEdgeContainerApp"
        ]
    );
}

#[test]
fn a_re_send_counts_against_max_attempts() {
    let s = standin();
    s.push_fault(Fault::Reset);
    let (run, _) = publish(&s.url(), &[("INPUT_MAX-ATTEMPTS", "1")]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let (title, text) = single_error(&run);
    assert_eq!(title, "NetworkError");
    assert_contains(&text, &["may have reached the service", "publish status"]);
    assert_contains(
        &run.stdout,
        &["no attempt or time is left to send it again"],
    );
    assert_eq!(s.publishes().len(), 1);
    assert_eq!(s.applied_publishes(), 0);
}

#[test]
fn a_status_that_cannot_be_read_leaves_todays_error() {
    let s = standin();
    s.push_faults(Fault::CutOff, 5);
    // The lock's reading passes; the settle reading is refused.
    s.push_faults_on_after(
        "GetEdgeContainerAppStatus",
        1,
        Fault::api_error(
            403,
            "Forbidden.RAM",
            "You are not authorized to do this action.",
        ),
        5,
    );
    let (run, _) = publish(&s.url(), &[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let (title, text) = single_error(&run);
    assert_eq!(title, "NetworkError");
    assert_contains(
        &text,
        &[
            "no complete answer",
            "may have reached the service",
            "check the application's publish status",
        ],
    );
    assert_contains(
        &run.stdout,
        &["could not be read to settle it", "Forbidden.RAM"],
    );
    assert_eq!(s.publishes().len(), 1, "never re-sent without a reading");
}

#[test]
fn a_dns_failure_is_retried_then_reported() {
    let (run, elapsed) = publish(
        "https://esa.nonexistent.invalid",
        &[("INPUT_MAX-ATTEMPTS", "2"), ("INPUT_TIMEOUT", "20s")],
    );
    assert_eq!(run.code, 1);
    let (title, text) = single_error(&run);
    assert!(title == "NetworkError" || title == "Timeout", "{title}");
    assert_contains(&text, &["esa.nonexistent.invalid", "2 attempts"]);
    assert!(elapsed < Duration::from_secs(20));
}

#[test]
fn a_self_signed_certificate_is_refused_never_bypassed() {
    let s = StandIn::start_tls_self_signed(Config::default()).unwrap();
    assert!(s.url().starts_with("https://127.0.0.1:"));
    let (run, elapsed) = publish(&s.url(), &[]);
    assert_eq!(run.code, 1);
    let (title, text) = single_error(&run);
    assert_eq!(title, "CertificateRejected");
    assert_contains(
        &text,
        &[
            "invalid peer certificate: UnknownIssuer",
            "always verifies",
            "1 attempt;",
        ],
    );
    assert!(
        s.publishes().is_empty(),
        "nothing got through the handshake"
    );
    assert!(elapsed < Duration::from_secs(10));
}

#[test]
fn plain_http_to_a_remote_host_is_refused_before_connecting() {
    let (run, _) = publish("http://esa.cn-hangzhou.aliyuncs.com", &[]);
    assert_eq!(run.code, 1);
    let (title, text) = single_error(&run);
    assert_eq!(title, "InvalidParameter");
    assert_contains(
        &text,
        &[
            "`endpoint`",
            "only allowed for a loopback host",
            "unencrypted",
        ],
    );
}

#[test]
fn debug_logs_show_each_attempt_with_signature_and_token_redacted() {
    let s = standin();
    s.push_fault(Fault::api_error(500, "InternalError", "try again"));
    let (run, _) = publish(&s.url(), &[("INPUT_SIGNATURE-VERSION", "v2")]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let debug: Vec<_> = run
        .commands()
        .into_iter()
        .filter(|c| c.name == "debug" && c.data.contains("Action=PublishEdgeContainerAppVersion"))
        .collect();
    assert_eq!(debug.len(), 2, "one line per attempt: {debug:?}");
    for line in &debug {
        assert_contains(
            &line.data,
            &[
                "POST http://127.0.0.1",
                "Signature=***",
                "SecurityToken=***",
                "AccessKeyId=LTAI",
            ],
        );
    }
}

#[test]
fn settled_re_sends_that_use_up_max_attempts_count_every_attempt() {
    let s = standin();
    s.push_faults(Fault::Reset, 3);
    let (run, _) = publish(
        &s.url(),
        &[
            ("INPUT_MAX-ATTEMPTS", "3"),
            ("INPUT_POLL-INTERVAL", "100ms"),
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_contains(&run.stdout, &["(attempt 3 of 3)"]);
    let (_, text) = single_error(&run);
    assert_contains(&text, &["[3 attempts;", "may have reached the service"]);
    assert!(!text.contains("1 attempt"), "{text}");
    assert_eq!(s.publishes().len(), 3);
}

#[test]
fn retry_after_on_a_refusal_is_a_retry_never_a_lost_answer() {
    let s = standin();
    s.push_fault(
        Fault::api_error(400, "InvalidParameter", "come back later")
            .with_header("x-acs-retry-after", "1200"),
    );
    let (run, _) = publish(&s.url(), &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    // The first backoff's jitter is below 0.5 s, so the wait is the header's.
    assert_contains(
        &run.stdout,
        &["attempt 1/4 failed (InvalidParameter)", "retrying in 1.2 s"],
    );
    assert!(
        !run.stdout.contains("was lost") && run.warnings().is_empty(),
        "a refusal is not ambiguous: {}",
        run.stdout
    );
    assert_eq!(s.publishes().len(), 2);
}
