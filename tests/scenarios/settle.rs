//! The scenarios of settling a lost answer: a publish whose answer never came is judged by the status, never sent again blindly.

use crate::harness::*;

#[test]
fn scenario_a_publish_whose_answer_is_lost_after_it_applied_is_confirmed_by_the_status() {
    check(
        row(
            "a publish whose answer is lost after it applied is confirmed by the status",
            &[ID],
            |w| fault(w, "Publish", Fault::Lost),
            "ok",
        )
        .publishes(1)
        .check(|r| {
            assert_eq!(r.sent("Publish"), 1);
            assert!(r.saw(|e| matches!(e, Event::AnswerLost { .. })));
        }),
    );
}

#[test]
fn scenario_a_publish_reset_before_it_applied_is_sent_again_after_two_readings() {
    check(
        row(
            "a publish reset before it applied is sent again after two readings",
            &[ID],
            |w| fault(w, "Publish", Fault::Reset),
            "ok",
        )
        .publishes(1)
        .check(|r| {
            assert_eq!(
                r.world.calls,
                [
                    "GetVersion",
                    "Status",
                    "Publish",
                    "Status",
                    "Status",
                    "Publish",
                    "App"
                ]
            );
            assert!(r.saw(|e| matches!(
                e,
                Event::Resending {
                    attempt: 2,
                    max: 4,
                    ..
                }
            )));
            // Read at once, and again a pause later (in case the request is still in flight).
            let t = &r.world.call_times;
            assert_eq!(
                t[3], t[2],
                "the first reading follows the lost answer at once"
            );
            assert_eq!(
                t[4] - t[3],
                secs(5),
                "the second reading is a pause (5 s) later"
            );
        }),
    );
}

#[test]
fn scenario_a_rollback_reset_after_a_long_wait_is_sent_again_within_its_own_budget() {
    // The rollback starts after the rollout's whole wait: its attempts and its deadline count
    // from its own start, not from the run's.
    check(
        row(
            "a rollback reset after a long wait is sent again",
            &[ID, WAIT, ROLLBACK, |s| s.timeout = Some(secs(30))],
            |w| {
                with_id(w);
                w.rollouts.push_back(Rollout::Stuck);
                fault(w, "Rollback", Fault::Reset);
                // The second send answers after 2 s: within a budget counted from the
                // rollback's start, not within one counted from the run's.
                fault(w, "Rollback", Fault::Slow(secs(2)));
            },
            "RolloutTimeout",
        )
        .publishes(1)
        .rollbacks(1)
        .check(|r| {
            assert_eq!(r.sent("Rollback"), 2);
            assert!(matches!(
                &r.failure().rollback,
                Rollback::Done {
                    request_id: Some(_),
                    confirmed: None,
                    ..
                }
            ));
        }),
    );
}

#[test]
fn scenario_a_re_send_counts_against_max_attempts() {
    check(
        row(
            "a re-send counts against max-attempts",
            &[ID, |s| s.max_attempts = Some(1)],
            |w| fault(w, "Publish", Fault::Reset),
            "NetworkError",
        )
        .publishes(0)
        .check(|r| assert_eq!(cause_attempts(r), 1)),
    );
}

#[test]
fn scenario_after_settled_re_sends_use_up_max_attempts_the_count_is_honest() {
    check(
        row(
            "after settled re-sends use up max-attempts the count is honest",
            &[ID, |s| s.max_attempts = Some(3)],
            |w| {
                with_id(w);
                for _ in 0..3 {
                    w.faults.push(("Publish", Fault::Reset));
                }
            },
            "NetworkError",
        )
        .publishes(0)
        .check(|r| {
            assert_eq!(r.sent("Publish"), 3);
            assert_eq!(cause_attempts(r), 3, "{:?}", r.failure().cause);
            assert!(r
                .failure()
                .cause
                .as_ref()
                .unwrap()
                .to_string()
                .contains("[3 attempts;"));
        }),
    );
}

#[test]
fn scenario_a_refusal_after_a_re_send_counts_every_attempt() {
    check(
        row(
            "a refusal after a re-send counts every attempt",
            &[ID],
            |w| {
                fault(w, "Publish", Fault::Reset);
                w.faults
                    .push(("Publish", Fault::Refuse("InvalidParameter")));
            },
            "InvalidParameter",
        )
        .publishes(0)
        .check(|r| assert_eq!(cause_attempts(r), 2)),
    );
}

#[test]
fn scenario_a_lost_answer_with_the_lock_skipped_cannot_be_settled() {
    check(
        row(
            "a lost answer with the lock skipped cannot be settled",
            &[ID],
            |w| {
                fault(w, "Status", Fault::Refuse("Forbidden.RAM"));
                w.faults.push(("Publish", Fault::Reset));
            },
            "NetworkError",
        )
        .check(|r| {
            assert_eq!(r.sent("Publish"), 1, "never re-sent without a reading");
            assert!(r.saw(|e| matches!(
                e,
                Event::Unsettled {
                    why: esa_engine::deploy::event::Unsettled::NoReading,
                    ..
                }
            )));
        }),
    );
}

#[test]
fn scenario_a_lost_answer_whose_settle_reading_fails_leaves_the_error_as_it_was() {
    check(
        row(
            "a lost answer whose settle reading fails leaves the error as it was",
            &[ID],
            |w| {
                fault(w, "Publish", Fault::Lost);
                w.faults.push(("Status", Fault::Pass));
                w.faults.push(("Status", Fault::Refuse("Forbidden.RAM")));
            },
            "NetworkError",
        )
        .publishes(1)
        .check(|r| {
            assert_eq!(r.sent("Publish"), 1, "never re-sent without a reading");
            assert!(r.saw(|e| matches!(
                e,
                Event::Unsettled {
                    why: esa_engine::deploy::event::Unsettled::Unreadable(_),
                    ..
                }
            )));
        }),
    );
}

#[test]
fn scenario_a_publish_refused_outright_is_not_settled_and_not_re_sent() {
    check(
        row(
            "a publish refused outright is not settled and not re-sent",
            &[ID],
            |w| fault(w, "Publish", Fault::Refuse("InvalidParameter.Percentage")),
            "InvalidParameter.Percentage",
        )
        .publishes(0)
        .check(|r| {
            assert_eq!(r.world.calls, ["GetVersion", "Status", "Publish"]);
            assert_eq!(
                r.failure().request_id(),
                Some("REQ-InvalidParameter.Percentage")
            );
        }),
    );
}

#[test]
fn scenario_a_publish_that_hangs_is_settled_by_the_status() {
    check(
        row(
            "a publish that hangs is settled by the status",
            &[ID, |s| s.timeout = Some(secs(20))],
            |w| fault(w, "Publish", Fault::Hang),
            "ok",
        )
        .check(|r| assert!(r.saw(|e| matches!(e, Event::AnswerLost { .. })))),
    );
}
