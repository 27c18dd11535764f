//! The architecture's rules, checked on the source tree (see ARCHITECTURE.md): no import cycle
//! between files, no layer importing a layer above it, no source file over 600 lines, a `//!`
//! line at the top of every file, and in `src/deploy/` no text for people (no string literal
//! with whitespace outside tests) and no I/O; and no function in `src/` over 60 lines.
//!
//! The checker reads `crate::` and `super::` paths, in `use` trees and inline, and maps each to
//! the file that defines the module. It is tested on small made-up trees too, among them the
//! two cycles the tree once had, so that it cannot pass by finding nothing.

#[path = "../support/mod.rs"]
mod support;

mod checker;
mod made_up;

use checker::*;

#[test]
fn the_source_tree_keeps_the_architecture() {
    let files = support::rust_sources();
    assert!(files.len() > 20, "found only {} files", files.len());
    for layer in LAYERS.iter().map(|(n, _, _)| n) {
        let opening = files
            .get(&format!("{layer}/mod.rs"))
            .or_else(|| files.get(&format!("{layer}.rs")))
            .unwrap_or_else(|| panic!("layer {layer} has no src/{layer}/mod.rs or src/{layer}.rs"));
        let doc: Vec<&str> = opening
            .lines()
            .take_while(|l| l.starts_with("//!"))
            .collect();
        assert!(
            doc.len() >= 3,
            "src/{layer}: the folder must open with a `//!` paragraph saying its layer, what it may use and what it must not"
        );
    }
    let found = violations(&files);
    assert!(
        found.is_empty(),
        "the architecture is broken:\n- {}",
        found.join("\n- ")
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

/// One plan: the engine's `Plan` is what the dry run, the summary, the log and the health
/// window describe; `app` never works the steps out again from the configuration's rollout.
#[test]
fn app_renders_the_engines_plan_and_never_the_configs_rollout() {
    let files = support::rust_sources();
    let rereads: Vec<String> = files
        .iter()
        .filter(|(f, _)| f.starts_with("app/") || f.as_str() == "app.rs")
        .flat_map(|(f, text)| {
            text.lines()
                .enumerate()
                .filter(|(_, l)| l.contains(".rollout.") || l.contains("plan::window"))
                .map(move |(n, l)| format!("src/{f}:{}: {}", n + 1, l.trim()))
        })
        .collect();
    assert!(
        rereads.is_empty(),
        "app reads the rollout around the plan (use deploy::plan::Plan):\n{}",
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
