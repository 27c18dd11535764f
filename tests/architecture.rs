//! The architecture's rules, checked on the source tree (see ARCHITECTURE.md): no import cycle
//! between files, no layer importing a layer above it, no source file over 600 lines, a `//!`
//! line at the top of every file, and in `src/deploy/` no text for people (no string literal
//! with whitespace outside tests) and no function over 60 lines.
//!
//! The checker reads `crate::` and `super::` paths, in `use` trees and inline, and maps each to
//! the file that defines the module. It is tested on small made-up trees too, among them the
//! two cycles the tree once had, so that it cannot pass by finding nothing.

mod support;

use std::collections::{BTreeMap, BTreeSet};

/// Source files may not be longer than this.
const MAX_LINES: usize = 600;

/// Functions in `src/deploy/` may not be longer than this: the engine reads in short steps.
const MAX_DEPLOY_FN_LINES: usize = 60;

/// The layers, lowest first, with the layers each may use (itself included) and why.
const LAYERS: &[(&str, &[&str], &str)] = &[
    (
        "base",
        &["base"],
        "base is the bottom layer: it knows no input, wire, CI or deployment type",
    ),
    (
        "esa",
        &["base", "esa"],
        "the ESA API layer knows nothing of CI systems, inputs or the deployment; it takes plain request structs",
    ),
    (
        "ci",
        &["base", "esa", "ci"],
        "the CI host layer must not know the configuration or the deployment",
    ),
    (
        "config",
        &["base", "esa", "ci", "config"],
        "the configuration must not reach up into the deployment or the app",
    ),
    (
        "deploy",
        &["base", "esa", "config", "deploy"],
        "the deployment reports typed events to an observer and never calls up into the app or the runner (ci)",
    ),
    (
        "app",
        &["base", "esa", "ci", "config", "deploy", "app"],
        "the app composes every layer",
    ),
];

/// A module path (`["esa", "client"]`) for each file, from its path under `src/`.
fn module_of(relative: &str) -> Vec<String> {
    let trimmed = relative.trim_end_matches(".rs");
    let mut parts: Vec<String> = trimmed.split('/').map(str::to_string).collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    if parts.len() == 1 && (parts[0] == "lib" || parts[0] == "main") {
        parts.clear();
    }
    parts
}

/// The layer a file belongs to: the first part of its module path (`lib.rs` and `main.rs`
/// sit above everything).
fn layer_of(module: &[String]) -> Option<&'static str> {
    let first = module.first()?;
    LAYERS
        .iter()
        .map(|(name, _, _)| *name)
        .find(|name| name == first)
}

fn strip_comments(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        let head = tree.split(" as ").next().unwrap_or(tree).trim();
        return vec![head.trim_end_matches("::self").to_string()];
    };
    let prefix = tree[..open].trim_end_matches("::");
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .flat_map(|p| {
            expand(p).into_iter().map(|s| match s.as_str() {
                "self" => prefix.to_string(),
                _ => format!("{prefix}::{s}"),
            })
        })
        .collect()
}

/// Every `crate::…` and `super::…` path in the text, in `use` items and inline.
fn paths_in(text: &str) -> Vec<String> {
    let text = strip_comments(text);
    let mut out = Vec::new();
    let mut rest = text.as_str();
    let mut body = String::new();
    while let Some(i) = find_use(rest) {
        body.push_str(&rest[..i]);
        let after = &rest[i + 4..];
        let end = after.find(';').unwrap_or(after.len());
        let tree: String = after[..end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        out.extend(expand(&tree));
        rest = &after[(end + 1).min(after.len())..];
    }
    body.push_str(rest);
    let bytes = body.as_bytes();
    for start in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(i) = body[from..].find(start) {
            let at = from + i;
            let boundary = at == 0
                || !(bytes[at - 1].is_ascii_alphanumeric()
                    || bytes[at - 1] == b'_'
                    || bytes[at - 1] == b':');
            let len = body[at..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(body.len() - at);
            if boundary {
                out.push(body[at..at + len].trim_end_matches(':').to_string());
            }
            from = at + len.max(1);
        }
    }
    out.into_iter()
        .filter(|p| p.starts_with("crate::") || p.starts_with("super::"))
        .collect()
}

/// The next `use ` that starts an item (at a line start, or after `pub`/`pub(crate)`).
fn find_use(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find("use ") {
        let at = from + i;
        let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
        let before = text[line_start..at].trim();
        if before.is_empty() || before.starts_with("pub") {
            return Some(at);
        }
        from = at + 4;
    }
    None
}

/// The file a path points into: the longest module prefix that is a file. `super::` inside an
/// inline `mod tests` refers to the file's own module.
fn resolve(
    module: &[String],
    path: &str,
    in_tests: bool,
    modules: &BTreeSet<Vec<String>>,
) -> Option<Vec<String>> {
    let mut parts: Vec<&str> = path.split("::").collect();
    let mut base: Vec<String> = Vec::new();
    if parts[0] == "crate" {
        parts.remove(0);
    } else {
        base = module.to_vec();
        let mut first = true;
        while parts.first() == Some(&"super") {
            parts.remove(0);
            if !(first && in_tests) {
                base.pop();
            }
            first = false;
        }
    }
    (0..=parts.len()).rev().find_map(|n| {
        let mut candidate = base.clone();
        candidate.extend(parts[..n].iter().map(|s| s.to_string()));
        modules.contains(&candidate).then_some(candidate)
    })
}

/// One file's imports of other files: target module → the path that made it.
type Edges = BTreeMap<Vec<String>, BTreeMap<Vec<String>, String>>;

fn edges(files: &BTreeMap<String, String>) -> (BTreeMap<Vec<String>, String>, Edges) {
    let names: BTreeMap<Vec<String>, String> =
        files.keys().map(|f| (module_of(f), f.clone())).collect();
    let modules: BTreeSet<Vec<String>> = names.keys().cloned().collect();
    let mut edges = Edges::new();
    for (file, text) in files {
        let module = module_of(file);
        let split = text.find("#[cfg(test)]").unwrap_or(text.len());
        let mut targets = BTreeMap::new();
        for (part, in_tests) in [(&text[..split], false), (&text[split..], true)] {
            for path in paths_in(part) {
                if let Some(target) = resolve(&module, &path, in_tests, &modules) {
                    if target != module && !target.is_empty() {
                        targets.entry(target).or_insert(path);
                    }
                }
            }
        }
        edges.insert(module, targets);
    }
    (names, edges)
}

/// Each function of the text longer than `max` lines: its first line and length.
fn long_functions(text: &str, max: usize) -> Vec<(usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let starts_fn = |l: &str| {
        let l = l.trim_start();
        let l = l
            .strip_prefix("pub(crate) ")
            .or_else(|| l.strip_prefix("pub "))
            .unwrap_or(l);
        let l = l.strip_prefix("async ").unwrap_or(l);
        l.starts_with("fn ")
    };
    let (mut found, mut i) = (Vec::new(), 0);
    while i < lines.len() {
        if !starts_fn(lines[i]) {
            i += 1;
            continue;
        }
        let (mut depth, mut opened, mut j) = (0i64, false, i);
        while j < lines.len() {
            depth += lines[j].matches('{').count() as i64 - lines[j].matches('}').count() as i64;
            opened |= lines[j].contains('{');
            if (opened && depth <= 0) || (!opened && lines[j].trim_end().ends_with(';')) {
                break;
            }
            j += 1;
        }
        if j - i + 1 > max {
            found.push((i + 1, j - i + 1));
        }
        i = j + 1;
    }
    found
}

/// The deploy layer's own rules: no text for people, and short functions.
fn deploy_violations(file: &str, text: &str) -> Vec<String> {
    use support::string_literals;
    let code = &text[..text.find("#[cfg(test)]").unwrap_or(text.len())];
    let mut found: Vec<String> = string_literals(code)
        .into_iter()
        .filter(|(_, literal)| literal.chars().any(char::is_whitespace))
        .map(|(line, literal)| format!(
            "src/{file}:{line} holds the text \"{literal}\": deploy reports typed events and failures, and app writes every sentence a person reads (ARCHITECTURE.md)"
        ))
        .collect();
    found.extend(long_functions(code, MAX_DEPLOY_FN_LINES).into_iter().map(|(line, n)| {
        format!("src/{file}:{line} is a function of {n} lines, over {MAX_DEPLOY_FN_LINES}: split it into steps")
    }));
    found
}

/// Every rule broken by these files (path under `src/` → text), each a readable sentence.
fn violations(files: &BTreeMap<String, String>) -> Vec<String> {
    let mut found = Vec::new();
    for (file, text) in files.iter().filter(|(f, _)| f.starts_with("deploy/")) {
        found.extend(deploy_violations(file, text));
    }
    for (file, text) in files {
        let lines = text.lines().count();
        if lines > MAX_LINES {
            found.push(format!(
                "src/{file} has {lines} lines, over the limit of {MAX_LINES}: split it by concern"
            ));
        }
        if !text.trim_start().starts_with("//!") {
            found.push(format!(
                "src/{file} does not open with a `//!` line saying its job"
            ));
        }
    }
    let (names, edges) = edges(files);
    for (from, targets) in &edges {
        let Some(from_layer) = layer_of(from) else {
            continue;
        };
        let (_, allowed, why) = LAYERS.iter().find(|(n, _, _)| *n == from_layer).unwrap();
        for (to, path) in targets {
            let Some(to_layer) = layer_of(to) else {
                continue;
            };
            if !allowed.contains(&to_layer) {
                found.push(format!(
                    "src/{} imports src/{} (`{path}`): {from_layer} may use only {}, not {to_layer}, because {why}",
                    names[from],
                    names[to],
                    allowed.join(", ")
                ));
            }
        }
    }
    for cycle in cycles(&edges) {
        let steps: Vec<String> = cycle
            .windows(2)
            .map(|w| {
                format!(
                    "src/{} imports src/{} (`{}`)",
                    names[&w[0]], names[&w[1]], edges[&w[0]][&w[1]]
                )
            })
            .collect();
        found.push(format!(
            "import cycle between {} files: {}. Move the shared type down a layer, or report through an interface, so that one direction goes away",
            cycle.len() - 1,
            steps.join(", then ")
        ));
    }
    found
}

/// Each cycle once, as a closed walk (first module repeated at the end).
fn cycles(edges: &Edges) -> Vec<Vec<Vec<String>>> {
    let mut out = Vec::new();
    let mut seen_sets = BTreeSet::new();
    for start in edges.keys() {
        // Breadth-first search for the shortest way back to `start`.
        let mut previous: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start.clone()]);
        let mut found = None;
        while let Some(node) = queue.pop_front() {
            for next in edges.get(&node).map(|t| t.keys()).into_iter().flatten() {
                if next == start {
                    found = Some(node.clone());
                    break;
                }
                if !previous.contains_key(next) {
                    previous.insert(next.clone(), node.clone());
                    queue.push_back(next.clone());
                }
            }
            if found.is_some() {
                break;
            }
        }
        let Some(mut last) = found else { continue };
        let mut walk = vec![start.clone()];
        while &last != start {
            walk.push(last.clone());
            last = previous[&last].clone();
        }
        walk.push(start.clone());
        walk.reverse();
        let set: BTreeSet<Vec<String>> = walk.iter().cloned().collect();
        if seen_sets.insert(set) {
            out.push(walk);
        }
    }
    out
}

fn tree(files: &[(&str, &str)]) -> BTreeMap<String, String> {
    files
        .iter()
        .map(|(f, t)| (f.to_string(), format!("//! {f}\n{t}")))
        .collect()
}

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
    for dir in ["tests", "standin/src", "hosts/src"] {
        let files = support::rust_files(dir);
        assert!(files.len() > 3, "found only {} files in {dir}", files.len());
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
}
