//! Regressions the engine's property test found (`property.rs`), each as the minimal case it shrank to: a rollback never undoes another's publish, and a lost answer is never sent again over a change someone else made.

use esa_engine::deploy::event::Unsettled;

use crate::harness::*;

fn unsettled_by_a_change(r: &Ran) -> bool {
    r.saw(|e| {
        matches!(
            e,
            Event::Unsettled {
                why: Unsettled::Changed(_),
                ..
            }
        )
    })
}

#[test]
fn scenario_found_a_takeover_is_not_rolled_back() {
    check(
        row(
            "a takeover is not rolled back",
            &[ID, WAIT, ROLLBACK],
            |w| {
                with_id(w);
                w.rollouts.push_back(Rollout::TakeoverAfter(0));
            },
            "RolloutTakenOver",
        )
        .publishes(1)
        .rollbacks(0)
        .check(|r| {
            assert_eq!(
                r.failure().rollback,
                Rollback::NotOurs {
                    current: Some(crate::fake::INTRUDER.into())
                }
            );
            assert_eq!(r.sent("Rollback"), 0);
        }),
    );
}

#[test]
fn scenario_found_a_lost_publish_rolled_back_by_another_is_not_sent_again() {
    check(
        row(
            "a lost publish rolled back by another is not sent again",
            &[ID],
            |w| {
                fault(w, "Publish", Fault::Lost);
                w.rollouts.push_back(Rollout::RollbackAfter(0));
            },
            "NetworkError",
        )
        .publishes(1)
        .check(|r| {
            assert_eq!(r.sent("Publish"), 1);
            assert!(unsettled_by_a_change(r));
        }),
    );
}

#[test]
fn scenario_found_a_lost_rollback_during_the_services_own_is_not_sent_again() {
    check(
        row(
            "a lost rollback during the service's own is not sent again",
            &[ID, WAIT, ROLLBACK],
            |w| {
                fault(w, "Rollback", Fault::Reset);
                w.rollouts.push_back(Rollout::RollbackAfter(0));
            },
            "RolloutRolledBack",
        )
        .publishes(1)
        .rollbacks(0)
        .check(|r| {
            assert_eq!(r.sent("Rollback"), 1);
            assert!(unsettled_by_a_change(r));
        }),
    );
}

#[test]
fn scenario_found_a_lost_step_publish_taken_over_reads_the_front_before_any_rollback() {
    check(
        row(
            "a lost step publish taken over reads the front before any rollback",
            &[ID, ROLLBACK, |s| s.steps = vec![10, 100]],
            |w| {
                fault(w, "Publish", Fault::Pass);
                w.faults.push(("Publish", Fault::Hang));
                w.rollouts.push_back(Rollout::Normal);
                w.rollouts.push_back(Rollout::TakeoverAfter(0));
            },
            "Timeout",
        )
        .publishes(2)
        .rollbacks(0)
        .check(|r| {
            assert!(matches!(
                &r.failure().rollback,
                Rollback::NotOurs { current: Some(v) } if v == crate::fake::INTRUDER
            ));
        }),
    );
}
