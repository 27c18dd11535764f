//! The deployment's one observer: each event goes to the record, the chart and, in words, to the log; the client's attempts and retries go to the log too.

use std::io::Write;
use std::time::Duration;

use crate::ci::runner::{Level, Runner};
use crate::http::retry::ClientEvent;
use crate::words::narrate::narrate;
use crate::words::phrases::{Context, Said};
use crate::words::record::Record;
use esa_engine::base::text::clock_text;
use esa_engine::deploy::driver::Observer;
use esa_engine::deploy::engine::Request;
use esa_engine::deploy::event::Event;

/// Logs what the client reports: each attempt at debug level, each retry with its reason.
pub fn log_event<W: Write>(runner: &mut Runner<W>, event: &ClientEvent) {
    match event {
        ClientEvent::Sending { attempt, request } => {
            runner.debug(&format!("attempt {attempt}: {request}"))
        }
        ClientEvent::Note(text) => runner.debug(text),
        ClientEvent::Retrying(n) => runner.log(&format!(
            "attempt {}/{} failed ({}): {}; retrying in {:.1} s",
            n.attempt,
            n.max_attempts,
            n.title,
            n.reason,
            n.delay.as_secs_f64()
        )),
    }
}

/// Observes one deployment for the log and the record.
pub struct Reporter<'a, W: Write> {
    pub runner: &'a mut Runner<W>,
    pub record: Record,
    /// What the run is about, for the words (the version is filled in once known).
    pub context: Context,
    /// Whether the rollout is followed (so the chart has something to show).
    pub follows: bool,
}

impl<W: Write> Observer<ClientEvent> for Reporter<'_, W> {
    fn event(&mut self, at: Duration, event: &Event) {
        self.record.note(at, event, self.follows);
        if let Event::VersionChosen(chosen) = event {
            self.context.version = chosen.version_id.clone();
        }
        match narrate(event, &self.context) {
            Said::Line(text) => self.runner.log(&text),
            Said::Moment(text) => {
                self.runner.log(&format!("[{}] {text}", clock_text(at)));
                self.record.moment(at, text);
            }
            Said::Warning { title, text } => self.runner.annotate(Level::Warning, title, &text),
            Said::Debug(text) => self.runner.debug(&text),
            Said::Group { title, lines } => {
                self.runner.group(&title);
                for line in &lines {
                    self.runner.log(line);
                }
                self.runner.end_group();
            }
            Said::Nothing => {}
        }
    }

    fn report(&mut self, event: &ClientEvent) {
        log_event(self.runner, event);
    }

    fn calling(&mut self, request: &Request) {
        self.record.calling(request.action());
    }
}
