//! Following the rollout end to end: the stand-in simulates rollouts over successive status polls (progress, rollback, takeover, stuck, crash loop, a busy environment), and the real binary must never report success for a version that is not serving at the requested percentage.

mod support;

use std::time::{Duration, Instant};

use esa_standin::{
    Config, Fault, Initial, Rollout, StandIn, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET,
    DEMO_APP_ID,
};
use support::{run_binary, Run};

const VERSION: &str = "ver-879626371616510002";
const PREVIOUS: &str = "ver-000000000000000001";

fn standin(rollouts: Vec<Rollout>, busy: Option<(&str, u32)>) -> StandIn {
    StandIn::start(Config {
        rollouts,
        initial: Initial {
            deployed_version: PREVIOUS.into(),
            busy: busy.map(|(v, n)| (v.to_string(), n)),
            ..Initial::default()
        },
        ..Config::default()
    })
    .unwrap()
}

/// A prod publish of VERSION against the stand-in, polling fast.
fn base_vars(url: &str) -> Vec<(&str, &str)> {
    vec![
        ("INPUT_APP-ID", DEMO_APP_ID),
        ("INPUT_VERSION-ID", VERSION),
        ("INPUT_PUBLISH-ENV", "prod"),
        ("INPUT_ACCESS-KEY-ID", DEMO_ACCESS_KEY_ID),
        ("INPUT_ACCESS-KEY-SECRET", DEMO_ACCESS_KEY_SECRET),
        ("INPUT_ENDPOINT", url),
        ("INPUT_POLL-INTERVAL", "100ms"),
        ("INPUT_STEP-WAIT", "0s"),
    ]
}

fn publish(s: &StandIn, extra: &[(&str, &str)]) -> (Run, Duration) {
    let url = s.url();
    let mut vars = base_vars(&url);
    for (k, v) in extra {
        vars.retain(|(name, _)| name != k);
        vars.push((k, v));
    }
    let started = Instant::now();
    let run = run_binary(&vars);
    (run, started.elapsed())
}

fn title(run: &Run) -> String {
    let errors = run.errors();
    assert_eq!(errors.len(), 1, "{}", run.stdout);
    errors[0].properties["title"].clone()
}

fn actions(s: &StandIn) -> Vec<String> {
    s.requests()
        .into_iter()
        .map(|r| r.action.unwrap_or_default())
        .collect()
}

#[test]
fn wait_succeeds_only_when_the_version_serves_at_the_requested_share() {
    let s = standin(vec![], None);
    let (run, _) = publish(&s, &[("INPUT_WAIT", "true"), ("INPUT_PERCENTAGE", "100")]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let out = run.outputs();
    assert_eq!(out["publish-status"], "published");
    assert_eq!(out["publish-percentage"], "100");
    assert_eq!(out["deployed-version"], VERSION);
    assert_eq!(out["previous-version"], PREVIOUS);
    assert_eq!(out["regions"], "[]");
    // Progress is logged as it changes: the first poll already shows 40%.
    assert!(
        run.stdout
            .contains("publishing ver-879626371616510002 40% of 100%"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("40% → 80%") && run.stdout.contains("80% → 100%"),
        "{}",
        run.stdout
    );
    assert!(
        run.summary.contains("#### Timeline") && run.summary.contains("serves 100%"),
        "{}",
        run.summary
    );
    let polls = actions(&s)
        .iter()
        .filter(|a| *a == "GetEdgeContainerAppStatus")
        .count();
    assert_eq!(
        polls,
        4,
        "one read for the lock, then 40%, 80%, 100%: {:?}",
        actions(&s)
    );
}

#[test]
fn a_stuck_rollout_times_out() {
    let s = standin(vec![Rollout::Stuck], None);
    let (run, elapsed) = publish(&s, &[("INPUT_WAIT", "true"), ("INPUT_WAIT-TIMEOUT", "1s")]);
    assert_eq!(run.code, 1);
    assert_eq!(title(&run), "RolloutTimeout");
    assert!(
        run.errors()[0]
            .data
            .contains("did not reach 100% within `wait-timeout` (00:01)"),
        "{}",
        run.errors()[0].data
    );
    assert!(run.errors()[0].data.contains("Nothing was rolled back"));
    assert!(
        run.errors()[0]
            .data
            .contains("the service reported no progress in that time"),
        "{}",
        run.errors()[0].data
    );
    assert!(elapsed < Duration::from_secs(6), "{elapsed:?}");
}

#[test]
fn a_rollback_midway_is_a_failure() {
    let s = standin(vec![Rollout::RollbackAfter(1)], None);
    let (run, _) = publish(&s, &[("INPUT_WAIT", "true")]);
    assert_eq!(run.code, 1);
    assert_eq!(title(&run), "RolloutRolledBack");
    assert_eq!(run.outputs()["publish-status"], "rollbacking");
}

#[test]
fn another_version_taking_over_is_a_failure() {
    let s = standin(vec![Rollout::TakeoverAfter(1)], None);
    let (run, _) = publish(&s, &[("INPUT_WAIT", "true")]);
    assert_eq!(run.code, 1);
    assert_eq!(title(&run), "RolloutTakenOver");
    assert!(run.errors()[0].data.contains("ver-999999999999999999"));
}

#[test]
fn a_crash_loop_on_staging_is_named() {
    let s = standin(vec![Rollout::CrashLoopAfter(1)], None);
    let (run, _) = publish(
        &s,
        &[("INPUT_WAIT", "true"), ("INPUT_PUBLISH-ENV", "staging")],
    );
    assert_eq!(run.code, 1);
    assert_eq!(title(&run), "ContainerCrashLoop");
    assert!(run.errors()[0].data.contains("CrashLoopBackOff"));
    assert!(actions(&s).contains(&"GetEdgeContainerStagingDeployStatus".to_string()));
}

#[test]
fn staged_steps_fail_at_step_two_and_roll_back_to_the_previous_version() {
    let s = standin(vec![Rollout::Normal, Rollout::Stuck], None);
    let (run, _) = publish(
        &s,
        &[
            ("INPUT_PERCENTAGE-STEPS", "10,50,100"),
            ("INPUT_WAIT-TIMEOUT", "1s"),
            ("INPUT_ROLLBACK-ON-FAILURE", "true"),
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(title(&run), "RolloutTimeout");
    let publishes = s.publishes();
    let shares: Vec<_> = publishes
        .iter()
        .map(|p| p.body_params["Percentage"].clone())
        .collect();
    assert_eq!(shares, ["10", "50"], "step 3 never starts");
    let rollbacks: Vec<_> = s
        .requests()
        .into_iter()
        .filter(|r| r.action.as_deref() == Some("RollbackEdgeContainerAppVersion"))
        .collect();
    assert_eq!(rollbacks.len(), 1);
    assert_eq!(
        rollbacks[0].query_params["VersionId"], PREVIOUS,
        "back to what served before"
    );
    assert_eq!(rollbacks[0].body_params["AppId"], DEMO_APP_ID);
    assert_eq!(
        run.outputs()["rollback-request-id"],
        rollbacks[0].request_id
    );
    let error = &run.errors()[0].data;
    assert!(
        error.contains("step 2/3")
            && error.contains(&format!("Rolled back to {PREVIOUS}"))
            && error.contains(&rollbacks[0].request_id),
        "{error}"
    );
    assert!(
        run.summary.contains("step 1/3") && run.summary.contains("rolled back to"),
        "{}",
        run.summary
    );
}

#[test]
fn staged_steps_all_pass() {
    let s = standin(vec![], None);
    let (run, _) = publish(&s, &[("INPUT_PERCENTAGE-STEPS", "10,50,100")]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let shares: Vec<_> = s
        .publishes()
        .iter()
        .map(|p| p.body_params["Percentage"].clone())
        .collect();
    assert_eq!(shares, ["10", "50", "100"]);
    assert_eq!(run.outputs()["publish-percentage"], "100");
}

#[test]
fn if_busy_fail_refuses_to_publish_over_another_rollout() {
    let s = standin(vec![], Some(("ver-555555555555555555", 3)));
    let (run, _) = publish(&s, &[]);
    assert_eq!(run.code, 1);
    assert_eq!(title(&run), "PublishInProgress");
    assert!(run.errors()[0]
        .data
        .contains("already publishing ver-555555555555555555"));
    assert!(s.publishes().is_empty());
}

#[test]
fn if_busy_wait_waits_for_the_other_rollout_then_publishes() {
    let s = standin(vec![], Some(("ver-555555555555555555", 2)));
    let (run, _) = publish(&s, &[("INPUT_IF-BUSY", "wait"), ("INPUT_WAIT", "true")]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(s.publishes().len(), 1);
    assert!(
        run.stdout.contains("waiting for it to finish")
            && run.stdout.contains("the other publish is over"),
        "{}",
        run.stdout
    );
    assert_eq!(run.outputs()["previous-version"], "ver-555555555555555555");
}

#[test]
fn a_cancelled_staged_rollout_says_which_step_stays() {
    let s = standin(vec![], None);
    let url = s.url();
    let mut vars = base_vars(&url);
    vars.retain(|(k, _)| *k != "INPUT_STEP-WAIT");
    vars.extend([
        ("INPUT_PERCENTAGE-STEPS", "10,100"),
        ("INPUT_STEP-WAIT", "30s"),
    ]);
    // Step 1 done (the lock's read, then one poll reaches 10%) and the bake begun: cancel.
    let run = support::cancelled_run(
        &s,
        &vars,
        ("GetEdgeContainerAppStatus", 2),
        Duration::from_millis(300),
        "TERM",
    );
    let stdout = run.stdout.clone();
    assert_ne!(run.code, 0);
    let errors: Vec<_> = support::commands(&stdout)
        .into_iter()
        .filter(|c| c.name == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{stdout}");
    assert_eq!(errors[0].properties["title"], "Cancelled");
    assert!(errors[0].data.contains("cancelled while baking after step 1/2: the last completed step, 1/2 at 10%, stays in place"), "{stdout}");
    assert_eq!(s.publishes().len(), 1);
}

#[test]
fn a_rollback_whose_answer_was_lost_is_settled_by_the_status() {
    let s = standin(vec![Rollout::Stuck], None);
    s.push_faults_on("RollbackEdgeContainerAppVersion", Fault::CutOff, 5);
    let (run, _) = publish(
        &s,
        &[
            ("INPUT_WAIT", "true"),
            ("INPUT_WAIT-TIMEOUT", "1s"),
            ("INPUT_ROLLBACK-ON-FAILURE", "true"),
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(title(&run), "RolloutTimeout");
    let rollbacks = actions(&s)
        .iter()
        .filter(|a| *a == "RollbackEdgeContainerAppVersion")
        .count();
    assert_eq!(rollbacks, 1, "a rollback that took effect is not repeated");
    let warning = run
        .warnings()
        .into_iter()
        .find(|w| w.properties.get("title").map(String::as_str) == Some("AnswerLost"))
        .unwrap_or_else(|| panic!("no AnswerLost warning:\n{}", run.stdout));
    assert!(
        warning.data.contains(&format!(
            "the answer to the rollback to {PREVIOUS} was lost"
        )) && warning.data.contains("new RollbackTime"),
        "{}",
        warning.data
    );
    let error = &run.errors()[0].data;
    assert!(
        error.contains(&format!("Rolled back to {PREVIOUS}")) && error.contains("answer was lost"),
        "{error}"
    );
    assert!(!run.outputs().contains_key("rollback-request-id"));
}

fn rolling_back_standin(polls: u32) -> StandIn {
    StandIn::start(Config {
        initial: Initial {
            deployed_version: PREVIOUS.into(),
            rolling_back: Some(polls),
            ..Initial::default()
        },
        ..Config::default()
    })
    .unwrap()
}

#[test]
fn if_busy_fail_refuses_to_publish_over_someone_elses_rollback() {
    let s = rolling_back_standin(3);
    let (run, _) = publish(&s, &[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(title(&run), "PublishInProgress");
    assert!(
        run.errors()[0].data.contains("is rolling back on prod"),
        "{}",
        run.errors()[0].data
    );
    assert!(s.publishes().is_empty());
}

#[test]
fn if_busy_wait_waits_out_a_rollback_and_never_takes_it_for_its_own() {
    let s = rolling_back_standin(2);
    let (run, _) = publish(&s, &[("INPUT_IF-BUSY", "wait"), ("INPUT_WAIT", "true")]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(s.publishes().len(), 1);
    assert!(
        run.stdout
            .contains("a rollback is under way; waiting for it to finish"),
        "{}",
        run.stdout
    );
    assert_eq!(run.outputs()["deployed-version"], VERSION);
}

#[test]
fn a_status_read_that_hangs_while_following_ends_within_the_wait_not_the_timeout() {
    let s = standin(vec![Rollout::Stuck], None);
    // The lock's read answers; every read while following hangs.
    s.push_faults_on_after("GetEdgeContainerAppStatus", 1, Fault::Hang, 5);
    let (run, elapsed) = publish(
        &s,
        &[
            ("INPUT_WAIT", "true"),
            ("INPUT_WAIT-TIMEOUT", "1s"),
            ("INPUT_TIMEOUT", "40"),
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(title(&run), "RolloutStatusUnknown");
    // wait-timeout (1 s) plus the read slack (5 s), with room for a slow machine; far from 40 s.
    assert!(elapsed < Duration::from_secs(12), "{elapsed:?}");
    assert_eq!(s.publishes().len(), 1);
}

#[test]
fn a_status_with_a_percentage_out_of_range_is_an_error_not_a_wrapped_number() {
    let s = standin(vec![], None);
    s.push_faults_on(
        "GetEdgeContainerAppStatus",
        Fault::respond(
            200,
            "application/json",
            r#"{"RequestId":"OUT-OF-RANGE","AppStatus":{"PublishStatus":"published","PublishPercentage":4294967396,"ExpectPercentage":100,"DeployedVersion":"ver-000000000000000001"}}"#,
        ),
        1,
    );
    let (run, _) = publish(&s, &[("INPUT_WAIT", "true")]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(title(&run), "UnexpectedResponse");
    let error = &run.errors()[0].data;
    assert!(
        error.contains("PublishPercentage of 4294967396") && error.contains("OUT-OF-RANGE"),
        "{error}"
    );
    assert!(s.publishes().is_empty());
}
