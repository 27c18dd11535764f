//! What autopilot goes back to, and what it says after a rollback, a re-run or a cancel, end to end through the runner emulation: two failing deploys in a row and the same failing version twice go back to what was good under every reading of the status fields the service does not document; a version already serving in full is left unchanged; a split or changed staging is not promoted; a cancel during a followed step says what stands.

mod support;

use std::time::Duration;

use esa_standin::readings::Readings;
use esa_standin::{AppHealth, Config, Rollout, StandIn, DEMO_APP_ID, INITIAL_VERSION};
use support::{run_against, Run};

const FIRST: &str = "ver-879626371616510001";
const SECOND: &str = "ver-879626371616510002";

fn standin(readings: Readings, health: AppHealth) -> StandIn {
    StandIn::start(Config {
        readings,
        health,
        ..Config::default()
    })
    .unwrap()
}

/// A health-gated prod deploy of `version` that rolls back on failure, as in the issue.
fn gated_prod(s: &StandIn, version: &str) -> Run {
    let health = format!("{}/_app/healthz", s.url());
    run_against(
        &s.url(),
        &[
            ("INPUT_VERSION-ID", version),
            ("INPUT_PUBLISH-ENV", "prod"),
            ("INPUT_WAIT", "true"),
            ("INPUT_STEP-WAIT", "0s"),
            ("INPUT_HEALTH-URL", &health),
            ("INPUT_HEALTH-FAILURES", "1"),
            ("INPUT_ROLLBACK-ON-FAILURE", "true"),
        ],
    )
}

/// The run failed its gate and went back to the version that served before the first run.
fn went_back_to_the_first(s: &StandIn, r: &Run, readings: Readings) {
    let at = format!("under {readings}");
    assert_eq!(r.code, 1, "{at}: {}", r.stdout);
    let out = r.outputs();
    assert_eq!(out["result"], "rolled-back", "{at}");
    assert_eq!(out["deployed-version"], INITIAL_VERSION, "{at}");
    assert_eq!(out["previous-version"], INITIAL_VERSION, "{at}");
    let error = &r.errors()[0].data;
    assert!(
        error.contains(&format!("Rolled back to {INITIAL_VERSION}")),
        "{at}: {error}"
    );
    let rollback = s.requests_of("RollbackEdgeContainerAppVersion");
    let last = rollback.last().expect("a rollback was sent");
    assert_eq!(last.query_params["VersionId"], INITIAL_VERSION, "{at}");
    let prod = s.app_state(DEMO_APP_ID, "prod").unwrap();
    assert_eq!(prod.deployed_version, INITIAL_VERSION, "{at}");
}

#[test]
fn two_failing_deploys_in_a_row_both_go_back_to_what_was_good_under_every_reading() {
    for readings in Readings::all() {
        let s = standin(readings, AppHealth::Failing);
        for version in [FIRST, SECOND] {
            let r = gated_prod(&s, version);
            went_back_to_the_first(&s, &r, readings);
        }
    }
}

#[test]
fn the_same_failing_version_twice_goes_back_to_what_was_good_not_to_itself() {
    for readings in Readings::all() {
        let s = standin(readings, AppHealth::Failing);
        for _ in 0..2 {
            let r = gated_prod(&s, FIRST);
            went_back_to_the_first(&s, &r, readings);
        }
        assert_eq!(s.requests_of("RollbackEdgeContainerAppVersion").len(), 2);
    }
}

/// A staging publish of `version` at `percentage`, followed until it serves that share.
fn to_staging(s: &StandIn, version: &str, percentage: &str) -> Run {
    run_against(
        &s.url(),
        &[
            ("INPUT_VERSION-ID", version),
            ("INPUT_PUBLISH-ENV", "staging"),
            ("INPUT_PERCENTAGE", percentage),
            ("INPUT_WAIT", "true"),
        ],
    )
}

fn promote(s: &StandIn, extra: &[(&str, &str)]) -> Run {
    let mut vars = vec![
        ("INPUT_PROMOTE-FROM", "staging"),
        ("INPUT_PUBLISH-ENV", "prod"),
        ("INPUT_WAIT", "true"),
    ];
    vars.extend_from_slice(extra);
    run_against(&s.url(), &vars)
}

#[test]
fn a_version_already_serving_in_full_is_not_published_again() {
    for readings in Readings::all() {
        let s = standin(readings, AppHealth::Healthy);
        let at = format!("under {readings}");
        assert_eq!(to_staging(&s, FIRST, "100").code, 0, "{at}");
        let before = s.publishes().len();
        let again = to_staging(&s, FIRST, "100");
        assert_eq!(again.code, 0, "{at}: {}", again.stdout);
        assert_eq!(s.publishes().len(), before, "{at}: published again");
        let out = again.outputs();
        assert_eq!(out["result"], "unchanged", "{at}");
        assert_eq!(out["deployed-version"], FIRST, "{at}");
        assert_eq!(out["version-name"], "release-1.0.1", "{at}");
        let said = format!(
            "Unchanged: {FIRST} serves all of staging on {DEMO_APP_ID} already, so nothing was published"
        );
        assert_eq!(
            again.stdout.matches(&said).count(),
            1,
            "{at}: {}",
            again.stdout
        );
        assert!(
            again.summary.contains("esa-publish: unchanged"),
            "{at}: {}",
            again.summary
        );
        assert!(
            again.errors().is_empty() && again.warnings().is_empty(),
            "{at}"
        );

        // Promoting it: prod takes it once, then serves it in full, and is left unchanged.
        assert_eq!(promote(&s, &[]).code, 0, "{at}");
        let prod_publishes = s.publishes().len();
        let again = promote(&s, &[]);
        assert_eq!(again.code, 0, "{at}: {}", again.stdout);
        assert_eq!(again.outputs()["result"], "unchanged", "{at}");
        assert_eq!(s.publishes().len(), prod_publishes, "{at}");
    }
}

#[test]
fn a_staging_split_between_two_versions_is_not_promoted() {
    for readings in Readings::all() {
        let s = standin(readings, AppHealth::Healthy);
        let at = format!("under {readings}");
        assert_eq!(to_staging(&s, FIRST, "50").code, 0, "{at}");
        let before = s.publishes().len();
        let r = promote(&s, &[]);
        assert_eq!(r.code, 1, "{at}: {}", r.stdout);
        let error = &r.errors()[0];
        assert_eq!(error.properties["title"], "StagingNotPublished", "{at}");
        assert!(error.data.contains(FIRST), "{at}: {}", error.data);
        // The version serving the rest is named where the reading gives it.
        if readings.deployed == esa_standin::readings::Deployed::AtFull {
            assert!(
                error.data.contains(&format!(
                    "split between two versions: {FIRST} serves 50% and {INITIAL_VERSION} the rest"
                )),
                "{at}: {}",
                error.data
            );
        }
        assert_eq!(
            s.publishes().len(),
            before,
            "{at}: nothing published to prod"
        );
        assert_eq!(r.outputs()["result"], "not-published", "{at}");
    }
}

#[test]
fn a_staging_that_changed_while_waiting_for_prods_lock_is_not_promoted() {
    let s = standin(Readings::default(), AppHealth::Healthy);
    assert_eq!(to_staging(&s, FIRST, "100").code, 0);
    // Prod is busy with another publish for a while (someone else's).
    s.change_app(DEMO_APP_ID, "prod", |prod| {
        prod.publish_status = "publishing".into();
        prod.publishing_version = "ver-555555555555555555".into();
        prod.publish_percentage = 10;
        prod.busy_polls_left = Some(25);
    });
    let vars: Vec<(&str, String)> = vec![
        ("INPUT_APP-ID", DEMO_APP_ID.into()),
        (
            "INPUT_ACCESS-KEY-ID",
            esa_standin::DEMO_ACCESS_KEY_ID.into(),
        ),
        (
            "INPUT_ACCESS-KEY-SECRET",
            esa_standin::DEMO_ACCESS_KEY_SECRET.into(),
        ),
        ("INPUT_ENDPOINT", s.url()),
        ("INPUT_POLL-INTERVAL", "100ms".into()),
        ("INPUT_PROMOTE-FROM", "staging".into()),
        ("INPUT_PUBLISH-ENV", "prod".into()),
        ("INPUT_WAIT", "true".into()),
        ("INPUT_IF-BUSY", "wait".into()),
    ];
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let prepared = support::docker_step(&vars).prepare(&support::binary());
    let child = prepared
        .command()
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Once the promotion waits for prod's lock, staging moves on to another version.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while s.requests_of("GetEdgeContainerAppStatus").len() < 5 {
        assert!(
            std::time::Instant::now() < deadline,
            "the promotion never waited"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(to_staging(&s, SECOND, "100").code, 0);
    let r = prepared.finish(child.wait_with_output().unwrap());
    assert_eq!(r.code, 1, "{}", r.stdout);
    let error = &r.errors()[0];
    assert_eq!(error.properties["title"], "StagingNotPublished");
    assert!(
        error.data.contains(&format!(
            "staging changed while this run waited for prod's lock: it served {FIRST} when the run began, and staging serves {SECOND} now"
        )),
        "{}",
        error.data
    );
    let prod_publishes = s
        .publishes()
        .iter()
        .filter(|p| p.body_params.get("PublishEnv").map(String::as_str) == Some("prod"))
        .count();
    assert_eq!(prod_publishes, 0, "nothing published to prod");
}

#[test]
fn a_cancel_during_a_followed_step_says_its_publish_was_accepted_and_may_go_on() {
    let s = StandIn::start(Config {
        rollout_step: 5,
        rollouts: vec![Rollout::Normal],
        ..Config::default()
    })
    .unwrap();
    let url = s.url();
    let vars = [
        ("INPUT_APP-ID", DEMO_APP_ID),
        ("INPUT_ACCESS-KEY-ID", esa_standin::DEMO_ACCESS_KEY_ID),
        (
            "INPUT_ACCESS-KEY-SECRET",
            esa_standin::DEMO_ACCESS_KEY_SECRET,
        ),
        ("INPUT_ENDPOINT", url.as_str()),
        ("INPUT_POLL-INTERVAL", "100ms"),
        ("INPUT_VERSION-ID", FIRST),
        ("INPUT_PUBLISH-ENV", "prod"),
        ("INPUT_PERCENTAGE-STEPS", "50,100"),
    ];
    // The lock's read, the publish, then two readings of the rollout under way: cancel.
    let r = support::cancelled_run(
        &s,
        &vars,
        ("GetEdgeContainerAppStatus", 3),
        Duration::from_millis(50),
        "TERM",
    );
    assert_ne!(r.code, 0);
    let out = r.outputs();
    assert_eq!(out["result"], "cancelled");
    assert_eq!(out["stopped-at"], "step 1/2");
    let error = &r.errors()[0].data;
    let share = &out["publish-percentage"];
    assert!(
        error.contains(&format!(
            "cancelled during step 1/2: its publish of {FIRST} at 50% was accepted and was being followed, and the last reading showed {FIRST} serving {share}%; the service may carry it on to that share"
        )),
        "{error}"
    );
    assert!(!error.contains("stays in place"), "{error}");
    assert_eq!(s.publishes().len(), 1);
}
