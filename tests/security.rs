//! The security review's findings, end to end: text from the service or a version name can never become a command in the runner's legacy `##[` form either, a dry run never prints a container's secrets, exported credentials are masked on any GitHub runner, endpoints outside Alibaba Cloud are named in a warning, an oversized spec file is refused, and a runner file that cannot be written after a publish does not fail the step.

mod support;

use esa_standin::versions::{container, Version};
use esa_standin::{Account, Config, Fault, Oidc, StandIn, DEMO_APP_ID};
use serde_json::json;
use support::{assert_no_forged_commands, run_against, Run, COMMIT, REPOSITORY};

const BASE: &str = "ver-000000000000000077";
const IMAGE: &str = "registry.example.com/shop/web:2.0.0";

fn with_base(name: &str, containers: serde_json::Value) -> Config {
    let mut config = Config::default();
    config
        .versions
        .push(Version::existing(DEMO_APP_ID, BASE, name, containers));
    config
}

/// A run on GitHub against the stand-in, polling fast; `extra` replaces or adds variables.
fn run(s: &StandIn, extra: &[(&str, &str)]) -> Run {
    let mut vars = vec![
        ("INPUT_PUBLISH-ENV", "staging"),
        REPOSITORY,
        COMMIT,
        ("GITHUB_RUN_ID", "4242"),
    ];
    vars.extend_from_slice(extra);
    run_against(&s.url(), &vars)
}

#[test]
fn a_retried_server_message_cannot_set_an_output_in_the_legacy_form() {
    let s = StandIn::start(Config::default()).unwrap();
    s.push_fault(Fault::api_error(
        503,
        "ServiceUnavailable",
        "busy ##[set-output name=rollback-request-id;]FORGED",
    ));
    let r = run(&s, &[("INPUT_VERSION-ID", "ver-879626371616510001")]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout
            .contains("attempt 1/4 failed (ServiceUnavailable): busy #"),
        "the retry is logged: {}",
        r.stdout
    );
    assert_no_forged_commands(&r);
    assert!(!r.outputs().contains_key("rollback-request-id"));
}

#[test]
fn a_base_version_name_cannot_set_an_output_in_the_legacy_form() {
    let name = "rel ##[set-output name=previous-version;]FORGED";
    let s = StandIn::start(with_base(name, json!([container("web", IMAGE)]))).unwrap();
    let r = run(
        &s,
        &[
            ("INPUT_IMAGE", "registry.example.com/shop/web:3"),
            ("INPUT_BASE-VERSION", BASE),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout.contains(&format!("copying {BASE} (`rel #")),
        "{}",
        r.stdout
    );
    assert_no_forged_commands(&r);
}

#[test]
fn stop_commands_in_a_version_name_cannot_silence_the_error() {
    let mut config = with_base("rel ##[stop-commands]tok", json!([container("web", IMAGE)]));
    config.failing_images = vec!["registry.example.com/shop/web:broken".into()];
    let s = StandIn::start(config).unwrap();
    let r = run(
        &s,
        &[
            ("INPUT_IMAGE", "registry.example.com/shop/web:broken"),
            ("INPUT_BASE-VERSION", BASE),
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_no_forged_commands(&r);
    let errors = r.errors();
    assert_eq!(
        errors.len(),
        1,
        "the error still reaches the runner: {}",
        r.stdout
    );
    assert_eq!(errors[0].properties["title"], "VersionFailed");
}

#[test]
fn a_dry_run_never_prints_a_containers_secrets() {
    let mut web = container("web", IMAGE);
    web["EnvVariables"] = json!("DB_PASSWORD=CANARY-env-5e6f,MODE=prod");
    web["Args"] = json!("--token CANARY-arg-77");
    web["ProbeContent"]["HttpHeaders"] = json!("Authorization: Bearer CANARY-hdr-1a");
    let s = StandIn::start(with_base("base-with-secrets", json!([web]))).unwrap();
    let r = run(
        &s,
        &[
            ("INPUT_IMAGE", "registry.example.com/shop/web:3"),
            ("INPUT_BASE-VERSION", BASE),
            ("INPUT_DRY-RUN", "true"),
            ("RUNNER_DEBUG", "1"),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(!r.everything().contains("CANARY-"), "{}", r.everything());
    for shown in [
        "DB_PASSWORD=***",
        "MODE=***",
        "Authorization:***",
        "registry.example.com/shop/web:3",
    ] {
        assert!(r.stdout.contains(shown), "missing {shown}: {}", r.stdout);
    }
    assert!(
        s.requests_of("CreateEdgeContainerAppVersion").is_empty(),
        "a dry run never writes"
    );
}

const STS_SECRET: &str = "CANARY-sts-secret-2c9d";
const STS_TOKEN: &str = "CANARY-sts-token-4e1f";

fn keyless_standin() -> StandIn {
    StandIn::start(Config {
        oidc: Some(Oidc {
            bearer: "CANARY-bearer-77aa".into(),
            id_token: "eyJ.CANARY-idtoken-3b.sig".into(),
            audience: None,
            role_arn: "acs:ram::1:role/r".into(),
            provider_arn: "acs:ram::1:oidc-provider/github".into(),
            issued: Account {
                access_key_id: "STS.CANARYid5d".into(),
                access_key_secret: STS_SECRET.into(),
                security_token: Some(STS_TOKEN.into()),
            },
        }),
        ..Config::default()
    })
    .unwrap()
}

#[test]
fn exported_credentials_are_masked_on_a_github_runner_in_any_reporting_mode() {
    let s = keyless_standin();
    let url = s.url();
    let id_url = format!("{url}/_github/idtoken?api-version=2.0");
    for system in ["plain", "gitlab", "github"] {
        let r = run(
            &s,
            &[
                ("INPUT_VERSION-ID", "ver-879626371616510001"),
                ("INPUT_ACCESS-KEY-ID", ""),
                ("INPUT_ACCESS-KEY-SECRET", ""),
                ("INPUT_ROLE-ARN", "acs:ram::1:role/r"),
                ("INPUT_OIDC-PROVIDER-ARN", "acs:ram::1:oidc-provider/github"),
                ("INPUT_STS-ENDPOINT", &url),
                ("INPUT_EXPORT-CREDENTIALS", "true"),
                ("INPUT_CI-SYSTEM", system),
                ("ACTIONS_ID_TOKEN_REQUEST_URL", &id_url),
                ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "CANARY-bearer-77aa"),
            ],
        );
        assert_eq!(r.code, 0, "{system}: {}", r.stdout);
        assert!(r.env_file.contains(STS_SECRET), "{system}: exported");
        let masked = r.masked();
        for value in ["STS.CANARYid5d", STS_SECRET, STS_TOKEN] {
            assert!(
                masked.iter().any(|m| m == value),
                "{system}: {value} unmasked:\n{}",
                r.stdout
            );
        }
    }
}

fn outside_warnings(r: &Run) -> Vec<String> {
    r.warnings()
        .into_iter()
        .filter(|w| {
            w.properties.get("title").map(String::as_str) == Some("EndpointOutsideAlibabaCloud")
        })
        .map(|w| w.data)
        .collect()
}

#[test]
fn endpoints_outside_alibaba_cloud_are_named_in_a_warning_even_in_a_dry_run() {
    let s = StandIn::start(Config::default()).unwrap();
    let dry = [
        ("INPUT_VERSION-ID", "ver-879626371616510001"),
        ("INPUT_DRY-RUN", "true"),
    ];
    let r = run(
        &s,
        &[
            &dry[..],
            &[
                ("INPUT_ENDPOINT", "esa.example.com"),
                ("INPUT_SIGNATURE-VERSION", "v2"),
            ],
        ]
        .concat(),
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    let w = outside_warnings(&r);
    assert_eq!(w.len(), 1, "{}", r.stdout);
    assert!(
        w[0].contains("`esa.example.com`") && w[0].contains("replay"),
        "{}",
        w[0]
    );
    assert!(r.summary.contains("dry run"));

    let r = run(
        &s,
        &[
            &dry[..],
            &[
                ("INPUT_ACCESS-KEY-ID", ""),
                ("INPUT_ACCESS-KEY-SECRET", ""),
                ("INPUT_ROLE-ARN", "acs:ram::1:role/r"),
                ("INPUT_OIDC-PROVIDER-ARN", "acs:ram::1:oidc-provider/github"),
                ("INPUT_STS-ENDPOINT", "https://sts.example.net"),
                ("ACTIONS_ID_TOKEN_REQUEST_URL", "https://token.example/x"),
                ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "bearer"),
            ],
        ]
        .concat(),
    );
    let w = outside_warnings(&r);
    assert_eq!(w.len(), 1, "{}", r.stdout);
    assert!(
        w[0].contains("`sts.example.net`") && w[0].contains("GitHub ID token"),
        "{}",
        w[0]
    );

    for fine in [
        "esa.cn-hangzhou.aliyuncs.com",
        "ESA.ap-southeast-1.ALIYUNCS.COM",
        "http://localhost:1",
    ] {
        let r = run(&s, &[&dry[..], &[("INPUT_ENDPOINT", fine)]].concat());
        assert!(outside_warnings(&r).is_empty(), "{fine}: {}", r.stdout);
    }
    assert!(
        s.requests().is_empty(),
        "dry runs with version-id read nothing"
    );
}

#[test]
fn a_spec_file_over_one_mebibyte_is_refused_and_nothing_is_sent() {
    let s = StandIn::start(Config::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spec.json");
    let padding = " ".repeat(3 << 20);
    std::fs::write(&path, format!("[{}]{padding}", container("web", IMAGE))).unwrap();
    let r = run(&s, &[("INPUT_VERSION-SPEC", path.to_str().unwrap())]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let errors = r.errors();
    assert_eq!(errors.len(), 1, "{}", r.stdout);
    assert!(
        errors[0].data.contains("`version-spec`") && errors[0].data.contains("larger than 1 MiB"),
        "{}",
        errors[0].data
    );
    assert!(s.requests().is_empty());
}

#[test]
fn a_summary_that_cannot_be_written_after_the_publish_is_a_warning_not_a_failure() {
    let s = StandIn::start(Config::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().to_str().unwrap().to_string();
    let r = run(
        &s,
        &[
            ("INPUT_VERSION-ID", "ver-879626371616510001"),
            ("GITHUB_STEP_SUMMARY", &summary),
        ],
    );
    assert_eq!(r.code, 0, "a re-run would publish again: {}", r.stdout);
    assert_eq!(s.publishes().len(), 1);
    assert!(r.errors().is_empty(), "{}", r.stdout);
    let w: Vec<_> = r
        .warnings()
        .into_iter()
        .filter(|w| w.properties["title"] == "RunnerFileError")
        .collect();
    assert_eq!(w.len(), 1, "{}", r.stdout);
    assert!(w[0].data.contains("GITHUB_STEP_SUMMARY"), "{}", w[0].data);
    assert!(!r.outputs()["request-id"].is_empty());
}
