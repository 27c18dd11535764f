//! Deployment layer: the decisions around the publish call, from the version to the rollback, as an engine that is told what happened and says what to do next.
//!
//! The [`engine`] is the boundary: it is told the time and each call's reply, and answers with
//! the next call, a sleep or the end. Its decisions live in [`version`], [`lock`], [`steps`]
//! and [`settle`], on the pure [`judge`] and the one [`wait`] primitive; it reports typed
//! [`event`]s and ends with a typed [`failure`] or outcome, and holds no prose. Each step's bake
//! runs the plan's [`checks`] on one loop (`bake`). The [`driver`] hands each call to its
//! one `Calls` implementation and does the waiting; the real calls and clock are the binary's
//! (`app::service`). It does no I/O of its own: the crate's manifest names no runtime, HTTP or
//! TLS crate, and `engine/clippy.toml` keeps out the standard library's clock, files and
//! sockets. It may use `base` and `esa` below it; the binary renders its events in words.

pub mod aftercare;
mod bake;
pub mod checks;
pub mod driver;
pub mod engine;
pub mod event;
pub mod failure;
mod io;
pub mod judge;
mod lock;
pub mod plan;
mod promote;
pub mod regions;
pub mod settle;
mod steps;
pub mod version;
pub mod wait;
