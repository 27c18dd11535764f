//! The health gate end to end: the real binary against the stand-in, probing a small web app on 127.0.0.1 that plays the deployed app (healthy, then unhealthy, then unreachable, or behind a certificate nobody trusts), and staging probed at the address the stand-in gives, by a URL whose host is a name that resolves nowhere.

mod support;

use esa_standin::app_server::{test_ca_file, Answer, AppServer};
use esa_standin::{AppFacts, Config, Initial, StandIn, INITIAL_VERSION};
use support::{assert_no_forged_commands, run_against, Run};

const VERSION: &str = "ver-000000000000000002";

fn standin(vips: &[&str]) -> StandIn {
    let mut config = Config {
        initial: Initial {
            deployed_version: INITIAL_VERSION.into(),
            ..Initial::default()
        },
        ..Config::default()
    };
    config.app = AppFacts {
        domain: "shop.example.com".into(),
        vips: vips.iter().map(|v| v.to_string()).collect(),
        ..AppFacts::default()
    };
    StandIn::start(config).unwrap()
}

/// A gated prod rollout in two steps, no bake: each gate probes three times, 100 ms apart.
fn gated(s: &StandIn, url: &str, extra: &[(&str, &str)]) -> Run {
    let mut vars = vec![
        ("INPUT_VERSION-ID", VERSION),
        ("INPUT_PUBLISH-ENV", "prod"),
        ("INPUT_PERCENTAGE-STEPS", "50,100"),
        ("INPUT_STEP-WAIT", "0s"),
        ("INPUT_HEALTH-URL", url),
        ("INPUT_ROLLBACK-ON-FAILURE", "true"),
    ];
    vars.extend_from_slice(extra);
    run_against(&s.url(), &vars)
}

fn health_url(app: &AppServer, scheme: &str, host: &str) -> String {
    format!("{scheme}://{host}:{}/healthz", app.port())
}

#[test]
fn a_healthy_app_passes_every_gate_and_the_summary_says_so() {
    let s = standin(&[]);
    let app = AppServer::start(vec![Answer::Status(200, "ok".into())], false).unwrap();
    let url = health_url(&app, "http", "127.0.0.1");
    let r = gated(&s, &url, &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(s.publishes().len(), 2);
    // Three probes a step (health-failures' default), the last step too.
    let seen = app.seen();
    assert_eq!(seen.len(), 6, "{seen:?}");
    assert!(seen
        .iter()
        .all(|v| v.path == "/healthz" && v.host == format!("127.0.0.1:{}", app.port())));
    assert!(
        r.stdout.contains("probe 3: 200 \"ok\" (healthy)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("step 2/2: healthy (3 probe(s))"),
        "{}",
        r.stdout
    );
    assert!(
        r.summary.contains("| Health | 6 probe(s) of"),
        "{}",
        r.summary
    );
}

#[test]
fn healthy_then_unhealthy_rolls_back_and_the_apps_text_stays_text() {
    let s = standin(&[]);
    let mut answers = vec![Answer::Status(200, "ok".into()); 3];
    answers.push(Answer::Status(
        503,
        "database down\n::error::forged\n##[set-output name=request-id;]FORGED".into(),
    ));
    let app = AppServer::start(answers, false).unwrap();
    let url = health_url(&app, "http", "127.0.0.1");
    let r = gated(&s, &url, &[]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let (title, text) = r.the_error();
    assert_eq!(title, "HealthCheckFailed");
    assert!(text.contains("step 2/2") && text.contains(&url), "{text}");
    assert!(text.contains("last: 503 \"database down"), "{text}");
    assert!(
        text.contains(&format!("Rolled back to {INITIAL_VERSION}")),
        "{text}"
    );
    // Step 1 passed its gate, step 2 failed its own: both were published, then rolled back.
    assert_eq!(s.publishes().len(), 2);
    assert_eq!(s.requests_of("RollbackEdgeContainerAppVersion").len(), 1);
    assert_eq!(r.outputs().get("request-id").map(String::len), Some(36));
    assert_no_forged_commands(&r);
    assert!(
        r.summary.contains("HealthCheckFailed at"),
        "the chart names it: {}",
        r.summary
    );
}

#[test]
fn an_unhealthy_first_step_never_publishes_the_next() {
    let s = standin(&[]);
    let app = AppServer::start(vec![Answer::Status(500, "boom".into())], false).unwrap();
    let r = gated(&s, &health_url(&app, "http", "127.0.0.1"), &[]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(r.the_error().0, "HealthCheckFailed");
    assert_eq!(s.publishes().len(), 1, "the 100% step must never go out");
    assert_eq!(app.seen().len(), 3);
}

#[test]
fn an_unreachable_app_fails_the_gate_with_the_connection_error() {
    let s = standin(&[]);
    // A port that nothing listens on any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/healthz");
    let r = gated(&s, &url, &[("INPUT_HEALTH-FAILURES", "2")]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let (title, text) = r.the_error();
    assert_eq!(title, "HealthCheckFailed");
    assert!(
        text.contains("2 probe(s)") && text.contains("could not connect"),
        "{text}"
    );
    assert_eq!(s.publishes().len(), 1);
}

#[test]
fn a_certificate_nobody_trusts_fails_the_gate_as_a_tls_error() {
    let s = standin(&[]);
    let app = AppServer::start(vec![Answer::Status(200, "ok".into())], true).unwrap();
    let r = gated(&s, &health_url(&app, "https", "localhost"), &[]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let (title, text) = r.the_error();
    assert_eq!(title, "HealthCheckFailed");
    assert!(text.contains("TLS failed"), "{text}");
    assert!(
        app.seen().is_empty(),
        "no request crossed an untrusted connection"
    );
    // An app that does not speak TLS at all is a TLS failure too, not a refused connection.
    let plain = AppServer::start(vec![Answer::Status(200, "ok".into())], false).unwrap();
    let r = gated(&s, &health_url(&plain, "https", "localhost"), &[]);
    assert!(r.the_error().1.contains("TLS failed"), "{}", r.stdout);
}

#[test]
fn staging_is_probed_at_its_own_address_with_the_urls_host_for_tls_and_host() {
    let s = standin(&["127.0.0.1"]);
    let app = AppServer::start(vec![Answer::Status(204, String::new())], true).unwrap();
    // `staging.shop.test` resolves nowhere: only the stand-in's VIP can reach the app.
    let url = health_url(&app, "https", "staging.shop.test");
    let ca = test_ca_file();
    let r = run_against(
        &s.url(),
        &[
            ("INPUT_VERSION-ID", VERSION),
            ("INPUT_PUBLISH-ENV", "staging"),
            ("INPUT_WAIT", "true"),
            ("INPUT_STEP-WAIT", "0s"),
            ("INPUT_HEALTH-URL", &url),
            ("SSL_CERT_FILE", ca.to_str().unwrap()),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    let seen = app.seen();
    assert_eq!(seen.len(), 3, "{seen:?}");
    for v in &seen {
        assert_eq!(v.host, format!("staging.shop.test:{}", app.port()));
        assert_eq!(v.server_name.as_deref(), Some("staging.shop.test"));
    }
    assert!(r.stdout.contains("at staging's 127.0.0.1"), "{}", r.stdout);
}

#[test]
fn staging_without_addresses_fails_the_gate_rather_than_skipping_it() {
    let s = standin(&[]);
    let r = run_against(
        &s.url(),
        &[
            ("INPUT_VERSION-ID", VERSION),
            ("INPUT_PUBLISH-ENV", "staging"),
            ("INPUT_WAIT", "true"),
            ("INPUT_HEALTH-URL", "https://staging.shop.test/healthz"),
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    let (title, text) = r.the_error();
    assert_eq!(title, "HealthCheckFailed");
    assert!(text.contains("no addresses (VIPs)"), "{text}");
}

#[test]
fn gate_mistakes_are_refused_before_anything_is_sent() {
    let s = standin(&[]);
    let cases: [(&[(&str, &str)], &str); 5] = [
        (
            &[
                ("INPUT_HEALTH-URL", "http://shop.example.com/healthz"),
                ("INPUT_WAIT", "true"),
            ],
            "plain http is only allowed",
        ),
        (
            &[("INPUT_HEALTH-URL", "https://shop.example.com/healthz")],
            "does not follow the rollout",
        ),
        (
            &[("INPUT_HEALTH-STATUS", "200"), ("INPUT_WAIT", "true")],
            "acts only with `health-url`",
        ),
        (
            &[
                ("INPUT_HEALTH-URL", "https://shop.example.com/h"),
                ("INPUT_WAIT", "true"),
                ("INPUT_HEALTH-STATUS", "2xx"),
            ],
            "not an HTTP status",
        ),
        (
            &[
                ("INPUT_HEALTH-URL", "https://203.0.113.9/healthz"),
                ("INPUT_WAIT", "true"),
                ("INPUT_PUBLISH-ENV", "staging"),
            ],
            "names an IP address",
        ),
    ];
    for (extra, says) in cases {
        let mut vars = vec![("INPUT_VERSION-ID", VERSION), ("INPUT_PUBLISH-ENV", "prod")];
        vars.extend_from_slice(extra);
        let r = run_against(&s.url(), &vars);
        assert_eq!(r.code, 1, "{extra:?}: {}", r.stdout);
        assert!(r.stdout.contains(says), "{extra:?}: {}", r.stdout);
    }
    assert!(s.requests().is_empty(), "nothing is sent");
}

#[test]
fn a_dry_run_prints_the_gates_plan() {
    let s = standin(&[]);
    let r = run_against(
        &s.url(),
        &[
            ("INPUT_VERSION-ID", VERSION),
            ("INPUT_PUBLISH-ENV", "staging"),
            ("INPUT_PERCENTAGE-STEPS", "50,100"),
            ("INPUT_HEALTH-URL", "https://staging.shop.test/healthz"),
            ("INPUT_DRY-RUN", "true"),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout.contains("health gate: after each step serves, GET https://staging.shop.test/healthz every 100ms for 5m at staging's own addresses"),
        "{}",
        r.stdout
    );
    assert!(s.publishes().is_empty());
}

/// The stand-in plays an unhealthy app too (`--health 503|flap`): its own health endpoint.
#[test]
fn the_stand_in_plays_a_failing_and_a_flapping_app() {
    for (health, failures, code) in [
        (esa_standin::AppHealth::Failing, "3", 1),
        (esa_standin::AppHealth::Flapping, "2", 0),
        (esa_standin::AppHealth::Healthy, "3", 0),
    ] {
        let s = StandIn::start(Config {
            health,
            initial: Initial {
                deployed_version: INITIAL_VERSION.into(),
                ..Initial::default()
            },
            ..Config::default()
        })
        .unwrap();
        let url = format!("{}/_app/healthz", s.url());
        let r = gated(&s, &url, &[("INPUT_HEALTH-FAILURES", failures)]);
        assert_eq!(r.code, code, "{health:?}: {}", r.stdout);
        if code == 1 {
            assert_eq!(r.the_error().0, "HealthCheckFailed");
            assert!(r.stdout.contains("503"), "{}", r.stdout);
        }
    }
}
