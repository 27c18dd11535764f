//! esa-publish: publish an Alibaba Cloud ESA edge-container application version from a CI step.
//!
//! The modules, in the order a run meets them:
//! - [`inputs`]: raw `INPUT_*` strings become a validated [`inputs::Config`];
//! - [`api`]: where each parameter of the call goes on the wire, and how answers read;
//! - [`signing`]: the pure signing core (no clock, no randomness, no I/O);
//! - [`client`]: time, nonces and HTTP;
//! - [`sts`]: keyless sign-in, an OIDC token exchanged with STS;
//! - [`rollout`]: following a rollout to its end, as a pure state machine;
//! - [`deploy`]: the publish lock, staged steps, waiting and rollback around the publish;
//! - [`retry`]: which failures are retried, with what backoff, within what deadline;
//! - [`event`]: label gating from the pull request's labels;
//! - [`host`]: which CI system runs us, and so how to report;
//! - [`runner`]: workflow commands, outputs and the job summary;
//! - [`report`]: the text a person reads;
//! - [`error`]: what went wrong, grouped by what the user must do;
//! - [`app`]: one run, start to finish.

pub mod api;
pub mod app;
pub mod client;
pub mod credentials;
pub mod deploy;
pub mod error;
pub mod event;
pub mod host;
pub mod inputs;
pub mod nonce;
pub mod report;
pub mod retry;
pub mod rollout;
pub mod runner;
pub mod signing;
pub mod sts;
