//! Test helpers: parsers that behave like the Actions runner's, and a way to run the real binary.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Output};

/// A workflow command as the runner reads it from one stdout line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command_ {
    pub name: String,
    pub properties: BTreeMap<String, String>,
    pub data: String,
}

const KNOWN: &[&str] = &[
    "error",
    "warning",
    "notice",
    "debug",
    "group",
    "endgroup",
    "add-mask",
    "set-output",
    "set-env",
    "add-path",
    "save-state",
    "stop-commands",
    "echo",
    "add-matcher",
    "remove-matcher",
];

/// A port of actions/runner `ActionCommand.TryParseV2`: the line is trimmed at the start, must
/// start with `::`, the command info runs to the next `::`, properties split on `,` then `=`.
pub fn parse_command(line: &str) -> Option<Command_> {
    let message = line.trim_start();
    let rest = message.strip_prefix("::")?;
    let end = rest.find("::")?;
    let info = &rest[..end];
    let (name, props) = match info.find(' ') {
        Some(i) => (&info[..i], Some(info[i + 1..].trim())),
        None => (info, None),
    };
    if !KNOWN.contains(&name) {
        return None;
    }
    let mut properties = BTreeMap::new();
    if let Some(props) = props {
        for p in props.split(',').filter(|p| !p.is_empty()) {
            let mut pair = p.splitn(2, '=').filter(|s| !s.is_empty());
            if let (Some(k), Some(v)) = (pair.next(), pair.next()) {
                properties.insert(k.to_string(), unescape_property(v));
            }
        }
    }
    Some(Command_ {
        name: name.to_string(),
        properties,
        data: unescape_data(&rest[end + 2..]),
    })
}

/// The runner's unescaping, mapping by mapping in its order.
pub fn unescape_data(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%25", "%")
}

pub fn unescape_property(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

/// Lines as the runner's reader splits stdout: on `\n`, `\r\n` and a lone `\r`.
pub fn runner_lines(stdout: &str) -> Vec<String> {
    stdout
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .split('\n')
        .map(str::to_string)
        .collect()
}

/// A port of actions/runner `ActionCommand.TryParse`, the legacy parser the runner tries on
/// every line that is not a `::` command: `##[` anywhere in the line, the command info up to the
/// next `]`, the name up to the first space, properties split on `;` then on the first `=`, and
/// the data after the `]`.
pub fn parse_legacy(line: &str) -> Option<Command_> {
    let start = line.find("##[")?;
    let info_start = start + 3;
    let end = info_start + line[info_start..].find(']')?;
    let info = &line[info_start..end];
    let (name, props) = match info.find(' ') {
        Some(i) => (&info[..i], Some(&info[i + 1..])),
        None => (info, None),
    };
    if !KNOWN.contains(&name) {
        return None;
    }
    let mut properties = BTreeMap::new();
    for p in props.unwrap_or("").split(';').filter(|p| !p.is_empty()) {
        let mut pair = p.splitn(2, '=').filter(|s| !s.is_empty());
        if let (Some(k), Some(v)) = (pair.next(), pair.next()) {
            properties.insert(k.to_string(), unescape_legacy(v));
        }
    }
    Some(Command_ {
        name: name.to_string(),
        properties,
        data: unescape_legacy(&line[end + 1..]),
    })
}

/// The legacy parser's unescaping, in its order.
pub fn unescape_legacy(s: &str) -> String {
    s.replace("%3B", ";")
        .replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%5D", "]")
        .replace("%25", "%")
}

/// What the runner makes of one stdout line: a `::` command, or else a legacy `##[` one.
pub fn parse_any(line: &str) -> Option<Command_> {
    parse_command(line).or_else(|| parse_legacy(line))
}

/// Every command the runner would obey in this stdout, in both forms. After `stop-commands`
/// (in either form) it obeys nothing until a line `::<token>::`, as the runner does; the
/// stop itself is listed, so a test can see that it happened.
pub fn commands(stdout: &str) -> Vec<Command_> {
    let mut found = Vec::new();
    let mut stopped: Option<String> = None;
    for line in runner_lines(stdout) {
        if let Some(token) = &stopped {
            if line.trim() == format!("::{token}::") {
                stopped = None;
            }
            continue;
        }
        if let Some(command) = parse_any(&line) {
            if command.name == "stop-commands" {
                stopped = Some(command.data.clone());
            }
            found.push(command);
        }
    }
    found
}

/// A port of the runner's file-command parser for `GITHUB_OUTPUT`: `name=value` lines, or
/// `name<<DELIM` … `DELIM` blocks; anything else is an error, as it fails the step there.
pub fn parse_outputs(text: &str) -> Result<BTreeMap<String, String>, String> {
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut out = BTreeMap::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        i += 1;
        if line.is_empty() {
            continue;
        }
        let eq = line.find('=');
        let heredoc = line.find("<<");
        match (eq, heredoc) {
            (Some(e), h) if h.is_none_or(|h| e < h) => {
                let key = &line[..e];
                if key.is_empty() {
                    return Err(format!("invalid output line: {line}"));
                }
                out.insert(key.to_string(), line[e + 1..].to_string());
            }
            (_, Some(h)) => {
                let key = &line[..h];
                let delimiter = &line[h + 2..];
                if key.is_empty() || delimiter.is_empty() {
                    return Err(format!("invalid heredoc line: {line}"));
                }
                let mut value = Vec::new();
                loop {
                    if i >= lines.len() {
                        return Err(format!("matching delimiter not found: {delimiter}"));
                    }
                    let l = lines[i];
                    i += 1;
                    if l == delimiter {
                        break;
                    }
                    value.push(l);
                }
                out.insert(key.to_string(), value.join("\n"));
            }
            _ => return Err(format!("invalid format: {line}")),
        }
    }
    Ok(out)
}

/// The result of one run of the real binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub outputs_raw: String,
    pub summary: String,
    /// What the run wrote to `$GITHUB_ENV`.
    pub env_file: String,
}

impl Run {
    pub fn commands(&self) -> Vec<Command_> {
        commands(&self.stdout)
    }
    pub fn errors(&self) -> Vec<Command_> {
        self.commands()
            .into_iter()
            .filter(|c| c.name == "error")
            .collect()
    }
    pub fn warnings(&self) -> Vec<Command_> {
        self.commands()
            .into_iter()
            .filter(|c| c.name == "warning")
            .collect()
    }
    pub fn outputs(&self) -> BTreeMap<String, String> {
        parse_outputs(&self.outputs_raw).expect("the outputs file parses as the runner would")
    }
    /// Everything the run left anywhere a person or a later step could read it. The
    /// `::add-mask::` lines are left out: they are how a value gets masked, and the runner never
    /// shows them.
    pub fn everything(&self) -> String {
        let stdout: Vec<&str> = self
            .stdout
            .lines()
            .filter(|l| !l.starts_with("::add-mask::"))
            .collect();
        format!(
            "{}\n{}\n{}\n{}\n{}",
            stdout.join("\n"),
            self.stderr,
            self.outputs_raw,
            self.summary,
            self.env_file
        )
    }

    /// The values registered with `::add-mask::`.
    pub fn masked(&self) -> Vec<String> {
        self.commands()
            .into_iter()
            .filter(|c| c.name == "add-mask")
            .map(|c| c.data)
            .collect()
    }
}

/// Runs the real binary with exactly these variables (plus PATH), as the runner would, with
/// `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY` in a temp dir.
pub fn run_binary(vars: &[(&str, &str)]) -> Run {
    run_binary_on(vars, true)
}

/// As [`run_binary`]; `github: false` leaves out `GITHUB_ACTIONS` and the runner's files, as on
/// another CI system.
pub fn run_binary_on(vars: &[(&str, &str)], github: bool) -> Run {
    let dir = tempfile::tempdir().expect("temp dir");
    let output_path: PathBuf = dir.path().join("output");
    let summary_path: PathBuf = dir.path().join("summary");
    let env_path: PathBuf = dir.path().join("env");
    std::fs::write(&output_path, "").unwrap();
    std::fs::write(&summary_path, "").unwrap();
    std::fs::write(&env_path, "").unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_esa-publish"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    if github {
        cmd.env("GITHUB_OUTPUT", &output_path)
            .env("GITHUB_STEP_SUMMARY", &summary_path)
            .env("GITHUB_ENV", &env_path)
            .env("GITHUB_ACTIONS", "true");
    }
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("the binary runs");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
        outputs_raw: std::fs::read_to_string(&output_path).unwrap_or_default(),
        summary: std::fs::read_to_string(&summary_path).unwrap_or_default(),
        env_file: std::fs::read_to_string(&env_path).unwrap_or_default(),
    }
}

/// Every `.rs` file under the crate's `src/`: its path below `src/` (with `/`), and its text.
pub fn rust_sources() -> BTreeMap<String, String> {
    rust_files("src")
}

/// Every `.rs` file below `dir` (relative to the crate), by path below it.
pub fn rust_files(dir: &str) -> BTreeMap<String, String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files = BTreeMap::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                files.insert(relative, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    files
}

/// Every string literal outside comments, with its line: `"…"`, raw `r#"…"#` and byte
/// strings, escapes left as written. Char literals and lifetimes are stepped over.
pub fn string_literals(text: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = text.chars().collect();
    let (mut found, mut line, mut i) = (Vec::new(), 1, 0);
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
        }
        if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '\'' {
            // A char literal ('x', '\n', '"'); a lifetime has no closing quote nearby.
            let end = if at(i + 1) == '\\' { i + 3 } else { i + 2 };
            i = if at(end) == '\'' { end + 1 } else { i + 1 };
            continue;
        }
        let raw = c == 'r' && (at(i + 1) == '"' || at(i + 1) == '#');
        if c == '"' || raw {
            let start_line = line;
            let mut j = i + usize::from(raw);
            let hashes = chars[j..].iter().take_while(|c| **c == '#').count();
            j += hashes + 1;
            let mut literal = String::new();
            while j < chars.len() {
                let d = chars[j];
                if d == '"'
                    && (raw || chars[j - 1] != '\\' || chars[j - 2] == '\\')
                    && chars[j + 1..].iter().take_while(|c| **c == '#').count() >= hashes
                {
                    break;
                }
                if d == '\n' {
                    line += 1;
                }
                literal.push(d);
                j += 1;
            }
            found.push((start_line, literal));
            i = j + 1 + hashes;
            continue;
        }
        i += 1;
    }
    found
}

/// The stand-in's demo app and keys with `endpoint` and fast polling, then `extra`, each of
/// which replaces a variable of the same name or adds one; runs the binary with them.
pub fn run_against(endpoint: &str, extra: &[(&str, &str)]) -> Run {
    let mut vars: Vec<(&str, &str)> = vec![
        ("INPUT_APP-ID", esa_standin::DEMO_APP_ID),
        ("INPUT_ACCESS-KEY-ID", esa_standin::DEMO_ACCESS_KEY_ID),
        (
            "INPUT_ACCESS-KEY-SECRET",
            esa_standin::DEMO_ACCESS_KEY_SECRET,
        ),
        ("INPUT_ENDPOINT", endpoint),
        ("INPUT_POLL-INTERVAL", "100ms"),
    ];
    for (k, v) in extra {
        vars.retain(|(name, _)| name != k);
        vars.push((k, v));
    }
    run_binary(&vars)
}

/// The commit and run of a GitHub run, as a new version's name and remarks take them.
pub const COMMIT: (&str, &str) = ("GITHUB_SHA", "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d");
pub const REPOSITORY: (&str, &str) = ("GITHUB_REPOSITORY", "acme/shop");

/// No command but the run's own: nothing set an output, added a mask or stopped the runner.
pub fn assert_no_forged_commands(run: &Run) {
    for c in run.commands() {
        assert!(
            matches!(
                c.name.as_str(),
                "error" | "warning" | "notice" | "debug" | "group" | "endgroup"
            ),
            "a forged `{}` command: {c:?}\n{}",
            c.name,
            run.stdout
        );
    }
    assert!(!run.stdout.contains("##["), "{}", run.stdout);
    assert!(!run.summary.contains("##["), "{}", run.summary);
}
