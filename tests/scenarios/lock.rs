//! The scenarios of the publish lock: the status read before publishing, a busy environment refused or waited for, someone else's rollback, and a reading that may not be taken.

use crate::harness::*;

#[test]
fn scenario_if_busy_fail_refuses_another_version_s_publish() {
    check(
        row(
            "if-busy fail refuses another version's publish",
            &[ID],
            |w| {
                with_id(w);
                w.busy(Some(3))
            },
            "PublishInProgress",
        )
        .publishes(0),
    );
}

#[test]
fn scenario_if_busy_fail_refuses_while_a_rollback_is_under_way() {
    check(
        row(
            "if-busy fail refuses while a rollback is under way",
            &[ID],
            |w| {
                with_id(w);
                w.rolling_back(Some(3))
            },
            "PublishInProgress",
        )
        .publishes(0)
        .check(|r| {
            assert!(matches!(
                &r.failure().kind,
                FailureKind::PublishInProgress {
                    busy: esa_engine::esa::status::Busy::RollingBack,
                    ..
                }
            ))
        }),
    );
}

#[test]
fn scenario_if_busy_wait_waits_for_the_other_publish_then_publishes() {
    check(
        row(
            "if-busy wait waits for the other publish, then publishes",
            &[ID, WAIT, BUSY_WAIT],
            |w| {
                with_id(w);
                w.busy(Some(2))
            },
            "ok",
        )
        .publishes(1)
        .check(|r| assert!(r.saw(|e| matches!(e, Event::BusyOver { .. })))),
    );
}

#[test]
fn scenario_if_busy_wait_waits_out_a_rollback_and_never_takes_it_for_its_own() {
    check(
        row(
            "if-busy wait waits out a rollback, and never takes it for its own",
            &[ID, WAIT, BUSY_WAIT],
            |w| {
                with_id(w);
                w.rolling_back(Some(2))
            },
            "ok",
        )
        .publishes(1),
    );
}

#[test]
fn scenario_a_finished_rollback_still_showing_after_the_publish_is_not_this_rollout_s() {
    check(
        row(
            "a finished rollback still showing after the publish is not this rollout's",
            &[ID, WAIT],
            |w| {
                with_id(w);
                w.rolling_back(Some(0));
                w.status.publish_status = esa_engine::esa::status::PublishStatus::RolledBack;
                w.status.publishing_version.clear();
                w.busy_reads = None;
                w.stale_reads = 2;
            },
            "ok",
        )
        .publishes(1),
    );
}

#[test]
fn scenario_if_busy_wait_gives_up_at_wait_timeout() {
    check(
        row(
            "if-busy wait gives up at wait-timeout",
            &[ID, BUSY_WAIT, |s| s.wait_timeout = Some(secs(120))],
            |w| {
                with_id(w);
                w.busy(None)
            },
            "PublishInProgress",
        )
        .publishes(0)
        .within(wait_bound(120))
        .check(|r| assert!(matches!(r.failure().kind, FailureKind::StillBusy { .. }))),
    );
}

#[test]
fn scenario_a_lock_read_that_may_not_be_made_is_skipped_when_nothing_needs_it() {
    check(
        row(
            "a lock read that may not be made is skipped when nothing needs it",
            &[ID],
            |w| fault(w, "Status", Fault::Refuse("Forbidden.RAM")),
            "ok",
        )
        .publishes(1)
        .check(|r| assert!(r.saw(|e| matches!(e, Event::LockSkipped { .. })))),
    );
}

#[test]
fn scenario_a_lock_read_that_may_not_be_made_fails_when_the_rollout_is_followed() {
    check(
        row(
            "a lock read that may not be made fails when the rollout is followed",
            &[ID, WAIT],
            |w| fault(w, "Status", Fault::Refuse("Forbidden.RAM")),
            "Forbidden.RAM",
        )
        .publishes(0),
    );
}

#[test]
fn scenario_a_lock_read_that_hangs_ends_at_timeout_and_nothing_is_published() {
    check(
        row(
            "a lock read that hangs ends at timeout, and nothing is published",
            &[ID, |s| s.timeout = Some(secs(30))],
            |w| fault(w, "Status", Fault::Hang),
            "Timeout",
        )
        .publishes(0)
        .within(secs(30)),
    );
}

#[test]
fn scenario_a_lock_wait_whose_reads_hang_ends_within_the_wait_and_its_slack() {
    check(
        row(
            "a lock wait whose reads hang ends within the wait and its slack",
            &[
                ID,
                BUSY_WAIT,
                |s| s.wait_timeout = Some(secs(5)),
                |s| s.timeout = Some(secs(40)),
            ],
            |w| {
                with_id(w);
                w.busy(None);
                w.faults.push(("Status", Fault::Pass));
                w.faults.push(("Status", Fault::Hang));
            },
            "Timeout",
        )
        .publishes(0)
        .within(wait_bound(5)),
    );
}
