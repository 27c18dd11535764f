//! The words: every sentence, value and table a person reads, from the log's lines and the annotations to the job summary, the chart, the pull request's comment, `--help` and the step's outputs. It renders what the run hands it (the config, the plan, the engine's events and failures, the record of what happened) and does no I/O: `app` writes what this says.
//!
//! One function per event, check and failure kind, each reached by an exhaustive match over the
//! engine's enums: a new event or failure does not compile until it is said here. Wildcard arms
//! over an enum are denied on this floor.
//!
//! It may use `base`, `esa`, `ci`, `config` and the engine crate, and is used only by `app`.
#![deny(clippy::wildcard_enum_match_arm)]

pub mod advice;
pub mod budget;
pub mod chart;
pub mod checks;
pub mod comment;
pub mod dry_run;
pub mod explain;
pub mod failure;
pub mod help;
pub mod narrate;
pub mod outcome;
pub mod phrases;
pub mod record;
pub mod remedy;
pub mod report;
pub mod run;
pub mod summary;
