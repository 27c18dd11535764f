//! The runner protocol: escaping tables, and what a runner-faithful parser makes of our stdout and outputs file.

mod support;

use esa_publish::ci::env::Env;
use esa_publish::ci::limits::OUTPUT_VALUE_BYTES;
use esa_publish::ci::runner::*;
use support::{commands, parse_command, parse_legacy, parse_outputs};

#[test]
fn escaping_tables() {
    let data: &[(&str, &str)] = &[
        ("plain", "plain"),
        ("100%", "100%25"),
        ("a\nb", "a%0Ab"),
        ("a\r\nb", "a%0D%0Ab"),
        ("%0A", "%250A"),
        ("k: v, w", "k: v, w"),
        ("::error::x", "::error::x"),
    ];
    for (raw, want) in data {
        assert_eq!(escape_data(raw), *want, "data {raw:?}");
    }
    let property: &[(&str, &str)] = &[
        ("InvalidApp.NotFound", "InvalidApp.NotFound"),
        ("a:b", "a%3Ab"),
        ("a,b", "a%2Cb"),
        ("50%", "50%25"),
        ("a\r\nb", "a%0D%0Ab"),
        ("x=1,title=y", "x=1%2Ctitle=y"),
    ];
    for (raw, want) in property {
        assert_eq!(escape_property(raw), *want, "property {raw:?}");
    }
}

const HOSTILE: &[&str] = &[
    "line1\n::error::injected",
    "x\r\n::add-mask::leak",
    "%0A::warning::double-escaped",
    "::set-output name=request-id::evil",
    "  ::error title=X::indented",
    "a,title=b:c",
    "trailing %",
    "\r::error::lone-cr",
    "ghadelimiter_0123\nrequest-id=evil",
    // The legacy parser finds `##[` anywhere in a line that is not a `::` command.
    "rel ##[set-output name=previous-version;]FORGED",
    "##[add-mask]x",
    "a ##[stop-commands]tok",
    "###[error]x ##[warning]y",
];

#[test]
fn annotations_round_trip_and_never_split_into_more_commands() {
    for text in HOSTILE {
        let line = annotation(Level::Error, text, text);
        let parsed = commands(&line);
        assert_eq!(parsed.len(), 1, "{text:?} became {parsed:?}");
        assert_eq!(parsed[0].name, "error");
        let sent = neutralise_legacy(text);
        assert_eq!(
            parsed[0].data, sent,
            "the message round-trips, with the legacy key broken"
        );
        assert_eq!(
            parsed[0].properties.get("title").map(String::as_str),
            Some(sent.trim()),
            "the title round-trips (trimmed, as the runner trims properties)"
        );
        assert!(!line.contains("##["), "{line}");
    }
}

#[test]
fn plain_log_lines_are_never_commands() {
    for text in HOSTILE {
        let line = plain_line(text);
        assert!(commands(&line).is_empty(), "{text:?} printed as {line:?}");
        assert!(parse_command(&line).is_none());
        assert!(parse_legacy(&line).is_none(), "{line}");
    }
}

#[test]
fn the_test_parser_reads_the_legacy_form_as_the_runner_does() {
    let c = parse_legacy("text before ##[set-output name=rollback-request-id;]FORGED%5D").unwrap();
    assert_eq!(c.name, "set-output");
    assert_eq!(c.properties["name"], "rollback-request-id");
    assert_eq!(c.data, "FORGED]");
    assert!(parse_legacy("##[not-a-command]x").is_none());
    // After a stop, nothing is obeyed until the token comes back.
    let seen = commands("##[stop-commands]tok\n::error::hidden\n::tok::\n::error::shown");
    let names: Vec<_> = seen.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["stop-commands", "error"]);
    assert_eq!(seen[1].data, "shown");
}

#[test]
fn the_test_parser_obeys_a_command_in_any_letter_case_as_the_runner_does() {
    // The runner matches command names without regard to case.
    let error = parse_command("::ERROR::forged").unwrap();
    assert_eq!(
        (error.name.as_str(), error.data.as_str()),
        ("error", "forged")
    );
    let mask = parse_command("::Add-Mask::s3cret").unwrap();
    assert_eq!(mask.name, "add-mask");
    let legacy = parse_legacy("x ##[Set-Output name=a;]b").unwrap();
    assert_eq!(legacy.name, "set-output");
    let seen = commands("::ERROR::one\n::Warning title=t::two\n##[DEBUG]three");
    let names: Vec<_> = seen.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["error", "warning", "debug"]);
    // And no text through our writers becomes one, in any case.
    let (_, _, mut runner) = runner_with_files();
    for hostile in [
        "::ERROR::x",
        "::Add-Mask::y",
        "  ::SET-OUTPUT name=z::w",
        "##[ERROR]v",
        "a ##[Add-Mask]b",
    ] {
        runner.log(hostile);
        runner.annotate(Level::Notice, hostile, hostile);
        runner.debug(hostile);
        runner.group(hostile);
    }
    let stdout = String::from_utf8(runner.into_inner()).unwrap();
    for c in commands(&stdout) {
        assert!(
            ["notice", "group", "endgroup"].contains(&c.name.as_str()),
            "a `{}` command was made:\n{stdout}",
            c.name
        );
    }
}

#[test]
fn every_channel_breaks_the_legacy_key() {
    let (dir, _, mut runner) = runner_with_files();
    let hostile = "v ##[set-output name=x;]y";
    runner.log(hostile);
    runner.annotate(Level::Warning, hostile, hostile);
    runner.group(hostile);
    runner.append_summary(hostile).unwrap();
    let summary = std::fs::read_to_string(dir.path().join("sum")).unwrap();
    let stdout = String::from_utf8(runner.into_inner()).unwrap();
    assert!(
        !stdout.contains("##[") && !summary.contains("##["),
        "{stdout}{summary}"
    );
    assert!(
        commands(&stdout).iter().all(|c| c.name != "set-output"),
        "{stdout}"
    );
}

fn runner_with_files() -> (tempfile::TempDir, std::path::PathBuf, Runner<Vec<u8>>) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let env = Env::from_pairs([
        ("GITHUB_OUTPUT", out.to_str().unwrap()),
        (
            "GITHUB_STEP_SUMMARY",
            dir.path().join("sum").to_str().unwrap(),
        ),
    ]);
    (dir, out, Runner::new(&env, Vec::new()))
}

#[test]
fn outputs_use_a_random_heredoc_delimiter_the_runner_parses() {
    let (_dir, path, mut runner) = runner_with_files();
    runner
        .set_output("request-id", "04F0F334-1335-436C-A1D7-6C044FE73368")
        .unwrap();
    runner
        .set_output("multi", "a\nb=c\nmulti<<EOF\nEOF")
        .unwrap();
    let raw = std::fs::read_to_string(&path).unwrap();
    let parsed = parse_outputs(&raw).unwrap();
    assert_eq!(parsed.len(), 2, "{raw}");
    assert_eq!(parsed["request-id"], "04F0F334-1335-436C-A1D7-6C044FE73368");
    assert_eq!(parsed["multi"], "a\nb=c\nmulti<<EOF\nEOF");
    let delimiters: Vec<&str> = raw
        .lines()
        .filter_map(|l| l.split_once("<<").map(|(_, d)| d))
        .collect();
    assert_eq!(delimiters.len(), 3, "{raw}");
    assert!(delimiters[0].starts_with("ghadelimiter_") && delimiters[0].len() > 40);
    assert_ne!(delimiters[0], delimiters[1], "a fresh delimiter per output");
}

#[test]
fn hostile_output_values_cannot_add_outputs() {
    for value in HOSTILE {
        let (_dir, path, mut runner) = runner_with_files();
        runner.set_output("request-id", value).unwrap();
        let parsed = parse_outputs(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(parsed.len(), 1, "{value:?}");
        // The runner reads the file line by line with `\r\n` as a line end, so CRLF in a value
        // comes back as LF; nothing else changes.
        assert_eq!(parsed["request-id"], value.replace("\r\n", "\n"));
    }
}

#[test]
fn secrets_are_scrubbed_from_every_channel_in_every_encoding() {
    let (dir, path, mut runner) = runner_with_files();
    runner.add_secret("s3cr3t/+ tok");
    runner.annotate(
        Level::Error,
        "t s3cr3t/+ tok",
        "server said s3cr3t%2F%2B%20tok and s3cr3t%252F%252B%2520tok",
    );
    runner.log("log s3cr3t/+ tok");
    runner.set_output("x", "s3cr3t/+ tok").unwrap();
    runner.append_summary("| s3cr3t%2F%2B+tok |").unwrap();
    let all = format!(
        "{}{}{}",
        std::fs::read_to_string(&path).unwrap(),
        std::fs::read_to_string(dir.path().join("sum")).unwrap(),
        String::from_utf8(runner.into_inner()).unwrap()
    );
    assert!(!all.contains("s3cr3t"), "{all}");
    assert!(all.contains("***"));
}

#[test]
fn markdown_cells_cannot_break_the_table_or_inject_html() {
    // Entities, not backslash escapes: GitHub shows a backslash as it is inside code, and the
    // summary must show no stray `\` (the cells' text reads as written).
    assert_eq!(
        markdown_cell("a|b\nc<script>&`"),
        "a&#124;b c&lt;script&gt;&amp;&#96;"
    );
    assert_eq!(
        markdown_cell("*x* _y_ ~z~ [l](u) \\"),
        "&#42;x&#42; &#95;y&#95; &#126;z&#126; &#91;l&#93;(u) &#92;"
    );
    // The text's own code spans render as code inside the table.
    assert_eq!(
        markdown_cell("set `wait-timeout` or `if-busy: wait`"),
        "set <code>wait-timeout</code> or <code>if-busy: wait</code>"
    );
    assert_eq!(markdown_cell("a `b` c ` d"), "a <code>b</code> c &#96; d");
    assert_eq!(code_cell("ver-1|x_y"), "<code>ver-1&#124;x&#95;y</code>");
    for text in ["`a|b`", "x\\`y`", "**`*`**"] {
        assert!(!markdown_cell(text).contains('\\'), "{text}");
    } // Other control characters (a tab, an escape, a bell) show as the replacement character.
    assert_eq!(
        markdown_cell("a\tb\u{1b}[31mc\u{7}"),
        "a\u{FFFD}b\u{FFFD}&#91;31mc\u{FFFD}"
    );
}

/// Found by the `runner` fuzz target: `export_env("", "")` wrote `<<ghadelimiter_…`, a line
/// the runner refuses (and fails the step on). A name that would break the file is refused,
/// and the file stays as the runner can read it.
#[test]
fn a_name_that_would_break_the_runners_files_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("output");
    let env_file = dir.path().join("env");
    std::fs::write(&output, "").unwrap();
    std::fs::write(&env_file, "").unwrap();
    let env = Env::from_pairs([
        ("GITHUB_ACTIONS", "true".to_string()),
        ("GITHUB_OUTPUT", output.display().to_string()),
        ("GITHUB_ENV", env_file.display().to_string()),
    ]);
    let mut runner = Runner::new(&env, Vec::new());
    for name in ["", "a=b", "a<<b", "a\nb", "a b"] {
        assert!(runner.set_output(name, "v").is_err(), "{name:?}");
        assert!(runner.export_env(name, "v").is_err(), "{name:?}");
    }
    runner.set_output("version-id", "ver-1").unwrap();
    runner
        .export_env("ALIBABA_CLOUD_ACCESS_KEY_ID", "k")
        .unwrap();
    let outputs = parse_outputs(&std::fs::read_to_string(&output).unwrap()).unwrap();
    assert_eq!(outputs.len(), 1);
    let exported = parse_outputs(&std::fs::read_to_string(&env_file).unwrap()).unwrap();
    assert_eq!(exported["ALIBABA_CLOUD_ACCESS_KEY_ID"], "k");
}

/// Found by the `runner` fuzz target: an output's name is written as it is, unscrubbed, so a
/// name carrying a registered secret is refused rather than written.
#[test]
fn an_output_name_carrying_a_secret_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("output");
    std::fs::write(&output, "").unwrap();
    let env = Env::from_pairs([("GITHUB_OUTPUT", output.display().to_string())]);
    let mut runner = Runner::new(&env, Vec::new());
    runner.add_secret("Zq7sEcR3t");
    assert!(runner.set_output("5Zq7sEcR3t", "").is_err());
    assert!(!std::fs::read_to_string(&output)
        .unwrap()
        .contains("Zq7sEcR3t"));
}

fn stdout(runner: Runner<Vec<u8>>) -> String {
    String::from_utf8(runner.into_inner()).unwrap()
}

#[test]
fn groups_and_debug_lines_are_commands_on_github_and_plain_lines_elsewhere() {
    let github = Env::from_pairs([("GITHUB_ACTIONS", "true"), ("RUNNER_DEBUG", "1")]);
    let mut runner = Runner::new(&github, Vec::new());
    runner.group("Dry run: the request");
    runner.debug("a detail");
    runner.end_group();
    assert_eq!(
        stdout(runner),
        "::group::Dry run: the request\n::debug::a detail\n::endgroup::\n"
    );
    let plain = Env::from_pairs([("ESA_PUBLISH_DEBUG", "1")]);
    let mut runner = Runner::new(&plain, Vec::new());
    runner.group("Dry run: the request");
    runner.debug("a detail");
    runner.end_group();
    assert_eq!(
        stdout(runner),
        "--- Dry run: the request\ndebug: a detail\n"
    );
}

#[test]
fn the_warnings_annotated_are_kept_scrubbed_for_the_summary() {
    let mut runner = Runner::new(&Env::from_pairs([("GITHUB_ACTIONS", "true")]), Vec::new());
    runner.mask("s3cr3t-value");
    runner.annotate(
        Level::Warning,
        "AnswerLost",
        "the answer carried s3cr3t-value",
    );
    runner.annotate(Level::Error, "Timeout", "not a warning");
    assert_eq!(
        runner.warnings(),
        [(
            "AnswerLost".to_string(),
            "the answer carried ***".to_string()
        )]
    );
}

#[test]
fn an_output_of_64_kib_is_set_and_one_byte_more_is_not() {
    let (_dir, path, mut runner) = runner_with_files();
    runner
        .set_output("at-limit", &"a".repeat(OUTPUT_VALUE_BYTES))
        .unwrap();
    runner
        .set_output("over", &"b".repeat(OUTPUT_VALUE_BYTES + 1))
        .unwrap();
    let parsed = parse_outputs(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(parsed["at-limit"].len(), OUTPUT_VALUE_BYTES);
    assert!(!parsed.contains_key("over"), "{:?}", parsed.keys());
    assert_eq!(runner.warnings()[0].0, "OutputTooLarge");
}

#[test]
fn a_summary_over_its_room_is_cut_at_a_line_end_and_says_so() {
    assert_eq!(within_limit("short\n", 100), "short\n");
    // Lines of two-byte characters: the cut lands inside one, backs off to a boundary, then to
    // the last whole line.
    let text = "éé\n".repeat(200);
    let room = 150;
    let cut = within_limit(&text, room);
    assert!(cut.len() <= room, "{} > {room}", cut.len());
    let (kept, note) = cut
        .split_once("\n\n*(")
        .expect("the note that says it was cut");
    assert!(
        note.starts_with("the rest of this summary is cut"),
        "{note}"
    );
    assert!(
        !kept.is_empty() && kept.ends_with('\n') && text.starts_with(kept),
        "{kept:?}"
    );
    assert!(
        kept.lines().all(|l| l == "éé"),
        "whole lines only: {kept:?}"
    );
    // No room even for the note: nothing.
    assert_eq!(within_limit(&text, 10), "");
}
