//! The deployment's progress, and what the API client reports, as log lines and annotations on the runner.

use std::io::Write;

use crate::ci::runner::{Level, Runner};
use crate::deploy::Progress;
use crate::esa::client::Event;

/// Logs what the client reports: each attempt at debug level, each retry with its reason.
pub fn log_event<W: Write>(runner: &mut Runner<W>, event: &Event) {
    match event {
        Event::Sending { attempt, request } => {
            runner.debug(&format!("attempt {attempt}: {request}"))
        }
        Event::Note(text) => runner.debug(text),
        Event::Retrying(n) => runner.log(&format!(
            "attempt {}/{} failed ({}): {}; retrying in {:.1} s",
            n.attempt,
            n.max_attempts,
            n.title,
            n.reason,
            n.delay.as_secs_f64()
        )),
    }
}

/// The deployment's progress goes to the log: client events as [`log_event`] puts them,
/// timeline lines as they are, warnings as annotations.
impl<W: Write> Progress for Runner<W> {
    fn client(&mut self, event: &Event) {
        log_event(self, event);
    }
    fn line(&mut self, text: &str) {
        self.log(text);
    }
    fn warn(&mut self, title: &str, message: &str) {
        self.annotate(Level::Warning, title, message);
    }
}
