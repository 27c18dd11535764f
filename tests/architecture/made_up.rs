//! The checker tried on small made-up trees that break each rule, among them the two cycles the tree once had, so that it cannot pass by finding nothing.

use crate::checker::*;
use crate::rules::*;

#[test]
fn the_checker_finds_the_old_input_cycle() {
    // Cycle 1 as it was: inputs imported event and retry, which imported inputs back (retry
    // through error).
    let files = tree(&[
        (
            "lib.rs",
            "pub mod inputs; pub mod event; pub mod retry; pub mod error;",
        ),
        (
            "inputs.rs",
            "use crate::event::LabelRules;\nuse crate::retry::Policy;",
        ),
        (
            "event.rs",
            "use crate::inputs::{parse_percentage, shown, InputProblem};",
        ),
        ("retry.rs", "use crate::error::{Error, StopReason};"),
        (
            "error.rs",
            "use crate::inputs::{one_line, shown, InputProblem};",
        ),
    ]);
    let found = violations(&BINARY, &files);
    assert!(
        found.iter().any(|v| v.contains("import cycle")
            && v.contains(
                "src/event.rs imports src/inputs.rs (`crate::inputs::parse_percentage`)"
            )),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|v| v.contains("src/error.rs imports src/inputs.rs")),
        "{found:#?}"
    );
}

#[test]
fn the_checker_finds_words_that_call_back_into_the_run_and_reach_the_transport() {
    // The old deploy cycle, on today's floors: the words call back into the run to log, and
    // reach the transport below the ESA API.
    let files = tree(&[
        ("lib.rs", "pub mod app; pub mod words; pub mod http;"),
        ("app.rs", "use crate::words::narrate::narrate;"),
        ("words/mod.rs", "pub mod narrate;"),
        (
            "words/narrate.rs",
            "use crate::app::log_event;\nuse crate::http::{send, RawAnswer};",
        ),
        ("http/mod.rs", ""),
    ]);
    let found = violations(&BINARY, &files);
    assert!(
        found
            .iter()
            .any(|v| v.starts_with("import cycle between 2 files")
                && v.contains("src/words/narrate.rs imports src/app.rs (`crate::app::log_event`)")),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|v| v.starts_with(
            "src/words/narrate.rs imports src/http/mod.rs (`crate::http::send`): words may use only base, esa, ci, config, words, not http"
        )),
        "{found:#?}"
    );
}

#[test]
fn the_checker_finds_a_lower_floor_importing_a_higher_one() {
    let files = tree(&[
        ("esa/mod.rs", "pub mod client;"),
        (
            "esa/client.rs",
            "use crate::{base::random::random_hex, config::Config};",
        ),
        ("config/mod.rs", ""),
        ("ci/mod.rs", "pub mod pr_comment;"),
        (
            "ci/pr_comment.rs",
            "use crate::esa::client::{http_client, send};",
        ),
        ("base/mod.rs", "pub mod random;"),
        (
            "base/random.rs",
            "fn f() -> super::super::esa::client::Client { todo!() }",
        ),
    ]);
    let found = violations(&BINARY, &files);
    for broken in [
        "src/esa/client.rs imports src/config/mod.rs (`crate::config::Config`)",
        "src/base/random.rs imports src/esa/client.rs",
        // The CI host reached GitHub through the ESA layer's transport once.
        "src/ci/pr_comment.rs imports src/esa/client.rs (`crate::esa::client::http_client`): ci may use only base, http, ci",
    ] {
        assert!(found.iter().any(|v| v.starts_with(broken)), "{broken}: {found:#?}");
    }
    assert!(
        !found.iter().any(|v| v.contains("src/base/mod.rs")),
        "base may use itself: {found:#?}"
    );
}

#[test]
fn the_checker_finds_long_and_undocumented_files_and_reads_test_modules_right() {
    let mut files = tree(&[
        ("base/mod.rs", "pub mod text;"),
        (
            "base/text.rs",
            "#[cfg(test)]\nmod tests {\n    use super::*;\n}\n",
        ),
    ]);
    files.insert(
        "base/long.rs".into(),
        format!("//! long\n{}", "\n".repeat(MAX_LINES)),
    );
    files.insert("base/bare.rs".into(), "pub fn f() {}\n".into());
    let found = violations(&ENGINE, &files);
    assert!(
        found
            .iter()
            .any(|v| v.starts_with("engine/src/base/long.rs has 601 lines")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|v| v.starts_with("engine/src/base/bare.rs does not open with a `//!` line")),
        "{found:#?}"
    );
    // `super::*` in a file's own test module is the file itself, not its parent: no cycle.
    assert!(!found.iter().any(|v| v.contains("cycle")), "{found:#?}");
}

#[test]
fn the_checker_finds_prose_in_the_engine_and_long_functions_anywhere() {
    let long_body = "    let x = 1;\n".repeat(61);
    let deploy = format!(
        "// a comment with spaces is fine\nfn f(p: &mut P) {{\n    p.line(\"the publish failed\");\n    let code = \"RolloutTimeout\";\n    let c = '\"';\n    let r = r#\"raw text\"#;\n}}\nfn long() {{\n{long_body}}}\n#[cfg(test)]\nmod tests {{\n    const S: &str = \"a sentence in a test\";\n}}\n"
    );
    let engine = tree(&[
        ("deploy/mod.rs", "pub mod run;"),
        ("deploy/run.rs", &deploy),
    ]);
    let found = violations(&ENGINE, &engine);
    let texts: Vec<&String> = found
        .iter()
        .filter(|v| v.contains("holds the text"))
        .collect();
    assert_eq!(texts.len(), 2, "{found:#?}");
    assert!(
        texts[0].starts_with("engine/src/deploy/run.rs:4 holds the text \"the publish failed\""),
        "{found:#?}"
    );
    assert!(texts[1].contains("\"raw text\""), "{found:#?}");
    assert!(
        found
            .iter()
            .any(|v| v.starts_with("engine/src/deploy/run.rs:9 is a function of 63 lines")),
        "{found:#?}"
    );
    // The words may say anything; the function budget holds in every floor.
    let binary = tree(&[
        (
            "words/mod.rs",
            "fn f() { log(\"the words may say anything\"); }",
        ),
        ("config/mod.rs", &format!("fn parse() {{\n{long_body}}}\n")),
    ]);
    let found = violations(&BINARY, &binary);
    assert!(
        !found.iter().any(|v| v.contains("holds the text")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|v| v.starts_with("src/config/mod.rs:2 is a function of 63 lines")),
        "{found:#?}"
    );
}

#[test]
fn the_checker_finds_io_in_the_words_and_leaves_pure_helpers_and_comments_alone() {
    let files = tree(&[
        ("words/mod.rs", "pub mod summary;"),
        (
            "words/summary.rs",
            "use std::{fmt, time::Duration};\nuse std::io::Write;\nuse crate::ci::runner::Runner;\nuse esa_engine::deploy::event::Event;\nfn f() -> String {\n    let _ = std::fs::read_to_string(P);\n    tokio::time::sleep(D);\n    println!(\"hi\");\n    let at = chrono::Utc::now();\n    serde_json::to_string(&v).unwrap() // reqwest is only named here\n}\n",
        ),
        ("app.rs", "use tokio::time::sleep;\nuse std::fs;"),
    ]);
    let found = violations(&BINARY, &files);
    let io: Vec<String> = found
        .iter()
        .filter(|v| v.contains("the words do no I/O") || v.contains("the words print nothing"))
        .map(|v| v.split(": ").next().unwrap().to_string())
        .collect();
    assert_eq!(
        io,
        [
            "src/words/summary.rs:3 names `std::io::Write`",
            "src/words/summary.rs:7 names `std::fs::read_to_string`",
            "src/words/summary.rs:8 names `tokio::time::sleep`",
            "src/words/summary.rs:9 calls `println!`",
            "src/words/summary.rs:10 calls `Utc::now`",
        ],
        "{found:#?}"
    );
}

#[test]
fn the_checker_finds_inputs_named_below_the_words() {
    let files = tree(&[
        ("esa/mod.rs", "pub mod advice;"),
        (
            "esa/advice.rs",
            "const A: &str = \"gave up (input `max-attempts`)\";\nconst B: &str = \"grant esa:GetEdgeContainerLogs\";\nconst C: &str = \"must be `true` or `false`\";\n",
        ),
        ("words/mod.rs", "const D: &str = \"Set `publish-env` to `prod`\";"),
    ]);
    let found = violations(&BINARY, &files);
    let named: Vec<&String> = found
        .iter()
        .filter(|v| v.contains("knows no input"))
        .collect();
    assert_eq!(named.len(), 2, "{found:#?}");
    assert!(
        named[0].starts_with("src/esa/advice.rs:2 holds"),
        "{found:#?}"
    );
}

#[test]
fn the_checker_finds_renamed_imports_on_any_line_of_a_use_tree() {
    let files = tree(&[(
        "lib.rs",
        "use crate::config::{self as inputs, Config};\nuse std::io::{\n    Read,\n    Write as W,\n};\nuse std::fmt::Write as _;\nlet x = y as u8;\n",
    )]);
    let found = violations(&BINARY, &files);
    let renamed: Vec<&String> = found
        .iter()
        .filter(|v| v.contains("renames an import"))
        .collect();
    assert_eq!(renamed.len(), 2, "{found:#?}");
    assert!(
        renamed[0].starts_with("src/lib.rs:2 renames an import (`as inputs`)"),
        "{found:#?}"
    );
    assert!(
        renamed[1].starts_with("src/lib.rs:5 renames an import (`as W`)"),
        "{found:#?}"
    );
}

#[test]
fn the_checker_finds_an_io_crate_in_the_engines_manifest() {
    let manifest = "[package]\nname = \"esa-engine\"\n\n[dependencies]\nserde = \"1\"\ntokio = { version = \"1\" }\nhyper-util = \"0.1\"\n\n[dev-dependencies]\nreqwest = \"0.12\"\n";
    let found = engine_manifest_violations(manifest);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].starts_with("engine/Cargo.toml depends on `tokio`"),
        "{found:#?}"
    );
    assert!(
        found[1].starts_with("engine/Cargo.toml depends on `hyper-util`"),
        "{found:#?}"
    );
}

#[test]
fn the_checker_finds_the_stand_ins_old_handler_cycle() {
    // As it was: the service imported its handlers, and they imported its checks back.
    let files = tree(&[
        ("lib.rs", "pub mod esa; pub mod versions;"),
        (
            "esa.rs",
            "fn f() { crate::versions::create(state); }\npub fn refuse() {}",
        ),
        ("versions.rs", "use crate::esa::{check_method, refuse};"),
    ]);
    let (_, edges) = edges(&files);
    assert_eq!(cycles(&edges).len(), 1, "{edges:#?}");
}
