//! A workflow file as far as running this action's steps goes: the workflow's `env:`, the `workflow_dispatch` inputs' defaults, the trigger, and the jobs in the order `needs:` gives, each with its matrix legs, outputs and steps (`uses:`, `with:` unevaluated).

use std::collections::BTreeMap;
use std::path::Path;

use yaml_rust2::Yaml;

use crate::yaml::{document, strings, text};

/// One step of a job.
#[derive(Debug, Clone)]
pub struct WorkflowStep {
    pub id: Option<String>,
    pub uses: Option<String>,
    pub with: Vec<(String, String)>,
}

/// One job.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: String,
    pub needs: Vec<String>,
    /// `permissions: id-token: write` (on the job or the workflow): the runner then hands the
    /// step an ID-token request URL and token.
    pub id_token: bool,
    /// `strategy.matrix.include`, each leg's values; one empty leg without a matrix.
    pub legs: Vec<BTreeMap<String, String>>,
    pub outputs: Vec<(String, String)>,
    pub steps: Vec<WorkflowStep>,
}

/// A workflow.
#[derive(Debug, Clone)]
pub struct Workflow {
    /// The first event under `on:`.
    pub trigger: String,
    pub env: BTreeMap<String, String>,
    /// `workflow_dispatch` inputs with their defaults.
    pub dispatch_inputs: Vec<(String, String)>,
    /// The jobs, each after those it needs.
    pub jobs: Vec<Job>,
}

fn id_token(permissions: &Yaml) -> bool {
    permissions["id-token"].as_str() == Some("write")
}

fn job(id: &str, yaml: &Yaml, workflow_id_token: bool) -> Job {
    let needs = match &yaml["needs"] {
        Yaml::String(one) => vec![one.clone()],
        Yaml::Array(many) => many.iter().filter_map(text).collect(),
        _ => Vec::new(),
    };
    let mut legs: Vec<BTreeMap<String, String>> = yaml["strategy"]["matrix"]["include"]
        .as_vec()
        .map(|legs| {
            legs.iter()
                .map(|l| strings(l).into_iter().collect())
                .collect()
        })
        .unwrap_or_default();
    if legs.is_empty() {
        legs.push(BTreeMap::new());
    }
    let steps = yaml["steps"]
        .as_vec()
        .map(|steps| {
            steps
                .iter()
                .map(|s| WorkflowStep {
                    id: s["id"].as_str().map(str::to_string),
                    uses: s["uses"].as_str().map(str::to_string),
                    with: strings(&s["with"]),
                })
                .collect()
        })
        .unwrap_or_default();
    Job {
        id: id.to_string(),
        needs,
        id_token: workflow_id_token || id_token(&yaml["permissions"]),
        legs,
        outputs: strings(&yaml["outputs"]),
        steps,
    }
}

/// Reads a workflow file.
pub fn load(path: &Path) -> Result<Workflow, String> {
    let doc = document(path)?;
    let on = &doc["on"];
    let trigger = match on {
        Yaml::String(one) => one.clone(),
        Yaml::Hash(h) => h.keys().next().and_then(text).unwrap_or_default(),
        _ => String::new(),
    };
    let dispatch_inputs = on["workflow_dispatch"]["inputs"]
        .as_hash()
        .map(|h| {
            h.iter()
                .filter_map(|(k, v)| Some((text(k)?, text(&v["default"]).unwrap_or_default())))
                .collect()
        })
        .unwrap_or_default();
    let workflow_id_token = id_token(&doc["permissions"]);
    let mut jobs: Vec<Job> = doc["jobs"]
        .as_hash()
        .map(|h| {
            h.iter()
                .filter_map(|(k, v)| Some(job(&text(k)?, v, workflow_id_token)))
                .collect()
        })
        .unwrap_or_default();
    let mut ordered: Vec<Job> = Vec::new();
    while !jobs.is_empty() {
        let ready = jobs
            .iter()
            .position(|j| j.needs.iter().all(|n| ordered.iter().any(|o| &o.id == n)))
            .ok_or_else(|| format!("{}: the jobs' needs form a cycle", path.display()))?;
        ordered.push(jobs.remove(ready));
    }
    Ok(Workflow {
        trigger,
        env: strings(&doc["env"]).into_iter().collect(),
        dispatch_inputs,
        jobs: ordered,
    })
}
