//! Deployment layer: the decisions around the publish call, from the version to the rollback, as an engine that is told what happened and says what to do next.
//!
//! The [`engine`] is the boundary: it is told the time and each call's reply, and answers with
//! the next call, a sleep or the end. Its decisions live in [`version`], [`lock`], [`steps`]
//! and [`settle`], on the pure [`judge`] and the one [`wait`] primitive; it reports typed
//! [`event`]s and ends with a typed [`failure`] or outcome, and holds no prose. The
//! [`driver`] hands each call to its one `Service` and does the waiting; the real service and
//! clock are `app::service`. It does no I/O of its own (no tokio, reqwest, clock, thread or
//! file: the architecture test fails on any). It may use `base`, `esa` and `config`. It must
//! not use `ci` or `app`: `app` observes the events and writes every sentence a person reads.

pub mod aftercare;
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
