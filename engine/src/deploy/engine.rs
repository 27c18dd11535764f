//! The deploy engine's boundary: it is told the time and what each call returned, and says what to do next (make this call within this bound, sleep this long, or stop with this result). It does no I/O and reads no clock.
//!
//! The decisions themselves are written as straight-line async code (`version`, `lock`,
//! `steps`, `settle`), but every `.await` in them is a request handed out through `io::Io`:
//! the code suspends, [`Engine::resume`] returns the request as an [`Action`], and the driver
//! (or a test) resumes it with the answer. The compiler writes the state machine; nothing in
//! it can wait on a socket or a timer of its own.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use crate::base::error::Error;
use crate::deploy::event::{Event, Outcome};
use crate::deploy::failure::{Failure, FailureKind, Progress};
pub use crate::deploy::io::{Budget, Reply, Request};
use crate::deploy::io::{Io, Out, Shared};
use crate::deploy::plan::Plan;

/// What to do next.
#[derive(Debug)]
pub enum Action {
    /// Make this call, then resume with its reply.
    Call(Request),
    /// Sleep this long, then resume with no reply.
    Sleep(Duration),
    /// Stop.
    Done(Result<Outcome, Failure>),
}

type Task = Pin<Box<dyn Future<Output = Result<Outcome, Failure>>>>;

/// One deployment, from the version to the last step (or a dry run's reads).
pub struct Engine {
    task: Task,
    shared: Rc<RefCell<Shared>>,
    done: bool,
}

impl Engine {
    /// An engine for `plan`, not started: the first [`Engine::resume`] starts it.
    pub fn new(plan: Plan) -> Engine {
        let shared = Rc::new(RefCell::new(Shared::default()));
        let io = Io {
            shared: shared.clone(),
        };
        Engine {
            task: Box::pin(crate::deploy::steps::deploy(plan, io)),
            shared,
            done: false,
        }
    }

    /// Runs the engine's decisions from where they stopped, told the time `now` (since the
    /// engine started), a jitter in `[0, 1]`, and the reply to the last call (`None` after a
    /// sleep, or at the start). Returns what to do next.
    pub fn resume(&mut self, now: Duration, jitter: f64, reply: Option<Reply>) -> Action {
        if self.done {
            return Action::Done(Err(Failure::call(Error::internal(
                "engine_resumed_after_end",
            ))));
        }
        {
            let mut shared = self.shared.borrow_mut();
            shared.now = now;
            shared.jitter = jitter;
            shared.inbox = reply;
        }
        let mut context = Context::from_waker(Waker::noop());
        match self.task.as_mut().poll(&mut context) {
            Poll::Ready(result) => {
                self.done = true;
                Action::Done(result)
            }
            Poll::Pending => match self.shared.borrow_mut().outbox.take() {
                Some(Out::Call(request)) => Action::Call(request),
                Some(Out::Sleep(duration)) => Action::Sleep(duration),
                None => Action::Done(Err(Failure::call(Error::internal(
                    "engine_stopped_silently",
                )))),
            },
        }
    }

    /// The events since the last call, each with its time.
    pub fn take_events(&mut self) -> Vec<(Duration, Event)> {
        std::mem::take(&mut self.shared.borrow_mut().events)
    }

    /// Where the deployment stands now: its stage, and its steps.
    pub fn progress(&self) -> Progress {
        self.shared.borrow().progress
    }

    /// The failure of a deployment cancelled now: where it stood.
    pub fn cancel(&self) -> Failure {
        Failure::new(FailureKind::Cancelled(self.progress()))
    }
}
