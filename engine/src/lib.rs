//! The deploy engine of esa-publish, in a crate of its own so that the compiler keeps it pure: its manifest has no tokio, reqwest, hyper or rustls, so nothing here can make a call, read a clock or sleep.
//!
//! Three layers, lowest first: [`base`] (the one error type and text helpers), [`esa`] (the
//! ESA API's vocabulary: typed states, answers read into types, the request and retry rules,
//! with no client), and [`deploy`] (the engine: it is told what happened and says what to do
//! next; its [`deploy::driver`] is the one place that hands calls and sleeps to the binary).
//! The binary (`esa-publish`) builds a [`deploy::plan::Plan`] from its inputs, does the calls
//! and the waiting, and renders every event in words.

#![warn(missing_docs, unreachable_pub)]

pub mod base;
pub mod deploy;
pub mod esa;
