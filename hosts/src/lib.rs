//! The hosts that run esa-publish, emulated for its tests and its demo, each from its own source: the GitHub Actions runner for a Docker action and for a composite action (inputs from `action.yml` with their defaults, the job's variables and files), Drone, Woodpecker and GitLab CI; the runner's parsers for what a step writes back; and workflow files, read far enough to run their steps.
//!
//! A test-only crate, like the stand-in: it never imports the action's code, so that the two
//! cannot share a mistake about how a host names an input.

#![warn(unreachable_pub)]

pub mod action;
pub mod container;
pub mod expr;
pub mod github;
pub mod others;
pub mod process;
pub mod protocol;
pub mod run;
pub mod step;
pub mod workflow;
mod yaml;

pub use run::Run;
pub use step::{Host, Prepared, Step};
