//! The change behind a run: repository, commit and run, with a link to the run, from each CI system's own variables (GitHub Actions, GitLab CI, Drone, Woodpecker).

use crate::ci::env::Env;
use crate::ci::host::Host;

/// What leads back from a version or a publish to the change that made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildContext {
    /// `owner/repo` (or the CI system's project path).
    pub repository: Option<String>,
    /// The full commit SHA.
    pub sha: String,
    /// The run (GitHub), pipeline (GitLab, Woodpecker) or build (Drone) ID; the same when a run
    /// is re-run.
    pub run_id: String,
    /// A link to the run, when the system gives one.
    pub run_url: Option<String>,
}

impl BuildContext {
    /// The commit's first seven characters.
    pub fn short_sha(&self) -> &str {
        // By characters: a variable's value is not always ASCII, and a byte cut could panic.
        let end = self
            .sha
            .char_indices()
            .nth(7)
            .map_or(self.sha.len(), |(i, _)| i);
        &self.sha[..end]
    }

    /// Reads the context of `host`; elsewhere, of the first system whose variables are set.
    /// `None` without a commit and a run.
    pub fn from_env(env: &Env, host: Host) -> Option<BuildContext> {
        match host {
            Host::Plain => [Host::GitHub, Host::GitLab, Host::Woodpecker, Host::Drone]
                .into_iter()
                .find_map(|h| Self::of(env, h)),
            known => Self::of(env, known),
        }
    }

    fn of(env: &Env, host: Host) -> Option<BuildContext> {
        let var = |name: &str| env.var(name).map(str::trim).filter(|v| !v.is_empty());
        let (repo, sha, run, url) = match host {
            Host::GitHub => {
                let url = match (var("GITHUB_REPOSITORY"), var("GITHUB_RUN_ID")) {
                    (Some(repo), Some(run)) => Some(format!(
                        "{}/{repo}/actions/runs/{run}",
                        var("GITHUB_SERVER_URL").unwrap_or("https://github.com")
                    )),
                    _ => None,
                };
                (
                    var("GITHUB_REPOSITORY"),
                    var("GITHUB_SHA"),
                    var("GITHUB_RUN_ID"),
                    url,
                )
            }
            Host::GitLab => (
                var("CI_PROJECT_PATH"),
                var("CI_COMMIT_SHA"),
                var("CI_PIPELINE_ID"),
                var("CI_PIPELINE_URL").map(str::to_string),
            ),
            Host::Woodpecker => (
                var("CI_REPO"),
                var("CI_COMMIT_SHA"),
                var("CI_PIPELINE_NUMBER"),
                var("CI_PIPELINE_URL").map(str::to_string),
            ),
            Host::Drone => (
                var("DRONE_REPO"),
                var("DRONE_COMMIT_SHA"),
                var("DRONE_BUILD_NUMBER"),
                var("DRONE_BUILD_LINK").map(str::to_string),
            ),
            Host::Plain => return None,
        };
        Some(BuildContext {
            repository: repo.map(str::to_string),
            sha: sha?.to_string(),
            run_id: run?.to_string(),
            run_url: url,
        })
    }

    /// The short remark that leads back to the change: `esa-publish: owner/repo@1a2b3c4, run
    /// https://…`.
    pub fn remark(&self) -> String {
        let mut text = format!(
            "esa-publish: {}@{}",
            self.repository.as_deref().unwrap_or("commit"),
            self.short_sha()
        );
        match &self.run_url {
            Some(url) => text.push_str(&format!(", run {url}")),
            None => text.push_str(&format!(", run {}", self.run_id)),
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use crate::ci::context::BuildContext;
    use crate::ci::env::Env;
    use crate::ci::host::Host;

    #[test]
    fn each_system_names_the_commit_and_the_run() {
        let github = Env::from_pairs([
            ("GITHUB_REPOSITORY", "acme/shop"),
            ("GITHUB_SHA", "1a2b3c4d5e6f"),
            ("GITHUB_RUN_ID", "987"),
        ]);
        let c = BuildContext::from_env(&github, Host::GitHub).unwrap();
        assert_eq!(
            c.remark(),
            "esa-publish: acme/shop@1a2b3c4, run https://github.com/acme/shop/actions/runs/987"
        );
        let gitlab = Env::from_pairs([
            ("CI_PROJECT_PATH", "acme/shop"),
            ("CI_COMMIT_SHA", "abcdef0123"),
            ("CI_PIPELINE_ID", "55"),
            (
                "CI_PIPELINE_URL",
                "https://gitlab.example.com/acme/shop/-/pipelines/55",
            ),
        ]);
        let c = BuildContext::from_env(&gitlab, Host::GitLab).unwrap();
        assert_eq!((c.short_sha(), c.run_id.as_str()), ("abcdef0", "55"));
        assert!(c.remark().ends_with("/-/pipelines/55"));
        let drone = Env::from_pairs([
            ("DRONE_COMMIT_SHA", "ffff0000"),
            ("DRONE_BUILD_NUMBER", "7"),
        ]);
        assert_eq!(
            BuildContext::from_env(&drone, Host::Plain)
                .unwrap()
                .remark(),
            "esa-publish: commit@ffff000, run 7"
        );
        assert_eq!(BuildContext::from_env(&Env::default(), Host::Plain), None);
        assert_eq!(BuildContext::from_env(&drone, Host::GitHub), None);
        let odd = Env::from_pairs([("GITHUB_SHA", "ab€€€€€€€€"), ("GITHUB_RUN_ID", "1")]);
        assert_eq!(
            BuildContext::from_env(&odd, Host::GitHub)
                .unwrap()
                .short_sha(),
            "ab€€€€€"
        );
    }
}
