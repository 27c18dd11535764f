//! action.yml, the README's tables and the code name the same inputs and outputs, with the same defaults.

use std::collections::BTreeMap;

use esa_publish::app::OUTPUTS;
use esa_publish::inputs::INPUTS;
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
    for file in ["src/client.rs", "src/app.rs", "src/main.rs"] {
        let text =
            std::fs::read_to_string(format!("{}/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        assert!(
            !text.contains("danger_accept_invalid"),
            "{file} turns off certificate checks"
        );
    }
}
