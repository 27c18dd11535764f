//! esa-publish: publish an Alibaba Cloud ESA edge-container application version from a CI step.
//!
//! Floors, lowest first; each uses only the ones its rule names (see `ARCHITECTURE.md`, and
//! `tests/architecture/`, which keeps the rules). The engine (decisions, plan, checks, events,
//! and the pure ESA vocabulary) is the `esa-engine` crate below all of them.
//! - [`base`]: randomness, and the secret string no printout shows;
//! - [`http`]: the one transport (verified TLS, bounded reads, the retry loop, the probe);
//! - [`esa`]: the ESA API: pure signing, wire placement, the client (time, nonces) and STS.
//!   Knows nothing of CI systems;
//! - [`ci`]: the CI host: environment, runner protocol, event payload, GitHub's ID token and
//!   the pull request's comment;
//! - [`config`]: the inputs' spec and their parsing into a validated config, by concern;
//! - [`words`]: every sentence, value and table a person reads; no I/O;
//! - [`app`]: one run, start to finish, composing the rest. `main.rs` only calls it.

#![warn(unreachable_pub)]

pub mod app;
pub mod base;
pub mod ci;
pub mod config;
pub mod esa;
pub mod http;
pub mod words;
