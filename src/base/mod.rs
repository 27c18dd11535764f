//! Base layer of the binary: randomness from the operating system, and the secret string no printout shows. The error type and the
//! text and value helpers every layer shares are the engine crate's (`esa_engine::base`).
//!
//! It may use only the standard library, the engine's base and external crates.

pub mod random;
pub mod secret;
