//! ESA API layer: everything needed to call Alibaba Cloud's ESA edge-container API, and nothing about who calls it.
//!
//! The pure signing core ([`signing`]: no clock, no randomness, no I/O), where each parameter
//! goes on the wire ([`api`]), who signs ([`credentials`]), the client that owns the time and
//! the nonces of each call ([`client`], over the `http` transport), the version calls
//! ([`versions`]) and STS ([`sts`]). The typed states and answers are the engine's
//! (`esa_engine::esa`). It may use `base` and `http`. It must not know the CI system, the
//! `INPUT_*` names, the configuration, the words or the run: it takes plain request structs and
//! returns typed answers and errors.

pub mod api;
pub mod client;
pub mod credentials;
pub mod signing;
pub mod sts;
pub mod versions;
