//! A version from a spec file or found by name, conflicting sources, dry runs, steps and label gating with a new version, and reads that hang.

use super::*;

fn spec_file(dir: &tempfile::TempDir, containers: &Value) -> String {
    let path = dir.path().join("containers.json");
    std::fs::write(&path, serde_json::to_string_pretty(containers).unwrap()).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn a_spec_file_makes_a_version_with_exactly_its_containers() {
    let s = standin(Config::default());
    let dir = tempfile::tempdir().unwrap();
    let containers = json!([
        container("api", "registry.example.com/shop/api:3"),
        container("web", IMAGE)
    ]);
    let path = spec_file(&dir, &containers);
    let run = deploy(
        &s,
        &[
            ("INPUT_VERSION-SPEC", &path),
            ("INPUT_VERSION-NAME", "spec-release-3"),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    let v = &made(&s)[0];
    assert_eq!(
        (v.name.as_str(), &v.containers),
        ("spec-release-3", &containers)
    );
    let create = &s.requests_of("CreateEdgeContainerAppVersion")[0];
    assert_eq!(
        create.body_params["Containers"],
        containers.to_string(),
        "one compact JSON string"
    );
    assert!(
        create.query_params.is_empty(),
        "everything in the form body"
    );
}

#[test]
fn a_bad_spec_file_names_each_container_and_field_and_sends_nothing() {
    let s = standin(Config::default());
    let dir = tempfile::tempdir().unwrap();
    let mut bad = container("web", IMAGE);
    bad["Spec"] = json!("3C3G");
    bad["EnvVariables"] = json!("MODE");
    bad.as_object_mut().unwrap().remove("ProbeType");
    let path = spec_file(&dir, &json!([bad, container("web", IMAGE)]));
    let run = deploy(&s, &[("INPUT_VERSION-SPEC", &path)]);
    assert_eq!(run.code, 1);
    let errors: Vec<String> = run.errors().into_iter().map(|e| e.data).collect();
    for want in [
        "container `web`: `ProbeType` is required",
        "container `web`: `Spec` must be one of",
        "container `web`: `EnvVariables` must be `K1=v1,K2=v2`",
        "container `web`: `Name` is used by another container too",
    ] {
        assert!(
            errors.iter().any(|e| e.contains(want)),
            "{want}: {errors:#?}"
        );
    }
    assert!(s.requests().is_empty(), "nothing was sent");
    let missing = deploy(
        &s,
        &[("INPUT_VERSION-SPEC", "/nonexistent/containers.json")],
    );
    assert!(
        error(&missing).1.contains("could not read"),
        "{}",
        missing.stdout
    );
}

#[test]
fn a_name_alone_is_compared_whole_across_pages() {
    let mut config = Config::default();
    // The search matches parts of names: release-1.2.1 and 150 others come up for release-1.2.
    for n in 0..150 {
        config.versions.push(Version::existing(
            DEMO_APP_ID,
            &format!("ver-7{n:017}"),
            &format!("release-1.2.{n}"),
            json!([container("web", IMAGE)]),
        ));
    }
    config.versions.insert(
        1,
        Version::existing(
            DEMO_APP_ID,
            "ver-600000000000000012",
            "release-1.2",
            json!([container("web", IMAGE)]),
        ),
    );
    let s = standin(config);
    let run = deploy(&s, &[("INPUT_VERSION-NAME", "release-1.2")]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(
        s.publishes()[0].query_params["VersionId"],
        "ver-600000000000000012"
    );
    assert_eq!(
        count(&s, "ListEdgeContainerAppVersions"),
        2,
        "the exact name is on the second page"
    );
    assert_eq!(count(&s, "CreateEdgeContainerAppVersion"), 0);
    assert_eq!(run.outputs()["version-created"], "false");

    let run = deploy(&s, &[("INPUT_VERSION-NAME", "release-9.9")]);
    let (title, text) = error(&run);
    assert_eq!(title, "VersionNotFound");
    assert!(text.contains("named exactly `release-9.9`"), "{text}");
}

#[test]
fn a_version_found_still_creating_is_waited_for() {
    // Made by an earlier run that was cancelled before the version was ready.
    let mut config = Config::default();
    let mut half = Version::existing(
        DEMO_APP_ID,
        "ver-600000000000000077",
        "half-made",
        json!([container("web", IMAGE)]),
    );
    half.status = "creating".into();
    half.reads_left = 3;
    config.versions.push(half);
    let s = standin(config);
    let run = deploy(&s, &[("INPUT_VERSION-NAME", "half-made")]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains("is creating") && run.stdout.contains("is created"),
        "{}",
        run.stdout
    );
    assert!(
        count(&s, "GetEdgeContainerAppVersion") >= 4,
        "polled until created"
    );
    assert_eq!(count(&s, "CreateEdgeContainerAppVersion"), 0);
    assert_eq!(
        s.publishes()[0].query_params["VersionId"],
        "ver-600000000000000077"
    );
    // The same holds when the name is the one `image` would make.
    let mut config = Config::default();
    let mut half = Version::existing(
        DEMO_APP_ID,
        "ver-600000000000000078",
        "release-2.0.0",
        json!([container("web", IMAGE)]),
    );
    half.status = "creating".into();
    config.versions.push(half);
    let s = standin(config);
    let run = deploy(
        &s,
        &[
            ("INPUT_IMAGE", IMAGE),
            ("INPUT_VERSION-NAME", "release-2.0.0"),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(
        count(&s, "CreateEdgeContainerAppVersion"),
        0,
        "waited for, not made again"
    );
    assert_eq!(run.outputs()["version-created"], "false");
}

#[test]
fn conflicting_sources_are_input_errors_and_nothing_is_sent() {
    let s = standin(Config::default());
    let dir = tempfile::tempdir().unwrap();
    let path = spec_file(&dir, &json!([container("web", IMAGE)]));
    // The inputs, the input the error must name, and what it must say.
    type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec![("INPUT_VERSION-ID", "ver-1"), ("INPUT_IMAGE", IMAGE)],
            "image",
            "cannot be used with `version-id`",
        ),
        (
            vec![
                ("INPUT_VERSION-ID", "ver-1"),
                ("INPUT_VERSION-NAME", "release-1"),
            ],
            "version-name",
            "cannot be used with `version-id`",
        ),
        (
            vec![("INPUT_VERSION-ID", "ver-1"), ("INPUT_VERSION-SPEC", &path)],
            "version-spec",
            "cannot be used with `version-id`",
        ),
        (
            vec![("INPUT_IMAGE", IMAGE), ("INPUT_VERSION-SPEC", &path)],
            "version-spec",
            "cannot be used with `image`",
        ),
        (
            vec![
                ("INPUT_BASE-VERSION", INITIAL_VERSION),
                ("INPUT_VERSION-NAME", "release-1"),
            ],
            "base-version",
            "only applies with `image`",
        ),
        (
            vec![
                ("INPUT_CONTAINER-NAME", "web"),
                ("INPUT_VERSION-SPEC", &path),
            ],
            "container-name",
            "only applies with `image`",
        ),
        (
            vec![],
            "version-id",
            "one of `version-id`, `version-name`, `image` or `version-spec` is required",
        ),
        (
            vec![("INPUT_VERSION-NAME", "short")],
            "version-name",
            "6 to 128 characters",
        ),
        (
            vec![("INPUT_IMAGE", "not an image")],
            "image",
            "is not an image reference",
        ),
        (
            vec![("INPUT_IMAGE", IMAGE), ("INPUT_BASE-VERSION", "ver-")],
            "base-version",
            "a base version is",
        ),
        (
            vec![
                ("INPUT_IMAGE", IMAGE),
                ("GITHUB_SHA", ""),
                ("GITHUB_RUN_ID", ""),
            ],
            "version-name",
            "no commit and run were found",
        ),
    ];
    for (vars, input, want) in cases {
        let run = deploy(&s, &vars);
        assert_eq!(run.code, 1, "{vars:?}: {}", run.stdout);
        let errors = run.errors();
        assert!(
            errors
                .iter()
                .any(|e| e.data.contains(want) && e.data.contains(&format!("`{input}`"))),
            "{vars:?} wants `{input}`: {want}\n{}",
            run.stdout
        );
    }
    assert!(
        s.requests().is_empty(),
        "nothing was sent: {:?}",
        actions(&s)
    );
}

#[test]
fn a_dry_run_reads_but_never_writes_and_shows_the_create_request() {
    let s = standin(Config::default());
    let run = deploy(&s, &[("INPUT_IMAGE", IMAGE), ("INPUT_DRY-RUN", "true")]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let calls = actions(&s);
    assert!(
        calls
            .iter()
            .all(|a| a.starts_with("Get") || a.starts_with("List")),
        "only reads: {calls:?}"
    );
    assert!(
        calls.contains(&"GetEdgeContainerAppVersion".to_string()),
        "the base was read"
    );
    for want in [
        "would send CreateEdgeContainerAppVersion (POST, every parameter in the form body):",
        &format!("  AppId={DEMO_APP_ID}"),
        "  Name=esa-publish-1a2b3c4-9876543210-",
        // Commands, arguments and environment values are not shown (see tests/security.rs).
        "  Containers=[{\"Args\":\"***\"",
        &format!("\"Image\": \"{IMAGE}\""),
        "publish it as ver-to-be-made-by-this-run",
        "PublishEdgeContainerAppVersion",
    ] {
        assert!(run.stdout.contains(want), "{want}:\n{}", run.stdout);
    }
    assert!(run.summary.contains("dry run"), "{}", run.summary);

    // Without credentials nothing is read either, and the plan is still shown.
    let url = s.url();
    let before = s.requests().len();
    let run = run_binary(&[
        ("INPUT_APP-ID", DEMO_APP_ID),
        ("INPUT_PUBLISH-ENV", "staging"),
        ("INPUT_ENDPOINT", &url),
        ("INPUT_IMAGE", IMAGE),
        ("INPUT_VERSION-NAME", "release-2.0.0"),
        ("INPUT_DRY-RUN", "true"),
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(s.requests().len(), before);
    assert!(
        run.stdout
            .contains("would look up a version named `release-2.0.0` first"),
        "{}",
        run.stdout
    );
}

#[test]
fn steps_and_label_gating_work_with_a_new_version() {
    let s = standin(Config::default());
    let dir = tempfile::tempdir().unwrap();
    let event = dir.path().join("event.json");
    std::fs::write(
        &event,
        r#"{"pull_request": {"labels": [{"name": "deploy:staging"}]}}"#,
    )
    .unwrap();
    let event = event.to_string_lossy().into_owned();
    let gated = [
        ("INPUT_IMAGE", IMAGE),
        ("INPUT_PERCENTAGE-STEPS", "10,100"),
        ("INPUT_STEP-WAIT", "0s"),
        ("INPUT_REQUIRE-LABEL", "deploy:staging"),
        ("GITHUB_EVENT_NAME", "pull_request"),
        ("GITHUB_EVENT_PATH", event.as_str()),
    ];
    let run = deploy(&s, &gated);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let shares: Vec<_> = s
        .publishes()
        .iter()
        .map(|p| p.body_params["Percentage"].clone())
        .collect();
    assert_eq!(shares, ["10", "100"]);
    assert!(s
        .publishes()
        .iter()
        .all(|p| p.query_params["VersionId"] == made(&s)[0].version_id));
    assert_eq!(run.outputs()["publish-percentage"], "100");

    // Without the label: skipped before anything is read or made.
    std::fs::write(&event, r#"{"pull_request": {"labels": []}}"#).unwrap();
    let before = s.requests().len();
    let run = deploy(&s, &gated);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.outputs()["skipped"], "true");
    assert_eq!(s.requests().len(), before);
}

#[test]
fn version_reads_that_hang_end_within_the_wait_not_the_timeout() {
    let s = standin(Config {
        creation_reads: 1000,
        ..Config::default()
    });
    // The base version's read answers; every read while waiting for the new one hangs.
    s.push_faults_on_after("GetEdgeContainerAppVersion", 1, esa_standin::Fault::Hang, 5);
    let started = std::time::Instant::now();
    let run = deploy(
        &s,
        &[
            ("INPUT_IMAGE", IMAGE),
            ("INPUT_WAIT-TIMEOUT", "1s"),
            ("INPUT_TIMEOUT", "40"),
        ],
    );
    let elapsed = started.elapsed();
    assert_eq!(run.code, 1, "{}", run.stdout);
    let (title, _) = error(&run);
    assert_eq!(title, "Timeout");
    assert!(elapsed < std::time::Duration::from_secs(12), "{elapsed:?}");
    assert_eq!(count(&s, "PublishEdgeContainerAppVersion"), 0);
}
