//! The scenarios of steps and rollouts, rollbacks, and cancellation.

use crate::harness::*;

#[test]
fn scenario_a_rollout_that_never_moves_times_out_at_wait_timeout() {
    check(
        row(
            "a rollout that never moves times out at wait-timeout",
            &[ID, WAIT, |s| s.wait_timeout = Some(secs(60))],
            stuck,
            "RolloutTimeout",
        )
        .publishes(1)
        .within(wait_bound(60))
        .check(|r| assert_eq!(r.failure().rollback, Rollback::NotAsked)),
    );
}

#[test]
fn scenario_a_rollback_by_the_service_midway_fails_the_step() {
    check(row(
        "a rollback by the service midway fails the step",
        &[ID, WAIT],
        |w| {
            with_id(w);
            w.rollouts.push_back(Rollout::RollbackAfter(1));
        },
        "RolloutRolledBack",
    ));
}

#[test]
fn scenario_another_version_taking_over_fails_the_step() {
    check(
        row(
            "another version taking over fails the step",
            &[ID, WAIT],
            |w| {
                with_id(w);
                w.rollouts.push_back(Rollout::TakeoverAfter(1));
            },
            "RolloutTakenOver",
        )
        .check(|r| {
            assert!(
                matches!(&r.failure().kind, FailureKind::TakenOver { by } if by == crate::fake::INTRUDER)
            )
        }),
    );
}

#[test]
fn scenario_a_crash_loop_on_staging_is_named() {
    check(
        row(
            "a crash loop on staging is named",
            &[ID, WAIT, STAGING],
            |w| {
                with_id(w);
                w.rollouts.push_back(Rollout::CrashLoopAfter(1));
            },
            "ContainerCrashLoop",
        )
        .check(|r| assert!(r.sent("StagingStatus") >= 2)),
    );
}

#[test]
fn scenario_a_staging_phase_that_cannot_be_read_costs_only_the_crash_loop_check() {
    check(
        row(
            "a staging phase that cannot be read costs only the crash-loop check",
            &[ID, WAIT, STAGING],
            |w| {
                fault(w, "StagingStatus", Fault::Refuse("Forbidden.RAM"));
            },
            "ok",
        )
        .check(|r| assert!(r.saw(|e| matches!(e, Event::PhaseUnread { .. })))),
    );
}

#[test]
fn scenario_status_reads_that_hang_while_following_end_within_the_wait_and_its_slack() {
    check(
        row(
            "status reads that hang while following end within the wait and its slack",
            &[
                ID,
                WAIT,
                |s| s.wait_timeout = Some(secs(5)),
                |s| s.timeout = Some(secs(40)),
            ],
            |w| {
                fault(w, "Status", Fault::Pass);
                w.rollouts.push_back(Rollout::Stuck);
                w.faults.push(("Status", Fault::Hang));
            },
            "RolloutStatusUnknown",
        )
        .publishes(1)
        .within(wait_bound(5))
        .check(|r| assert_eq!(r.failure().title(), "RolloutStatusUnknown")),
    );
}

#[test]
fn scenario_staged_steps_all_pass_baking_between_them() {
    check(
        row(
            "staged steps all pass, baking between them",
            &[ID, STEPS],
            with_id,
            "ok",
        )
        .publishes(3)
        .check(|r| {
            let bakes = r
                .events
                .iter()
                .filter(|(_, e)| matches!(e, Event::Baking { .. }))
                .count();
            assert_eq!(bakes, 2, "no bake after the last step");
            assert!(r.end >= secs(600), "two bakes of 5m: {:?}", r.end);
        }),
    );
}

#[test]
fn scenario_a_step_that_times_out_is_rolled_back_to_what_served_before_later_steps_never_star() {
    check(
        row(
            "a step that times out is rolled back to what served before; later steps never start",
            &[ID, STEPS, ROLLBACK, LONG],
            |w| {
                with_id(w);
                w.rollouts.push_back(Rollout::Normal);
                w.rollouts.push_back(Rollout::Stuck);
            },
            "RolloutTimeout",
        )
        .publishes(2)
        .rollbacks(1)
        .check(|r| {
            assert_eq!(r.failure().step, Some((2, 3)));
            assert!(rolled_back_to(r, PREV));
        }),
    );
}

#[test]
fn scenario_a_step_that_times_out_without_rollback_on_failure_is_left_as_it_is() {
    check(
        row(
            "a step that times out without rollback-on-failure is left as it is",
            &[ID, STEPS, LONG],
            |w| {
                with_id(w);
                w.rollouts.push_back(Rollout::Normal);
                w.rollouts.push_back(Rollout::Stuck);
            },
            "RolloutTimeout",
        )
        .publishes(2)
        .rollbacks(0),
    );
}

#[test]
fn scenario_a_later_step_s_refused_publish_keeps_its_requestid_and_is_rolled_back() {
    check(
        row(
            "a later step's refused publish keeps its RequestId and is rolled back",
            &[ID, STEPS, ROLLBACK],
            |w| {
                with_id(w);
                w.faults.push(("Publish", Fault::Pass));
                w.faults
                    .push(("Publish", Fault::Refuse("InvalidParameter")));
            },
            "InvalidParameter",
        )
        .publishes(1)
        .rollbacks(1)
        .check(|r| {
            let f = r.failure();
            assert_eq!(f.kind, FailureKind::StepPublishFailed);
            assert_eq!(f.request_id(), Some("REQ-InvalidParameter"));
            assert_eq!(f.step, Some((2, 3)));
        }),
    );
}

#[test]
fn scenario_a_later_step_s_lost_answer_keeps_the_remedy_that_it_may_have_taken_effect() {
    check(
        row(
            "a later step's lost answer keeps the remedy that it may have taken effect",
            &[ID, STEPS, ROLLBACK],
            |w| {
                with_id(w);
                w.faults.push(("Publish", Fault::Pass));
                w.faults.push(("Publish", Fault::Reset));
                // The lock's read and step 1's pass; the settle reading of step 2 is refused.
                w.faults.push(("Status", Fault::Pass));
                w.faults.push(("Status", Fault::Pass));
                w.faults.push(("Status", Fault::Refuse("Forbidden.RAM")));
            },
            "NetworkError",
        )
        .publishes(1)
        .rollbacks(1)
        .check(|r| {
            let cause = r.failure().cause.as_ref().unwrap();
            assert!(
                cause.may_have_applied()
                    && esa_publish::words::remedy::remedy(cause)
                        .unwrap()
                        .contains("may have taken effect")
            );
        }),
    );
}

#[test]
fn scenario_a_later_step_s_publish_whose_answer_is_lost_is_confirmed_and_the_rollout_goes_on() {
    check(
        row(
            "a later step's publish whose answer is lost is confirmed and the rollout goes on",
            &[ID, STEPS],
            |w| {
                with_id(w);
                w.faults.push(("Publish", Fault::Pass));
                w.faults.push(("Publish", Fault::Lost));
            },
            "ok",
        )
        .publishes(3)
        .check(|r| assert_eq!(r.sent("Publish"), 3)),
    );
}

#[test]
fn scenario_the_first_step_s_refused_publish_is_the_call_s_own_error_with_no_rollback() {
    check(
        row(
            "the first step's refused publish is the call's own error, with no rollback",
            &[ID, STEPS, ROLLBACK],
            |w| fault(w, "Publish", Fault::Refuse("InvalidParameter")),
            "InvalidParameter",
        )
        .publishes(0)
        .rollbacks(0)
        .check(|r| assert_eq!(r.failure().kind, FailureKind::Call)),
    );
}

#[test]
fn scenario_a_percentage_goes_on_the_one_step() {
    check(
        row(
            "a percentage goes on the one step",
            &[ID, |s| s.percentage = Some(20), WAIT],
            with_id,
            "ok",
        )
        .publishes(1)
        .check(|r| assert_eq!(r.world.status.publish_percentage, 20)),
    );
}

#[test]
fn scenario_a_rollback_whose_answer_is_lost_is_confirmed_by_the_status_not_repeated() {
    check(
        row(
            "a rollback whose answer is lost is confirmed by the status, not repeated",
            &[ID, WAIT, ROLLBACK, LONG],
            |w| {
                stuck(w);
                w.faults.push(("Rollback", Fault::Lost));
            },
            "RolloutTimeout",
        )
        .rollbacks(1)
        .check(|r| {
            assert_eq!(r.sent("Rollback"), 1);
            assert!(matches!(
                &r.failure().rollback,
                Rollback::Done {
                    request_id: None,
                    confirmed: Some(_),
                    ..
                }
            ));
        }),
    );
}

#[test]
fn scenario_a_rollback_that_is_refused_says_so() {
    check(
        row(
            "a rollback that is refused says so",
            &[ID, WAIT, ROLLBACK, LONG],
            |w| {
                stuck(w);
                w.faults.push(("Rollback", Fault::Refuse("Forbidden.RAM")));
            },
            "RolloutTimeout",
        )
        .rollbacks(0)
        .check(|r| assert!(matches!(&r.failure().rollback, Rollback::Failed { .. }))),
    );
}

#[test]
fn scenario_no_rollback_when_nothing_served_before() {
    check(
        row(
            "no rollback when nothing served before",
            &[ID, WAIT, ROLLBACK, LONG],
            |w| {
                stuck(w);
                w.status.deployed_version.clear();
                w.status.baseline_version.clear();
            },
            "RolloutTimeout",
        )
        .rollbacks(0)
        .check(|r| {
            assert!(
                matches!(
                    &r.failure().rollback,
                    Rollback::NoPrevious(NoPrevious::Unnamed {
                        why: Unnamed::NothingServed,
                        ..
                    })
                ),
                "{:?}",
                r.failure().rollback
            )
        }),
    );
}

#[test]
fn scenario_a_rollback_reset_on_the_way_is_sent_again_after_two_readings() {
    check(
        row(
            "a rollback reset on the way is sent again after two readings",
            &[ID, WAIT, ROLLBACK, LONG],
            |w| {
                stuck(w);
                w.faults.push(("Rollback", Fault::Reset));
            },
            "RolloutTimeout",
        )
        .rollbacks(1)
        .check(|r| assert_eq!(r.sent("Rollback"), 2)),
    );
}

#[test]
fn scenario_a_rollback_when_the_rollout_is_rolled_back_by_the_service() {
    check(
        row(
            "a rollback when the rollout is rolled back by the service",
            &[ID, WAIT, ROLLBACK],
            |w| {
                with_id(w);
                w.rollouts.push_back(Rollout::RollbackAfter(1));
            },
            "RolloutRolledBack",
        )
        .rollbacks(1),
    );
}

#[test]
fn scenario_cancelled_while_baking_after_step_1() {
    check(
        row(
            "cancelled while baking after step 1",
            &[ID, STEPS],
            with_id,
            "cancelled",
        )
        .cancel_sleeping(secs(300))
        .publishes(1)
        .check(|r| {
            let FailureKind::Cancelled(p) = r.failure().kind else {
                panic!()
            };
            assert_eq!(
                (p.completed, p.completed_share, p.total, p.baking),
                (1, Some(10), 3, true)
            );
        }),
    );
}

#[test]
fn scenario_cancelled_while_step_2_s_publish_is_on_its_way() {
    check(
        row(
            "cancelled while step 2's publish is on its way",
            &[ID, STEPS],
            |w| {
                with_id(w);
                w.faults.push(("Publish", Fault::Pass));
                w.faults.push(("Publish", Fault::Cancel));
            },
            "cancelled",
        )
        .check(|r| {
            let FailureKind::Cancelled(p) = r.failure().kind else {
                panic!()
            };
            assert_eq!((p.current, p.completed, p.baking), (2, 1, false));
        }),
    );
}

#[test]
fn scenario_cancelled_while_waiting_for_a_busy_environment_before_any_step() {
    check(
        row(
            "cancelled while waiting for a busy environment, before any step",
            &[ID, BUSY_WAIT],
            |w| {
                with_id(w);
                w.busy(None);
                w.faults.push(("Status", Fault::Pass));
                w.faults.push(("Status", Fault::Cancel));
            },
            "cancelled",
        )
        .publishes(0)
        .check(|r| {
            let FailureKind::Cancelled(p) = r.failure().kind else {
                panic!()
            };
            assert_eq!((p.current, p.completed), (0, 0));
        }),
    );
}

#[test]
fn scenario_cancelled_while_following_step_2() {
    check(
        row(
            "cancelled while following step 2",
            &[ID, STEPS],
            |w| {
                with_id(w);
                // The lock's read, step 1's reading, step 2's first reading.
                for _ in 0..3 {
                    w.faults.push(("Status", Fault::Pass));
                }
                w.faults.push(("Status", Fault::Cancel));
            },
            "cancelled",
        )
        .publishes(2)
        .check(|r| {
            let FailureKind::Cancelled(p) = r.failure().kind else {
                panic!()
            };
            assert_eq!((p.current, p.completed, p.baking), (2, 1, false));
        }),
    );
}

#[test]
fn scenario_cancelled_while_waiting_for_a_new_version() {
    check(
        row(
            "cancelled while waiting for a new version",
            &[IMAGE],
            |w| {
                w.creation_reads = None;
                w.faults.push(("GetVersion", Fault::Pass));
                w.faults.push(("GetVersion", Fault::Cancel));
            },
            "cancelled",
        )
        .publishes(0),
    );
}
