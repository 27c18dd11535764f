//! The command line: `--help` and `--version` for a person at a terminal; with no argument the binary runs from its environment, as a CI step.

use crate::ci::env::Env;
use crate::ci::host::Host;
use crate::ci::runner::plain_line;
use crate::words::help::{help, usage, version, USAGE_HINT};

/// What the arguments ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// No argument: read the inputs from the environment and run.
    Run,
    Help,
    Version,
    /// Anything else: this message, and exit code 2.
    Usage(String),
}

/// Reads the arguments (the program name left out). Nothing is read from the environment.
pub fn parse<I: IntoIterator<Item = std::ffi::OsString>>(args: I) -> Command {
    let args: Vec<std::ffi::OsString> = args.into_iter().collect();
    match args.first().map(|a| a.to_string_lossy()) {
        None => Command::Run,
        Some(a) if args.len() == 1 && (a == "--help" || a == "-h") => Command::Help,
        Some(a) if args.len() == 1 && (a == "--version" || a == "-V") => Command::Version,
        Some(_) => Command::Usage(usage(&args)),
    }
}

/// Whether a CI system runs the binary (as a step), rather than a person at a terminal.
pub fn on_ci(env: &Env) -> bool {
    Host::detect(env) != Host::Plain || env.var("CI").is_some_and(|v| v == "true")
}

/// Handles the arguments that are not a run: prints, and gives the exit code. `None` means run.
pub fn handle<I: IntoIterator<Item = std::ffi::OsString>>(args: I) -> Option<i32> {
    match parse(args) {
        Command::Run => None,
        Command::Help => {
            print!("{}", help());
            Some(0)
        }
        Command::Version => {
            println!("{}", version());
            Some(0)
        }
        Command::Usage(message) => {
            // The runner reads stderr for commands too: the arguments are quoted as plain text.
            let line = plain_line(&format!("esa-publish: {message}"));
            eprintln!("{line}\n{USAGE_HINT}");
            Some(2)
        }
    }
}
