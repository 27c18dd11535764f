//! The scenarios of what happens around a rollout: what explains a failure, where the app runs, and the versions `keep-versions` deletes.

use esa_engine::deploy::event::{Diagnosis, Look};

use crate::harness::*;

fn diagnosed(r: &Ran, wanted: impl Fn(&Diagnosis) -> bool) -> bool {
    r.saw(|e| matches!(e, Event::Diagnosis(d) if wanted(d)))
}

/// The position of the first call of `call`.
fn at(r: &Ran, call: &str) -> usize {
    r.world
        .calls
        .iter()
        .position(|c| *c == call)
        .unwrap_or(usize::MAX)
}

/// Versions this action made, oldest first, and one made by hand among them.
fn many_versions(w: &mut World) {
    with_id(w);
    for (i, name) in [
        "esa-publish-a",
        "hand-made",
        "esa-publish-b",
        "esa-publish-c",
        "esa-publish-d",
        "esa-publish-e",
    ]
    .iter()
    .enumerate()
    {
        w.versions.push(Stored {
            id: format!("ver-10{i}"),
            name: name.to_string(),
            time: format!("t01{i}"),
            status: VersionStatus::Created,
            reads_left: 0,
            fails: false,
            containers: serde_json::json!([]),
        });
    }
    // Staging serves one of ours; prod's baseline is another.
    w.other.deployed_version = "ver-102".into();
    w.status.baseline_version = "ver-100".into();
    w.status.deployed_version = "ver-100".into();
}

#[test]
fn scenario_a_crash_loop_on_staging_reads_the_pod_and_the_log_before_the_rollback() {
    check(
        row(
            "a crash loop on staging reads the pod and the log before the rollback",
            &[ID, WAIT, STAGING, ROLLBACK, LOGS],
            |w| {
                with_id(w);
                w.rollouts.push_back(Rollout::CrashLoopAfter(1));
            },
            "ContainerCrashLoop",
        )
        .rollbacks(1)
        .check(|r| {
            assert!(diagnosed(r, |d| matches!(d, Diagnosis::Pod(_))));
            assert!(diagnosed(
                r,
                |d| matches!(d, Diagnosis::Logs(l) if l.iter().any(|l| l.contains("out of memory")))
            ));
            assert!(at(r, "Logs") < at(r, "Rollback"), "{:?}", r.world.calls);
        }),
    );
}

#[test]
fn scenario_a_timeout_on_prod_reads_each_region_s_replicas() {
    check(
        row(
            "a timeout on prod reads each region's replicas",
            &[ID, WAIT, LONG, LOGS],
            stuck,
            "RolloutTimeout",
        )
        .check(|r| {
            assert!(diagnosed(
                r,
                |d| matches!(d, Diagnosis::Regions(regions) if regions[0].ready == 1)
            ));
            assert!(r.sent("StagingStatus") == 0);
        }),
    );
}

#[test]
fn scenario_a_diagnosis_that_may_not_be_read_is_one_event_and_the_failure_keeps_its_title() {
    check(
        row(
            "a diagnosis that may not be read is one event, and the failure keeps its title",
            &[ID, WAIT, LONG, LOGS],
            |w| {
                stuck(w);
                w.faults.push(("Readiness", Fault::Refuse("Forbidden.RAM")));
                w.faults.push(("Logs", Fault::Hang));
            },
            "RolloutTimeout",
        )
        .check(|r| {
            assert!(r.saw(|e| matches!(
                e,
                Event::Unread {
                    look: Look::Regions,
                    ..
                }
            )));
            assert!(r.saw(|e| matches!(
                e,
                Event::Unread {
                    look: Look::Logs,
                    ..
                }
            )));
            assert!(
                r.failure().cause.is_none(),
                "the rollout's failure, not the read's"
            );
        }),
    );
}

#[test]
fn scenario_logs_on_failure_auto_withholds_the_log_when_the_repository_s_visibility_is_unknow() {
    check(
        row(
            "logs-on-failure auto withholds the log when the repository's visibility is unknown",
            &[ID, WAIT, LONG],
            stuck,
            "RolloutTimeout",
        )
        .check(|r| {
            assert_eq!(r.sent("Logs"), 0);
            assert!(diagnosed(r, |d| matches!(
                d,
                Diagnosis::LogsWithheld { public: false }
            )));
        }),
    );
}

#[test]
fn scenario_logs_on_failure_0_reads_no_log_and_says_nothing_of_it() {
    check(
        row(
            "logs-on-failure: 0 reads no log and says nothing of it",
            &[ID, WAIT, LONG, |s| s.logs = Some(0)],
            stuck,
            "RolloutTimeout",
        )
        .check(|r| {
            assert_eq!(r.sent("Logs"), 0);
            assert!(!diagnosed(r, |d| matches!(
                d,
                Diagnosis::LogsWithheld { .. }
            )));
        }),
    );
}

#[test]
fn scenario_a_refused_publish_is_not_diagnosed_the_call_s_error_says_it_all() {
    check(
        row(
            "a refused publish is not diagnosed: the call's error says it all",
            &[ID, STEPS, ROLLBACK, LOGS],
            |w| {
                with_id(w);
                w.faults.push(("Publish", Fault::Pass));
                w.faults
                    .push(("Publish", Fault::Refuse("InvalidParameter")));
            },
            "InvalidParameter",
        )
        .rollbacks(1)
        .check(|r| assert_eq!(r.sent("Logs") + r.sent("Readiness"), 0)),
    );
}

#[test]
fn scenario_a_new_version_that_fails_to_be_created_is_diagnosed() {
    check(
        row(
            "a new version that fails to be created is diagnosed",
            &[IMAGE, LOGS],
            |w| {
                w.failing_images = vec!["r.example.com/shop/web:2".into()];
            },
            "VersionFailed",
        )
        .check(|r| assert!(diagnosed(r, |d| matches!(d, Diagnosis::Logs(_))))),
    );
}

#[test]
fn scenario_after_a_publish_the_app_s_domain_gives_the_url() {
    check(
        row(
            "after a publish the app's domain gives the url",
            &[ID],
            with_id,
            "ok",
        )
        .check(|r| assert!(r.saw(|e| *e == Event::Url(Some("https://shop.example.com".into()))))),
    );
}

#[test]
fn scenario_no_domain_bound_no_url() {
    check(
        row(
            "no domain bound: no url",
            &[ID],
            |w| {
                with_id(w);
                w.domain.clear();
            },
            "ok",
        )
        .check(|r| assert!(r.saw(|e| *e == Event::Url(None)))),
    );
}

#[test]
fn scenario_the_app_that_may_not_be_read_leaves_url_empty_and_the_publish_stands() {
    check(
        row(
            "the app that may not be read leaves url empty and the publish stands",
            &[ID],
            |w| fault(w, "App", Fault::Refuse("Forbidden.RAM")),
            "ok",
        )
        .publishes(1)
        .check(|r| {
            assert!(r.saw(|e| matches!(
                e,
                Event::Unread {
                    look: Look::App,
                    ..
                }
            )))
        }),
    );
}

#[test]
fn scenario_after_a_staging_deploy_staging_s_addresses() {
    check(
        row(
            "after a staging deploy, staging's addresses",
            &[ID, STAGING, WAIT],
            with_id,
            "ok",
        )
        .check(|r| assert!(r.saw(|e| *e == Event::StagingIps(vec!["10.0.0.7".into()])))),
    );
}

#[test]
fn scenario_keep_versions_deletes_the_oldest_of_ours_never_what_either_environment_holds() {
    check(
        row(
            "keep-versions deletes the oldest of ours, never what either environment holds",
            &[ID, KEEP],
            many_versions,
            "ok",
        )
        .check(|r| {
            // Ours: a (prod's baseline), b (staging serves it), c, d, e: five, keep two.
            assert_eq!(
                r.world.deleted,
                ["ver-103", "ver-104", "ver-105"],
                "{:?}",
                r.world.calls
            );
            for kept in ["ver-100", "ver-101", "ver-102", PREV, VERSION] {
                assert!(
                    r.world.versions.iter().any(|v| v.id == kept),
                    "{kept} was deleted"
                );
            }
        }),
    );
}

#[test]
fn scenario_keep_versions_never_deletes_the_version_just_published_or_what_served_before() {
    check(
        row(
            "keep-versions never deletes the version just published or what served before",
            &[|s| s.name = Some("esa-publish-a"), KEEP],
            |w| {
                many_versions(w);
                w.status.baseline_version.clear();
                w.status.deployed_version = "ver-103".into();
                w.other.deployed_version.clear();
            },
            "ok",
        )
        .check(|r| {
            assert!(
                !r.world.deleted.contains(&"ver-100".to_string()),
                "the published one"
            );
            assert!(
                !r.world.deleted.contains(&"ver-103".to_string()),
                "what served before"
            );
            assert_eq!(r.world.deleted, ["ver-102", "ver-104", "ver-105"]);
        }),
    );
}

#[test]
fn scenario_a_failed_delete_is_a_warning_and_the_rest_go_on() {
    check(
        row(
            "a failed delete is a warning, and the rest go on",
            &[ID, KEEP],
            |w| {
                many_versions(w);
                w.faults.push(("Delete", Fault::Refuse("Forbidden.RAM")));
            },
            "ok",
        )
        .check(|r| {
            assert!(r.saw(|e| matches!(e, Event::DeleteFailed { .. })));
            assert_eq!(r.world.deleted, ["ver-104", "ver-105"]);
        }),
    );
}

#[test]
fn scenario_the_deletes_share_one_timeout_after_one_that_hangs_the_rest_wait_for_the_next_run() {
    check(
        row(
            "the deletes share one timeout: after one that hangs, the rest wait for the next run",
            &[ID, KEEP],
            |w| {
                many_versions(w);
                w.faults.push(("Delete", Fault::Hang));
            },
            "ok",
        )
        .check(|r| {
            assert_eq!(r.sent("Delete"), 1, "{:?}", r.world.calls);
            assert!(r.saw(|e| *e == Event::DeletesLeft(2)));
            // The rollout takes seconds; the hanging delete its `timeout` (120 s), no more.
            assert!(r.end <= secs(130), "{:?}", r.end);
        }),
    );
}

#[test]
fn scenario_an_environment_s_status_that_cannot_be_read_deletes_nothing() {
    check(
        row(
            "an environment's status that cannot be read deletes nothing",
            &[ID, KEEP],
            |w| {
                many_versions(w);
                w.faults.push(("Status", Fault::Pass));
                w.faults.push(("Status", Fault::Refuse("Forbidden.RAM")));
            },
            "ok",
        )
        .check(|r| {
            assert!(r.world.deleted.is_empty());
            assert!(r.saw(|e| matches!(
                e,
                Event::Unread {
                    look: Look::Status,
                    ..
                }
            )));
        }),
    );
}

#[test]
fn scenario_keep_versions_0_keeps_everything_and_lists_nothing() {
    check(
        row(
            "keep-versions 0 keeps everything and lists nothing",
            &[ID],
            many_versions,
            "ok",
        )
        .check(|r| assert_eq!(r.sent("ListVersions"), 0)),
    );
}

#[test]
fn scenario_a_dry_run_names_what_it_would_delete_and_deletes_nothing() {
    check(
        row(
            "a dry run names what it would delete and deletes nothing",
            &[ID, KEEP],
            many_versions,
            "ok",
        )
        .prepare()
        .publishes(0)
        .check(|r| {
            assert!(r.world.deleted.is_empty());
            let would = r.events.iter().find_map(|(_, e)| match e {
                Event::WouldDelete(v) => {
                    Some(v.iter().map(|v| v.version_id.clone()).collect::<Vec<_>>())
                }
                _ => None,
            });
            assert_eq!(would.unwrap(), ["ver-103", "ver-104", "ver-105"]);
        }),
    );
}
