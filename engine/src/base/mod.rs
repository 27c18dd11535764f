//! Base layer: what every other layer may use, and which uses nothing above it.
//!
//! The error type (grouped by what the user must do; which errors are transient and what to do
//! about each belong to the layers that know the service and the inputs) and small pure
//! helpers for text and plain values. It must not know the inputs, the wire format, the CI
//! system or the deployment: a layer above wraps its own context into [`error::Error`] where
//! that context is known.

pub mod error;
pub mod text;
pub mod values;
