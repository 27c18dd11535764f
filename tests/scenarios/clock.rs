//! The scenarios' virtual clock, which a sleep moves on at once (or never, for a cancellation), and the observer that keeps every event with its time.

use std::cell::Cell;
use std::time::Duration;

use esa_engine::deploy::driver::{Observer, Time};
use esa_engine::deploy::event::Event;

/// Virtual time: a sleep moves it on at once, but for a sleep at least `cancel_sleeping` long,
/// during which the runner cancels the job (it never ends).
#[derive(Default)]
pub struct Clock {
    pub now: Cell<Duration>,
    pub cancel_sleeping: Option<Duration>,
}

impl Clock {
    pub fn advance(&self, d: Duration) {
        self.now.set(self.now.get() + d);
    }
}

impl Time for Clock {
    fn now(&self) -> Duration {
        self.now.get()
    }
    fn sleep(&self, duration: Duration) -> impl std::future::Future<Output = ()> {
        let cancelled = self
            .cancel_sleeping
            .is_some_and(|at_least| duration >= at_least);
        let sleep: std::pin::Pin<Box<dyn std::future::Future<Output = ()>>> = if cancelled {
            Box::pin(std::future::pending())
        } else {
            self.advance(duration);
            Box::pin(std::future::ready(()))
        };
        sleep
    }
    fn jitter(&self) -> f64 {
        0.5
    }
}

/// Collects the events, with their times.
#[derive(Default)]
pub struct Seen(pub Vec<(Duration, Event)>);

impl Observer<()> for Seen {
    fn event(&mut self, at: Duration, event: &Event) {
        self.0.push((at, event.clone()));
    }
    fn report(&mut self, _: &()) {}
    fn calling(&mut self, _: &esa_engine::deploy::engine::Request) {}
}
