//! The command line: `--help` and `--version` for a person at a terminal; with no argument the binary runs from its environment, as a CI step.

use crate::config::spec::INPUTS;

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
        Some(_) => {
            let shown: Vec<String> = args
                .iter()
                .map(|a| crate::base::text::shown(&a.to_string_lossy()))
                .collect();
            Command::Usage(format!(
                "unexpected argument{} {}: esa-publish takes its inputs from the environment, not the command line",
                if args.len() == 1 { "" } else { "s" },
                shown.join(" ")
            ))
        }
    }
}

/// `esa-publish 0.1.0`, with the commit when the build was given one (`ESA_PUBLISH_COMMIT`).
pub fn version() -> String {
    let mut text = format!("esa-publish {}", env!("CARGO_PKG_VERSION"));
    if let Some(commit) = option_env!("ESA_PUBLISH_COMMIT").filter(|c| !c.is_empty()) {
        let short: String = commit.chars().take(12).collect();
        text.push_str(&format!(" (commit {short})"));
    }
    text
}

/// The usage text, with every input from the same list that `action.yml` is checked against.
pub fn help() -> String {
    let mut text = format!(
        "{}
Deploys to an Alibaba Cloud ESA edge-container application: publishes a version (given by ID
or name, or made from an image or a spec file) to staging or prod, by percentage or by region,
and can follow the rollout, roll it back, and report to the CI system.

USAGE
    esa-publish              run, with the inputs from the environment
    esa-publish --help       this text (-h)
    esa-publish --version    the version (-V)

HOW INPUTS ARRIVE
    GitHub Actions        INPUT_<NAME> as the runner sets them (INPUT_APP-ID), every
                          declared input with its default where the step gives none
    GitHub, composite     ESA_PUBLISH_INPUTS: the step's inputs as one JSON object
    Drone                 PLUGIN_<NAME> from the step's settings (PLUGIN_APP-ID)
    Woodpecker            PLUGIN_<NAME> with underscores (PLUGIN_APP_ID)
    GitLab CI, by hand    INPUT_<NAME> with underscores (INPUT_APP_ID)
    Names are upper case; an empty value means not given. A name that is no input,
    or one input in two spellings with different values, is an error. For example:

    INPUT_APP_ID=app-88068867578379xxxx INPUT_VERSION_ID=ver-87962637161651xxxx \\
    INPUT_PUBLISH_ENV=staging INPUT_DRY_RUN=true esa-publish

    Credentials may also come from ALIBABA_CLOUD_ACCESS_KEY_ID and
    ALIBABA_CLOUD_ACCESS_KEY_SECRET (see the README's Credentials section).

INPUTS
",
        version()
    );
    let width = INPUTS.iter().map(|i| i.name.len()).max().unwrap_or(0);
    for input in INPUTS {
        let default = match (input.required, input.default) {
            (true, _) => " [required]".to_string(),
            (false, Some(d)) => format!(" [default: {d}]"),
            (false, None) => String::new(),
        };
        text.push_str(&format!(
            "    {:width$}  {}{default}\n",
            input.name, input.about
        ));
    }
    text.push_str(
        "
EXIT CODES
    0    published, skipped by label gating, or a dry run
    1    an input error, or the publish or its rollout failed (the annotation says why)
    2    a bad command-line argument; nothing was read or sent

More: https://github.com/OWNER/esa-publish#readme
",
    );
    text
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
            let line = crate::ci::runner::plain_line(&format!("esa-publish: {message}"));
            eprintln!("{line}\nRun `esa-publish --help` for usage.");
            Some(2)
        }
    }
}
