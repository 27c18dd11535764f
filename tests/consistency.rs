//! action.yml, the README's tables and the code name the same inputs and outputs, with the same defaults.

mod support;

use std::collections::BTreeMap;

use esa_publish::config::spec::{INPUTS, SETUP_INPUTS};
use esa_publish::words::outcome::OUTPUTS;
use yaml_rust2::{Yaml, YamlLoader};

fn action() -> Yaml {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/action.yml")).unwrap();
    YamlLoader::load_from_str(&text).unwrap().remove(0)
}

fn section(action: &Yaml, key: &str) -> BTreeMap<String, Yaml> {
    action[key]
        .as_hash()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.as_str().unwrap().to_string(), v.clone()))
        .collect()
}

/// The names in the first column of the README table under `## {heading}`.
fn readme_table(heading: &str) -> Vec<String> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find(&format!("\n## {heading}\n"))
        .unwrap_or_else(|| panic!("README has no `## {heading}` section"));
    readme[start + 1..]
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with("## "))
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split_once('`').map(|(name, _)| name.to_string()))
        .collect()
}

#[test]
fn inputs_agree_everywhere() {
    let action = action();
    let declared = section(&action, "inputs");
    let code: Vec<&str> = INPUTS.iter().map(|i| i.name).collect();
    assert_eq!(
        declared.keys().map(String::as_str).collect::<Vec<_>>(),
        {
            let mut c = code.clone();
            c.sort();
            c
        },
        "action.yml vs code"
    );
    let mut readme = readme_table("Inputs");
    readme.sort();
    let mut sorted_code: Vec<String> = code.iter().map(|s| s.to_string()).collect();
    sorted_code.sort();
    assert_eq!(readme, sorted_code, "README's input table vs code");
    for spec in INPUTS {
        let yaml = &declared[spec.name];
        assert!(
            yaml["description"].as_str().is_some_and(|d| !d.is_empty()),
            "{}: no description",
            spec.name
        );
        assert_eq!(
            yaml["required"].as_bool().unwrap_or(false),
            spec.required,
            "{}: required differs",
            spec.name
        );
        let default = match &yaml["default"] {
            Yaml::String(s) => Some(s.clone()),
            Yaml::Boolean(b) => Some(b.to_string()),
            Yaml::Integer(i) => Some(i.to_string()),
            _ => None,
        };
        // An expression (`${{ github.token }}`) only the runner can evaluate: the code has no
        // default of its own for it, and reads the input as the runner hands it over.
        let default = default.filter(|d| !d.starts_with("${{"));
        assert_eq!(
            default.as_deref(),
            spec.default,
            "{}: default differs between action.yml and code",
            spec.name
        );
    }
}

#[test]
fn outputs_agree_everywhere() {
    let action = action();
    let declared: Vec<String> = section(&action, "outputs").into_keys().collect();
    let mut code: Vec<String> = OUTPUTS.iter().map(|s| s.to_string()).collect();
    code.sort();
    assert_eq!(declared, code, "action.yml vs code");
    let mut readme = readme_table("Outputs");
    readme.sort();
    assert_eq!(readme, code, "README's output table vs code");
}

#[test]
fn the_action_runs_the_dockerfile() {
    let action = action();
    assert_eq!(action["runs"]["using"].as_str(), Some("docker"));
    assert_eq!(action["runs"]["image"].as_str(), Some("Dockerfile"));
}

#[test]
fn certificate_verification_cannot_be_turned_off() {
    for spec in INPUTS {
        for word in ["insecure", "verify", "tls", "ssl", "skip", "cert"] {
            assert!(
                !spec.name.contains(word),
                "input `{}` looks like a TLS switch",
                spec.name
            );
        }
    }
    let files = support::rust_sources();
    for (file, text) in &files {
        assert!(
            !text.contains("danger_accept_invalid"),
            "src/{file} turns off certificate checks"
        );
    }
    let files = files.len();
    assert!(files > 10, "found only {files} source files under src/");
}

#[test]
fn the_composite_fallback_takes_the_same_inputs_and_hands_over_all_it_was_given() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/setup/action.yml")).unwrap();
    let setup = YamlLoader::load_from_str(&text).unwrap().remove(0);
    let main = action();
    let (setup_inputs, main_inputs) = (section(&setup, "inputs"), section(&main, "inputs"));
    let mut want: Vec<String> = main_inputs.keys().cloned().collect();
    want.extend(SETUP_INPUTS.iter().map(|s| s.to_string()));
    want.sort();
    assert_eq!(setup_inputs.keys().cloned().collect::<Vec<_>>(), want);
    for (name, yaml) in &main_inputs {
        assert_eq!(&setup_inputs[name]["required"], &yaml["required"], "{name}");
        assert_eq!(&setup_inputs[name]["default"], &yaml["default"], "{name}");
    }
    // The step that runs the binary hands over the whole inputs context, undeclared keys
    // included, and no input as a variable of its own (which would drop what it does not name).
    let steps = setup["runs"]["steps"].as_vec().unwrap();
    let publish = steps.last().unwrap();
    let env = section(publish, "env");
    assert_eq!(
        env.get("ESA_PUBLISH_INPUTS").and_then(Yaml::as_str),
        Some("${{ toJSON(inputs) }}")
    );
    assert!(env.keys().all(|k| !k.starts_with("INPUT_")), "{env:?}");
    assert_eq!(
        section(&setup, "outputs").into_keys().collect::<Vec<_>>(),
        section(&main, "outputs").into_keys().collect::<Vec<_>>()
    );
}

/// Every step that uses this action, anywhere in a YAML document.
fn our_steps(doc: &Yaml, found: &mut Vec<Yaml>) {
    match doc {
        Yaml::Hash(h) => {
            if h.get(&Yaml::String("uses".into()))
                .and_then(Yaml::as_str)
                .is_some_and(|u| u.starts_with("OWNER/esa-publish"))
            {
                found.push(doc.clone());
            }
            h.values().for_each(|v| our_steps(v, found));
        }
        Yaml::Array(a) => a.iter().for_each(|v| our_steps(v, found)),
        _ => {}
    }
}

/// Plugin `settings:` keys (Drone, Woodpecker) and `INPUT_*` variables (GitLab) anywhere in a
/// document must name inputs.
fn check_other_ci_names(source: &str, doc: &Yaml, inputs: &BTreeMap<String, Yaml>) -> usize {
    let mut named = 0;
    match doc {
        Yaml::Hash(h) => {
            for (k, v) in h {
                let key = k.as_str().unwrap_or_default();
                let as_input = |name: &str| name.to_ascii_lowercase().replace('_', "-");
                if let Some(rest) = key.strip_prefix("INPUT_") {
                    assert!(
                        inputs.contains_key(&as_input(rest)),
                        "{source}: `{key}` names no input"
                    );
                    named += 1;
                }
                if key == "settings" {
                    for setting in v
                        .as_hash()
                        .into_iter()
                        .flat_map(|s| s.keys())
                        .filter_map(Yaml::as_str)
                    {
                        assert!(
                            inputs.contains_key(&as_input(setting)),
                            "{source}: setting `{setting}` names no input"
                        );
                        named += 1;
                    }
                }
                named += check_other_ci_names(source, v, inputs);
            }
        }
        Yaml::Array(a) => {
            named += a
                .iter()
                .map(|v| check_other_ci_names(source, v, inputs))
                .sum::<usize>()
        }
        _ => {}
    }
    named
}

fn check_steps(source: &str, docs: &[Yaml]) -> usize {
    let inputs = section(&action(), "inputs");
    let mut steps = Vec::new();
    docs.iter().for_each(|d| our_steps(d, &mut steps));
    for step in &steps {
        let with = step["with"]
            .as_hash()
            .unwrap_or_else(|| panic!("{source}: a step without `with:`"));
        let keys: Vec<&str> = with.keys().filter_map(Yaml::as_str).collect();
        for key in &keys {
            assert!(
                inputs.contains_key(*key),
                "{source}: `{key}` is not an input of the action"
            );
        }
        for (name, yaml) in &inputs {
            if yaml["required"].as_bool() == Some(true) {
                assert!(
                    keys.contains(&name.as_str()),
                    "{source}: required input `{name}` missing"
                );
            }
        }
    }
    steps.len()
}

#[test]
fn example_workflows_use_only_declared_inputs() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/workflows");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let docs = YamlLoader::load_from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        count += check_steps(&path.display().to_string(), &docs);
    }
    assert!(count >= 5, "the examples use the action {count} times");
}

/// The README and every page under `docs/`, with their names.
fn documentation() -> Vec<(String, String)> {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut pages = vec![(
        "README.md".to_string(),
        std::fs::read_to_string(format!("{root}/README.md")).unwrap(),
    )];
    let mut docs: Vec<_> = std::fs::read_dir(format!("{root}/docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    for path in docs {
        let name = format!("docs/{}", path.file_name().unwrap().to_string_lossy());
        pages.push((name, std::fs::read_to_string(path).unwrap()));
    }
    pages
}

/// Each `steps.<id>.outputs.<name>` in a block that uses the action must name an output (a
/// job's `needs.<job>.outputs.<name>` is the workflow's own).
fn check_outputs(source: &str, body: &str) {
    if !body.contains("OWNER/esa-publish") {
        return;
    }
    for (at, _) in body.match_indices(".outputs.") {
        let before = &body[..at];
        let reference_start = before
            .rfind(|c: char| c.is_whitespace() || c == '{')
            .map_or(0, |i| i + 1);
        if !before[reference_start..].starts_with("steps.") {
            continue;
        }
        let name: String = body[at + 9..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        assert!(
            OUTPUTS.contains(&name.as_str()) || name == "bin",
            "{source}: output `{name}` does not exist"
        );
    }
}

#[test]
fn documentation_yaml_snippets_parse_and_use_only_declared_inputs_and_outputs() {
    let mut count = 0;
    let mut other_ci = 0;
    let inputs = section(&action(), "inputs");
    for (page, text) in documentation() {
        for (i, block) in text.split("```yaml\n").skip(1).enumerate() {
            let source = format!("{page} yaml block {i}");
            let body = block.split("\n```").next().unwrap();
            let docs = YamlLoader::load_from_str(body)
                .unwrap_or_else(|e| panic!("{source} does not parse: {e}\n{body}"));
            count += check_steps(&source, &docs);
            other_ci += docs
                .iter()
                .map(|d| check_other_ci_names(&source, d, &inputs))
                .sum::<usize>();
            check_outputs(&source, body);
        }
    }
    assert!(
        count >= 4,
        "the documentation uses the action {count} times"
    );
    assert!(
        other_ci >= 10,
        "the other-CI snippets name {other_ci} inputs"
    );
}

/// The names in the first column of the README's error table (`A`, `B.*`, …).
fn documented_titles() -> Vec<String> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("\n## Errors and what to do\n")
        .expect("an error table");
    readme[start..]
        .lines()
        .skip(2)
        .take_while(|l| !l.starts_with("## "))
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split(" | ").next())
        .flat_map(|cell| cell.split(", ").map(str::to_string).collect::<Vec<_>>())
        .filter_map(|name| {
            let name = name.split(" (").next().unwrap_or("").trim();
            name.strip_prefix('`')?
                .strip_suffix('`')
                .map(str::to_string)
        })
        .collect()
}

/// A title's shape: `CamelCase`, maybe with dotted parts (`InvalidParameter.appid`).
fn looks_like_title(s: &str) -> bool {
    let mut parts = s.split('.');
    let first = parts.next().unwrap_or("");
    first.starts_with(|c: char| c.is_ascii_uppercase())
        && first.chars().all(|c| c.is_ascii_alphanumeric())
        && first.chars().any(|c| c.is_ascii_lowercase())
        && parts.all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[test]
fn every_title_the_action_uses_is_in_the_readme_error_table() {
    // Where titles are written: the error type (the engine's) and the advice, the inputs'
    // codes, the CI host's, the deployment's failures (the engine's), and the words' warnings
    // and notices.
    // (The summary's and the chart's row labels are no titles.)
    let labels = ["words/summary.rs", "words/chart.rs"];
    let binary = |f: &str| {
        (["config/", "ci/", "words/"]
            .iter()
            .any(|p| f.starts_with(p))
            || f == "app.rs")
            && !labels.contains(&f)
    };
    let engine = |f: &str| ["base/error.rs", "deploy/failure.rs"].contains(&f);
    let sources = support::rust_sources()
        .into_iter()
        .filter(|(f, _)| binary(f))
        .chain(
            support::rust_files("engine/src")
                .into_iter()
                .filter(|(f, _)| engine(f)),
        );
    let mut titles = std::collections::BTreeSet::new();
    for (file, text) in sources {
        let code = &text[..text.find("#[cfg(test)]").unwrap_or(text.len())];
        for (_, literal) in support::string_literals(code) {
            if looks_like_title(&literal) {
                titles.insert((literal, file.clone()));
            }
        }
    }
    assert!(titles.len() >= 40, "found only {} titles", titles.len());
    let documented = documented_titles();
    let covers = |title: &str| {
        documented.iter().any(|d| match d.strip_suffix(".*") {
            Some(prefix) => title == prefix || title.starts_with(&format!("{prefix}.")),
            None => d == title,
        })
    };
    let missing: Vec<String> = titles
        .iter()
        .filter(|(t, _)| !covers(t))
        .map(|(t, f)| format!("{t} (src/{f})"))
        .collect();
    assert!(
        missing.is_empty(),
        "titles missing from the README's error table: {missing:?}"
    );
}

#[test]
fn the_readme_stays_short_and_links_the_depth() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(
        lines <= 450,
        "README.md has {lines} lines; move depth to docs/"
    );
    for page in [
        "reliability",
        "credentials",
        "other-ci",
        "releases",
        "performance",
        "development",
    ] {
        let link = format!("(docs/{page}.md)");
        assert!(readme.contains(&link), "the README does not link {link}");
        let path = format!("{}/docs/{page}.md", env!("CARGO_MANIFEST_DIR"));
        assert!(std::path::Path::new(&path).exists(), "{path} is missing");
    }
    assert!(
        readme.contains("`step-wait: 10` is ten seconds"),
        "durations say a bare number is seconds"
    );
}

/// Copies `from` (a file or a folder) to `to`.
fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from, to).unwrap();
    }
}

/// The runner builds the Dockerfile at every job run of the action, so its build stage must
/// copy every workspace member: without one, cargo cannot resolve the workspace and every run
/// of the action fails. The files it copies are laid out as in the image, and the workspace
/// is loaded from them.
#[test]
fn the_dockerfiles_build_context_resolves_the_workspace() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dockerfile = std::fs::read_to_string(root.join("Dockerfile")).unwrap();
    let ignored = std::fs::read_to_string(root.join(".dockerignore")).unwrap();
    let context = tempfile::tempdir().unwrap();
    let copies = dockerfile
        .lines()
        .take_while(|l| !l.starts_with("FROM scratch"))
        .filter_map(|l| l.strip_prefix("COPY "));
    for copy in copies {
        let parts: Vec<&str> = copy.split_whitespace().collect();
        let (dest, sources) = parts.split_last().unwrap();
        for source in sources {
            let top = source.split('/').next().unwrap();
            assert!(
                !ignored.lines().any(|l| l.trim() == top),
                ".dockerignore drops {source}"
            );
            let to = match dest.ends_with('/') {
                true => context.path().join(dest).join(source),
                false => context.path().join(dest),
            };
            copy_tree(&root.join(source), &to);
        }
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--no-deps",
            "--offline",
            "--format-version",
            "1",
        ])
        .current_dir(context.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the Dockerfile's build context does not resolve: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every flag of `esa-standin --help` is handled, and the table of the stand-in's flags
/// (docs/development.md) says what it plays; the help fits 100 columns.
#[test]
fn the_readme_documents_every_flag_of_the_stand_in() {
    let main = std::fs::read_to_string("standin/src/main.rs").unwrap();
    let help = &main[main.find("fn help()").unwrap()..main.find("fn fail(").unwrap()];
    let flags: Vec<&str> = help
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--"))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert!(flags.len() >= 12, "{flags:?}");
    let docs = std::fs::read_to_string("docs/development.md").unwrap();
    let start = docs
        .find("The stand-in plays")
        .expect("the stand-in's table");
    let table = &docs[start..];
    for flag in &flags {
        assert!(
            main.contains(&format!("\"--{flag}\" =>")),
            "--{flag} is not handled"
        );
        assert!(
            table.contains(&format!("`--{flag} ")) || table.contains(&format!("`--{flag}`")),
            "--{flag} is not in docs/development.md's table"
        );
    }
    for line in help.lines() {
        assert!(line.chars().count() <= 100, "over 100 columns: {line}");
    }
}

/// Every value of the `result` output is named, in the same words, by action.yml,
/// setup/action.yml, the README's outputs table and `--help`.
#[test]
fn every_result_value_is_documented_everywhere() {
    use esa_publish::words::outcome::RunResult;
    let read = |p: &str| std::fs::read_to_string(p).unwrap();
    let line_of = |text: &str, start: &str| -> String {
        let at = text.find(start).unwrap_or_else(|| panic!("no {start:?}"));
        text[at..].lines().take(3).collect::<Vec<_>>().join(" ")
    };
    let places = [
        ("action.yml", line_of(&read("action.yml"), "  result:")),
        (
            "setup/action.yml",
            line_of(&read("setup/action.yml"), "  result:"),
        ),
        ("README.md", line_of(&read("README.md"), "| `result` |")),
        (
            "src/words/help.rs",
            line_of(&read("src/words/help.rs"), "(\"result\","),
        ),
    ];
    for value in RunResult::ALL {
        for (place, text) in &places {
            let named = text
                .split(|c: char| !(c.is_ascii_lowercase() || c == '-'))
                .any(|word| word == value.as_str());
            assert!(named, "{place} does not name `{}`: {text}", value.as_str());
        }
    }
}
