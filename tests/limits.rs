//! The host's limits, end to end through the runner emulation: the worst-case job summary stays under its budget with the chart and the reason intact; an answer too large is named as such (and a log is read again with fewer lines); `SSL_CERT_FILE` naming a path the container lacks falls back to the image's bundle with one warning, and one that exists is used; 15 input problems are 10 annotations with the count; GitLab's dotenv report keeps within 5120 bytes and 20 variables.

mod support;

use esa_hosts::container;
use esa_standin::app_server::{test_ca_file, Answer, AppServer};
use esa_standin::versions::{container, Version};
use esa_standin::DEMO_APP_ID;
use esa_standin::{AppFacts, Config, Fault, StandIn, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET};
use serde_json::json;
use support::{run_against, run_on, Host, Run};

const CRASHING: &str = "registry.example.com/shop/web:broken";

/// The budget the summary must keep: half the runner's 1 MiB.
const SUMMARY_BUDGET: usize = 512 * 1024;

/// A staging deploy of an image that crash-loops, followed, with the app's log asked for.
fn crash(s: &StandIn, lines: &str) -> Run {
    run_against(
        &s.url(),
        &[
            ("INPUT_IMAGE", CRASHING),
            ("INPUT_PUBLISH-ENV", "staging"),
            ("INPUT_WAIT", "true"),
            ("INPUT_LOGS-ON-FAILURE", lines),
        ],
    )
}

fn standin(log: Vec<String>) -> StandIn {
    StandIn::start(Config {
        crashing_images: vec![CRASHING.into()],
        app: AppFacts {
            vips: vec!["127.0.0.1".into()],
            log,
            ..AppFacts::default()
        },
        ..Config::default()
    })
    .unwrap()
}

#[test]
fn the_worst_case_summary_stays_under_budget_with_the_chart_and_the_reason() {
    // 5000 lines of 500 characters that escaping makes 4 to 5 bytes each: 2.5 MB to read,
    // over 10 MB escaped.
    let mut log: Vec<String> = (0..4999)
        .map(|i| format!("{i:05} {}", "&<>".repeat(165)))
        .collect();
    log.push("LAST-LINE &<>".into());
    let s = standin(log);
    let r = crash(&s, "5000");
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(r.errors()[0].properties["title"], "ContainerCrashLoop");
    let size = r.summary.len();
    eprintln!("summary: {size} bytes");
    assert!(size <= SUMMARY_BUDGET, "{size} bytes");
    for kept in [
        "#### Why it failed",
        "CrashLoopBackOff",
        "```mermaid",
        "#### Timeline",
        "are cut to keep the job summary under the runner's 1 MiB limit, and the last",
        "LAST-LINE &amp;&lt;&gt;",
    ] {
        assert!(r.summary.contains(kept), "no {kept:?} in the summary");
    }
    // The log's answer was too large: asked again for fewer lines, once.
    let asked: Vec<String> = s
        .requests_of("GetEdgeContainerLogs")
        .iter()
        .map(|q| q.query_params["Lines"].clone())
        .collect();
    assert_eq!(asked.len(), 2, "{asked:?}");
    assert_eq!(asked[0], "5000");
    let fewer: u32 = asked[1].parse().unwrap();
    assert!((1000..3000).contains(&fewer), "{fewer}");
    let said = "the app's last 5000 log lines are too large an answer to read (";
    assert!(r.stdout.contains(said), "{}", &r.stdout[..2000]);
    assert!(
        r.stdout
            .contains(&format!(" KiB); reading its last {fewer} instead")),
        "{}",
        &r.stdout[..2000]
    );
}

/// An answer that declares no length (chunked, as a gateway may send it) is measured, so the
/// second ask is by its size and fits: the log is shown.
#[test]
fn a_log_answer_of_no_declared_length_is_measured_and_the_second_ask_fits() {
    let log: Vec<String> = (0..5000)
        .map(|i| format!("{i:05} {}", "x".repeat(600)))
        .collect();
    let s = StandIn::start(Config {
        crashing_images: vec![CRASHING.into()],
        chunked: true,
        app: AppFacts {
            vips: vec!["127.0.0.1".into()],
            log,
            ..AppFacts::default()
        },
        ..Config::default()
    })
    .unwrap();
    let r = crash(&s, "5000");
    assert_eq!(r.code, 1, "{}", r.stdout);
    let asked: Vec<u32> = s
        .requests_of("GetEdgeContainerLogs")
        .iter()
        .map(|q| q.query_params["Lines"].parse().unwrap())
        .collect();
    // About 3 MiB for 5000 lines: some 1250 lines fit in 768 KiB (an eighth, 625, without
    // the measure).
    assert_eq!(asked.len(), 2, "{asked:?}");
    assert!((1000..1400).contains(&asked[1]), "{asked:?}");
    assert!(
        r.stdout.contains("(2974 KiB); reading its last"),
        "{}",
        r.stdout
    );
    assert!(
        r.summary.contains("04999 xxx"),
        "the log's last line is shown"
    );
}

#[test]
fn an_answer_too_large_is_named_as_such_and_not_blamed_on_a_permission() {
    let s = standin(vec!["one line".into()]);
    let huge = json!({"RequestId": "R-HUGE", "Items": ["x".repeat(2 * 1024 * 1024)]});
    s.push_faults_on(
        "GetEdgeContainerLogs",
        Fault::respond(200, "application/json", huge.to_string()),
        2,
    );
    let r = crash(&s, "50");
    assert_eq!(r.code, 1, "{}", r.stdout);
    // Said once for each ask: too large, fewer asked; still too large, not shown.
    assert!(
        r.stdout.contains("the app's last 50 log lines are too large an answer to read (2049 KiB); reading its last 18 instead"),
        "{}",
        r.stdout
    );
    let still = "the app's last 18 log lines are still too large an answer to read (2049 KiB), so the log is not shown";
    assert_eq!(r.stdout.matches(still).count(), 1, "{}", r.stdout);
    assert!(!r.stdout.contains("could not read the app's container log"));
    assert!(!r.stdout.contains("it needs `esa:GetEdgeContainerLogs`"));
    assert!(r.summary.contains(still), "{}", r.summary);
    // 50 lines were 2 MiB: 18 should fit in 768 KiB.
    let asked: Vec<String> = s
        .requests_of("GetEdgeContainerLogs")
        .iter()
        .map(|q| q.query_params["Lines"].clone())
        .collect();
    assert_eq!(asked, ["50", "18"]);
}

/// A staging deploy gated on an HTTPS health URL that only the test CA vouches for.
fn gated_over_tls(app: &AppServer, s: &StandIn, cert_vars: &[(&str, &str)]) -> support::Step {
    let url = format!("https://staging.shop.test:{}/healthz", app.port());
    let mut vars = vec![
        ("INPUT_APP-ID", DEMO_APP_ID),
        ("INPUT_ACCESS-KEY-ID", DEMO_ACCESS_KEY_ID),
        ("INPUT_ACCESS-KEY-SECRET", DEMO_ACCESS_KEY_SECRET),
        ("INPUT_POLL-INTERVAL", "100ms"),
        ("INPUT_VERSION-ID", "ver-879626371616510001"),
        ("INPUT_PUBLISH-ENV", "staging"),
        ("INPUT_WAIT", "true"),
        ("INPUT_STEP-WAIT", "0s"),
    ];
    vars.extend_from_slice(cert_vars);
    let endpoint = s.url();
    support::docker_step(&vars)
        .with("endpoint", &endpoint)
        .with("health-url", &url)
}

#[test]
fn an_ssl_cert_file_that_exists_is_used_without_a_warning() {
    let s = standin(vec![]);
    let app = AppServer::start(vec![Answer::Status(204, String::new())], true).unwrap();
    let ca = test_ca_file();
    let r = gated_over_tls(&app, &s, &[("SSL_CERT_FILE", ca.to_str().unwrap())])
        .run(&support::binary());
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.warnings().is_empty(), "{}", r.stdout);
    assert!(!app.seen().is_empty());
}

#[test]
fn an_ssl_cert_file_the_container_lacks_falls_back_to_the_images_bundle_with_one_warning() {
    let s = standin(vec![]);
    let app = AppServer::start(vec![Answer::Status(204, String::new())], true).unwrap();
    let missing = "/etc/pki/tls/certs/ca-bundle.crt";
    let step = gated_over_tls(&app, &s, &[("SSL_CERT_FILE", missing)]);
    let prepared = step.prepare(&support::binary());
    // The image's bundle is the test CA here: bound over the machine's in a private mount
    // namespace, so that the probe can only pass if the fallback reads it.
    let bundle = std::path::Path::new("/etc/ssl/certs/ca-certificates.crt");
    let r = match container::mounts_available() {
        Ok(()) if bundle.exists() => {
            let command = container::with_file(&prepared.command(), &test_ca_file(), bundle);
            let output = { command }.output().unwrap();
            prepared.finish(output)
        }
        why => {
            if std::env::var("ESA_PUBLISH_REQUIRE_NAMESPACES").as_deref() == Ok("1") {
                panic!("namespaces are required here, but: {why:?}");
            }
            eprintln!("the image's bundle is not swapped in ({why:?}): checking the warning only");
            let output = prepared.command().output().unwrap();
            let r = prepared.finish(output);
            assert_eq!(r.warnings().len(), 1, "{}", r.stdout);
            return;
        }
    };
    assert_eq!(r.code, 0, "{}", r.stdout);
    let warnings = r.warnings();
    assert_eq!(warnings.len(), 1, "{}", r.stdout);
    assert_eq!(warnings[0].properties["title"], "CertificatePathMissing");
    assert!(
        warnings[0].data.starts_with(&format!(
            "SSL_CERT_FILE names {missing}, which does not exist here"
        )) && warnings[0]
            .data
            .contains("using the image's own CA bundle instead"),
        "{}",
        warnings[0].data
    );
    assert!(!app.seen().is_empty(), "the probe never got through");
}

#[test]
fn fifteen_input_problems_are_ten_annotations_the_last_counting_the_rest() {
    let keys: Vec<(String, String)> = (1..=15)
        .map(|i| (format!("INPUT_BOGUS-{i:02}"), "x".to_string()))
        .collect();
    let mut vars: Vec<(&str, &str)> = keys.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    vars.extend([
        ("INPUT_PUBLISH-ENV", "staging"),
        ("INPUT_VERSION-ID", "ver-879626371616510001"),
    ]);
    let r = run_against("http://127.0.0.1:9", &vars);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let errors = r.errors();
    assert_eq!(errors.len(), 10, "{}", r.stdout);
    assert!(errors[..9]
        .iter()
        .all(|e| e.properties["title"] == "UnknownInput"));
    assert_eq!(errors[9].properties["title"], "MoreInputProblems");
    assert!(
        errors[9].data.starts_with("and 6 more input problems"),
        "{}",
        errors[9].data
    );
    for i in 1..=15 {
        let key = format!("`bogus-{i:02}`");
        assert!(r.stdout.contains(&key), "{key} is not in the log");
        assert!(
            r.summary.contains(&format!("bogus-{i:02}")),
            "{key} is not in the summary"
        );
    }
}

#[test]
fn gitlabs_dotenv_report_keeps_within_its_limits_after_hundreds_of_deletions() {
    let mut config = Config::default();
    let web = json!([container("web", "registry.example.com/shop/web:1.0.0")]);
    for i in 0..230 {
        let mut v = Version::existing(
            DEMO_APP_ID,
            &format!("ver-2{i:017}"),
            &format!("esa-publish-{i:03}"),
            web.clone(),
        );
        v.create_time = format!("2026-01-01T00:{:02}:{:02}Z", i / 60, i % 60);
        config.versions.push(v);
    }
    let s = StandIn::start(config).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dotenv = dir.path().join("publish.env");
    let url = s.url();
    let settings = [
        ("INPUT_APP_ID", DEMO_APP_ID),
        ("INPUT_VERSION_ID", "ver-200000000000000229"),
        ("INPUT_PUBLISH_ENV", "staging"),
        ("INPUT_WAIT", "true"),
        ("INPUT_POLL_INTERVAL", "100ms"),
        ("INPUT_KEEP_VERSIONS", "1"),
        ("INPUT_TIMEOUT", "600s"),
        ("INPUT_ACCESS_KEY_ID", DEMO_ACCESS_KEY_ID),
        ("INPUT_ACCESS_KEY_SECRET", DEMO_ACCESS_KEY_SECRET),
        ("INPUT_ENDPOINT", url.as_str()),
        ("INPUT_DOTENV_FILE", dotenv.to_str().unwrap()),
    ];
    let r = run_on(Host::GitLab, &settings, &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let deleted = s.requests_of("DeleteEdgeContainerAppVersion").len();
    assert!(deleted > 200, "{deleted}");
    let written = std::fs::read_to_string(&dotenv).unwrap();
    let variables = written.lines().filter(|l| !l.is_empty()).count();
    assert!(written.len() <= 5120 && variables <= 20, "{written}");
    assert!(written.contains("REQUEST_ID="), "{written}");
    assert!(!written.contains("DELETED_VERSIONS="), "{written}");
    assert!(
        r.stdout
            .contains("warning [DotenvTooLarge]: the output `deleted-versions`"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("dotenv DELETED_VERSIONS=[\"ver-2"));
}
