//! A few scenarios that drive `Engine::resume` by hand, as quinn-proto's tests drive its connection: no driver and no fake, just the time and each reply, so that the boundary itself is what is tested.

use std::time::Duration;

use esa_engine::deploy::engine::{Action, Engine, Reply, Request};
use esa_engine::deploy::event::Outcome;
use esa_engine::deploy::failure::FailureKind;
use esa_engine::deploy::plan::Mode;
use esa_engine::esa::status::{AppStatus, PublishStatus, VersionStatus};

use crate::setup::{Setup, ID, PREVIOUS_VERSION, VERSION, WAIT};

fn serving(version: &str, share: u8) -> AppStatus {
    AppStatus {
        publish_status: PublishStatus::Published,
        publish_percentage: share,
        expect_percentage: share,
        deployed_version: version.into(),
        baseline_version: version.into(),
        ..AppStatus::default()
    }
}

/// The answer to the read of the version given by ID: it is created.
fn created() -> Reply {
    Reply::Version(Ok(esa_engine::esa::versions::Version {
        version_id: VERSION.into(),
        name: "release-2".into(),
        status: VersionStatus::Created,
        containers: Vec::new(),
    }))
}

fn expect_call(action: Action) -> Request {
    match action {
        Action::Call(request) => request,
        other => panic!("expected a call, got {other:?}"),
    }
}

#[test]
fn scenario_resumed_by_hand_a_followed_publish_reads_the_lock_publishes_and_serves() {
    let mut engine = Engine::new(Setup::with(&[ID, WAIT]).plan(Mode::Deploy));
    let t = Duration::from_secs;
    // The version given by ID, read for its name and status.
    let read = expect_call(engine.resume(t(0), 0.5, None));
    assert_eq!(read.action(), "GetEdgeContainerAppVersion");
    // The lock's reading.
    let lock = expect_call(engine.resume(t(0), 0.5, Some(created())));
    assert_eq!(lock.action(), "GetEdgeContainerAppStatus");
    let reply = Reply::Status(Ok(serving(PREVIOUS_VERSION, 100)));
    // The publish of the version, at the service's default share.
    let publish = expect_call(engine.resume(t(1), 0.5, Some(reply)));
    match &publish {
        Request::Publish { request, .. } => assert_eq!(request.version_id, VERSION),
        other => panic!("expected the publish, got {other:?}"),
    }
    // The rollout is followed: a pause of the poll interval, then a reading that serves.
    let mut reply = Some(Reply::Sent(Ok(Some("REQ-1".into()))));
    let mut now = t(2);
    let outcome = loop {
        match engine.resume(now, 0.5, reply.take()) {
            Action::Sleep(d) => now += d,
            Action::Call(r) if r.action() == "GetEdgeContainerAppStatus" => {
                reply = Some(Reply::Status(Ok(serving(VERSION, 100))))
            }
            Action::Call(r) if r.action() == "GetEdgeContainerApp" => {
                reply = Some(Reply::App(Err(esa_engine::base::error::Error::System(
                    "not asked for here".into(),
                ))))
            }
            Action::Call(other) => panic!("unexpected call {other:?}"),
            Action::Done(result) => break result,
        }
    };
    assert!(matches!(outcome, Ok(Outcome::Deployed)), "{outcome:?}");
    assert!(now < t(60), "it took {now:?} of virtual time");
}

#[test]
fn scenario_resumed_by_hand_a_refused_lock_reading_fails_before_any_publish() {
    let mut engine = Engine::new(Setup::with(&[ID, WAIT]).plan(Mode::Deploy));
    let read = expect_call(engine.resume(Duration::ZERO, 0.5, None));
    assert_eq!(read.action(), "GetEdgeContainerAppVersion");
    let lock = expect_call(engine.resume(Duration::ZERO, 0.5, Some(created())));
    assert_eq!(lock.action(), "GetEdgeContainerAppStatus");
    let refused = esa_engine::base::error::Error::Api(esa_engine::base::error::ApiError {
        status: 404,
        code: "InvalidApp.NotFound".into(),
        message: "The application does not exist.".into(),
        request_id: Some("REQ-404".into()),
        recommend: None,
    });
    match engine.resume(
        Duration::from_secs(1),
        0.5,
        Some(Reply::Status(Err(refused))),
    ) {
        Action::Done(Err(failure)) => {
            assert_eq!(failure.kind, FailureKind::Call);
            assert_eq!(failure.title(), "InvalidApp.NotFound");
        }
        other => panic!("expected the end, got {other:?}"),
    }
    // Resumed after its end, it says so as an error, never a panic.
    assert!(matches!(
        engine.resume(Duration::from_secs(2), 0.5, None),
        Action::Done(Err(_))
    ));
}
