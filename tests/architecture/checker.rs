//! How the architecture test reads a tree of source files: each file's module, its imports (`crate::` and `super::` paths, in `use` trees and inline), the cycles they make, and the length of its functions. The rules themselves are `rules.rs`'s.

use std::collections::{BTreeMap, BTreeSet};

/// Source files may not be longer than this.
pub const MAX_LINES: usize = 600;

/// Functions in `src/` may not be longer than this: code reads in short steps.
pub const MAX_FN_LINES: usize = 60;

/// A module path (`["esa", "client"]`) for each file, from its path under `src/`.
pub fn module_of(relative: &str) -> Vec<String> {
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

/// The text without its `//` comments.
pub fn strip_comments(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
pub fn expand(tree: &str) -> Vec<String> {
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
pub fn paths_in(text: &str) -> Vec<String> {
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
pub fn find_use(text: &str) -> Option<usize> {
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
pub fn resolve(
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
pub type Edges = BTreeMap<Vec<String>, BTreeMap<Vec<String>, String>>;

/// The module of each file, and each file's imports of the others.
pub fn edges(files: &BTreeMap<String, String>) -> (BTreeMap<Vec<String>, String>, Edges) {
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
pub fn long_functions(text: &str, max: usize) -> Vec<(usize, usize)> {
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

/// Each cycle once, as a closed walk (first module repeated at the end).
pub fn cycles(edges: &Edges) -> Vec<Vec<Vec<String>>> {
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

/// A made-up tree: each file opens with its `//!` line.
pub fn tree(files: &[(&str, &str)]) -> BTreeMap<String, String> {
    files
        .iter()
        .map(|(f, t)| (f.to_string(), format!("//! {f}\n{t}")))
        .collect()
}
