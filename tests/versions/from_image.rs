//! A version made from an image: copied from what serves or from a named base, re-runs that reuse it, several containers, ACR images, creations that fail or never finish.

use super::*;

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
    // The re-run finds the version serving all of staging already: nothing is published.
    assert_eq!(count(&s, "PublishEdgeContainerAppVersion"), 1);
    assert_eq!(again.outputs()["result"], "unchanged");

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

#[test]
fn a_base_version_the_service_does_not_have_is_named_with_what_to_do() {
    let s = standin(Config::default());
    let run = deploy(
        &s,
        &[
            ("INPUT_IMAGE", IMAGE),
            ("INPUT_BASE-VERSION", "ver-424242424242424242"),
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    let errors = run.errors();
    assert_eq!(errors[0].properties["title"], "InvalidVersion.NotFound");
    let text = &errors[0].data;
    assert!(
        text.contains("the base version ver-424242424242424242 does not exist in")
            && text.contains("Set `base-version` to a version that exists"),
        "{text}"
    );
    assert!(s.publishes().is_empty());
    assert!(s.requests_of("CreateEdgeContainerAppVersion").is_empty());
}
