//! The architecture's rules (ARCHITECTURE.md), each broken rule a readable sentence: the floors of each crate and what each may use, the sizes, the `//!` lines, the cycles, and the rules of single floors (the engine's deploy holds no prose, base and esa name no input, the words do no I/O), plus no renamed import anywhere.

use std::collections::BTreeMap;

use crate::checker::*;

/// One floor: its name (the first part of a module path), the floors it may use (itself
/// included), and why.
pub type Floor = (&'static str, &'static [&'static str], &'static str);

/// One crate of the workspace whose floors the test keeps.
pub struct Crate {
    /// Its source folder, from the repository's root.
    pub root: &'static str,
    /// Its floors, lowest first.
    pub floors: &'static [Floor],
}

/// The binary's crate: its floors, lowest first.
pub const BINARY: Crate = Crate {
    root: "src",
    floors: &[
        ("base", &["base"], "base is the bottom floor: randomness and the secret string, nothing else"),
        ("http", &["base", "http"], "the transport knows no API, no CI host and no input"),
        ("esa", &["base", "http", "esa"], "the ESA API knows nothing of CI systems, inputs, words or the run"),
        ("ci", &["base", "http", "ci"], "the CI host knows neither the ESA API nor the configuration, the words or the run"),
        ("config", &["base", "esa", "ci", "config"], "the configuration must not reach up into the words or the run"),
        ("words", &["base", "esa", "ci", "config", "words"], "the words render what they are handed and do no I/O: they may not reach the transport or the run"),
        ("app", &["base", "http", "esa", "ci", "config", "words", "app"], "the run composes every floor"),
    ],
};

/// The engine's crate: its floors, lowest first.
pub const ENGINE: Crate = Crate {
    root: "engine/src",
    floors: &[
        (
            "base",
            &["base"],
            "base is the bottom floor: the error type and text helpers",
        ),
        (
            "esa",
            &["base", "esa"],
            "the ESA vocabulary knows nothing of the deployment",
        ),
        (
            "deploy",
            &["base", "esa", "deploy"],
            "the engine uses what is below it",
        ),
    ],
};

/// What the engine's manifest may never depend on: the compiler keeps it free of I/O.
pub const ENGINE_FORBIDDEN: &[&str] = &["tokio", "reqwest", "hyper", "rustls", "nix", "getrandom"];

/// The crates the words may name: the engine's types, and pure helpers.
pub const WORDS_CRATES: &[&str] = &[
    "std",
    "core",
    "crate",
    "esa_engine",
    "chrono",
    "serde_json",
    "url",
];

/// The parts of the standard library the words may name: none does I/O.
pub const WORDS_STD: &[&str] = &[
    "fmt",
    "time",
    "collections",
    "net",
    "ffi",
    "borrow",
    "iter",
    "cmp",
];

/// What the words may never call: printing and the clock.
pub const WORDS_CALLS: &[&str] = &[
    "print!",
    "println!",
    "eprint!",
    "eprintln!",
    "dbg!",
    "Utc::now",
    "Local::now",
];

/// The floor a file belongs to: the first part of its module path (`lib.rs` and `main.rs`
/// sit above everything).
pub fn floor_of(krate: &Crate, module: &[String]) -> Option<&'static str> {
    let first = module.first()?;
    krate
        .floors
        .iter()
        .map(|(name, _, _)| *name)
        .find(|name| name == first)
}

/// Every rule broken by a crate's files (path under its root → text).
pub fn violations(krate: &Crate, files: &BTreeMap<String, String>) -> Vec<String> {
    let mut found = Vec::new();
    for (file, text) in files {
        found.extend(file_rules(krate, file, text));
    }
    found.extend(floor_rules(krate, files));
    found
}

/// The rules of one file: its size, its functions', its `//!` line, and its floor's own.
fn file_rules(krate: &Crate, file: &str, text: &str) -> Vec<String> {
    let root = krate.root;
    let code = &text[..text.find("#[cfg(test)]").unwrap_or(text.len())];
    let mut found: Vec<String> = long_functions(code, MAX_FN_LINES)
        .into_iter()
        .map(|(line, n)| format!("{root}/{file}:{line} is a function of {n} lines, over {MAX_FN_LINES}: split it into steps"))
        .collect();
    let lines = text.lines().count();
    if lines > MAX_LINES {
        found.push(format!(
            "{root}/{file} has {lines} lines, over the limit of {MAX_LINES}: split it by concern"
        ));
    }
    if !text.trim_start().starts_with("//!") {
        found.push(format!(
            "{root}/{file} does not open with a `//!` line saying its job"
        ));
    }
    let floor = floor_of(krate, &module_of(file));
    let names_no_input = matches!(floor, Some("base" | "esa" | "http"));
    if names_no_input {
        found.extend(inputs_named(root, file, code));
    }
    if root == ENGINE.root && floor == Some("deploy") {
        found.extend(prose(root, file, code));
    }
    if root == BINARY.root && floor == Some("words") {
        found.extend(words_io(root, file, code));
    }
    found.extend(renamed_imports(text).into_iter().map(|(line, alias)| {
        format!("{root}/{file}:{line} renames an import (`as {alias}`): import the name itself, or its module")
    }));
    found
}

/// Imports across floors, and cycles.
fn floor_rules(krate: &Crate, files: &BTreeMap<String, String>) -> Vec<String> {
    let root = krate.root;
    let mut found = Vec::new();
    let (names, edges) = edges(files);
    for (from, targets) in &edges {
        let Some(from_floor) = floor_of(krate, from) else {
            continue;
        };
        let (_, allowed, why) = krate
            .floors
            .iter()
            .find(|(n, _, _)| *n == from_floor)
            .unwrap();
        for (to, path) in targets {
            let Some(to_floor) = floor_of(krate, to) else {
                continue;
            };
            if !allowed.contains(&to_floor) {
                found.push(format!(
                    "{root}/{} imports {root}/{} (`{path}`): {from_floor} may use only {}, not {to_floor}, because {why}",
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
                    "{root}/{} imports {root}/{} (`{}`)",
                    names[&w[0]], names[&w[1]], edges[&w[0]][&w[1]]
                )
            })
            .collect();
        found.push(format!(
            "import cycle between {} files: {}. Move the shared type down a floor, or report through an interface, so that one direction goes away",
            cycle.len() - 1,
            steps.join(", then ")
        ));
    }
    found
}

/// The engine's deploy floor holds no text for people: no string literal with whitespace
/// outside tests (the words say everything).
fn prose(root: &str, file: &str, code: &str) -> Vec<String> {
    crate::support::string_literals(code)
        .into_iter()
        .filter(|(_, literal)| literal.chars().any(char::is_whitespace))
        .map(|(line, literal)| format!(
            "{root}/{file}:{line} holds the text \"{literal}\": the engine reports typed events and failures, and the words (src/words/) write every sentence a person reads"
        ))
        .collect()
}

/// Whether a text quotes an input as the action's inputs are written (`max-attempts`), or
/// names a RAM action or a GitHub permission: words that belong to the words floor.
fn names_an_input(text: &str) -> bool {
    let quoted = text.split('`').skip(1).step_by(2);
    let input_like = |q: &str| {
        q.contains('-')
            && q.chars().all(|c| c.is_ascii_lowercase() || c == '-')
            && !q.starts_with('-')
    };
    quoted.clone().any(input_like) || text.contains("esa:") || text.contains("permissions:")
}

/// Base, the transport and the ESA API name no input, RAM action or GitHub setting.
fn inputs_named(root: &str, file: &str, code: &str) -> Vec<String> {
    crate::support::string_literals(code)
        .into_iter()
        .filter(|(_, literal)| names_an_input(literal))
        .map(|(line, literal)| format!(
            "{root}/{file}:{line} holds \"{literal}\": this floor knows no input, RAM action or GitHub setting; advice that names them belongs to the words (src/words/remedy.rs, src/words/advice.rs)"
        ))
        .collect()
}

/// The words do no I/O: they name only the crates and the parts of the standard library in
/// [`WORDS_CRATES`] and [`WORDS_STD`], and never print or read the clock.
fn words_io(root: &str, file: &str, code: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (line, path) in rooted_paths(code) {
        let mut parts = path.split("::");
        let first = parts.next().unwrap_or_default();
        let io_crate = EXTERNAL_CRATES.contains(&first) && !WORDS_CRATES.contains(&first);
        let io_std = first == "std" && !parts.next().is_some_and(|m| WORDS_STD.contains(&m));
        if io_crate || io_std {
            found.push(format!("{root}/{file}:{line} names `{path}`: the words do no I/O; the run (src/app/) writes, reads and waits"));
        }
    }
    for (n, line) in strip_comments(code).lines().enumerate() {
        for call in WORDS_CALLS.iter().filter(|c| line.contains(*c)) {
            found.push(format!("{root}/{file}:{} calls `{call}`: the words print nothing and read no clock; the run hands them the time", n + 1));
        }
    }
    found
}

/// The external crates the binary depends on: a path that starts with one is that crate's.
pub const EXTERNAL_CRATES: &[&str] = &[
    "base64",
    "chrono",
    "esa_engine",
    "getrandom",
    "hmac",
    "nix",
    "percent_encoding",
    "reqwest",
    "serde",
    "serde_json",
    "sha1",
    "sha2",
    "std",
    "strsim",
    "thiserror",
    "tokio",
    "url",
    "yaml_rust2",
    "rustls",
    "hyper",
    "libc",
];

/// Every path of the code with a lowercase first segment (`std::fs::read`, `tokio::time`), in
/// `use` items (each branch of a tree) and inline, with its line.
pub fn rooted_paths(code: &str) -> Vec<(usize, String)> {
    let code = strip_comments(code);
    let line_at = |at: usize| code[..at].matches('\n').count() + 1;
    let mut found = Vec::new();
    let mut body = code.clone();
    let mut from = 0;
    while let Some(i) = find_use(&code[from..]) {
        let at = from + i;
        let end = code[at..].find(';').map_or(code.len(), |e| at + e);
        let tree: String = code[at + 4..end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        found.extend(expand(&tree).into_iter().map(|p| (line_at(at), p)));
        body.replace_range(at..end, &" ".repeat(end - at));
        from = end.max(at + 4);
    }
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':';
    let mut at = 0;
    while let Some(i) = body[at..].find("::") {
        let colons = at + i;
        let start = body[..colons]
            .rfind(|c: char| !word(c))
            .map_or(0, |s| s + 1);
        let end = body[colons..]
            .find(|c: char| !word(c))
            .map_or(body.len(), |e| colons + e);
        found.push((
            line_at(start),
            body[start..end].trim_end_matches(':').to_string(),
        ));
        at = end.max(colons + 2);
    }
    found.retain(|(_, p)| p.starts_with(|c: char| c.is_ascii_lowercase()));
    found
}

/// The imports a file renames (`use a::B as C;`, `self as c`), with their line; `as _` is no
/// rename. (The path of `use` is read as a tree, so a rename on any line of it counts.)
pub fn renamed_imports(text: &str) -> Vec<(usize, String)> {
    let code = strip_comments(text);
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = find_use(&code[from..]) {
        let at = from + i;
        let end = code[at..].find(';').map_or(code.len(), |e| at + e);
        let item = &code[at..end];
        let separated = |c: Option<char>| c.is_none_or(|c| c.is_whitespace() || "{},".contains(c));
        for (k, _) in item.match_indices("as") {
            let before = item[..k].chars().next_back();
            let after = item[k + 2..].chars().next();
            let alias: String = item[k + 2..]
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if separated(before)
                && after.is_some_and(char::is_whitespace)
                && !alias.is_empty()
                && alias != "_"
            {
                found.push((code[..at + k].matches('\n').count() + 1, alias));
            }
        }
        from = end.max(at + 4);
    }
    found
}

/// The dependencies a manifest names under `[dependencies]` (not dev- or build-).
pub fn dependencies(manifest: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut inside = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            inside = line == "[dependencies]";
            continue;
        }
        if inside && !line.starts_with('#') {
            if let Some((name, _)) = line.split_once('=') {
                names.push(name.trim().to_string());
            }
        }
    }
    names
}

/// What the engine's manifest names that it may not.
pub fn engine_manifest_violations(manifest: &str) -> Vec<String> {
    dependencies(manifest)
        .into_iter()
        .filter(|d| ENGINE_FORBIDDEN.iter().any(|f| d == f || d.starts_with(&format!("{f}-"))))
        .map(|d| format!("engine/Cargo.toml depends on `{d}`: the engine does no I/O, so its manifest names no runtime, HTTP or TLS crate; the binary makes the calls"))
        .collect()
}
