//! The deployment's one observer: each event goes to the record, the chart and, in words, to the log; the client's attempts and retries go to the log too.

use std::io::Write;
use std::time::Duration;

use crate::app::narrate::narrate;
use crate::app::record::Record;
use crate::app::words::{Context, Said};
use crate::ci::runner::{Level, Runner};
use crate::esa::client;
use esa_engine::base::text::clock_text;
use esa_engine::deploy::driver::Observer;
use esa_engine::deploy::engine::Request;
use esa_engine::deploy::event::Event;

/// Logs what the client reports: each attempt at debug level, each retry with its reason.
pub fn log_event<W: Write>(runner: &mut Runner<W>, event: &client::ClientEvent) {
    match event {
        client::ClientEvent::Sending { attempt, request } => {
            runner.debug(&format!("attempt {attempt}: {request}"))
        }
        client::ClientEvent::Note(text) => runner.debug(text),
        client::ClientEvent::Retrying(n) => runner.log(&format!(
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

impl<W: Write> Reporter<'_, W> {
    /// The chart's points: a step's target, each reading's share, a failure, a rollback.
    fn plot(&mut self, at: Duration, event: &Event) {
        let version = self.context.version.clone();
        let r = &mut self.record;
        match event {
            Event::Published { percentage, .. } if self.follows => {
                r.plot(at, Some(percentage.unwrap_or(100)), None, None)
            }
            Event::Reading { status, .. } => {
                r.plot(at, None, Some(status.share_of(&version)), None)
            }
            Event::Failed { kind, cause, .. } => {
                let title = kind
                    .code()
                    .map(str::to_string)
                    .or_else(|| cause.as_ref().map(|c| c.title()))
                    .unwrap_or_default();
                r.plot(at, None, None, Some(title));
            }
            Event::RolledBack { .. } => r.plot(at, Some(0), Some(0), Some("rolled back".into())),
            _ => {}
        }
    }
}

impl<W: Write> Observer<client::ClientEvent> for Reporter<'_, W> {
    fn event(&mut self, at: Duration, event: &Event) {
        self.record.note(event);
        if let Event::VersionChosen(chosen) = event {
            self.context.version = chosen.version_id.clone();
        }
        self.plot(at, event);
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

    fn report(&mut self, event: &client::ClientEvent) {
        log_event(self.runner, event);
    }

    fn calling(&mut self, request: &Request) {
        self.record.calling(request.action());
    }
}
