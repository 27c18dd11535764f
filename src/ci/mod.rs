//! CI host layer: what the CI system gives the run and how the run answers it.
//!
//! The environment snapshot ([`env`]), which system runs us ([`host`]), the runner protocol
//! ([`runner`]: workflow commands and their escaping, outputs, the job summary, scrubbing of
//! secrets), the event payload behind label gating ([`event`]) and GitHub's ID token for keyless
//! sign-in ([`id_token`]). It may use `base`, and the `esa` client's transport for the ID
//! token. It must not know the configuration's types or the deployment.

pub mod cancel;
pub mod context;
pub mod env;
pub mod event;
pub mod host;
pub mod id_token;
pub mod limits;
pub mod pr_comment;
pub mod runner;
pub mod tls_roots;
