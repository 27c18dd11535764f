//! End to end: the real binary, with runner-style `INPUT_*` variables and temp files for `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY`, against the stand-in.

mod support;

use esa_standin::{
    Config, Fault, StandIn, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_APP_ID,
};
use support::run_binary;

/// The acceptance's Remarks: spaces, `*`, `+`, `~`, `&`, `=` and non-ASCII text.
const REMARKS: &str = "release 2 * 3 + x ~ a&b=c 发布 ünïcode";
const CANARY_SECRET: &str = "CANARY-secret-7f3a9c";

fn inputs<'a>(standin: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut vars = vec![
        ("INPUT_APP-ID", DEMO_APP_ID),
        ("INPUT_VERSION-ID", "ver-879626371616510001"),
        ("INPUT_PUBLISH-ENV", "staging"),
        ("INPUT_PERCENTAGE", "20"),
        ("INPUT_ACCESS-KEY-ID", DEMO_ACCESS_KEY_ID),
        ("INPUT_ACCESS-KEY-SECRET", DEMO_ACCESS_KEY_SECRET),
        ("INPUT_ENDPOINT", standin),
        // Every declared input is set by the runner; unset optional ones are empty.
        ("INPUT_START-TIME", ""),
        ("INPUT_REMARKS", ""),
        ("INPUT_PUBLISH-TYPE", ""),
        ("INPUT_REGIONS", ""),
        ("INPUT_FULL-RELEASE", ""),
        ("INPUT_SECURITY-TOKEN", ""),
        ("INPUT_REGION", "cn-hangzhou"),
        ("INPUT_SIGNATURE-VERSION", "v3"),
        ("INPUT_DRY-RUN", "false"),
    ];
    for (k, v) in extra {
        vars.retain(|(name, _)| name != k);
        vars.push((k, v));
    }
    vars
}

#[test]
fn publishes_with_v3_and_v2_and_the_standin_verifies_both() {
    let standin = StandIn::start(Config::default()).unwrap();
    let url = standin.url();
    for version in ["v3", "v2"] {
        let run = run_binary(&inputs(
            &url,
            &[
                ("INPUT_SIGNATURE-VERSION", version),
                ("INPUT_REMARKS", REMARKS),
            ],
        ));
        assert_eq!(run.code, 0, "{version}: {}\n{}", run.stdout, run.stderr);
        let got = standin.publishes().pop().unwrap();
        assert_eq!(
            (got.status, got.signature_method.as_deref()),
            (200, Some(version)),
            "{:?}",
            got.code
        );
        assert_eq!(got.body_params["Remarks"], REMARKS, "Remarks arrive intact");
        assert_eq!(run.outputs()["request-id"], got.request_id);
        assert!(
            run.summary.contains(&got.request_id) && run.summary.contains("published"),
            "{}",
            run.summary
        );
        assert!(
            run.stdout
                .contains(&format!("RequestId {}", got.request_id)),
            "{}",
            run.stdout
        );
        assert!(
            run.errors().is_empty() && run.warnings().is_empty(),
            "{}",
            run.stdout
        );
    }
}

#[test]
fn a_region_publish_sends_the_regions_as_one_json_string() {
    let standin = StandIn::start(Config::default()).unwrap();
    let run = run_binary(&inputs(
        &standin.url(),
        &[
            ("INPUT_PUBLISH-TYPE", "region"),
            ("INPUT_REGIONS", "jiangsu\nzhejiang\n"),
            ("INPUT_FULL-RELEASE", "true"),
            ("INPUT_START-TIME", "2099-01-01T08:00:00+08:00"),
        ],
    ));
    assert_eq!(run.code, 0, "{}", run.stdout);
    let got = &standin.publishes()[0];
    assert_eq!(got.query_params["Regions"], r#"["jiangsu","zhejiang"]"#);
    assert_eq!(got.query_params["PublishType"], "region");
    assert_eq!(got.query_params["FullRelease"], "true");
    assert_eq!(got.body_params["StartTime"], "2099-01-01T00:00:00Z");
}

#[test]
fn a_region_the_app_cannot_deploy_to_is_refused_before_anything_is_published() {
    let standin = StandIn::start(Config::default()).unwrap();
    let run = run_binary(&inputs(
        &standin.url(),
        &[
            ("INPUT_PUBLISH-TYPE", "region"),
            ("INPUT_REGIONS", "jiangsu,mars"),
        ],
    ));
    assert_eq!(run.code, 1, "{}", run.stdout);
    let errors = run.errors();
    assert_eq!(errors[0].properties["title"], "RegionNotDeployable");
    assert!(
        errors[0].data.contains("`regions` names `mars` that")
            && errors[0]
                .data
                .contains("it can deploy to: beijing, guangdong, jiangsu"),
        "{}",
        errors[0].data
    );
    assert!(standin.publishes().is_empty());
    assert_eq!(
        standin.requests_of("GetEdgeContainerDeployRegions").len(),
        1
    );
}

#[test]
fn each_validation_failure_sends_nothing_and_names_its_input() {
    let standin = StandIn::start(Config::default()).unwrap();
    let url = standin.url();
    let table: &[(&str, &str, &str)] = &[
        (
            "INPUT_PUBLISH-ENV",
            "production",
            "InvalidParameter.PublishEnv",
        ),
        ("INPUT_PERCENTAGE", "0", "InvalidParameter.Percentage"),
        (
            "INPUT_VERSION-ID",
            "879626371616510001",
            "InvalidParameter.VersionId",
        ),
        (
            "INPUT_APP-ID",
            "880688675783790001",
            "InvalidParameter.appid",
        ),
        ("INPUT_PUBLISH-TYPE", "blue-green", "InvalidParameter"),
        ("INPUT_FULL-RELEASE", "yes", "InvalidParameter"),
        ("INPUT_START-TIME", "tomorrow", "InvalidParameter"),
        ("INPUT_SIGNATURE-VERSION", "v1", "InvalidParameter"),
        ("INPUT_ACCESS-KEY-SECRET", "", "InvalidParameter"),
        ("INPUT_APP-ID", "", "InvalidParameter.appid"),
    ];
    for (var, value, code) in table {
        let run = run_binary(&inputs(&url, &[(var, value)]));
        assert_eq!(run.code, 1, "{var}={value}");
        let errors = run.errors();
        assert_eq!(errors.len(), 1, "{var}={value}: {}", run.stdout);
        let input = var.trim_start_matches("INPUT_").to_ascii_lowercase();
        assert_eq!(errors[0].properties["title"], *code, "{var}={value}");
        assert!(
            errors[0].data.contains(&format!("`{input}`")),
            "{var}: {}",
            errors[0].data
        );
        assert!(run.summary.contains("failed"), "{}", run.summary);
    }
    // The region publish without regions, and non-https to a remote host.
    for extra in [
        [("INPUT_PUBLISH-TYPE", "region"), ("INPUT_REGIONS", "")],
        [
            ("INPUT_ENDPOINT", "http://esa.example.com"),
            ("INPUT_REGIONS", ""),
        ],
    ] {
        let run = run_binary(&inputs(&url, &extra));
        assert_eq!(
            (run.code, run.errors().len()),
            (1, 1),
            "{extra:?}: {}",
            run.stdout
        );
    }
    // Everything wrong at once: every problem is its own annotation.
    let run = run_binary(&inputs(
        &url,
        &[
            ("INPUT_PUBLISH-ENV", "x"),
            ("INPUT_PERCENTAGE", "200"),
            ("INPUT_VERSION-ID", "x"),
            ("INPUT_APP-ID", "x"),
        ],
    ));
    assert_eq!(run.errors().len(), 4, "{}", run.stdout);
    assert!(
        standin.requests().is_empty(),
        "the stand-in received nothing"
    );
}

#[test]
fn an_api_error_is_annotated_with_its_code_request_id_and_advice() {
    let standin = StandIn::start(Config::default()).unwrap();
    let run = run_binary(&inputs(
        &standin.url(),
        &[("INPUT_APP-ID", "app-000000000000000404")],
    ));
    assert_eq!(run.code, 1);
    // The publish lock's status read is the first call to meet the unknown app.
    let got = &standin.requests()[0];
    let errors = run.errors();
    assert_eq!(errors.len(), 1, "{}", run.stdout);
    assert_eq!(errors[0].properties["title"], "InvalidApp.NotFound");
    for part in [
        "The application does not exist",
        "HTTP 404",
        got.request_id.as_str(),
        "Check `app-id`",
    ] {
        assert!(
            errors[0].data.contains(part),
            "missing {part:?} in {}",
            errors[0].data
        );
    }
    assert_eq!(
        run.outputs()["request-id"],
        got.request_id,
        "the RequestId is an output even on failure"
    );
    assert!(run.summary.contains("InvalidApp.NotFound") && run.summary.contains(&got.request_id));
}

#[test]
fn a_wrong_secret_is_refused_and_never_printed() {
    let standin = StandIn::start(Config::default()).unwrap();
    for version in ["v3", "v2"] {
        let run = run_binary(&inputs(
            &standin.url(),
            &[
                ("INPUT_ACCESS-KEY-SECRET", CANARY_SECRET),
                ("INPUT_SIGNATURE-VERSION", version),
                ("RUNNER_DEBUG", "1"),
            ],
        ));
        assert_eq!(run.code, 1);
        assert_eq!(run.errors()[0].properties["title"], "SignatureDoesNotMatch");
        assert!(run.errors()[0].data.contains("access-key-secret"));
        assert!(
            !run.everything().contains(CANARY_SECRET),
            "{version}: the secret leaked"
        );
    }
}

#[test]
fn a_server_message_cannot_inject_workflow_commands() {
    let standin = StandIn::start(Config::default()).unwrap();
    let hostile = r#"{"Code":"Bad,Code:x","Message":"oops\n::error::injected\r\n::add-mask::x %0A::warning::y","RequestId":"id\n::set-output name=request-id::evil"}"#;
    standin.push_fault(Fault::respond(400, "application/json", hostile));
    let run = run_binary(&inputs(&standin.url(), &[]));
    assert_eq!(run.code, 1);
    let cmds = run.commands();
    assert_eq!(cmds.len(), 1, "exactly one command: {cmds:?}");
    assert_eq!(cmds[0].properties["title"], "Bad,Code:x");
    assert!(
        cmds[0].data.contains("oops\n::error::injected"),
        "the text round-trips as data"
    );
    let outputs = run.outputs();
    assert_eq!(
        outputs.keys().collect::<Vec<_>>(),
        [
            "credential-source",
            "previous-version",
            "request-id",
            "result",
            "skipped",
            "stopped-at",
            "version-created",
            "version-id",
            "version-name"
        ],
        "only the declared outputs"
    );
    assert_eq!(
        outputs["request-id"],
        "id\n::set-output name=request-id::evil"
    );
}

#[test]
fn a_proxy_page_is_reported_with_status_and_body() {
    // On the status read, so that no publish is settled (see tests/faults.rs for that).
    let standin = StandIn::start(Config::default()).unwrap();
    standin.push_faults_on(
        "GetEdgeContainerAppStatus",
        Fault::respond(
            502,
            "text/html",
            "<html><h1>502 Bad Gateway</h1>\n<p>nginx</p></html>",
        ),
        1,
    );
    let run = run_binary(&inputs(&standin.url(), &[("INPUT_MAX-ATTEMPTS", "1")]));
    assert_eq!(run.code, 1);
    let e = &run.errors()[0];
    assert_eq!(e.properties["title"], "UnexpectedResponse");
    assert!(
        e.data.contains("HTTP 502") && e.data.contains("502 Bad Gateway"),
        "{}",
        e.data
    );
}

#[test]
fn a_dry_run_signs_but_sends_nothing_and_prints_no_secret_or_signature() {
    let standin = StandIn::start(Config::default()).unwrap();
    for version in ["v3", "v2"] {
        let run = run_binary(&inputs(
            &standin.url(),
            &[
                ("INPUT_DRY-RUN", "true"),
                ("INPUT_ACCESS-KEY-SECRET", CANARY_SECRET),
                ("INPUT_SECURITY-TOKEN", "CANARY-token-91b2"),
                ("INPUT_SIGNATURE-VERSION", version),
                ("INPUT_REMARKS", REMARKS),
            ],
        ));
        assert_eq!(run.code, 0, "{}", run.stdout);
        let all = run.everything();
        assert!(
            !all.contains(CANARY_SECRET) && !all.contains("CANARY-token"),
            "{all}"
        );
        assert!(
            all.contains("string to sign") && all.contains("POST http://127.0.0.1"),
            "{all}"
        );
        assert!(
            all.contains("Signature=***"),
            "the signature is redacted: {all}"
        );
        assert!(run.summary.contains("dry run"));
    }
    // Without credentials, a placeholder signs, and the log says so.
    let run = run_binary(&inputs(
        &standin.url(),
        &[
            ("INPUT_DRY-RUN", "true"),
            ("INPUT_ACCESS-KEY-ID", ""),
            ("INPUT_ACCESS-KEY-SECRET", ""),
        ],
    ));
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("placeholder"), "{}", run.stdout);
    assert!(standin.requests().is_empty());
}

#[test]
fn hand_runs_with_underscore_names_work_and_any_unknown_name_is_an_error() {
    let standin = StandIn::start(Config::default()).unwrap();
    let url = standin.url();
    let hand = |extra: (&'static str, &'static str)| {
        support::run_on(
            support::Host::GitLab,
            &[
                ("INPUT_APP_ID", DEMO_APP_ID),
                ("INPUT_VERSION_ID", "ver-1"),
                ("INPUT_PUBLISH_ENV", "prod"),
                ("INPUT_ACCESS_KEY_ID", DEMO_ACCESS_KEY_ID),
                ("INPUT_ACCESS_KEY_SECRET", DEMO_ACCESS_KEY_SECRET),
                ("INPUT_ENDPOINT", &url),
                extra,
            ],
            &[],
        )
    };
    assert_eq!(hand(("INPUT_PERCENTAGE", "10")).code, 0);
    assert_eq!(standin.publishes().len(), 1);
    let calls = standin.requests().len();
    // `percentge: 20` would publish 100%, and so would a name far from every input: each is an
    // error, and nothing is sent.
    for (var, hint) in [
        ("INPUT_PERCENTGE", "did you mean `percentage`?"),
        (
            "INPUT_COLOUR",
            "`esa-publish --help` and the README's Inputs table list every input.",
        ),
    ] {
        let run = hand((var, "10"));
        assert_eq!(run.code, 1, "{}", run.stdout);
        let key = var.trim_start_matches("INPUT_").to_ascii_lowercase();
        assert!(
            run.stdout.contains(&format!(
                "error [UnknownInput]: `{key}` ({var}) is not an input of esa-publish; {hint}"
            )),
            "{}",
            run.stdout
        );
    }
    assert_eq!(standin.requests().len(), calls, "nothing more was sent");
}

#[test]
fn hostile_input_values_cannot_inject_commands_or_outputs() {
    let standin = StandIn::start(Config::default()).unwrap();
    let url = standin.url();
    let hostile = "x\n::error::injected\r\n::add-mask::m %0A::set-output name=request-id::evil";
    // Accepted as remarks: the publish goes through, and only its own output appears.
    let run = run_binary(&inputs(&url, &[("INPUT_REMARKS", hostile)]));
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.commands().is_empty(), "{:?}", run.commands());
    assert_eq!(
        run.outputs().keys().collect::<Vec<_>>(),
        [
            "credential-source",
            "previous-version",
            "request-id",
            "result",
            "skipped",
            "version-created",
            "version-id",
            "version-name"
        ],
        "only the declared outputs"
    );
    assert_eq!(
        standin.publishes()[0].body_params["Remarks"],
        hostile.trim()
    );
    // Refused as an ID: exactly one error per bad input, nothing else.
    let run = run_binary(&inputs(
        &url,
        &[
            ("INPUT_APP-ID", hostile),
            ("INPUT_REGIONS", hostile),
            ("INPUT_PUBLISH-TYPE", "region"),
        ],
    ));
    assert_eq!(run.code, 1);
    let cmds = run.commands();
    assert_eq!(cmds.len(), 2, "{cmds:?}");
    assert!(cmds.iter().all(|c| c.name == "error"));
    let outputs = run.outputs();
    assert_eq!(outputs.len(), 2, "{outputs:?}");
    assert_eq!(outputs["stopped-at"], "inputs");
    assert_eq!(outputs["result"], "not-published");
    assert!(!run.summary.contains("\n::"), "{}", run.summary);
}

#[test]
fn a_version_id_the_service_does_not_have_is_refused_before_the_lock() {
    let standin = StandIn::start(Config::default()).unwrap();
    let run = run_binary(&inputs(
        &standin.url(),
        &[("INPUT_VERSION-ID", "ver-999999999999999999")],
    ));
    assert_eq!(run.code, 1, "{}", run.stdout);
    let error = &run.errors()[0];
    assert_eq!(error.properties["title"], "InvalidVersion.NotFound");
    assert!(
        error.data.contains("has no version ver-999999999999999999")
            && error.data.contains("Check `version-id`"),
        "{}",
        error.data
    );
    let read = &standin.requests_of("GetEdgeContainerAppVersion")[0];
    assert_eq!(
        (read.status, read.code.as_deref()),
        (404, Some("InvalidVersion.NotFound"))
    );
    assert!(error.data.contains(&read.request_id), "{}", error.data);
    // Refused before the lock: no status read, no publish.
    let actions: Vec<_> = standin.requests().into_iter().map(|r| r.action).collect();
    assert_eq!(actions, [Some("GetEdgeContainerAppVersion".to_string())]);
    assert_eq!(run.outputs()["result"], "not-published");
    assert_eq!(run.outputs()["stopped-at"], "version");
}

#[test]
fn a_version_id_still_creating_or_failed_is_refused_before_the_lock() {
    let mut config = Config::default();
    for (id, status) in [
        ("ver-100000000000000001", "creating"),
        ("ver-100000000000000002", "failed"),
    ] {
        let mut version = esa_standin::versions::Version::existing(
            esa_standin::DEMO_APP_ID,
            id,
            &format!("made-{status}"),
            serde_json::json!([esa_standin::versions::container("web", "r.example.com/w:1")]),
        );
        version.status = status.into();
        version.reads_left = 1000;
        config.versions.push(version);
    }
    let standin = StandIn::start(config).unwrap();
    for (id, title, words) in [
        (
            "ver-100000000000000001",
            "VersionNotCreated",
            "is creating, not created",
        ),
        (
            "ver-100000000000000002",
            "VersionFailed",
            "its creation failed",
        ),
    ] {
        let run = run_binary(&inputs(&standin.url(), &[("INPUT_VERSION-ID", id)]));
        assert_eq!(run.code, 1, "{}", run.stdout);
        let error = &run.errors()[0];
        assert_eq!(error.properties["title"], title);
        assert!(error.data.contains(words), "{}", error.data);
        assert!(error.data.contains("`made-"), "named: {}", error.data);
    }
    assert!(standin.requests_of("GetEdgeContainerAppStatus").is_empty());
    assert_eq!(standin.publishes().len(), 0);
}

#[test]
fn a_version_given_by_id_is_named_in_the_outputs_and_the_summary() {
    let standin = StandIn::start(Config::default()).unwrap();
    let run = run_binary(&inputs(
        &standin.url(),
        &[("INPUT_VERSION-ID", "ver-879626371616510001")],
    ));
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.outputs()["version-name"], "release-1.0.1");
    assert!(run.summary.contains("release-1.0.1"), "{}", run.summary);
}
