//! Deployment layer: what happens around the publish call, from the publish lock to the rollback.
//!
//! The lock and the steps ([`run`]), the app's status ([`status`]), the rollout's pure state
//! machine ([`rollout`]) and the record of what happened ([`report`]). It may use `base`,
//! `esa` and `config`. It must not use `ci` or `app`: it reports progress through the
//! [`Progress`] interface, which the top turns into log lines, annotations and the summary, and
//! it never calls up into the entry module.

pub mod report;
pub mod rollout;
pub mod run;
pub mod settle;
pub mod status;
pub mod version;

use crate::esa::client::Event;

/// Where the deployment reports as it goes. `app` implements it over the runner.
pub trait Progress {
    /// What the API client reports: each attempt, each retry.
    fn client(&mut self, event: &Event);
    /// One line of the deployment's own log (a timeline entry, with its time).
    fn line(&mut self, text: &str);
    /// A problem that does not stop the deployment.
    fn warn(&mut self, title: &str, message: &str);
}
