//! The outputs tell the truth after the fact, through the runner emulation: after a health-gate rollback, after a timeout with nothing undone, and after a cancel (SIGTERM), each output describes the final state, and `result` is what an `if:` should test.

mod support;

use std::time::Duration;

use esa_standin::app_server::{Answer, AppServer};
use esa_standin::{Config, Initial, Rollout, StandIn, INITIAL_VERSION};
use support::run_against;

const VERSION: &str = "ver-000000000000000002";

fn standin(rollouts: Vec<Rollout>) -> StandIn {
    StandIn::start(Config {
        rollouts,
        initial: Initial {
            deployed_version: INITIAL_VERSION.into(),
            ..Initial::default()
        },
        ..Config::default()
    })
    .unwrap()
}

#[test]
fn after_a_health_gate_rollback_the_outputs_say_rolled_back_and_what_serves() {
    let s = standin(vec![]);
    let app = AppServer::start(vec![Answer::Status(503, "down".into())], false).unwrap();
    let url = format!("http://127.0.0.1:{}/healthz", app.port());
    let r = run_against(
        &s.url(),
        &[
            ("INPUT_VERSION-ID", VERSION),
            ("INPUT_PUBLISH-ENV", "prod"),
            ("INPUT_PERCENTAGE-STEPS", "20,100"),
            ("INPUT_STEP-WAIT", "0s"),
            ("INPUT_HEALTH-URL", &url),
            ("INPUT_ROLLBACK-ON-FAILURE", "true"),
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    let out = r.outputs();
    assert_eq!(out["result"], "rolled-back");
    assert_eq!(out["publish-status"], "rollbacking");
    assert_eq!(out["publish-percentage"], "0");
    assert_eq!(out["deployed-version"], INITIAL_VERSION);
    assert_eq!(out["previous-version"], INITIAL_VERSION);
    assert_eq!(out["stopped-at"], "bake 1/2");
    assert!(!out["rollback-request-id"].is_empty());
    // On prod with no region reporting replicas there is nothing to explain the failure by.
    assert!(!r.stdout.contains("why: "), "{}", r.stdout);
}

#[test]
fn after_a_timeout_with_nothing_undone_the_outputs_say_failed_and_what_serves() {
    let s = standin(vec![Rollout::Stuck]);
    let r = run_against(
        &s.url(),
        &[
            ("INPUT_VERSION-ID", VERSION),
            ("INPUT_PUBLISH-ENV", "prod"),
            ("INPUT_WAIT", "true"),
            ("INPUT_WAIT-TIMEOUT", "1s"),
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(r.errors()[0].properties["title"], "RolloutTimeout");
    let out = r.outputs();
    assert_eq!(out["result"], "failed");
    assert_eq!(out["publish-status"], "publishing");
    // What serves: the last reading's DeployedVersion, as the stand-in holds it (the version
    // from before while the new one is on its way, where DeployedVersion moves at full).
    let prod = s.app_state(esa_standin::DEMO_APP_ID, "prod").unwrap();
    assert_eq!(out["deployed-version"], prod.deployed_version);
    if esa_standin::readings::Readings::from_env().deployed
        == esa_standin::readings::Deployed::AtFull
    {
        assert_eq!(out["deployed-version"], INITIAL_VERSION);
    }
    assert_eq!(out["stopped-at"], "step 1/1");
}

#[test]
fn after_a_cancel_the_outputs_say_cancelled_and_where_the_steps_stood() {
    let s = standin(vec![]);
    let url = s.url();
    let vars = [
        ("INPUT_APP-ID", esa_standin::DEMO_APP_ID),
        ("INPUT_ACCESS-KEY-ID", esa_standin::DEMO_ACCESS_KEY_ID),
        (
            "INPUT_ACCESS-KEY-SECRET",
            esa_standin::DEMO_ACCESS_KEY_SECRET,
        ),
        ("INPUT_ENDPOINT", url.as_str()),
        ("INPUT_POLL-INTERVAL", "100ms"),
        ("INPUT_VERSION-ID", VERSION),
        ("INPUT_PUBLISH-ENV", "prod"),
        ("INPUT_PERCENTAGE-STEPS", "10,100"),
        ("INPUT_STEP-WAIT", "30s"),
    ];
    // Step 1 served (the lock's read, then one poll reaches 10%) and its bake has begun.
    let r = support::cancelled_run(
        &s,
        &vars,
        ("GetEdgeContainerAppStatus", 2),
        Duration::from_millis(300),
        "TERM",
    );
    assert_ne!(r.code, 0);
    let out = r.outputs();
    assert_eq!(out["result"], "cancelled");
    assert_eq!(out["stopped-at"], "bake 1/2");
    assert_eq!(out["publish-percentage"], "10");
    assert!(r.stdout.contains("SIGTERM received"), "{}", r.stdout);
}

/// Found by the fault soak (`scripts/soak.sh`): a publish applied whose answer was cut off,
/// then a status read that never answers, was reported `not-published` while the service
/// held it at 10%. Whether it took effect cannot be known then, and `result` says so.
#[test]
fn a_lost_publish_the_status_cannot_settle_is_unknown_not_unpublished() {
    let s = standin(vec![]);
    s.push_fault(esa_standin::Fault::CutOff);
    s.push_faults_on_after("GetEdgeContainerAppStatus", 1, esa_standin::Fault::Hang, 1);
    let r = run_against(
        &s.url(),
        &[
            ("INPUT_VERSION-ID", VERSION),
            ("INPUT_PUBLISH-ENV", "prod"),
            ("INPUT_PERCENTAGE-STEPS", "10,100"),
            ("INPUT_TIMEOUT", "2s"),
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(s.applied_publishes(), 1);
    assert_eq!(r.outputs()["result"], "unknown");
}

/// Found by the fault soak: a status read that never answered ended the run while the service
/// moved on, and the outputs reported the reading before it (`deployed-version` the old
/// version) as what served at the end. An end whose status could not be read leaves them
/// empty, whichever reading came before (here the one before the last publish; in the soak's
/// case one after it, which the hung read then outdated).
#[test]
fn when_the_last_status_read_fails_the_outputs_do_not_report_an_older_reading() {
    let s = standin(vec![]);
    s.push_faults_on_after("GetEdgeContainerAppStatus", 1, esa_standin::Fault::Reset, 1);
    s.push_faults_on_after("GetEdgeContainerAppStatus", 3, esa_standin::Fault::Hang, 1);
    let r = run_against(
        &s.url(),
        &[
            ("INPUT_VERSION-ID", VERSION),
            ("INPUT_PUBLISH-ENV", "prod"),
            ("INPUT_PERCENTAGE-STEPS", "20,50,100"),
            ("INPUT_STEP-WAIT", "0s"),
            ("INPUT_TIMEOUT", "3s"),
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(r.errors()[0].properties["title"], "RolloutStatusUnknown");
    let out = r.outputs();
    for stale in ["deployed-version", "publish-status", "publish-percentage"] {
        assert!(!out.contains_key(stale), "{stale}: {out:?}");
    }
    // Nor does the result claim what serves: `failed` would say the version does not serve at
    // its share, which a run that could not read the status cannot know (the soak found a run
    // saying `failed` over a rollout that had finished).
    assert_eq!(out["result"], "unknown");
}
