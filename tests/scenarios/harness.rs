//! The scenarios' harness: a scenario (`Case`: its knobs, the world before, what must come of it), running it against the fake service on virtual time, and checking what came of it. Every scenario file imports it whole.

pub(crate) use std::cell::RefCell;
pub(crate) use std::future::Future;
pub(crate) use std::task::{Context, Poll, Waker};
pub(crate) use std::time::Duration;

pub(crate) use crate::fake::{
    container, Clock, Fake, Fault, Rollout, Seen, Stored, World, PREVIOUS,
};
pub(crate) use crate::setup::*;
pub(crate) use esa_engine::deploy::driver::drive;
pub(crate) use esa_engine::deploy::engine::Engine;
pub(crate) use esa_engine::deploy::event::{Event, Outcome};
pub(crate) use esa_engine::deploy::failure::{
    Failure, FailureKind, NoPrevious, Rollback, RollbackSeen,
};
pub(crate) use esa_engine::deploy::plan::Mode;
pub(crate) use esa_engine::deploy::wait::READ_SLACK;
pub(crate) use esa_engine::esa::status::{Unnamed, VersionStatus};

/// What a run came to.
pub(crate) struct Ran {
    pub(crate) result: Result<Outcome, Failure>,
    pub(crate) world: World,
    pub(crate) events: Vec<(Duration, Event)>,
    pub(crate) end: Duration,
}

impl Ran {
    pub(crate) fn failure(&self) -> &Failure {
        self.result.as_ref().expect_err("a failure")
    }
    pub(crate) fn sent(&self, call: &str) -> usize {
        self.world.calls.iter().filter(|c| **c == call).count()
    }
    pub(crate) fn saw(&self, wanted: impl Fn(&Event) -> bool) -> bool {
        self.events.iter().any(|(_, e)| wanted(e))
    }
}

/// One scenario: its knobs, the world before, and what must come of it.
pub(crate) struct Case {
    pub(crate) name: &'static str,
    pub(crate) knobs: Vec<Knob>,
    pub(crate) world: fn(&mut World),
    /// `ok`, `cancelled`, or the failure's annotation title.
    pub(crate) outcome: &'static str,
    pub(crate) publishes: Option<usize>,
    pub(crate) rollbacks: usize,
    /// The run ends by then (virtual time).
    pub(crate) within: Option<Duration>,
    /// The runner cancels the job during the first sleep at least this long.
    pub(crate) cancel_sleeping: Option<Duration>,
    /// A dry run's reads only.
    pub(crate) mode: Mode,
    pub(crate) check: fn(&Ran),
}

pub(crate) fn row(
    name: &'static str,
    knobs: &[Knob],
    world: fn(&mut World),
    outcome: &'static str,
) -> Case {
    Case {
        name,
        knobs: knobs.to_vec(),
        world,
        outcome,
        publishes: None,
        rollbacks: 0,
        within: None,
        cancel_sleeping: None,
        mode: Mode::Deploy,
        check: |_| {},
    }
}

impl Case {
    pub(crate) fn publishes(mut self, n: usize) -> Self {
        self.publishes = Some(n);
        self
    }
    pub(crate) fn rollbacks(mut self, n: usize) -> Self {
        self.rollbacks = n;
        self
    }
    pub(crate) fn within(mut self, d: Duration) -> Self {
        self.within = Some(d);
        self
    }
    pub(crate) fn cancel_sleeping(mut self, at_least: Duration) -> Self {
        self.cancel_sleeping = Some(at_least);
        self
    }
    pub(crate) fn prepare(mut self) -> Self {
        self.mode = Mode::Prepare;
        self
    }
    pub(crate) fn check(mut self, check: fn(&Ran)) -> Self {
        self.check = check;
        self
    }
}

/// The given version exists, created.
pub(crate) fn with_id(w: &mut World) {
    w.versions.push(Stored {
        id: VERSION.into(),
        name: "release-2".into(),
        time: "t0001".into(),
        status: VersionStatus::Created,
        reads_left: 0,
        fails: false,
        containers: serde_json::json!([container("web", "r.example.com/shop/web:2")]),
    });
}

pub(crate) fn fault(w: &mut World, call: &'static str, f: Fault) {
    with_id(w);
    w.faults.push((call, f));
}

/// Polls the driver once: the fake never waits, so a pending future means a cancellation.
pub(crate) fn block_on<F: Future>(f: F) -> Option<F::Output> {
    let mut context = Context::from_waker(Waker::noop());
    match std::pin::pin!(f).as_mut().poll(&mut context) {
        Poll::Ready(v) => Some(v),
        Poll::Pending => None,
    }
}

pub(crate) fn run(case: &Case) -> Ran {
    let plan = Setup::with(&case.knobs).plan(case.mode);
    let clock = Clock {
        cancel_sleeping: case.cancel_sleeping,
        ..Clock::default()
    };
    let mut world = World {
        env: plan.env(),
        ..World::default()
    };
    (case.world)(&mut world);
    let fake = Fake {
        world: RefCell::new(world),
        clock: &clock,
    };
    let mut engine = Engine::new(plan);
    let mut seen = Seen::default();
    let finished = block_on(drive(&mut engine, &fake, &clock, &mut seen));
    let result = match finished {
        Some(result) => result,
        None => Err(engine.cancel()),
    };
    Ran {
        result,
        world: fake.world.into_inner(),
        events: seen.0,
        end: esa_engine::deploy::driver::Time::now(&clock),
    }
}

pub(crate) fn cause_attempts(r: &Ran) -> u32 {
    r.failure().cause.as_ref().map_or(0, |c| c.attempts())
}

/// Runs one scenario and checks what came of it.
pub(crate) fn check(case: Case) {
    verify(&case, &run(&case));
}

pub(crate) fn verify(case: &Case, r: &Ran) {
    let got = match &r.result {
        Ok(_) => "ok".to_string(),
        Err(f) if matches!(f.kind, FailureKind::Cancelled(_)) => "cancelled".to_string(),
        Err(f) => f.title(),
    };
    assert_eq!(
        got, case.outcome,
        "{}: outcome; calls {:?}; {:?}",
        case.name, r.world.calls, r.result
    );
    if let Some(n) = case.publishes {
        assert_eq!(
            r.world.applied_publishes, n,
            "publishes applied; calls {:?}",
            r.world.calls
        );
    }
    assert_eq!(
        r.world.applied_rollbacks, case.rollbacks,
        "rollbacks applied"
    );
    if let Some(bound) = case.within {
        assert!(r.end <= bound, "ended at {:?}, after {bound:?}", r.end);
    }
    (case.check)(r);
}

/// The bound of a wait whose reads hang: the wait, plus one read's slack.
pub(crate) fn wait_bound(wait: u64) -> Duration {
    secs(wait) + READ_SLACK
}

/// What a finished rollback looked like, for the checks.
pub(crate) fn rolled_back_to(r: &Ran, to: &str) -> bool {
    matches!(&r.failure().rollback, Rollback::Done { to: t, .. } if t == to)
}

/// The previous version, for the rows.
pub(crate) const PREV: &str = PREVIOUS;

/// A rollout that never moves.
pub(crate) fn stuck(w: &mut World) {
    with_id(w);
    w.rollouts.push_back(Rollout::Stuck);
}
