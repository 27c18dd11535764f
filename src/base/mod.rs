//! Base layer: what every other layer may use, and which uses nothing of this crate above it.
//!
//! The error type (grouped by what the user must do; which errors are transient and what to do
//! about each belong to the layers that know the service and the inputs), randomness from the
//! operating system, and small pure helpers for text and plain values.
//! It may use only the standard library and external crates. It must not know the inputs, the
//! wire format, the CI system or the deployment: a layer above wraps its own context into
//! [`error::Error`] where that context is known.

pub mod error;
pub mod random;
pub mod text;
pub mod values;
