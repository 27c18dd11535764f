//! esa-publish: publish an Alibaba Cloud ESA edge-container application version from a CI step.
//!
//! Layers, lowest first; each uses only the ones below it (see `ARCHITECTURE.md`, and
//! `tests/architecture/`, which keeps the rules):
//! - [`base`]: the error type, error-code advice, randomness, text and value helpers;
//! - [`esa`]: the ESA API: pure signing, wire placement, the client (time, nonces, HTTP,
//!   retries) and STS. Knows nothing of CI systems;
//! - [`ci`]: the CI host: environment, runner protocol, event payload, GitHub's ID token;
//! - [`config`]: the inputs' spec and their parsing into a validated config, by concern;
//! - [`deploy`]: the publish lock, steps, rollout, rollback; reports through an interface;
//! - [`app`]: one run, start to finish, composing the rest. `main.rs` only calls it.

pub mod app;
pub mod base;
pub mod ci;
pub mod config;
pub mod esa;
