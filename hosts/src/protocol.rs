//! The runner's own parsers for what a step writes back, ported from actions/runner: workflow commands on stdout in both forms (`::name::` and the legacy `##[name]` anywhere in a line, with `stop-commands`), and the file commands of `GITHUB_OUTPUT`.

use std::collections::BTreeMap;

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

/// The command `name` is, as the runner matches names: without regard to case
/// (`::ERROR::` is obeyed as `error`). `None` for a name it does not know.
fn known(name: &str) -> Option<&'static str> {
    KNOWN.iter().find(|k| k.eq_ignore_ascii_case(name)).copied()
}

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
    let name = known(name)?;
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
    let name = known(name)?;
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
