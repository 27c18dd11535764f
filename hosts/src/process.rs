//! One process of a step: its program, arguments and exactly its environment, started in the workspace.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What a host starts: nothing is inherited but what `env` holds.
#[derive(Debug, Clone, Default)]
pub struct Process {
    pub program: PathBuf,
    pub args: Vec<String>,
    pub env: BTreeMap<String, String>,
}

impl Process {
    /// The command, with exactly `env`, working in `dir`.
    pub fn command(&self, dir: &Path) -> Command {
        let mut command = Command::new(&self.program);
        command
            .args(&self.args)
            .env_clear()
            .envs(&self.env)
            .current_dir(dir);
        command
    }
}
