//! Deploying a new build end to end: the real binary against the stand-in for each version source (`version-id`, `version-name`, `image`, `version-spec`), re-runs that reuse the version, a new commit that makes a new one, two containers, ACR images, a creation that fails or never finishes, every conflicting input (nothing sent), and dry runs.

#[path = "../support/mod.rs"]
mod support;

mod from_image;
mod from_spec;

use esa_standin::versions::{container, Version};
use esa_standin::{Config, StandIn, DEMO_APP_ID, INITIAL_IMAGE, INITIAL_VERSION, RELEASES};
use serde_json::{json, Value};
use support::{run_against, run_binary, Run, REPOSITORY};

const IMAGE: &str = "registry.example.com/shop/web:2.0.0";
const SHA: &str = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
const RUN_ID: &str = "9876543210";

fn standin(config: Config) -> StandIn {
    StandIn::start(config).unwrap()
}

/// A run on GitHub for commit SHA, run RUN_ID, publishing to staging and polling fast.
fn deploy(s: &StandIn, extra: &[(&str, &str)]) -> Run {
    let mut vars = vec![
        ("INPUT_PUBLISH-ENV", "staging"),
        ("INPUT_WAIT", "true"),
        REPOSITORY,
        ("GITHUB_SHA", SHA),
        ("GITHUB_RUN_ID", RUN_ID),
    ];
    vars.extend_from_slice(extra);
    run_against(&s.url(), &vars)
}

fn actions(s: &StandIn) -> Vec<String> {
    s.requests()
        .into_iter()
        .map(|r| r.action.unwrap_or_default())
        .collect()
}

fn count(s: &StandIn, action: &str) -> usize {
    s.requests_of(action).len()
}

fn made(s: &StandIn) -> Vec<Version> {
    s.versions()
        .into_iter()
        .filter(|v| v.version_id != INITIAL_VERSION && v.app_id == DEMO_APP_ID)
        // The stand-in's hand-made releases are not this run's.
        .filter(|v| !RELEASES.iter().any(|(id, _)| *id == v.version_id))
        .collect()
}

fn error(run: &Run) -> (String, String) {
    let errors = run.errors();
    assert!(!errors.is_empty(), "no error:\n{}", run.stdout);
    (
        errors[0].properties["title"].clone(),
        errors[0].data.clone(),
    )
}
