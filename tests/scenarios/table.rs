//! The rows of the scenario table, grouped: the version, the lock, settling a lost answer, steps and rollouts, rollbacks, and cancellation.

use super::*;
use esa_publish::deploy::event::Look;

fn version_rows() -> Vec<Case> {
    vec![
        row(
            "a version by ID, not followed: the lock's read and one publish",
            &[ID],
            with_id,
            "ok",
        )
        .publishes(1)
        // Then the app's domain, for the `url` output.
        .check(|r| assert_eq!(r.world.calls, ["Status", "Publish", "App"])),
        row(
            "a version by ID, followed until it serves",
            &[ID, WAIT],
            with_id,
            "ok",
        )
        .publishes(1)
        .check(|r| assert!(r.saw(|e| matches!(e, Event::Serving { step: 1, .. })))),
        row(
            "a name alone finds the created version",
            &[("INPUT_VERSION-NAME", "initial-version")],
            |_| {},
            "ok",
        )
        .publishes(1)
        .check(|r| assert_eq!(r.world.calls[0], "FindVersion")),
        row(
            "a region publish to a region the app cannot deploy to publishes nothing",
            &[
                ID,
                ("INPUT_PUBLISH-TYPE", "region"),
                ("INPUT_REGIONS", "jiangsu,mars"),
            ],
            with_id,
            "RegionNotDeployable",
        )
        .publishes(0)
        .check(|r| assert_eq!(r.world.calls, ["DeployRegions"])),
        row(
            "a region publish to regions the app can deploy to goes on to the lock",
            &[
                ID,
                ("INPUT_PUBLISH-TYPE", "region"),
                ("INPUT_REGIONS", "Zhejiang"),
            ],
            with_id,
            "ok",
        )
        .publishes(1)
        .check(|r| assert_eq!(r.world.calls[..3], ["DeployRegions", "Status", "Publish"])),
        row(
            "a region publish whose regions cannot be read leaves them to the service",
            &[
                ID,
                ("INPUT_PUBLISH-TYPE", "region"),
                ("INPUT_REGIONS", "mars"),
            ],
            |w| {
                with_id(w);
                w.faults
                    .push(("DeployRegions", Fault::Refuse("Forbidden.RAM")));
            },
            "ok",
        )
        .publishes(1)
        .check(|r| {
            assert!(r.saw(|e| matches!(
                e,
                Event::Unread {
                    look: Look::DeployRegions,
                    ..
                }
            )))
        }),
        row(
            "a name alone that no version has",
            &[("INPUT_VERSION-NAME", "no-such-version")],
            |_| {},
            "VersionNotFound",
        )
        .publishes(0),
        row(
            "a name alone whose version failed",
            &[("INPUT_VERSION-NAME", "broken-one")],
            |w| {
                w.versions.push(Stored {
                    id: "ver-4".into(),
                    time: "t0004".into(),
                    name: "broken-one".into(),
                    status: VersionStatus::Failed,
                    reads_left: 0,
                    fails: true,
                    containers: serde_json::json!([]),
                });
            },
            "VersionFailed",
        )
        .publishes(0),
        row(
            "a name alone whose version is still creating is waited for",
            &[("INPUT_VERSION-NAME", "coming-soon")],
            |w| {
                w.versions.push(Stored {
                    id: "ver-4".into(),
                    time: "t0004".into(),
                    name: "coming-soon".into(),
                    status: VersionStatus::Creating,
                    reads_left: 2,
                    fails: false,
                    containers: serde_json::json!([]),
                });
            },
            "ok",
        )
        .publishes(1)
        .check(|r| assert!(r.sent("GetVersion") >= 3)),
        row(
            "an image: copied from what serves, created, waited for, published",
            &[IMAGE, WAIT],
            |_| {},
            "ok",
        )
        .publishes(1)
        .check(|r| {
            let c = &r.world.calls;
            assert_eq!(
                &c[..4],
                ["FindVersion", "Status", "GetVersion", "CreateVersion"]
            );
            assert!(r.saw(|e| matches!(e, Event::VersionCreated { .. })));
        }),
        row(
            "an image whose named version exists (a re-run) reuses it and makes none",
            &[IMAGE, ("INPUT_VERSION-NAME", "release-2.0.0")],
            |w| {
                w.versions.push(Stored {
                    id: "ver-7".into(),
                    time: "t0007".into(),
                    name: "release-2.0.0".into(),
                    status: VersionStatus::Created,
                    reads_left: 0,
                    fails: false,
                    containers: serde_json::json!([]),
                });
            },
            "ok",
        )
        .publishes(1)
        .check(|r| {
            assert_eq!(r.world.calls, ["FindVersion", "Status", "Publish", "App"]);
            assert!(r.saw(|e| matches!(e, Event::VersionFound { .. })));
        }),
        row(
            "an image whose base is a name no version has",
            &[IMAGE, ("INPUT_BASE-VERSION", "no-such-base")],
            |_| {},
            "BaseVersionNotFound",
        )
        .publishes(0),
        row(
            "an image when nothing serves yet",
            &[IMAGE],
            |w| w.status.deployed_version.clear(),
            "NoBaseVersion",
        )
        .publishes(0),
        row(
            "an image into a base of two containers without container-name",
            &[IMAGE],
            |w| {
                w.versions[0].containers =
                    serde_json::json!([container("web", "a"), container("sidecar", "b")]);
            },
            "ContainerNameRequired",
        )
        .check(|r| assert!(!r.world.calls.contains(&"CreateVersion"))),
        row(
            "an image into a container the base does not have",
            &[IMAGE, ("INPUT_CONTAINER-NAME", "db")],
            |_| {},
            "ContainerNotFound",
        ),
        row(
            "an image whose creation fails",
            &[IMAGE],
            |w| w.failing_images = vec!["r.example.com/shop/web:2".into()],
            "VersionFailed",
        )
        .publishes(0),
        row(
            "an image whose creation never ends: VersionNotReady at wait-timeout",
            &[IMAGE, ("INPUT_WAIT-TIMEOUT", "60s")],
            |w| w.creation_reads = None,
            "VersionNotReady",
        )
        .publishes(0)
        .within(wait_bound(60)),
        row(
            "version reads that hang end within the wait and its slack",
            &[
                IMAGE,
                ("INPUT_WAIT-TIMEOUT", "5s"),
                ("INPUT_TIMEOUT", "40s"),
            ],
            |w| {
                w.faults.push(("GetVersion", Fault::Hang));
                w.faults.push(("GetVersion", Fault::Hang));
                w.faults.push(("GetVersion", Fault::Hang));
            },
            "Timeout",
        )
        .publishes(0)
        .check(|r| {
            // The base read takes the call's own budget (40 s); the wait's read, 5 s + slack.
            assert!(r.end <= secs(40) + wait_bound(5), "{:?}", r.end);
        }),
        row(
            "a creation whose answer is lost, and which the listing shows",
            &[IMAGE],
            |w| w.faults.push(("CreateVersion", Fault::Lost)),
            "ok",
        )
        .publishes(1)
        .check(|r| assert!(r.saw(|e| matches!(e, Event::CreationConfirmed { .. })))),
        row(
            "a creation whose answer is lost, and which the listing does not show",
            &[IMAGE],
            |w| w.faults.push(("CreateVersion", Fault::Reset)),
            "NetworkError",
        )
        .publishes(0),
        row(
            "a spec file makes a version with exactly its containers",
            &[("INPUT_VERSION-SPEC", "SPEC"), WAIT],
            |_| {},
            "ok",
        )
        .publishes(1)
        .check(|r| {
            assert_eq!(&r.world.calls[..2], ["FindVersion", "CreateVersion"]);
            let made = r.world.versions.last().unwrap();
            assert_eq!(made.containers[0]["Image"], "r.example.com/shop/web:3");
        }),
    ]
}

fn lock_rows() -> Vec<Case> {
    vec![
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
                    busy: esa_publish::esa::status::Busy::RollingBack,
                    ..
                }
            ))
        }),
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
        row(
            "a finished rollback still showing after the publish is not this rollout's",
            &[ID, WAIT],
            |w| {
                with_id(w);
                w.rolling_back(Some(0));
                w.status.publish_status = esa_publish::esa::status::PublishStatus::RolledBack;
                w.status.publishing_version.clear();
                w.busy_reads = None;
                w.stale_reads = 2;
            },
            "ok",
        )
        .publishes(1),
        row(
            "if-busy wait gives up at wait-timeout",
            &[ID, BUSY_WAIT, ("INPUT_WAIT-TIMEOUT", "2m")],
            |w| {
                with_id(w);
                w.busy(None)
            },
            "PublishInProgress",
        )
        .publishes(0)
        .within(wait_bound(120))
        .check(|r| assert!(matches!(r.failure().kind, FailureKind::StillBusy { .. }))),
        row(
            "a lock read that may not be made is skipped when nothing needs it",
            &[ID],
            |w| fault(w, "Status", Fault::Refuse("Forbidden.RAM")),
            "ok",
        )
        .publishes(1)
        .check(|r| assert!(r.saw(|e| matches!(e, Event::LockSkipped { .. })))),
        row(
            "a lock read that may not be made fails when the rollout is followed",
            &[ID, WAIT],
            |w| fault(w, "Status", Fault::Refuse("Forbidden.RAM")),
            "Forbidden.RAM",
        )
        .publishes(0),
        row(
            "a lock read that hangs ends at timeout, and nothing is published",
            &[ID, ("INPUT_TIMEOUT", "30s")],
            |w| fault(w, "Status", Fault::Hang),
            "Timeout",
        )
        .publishes(0)
        .within(secs(30)),
        row(
            "a lock wait whose reads hang ends within the wait and its slack",
            &[
                ID,
                BUSY_WAIT,
                ("INPUT_WAIT-TIMEOUT", "5s"),
                ("INPUT_TIMEOUT", "40s"),
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
    ]
}

fn settle_rows() -> Vec<Case> {
    vec![
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
                ["Status", "Publish", "Status", "Status", "Publish", "App"]
            );
            assert!(r.saw(|e| matches!(
                e,
                Event::Resending {
                    attempt: 2,
                    max: 4,
                    ..
                }
            )));
        }),
        row(
            "a re-send counts against max-attempts",
            &[ID, ("INPUT_MAX-ATTEMPTS", "1")],
            |w| fault(w, "Publish", Fault::Reset),
            "NetworkError",
        )
        .publishes(0)
        .check(|r| assert_eq!(cause_attempts(r), 1)),
        row(
            "after settled re-sends use up max-attempts the count is honest",
            &[ID, ("INPUT_MAX-ATTEMPTS", "3")],
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
                    why: esa_publish::deploy::event::Unsettled::NoReading,
                    ..
                }
            )));
        }),
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
                    why: esa_publish::deploy::event::Unsettled::Unreadable(_),
                    ..
                }
            )));
        }),
        row(
            "a publish refused outright is not settled and not re-sent",
            &[ID],
            |w| fault(w, "Publish", Fault::Refuse("InvalidParameter.Percentage")),
            "InvalidParameter.Percentage",
        )
        .publishes(0)
        .check(|r| {
            assert_eq!(r.world.calls, ["Status", "Publish"]);
            assert_eq!(
                r.failure().request_id(),
                Some("REQ-InvalidParameter.Percentage")
            );
        }),
        row(
            "a publish that hangs is settled by the status",
            &[ID, ("INPUT_TIMEOUT", "20s")],
            |w| fault(w, "Publish", Fault::Hang),
            "ok",
        )
        .check(|r| assert!(r.saw(|e| matches!(e, Event::AnswerLost { .. })))),
    ]
}

pub(super) fn cases() -> Vec<Case> {
    let mut all = version_rows();
    all.extend(lock_rows());
    all.extend(settle_rows());
    all.extend(super::table_rollout::rollout_rows());
    all.extend(super::table_aftercare::aftercare_rows());
    all.extend(super::table_health::health_rows());
    all
}
