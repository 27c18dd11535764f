//! Which CI system runs the action, and so how it reports: workflow commands and the runner's files on GitHub Actions; plain log lines and a dotenv file on GitLab CI, Drone, Woodpecker or a terminal.

use crate::ci::env::Env;
use esa_engine::base::text::shown;

/// A CI system, as far as reporting goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Host {
    GitHub,
    GitLab,
    Drone,
    Woodpecker,
    /// Anything else: a terminal, another CI.
    #[default]
    Plain,
}

impl Host {
    /// The explicit `ci-system` input wins; `auto` (or nothing) detects from the environment.
    pub fn from_env(env: &Env) -> Result<Host, String> {
        match env.input("ci-system").as_deref() {
            None | Some("auto") => Ok(Host::detect(env)),
            Some("github") => Ok(Host::GitHub),
            Some("gitlab") => Ok(Host::GitLab),
            Some("drone") => Ok(Host::Drone),
            Some("woodpecker") => Ok(Host::Woodpecker),
            Some("plain") => Ok(Host::Plain),
            Some(other) => Err(format!(
                "input `ci-system` must be auto, github, gitlab, drone, woodpecker or plain, not `{}`",
                shown(other)
            )),
        }
    }

    /// From the variables each system sets in every job.
    pub fn detect(env: &Env) -> Host {
        if env.var("GITHUB_ACTIONS") == Some("true") {
            Host::GitHub
        } else if env.var("GITLAB_CI") == Some("true") {
            Host::GitLab
        } else if env.var("CI_SYSTEM_NAME") == Some("woodpecker")
            || env.var("CI") == Some("woodpecker")
        {
            Host::Woodpecker
        } else if env.var("DRONE") == Some("true") {
            Host::Drone
        } else {
            Host::Plain
        }
    }

    /// Whether stdout lines are read as `::` workflow commands.
    pub fn has_workflow_commands(self) -> bool {
        self == Host::GitHub
    }
}
