//! The architecture's rules, checked on the source trees (see ARCHITECTURE.md): in the binary and in the engine crate, no import cycle between files, no floor importing a floor above it, no source file over 600 lines, no function over 60, a `//!` line at the top of every file; the engine's manifest names no I/O crate and its deploy floor no prose; base, the transport and the ESA API name no input; the words do no I/O; and no import is renamed anywhere.
//!
//! The checker reads `crate::` and `super::` paths, in `use` trees and inline, and maps each to
//! the file that defines the module. It is tested on small made-up trees too, among them the
//! two cycles the tree once had, so that it cannot pass by finding nothing.

#[path = "../support/mod.rs"]
mod support;

mod checker;
mod made_up;
mod rules;

use checker::*;
use rules::*;

/// Each floor opens with a `//!` paragraph saying its job, what it may use and what it must not.
fn floors_say_their_job(krate: &Crate, files: &std::collections::BTreeMap<String, String>) {
    for floor in krate.floors.iter().map(|(n, _, _)| n) {
        let opening = files
            .get(&format!("{floor}/mod.rs"))
            .or_else(|| files.get(&format!("{floor}.rs")))
            .unwrap_or_else(|| {
                panic!(
                    "floor {floor} has no {0}/{floor}/mod.rs or {0}/{floor}.rs",
                    krate.root
                )
            });
        let doc = opening.lines().take_while(|l| l.starts_with("//!")).count();
        assert!(
            doc >= 3,
            "{}/{floor}: the folder must open with a `//!` paragraph saying its floor, what it may use and what it must not",
            krate.root
        );
    }
}

#[test]
fn the_binary_and_the_engine_keep_the_architecture() {
    for krate in [&BINARY, &ENGINE] {
        let files = support::rust_files(krate.root);
        assert!(
            files.len() > 20,
            "found only {} files in {}",
            files.len(),
            krate.root
        );
        floors_say_their_job(krate, &files);
        let found = violations(krate, &files);
        assert!(
            found.is_empty(),
            "the architecture is broken:\n- {}",
            found.join("\n- ")
        );
    }
}

/// The compiler keeps the engine free of I/O only while its manifest names no runtime, HTTP or
/// TLS crate (and `engine/clippy.toml` keeps out the standard library's clock, files and
/// sockets).
#[test]
fn the_engines_manifest_names_no_io_crate() {
    let manifest =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/engine/Cargo.toml")).unwrap();
    assert!(
        dependencies(&manifest).len() >= 3,
        "read no dependency of engine/Cargo.toml"
    );
    let found = engine_manifest_violations(&manifest);
    assert!(found.is_empty(), "{}", found.join("\n"));
    let clippy =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/engine/clippy.toml"))
            .unwrap();
    for kept_out in [
        "std::time::Instant::now",
        "std::thread::sleep",
        "std::fs::File",
        "std::net::TcpStream",
    ] {
        assert!(
            clippy.contains(kept_out),
            "engine/clippy.toml no longer keeps out {kept_out}"
        );
    }
}

#[test]
fn no_import_is_renamed_in_the_tests_the_stand_in_the_hosts_the_soak_or_the_fuzz_targets() {
    let mut found = Vec::new();
    for dir in [
        "tests",
        "standin/src",
        "hosts/src",
        "soak/src",
        "fuzz/fuzz_targets",
    ] {
        for (name, text) in support::rust_files(dir) {
            found.extend(
                renamed_imports(&text)
                    .into_iter()
                    .map(|(line, alias)| format!("{dir}/{name}:{line}: as {alias}")),
            );
        }
    }
    assert!(
        found.is_empty(),
        "renamed imports (import the name itself, or its module):\n{}",
        found.join("\n")
    );
}

#[test]
fn tests_the_stand_in_and_the_hosts_keep_the_line_budget_too() {
    let mut long = Vec::new();
    for dir in [
        "tests",
        "standin/src",
        "hosts/src",
        "soak/src",
        "fuzz/fuzz_targets",
    ] {
        let files = support::rust_files(dir);
        assert!(files.len() > 1, "found only {} files in {dir}", files.len());
        long.extend(files.into_iter().filter_map(|(name, text)| {
            let n = text.lines().count();
            (n > MAX_LINES).then(|| format!("{dir}/{name}: {n}"))
        }));
    }
    assert!(
        long.is_empty(),
        "over {MAX_LINES} lines, split by concern: {long:?}"
    );
}

/// One plan: the engine's `Plan` is what the dry run, the summary, the log and the checks'
/// window describe; neither the run nor the words work the steps out again from the
/// configuration's rollout.
#[test]
fn the_run_and_the_words_render_the_engines_plan_and_never_the_configs_rollout() {
    let files = support::rust_sources();
    let rereads: Vec<String> = files
        .iter()
        .filter(|(f, _)| f.starts_with("app/") || f.starts_with("words/") || f.as_str() == "app.rs")
        .flat_map(|(f, text)| {
            text.lines()
                .enumerate()
                .filter(|(_, l)| l.contains(".rollout."))
                .map(move |(n, l)| format!("src/{f}:{}: {}", n + 1, l.trim()))
        })
        .collect();
    assert!(
        rereads.is_empty(),
        "the rollout read around the plan (use the engine's Plan):\n{}",
        rereads.join("\n")
    );
}

/// The cycle check covers the stand-in, the hosts' emulation and the test crates of several
/// files too: each is a tree of its own, rooted at its `lib.rs` or `main.rs`.
#[test]
fn the_stand_in_the_hosts_and_the_test_crates_have_no_import_cycle() {
    let mut found = Vec::new();
    for dir in [
        "standin/src",
        "hosts/src",
        "soak/src",
        "tests/scenarios",
        "tests/architecture",
        "tests/inputs",
        "tests/versions",
    ] {
        let files = support::rust_files(dir);
        assert!(files.len() > 1, "found only {} files in {dir}", files.len());
        let (names, edges) = edges(&files);
        for cycle in cycles(&edges) {
            let walk: Vec<String> = cycle
                .iter()
                .map(|m| format!("{dir}/{}", names[m]))
                .collect();
            found.push(walk.join(" -> "));
        }
    }
    assert!(found.is_empty(), "import cycles:\n{}", found.join("\n"));
    // The scenarios import their harness by name, never the crate root back.
    let back: Vec<String> = support::rust_files("tests/scenarios")
        .into_iter()
        .filter(|(_, text)| text.contains("use super::"))
        .map(|(name, _)| name)
        .collect();
    assert!(back.is_empty(), "use super:: back into main.rs: {back:?}");
}
