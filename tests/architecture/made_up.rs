//! The checker tried on small made-up trees that break each rule, among them the two cycles the tree once had, so that it cannot pass by finding nothing.

use crate::checker::*;

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
    let found = violations(&files);
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
fn the_checker_finds_the_old_deploy_cycle_and_the_layer_it_crossed() {
    // Cycle 2 as it was: deploy called back into app to log, and report read deploy's clock.
    let files = tree(&[
        ("lib.rs", "pub mod app; pub mod deploy;"),
        (
            "app.rs",
            "pub mod report;\nuse crate::deploy::run::deploy;\nuse crate::app::report::{self, Outcome};",
        ),
        ("app/report.rs", "fn f() { crate::deploy::run::clock_text(d); }"),
        ("deploy/mod.rs", "pub mod run;"),
        ("deploy/run.rs", "use crate::app::log_event;\nuse crate::ci::runner::{Level, Runner};"),
        ("ci/mod.rs", "pub mod runner;"),
        ("ci/runner.rs", ""),
    ]);
    let found = violations(&files);
    assert!(
        found
            .iter()
            .any(|v| v.starts_with("import cycle between 2 files")
                && v.contains("src/deploy/run.rs imports src/app.rs (`crate::app::log_event`)")),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|v| v.starts_with(
            "src/deploy/run.rs imports src/ci/runner.rs (`crate::ci::runner::Level`): deploy may use only base, esa, config, deploy, not ci"
        )),
        "{found:#?}"
    );
}

#[test]
fn the_checker_finds_a_lower_layer_importing_a_higher_one() {
    let files = tree(&[
        ("esa/mod.rs", "pub mod client;"),
        (
            "esa/client.rs",
            "use crate::{base::error::Error, config::Config};",
        ),
        ("config/mod.rs", ""),
        ("base/mod.rs", "pub mod error;"),
        (
            "base/error.rs",
            "fn f() -> super::super::esa::client::Client { todo!() }",
        ),
    ]);
    let found = violations(&files);
    assert!(
        found.iter().any(|v| v
            .starts_with("src/esa/client.rs imports src/config/mod.rs (`crate::config::Config`)")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|v| v.starts_with("src/base/error.rs imports src/esa/client.rs")),
        "{found:#?}"
    );
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
    let found = violations(&files);
    assert!(
        found
            .iter()
            .any(|v| v.starts_with("src/base/long.rs has 601 lines")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|v| v.starts_with("src/base/bare.rs does not open with a `//!` line")),
        "{found:#?}"
    );
    // `super::*` in a file's own test module is the file itself, not its parent: no cycle.
    assert!(!found.iter().any(|v| v.contains("cycle")), "{found:#?}");
}

#[test]
fn the_checker_finds_text_for_people_and_long_functions_in_deploy() {
    let long_body = "    let x = 1;\n".repeat(61);
    let files = tree(&[
        ("deploy/mod.rs", "pub mod run;"),
        (
            "deploy/run.rs",
            &format!(
                "// a comment with spaces is fine\nfn f(p: &mut P) {{\n    p.line(\"the publish failed\");\n    let code = \"RolloutTimeout\";\n    let c = '\"';\n    let r = r#\"raw text\"#;\n}}\nfn long() {{\n{long_body}}}\n#[cfg(test)]\nmod tests {{\n    const S: &str = \"a sentence in a test\";\n}}\n"
            ),
        ),
        ("app.rs", "fn f() { log(\"app may say anything\"); }"),
        ("config/mod.rs", &format!("fn parse() {{\n{long_body}}}\n")),
    ]);
    let found = violations(&files);
    let texts: Vec<&String> = found
        .iter()
        .filter(|v| v.contains("holds the text"))
        .collect();
    assert_eq!(texts.len(), 2, "{found:#?}");
    assert!(
        texts[0].starts_with("src/deploy/run.rs:4 holds the text \"the publish failed\""),
        "{found:#?}"
    );
    assert!(texts[1].contains("\"raw text\""), "{found:#?}");
    assert!(
        found
            .iter()
            .any(|v| v.starts_with("src/deploy/run.rs:9 is a function of 63 lines")),
        "{found:#?}"
    );
    // The function budget holds in every layer, not only in deploy.
    assert!(
        found
            .iter()
            .any(|v| v.starts_with("src/config/mod.rs:2 is a function of 63 lines")),
        "{found:#?}"
    );
}

#[test]
fn the_checker_finds_io_in_deploy_and_leaves_tests_and_comments_alone() {
    let files = tree(&[
        ("deploy/mod.rs", "pub mod steps;"),
        (
            "deploy/steps.rs",
            "use std::time::{Duration, Instant};\nasync fn bake() {\n    tokio::time::sleep(D).await;\n    let _ = std::fs::read(P);\n    let c = reqwest::Client::new();\n    let t = std::time::SystemTime::now();\n    std::thread::sleep(D);\n    let instants = 3; // tokio is only named here\n}\n#[cfg(test)]\nmod tests {\n    use tokio::runtime::Runtime;\n}\n",
        ),
        ("app.rs", "use tokio::time::sleep;"),
    ]);
    let found = violations(&files);
    let io: Vec<&String> = found.iter().filter(|v| v.contains("does no I/O")).collect();
    let named: Vec<String> = io
        .iter()
        .map(|v| v.split(": ").next().unwrap().to_string())
        .collect();
    assert_eq!(
        named,
        [
            "src/deploy/steps.rs:4 names `tokio`",
            "src/deploy/steps.rs:6 names `reqwest`",
            "src/deploy/steps.rs:2 names `Instant`",
            "src/deploy/steps.rs:7 names `SystemTime`",
            "src/deploy/steps.rs:8 names `std::thread`",
            "src/deploy/steps.rs:5 names `std::fs`"
        ],
        "{found:#?}"
    );
}

#[test]
fn the_checker_finds_inputs_named_in_base() {
    let files = tree(&[
        ("base/mod.rs", "pub mod error;"),
        (
            "base/error.rs",
            "const A: &str = \"gave up (input `max-attempts`)\";\nconst B: &str = \"grant esa:GetEdgeContainerLogs\";\nconst C: &str = \"must be `true` or `false`\";\n",
        ),
    ]);
    let found = violations(&files);
    let named: Vec<&String> = found
        .iter()
        .filter(|v| v.contains("base knows no input"))
        .collect();
    assert_eq!(named.len(), 2, "{found:#?}");
    assert!(
        named[0].starts_with("src/base/error.rs:2 holds"),
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
