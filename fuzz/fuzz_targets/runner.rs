//! The runner protocol: arbitrary text through every writer of `ci::runner` (log line, annotation, debug line, group, summary, output name and value, exported variable), with a registered secret. Parsed back with the runner's rules (both command forms, and its file-command parser), no text makes a command it did not mean, no output breaks out of its heredoc, and no write puts the secret anywhere but where an export was asked for.
//!
//! A leak is the secret inside what one write adds to stdout or a file, as the runner shows it:
//! a command's text and properties, an output's name and value, the summary. Two writes that
//! each hold a part of it and meet in the file (a summary ending in `Zq7`, the next starting
//! with `sEcR3t`) are no leak, nor is our text meeting the protocol's framing (an output name
//! ending in `Zq7sEcR3t` before `<<ghadelimiter_`): neither is shown as one piece.

#![no_main]

use std::cell::RefCell;
use std::io::Write;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::OnceLock;

use esa_hosts::protocol::{commands, parse_outputs};
use esa_publish::ci::env::Env;
use esa_publish::ci::runner::{Level, Runner};
use libfuzzer_sys::fuzz_target;

#[derive(Debug)]
enum Op {
    Log(String),
    Annotate(u8, String, String),
    Debug(String),
    Group(String),
    Summary(String),
    Output(String, String),
    Export(String, String),
}

/// One input: NUL-separated parts, the first the secret, each other an op: its first
/// character picks the writer, the rest is its text (two texts split at `\u{1}`).
#[derive(Debug)]
struct Case {
    secret: String,
    ops: Vec<Op>,
}

impl Case {
    fn from(data: &[u8]) -> Case {
        let text = String::from_utf8_lossy(data);
        let mut parts = text.split('\0');
        let secret = parts.next().unwrap_or_default().to_string();
        let ops = parts.filter_map(op).collect();
        Case { secret, ops }
    }
}

fn op(part: &str) -> Option<Op> {
    let mut chars = part.chars();
    let kind = chars.next()? as u32;
    let rest = chars.as_str();
    let (a, b) = rest.split_once('\u{1}').unwrap_or((rest, ""));
    let (a, b) = (a.to_string(), b.to_string());
    Some(match kind % 7 {
        0 => Op::Log(a),
        1 => Op::Annotate((kind / 7) as u8, a, b),
        2 => Op::Debug(a),
        3 => Op::Group(a),
        4 => Op::Summary(a),
        5 => Op::Output(a, b),
        _ => Op::Export(a, b),
    })
}

/// The start of the registered secret.
const MARKER: &str = "Zq7sEcR3t";

/// The runner's files, made once and emptied before each case.
fn files() -> &'static [PathBuf; 3] {
    static FILES: OnceLock<[PathBuf; 3]> = OnceLock::new();
    FILES.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("esa-fuzz-runner-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        ["output", "summary", "env"].map(|n| dir.join(n))
    })
}

/// The commands each op may make, at most.
fn allowed(ops: &[Op]) -> [(&'static str, usize); 6] {
    let count = |f: &dyn Fn(&Op) -> bool| ops.iter().filter(|o| f(o)).count();
    let level = |l: u8| count(&|o| matches!(o, Op::Annotate(x, _, _) if x % 3 == l));
    [
        ("error", level(0)),
        (
            "warning",
            level(1) + 2 * count(&|o| matches!(o, Op::Output(..))),
        ),
        ("notice", level(2)),
        ("debug", count(&|o| matches!(o, Op::Debug(_)))),
        ("group", count(&|o| matches!(o, Op::Group(_)))),
        ("endgroup", count(&|o| matches!(o, Op::Group(_)))),
    ]
}

/// Stdout as the test sees it while the run writes it, so that each write's part can be told.
#[derive(Clone, Default)]
struct Stdout(Rc<RefCell<Vec<u8>>>);

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Stdout {
    fn text(&self) -> String {
        String::from_utf8(self.0.borrow().clone()).unwrap()
    }
}

/// What stdout and the outputs and summary files hold now.
fn snapshot(stdout: &Stdout, output: &PathBuf, summary: &PathBuf) -> [(&'static str, String); 3] {
    [
        ("stdout", stdout.text()),
        ("outputs", std::fs::read_to_string(output).unwrap()),
        ("summary", std::fs::read_to_string(summary).unwrap()),
    ]
}

/// What one write added: the new text after the old, or all of it when the write rewrote it.
fn added<'a>(before: &str, after: &'a str) -> &'a str {
    after.strip_prefix(before).unwrap_or(after)
}

/// Runs every op, and after each one asserts that what it added holds no secret.
fn run(
    case: &Case,
    runner: &mut Runner<Stdout>,
    stdout: &Stdout,
    secret: &str,
) -> Vec<(String, String)> {
    let [output, summary, _] = files();
    let mut set = Vec::new();
    for op in &case.ops {
        let before = snapshot(stdout, output, summary);
        match op {
            Op::Log(t) => runner.log(t),
            Op::Annotate(l, title, message) => {
                let level = [Level::Error, Level::Warning, Level::Notice][usize::from(l % 3)];
                runner.annotate(level, title, message)
            }
            Op::Debug(t) => runner.debug(t),
            Op::Group(t) => {
                runner.group(t);
                runner.end_group();
            }
            Op::Summary(t) => {
                let _ = runner.append_summary(t);
            }
            Op::Output(name, value) => {
                if runner.set_output(name, value).is_ok() {
                    set.push((name.clone(), value.clone()));
                }
            }
            Op::Export(name, value) => {
                let _ = runner.export_env(name, value);
            }
        }
        let after = snapshot(stdout, output, summary);
        for ((what, old), (_, new)) in before.iter().zip(&after) {
            let part = added(old, new);
            for seen in what_is_shown(what, part) {
                assert!(
                    !seen.contains(secret),
                    "{op:?} put the secret in the {what}:\n{part}"
                );
            }
        }
    }
    set
}

/// What a person or a later step gets of what one write added: each command's text and
/// properties and each plain line of stdout, each output's name and value, the summary as it is.
/// The protocol's own framing (`::warning title=`, `<<ghadelimiter_…`) is not shown, so text of
/// ours that meets it (a name ending in `Zq7sEcR3t` before `<<gha…`) spells no secret there.
fn what_is_shown(what: &str, part: &str) -> Vec<String> {
    match what {
        "stdout" => part
            .lines()
            .flat_map(|line| match commands(line).into_iter().next() {
                Some(c) => std::iter::once(c.data).chain(c.properties.into_values()).collect(),
                None => vec![line.to_string()],
            })
            .collect(),
        "outputs" => match parse_outputs(part) {
            Ok(outputs) => outputs.into_iter().flat_map(|(n, v)| [n, v]).collect(),
            // A part that does not parse is judged whole (the end of the target checks that
            // the file parses).
            Err(_) => vec![part.to_string()],
        },
        _ => vec![part.to_string()],
    }
}

fuzz_target!(|data: &[u8]| {
    let case = Case::from(data);
    let [output, summary, env_file] = files();
    for f in [output, summary, env_file] {
        std::fs::write(f, "").unwrap();
    }
    let env = Env::from_pairs([
        ("GITHUB_ACTIONS", "true".to_string()),
        ("RUNNER_DEBUG", "1".into()),
        ("GITHUB_OUTPUT", output.display().to_string()),
        ("GITHUB_STEP_SUMMARY", summary.display().to_string()),
        ("GITHUB_ENV", env_file.display().to_string()),
    ]);
    let stdout = Stdout::default();
    let mut runner = Runner::new(&env, stdout.clone());
    // The secret starts with a marker the protocol never writes by itself, so that finding it
    // means it leaked (a bare "::warning tit" is made by the protocol, and is no leak).
    let secret = format!("{MARKER}{}", case.secret.trim());
    let secret = secret.as_str();
    runner.add_secret(secret);
    let set = run(&case, &mut runner, &stdout, secret);
    drop(runner);
    let stdout = stdout.text();

    for (name, most) in allowed(&case.ops) {
        let made = commands(&stdout).iter().filter(|c| c.name == name).count();
        assert!(
            made <= most,
            "{made} `{name}` commands from {most} writes:\n{stdout}"
        );
    }
    for c in commands(&stdout) {
        assert!(
            ["error", "warning", "notice", "debug", "group", "endgroup"].contains(&c.name.as_str()),
            "a `{}` command was made:\n{stdout}",
            c.name
        );
    }
    let written = std::fs::read_to_string(output).unwrap();
    let outputs = parse_outputs(&written).unwrap_or_else(|e| panic!("{e}:\n{written}"));
    for (name, _) in &set {
        assert!(outputs.contains_key(name), "`{name}` is lost:\n{written}");
    }
    assert_eq!(
        outputs.len(),
        set.iter()
            .map(|(n, _)| n)
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        "{written}"
    );
    let exported = std::fs::read_to_string(env_file).unwrap();
    parse_outputs(&exported).unwrap_or_else(|e| panic!("{e}:\n{exported}"));
});
