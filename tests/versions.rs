//! Deploying a new build end to end: the real binary against the stand-in for each version source (`version-id`, `version-name`, `image`, `version-spec`), re-runs that reuse the version, a new commit that makes a new one, two containers, ACR images, a creation that fails or never finishes, every conflicting input (nothing sent), and dry runs.

mod support;

use esa_standin::versions::{container, Version};
use esa_standin::{Config, StandIn, DEMO_APP_ID, INITIAL_IMAGE, INITIAL_VERSION};
use serde_json::{json, Value};
use support::{run_against, run_binary, Run, REPOSITORY};

const IMAGE: &str = "registry.example.com/shop/web:2.0.0";
const SHA: &str = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
const RUN_ID: &str = "9876543210";

fn standin(config: Config) -> StandIn {
    StandIn::start(config).unwrap()
}

/// A run on GitHub for commit SHA, run RUN_ID, publishing to staging and polling fast.
fn deploy(s: &StandIn, extra: &[(&str, &str)]) -> Run {
    let mut vars = vec![
        ("INPUT_PUBLISH-ENV", "staging"),
        ("INPUT_WAIT", "true"),
        REPOSITORY,
        ("GITHUB_SHA", SHA),
        ("GITHUB_RUN_ID", RUN_ID),
    ];
    vars.extend_from_slice(extra);
    run_against(&s.url(), &vars)
}

fn actions(s: &StandIn) -> Vec<String> {
    s.requests()
        .into_iter()
        .map(|r| r.action.unwrap_or_default())
        .collect()
}

fn count(s: &StandIn, action: &str) -> usize {
    s.requests_of(action).len()
}

fn made(s: &StandIn) -> Vec<Version> {
    s.versions()
        .into_iter()
        .filter(|v| v.version_id != INITIAL_VERSION && v.app_id == DEMO_APP_ID)
        .collect()
}

fn error(run: &Run) -> (String, String) {
    let errors = run.errors();
    assert!(!errors.is_empty(), "no error:\n{}", run.stdout);
    (
        errors[0].properties["title"].clone(),
        errors[0].data.clone(),
    )
}

#[test]
fn an_image_becomes_a_version_copied_from_what_serves_then_is_published() {
    let s = standin(Config::default());
    let run = deploy(&s, &[("INPUT_IMAGE", IMAGE)]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let versions = made(&s);
    assert_eq!(versions.len(), 1);
    let v = &versions[0];
    assert_eq!(v.status, "created");
    // Everything but the image stays exactly as it was in the base version.
    let mut want = container("web", INITIAL_IMAGE);
    want["Image"] = json!(IMAGE);
    assert_eq!(v.containers, json!([want]));
    assert_eq!(
        v.name,
        "esa-publish-1a2b3c4-9876543210-".to_string() + &v.name[31..]
    );
    assert_eq!(v.name.len(), 39, "{}", v.name);
    assert_eq!(
        v.remarks,
        "esa-publish: acme/shop@1a2b3c4, run https://github.com/acme/shop/actions/runs/9876543210"
    );
    // The order of calls: the name lookup, the status for the base, the base read whole, the
    // create, reads until created, then the publish lock and the publish of the new version.
    let calls = actions(&s);
    let create = calls
        .iter()
        .position(|a| a == "CreateEdgeContainerAppVersion")
        .unwrap();
    let publish = calls
        .iter()
        .position(|a| a == "PublishEdgeContainerAppVersion")
        .unwrap();
    assert_eq!(calls[0], "ListEdgeContainerAppVersions");
    assert!(calls[..create].contains(&"GetEdgeContainerAppVersion".to_string()));
    assert!(create < publish);
    assert_eq!(s.publishes()[0].query_params["VersionId"], v.version_id);
    assert_eq!(s.publishes()[0].body_params["Remarks"], v.remarks);
    let out = run.outputs();
    assert_eq!(out["version-id"], v.version_id);
    assert_eq!(out["version-name"], v.name);
    assert_eq!(out["version-created"], "true");
    assert!(
        run.stdout.contains(&format!(
            "container `web` takes {IMAGE} (was {INITIAL_IMAGE})"
        )) && run.stdout.contains("is created"),
        "{}",
        run.stdout
    );
    for row in [
        "| Version name |",
        "| Version source | image",
        "| Version created | yes, by this run |",
    ] {
        assert!(run.summary.contains(row), "{row}:\n{}", run.summary);
    }
}

#[test]
fn a_re_run_reuses_the_version_and_a_new_commit_makes_a_new_one() {
    let s = standin(Config::default());
    assert_eq!(deploy(&s, &[("INPUT_IMAGE", IMAGE)]).code, 0);
    let again = deploy(&s, &[("INPUT_IMAGE", IMAGE), ("GITHUB_RUN_ATTEMPT", "2")]);
    assert_eq!(again.code, 0, "{}", again.stdout);
    assert_eq!(made(&s).len(), 1, "a re-run never piles up versions");
    assert_eq!(count(&s, "CreateEdgeContainerAppVersion"), 1);
    assert_eq!(again.outputs()["version-created"], "false");
    assert_eq!(again.outputs()["version-id"], made(&s)[0].version_id);
    assert!(
        again
            .summary
            .contains("it existed already (re-run), so it was reused"),
        "{}",
        again.summary
    );
    assert_eq!(
        count(&s, "PublishEdgeContainerAppVersion"),
        2,
        "both runs publish it"
    );

    let next = deploy(
        &s,
        &[
            ("INPUT_IMAGE", IMAGE),
            ("GITHUB_SHA", "ffeeddccbbaa99887766"),
        ],
    );
    assert_eq!(next.code, 0, "{}", next.stdout);
    let versions = made(&s);
    assert_eq!(versions.len(), 2, "a new commit makes a new version");
    assert!(versions[1]
        .name
        .starts_with("esa-publish-ffeeddc-9876543210-"));
    assert_eq!(next.outputs()["version-created"], "true");
}

fn two_containers() -> Config {
    Config {
        versions: vec![Version::existing(
            DEMO_APP_ID,
            INITIAL_VERSION,
            "two-containers",
            json!([
                container("web", INITIAL_IMAGE),
                container("sidecar", "registry.example.com/shop/proxy:7")
            ]),
        )],
        ..Config::default()
    }
}

#[test]
fn two_containers_need_container_name_and_only_that_one_changes() {
    let s = standin(two_containers());
    let run = deploy(&s, &[("INPUT_IMAGE", IMAGE)]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let (title, text) = error(&run);
    assert_eq!(title, "ContainerNameRequired");
    assert!(
        text.contains("runs 2 containers (web, sidecar)") && text.contains("container-name"),
        "{text}"
    );
    assert_eq!(count(&s, "CreateEdgeContainerAppVersion"), 0);
    assert!(s.publishes().is_empty());

    let run = deploy(
        &s,
        &[("INPUT_IMAGE", IMAGE), ("INPUT_CONTAINER-NAME", "sidecar")],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    let v = &made(&s)[0];
    let mut sidecar = container("sidecar", "registry.example.com/shop/proxy:7");
    sidecar["Image"] = json!(IMAGE);
    assert_eq!(
        v.containers,
        json!([container("web", INITIAL_IMAGE), sidecar])
    );

    let run = deploy(
        &s,
        &[
            ("INPUT_IMAGE", IMAGE),
            ("INPUT_CONTAINER-NAME", "db"),
            ("GITHUB_RUN_ID", "1"),
        ],
    );
    let (title, text) = error(&run);
    assert_eq!(title, "ContainerNotFound");
    assert!(text.contains("its containers are: web, sidecar"), "{text}");
}

fn acr_base() -> Config {
    let mut web = container(
        "web",
        "shop-registry.cn-hangzhou.cr.aliyuncs.com/shop/web:1.0.0",
    );
    web["IsACRImage"] = json!(true);
    web["ACRImageInfo"] = json!({
        "Domain": "shop-registry.cn-hangzhou.cr.aliyuncs.com", "InstanceId": "cri-123",
        "IsEnterpriseRegistry": true, "RegionId": "cn-hangzhou", "RepoId": "crr-9",
        "RepoName": "web", "RepoNamespace": "shop", "Tag": "1.0.0",
        "TagUrl": "shop-registry.cn-hangzhou.cr.aliyuncs.com/shop/web:1.0.0"
    });
    Config {
        versions: vec![Version::existing(
            DEMO_APP_ID,
            INITIAL_VERSION,
            "acr-based",
            json!([web]),
        )],
        ..Config::default()
    }
}

#[test]
fn an_acr_base_keeps_its_image_info_for_a_new_tag_and_drops_it_for_another_registry() {
    let s = standin(acr_base());
    let same_repo = "shop-registry.cn-hangzhou.cr.aliyuncs.com/shop/web:2.0.0";
    assert_eq!(deploy(&s, &[("INPUT_IMAGE", same_repo)]).code, 0);
    let retagged = &made(&s)[0].containers[0];
    assert_eq!(retagged["IsACRImage"], json!(true));
    assert_eq!(retagged["ACRImageInfo"]["Tag"], json!("2.0.0"));
    assert_eq!(retagged["ACRImageInfo"]["TagUrl"], json!(same_repo));
    assert_eq!(retagged["ACRImageInfo"]["InstanceId"], json!("cri-123"));

    let elsewhere = "ghcr.io/acme/web:2.0.0";
    let run = deploy(
        &s,
        &[
            ("INPUT_IMAGE", elsewhere),
            ("INPUT_BASE-VERSION", INITIAL_VERSION),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    let moved = &made(&s)[1].containers[0];
    assert_eq!(moved["IsACRImage"], json!(false));
    assert_eq!(moved.get("ACRImageInfo"), None, "no stale ACRImageInfo");
    assert_eq!(moved["Image"], json!(elsewhere));
    assert!(
        run.stdout.contains("ACRImageInfo is dropped"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_base_version_by_name_and_a_missing_one() {
    let s = standin(Config::default());
    let run = deploy(
        &s,
        &[
            ("INPUT_IMAGE", IMAGE),
            ("INPUT_BASE-VERSION", "initial-version"),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    let run = deploy(
        &s,
        &[
            ("INPUT_IMAGE", IMAGE),
            ("INPUT_BASE-VERSION", "initial"),
            ("GITHUB_RUN_ID", "2"),
        ],
    );
    let (title, text) = error(&run);
    assert_eq!(title, "BaseVersionNotFound");
    assert!(text.contains("named exactly `initial`"), "{text}");
}

#[test]
fn nothing_served_means_a_base_or_a_spec_must_be_given() {
    let mut config = Config::default();
    config.initial.deployed_version = String::new();
    let s = standin(config);
    let run = deploy(&s, &[("INPUT_IMAGE", IMAGE)]);
    let (title, text) = error(&run);
    assert_eq!(title, "NoBaseVersion");
    assert!(
        text.contains("`base-version`") && text.contains("`version-spec`"),
        "{text}"
    );
    assert_eq!(count(&s, "CreateEdgeContainerAppVersion"), 0);
}

#[test]
fn a_creation_that_fails_publishes_nothing() {
    let s = standin(Config {
        failing_images: vec![IMAGE.into()],
        ..Config::default()
    });
    let run = deploy(
        &s,
        &[
            ("INPUT_IMAGE", IMAGE),
            ("INPUT_VERSION-NAME", "release-2.0.0"),
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    let (title, text) = error(&run);
    assert_eq!(title, "VersionFailed");
    let id = &made(&s)[0].version_id;
    assert!(
        text.contains(id.as_str())
            && text.contains("`release-2.0.0`")
            && text.contains("nothing was published"),
        "{text}"
    );
    assert!(s.publishes().is_empty());
    assert_eq!(
        run.outputs()["version-id"],
        *id,
        "the version is named even on failure"
    );

    // A re-run finds the failed version by name: it fails again, and makes no other.
    let again = deploy(
        &s,
        &[
            ("INPUT_IMAGE", IMAGE),
            ("INPUT_VERSION-NAME", "release-2.0.0"),
        ],
    );
    assert_eq!(error(&again).0, "VersionFailed");
    assert!(error(&again).1.contains("exists, and its creation failed"));
    assert_eq!(made(&s).len(), 1);
    assert!(s.publishes().is_empty());
}

#[test]
fn a_creation_that_never_finishes_times_out() {
    let s = standin(Config {
        creation_reads: 1000,
        ..Config::default()
    });
    let run = deploy(&s, &[("INPUT_IMAGE", IMAGE), ("INPUT_WAIT-TIMEOUT", "1s")]);
    let (title, text) = error(&run);
    assert_eq!(title, "VersionNotReady");
    assert!(
        text.contains("still creating after `wait-timeout`")
            && text.contains(&made(&s)[0].version_id),
        "{text}"
    );
    assert!(s.publishes().is_empty());
}

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
