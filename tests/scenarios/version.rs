//! The scenarios of the version: by ID, by name alone, made from an image or a spec file, waited for while it is created; and a region publish checked against where the app can deploy.

use crate::harness::*;
use esa_engine::deploy::event::Look;

#[test]
fn scenario_a_version_by_id_not_followed_the_lock_s_read_and_one_publish() {
    check(
        row(
            "a version by ID, not followed: the lock's read and one publish",
            &[ID],
            with_id,
            "ok",
        )
        .publishes(1)
        // First the version's read (its name, and that it is created); last the app's domain,
        // for the `url` output.
        .check(|r| assert_eq!(r.world.calls, ["GetVersion", "Status", "Publish", "App"])),
    );
}

#[test]
fn scenario_a_version_by_id_followed_until_it_serves() {
    check(
        row(
            "a version by ID, followed until it serves",
            &[ID, WAIT],
            with_id,
            "ok",
        )
        .publishes(1)
        .check(|r| assert!(r.saw(|e| matches!(e, Event::Serving { step: 1, .. })))),
    );
}

#[test]
fn scenario_promote_from_staging_publishes_what_staging_serves() {
    check(
        row(
            "promote-from staging: staging's status, its container, its version, then the publish",
            &[|s| s.from_staging = true],
            |w| {
                with_id(w);
                w.other.deployed_version = VERSION.into();
            },
            "ok",
        )
        .publishes(1)
        .check(|r| {
            assert_eq!(
                r.world.calls[..4],
                ["Status", "StagingStatus", "GetVersion", "Status"]
            );
            assert!(r.saw(
                |e| matches!(e, Event::Promoting { version_id, .. } if version_id == VERSION)
            ));
        }),
    );
}

#[test]
fn scenario_promote_from_staging_refuses_a_rolled_back_staging() {
    check(
        row(
            "promote-from staging refuses staging rolled back, publishing nothing",
            &[|s| s.from_staging = true],
            |w| w.other.publish_status = esa_engine::esa::status::PublishStatus::RolledBack,
            "StagingNotPublished",
        )
        .publishes(0),
    );
}

#[test]
fn scenario_promote_from_staging_refuses_a_running_container_that_is_not_ready() {
    check(
        row(
            "promote-from staging refuses a running staging container that says it is not ready",
            &[|s| s.from_staging = true],
            |w| {
                with_id(w);
                w.other.deployed_version = VERSION.into();
                w.staging_ready = Some(false);
            },
            "StagingNotReady",
        )
        .publishes(0),
    );
}

#[test]
fn scenario_promote_from_staging_reads_staging_again_after_waiting_for_the_lock() {
    let promoting = |w: &mut World| {
        with_id(w);
        w.other.deployed_version = VERSION.into();
    };
    // Waiting for prod's lock: staging's status is read once more once it is held.
    check(
        row(
            "promote-from staging with if-busy wait reads staging again after the lock",
            &[|s| s.from_staging = true, BUSY_WAIT],
            promoting,
            "ok",
        )
        .publishes(1)
        .check(|r| {
            assert_eq!(
                r.world.calls[..6],
                [
                    "Status",
                    "StagingStatus",
                    "GetVersion",
                    "Status",
                    "Status",
                    "Publish"
                ],
                "staging's status, then prod's lock, then staging's status again"
            );
        }),
    );
    // Failing when busy, there is no wait, so the first reading is the one that counts.
    check(
        row(
            "promote-from staging with if-busy fail reads staging once",
            &[|s| s.from_staging = true],
            promoting,
            "ok",
        )
        .publishes(1)
        .check(|r| {
            assert_eq!(
                r.world.calls[..5],
                ["Status", "StagingStatus", "GetVersion", "Status", "Publish"]
            );
        }),
    );
}

#[test]
fn scenario_a_version_id_read_that_fails_otherwise_is_that_error_not_a_missing_version() {
    // Only the service's not-found answer means the version is missing; any other refusal is
    // told as it came.
    check(
        row(
            "a version ID whose read is refused otherwise fails with that error",
            &[ID],
            |w| {
                with_id(w);
                fault(w, "GetVersion", Fault::Refuse("InvalidParameter.AppId"));
            },
            "InvalidParameter.AppId",
        )
        .publishes(0)
        .check(|r| assert_eq!(r.failure().kind, FailureKind::Call)),
    );
}

#[test]
fn scenario_a_name_alone_finds_the_created_version() {
    check(
        row(
            "a name alone finds the created version",
            &[|s| s.name = Some("release-2")],
            with_id,
            "ok",
        )
        .publishes(1)
        .check(|r| assert_eq!(r.world.calls[0], "FindVersion")),
    );
}

#[test]
fn scenario_a_region_publish_to_a_region_the_app_cannot_deploy_to_publishes_nothing() {
    check(
        row(
            "a region publish to a region the app cannot deploy to publishes nothing",
            &[ID, |s| s.regions = vec!["jiangsu", "mars"]],
            with_id,
            "RegionNotDeployable",
        )
        .publishes(0)
        .check(|r| assert_eq!(r.world.calls, ["GetVersion", "DeployRegions"])),
    );
}

#[test]
fn scenario_a_region_publish_to_regions_the_app_can_deploy_to_goes_on_to_the_lock() {
    check(
        row(
            "a region publish to regions the app can deploy to goes on to the lock",
            &[ID, |s| s.regions = vec!["Zhejiang"]],
            with_id,
            "ok",
        )
        .publishes(1)
        .check(|r| {
            assert_eq!(
                r.world.calls[..4],
                ["GetVersion", "DeployRegions", "Status", "Publish"]
            )
        }),
    );
}

#[test]
fn scenario_a_region_publish_whose_regions_cannot_be_read_leaves_them_to_the_service() {
    check(
        row(
            "a region publish whose regions cannot be read leaves them to the service",
            &[ID, |s| s.regions = vec!["mars"]],
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
    );
}

#[test]
fn scenario_a_name_alone_that_no_version_has() {
    check(
        row(
            "a name alone that no version has",
            &[|s| s.name = Some("no-such-version")],
            |_| {},
            "VersionNotFound",
        )
        .publishes(0),
    );
}

#[test]
fn scenario_a_name_alone_whose_version_failed() {
    check(
        row(
            "a name alone whose version failed",
            &[|s| s.name = Some("broken-one")],
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
    );
}

#[test]
fn scenario_a_name_alone_whose_version_is_still_creating_is_waited_for() {
    check(
        row(
            "a name alone whose version is still creating is waited for",
            &[|s| s.name = Some("coming-soon")],
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
    );
}

#[test]
fn scenario_an_image_copied_from_what_serves_created_waited_for_published() {
    check(
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
    );
}

#[test]
fn scenario_an_image_whose_named_version_exists_a_re_run_reuses_it_and_makes_none() {
    check(
        row(
            "an image whose named version exists (a re-run) reuses it and makes none",
            &[IMAGE, |s| s.name = Some("release-2.0.0")],
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
    );
}

#[test]
fn scenario_an_image_whose_base_is_a_name_no_version_has() {
    check(
        row(
            "an image whose base is a name no version has",
            &[IMAGE, |s| s.base = Some("no-such-base")],
            |_| {},
            "BaseVersionNotFound",
        )
        .publishes(0),
    );
}

#[test]
fn scenario_an_image_when_nothing_serves_yet() {
    check(
        row(
            "an image when nothing serves yet",
            &[IMAGE],
            |w| w.status.deployed_version.clear(),
            "NoBaseVersion",
        )
        .publishes(0),
    );
}

#[test]
fn scenario_an_image_into_a_base_of_two_containers_without_container_name() {
    check(
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
    );
}

#[test]
fn scenario_an_image_into_a_container_the_base_does_not_have() {
    check(row(
        "an image into a container the base does not have",
        &[IMAGE, |s| s.container = Some("db")],
        |_| {},
        "ContainerNotFound",
    ));
}

#[test]
fn scenario_an_image_whose_creation_fails() {
    check(
        row(
            "an image whose creation fails",
            &[IMAGE],
            |w| w.failing_images = vec!["r.example.com/shop/web:2".into()],
            "VersionFailed",
        )
        .publishes(0),
    );
}

#[test]
fn scenario_an_image_whose_creation_never_ends_versionnotready_at_wait_timeout() {
    check(
        row(
            "an image whose creation never ends: VersionNotReady at wait-timeout",
            &[IMAGE, |s| s.wait_timeout = Some(secs(60))],
            |w| w.creation_reads = None,
            "VersionNotReady",
        )
        .publishes(0)
        .within(wait_bound(60)),
    );
}

#[test]
fn scenario_version_reads_that_hang_end_within_the_wait_and_its_slack() {
    check(
        row(
            "version reads that hang end within the wait and its slack",
            &[
                IMAGE,
                |s| s.wait_timeout = Some(secs(5)),
                |s| s.timeout = Some(secs(40)),
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
    );
}

#[test]
fn scenario_a_creation_whose_answer_is_lost_and_which_the_listing_shows() {
    check(
        row(
            "a creation whose answer is lost, and which the listing shows",
            &[IMAGE],
            |w| w.faults.push(("CreateVersion", Fault::Lost)),
            "ok",
        )
        .publishes(1)
        .check(|r| assert!(r.saw(|e| matches!(e, Event::CreationConfirmed { .. })))),
    );
}

#[test]
fn scenario_a_creation_whose_answer_is_lost_and_which_the_listing_does_not_show() {
    check(
        row(
            "a creation whose answer is lost, and which the listing does not show",
            &[IMAGE],
            |w| w.faults.push(("CreateVersion", Fault::Reset)),
            "NetworkError",
        )
        .publishes(0),
    );
}

#[test]
fn scenario_a_spec_file_makes_a_version_with_exactly_its_containers() {
    check(
        row(
            "a spec file makes a version with exactly its containers",
            &[SPEC, WAIT],
            |_| {},
            "ok",
        )
        .publishes(1)
        .check(|r| {
            assert_eq!(&r.world.calls[..2], ["FindVersion", "CreateVersion"]);
            let made = r.world.versions.last().unwrap();
            assert_eq!(made.containers[0]["Image"], "r.example.com/shop/web:3");
        }),
    );
}
