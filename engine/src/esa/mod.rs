//! The ESA API's vocabulary, pure: the service's states ([`status`]), the request types
//! ([`model`], [`endpoint`]), answers read into types ([`versions`], [`diagnostics`],
//! [`json`]), a version's containers and images ([`containers`], [`image`]), a health probe's
//! URL and result ([`probe`]), the app's telemetry ([`stats`]), and which errors are worth
//! another attempt ([`retry`]).
//!
//! It uses `base` only, and knows no client, clock or socket: the binary's `esa` layer makes
//! the calls and reads the answers into these types.

pub mod containers;
pub mod diagnostics;
pub mod endpoint;
pub mod image;
pub mod json;
pub mod model;
pub mod probe;
pub mod retry;
pub mod stats;
pub mod status;
pub mod versions;

/// The most of an answer the client reads: 1 MiB. A larger answer is an error, never read
/// whole into memory.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
