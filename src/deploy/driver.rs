//! The one thin driver: it resumes the engine with the time, hands each call it asks for to the one [`Service`] it is given, sleeps on the [`Time`] it is given, and hands every event to one [`Observer`]. The real service and clock are in `app::service`; tests bring a fake service on virtual time.

use std::future::Future;
use std::time::Duration;

use crate::deploy::engine::{Action, Engine};
use crate::deploy::event::{Event, Outcome};
use crate::deploy::failure::Failure;
use crate::deploy::io::{Reply, Request};
use crate::esa::client;

/// The client's own reports (each attempt, each retry), for the log.
pub type Log<'a> = &'a mut dyn FnMut(&client::ClientEvent);

/// The one call surface: make this request, within the budget it carries, and give its reply.
/// `app::service` puts each request on the real client; the scenario tests answer from an
/// in-memory service.
pub trait Service {
    fn call(&self, request: &Request, log: Log<'_>) -> impl Future<Output = Reply>;
}

/// The driver's clock: time since the deployment started, sleeping, and jitter.
pub trait Time {
    fn now(&self) -> Duration;
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()>;
    /// A uniform random number in `[0, 1]`.
    fn jitter(&self) -> f64;
}

/// Where the deployment reports: `app` renders every event (and the client's reports) for a
/// person.
pub trait Observer {
    /// An event of the engine, at its time since the start.
    fn event(&mut self, at: Duration, event: &Event);
    /// A report of the API client: an attempt, a retry.
    fn client(&mut self, event: &client::ClientEvent);
    /// A call the engine asked for, about to be made.
    fn calling(&mut self, request: &Request);
}

/// Runs `engine` to its end. Dropping the future stops it where it stands; then
/// [`Engine::cancel`] says where that was.
pub async fn drive<S: Service, T: Time>(
    engine: &mut Engine,
    service: &S,
    time: &T,
    observer: &mut dyn Observer,
) -> Result<Outcome, Failure> {
    let mut reply = None;
    loop {
        let action = engine.resume(time.now(), time.jitter(), reply.take());
        for (at, event) in engine.take_events() {
            observer.event(at, &event);
        }
        match action {
            Action::Done(result) => return result,
            Action::Sleep(duration) => time.sleep(duration).await,
            Action::Call(request) => {
                observer.calling(&request);
                reply = Some(service.call(&request, &mut |e| observer.client(e)).await)
            }
        }
    }
}
