//! A newcomer's first hour, end to end: mistakes that would widen a rollout are errors with nothing sent, and the reports tell the truth (staged rollouts as their steps, "accepted" without `wait`, warnings in the summary, no stray escapes, dry runs that say what they read and set the outputs they can).

mod support;

use esa_standin::{Config, StandIn, DEMO_ACCESS_KEY_ID};
use support::{run_against, Run};

const VERSION: &str = "ver-879626371616510001";

fn run(s: &StandIn, extra: &[(&str, &str)]) -> Run {
    let mut vars = vec![("INPUT_VERSION-ID", VERSION), ("INPUT_PUBLISH-ENV", "prod")];
    vars.extend_from_slice(extra);
    run_against(&s.url(), &vars)
}

/// The run was refused with one error of this title, and nothing reached the stand-in.
fn refused(s: &StandIn, r: &Run, title: &str) -> String {
    assert_eq!(r.code, 1, "{}", r.stdout);
    let errors = r.errors();
    assert_eq!(errors.len(), 1, "{}", r.stdout);
    assert_eq!(errors[0].properties["title"], title, "{}", r.stdout);
    assert!(s.requests().is_empty(), "nothing is sent");
    errors[0].data.clone()
}

#[test]
fn regions_without_a_region_publish_are_an_error() {
    let s = StandIn::start(Config::default()).unwrap();
    let r = run(&s, &[("INPUT_REGIONS", "jiangsu,zhejiang")]);
    let text = refused(&s, &r, "InvalidParameter");
    assert!(text.contains("Add `publish-type: region`"), "{text}");
}

#[test]
fn a_percentage_label_that_is_not_there_does_not_publish_everything() {
    let s = StandIn::start(Config::default()).unwrap();
    let r = run(
        &s,
        &[
            ("INPUT_PERCENTAGE-FROM-LABEL", "canary:"),
            ("GITHUB_EVENT_NAME", "push"),
        ],
    );
    let text = refused(&s, &r, "PercentageLabelMissing");
    assert!(
        text.contains("would publish to 100%") && text.contains("`percentage`"),
        "{text}"
    );
    // With a fallback percentage, the run goes on at that share.
    let r = run(
        &s,
        &[
            ("INPUT_PERCENTAGE-FROM-LABEL", "canary:"),
            ("GITHUB_EVENT_NAME", "push"),
            ("INPUT_PERCENTAGE", "5"),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(s.publishes()[0].body_params["Percentage"], "5");
}

#[test]
fn rollback_on_failure_without_following_is_an_error() {
    let s = StandIn::start(Config::default()).unwrap();
    let r = run(&s, &[("INPUT_ROLLBACK-ON-FAILURE", "true")]);
    let text = refused(&s, &r, "InvalidParameter");
    assert!(text.contains("add `wait: true`"), "{text}");
}

#[test]
fn a_staged_rollout_is_reported_as_its_steps() {
    let s = StandIn::start(Config::default()).unwrap();
    let r = run(
        &s,
        &[
            ("INPUT_PERCENTAGE-STEPS", "20,100"),
            ("INPUT_STEP-WAIT", "3s"),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.summary.contains("| Rollout | 20% → 100%, bake 3s |"),
        "{}",
        r.summary
    );
    let last = r.stdout.lines().last().unwrap();
    assert!(
        last.starts_with("Published ver-") && last.contains("(20% → 100%, bake 3s)"),
        "{last}"
    );
    assert!(!r.summary.contains("(default)") && !r.stdout.contains("(default)"));
    // A bare number is seconds, as the README's Inputs say.
    let r = run(
        &s,
        &[
            ("INPUT_PERCENTAGE-STEPS", "20,100"),
            ("INPUT_STEP-WAIT", "1"),
        ],
    );
    assert!(
        r.summary.contains("| Rollout | 20% → 100%, bake 1s |"),
        "{}",
        r.summary
    );
}

#[test]
fn without_wait_the_publish_is_accepted_not_published() {
    let s = StandIn::start(Config::default()).unwrap();
    let r = run(&s, &[("INPUT_PERCENTAGE", "20")]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.summary.starts_with("### 📨 esa-publish: accepted"),
        "{}",
        r.summary
    );
    assert!(
        !r.summary.contains("Timeline"),
        "no timeline is pointed to: {}",
        r.summary
    );
    let last = r.stdout.lines().last().unwrap();
    assert!(
        last.starts_with("Accepted: the service took the publish of"),
        "{last}"
    );
    assert!(!last.contains("Published"), "{last}");
    // With `wait`, it is published, with its timeline.
    let r = run(&s, &[("INPUT_PERCENTAGE", "20"), ("INPUT_WAIT", "true")]);
    assert!(
        r.summary.starts_with("### ✅ esa-publish: published"),
        "{}",
        r.summary
    );
    assert!(r.summary.contains("#### Timeline"), "{}", r.summary);
}

#[test]
fn warnings_reach_the_summary() {
    let s = StandIn::start(Config::default()).unwrap();
    let r = run(&s, &[("INPUT_START-TIME", "2020-01-01T00:00:00Z")]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.warnings().len(), 1, "{}", r.stdout);
    assert!(r.summary.contains("#### Warnings"), "{}", r.summary);
    assert!(r.summary.contains("is in the past"), "{}", r.summary);
}

#[test]
fn the_summary_shows_no_stray_escapes() {
    let s = StandIn::start(Config::default()).unwrap();
    for extra in [
        &[("INPUT_REMARKS", "a_b *c* `d` [e] | f \\ g")][..],
        &[("INPUT_APP-ID", "app-000000000000000404")],
        &[("INPUT_PUBLISH-ENV", "nowhere"), ("INPUT_PERCENTAGE", "0")],
    ] {
        let r = run(&s, extra);
        assert!(!r.summary.contains('\\'), "{extra:?}:\n{}", r.summary);
        for line in r.summary.lines().filter(|l| l.starts_with("| ")) {
            assert_eq!(
                line.matches(" | ").count() + 2,
                line.matches('|').count(),
                "a cell split: {line}"
            );
        }
    }
}

#[test]
fn a_dry_run_says_what_it_read_and_sets_the_outputs_it_can() {
    let s = StandIn::start(Config::default()).unwrap();
    let r = run(
        &s,
        &[
            ("INPUT_DRY-RUN", "true"),
            ("INPUT_PERCENTAGE-STEPS", "20,100"),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.outputs()["version-id"], VERSION);
    assert!(s.requests().is_empty());
    assert!(r.stdout.contains("nothing was sent"), "{}", r.stdout);
    for step in [
        "step 1/2: publish ver-879626371616510001 at 20%, then follow it until it serves",
        "bake 5m (`step-wait`)",
        "step 2/2: publish ver-879626371616510001 at 100%",
        "each later step sends the same request with its own Percentage",
    ] {
        assert!(r.stdout.contains(step), "{step}:\n{}", r.stdout);
    }
    // The AccessKey ID is masked in the signed headers, as everywhere else.
    assert!(!r.stdout.contains(DEMO_ACCESS_KEY_ID), "{}", r.stdout);
    assert!(r.stdout.contains("Credential=LTAI****"), "{}", r.stdout);

    // A dry run that reads says so, lists the reads, and changes nothing.
    let r = run(
        &s,
        &[
            ("INPUT_DRY-RUN", "true"),
            ("INPUT_VERSION-ID", ""),
            ("INPUT_VERSION-NAME", "initial-version"),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    let last = r.stdout.lines().last().unwrap();
    assert!(
        last.contains(
            "1 read call(s) were made (ListEdgeContainerAppVersions), and nothing was changed"
        ),
        "{last}"
    );
    assert!(
        r.summary.contains("nothing was changed") && r.summary.contains("| Reads |"),
        "{}",
        r.summary
    );
    assert_eq!(r.outputs()["version-id"], esa_standin::INITIAL_VERSION);
    assert_eq!(r.outputs()["version-name"], "initial-version");
    assert!(s
        .requests()
        .iter()
        .all(|q| q.action.as_deref() == Some("ListEdgeContainerAppVersions")));
}
