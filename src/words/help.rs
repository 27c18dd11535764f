//! The command line's words: `--help` (every input from the list `action.yml` is checked against, every output), `--version`, and what an unexpected argument is told.

use std::ffi::OsString;

use crate::ci::host::Host;
use crate::config::spec::INPUTS;
use esa_engine::base::error::InputProblem;
use esa_engine::base::text::shown;

/// What follows a usage error on stderr.
pub const USAGE_HINT: &str = "Run `esa-publish --help` for usage.";

/// Arguments given at a terminal: what they were, and that the inputs come from the environment.
pub fn usage(args: &[OsString]) -> String {
    let shown: Vec<String> = args.iter().map(|a| shown(&a.to_string_lossy())).collect();
    format!(
        "unexpected argument{} {}: esa-publish takes its inputs from the environment, not the command line",
        if args.len() == 1 { "" } else { "s" },
        shown.join(" ")
    )
}

/// The title of arguments given to the binary on a CI system.
pub const UNEXPECTED_ARGUMENTS: &str = "UnexpectedArguments";

/// Arguments given where a CI system runs the binary: what they were, where they come from on
/// this host, and that nothing was sent.
pub fn unexpected_arguments(args: &[OsString], host: Host) -> InputProblem {
    let shown: Vec<String> = args
        .iter()
        .map(|a| format!("`{}`", shown(&a.to_string_lossy())))
        .collect();
    let whence = match host {
        Host::GitHub => "a step's `with: args:` hands arguments to the container: remove `args` from `with:`",
        Host::Drone | Host::Woodpecker => "the step's `entrypoint` or `command` hands them over: remove them, and give inputs under `settings:`",
        Host::GitLab | Host::Plain => "the job's `script` line hands them over: run `esa-publish` with none, its inputs in variables",
    };
    InputProblem::new(
        "args",
        UNEXPECTED_ARGUMENTS,
        format!(
            "esa-publish was given the argument{} {} on a CI system, where it takes none: {whence}. Answering them would skip the deploy and still pass the step. Nothing was sent.",
            if args.len() == 1 { "" } else { "s" },
            shown.join(" ")
        ),
    )
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
    inputs_and_outputs(&mut text);
    text.push_str(
        "
EXIT CODES
    0    published, skipped by label gating, or a dry run
    1    an input error, or the publish or its rollout failed (the annotation says why)
    2    a bad command-line argument; nothing was read or sent

More: the README of the action's repository.
",
    );
    text
}

/// The INPUTS entries (each with its default) and the OUTPUTS section.
fn inputs_and_outputs(text: &mut String) {
    let width = INPUTS.iter().map(|i| i.name.len()).max().unwrap_or(0);
    for input in INPUTS {
        let default = match (input.required, input.default) {
            (true, _) => " [required]".to_string(),
            (false, Some(d)) => format!(" [default: {d}]"),
            (false, None) => String::new(),
        };
        let about = format!("{}{default}", input.about);
        entry(text, input.name, width, &about);
    }
    text.push_str("\nOUTPUTS (step outputs; a dotenv file's NAME=value lines elsewhere)\n");
    let width = OUTPUT_ABOUT.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    for (name, about) in OUTPUT_ABOUT {
        entry(text, name, width, about);
    }
}

/// The widest line of `--help`.
pub const HELP_COLUMNS: usize = 100;

/// One `NAME  about` entry, the about wrapped at [`HELP_COLUMNS`] under itself.
fn entry(text: &mut String, name: &str, width: usize, about: &str) {
    let indent = 4 + width + 2;
    let mut line = format!("    {name:width$} ");
    for word in about.split(' ') {
        if line.chars().count() + 1 + word.chars().count() > HELP_COLUMNS
            && line.trim().len() > name.len()
        {
            text.push_str(line.trim_end());
            text.push('\n');
            line = " ".repeat(indent - 1);
        }
        line.push(' ');
        line.push_str(word);
    }
    text.push_str(line.trim_end());
    text.push('\n');
}

/// What each output holds, for `--help` (the README's table says more).
pub const OUTPUT_ABOUT: &[(&str, &str)] = &[
    ("result", "how the run ended: published, unchanged, accepted, rolled-back, failed, cancelled, not-published, unknown, dry-run or skipped; only published and unchanged mean the version serves"),
    ("request-id", "the publish call's RequestId (also when the API answered with an error)"),
    ("skipped", "true when label gating skipped the publish"),
    ("credential-source", "inputs, oidc, env or oidc-env"),
    ("version-id", "the version published (given, found or made)"),
    ("version-name", "its name, when known"),
    ("version-created", "true when this run made the version"),
    ("previous-version", "the version that served before"),
    ("publish-status", "the service's PublishStatus as the run ended; rollbacking after a rollback"),
    ("publish-percentage", "the share the version serves as the run ended; 0 after a rollback"),
    ("deployed-version", "what serves as the run ended"),
    ("regions", "the rollout's regions, as a JSON array"),
    ("rollback-request-id", "the rollback's RequestId"),
    ("url", "https:// and the app's bound domain"),
    ("staging-ips", "staging's addresses, as a JSON array"),
    ("deleted-versions", "what keep-versions deleted, as a JSON array"),
    ("stopped-at", "where a failed or cancelled run stopped"),
];
