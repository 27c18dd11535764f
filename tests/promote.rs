//! `promote-from: staging` end to end through the runner emulation: what staging serves goes to prod, and nothing is published when staging has not published it, its container is not ready, or the version is not created; it is exclusive with the other sources and only for prod; a dry run says what it would promote.

mod support;

use esa_standin::versions::{container, Version};
use esa_standin::{Config, Initial, StandIn, DEMO_APP_ID, INITIAL_IMAGE, INITIAL_VERSION};
use support::{run_against, Run};

const RELEASE: &str = "ver-879626371616510002";

fn promote(s: &StandIn, extra: &[(&str, &str)]) -> Run {
    let mut vars = vec![
        ("INPUT_PROMOTE-FROM", "staging"),
        ("INPUT_PUBLISH-ENV", "prod"),
        ("INPUT_WAIT", "true"),
    ];
    vars.extend_from_slice(extra);
    run_against(&s.url(), &vars)
}

fn title(r: &Run) -> String {
    r.errors()[0].properties["title"].clone()
}

#[test]
fn what_staging_serves_is_published_to_prod() {
    let s = StandIn::start(Config::default()).unwrap();
    let staged = run_against(
        &s.url(),
        &[
            ("INPUT_VERSION-ID", RELEASE),
            ("INPUT_PUBLISH-ENV", "staging"),
            ("INPUT_WAIT", "true"),
        ],
    );
    assert_eq!(staged.code, 0, "{}", staged.stdout);
    let r = promote(&s, &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let out = r.outputs();
    assert_eq!(out["version-id"], RELEASE);
    assert_eq!(out["version-name"], "release-1.0.2");
    assert_eq!(out["result"], "published");
    let publish = s.publishes().pop().unwrap();
    assert_eq!(publish.query_params["VersionId"], RELEASE);
    assert_eq!(publish.body_params["PublishEnv"], "prod");
    assert!(r
        .stdout
        .contains("promoting ver-879626371616510002 (`release-1.0.2`) from staging"));
    assert!(r.summary.contains("promoted from staging"), "{}", r.summary);
}

#[test]
fn staging_rolling_back_is_not_promoted() {
    let s = StandIn::start(Config {
        initial: Initial {
            deployed_version: INITIAL_VERSION.into(),
            rolling_back: Some(1000),
            ..Initial::default()
        },
        ..Config::default()
    })
    .unwrap();
    let r = promote(&s, &[]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(title(&r), "StagingNotPublished");
    assert!(r.errors()[0]
        .data
        .contains("staging has not published one version to all of it"));
    assert!(s.publishes().is_empty());
    assert_eq!(r.outputs()["result"], "not-published");
}

#[test]
fn a_crashing_staging_container_is_not_promoted() {
    let broken = "registry.example.com/shop/web:broken";
    let mut config = Config {
        crashing_images: vec![broken.into()],
        // One poll to published; from the next the container crash-loops.
        rollout_step: 100,
        ..Config::default()
    };
    let mut v = Version::existing(
        DEMO_APP_ID,
        "ver-700000000000000001",
        "broken-1",
        serde_json::json!([container("web", broken)]),
    );
    v.create_time = "2026-02-01T00:00:00Z".into();
    config.versions.push(v);
    let s = StandIn::start(config).unwrap();
    // Published to staging (it served at once); by the promotion's reading it crash-loops.
    let staged = run_against(
        &s.url(),
        &[
            ("INPUT_VERSION-ID", "ver-700000000000000001"),
            ("INPUT_PUBLISH-ENV", "staging"),
            ("INPUT_WAIT", "true"),
        ],
    );
    assert_eq!(staged.code, 0, "{}", staged.stdout);
    let r = promote(&s, &[]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(title(&r), "StagingNotReady");
    assert!(r.errors()[0]
        .data
        .contains("staging's container of ver-700000000000000001 is not running ready"));
    assert_eq!(s.publishes().len(), 1, "only staging's");
}

#[test]
fn a_version_that_is_not_created_is_not_promoted() {
    let mut config = Config {
        initial: Initial {
            deployed_version: "ver-700000000000000002".into(),
            ..Initial::default()
        },
        ..Config::default()
    };
    let mut v = Version::existing(
        DEMO_APP_ID,
        "ver-700000000000000002",
        "failed-build",
        serde_json::json!([container("web", INITIAL_IMAGE)]),
    );
    v.status = "failed".into();
    config.versions.push(v);
    let s = StandIn::start(config).unwrap();
    let r = promote(&s, &[]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(title(&r), "VersionNotCreated");
    assert!(r.errors()[0]
        .data
        .contains("ver-700000000000000002 (`failed-build`), is failed, not created"));
    assert!(s.publishes().is_empty());
}

#[test]
fn promote_from_is_for_prod_alone_and_one_source_among_them() {
    let s = StandIn::start(Config::default()).unwrap();
    let r = promote(&s, &[("INPUT_PUBLISH-ENV", "staging")]);
    assert_eq!(r.code, 1);
    assert!(
        r.errors()
            .iter()
            .any(|e| e.properties["title"] == "InvalidParameter"
                || e.data.contains("`promote-from: staging` publishes to prod")),
        "{}",
        r.stdout
    );
    let r = promote(&s, &[("INPUT_VERSION-ID", RELEASE)]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .contains("input `version-id` cannot be used with `promote-from`"),
        "{}",
        r.stdout
    );
    let r = promote(&s, &[("INPUT_PROMOTE-FROM", "prod")]);
    assert!(
        r.stdout.contains("input `promote-from` takes `staging`"),
        "{}",
        r.stdout
    );
    assert!(s.requests().is_empty(), "nothing was sent");
}

#[test]
fn a_dry_run_says_what_it_would_promote_and_changes_nothing() {
    let s = StandIn::start(Config::default()).unwrap();
    let r = promote(&s, &[("INPUT_DRY-RUN", "true")]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout
            .contains("would promote ver-000000000000000001 (`initial-version`) from staging"),
        "{}",
        r.stdout
    );
    assert!(s.publishes().is_empty());
    assert_eq!(r.outputs()["version-id"], INITIAL_VERSION);
}
