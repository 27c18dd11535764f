//! The scenarios of the health gate: each step probed while it bakes, the last step too; failures in a row fail the step and roll it back like a failed rollout; failures that are not in a row pass; staging is probed at its own addresses, and without them the gate fails rather than being skipped.

use std::net::IpAddr;

use esa_engine::deploy::checks::health::HealthFailed;
use esa_engine::deploy::checks::CheckFailure;
use esa_engine::esa::probe::{NoAnswer, Probed};

use crate::fake::AppAnswer;
use crate::harness::*;

fn answers(w: &mut World, script: &[AppAnswer]) {
    with_id(w);
    w.app.answers = script.iter().copied().collect();
}

fn passed(r: &Ran) -> Vec<(u32, u32)> {
    r.events
        .iter()
        .filter_map(|(_, e)| match e {
            Event::CheckPassed {
                readings, failed, ..
            } => Some((*readings, *failed)),
            _ => None,
        })
        .collect()
}

fn health_failure(r: &Ran) -> &HealthFailed {
    match &r.failure().kind {
        FailureKind::CheckFailed(CheckFailure::Health(why)) => why,
        other => panic!("not a health failure: {other:?}"),
    }
}

fn last_probe(r: &Ran) -> &Probed {
    match health_failure(r) {
        HealthFailed::Probes {
            last, failures: 3, ..
        } => last,
        other => panic!("{other:?}"),
    }
}

#[test]
fn scenario_a_healthy_app_passes_each_step_s_gate_the_last_step_too() {
    check(
        row(
            "a healthy app passes each step's gate, the last step too",
            &[ID, STEPS, HEALTH, NO_BAKE],
            with_id,
            "ok",
        )
        .publishes(3)
        .check(|r| {
            // No bake: each gate probes long enough for `health-failures` (3) probes.
            assert_eq!(passed(r), [(3, 0), (3, 0), (3, 0)]);
            assert!(
                r.world.app.probed_at.iter().all(Vec::is_empty),
                "prod: no addresses"
            );
        }),
    );
}

#[test]
fn scenario_slow_probes_pass_a_step_only_after_as_many_probes_as_could_fail_it() {
    check(
        row(
            "slow probes pass a step only after as many probes as could fail it",
            &[ID, STEPS, HEALTH, NO_BAKE],
            |w| answers(w, &[AppAnswer::Slow(200, secs(9))]),
            "ok",
        )
        .publishes(3)
        .check(|r| {
            // Each probe takes 9 s and each pause 11 s: the 20 s window is over after the
            // second probe, and the third still comes, since three could have failed the step.
            assert_eq!(passed(r), [(3, 0), (3, 0), (3, 0)]);
        }),
    );
}

#[test]
fn scenario_a_step_wait_bake_is_probed_every_poll_interval_throughout() {
    check(
        row(
            "a step-wait bake is probed every poll interval throughout",
            &[
                ID,
                |s| s.steps = vec![50, 100],
                HEALTH,
                |s| s.step_wait = Some(secs(60)),
            ],
            with_id,
            "ok",
        )
        .check(|r| {
            assert_eq!(passed(r), [(7, 0), (7, 0)]);
            assert!(r.end >= secs(120), "{:?}", r.end);
        }),
    );
}

#[test]
fn scenario_failures_that_are_not_in_a_row_pass_and_an_open_run_of_them_is_probed_out() {
    check(
        row(
            "failures that are not in a row pass, and an open run of them is probed out",
            &[ID, WAIT, HEALTH, |s| s.step_wait = Some(secs(60))],
            |w| {
                use AppAnswer::Status;
                answers(
                    w,
                    &[
                        Status(503),
                        Status(200),
                        Status(503),
                        Status(200),
                        Status(503),
                        Status(200),
                        Status(503),
                        Status(200),
                    ],
                );
            },
            "ok",
        )
        // The seventh probe, at the bake's end, failed: the eighth settles it.
        .check(|r| assert_eq!(passed(r), [(8, 4)])),
    );
}

#[test]
fn scenario_on_staging_the_probes_go_to_staging_s_own_addresses() {
    check(
        row(
            "on staging the probes go to staging's own addresses",
            &[ID, STAGING, WAIT, HEALTH, NO_BAKE],
            with_id,
            "ok",
        )
        .check(|r| {
            let vip: IpAddr = "10.0.0.7".parse().unwrap();
            assert_eq!(r.world.app.probed_at.len(), 3);
            assert!(r.world.app.probed_at.iter().all(|at| at == &[vip]));
        }),
    );
}

#[test]
fn scenario_a_dry_run_probes_nothing() {
    check(
        row(
            "a dry run probes nothing",
            &[ID, STEPS, HEALTH],
            with_id,
            "ok",
        )
        .prepare()
        .publishes(0)
        .check(|r| assert_eq!(r.sent("Probe"), 0)),
    );
}

#[test]
fn scenario_failures_in_a_row_in_step_1_roll_back_and_later_steps_are_never_published() {
    check(
        row(
            "failures in a row in step 1 roll back, and later steps are never published",
            &[ID, STEPS, HEALTH, NO_BAKE, ROLLBACK],
            |w| answers(w, &[AppAnswer::Status(503)]),
            "HealthCheckFailed",
        )
        .publishes(1)
        .rollbacks(1)
        .check(|r| {
            assert!(matches!(
                last_probe(r),
                Probed::Answered { status: 503, .. }
            ));
            assert_eq!(r.failure().step, Some((1, 3)));
            assert!(rolled_back_to(r, PREV));
            assert_eq!(r.sent("Probe"), 3);
        }),
    );
}

#[test]
fn scenario_failures_in_the_last_step_roll_back_after_every_step_was_published() {
    check(
        row(
            "failures in the last step roll back after every step was published",
            &[ID, STEPS, HEALTH, NO_BAKE, ROLLBACK],
            |w| {
                let mut script = vec![AppAnswer::Status(200); 6];
                script.push(AppAnswer::Status(500));
                answers(w, &script);
            },
            "HealthCheckFailed",
        )
        .publishes(3)
        .rollbacks(1)
        .check(|r| assert_eq!(r.failure().step, Some((3, 3)))),
    );
}

#[test]
fn scenario_an_unreachable_app_fails_the_gate_with_the_connection_s_error() {
    check(
        row(
            "an unreachable app fails the gate, with the connection's error",
            &[ID, WAIT, HEALTH, NO_BAKE],
            |w| answers(w, &[AppAnswer::Refused]),
            "HealthCheckFailed",
        )
        .check(|r| {
            assert!(matches!(
                last_probe(r),
                Probed::NoAnswer {
                    why: NoAnswer::Connect,
                    ..
                }
            ));
        }),
    );
}

#[test]
fn scenario_a_refused_certificate_fails_the_gate_as_a_tls_error() {
    check(
        row(
            "a refused certificate fails the gate as a TLS error",
            &[ID, WAIT, HEALTH, NO_BAKE],
            |w| answers(w, &[AppAnswer::BadCertificate]),
            "HealthCheckFailed",
        )
        .check(|r| {
            assert!(matches!(
                last_probe(r),
                Probed::NoAnswer {
                    why: NoAnswer::Tls,
                    ..
                }
            ));
        }),
    );
}

#[test]
fn scenario_probes_that_hang_each_take_a_poll_interval_and_its_slack_at_most() {
    check(
        row(
            "probes that hang each take a poll interval and its slack at most",
            &[ID, WAIT, HEALTH, NO_BAKE],
            |w| answers(w, &[AppAnswer::Hang]),
            "HealthCheckFailed",
        )
        .check(|r| {
            // 15 s (10 + 5), a pause, 5 s (the window of 20 s is over), a pause, 5 s; each
            // pause a poll interval with the fake's jitter (10 s + 10%).
            let at = |wanted: fn(&Event) -> bool| {
                r.events
                    .iter()
                    .find(|(_, e)| wanted(e))
                    .map(|(t, _)| *t)
                    .unwrap()
            };
            let started = at(|e| matches!(e, Event::CheckStarted { .. }));
            let failed = at(|e| matches!(e, Event::Failed { .. }));
            assert_eq!(failed - started, secs(47));
            assert!(matches!(
                last_probe(r),
                Probed::NoAnswer {
                    why: NoAnswer::Timeout,
                    ..
                }
            ));
        }),
    );
}

#[test]
fn scenario_staging_without_addresses_fails_the_gate_it_is_never_skipped() {
    check(
        row(
            "staging without addresses fails the gate: it is never skipped",
            &[ID, STAGING, WAIT, HEALTH, NO_BAKE, ROLLBACK],
            |w| {
                with_id(w);
                w.vips.clear();
            },
            "HealthCheckFailed",
        )
        .rollbacks(1)
        .check(|r| {
            assert!(matches!(
                health_failure(r),
                HealthFailed::NoAddresses { .. }
            ));
            assert_eq!(r.sent("Probe"), 0);
        }),
    );
}

#[test]
fn scenario_staging_s_addresses_that_cannot_be_read_fail_the_gate_with_the_read_s_error() {
    check(
        row(
            "staging's addresses that cannot be read fail the gate with the read's error",
            &[ID, STAGING, WAIT, HEALTH, NO_BAKE],
            |w| {
                with_id(w);
                // The follow's three phase reads pass; the gate's read of the addresses is
                // refused.
                for _ in 0..3 {
                    w.faults.push(("StagingStatus", Fault::Pass));
                }
                w.faults
                    .push(("StagingStatus", Fault::Refuse("Forbidden.RAM")));
            },
            "HealthCheckFailed",
        )
        .check(|r| {
            assert!(matches!(health_failure(r), HealthFailed::Unprobed { .. }));
            assert!(r.failure().cause.is_some());
        }),
    );
}
