//! An action's metadata as the runner reads it from `action.yml`: each input with its default, the outputs, and how it runs (a Docker image, or a composite's steps).

use std::path::Path;

use yaml_rust2::Yaml;

use crate::yaml::{document, entries, strings, text};

/// One declared input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub name: String,
    pub required: bool,
    /// The default as written (a number or a boolean as its text), expressions unevaluated.
    pub default: Option<String>,
}

/// One step of a composite action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompositeStep {
    pub id: Option<String>,
    pub shell: String,
    /// The step's `env:`, expressions unevaluated, in order.
    pub env: Vec<(String, String)>,
    pub run: String,
}

/// How the action runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Runs {
    Docker,
    Composite(Vec<CompositeStep>),
}

/// What the runner reads from `action.yml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    pub inputs: Vec<Input>,
    /// Each output and, for a composite, its `value:` expression.
    pub outputs: Vec<(String, Option<String>)>,
    pub runs: Runs,
}

/// Reads `action.yml` (or `action.yaml`) at `path`.
pub fn load(path: &Path) -> Result<Metadata, String> {
    let doc = document(path)?;
    let inputs = entries(&doc["inputs"])
        .into_iter()
        .map(|(name, spec)| Input {
            name,
            required: spec["required"].as_bool().unwrap_or(false),
            default: text(&spec["default"]),
        })
        .collect();
    let outputs = entries(&doc["outputs"])
        .into_iter()
        .map(|(name, spec)| (name, text(&spec["value"])))
        .collect();
    let runs = match doc["runs"]["using"].as_str() {
        Some("docker") => Runs::Docker,
        Some("composite") => Runs::Composite(composite_steps(&doc["runs"]["steps"])?),
        other => return Err(format!("{}: runs.using is {other:?}", path.display())),
    };
    Ok(Metadata {
        inputs,
        outputs,
        runs,
    })
}

fn composite_steps(steps: &Yaml) -> Result<Vec<CompositeStep>, String> {
    let steps = steps.as_vec().ok_or("a composite without steps")?;
    steps
        .iter()
        .map(|step| {
            let run = step["run"]
                .as_str()
                .ok_or("only `run:` steps are emulated in a composite")?;
            Ok(CompositeStep {
                id: step["id"].as_str().map(str::to_string),
                shell: step["shell"].as_str().unwrap_or("bash").to_string(),
                env: strings(&step["env"]),
                run: run.to_string(),
            })
        })
        .collect()
}
