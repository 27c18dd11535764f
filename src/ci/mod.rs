//! CI host layer: what the CI system gives the run and how the run answers it.
//!
//! The environment snapshot ([`env`]), which system runs us ([`host`]), the runner protocol
//! ([`runner`]: workflow commands and their escaping, outputs, the job summary, scrubbing of
//! secrets), the event payload behind label gating ([`event`]), GitHub's ID token for keyless
//! sign-in ([`id_token`]) and the pull request's comment ([`pr_comment`]). It may use `base`
//! and the `http` transport. It must not know the ESA API, the configuration's types, the
//! words or the run.

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
