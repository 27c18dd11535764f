//! ESA API layer: everything needed to call Alibaba Cloud's ESA edge-container API, and nothing about who calls it.
//!
//! The pure signing core ([`signing`]: no clock, no randomness, no I/O), where each parameter
//! goes on the wire ([`api`]), the request types ([`model`], [`endpoint`], [`credentials`]),
//! and the client that owns time, nonces, HTTP and retries ([`client`], [`retry`]), plus STS
//! ([`sts`]). It may use `base` only. It must not know the CI system, the `INPUT_*` names, the
//! configuration or the deployment: it takes plain request structs and returns typed answers
//! and errors.

pub mod advice;
pub mod api;
pub mod client;
pub mod credentials;
pub mod probe;
pub mod signing;
pub mod sts;
pub mod versions;
