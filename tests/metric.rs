//! The metric gate end to end: the real binary, run as the Actions runner runs the Docker action, against the stand-in playing DescribeEdgeContainerAppStats: readings that pass, that fail and roll the step back, no data, a refused read, observe mode; the readings of what the service does not document (rates as fractions, points that come late); the dry run's plan and signed request; and a gate refused before anything is sent.

mod support;

use esa_standin::stats::Telemetry;
use esa_standin::{Config, StandIn};
use support::{assert_no_forged_commands, run_against, Run};

const VERSION: &str = "ver-000000000000000002";

/// The stand-in with points a second apart (so that every reading's window has one), then
/// `play`.
fn standin(play: impl FnOnce(&mut Telemetry)) -> StandIn {
    let mut config = Config::default();
    config.telemetry.spacing_seconds = 1;
    play(&mut config.telemetry);
    StandIn::start(config).unwrap()
}

/// A prod rollout in two steps, no bake, gated on pod readiness (and `extra`).
fn gated(s: &StandIn, extra: &[(&str, &str)]) -> Run {
    let mut vars = vec![
        ("INPUT_VERSION-ID", VERSION),
        ("INPUT_PUBLISH-ENV", "prod"),
        ("INPUT_PERCENTAGE-STEPS", "50,100"),
        ("INPUT_STEP-WAIT", "0s"),
        (
            "INPUT_METRIC-GATE",
            "pod_ready_rate >= 99\ncontainer_memory_rss_quota_rate < 90",
        ),
        ("INPUT_ROLLBACK-ON-FAILURE", "true"),
    ];
    vars.extend_from_slice(extra);
    let run = run_against(&s.url(), &vars);
    assert_no_forged_commands(&run);
    run
}

#[test]
fn readings_that_pass_pass_each_step_and_the_summary_lists_them() {
    let s = standin(|_| {});
    let r = gated(&s, &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(s.publishes().len(), 2);
    let reads = s.requests_of("DescribeEdgeContainerAppStats");
    assert_eq!(reads.len(), 6, "three readings a step");
    for read in &reads {
        // Every parameter in the query, as the SDK sends them; the stand-in verified the
        // signature of each.
        assert_eq!(read.method, "GET");
        assert_eq!(read.query_params["App"], esa_standin::DEMO_APP_ID);
        assert_eq!(
            read.query_params["Fields"],
            "pod_ready_rate,container_memory_rss_quota_rate"
        );
        assert!(
            read.query_params["StartTime"] < read.query_params["EndTime"],
            "{:?}",
            read.query_params
        );
        assert_eq!(read.status, 200);
        assert!(read.body_params.is_empty());
    }
    assert!(r.stdout.contains("metric reading 1: pod_ready_rate 100 (>= 99 holds), container_memory_rss_quota_rate 10 (< 90 holds) (passes)"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("step 2/2: the metric gate passed (3 reading(s))"),
        "{}",
        r.stdout
    );
    assert!(r.summary.contains("### Metric gate"), "{}", r.summary);
    assert!(
        r.summary
            .contains("<code>pod&#95;ready&#95;rate</code> | 100 at "),
        "{}",
        r.summary
    );
    assert_eq!(r.outputs()["result"], "published");
}

#[test]
fn readings_that_fail_fail_the_step_roll_it_back_and_say_which_value_broke_which_condition() {
    let s =
        standin(|t| t.series = vec![("pod_ready_rate".into(), vec![100.0, 100.0, 100.0, 80.0])]);
    let r = gated(&s, &[]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let (title, text) = r.the_error();
    assert_eq!(title, "MetricCheckFailed");
    assert!(text.contains("step 2/2"), "{text}");
    assert!(text.contains("pod_ready_rate 80 (needs >= 99)"), "{text}");
    assert!(text.contains("Rolled back to"), "{text}");
    assert_eq!(r.outputs()["result"], "rolled-back");
    assert!(r.summary.contains("| fail |"), "{}", r.summary);
}

#[test]
fn no_data_never_passes_a_step() {
    let s = standin(|t| t.empty = true);
    let r = gated(&s, &[]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let (title, text) = r.the_error();
    assert_eq!(title, "MetricCheckFailed");
    assert!(
        text.contains("pod_ready_rate: no data (needs >= 99)"),
        "{text}"
    );
    assert_eq!(s.publishes().len(), 1, "the first step failed");
}

#[test]
fn a_refused_read_is_inconclusive_and_the_failure_says_which_permission() {
    let s = standin(|t| t.error = Some("Forbidden.RAM"));
    let r = gated(&s, &[]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let (title, text) = r.the_error();
    assert_eq!(title, "MetricCheckFailed");
    assert!(text.contains("Forbidden.RAM"), "{text}");
    assert!(text.contains("esa:DescribeEdgeContainerAppStats"), "{text}");
}

#[test]
fn observing_reports_what_would_fail_and_fails_nothing() {
    let s = standin(|t| t.series = vec![("pod_ready_rate".into(), vec![50.0])]);
    let r = gated(&s, &[("INPUT_METRIC-GATE-MODE", "observe")]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.outputs()["result"], "published");
    assert!(
        r.stdout.contains("(would not pass, 3 in a row; observing)"),
        "{}",
        r.stdout
    );
    assert!(
        r.summary
            .contains("Observe mode: 6 of 6 reading(s) would have failed; none failed the step."),
        "{}",
        r.summary
    );
    assert!(r.summary.contains("would fail (observe)"), "{}", r.summary);
    assert!(r.errors().is_empty());
}

#[test]
fn under_each_reading_of_the_undocumented_the_raw_values_are_shown_as_read() {
    // Rates as fractions: 1 means all pods ready, and `>= 99` does not hold. The gate compares
    // what comes; observing shows it raw, which is why the README says to observe first.
    let s = standin(|t| t.fractions = true);
    let r = gated(&s, &[("INPUT_METRIC-GATE-MODE", "observe")]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout.contains(
            "pod_ready_rate 1 (needs >= 99), container_memory_rss_quota_rate 0.1 (< 90 holds)"
        ),
        "{}",
        r.stdout
    );
    // Points that come a minute late: the bake's window has none yet, and no data fails the
    // step, as the README warns.
    let s = standin(|t| t.lag_seconds = 60);
    let r = gated(&s, &[]);
    assert_eq!(r.the_error().0, "MetricCheckFailed");
    assert!(r.the_error().1.contains("no data"), "{}", r.the_error().1);
    // Points ten seconds apart (the stand-in's default): a bake of under a second may find
    // none, or one; either way what was read is what is told.
    let mut config = Config::default();
    config.telemetry.spacing_seconds = 10;
    let s = StandIn::start(config).unwrap();
    let r = gated(&s, &[("INPUT_METRIC-GATE-MODE", "observe")]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout.contains("metric reading 1: pod_ready_rate"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_dry_run_shows_the_gate_and_its_first_signed_read_and_sends_nothing() {
    let s = standin(|_| {});
    let r = gated(&s, &[("INPUT_DRY-RUN", "true")]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout.contains(
            "metric gate: after each step serves, DescribeEdgeContainerAppStats every 100ms"
        ),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("step 1/2: the metric gate (below)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(", metric-gated); nothing was sent"),
        "the last line names the gate that holds the steps: {}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("Dry run: the metric gate's first read (nothing is sent)"),
        "{}",
        r.stdout
    );
    let group: Vec<&str> = r
        .stdout
        .lines()
        .skip_while(|l| !l.contains("the metric gate's first read"))
        .take_while(|l| !l.starts_with("::endgroup::"))
        .collect();
    let get = group
        .iter()
        .find(|l| l.starts_with("GET "))
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(get.contains("App=app-880688675783790001&EndTime="), "{get}");
    assert!(
        get.contains("&Fields=pod_ready_rate%2Ccontainer_memory_rss_quota_rate&StartTime="),
        "{get}"
    );
    assert!(
        group.contains(&"header x-acs-action: DescribeEdgeContainerAppStats"),
        "{group:#?}"
    );
    assert!(
        !group
            .iter()
            .any(|l| l.contains("Signature=") && !l.contains("Signature=***")),
        "{group:#?}"
    );
    assert!(
        s.requests().is_empty(),
        "a dry run with a version ID sends nothing"
    );
}

#[test]
fn a_bad_gate_is_refused_before_anything_is_sent() {
    let s = standin(|_| {});
    let r = gated(
        &s,
        &[(
            "INPUT_METRIC-GATE",
            "pod_ready >= 99\ncontainer_memory_rss_quota_rate => 90\npod_ready_rate >= lots",
        )],
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    let texts: Vec<String> = r.errors().iter().map(|e| e.data.clone()).collect();
    assert_eq!(texts.len(), 3, "{texts:?}");
    assert!(
        texts[0].contains("line 1") && texts[0].contains("did you mean `pod_ready_rate`?"),
        "{texts:?}"
    );
    assert!(
        texts[1].contains("line 2") && texts[1].contains("`=>` is no comparison"),
        "{texts:?}"
    );
    assert!(
        texts[2].contains("line 3") && texts[2].contains("`lots` is not a number"),
        "{texts:?}"
    );
    assert!(s.requests().is_empty());
}
