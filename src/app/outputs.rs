//! Writing the step's outputs (their values are `words::outcome`'s) once calls were made: each failure to write one is a warning, never what decides the step's result.

use std::io::Write;

use crate::ci::runner::{Level, Runner};
use crate::words::outcome::Output;
use crate::words::run::report_incomplete;
use esa_engine::base::error::Error;

/// A runner file that could not be written once calls were made: a warning, never what decides
/// the step's result.
pub fn unwritten<W: Write>(runner: &mut Runner<W>, written: Result<(), Error>) {
    if let Err(e) = written {
        runner.annotate(Level::Warning, &e.title(), &report_incomplete(&e));
    }
}

/// Sets outputs after calls were made: each failure is a warning (see [`unwritten`]).
pub fn set_outputs<W: Write>(runner: &mut Runner<W>, outputs: &[Output]) {
    for (name, value) in outputs {
        let written = runner.set_output(name, value);
        unwritten(runner, written);
    }
}
