//! The one wait primitive every wait uses (the publish lock, a version becoming `created`, each step's rollout): a start, a deadline, a poll interval with jitter, and a bound for each read inside the wait. Pure: the time is an argument.

use std::time::Duration;

/// The most a read inside a wait may take beyond the wait's deadline, so that the reading
/// taken at the deadline can still finish: a status read answers in well under a second.
pub const READ_SLACK: Duration = Duration::from_secs(5);

/// The shortest pause between two polls, whatever `poll-interval` says.
pub const MIN_PAUSE: Duration = Duration::from_millis(100);

/// Up to this share of the interval is added to each pause, so that parallel runs spread out.
const JITTER: f64 = 0.2;

/// One bounded wait, on the engine's clock (durations since the engine started).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    start: Duration,
    limit: Duration,
    interval: Duration,
}

impl Wait {
    /// A wait starting `now` that gives up `limit` later, polling every `interval`.
    pub fn new(now: Duration, limit: Duration, interval: Duration) -> Self {
        Wait {
            start: now,
            limit,
            interval,
        }
    }

    /// When it gives up.
    pub fn deadline(&self) -> Duration {
        self.start + self.limit
    }

    /// How long it has run.
    pub fn elapsed(&self, now: Duration) -> Duration {
        now.saturating_sub(self.start)
    }

    /// What is left before the deadline.
    pub fn left(&self, now: Duration) -> Duration {
        self.deadline().saturating_sub(now)
    }

    /// The bound of one read made `now`: what is left of the wait, plus [`READ_SLACK`].
    pub fn read_limit(&self, now: Duration) -> Duration {
        self.left(now) + READ_SLACK
    }

    /// The pause before the next poll: the interval plus up to 20% (`jitter` in `[0, 1]`), at
    /// least [`MIN_PAUSE`], at most what is left. `None` once the deadline has passed.
    pub fn pause(&self, now: Duration, jitter: f64) -> Option<Duration> {
        let left = self.left(now);
        if left.is_zero() {
            return None;
        }
        Some(self.interval(jitter).min(left))
    }

    /// The interval plus up to 20% (`jitter` in `[0, 1]`), at least [`MIN_PAUSE`], whatever
    /// is left: the pause between a bake's readings, which are a poll interval apart and go on
    /// past the deadline while a reading does not pass.
    pub fn interval(&self, jitter: f64) -> Duration {
        self.interval
            .mul_f64(1.0 + JITTER * jitter.clamp(0.0, 1.0))
            .max(MIN_PAUSE)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::deploy::wait::{Wait, READ_SLACK};

    const S: fn(u64) -> Duration = Duration::from_secs;

    #[test]
    fn pauses_jitter_and_stop_at_the_deadline() {
        let w = Wait::new(S(100), S(25), S(10));
        assert_eq!(w.pause(S(100), 0.5), Some(S(11)));
        assert_eq!(w.pause(S(122), 1.0), Some(S(3)), "never past the deadline");
        assert_eq!(w.pause(S(125), 0.0), None);
        assert_eq!(w.pause(S(130), 0.0), None);
        assert_eq!(
            Wait::new(S(0), S(5), Duration::ZERO).pause(S(0), 0.0),
            Some(Duration::from_millis(100)),
            "never a busy loop"
        );
    }

    #[test]
    fn a_read_gets_what_is_left_plus_the_slack() {
        let w = Wait::new(S(10), S(5), S(1));
        assert_eq!(w.read_limit(S(10)), S(5) + READ_SLACK);
        assert_eq!(w.read_limit(S(14)), S(1) + READ_SLACK);
        assert_eq!(w.read_limit(S(99)), READ_SLACK);
        assert_eq!(w.elapsed(S(14)), S(4));
    }
}
