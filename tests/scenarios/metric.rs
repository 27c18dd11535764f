//! The scenarios of the metric gate (`pod_ready_rate >= 99`, 3 readings in a row): each step's bake reads the app's telemetry on the one loop; readings that pass pass the step; readings that fail, no data, and reads that fail count alike, and three in a row fail the step and roll it back; observing, nothing fails; beside the health gate, both are read each round, and either can fail the step.

use esa_engine::deploy::checks::metric::{Found, MetricFailed, MetricReading};
use esa_engine::deploy::checks::{CheckFailure, Measurement, Verdict};
use esa_engine::esa::stats::Field;

use crate::app::Telemetry;
use crate::harness::*;

fn telemetry(w: &mut World, script: &[Telemetry]) {
    with_id(w);
    w.app.telemetry = script.iter().cloned().collect();
}

fn ready(rate: f64) -> Telemetry {
    Telemetry::Point(vec![(Field::PodReadyRate, rate)])
}

/// Each metric reading's verdict and whether it counted against the step, in order.
fn verdicts(r: &Ran) -> Vec<(Verdict, bool)> {
    r.events
        .iter()
        .filter_map(|(_, e)| match e {
            Event::Measured {
                measurement: Measurement::Metric(_),
                verdict,
                enforced,
                ..
            } => Some((*verdict, *enforced)),
            _ => None,
        })
        .collect()
}

fn metric_failure(r: &Ran) -> &MetricFailed {
    match &r.failure().kind {
        FailureKind::CheckFailed(CheckFailure::Metric(why)) => why,
        other => panic!("not a metric failure: {other:?}"),
    }
}

#[test]
fn scenario_readings_that_pass_pass_each_step() {
    check(
        row(
            "readings that pass pass each step, the last too",
            &[ID, STEPS, METRIC, NO_BAKE],
            |w| telemetry(w, &[ready(100.0)]),
            "ok",
        )
        .publishes(3)
        .check(|r| {
            assert_eq!(verdicts(r), vec![(Verdict::Pass, true); 9]);
            // Each step's reads ask for the gate's field since that step's bake began.
            let reads = &r.world.app.read;
            assert!(reads
                .iter()
                .all(|(fields, _)| fields == &[Field::PodReadyRate]));
            let starts: Vec<_> = reads.iter().map(|(_, since)| *since).collect();
            assert_eq!(starts[0], starts[2], "one bake, one window start");
            assert!(
                starts[3] > starts[2],
                "the next step's window starts at its bake"
            );
        }),
    );
}

#[test]
fn scenario_three_readings_that_fail_in_a_row_fail_the_step_and_roll_it_back() {
    check(
        row(
            "three readings that fail in a row fail the step and roll it back",
            &[ID, STEPS, METRIC, NO_BAKE, ROLLBACK],
            |w| telemetry(w, &[ready(100.0), ready(100.0), ready(100.0), ready(80.0)]),
            "MetricCheckFailed",
        )
        .publishes(2)
        .rollbacks(1)
        .check(|r| {
            let why = metric_failure(r);
            assert_eq!(why.failures, 3);
            let MetricReading::Read { found, .. } = &why.last else {
                panic!("{why:?}");
            };
            assert!(
                matches!(&found[0].1, Found::Value { point, holds: false } if point.value == 80.0)
            );
            assert_eq!(r.failure().step, Some((2, 3)));
        }),
    );
}

#[test]
fn scenario_no_data_is_inconclusive_and_never_a_pass() {
    check(
        row(
            "no data is inconclusive, never a pass: three in a row fail the step",
            &[ID, WAIT, METRIC, NO_BAKE],
            |w| telemetry(w, &[Telemetry::Empty]),
            "MetricCheckFailed",
        )
        .check(|r| {
            assert_eq!(verdicts(r), vec![(Verdict::Inconclusive, true); 3]);
            let MetricReading::Read { found, .. } = &metric_failure(r).last else {
                panic!();
            };
            assert_eq!(found[0].1, Found::NoData);
        }),
    );
}

#[test]
fn scenario_a_read_that_fails_is_inconclusive_and_a_read_that_comes_back_counts_again() {
    check(
        row(
            "a read that fails is inconclusive; readings that pass after it pass the step",
            &[ID, WAIT, METRIC, NO_BAKE],
            |w| {
                with_id(w);
                fault(w, "Stats", Fault::Refuse("Throttling.User"));
                fault(w, "Stats", Fault::Refuse("Throttling.User"));
            },
            "ok",
        )
        .check(|r| {
            let v: Vec<Verdict> = verdicts(r).into_iter().map(|(v, _)| v).collect();
            assert_eq!(v[..2], [Verdict::Inconclusive, Verdict::Inconclusive]);
            // Read three times, the last passing, the window over: the step passes.
            assert_eq!(v[2..], [Verdict::Pass]);
        }),
    );
}

#[test]
fn scenario_reads_that_keep_failing_fail_the_step_with_the_error_read() {
    check(
        row(
            "reads that keep failing fail the step, and the failure carries the error",
            &[ID, WAIT, METRIC, NO_BAKE],
            |w| {
                with_id(w);
                for _ in 0..3 {
                    fault(w, "Stats", Fault::Refuse("Forbidden.RAM"));
                }
            },
            "MetricCheckFailed",
        )
        .check(|r| {
            let MetricReading::Unread(error) = &metric_failure(r).last else {
                panic!("{:?}", metric_failure(r));
            };
            assert_eq!(error.title(), "Forbidden.RAM");
        }),
    );
}

#[test]
fn scenario_observing_reads_and_reports_and_never_fails_the_step() {
    check(
        row(
            "observing, readings that fail are reported and fail nothing",
            &[ID, STEPS, OBSERVE, NO_BAKE],
            |w| telemetry(w, &[ready(50.0)]),
            "ok",
        )
        .publishes(3)
        .check(|r| {
            let v = verdicts(r);
            assert_eq!(v.len(), 9, "three readings a step, the window of three");
            assert!(v
                .iter()
                .all(|(verdict, enforced)| *verdict == Verdict::Fail && !enforced));
            assert!(r.saw(|e| matches!(
                e,
                Event::CheckPassed {
                    enforced: false,
                    failed: 3,
                    ..
                }
            )));
        }),
    );
}

#[test]
fn scenario_health_and_metric_are_read_side_by_side_and_either_fails_the_step() {
    check(
        row(
            "health and metric gates read each round; the metric gate fails a healthy step",
            &[ID, WAIT, HEALTH, METRIC, NO_BAKE],
            |w| telemetry(w, &[ready(10.0)]),
            "MetricCheckFailed",
        )
        .check(|r| {
            assert_eq!(r.sent("Probe"), 3, "a probe each round beside each reading");
            assert_eq!(r.world.app.read.len(), 3);
        }),
    );
    check(
        row(
            "health and metric gates both passing pass the step",
            &[ID, WAIT, HEALTH, METRIC, NO_BAKE],
            |w| telemetry(w, &[ready(100.0)]),
            "ok",
        )
        .check(|r| {
            let passed = r
                .events
                .iter()
                .filter(|(_, e)| matches!(e, Event::CheckPassed { .. }));
            assert_eq!(passed.count(), 2);
        }),
    );
}
