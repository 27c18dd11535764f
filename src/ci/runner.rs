//! The runner protocol: workflow commands on stdout (escaped so that no text can start a command of its own), step outputs and the job summary on GitHub Actions; plain log lines and a dotenv file on other CI systems.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;

use crate::base::random::random_hex;
use crate::ci::env::Env;
use crate::ci::host::Host;
use crate::ci::limits::{
    fit_dotenv, fit_message, ANNOTATIONS_PER_LEVEL, DOTENV_BYTES, DOTENV_VARIABLES,
    OUTPUT_VALUE_BYTES,
};
use esa_engine::base::error::Error;
use esa_engine::base::text::percent_encode;

/// The key of the runner's legacy command parser (`ActionCommand.TryParse`), which it tries on
/// every line that is not a `::` command and finds anywhere in the line.
const LEGACY_KEY: &str = "##[";

/// Breaks every `##[` with a zero-width space (`#\u{200B}#[`), so that the legacy parser finds
/// no command in the line, wherever the text came from. One pass suffices: the key ends in `[`,
/// so occurrences never overlap, and the inserted space cannot complete a new one.
pub fn neutralise_legacy(text: &str) -> String {
    text.replace(LEGACY_KEY, "#\u{200B}#[")
}

/// Escapes an annotation's message: `%`, `\r` and `\n`, as the Actions toolkit does.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property (a title): as [`escape_data`], plus `:` and `,`.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The annotation levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error = 0,
    Warning = 1,
    Notice = 2,
}

impl Level {
    fn command(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Notice => "notice",
        }
    }
}

/// One annotation line: `::error title=T::message`, escaped, with the legacy key broken in
/// both parts. The runner trims the property list, so the title is trimmed here (and left out
/// when empty) to arrive as written.
pub fn annotation(level: Level, title: &str, message: &str) -> String {
    let (title, message) = (neutralise_legacy(title), neutralise_legacy(message));
    let (title, message) = (title.trim(), message.as_str());
    if title.is_empty() {
        format!("::{}::{}", level.command(), escape_data(message))
    } else {
        format!(
            "::{} title={}::{}",
            level.command(),
            escape_property(title),
            escape_data(message)
        )
    }
}

/// A plain log line that the runner cannot read as a command: control characters (which the
/// runner would take as line breaks) become `\u{FFFD}`, a line that would start with `::`
/// after leading spaces gets a `> ` in front, and `##[` anywhere is broken (see
/// [`neutralise_legacy`]).
pub fn plain_line(text: &str) -> String {
    let line: String = neutralise_legacy(text)
        .chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect();
    if line.trim_start().starts_with("::") {
        format!("> {line}")
    } else {
        line
    }
}

/// One output in the runner's heredoc form: `name<<DELIM\nvalue\nDELIM\n`.
///
/// The caller picks a delimiter the value does not contain.
pub fn output_entry(name: &str, value: &str, delimiter: &str) -> String {
    format!("{name}<<{delimiter}\n{value}\n{delimiter}\n")
}

/// An output or environment entry with a fresh random delimiter that the value cannot contain.
fn heredoc(name: &str, value: &str) -> Result<String, Error> {
    loop {
        let delimiter = format!("ghadelimiter_{}", random_hex(16)?);
        if !value.contains(&delimiter) && !name.contains(&delimiter) {
            return Ok(output_entry(name, value, &delimiter));
        }
    }
}

/// Whether `name` can be written to the runner's files: the runner's parser takes a name up to
/// `<<` or `=` on one line, so an empty name, or one with those or a line break, would break
/// the file and fail the step. Ours are letters, digits, `_`, `-` and `.`.
fn check_name(name: &str) -> Result<(), Error> {
    let plain = |b: u8| b.is_ascii_alphanumeric() || b"_-.".contains(&b);
    match !name.is_empty() && name.bytes().all(plain) {
        true => Ok(()),
        false => Err(Error::System(format!(
            "`{}` cannot be written as a runner variable's name",
            esa_engine::base::text::shown(name)
        ))),
    }
}

/// One dotenv line: `REQUEST_ID=value`. Dotenv values are single lines, so line breaks and
/// other control characters become spaces.
pub fn dotenv_entry(name: &str, value: &str) -> String {
    let key = name.to_ascii_uppercase().replace('-', "_");
    let value: String = value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!("{key}={value}\n")
}

/// Where the run talks to the runner: stdout for commands and logs, and the files it names.
pub struct Runner<W: Write> {
    out: W,
    /// Whether stdout speaks workflow commands (GitHub Actions) or plain lines.
    commands: bool,
    /// Whether a GitHub runner reads stdout (`GITHUB_ACTIONS=true`), whatever the reporting
    /// mode: it obeys `::add-mask::` even when `ci-system` asks for plain lines.
    github_runner: bool,
    output_file: Option<PathBuf>,
    summary_file: Option<PathBuf>,
    env_file: Option<PathBuf>,
    /// `NAME=value` outputs for GitLab's dotenv reports (or any other reader).
    dotenv_file: Option<PathBuf>,
    debug: bool,
    /// Text that must never be printed, in every encoding it could appear in.
    secrets: Vec<String>,
    /// Every warning annotated so far (title, message), scrubbed, for the summary.
    warnings: Vec<(String, String)>,
    /// Annotations written so far, per level (error, warning, notice).
    annotated: [usize; 3],
    /// The dotenv report: what the file held before our first line, and our lines by name.
    dotenv: Dotenv,
}

/// Our part of the dotenv report, rewritten whole at each output so that it keeps within
/// GitLab's limits (see [`fit_dotenv`]).
#[derive(Default)]
struct Dotenv {
    /// The file's text before we wrote to it (another step's lines); `None` until first read.
    present: Option<String>,
    lines: Vec<(String, String)>,
    /// The names already said to be left out.
    left_out: Vec<String>,
}

impl<W: Write> Runner<W> {
    /// Reads the host (see [`Host`]), `GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`, the dotenv file
    /// (input `dotenv-file` or `ESA_PUBLISH_DOTENV`) and the debug switch (`RUNNER_DEBUG=1`, or
    /// `ESA_PUBLISH_DEBUG=1` elsewhere) from `env`. An invalid `ci-system` is reported by the
    /// input validation; until then the host is detected.
    pub fn new(env: &Env, out: W) -> Self {
        let host = Host::from_env(env).unwrap_or_else(|_| Host::detect(env));
        let commands = host.has_workflow_commands();
        let path = |name: &str| env.var(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        Runner {
            out,
            commands,
            github_runner: env.var("GITHUB_ACTIONS") == Some("true"),
            // The runner's files are used wherever they are set (Actions-compatible runners set
            // them too); only the stdout format depends on the host.
            output_file: path("GITHUB_OUTPUT"),
            summary_file: path("GITHUB_STEP_SUMMARY"),
            env_file: path("GITHUB_ENV"),
            dotenv_file: env
                .input("dotenv-file")
                .map(PathBuf::from)
                .or_else(|| path("ESA_PUBLISH_DOTENV")),
            debug: env.var("RUNNER_DEBUG") == Some("1")
                || env.var("ESA_PUBLISH_DEBUG") == Some("1"),
            secrets: Vec::new(),
            warnings: Vec::new(),
            annotated: [0; 3],
            dotenv: Dotenv::default(),
        }
    }

    /// The warnings annotated so far: (title, message), scrubbed.
    pub fn warnings(&self) -> &[(String, String)] {
        &self.warnings
    }

    /// Gives back the stdout writer (for tests that capture it).
    pub fn into_inner(self) -> W {
        self.out
    }

    /// Registers a credential obtained at run time: `::add-mask::` whenever a GitHub runner
    /// reads stdout (in any reporting mode), so the runner hides it in every later step too, and
    /// our own scrubbing everywhere.
    pub fn mask(&mut self, value: &str) {
        if value.is_empty() {
            return;
        }
        if self.commands || self.github_runner {
            let line = format!("::add-mask::{}", escape_data(value));
            self.emit(&line);
        }
        self.add_secret(value);
    }

    /// Hands a variable to later steps through `$GITHUB_ENV`, unscrubbed: the only place a
    /// credential is ever written, and only on request (`export-credentials: true`).
    pub fn export_env(&mut self, name: &str, value: &str) -> Result<(), Error> {
        check_name(name)?;
        let Some(path) = self.env_file.clone() else {
            return Err(Error::RunnerFile {
                what: "GITHUB_ENV".into(),
                detail: "it is not set: `export-credentials` works on GitHub Actions only".into(),
            });
        };
        append(
            &path,
            &heredoc(name, value)?,
            "the job environment (GITHUB_ENV)",
        )
    }

    /// Registers a value that must never reach stdout, the outputs or the summary: from now on
    /// it is replaced by `***`, raw and percent-encoded once or twice (as V2 strings to sign
    /// and error messages that echo them carry it).
    pub fn add_secret(&mut self, value: &str) {
        if value.is_empty() {
            return;
        }
        let once = percent_encode(value);
        let twice = percent_encode(&once);
        for variant in [value.to_string(), once.replace("%20", "+"), once, twice] {
            if !self.secrets.contains(&variant) {
                self.secrets.push(variant);
            }
        }
        // Longest first, so that a longer encoding is not left half-replaced by a shorter one.
        self.secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }

    fn scrub(&self, text: &str) -> String {
        self.secrets.iter().fold(text.to_string(), |t, secret| {
            t.replace(secret.as_str(), "***")
        })
    }

    // Writes to stdout are best effort: a closed stdout must not turn a successful publish
    // into a failure, and the outputs file still carries the result.
    fn emit(&mut self, line: &str) {
        let _ = writeln!(self.out, "{line}");
    }

    /// Whether the host shows annotations (GitHub's workflow commands); elsewhere they are
    /// log lines, with no limit.
    pub fn shows_annotations(&self) -> bool {
        self.commands
    }

    /// How many more annotations of `level` GitHub would show in this step.
    pub fn annotations_left(&self, level: Level) -> usize {
        ANNOTATIONS_PER_LEVEL.saturating_sub(self.annotated[level as usize])
    }

    /// An annotation (error, warning, notice), escaped. Warnings are kept for the summary.
    /// Past GitHub's 10 of a level it is a plain log line (it would not be shown); a message
    /// past 4096 characters keeps its start and end, and the log has it whole.
    pub fn annotate(&mut self, level: Level, title: &str, message: &str) {
        let (title, message) = (self.scrub(title), self.scrub(message));
        if level == Level::Warning {
            self.warnings
                .push((title.trim().to_string(), message.clone()));
        }
        let shown = self.commands && self.annotations_left(level) > 0;
        self.annotated[level as usize] += 1;
        let line = if shown {
            if let Some(fitted) = fit_message(&message) {
                self.emit(&plain_line(&format!(
                    "{} [{}]: {message}",
                    level.command(),
                    title.trim()
                )));
                annotation(level, &title, &fitted)
            } else {
                annotation(level, &title, &message)
            }
        } else {
            plain_line(&format!(
                "{} [{}]: {}",
                level.command(),
                title.trim(),
                message
            ))
        };
        self.emit(&line);
    }

    /// A plain log line; see [`plain_line`].
    pub fn log(&mut self, text: &str) {
        let line = plain_line(&self.scrub(text));
        self.emit(&line);
    }

    /// `::command::text` on GitHub Actions, `prefix text` as a plain line elsewhere.
    fn command_line(&mut self, command: &str, plain_prefix: &str, text: &str) {
        let text = neutralise_legacy(&self.scrub(text));
        let line = if self.commands {
            format!("::{command}::{}", escape_data(&text))
        } else {
            plain_line(&format!("{plain_prefix}{text}"))
        };
        self.emit(&line);
    }

    /// A debug line, shown only when the run has debug logging on.
    pub fn debug(&mut self, text: &str) {
        if self.debug {
            self.command_line("debug", "debug: ", text);
        }
    }

    /// Starts a collapsible group in the log.
    pub fn group(&mut self, title: &str) {
        self.command_line("group", "--- ", title);
    }

    pub fn end_group(&mut self) {
        if self.commands {
            self.emit("::endgroup::");
        }
    }

    /// Sets an output: in `GITHUB_OUTPUT` with a random heredoc delimiter, and as
    /// `NAME=value` in the dotenv file when one is configured. With neither (a run by hand) the
    /// output is logged.
    pub fn set_output(&mut self, name: &str, value: &str) -> Result<(), Error> {
        check_name(name)?;
        if self.scrub(name) != name {
            return Err(Error::System(
                "an output's name would carry a secret".into(),
            ));
        }
        let value = &self.scrub(value);
        if value.len() > OUTPUT_VALUE_BYTES {
            self.log(&format!("output {name}={value}"));
            self.annotate(
                Level::Warning,
                "OutputTooLarge",
                &format!("the output `{name}` is not set: its value is {} bytes, over the {OUTPUT_VALUE_BYTES} this action writes to one output. The log above has it.", value.len()),
            );
            return Ok(());
        }
        if let Some(path) = self.dotenv_file.clone() {
            self.write_dotenv(&path, name, value)?;
        }
        let Some(path) = self.output_file.clone() else {
            if self.dotenv_file.is_none() {
                self.log(&format!("output {name}={value}"));
            }
            return Ok(());
        };
        append(
            &path,
            &heredoc(name, value)?,
            "the step outputs (GITHUB_OUTPUT)",
        )
    }

    /// Sets `name` in our part of the dotenv report and rewrites that part, leaving out the
    /// longest lines while it is over GitLab's limits; each left out is said once, with its
    /// value in the log.
    fn write_dotenv(&mut self, path: &PathBuf, name: &str, value: &str) -> Result<(), Error> {
        let entry = (name.to_string(), dotenv_entry(name, value));
        match self.dotenv.lines.iter_mut().find(|(n, _)| n == name) {
            Some(line) => *line = entry,
            None => self.dotenv.lines.push(entry),
        }
        let present = self
            .dotenv
            .present
            .get_or_insert_with(|| std::fs::read_to_string(path).unwrap_or_default())
            .clone();
        let (ours, left_out) = fit_dotenv(&self.dotenv.lines, &present);
        std::fs::write(path, format!("{present}{ours}")).map_err(|e| Error::RunnerFile {
            what: format!("the dotenv file at {}", path.display()),
            detail: e.to_string(),
        })?;
        for (left, bytes) in left_out {
            if self.dotenv.left_out.contains(&left) {
                continue;
            }
            self.dotenv.left_out.push(left.clone());
            let line = self
                .dotenv
                .lines
                .iter()
                .find(|(n, _)| *n == left)
                .map(|(_, l)| l.clone());
            self.log(&format!("dotenv {}", line.unwrap_or_default().trim_end()));
            self.annotate(
                Level::Warning,
                "DotenvTooLarge",
                &format!("the output `{left}` ({bytes} bytes) is left out of the dotenv report: GitLab takes at most {DOTENV_BYTES} bytes and {DOTENV_VARIABLES} variables in one. The log above has it."),
            );
        }
        Ok(())
    }

    /// Appends Markdown to the job summary, if the runner gave one, never past the runner's
    /// [`SUMMARY_LIMIT`] (over it the runner drops the whole summary): the app keeps well under
    /// it, and this is the net behind that.
    pub fn append_summary(&mut self, markdown: &str) -> Result<(), Error> {
        // The runner never parses the summary for commands; the key is broken all the same, so
        // that text copied out of it cannot carry one either.
        let markdown = &neutralise_legacy(&self.scrub(markdown));
        let Some(path) = self.summary_file.clone() else {
            return Ok(());
        };
        let present = std::fs::metadata(&path).map_or(0, |m| m.len() as usize);
        let room = SUMMARY_LIMIT.saturating_sub(present);
        append(
            &path,
            &within_limit(markdown, room),
            "the job summary (GITHUB_STEP_SUMMARY)",
        )
    }
}

/// The runner's limit on a step's summary file (`FileCommandManager`: `1024 * 1024` bytes); a
/// summary over it is dropped whole, with an error of the runner's.
pub const SUMMARY_LIMIT: usize = 1024 * 1024;

/// The note that ends a summary cut to fit the runner's limit.
const SUMMARY_CUT: &str =
    "\n\n*(the rest of this summary is cut: the runner drops a step summary over 1 MiB)*\n";

/// `text`, or its start cut at a line's end with [`SUMMARY_CUT`] after it, in `room` bytes.
pub fn within_limit(text: &str, room: usize) -> String {
    if text.len() <= room {
        return text.to_string();
    }
    let mut keep = room.saturating_sub(SUMMARY_CUT.len());
    while !text.is_char_boundary(keep) {
        keep -= 1;
    }
    let end = text[..keep].rfind('\n').map_or(0, |i| i + 1);
    match room >= SUMMARY_CUT.len() {
        true => format!("{}{SUMMARY_CUT}", &text[..end]),
        false => String::new(),
    }
}

fn append(path: &PathBuf, text: &str, what: &str) -> Result<(), Error> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| Error::RunnerFile {
            what: format!("{what} at {}", path.display()),
            detail: e.to_string(),
        })
}

/// Text inside a table cell, with each character that Markdown or the table would read
/// written as an HTML entity instead of a backslash escape (which GitHub shows as it is inside
/// code): no line breaks, no `|`, no HTML, no emphasis, links or code of the text's own.
fn cell_text(text: &str, cell: &mut String) {
    for c in text.chars() {
        match c {
            '|' => cell.push_str("&#124;"),
            '<' => cell.push_str("&lt;"),
            '>' => cell.push_str("&gt;"),
            '&' => cell.push_str("&amp;"),
            '`' => cell.push_str("&#96;"),
            '*' => cell.push_str("&#42;"),
            '_' => cell.push_str("&#95;"),
            '~' => cell.push_str("&#126;"),
            '[' => cell.push_str("&#91;"),
            ']' => cell.push_str("&#93;"),
            '\\' => cell.push_str("&#92;"),
            '\r' | '\n' => cell.push(' '),
            c if c.is_control() => cell.push('\u{FFFD}'),
            c => cell.push(c),
        }
    }
}

/// Makes text safe inside a Markdown table cell (see `cell_text`); a span the text itself
/// quotes in backticks (`` `wait-timeout` ``) becomes `<code>…</code>`, which renders inside
/// a table on GitHub where a code span with escapes would not.
pub fn markdown_cell(text: &str) -> String {
    let mut cell = String::with_capacity(text.len());
    let parts: Vec<&str> = text.split('`').collect();
    // An odd number of backticks leaves the last one unpaired: it stays a plain backtick.
    let unpaired = parts.len().is_multiple_of(2);
    for (i, part) in parts.iter().enumerate() {
        if unpaired && i + 1 == parts.len() {
            cell.push_str("&#96;");
            cell_text(part, &mut cell);
        } else if i % 2 == 1 {
            cell.push_str("<code>");
            cell_text(part, &mut cell);
            cell.push_str("</code>");
        } else {
            cell_text(part, &mut cell);
        }
    }
    cell
}

/// `text` as code inside a table cell: `<code>…</code>`.
pub fn code_cell(text: &str) -> String {
    let mut cell = String::from("<code>");
    cell_text(text, &mut cell);
    cell.push_str("</code>");
    cell
}
