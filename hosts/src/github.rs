//! The GitHub Actions runner, for one step: the inputs as `ActionRunner` builds them (every `with:` key, and each declared input's default where the step gives none), the environment of a Docker action (`INPUT_<NAME>`, hyphens kept) and of a composite's `run:` steps (no `INPUT_*`; each step's `env:` evaluated), and the job's own variables and files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::action::{CompositeStep, Metadata};
use crate::expr::{evaluate, Contexts};
use crate::process::Process;
use crate::protocol::parse_outputs;

/// The job token the runner evaluates `${{ github.token }}` to, here.
pub const JOB_TOKEN: &str = "ghs_emulatedJobToken000000000000000000";

/// The commit, repository and run of the emulated job.
pub const SHA: &str = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
pub const REPOSITORY: &str = "acme/shop";
pub const RUN_ID: &str = "9876543210";

/// The folders of one job: the workspace (the step's working directory), the runner's temp,
/// `HOME`, the event payload's folder, and the file commands' folder.
#[derive(Debug, Clone)]
pub struct Dirs {
    pub workspace: PathBuf,
    pub temp: PathBuf,
    pub home: PathBuf,
    pub workflow: PathBuf,
    pub file_commands: PathBuf,
}

impl Dirs {
    pub fn under(root: &Path) -> std::io::Result<Dirs> {
        let dirs = Dirs {
            workspace: root.join("workspace"),
            temp: root.join("temp"),
            home: root.join("home"),
            workflow: root.join("workflow"),
            file_commands: root.join("file_commands"),
        };
        for dir in [
            &dirs.workspace,
            &dirs.temp,
            &dirs.home,
            &dirs.workflow,
            &dirs.file_commands,
        ] {
            std::fs::create_dir_all(dir)?;
        }
        Ok(dirs)
    }
}

/// The runner's per-step files.
#[derive(Debug, Clone)]
pub struct Files {
    pub output: PathBuf,
    pub summary: PathBuf,
    pub env: PathBuf,
    pub state: PathBuf,
    pub path: PathBuf,
}

impl Files {
    /// Empty files named like the runner's, in `dir`, with `tag` to keep steps apart.
    pub fn fresh(dir: &Path, tag: &str) -> std::io::Result<Files> {
        let file = |name: &str| -> std::io::Result<PathBuf> {
            let p = dir.join(format!("{name}{tag}"));
            std::fs::write(&p, "")?;
            Ok(p)
        };
        Ok(Files {
            output: file("set_output")?,
            summary: file("step_summary")?,
            env: file("set_env")?,
            state: file("save_state")?,
            path: file("add_path")?,
        })
    }

    pub fn vars(&self) -> Vec<(String, String)> {
        [
            ("GITHUB_OUTPUT", &self.output),
            ("GITHUB_STEP_SUMMARY", &self.summary),
            ("GITHUB_ENV", &self.env),
            ("GITHUB_STATE", &self.state),
            ("GITHUB_PATH", &self.path),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.display().to_string()))
        .collect()
    }
}

/// The push event's payload, as the runner writes it to `GITHUB_EVENT_PATH` (the parts that
/// matter here: the repository and whether it is private).
pub fn push_payload() -> String {
    serde_json::json!({
        "ref": "refs/heads/main",
        "after": SHA,
        "repository": { "full_name": REPOSITORY, "private": false },
    })
    .to_string()
}

/// The variables the runner sets for every step of the job.
pub fn job_variables(dirs: &Dirs, event_path: &Path) -> Vec<(String, String)> {
    let dir = |p: &PathBuf| p.display().to_string();
    [
        ("CI", "true".to_string()),
        ("GITHUB_ACTIONS", "true".into()),
        ("GITHUB_WORKSPACE", dir(&dirs.workspace)),
        ("GITHUB_EVENT_PATH", event_path.display().to_string()),
        ("GITHUB_EVENT_NAME", "push".into()),
        ("GITHUB_REPOSITORY", REPOSITORY.into()),
        ("GITHUB_REPOSITORY_OWNER", "acme".into()),
        ("GITHUB_SHA", SHA.into()),
        ("GITHUB_REF", "refs/heads/main".into()),
        ("GITHUB_RUN_ID", RUN_ID.into()),
        ("GITHUB_RUN_NUMBER", "7".into()),
        ("GITHUB_RUN_ATTEMPT", "1".into()),
        ("GITHUB_SERVER_URL", "https://github.com".into()),
        ("GITHUB_API_URL", "https://api.github.com".into()),
        ("GITHUB_WORKFLOW", "deliver".into()),
        ("GITHUB_JOB", "deploy".into()),
        ("GITHUB_ACTOR", "octocat".into()),
        ("HOME", dir(&dirs.home)),
        ("RUNNER_OS", "Linux".into()),
        ("RUNNER_ARCH", "X64".into()),
        ("RUNNER_TEMP", dir(&dirs.temp)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// The `github` and `runner` contexts of the job, as far as expressions here read them.
pub fn contexts(job: &BTreeMap<String, String>) -> Contexts {
    let get = |k: &str| job.get(k).cloned().unwrap_or_default();
    let github = [
        ("token", JOB_TOKEN.to_string()),
        ("action_repository", "OWNER/esa-publish".into()),
        ("server_url", get("GITHUB_SERVER_URL")),
        ("repository", get("GITHUB_REPOSITORY")),
        ("sha", get("GITHUB_SHA")),
        ("run_id", get("GITHUB_RUN_ID")),
        ("event_name", get("GITHUB_EVENT_NAME")),
        ("workspace", get("GITHUB_WORKSPACE")),
    ];
    let runner = [
        ("os", get("RUNNER_OS")),
        ("arch", get("RUNNER_ARCH")),
        ("temp", get("RUNNER_TEMP")),
    ];
    let map = |pairs: &[(&str, String)]| -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    };
    Contexts {
        github: map(&github),
        runner: map(&runner),
        ..Contexts::default()
    }
}

/// The step's inputs as `ActionRunner` builds them: every `with:` key (declared or not), then
/// each declared input the step did not give (without regard to case) with its default,
/// expressions evaluated, or `""`.
pub fn inputs(
    metadata: &Metadata,
    with: &[(String, String)],
    cx: &Contexts,
) -> Result<Vec<(String, String)>, String> {
    let mut inputs: Vec<(String, String)> = Vec::new();
    for (key, value) in with {
        inputs.retain(|(k, _)| !k.eq_ignore_ascii_case(key));
        inputs.push((key.clone(), value.clone()));
    }
    for input in &metadata.inputs {
        if !inputs
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(&input.name))
        {
            let default = evaluate(input.default.as_deref().unwrap_or(""), cx)?;
            inputs.push((input.name.clone(), default));
        }
    }
    Ok(inputs)
}

/// A Docker action's `INPUT_*` variables (`Handler.AddInputsToEnvironment`): `INPUT_` + the
/// name upper-cased, spaces to `_`, hyphens kept.
/// `with: args` as the runner splits it into the container's arguments: on whitespace, a
/// double-quoted part kept whole (its quotes dropped).
pub fn split_args(args: &str) -> Vec<String> {
    let mut split = Vec::new();
    let (mut current, mut quoted, mut started) = (String::new(), false, false);
    for c in args.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                started = true;
            }
            c if c.is_whitespace() && !quoted => {
                if started {
                    split.push(std::mem::take(&mut current));
                    started = false;
                }
            }
            c => {
                current.push(c);
                started = true;
            }
        }
    }
    if started {
        split.push(current);
    }
    split
}

pub fn docker_input_variables(inputs: &[(String, String)]) -> Vec<(String, String)> {
    inputs
        .iter()
        .map(|(k, v)| {
            (
                format!("INPUT_{}", k.replace(' ', "_").to_uppercase()),
                v.clone(),
            )
        })
        .collect()
}

/// A composite's `run:` step as a process: GitHub's template for `shell: bash` (`bash
/// --noprofile --norc -eo pipefail {0}`), its script in the runner's temp, its `env:`
/// evaluated over `base`.
pub fn composite_process(
    step: &CompositeStep,
    index: usize,
    base: &BTreeMap<String, String>,
    cx: &Contexts,
    dirs: &Dirs,
) -> Result<Process, String> {
    if step.shell != "bash" {
        return Err(format!("shell `{}` is not emulated", step.shell));
    }
    let script = dirs.temp.join(format!("step-{index}.sh"));
    std::fs::write(&script, &step.run).map_err(|e| e.to_string())?;
    let mut env = base.clone();
    for (name, value) in &step.env {
        env.insert(name.clone(), evaluate(value, cx)?);
    }
    let args = ["--noprofile", "--norc", "-eo", "pipefail"].map(String::from);
    Ok(Process {
        program: "bash".into(),
        args: args
            .into_iter()
            .chain([script.display().to_string()])
            .collect(),
        env,
    })
}

/// The outputs one composite step wrote, into the `steps` context.
pub fn record_step_outputs(
    cx: &mut Contexts,
    step: &CompositeStep,
    files: &Files,
) -> Result<(), String> {
    let Some(id) = &step.id else { return Ok(()) };
    let written = std::fs::read_to_string(&files.output).unwrap_or_default();
    cx.steps.insert(id.clone(), parse_outputs(&written)?);
    Ok(())
}

/// A composite's outputs, each `value:` evaluated in the end's contexts.
pub fn composite_outputs(
    metadata: &Metadata,
    cx: &Contexts,
) -> Result<BTreeMap<String, String>, String> {
    metadata
        .outputs
        .iter()
        .map(|(name, value)| Ok((name.clone(), evaluate(value.as_deref().unwrap_or(""), cx)?)))
        .collect()
}
