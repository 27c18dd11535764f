//! One step of one host, built like a workflow step (`with:` or settings, the job's `env:`, the event) and run the way that host runs the action: prepared (folders, files, environment), spawned, and read back.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::action::{self, CompositeStep, Metadata, Runs};
use crate::expr::Contexts;
use crate::github::{self, Dirs, Files};
use crate::others;
use crate::process::Process;
use crate::run::Run;

/// The hosts a step can run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    /// The Actions runner, the action as a Docker container action (`action.yml`).
    Docker,
    /// The Actions runner, the composite fallback (`setup/action.yml`).
    Composite,
    Drone,
    Woodpecker,
    GitLab,
    /// A terminal: exactly the variables given.
    Plain,
}

/// A step to run.
#[derive(Debug, Clone)]
pub struct Step {
    host: Host,
    metadata: PathBuf,
    /// The step's `with:` (GitHub), `settings:` (Drone, Woodpecker) or `variables:` (GitLab,
    /// plain), in order.
    with: Vec<(String, String)>,
    /// The job's `env:`: added after the host's own variables, so it may replace them.
    env: Vec<(String, String)>,
    unset: Vec<String>,
    event: Option<String>,
    files_in: Option<PathBuf>,
    /// Files in the workspace (a checkout's), by path relative to it.
    workspace_files: Vec<(String, String)>,
}

/// The repository's `action.yml`.
pub fn action_yml() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../action.yml")
}

/// The repository's `setup/action.yml`.
pub fn setup_yml() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../setup/action.yml")
}

impl Step {
    /// A step on `host`; the GitHub hosts read their metadata from this repository.
    pub fn on(host: Host) -> Step {
        let metadata = match host {
            Host::Composite => setup_yml(),
            _ => action_yml(),
        };
        Step::with_metadata(host, metadata)
    }

    /// A step on `host` with the metadata at `path`.
    pub fn with_metadata(host: Host, path: PathBuf) -> Step {
        Step {
            host,
            metadata: path,
            with: Vec::new(),
            env: Vec::new(),
            unset: Vec::new(),
            event: None,
            files_in: None,
            workspace_files: Vec::new(),
        }
    }

    pub fn host(&self) -> Host {
        self.host
    }

    /// One `with:` key (or setting, or variable); a later one replaces an earlier of the same
    /// name.
    pub fn with(mut self, key: &str, value: &str) -> Step {
        self.with.retain(|(k, _)| k != key);
        self.with.push((key.to_string(), value.to_string()));
        self
    }

    /// A variable of the job's environment (it wins over the host's own).
    pub fn env(mut self, name: &str, value: &str) -> Step {
        self.env.retain(|(k, _)| k != name);
        self.env.push((name.to_string(), value.to_string()));
        self
    }

    /// Leaves out one of the host's own variables.
    pub fn unset(mut self, name: &str) -> Step {
        self.unset.push(name.to_string());
        self
    }

    /// The event payload (GitHub) written to `GITHUB_EVENT_PATH`; a push's by default.
    pub fn event(mut self, payload: &str) -> Step {
        self.event = Some(payload.to_string());
        self
    }

    /// A file in the workspace, as a checkout would have it (`path` relative to it).
    pub fn workspace_file(mut self, path: &str, contents: &str) -> Step {
        self.workspace_files
            .push((path.to_string(), contents.to_string()));
        self
    }

    /// Keeps the runner's files of the step that runs the binary in `dir` (emptied first),
    /// for a caller that reads them afterwards.
    pub fn files_in(mut self, dir: &Path) -> Step {
        self.files_in = Some(dir.to_path_buf());
        self
    }

    /// Runs `binary` as the host would, to the end.
    pub fn run(&self, binary: &Path) -> Run {
        let prepared = self.prepare(binary);
        if let Some(failed) = prepared.failed.clone() {
            return failed;
        }
        let output = prepared
            .command()
            .output()
            .expect("the step's process starts");
        prepared.finish(output)
    }

    /// Everything but the last process: folders, files, earlier composite steps, and the
    /// command that runs the binary.
    pub fn prepare(&self, binary: &Path) -> Prepared {
        self.try_prepare(binary)
            .unwrap_or_else(|e| panic!("cannot emulate the step: {e}"))
    }

    fn try_prepare(&self, binary: &Path) -> Result<Prepared, String> {
        let root = tempfile::tempdir().map_err(|e| e.to_string())?;
        let dirs = Dirs::under(root.path()).map_err(|e| e.to_string())?;
        let files_dir = self.files_in.clone().unwrap_or(dirs.file_commands.clone());
        std::fs::create_dir_all(&files_dir).map_err(|e| e.to_string())?;
        let files = Files::fresh(&files_dir, "").map_err(|e| e.to_string())?;
        for (path, contents) in &self.workspace_files {
            let path = dirs.workspace.join(path);
            if let Some(folder) = path.parent() {
                std::fs::create_dir_all(folder).map_err(|e| e.to_string())?;
            }
            std::fs::write(path, contents).map_err(|e| e.to_string())?;
        }
        let mut prepared = Prepared {
            _root: root,
            dirs,
            files,
            process: Process {
                program: binary.to_path_buf(),
                ..Process::default()
            },
            composite: None,
            failed: None,
        };
        match self.host {
            Host::Docker => self.docker(&mut prepared)?,
            Host::Composite => self.composite(&mut prepared, binary)?,
            Host::Drone | Host::Woodpecker | Host::GitLab | Host::Plain => {
                self.other(&mut prepared)
            }
        }
        Ok(prepared)
    }

    /// The job's variables for a GitHub host: the runner's, the files, then the job's `env:`.
    fn github_job(&self, prepared: &Prepared) -> Result<BTreeMap<String, String>, String> {
        let event = prepared.dirs.workflow.join("event.json");
        let payload = self.event.clone().unwrap_or_else(github::push_payload);
        std::fs::write(&event, payload).map_err(|e| e.to_string())?;
        let mut job: BTreeMap<String, String> = base_variables();
        job.extend(github::job_variables(&prepared.dirs, &event));
        job.extend(prepared.files.vars());
        job.extend(self.env.iter().cloned());
        for name in &self.unset {
            job.remove(name);
        }
        Ok(job)
    }

    fn docker(&self, prepared: &mut Prepared) -> Result<(), String> {
        let metadata = action::load(&self.metadata)?;
        if metadata.runs != Runs::Docker {
            return Err(format!(
                "{} is not a Docker action",
                self.metadata.display()
            ));
        }
        let job = self.github_job(prepared)?;
        let inputs = github::inputs(&metadata, &self.with, &github::contexts(&job))?;
        // The runner hands `with: args` to the container as its arguments (ContainerActionHandler).
        if let Some((_, args)) = self.with.iter().find(|(k, _)| k == "args") {
            prepared.process.args = github::split_args(args);
        }
        prepared.process.env = job;
        prepared
            .process
            .env
            .extend(github::docker_input_variables(&inputs));
        Ok(())
    }

    fn composite(&self, prepared: &mut Prepared, binary: &Path) -> Result<(), String> {
        let metadata = action::load(&self.metadata)?;
        let Runs::Composite(steps) = &metadata.runs else {
            return Err(format!(
                "{} is not a composite action",
                self.metadata.display()
            ));
        };
        let job = self.github_job(prepared)?;
        let mut cx = github::contexts(&job);
        // The binary under test, as selftest.yml hands it over, unless the step names one.
        let mut with = self.with.clone();
        if !with.iter().any(|(k, _)| k == "binary") {
            with.push(("binary".into(), binary.display().to_string()));
        }
        cx.inputs = github::inputs(&metadata, &with, &cx)?;
        cx.env = self.env.iter().cloned().collect();
        let mut base = job;
        base.insert("GITHUB_ACTION_PATH".into(), parent(&self.metadata));
        let (last, earlier) = steps.split_last().ok_or("a composite without steps")?;
        for (index, step) in earlier.iter().enumerate() {
            if let Some(failed) = run_earlier(step, index, &base, &mut cx, &prepared.dirs)? {
                prepared.failed = Some(failed);
                return Ok(());
            }
        }
        prepared.process =
            github::composite_process(last, earlier.len(), &base, &cx, &prepared.dirs)?;
        prepared.composite = Some((metadata.clone(), last.clone(), cx));
        Ok(())
    }

    fn other(&self, prepared: &mut Prepared) {
        let workspace = prepared.dirs.workspace.display().to_string();
        let mut env = base_variables();
        let naming: fn(&str) -> String = match self.host {
            Host::Drone => others::drone_variable,
            Host::Woodpecker => others::woodpecker_variable,
            _ => str::to_string,
        };
        let job = match self.host {
            Host::Drone => others::drone_job(&workspace),
            Host::Woodpecker => others::woodpecker_job(&workspace),
            Host::GitLab => others::gitlab_job(&workspace),
            _ => Vec::new(),
        };
        env.extend(job);
        env.extend(self.with.iter().map(|(k, v)| (naming(k), v.clone())));
        env.extend(self.env.iter().cloned());
        for name in &self.unset {
            env.remove(name);
        }
        prepared.process.env = env;
    }
}

/// What every host passes through: the search path.
fn base_variables() -> BTreeMap<String, String> {
    std::env::var("PATH")
        .ok()
        .map(|p| ("PATH".to_string(), p))
        .into_iter()
        .collect()
}

fn parent(path: &Path) -> String {
    path.parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default()
}

/// Runs one composite step before the last; `Some` with its result when it failed.
fn run_earlier(
    step: &CompositeStep,
    index: usize,
    job: &BTreeMap<String, String>,
    cx: &mut Contexts,
    dirs: &Dirs,
) -> Result<Option<Run>, String> {
    let files =
        Files::fresh(&dirs.file_commands, &format!("_{index}")).map_err(|e| e.to_string())?;
    let mut base = job.clone();
    base.extend(files.vars());
    let output = github::composite_process(step, index, &base, cx, dirs)?
        .command(&dirs.workspace)
        .output()
        .map_err(|e| e.to_string())?;
    github::record_step_outputs(cx, step, &files)?;
    match output.status.success() {
        true => Ok(None),
        false => Ok(Some(Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            ..Run::default()
        })),
    }
}

/// A step ready to start: its command, and where to read what it leaves.
pub struct Prepared {
    _root: tempfile::TempDir,
    pub dirs: Dirs,
    /// The runner's files of the process that runs the binary (GitHub only).
    pub files: Files,
    process: Process,
    composite: Option<(Metadata, CompositeStep, Contexts)>,
    /// An earlier composite step failed: the step's result.
    failed: Option<Run>,
}

impl Prepared {
    /// The result of an earlier composite step that failed: then nothing more runs.
    pub fn failed(&self) -> Option<&Run> {
        self.failed.as_ref()
    }

    /// The environment of the process that runs the binary: exactly this, nothing inherited.
    pub fn env(&self) -> &BTreeMap<String, String> {
        &self.process.env
    }

    /// The arguments the host passes to the binary (a Docker action's `with: args`).
    pub fn args(&self) -> &[String] {
        &self.process.args
    }

    /// The process, with exactly [`Prepared::env`], in the workspace.
    pub fn command(&self) -> Command {
        assert!(self.failed.is_none(), "an earlier composite step failed");
        self.process.command(&self.dirs.workspace)
    }

    /// Reads back what the process left.
    pub fn finish(self, output: Output) -> Run {
        let read = |p: &PathBuf| std::fs::read_to_string(p).unwrap_or_default();
        let mut run = Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            outputs_raw: read(&self.files.output),
            summary: read(&self.files.summary),
            env_file: read(&self.files.env),
            composite_outputs: None,
        };
        if let Some((metadata, last, mut cx)) = self.composite {
            github::record_step_outputs(&mut cx, &last, &self.files)
                .unwrap_or_else(|e| panic!("the runner would fail the step: {e}"));
            run.composite_outputs = Some(
                github::composite_outputs(&metadata, &cx)
                    .unwrap_or_else(|e| panic!("cannot evaluate the outputs: {e}")),
            );
        }
        run
    }
}
