//! The example workflows run as tests: every `esa-publish` step of `examples/workflows/*.yml`, job after job in the order `needs:` gives, through the runner's emulation against the stand-in, with the workflow's expressions evaluated to concrete values (secrets as the stand-in's keys, `needs.*.outputs` as the IDs earlier jobs really returned, matrix legs, the trigger's payload). The README's Quickstart is one of them.
//!
//! The only inputs the test adds or replaces are where the step talks to and how long it
//! waits: `endpoint` and `sts-endpoint` (the stand-in), `health-url` (the stand-in's app),
//! `poll-interval` (100 ms) and `step-wait` (0 s). Everything else is run as written.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use esa_hosts::expr::{evaluate, Contexts};
use esa_hosts::workflow::{self, Job, Workflow, WorkflowStep};
use esa_standin::app_server::{Answer, AppServer};
use esa_standin::github_api::GitHubApi;
use esa_standin::versions::{container, Version};
use esa_standin::{
    Account, AppFacts, Config, Initial, Oidc, StandIn, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET,
    DEMO_APP_ID, INITIAL_IMAGE, INITIAL_VERSION,
};
use serde_json::json;
use support::{binary, Host, Run, Step};
use yaml_rust2::{Yaml, YamlLoader};

const BEARER: &str = "emulated-id-token-request-token";
const ROLE: &str = "acs:ram::123456789012:role/esa-publisher";
const PROVIDER: &str = "acs:ram::123456789012:oidc-provider/github";

/// What the examples name: their placeholder app and version, and the matrix's.
const APPS: &[&str] = &[
    DEMO_APP_ID,
    "app-88068867578379xxxx",
    "app-880688675783790002",
];
const VERSIONS: &[&str] = &[
    "ver-87962637161651xxxx",
    "ver-879626371616510001",
    "ver-879626371616510002",
];

/// What staging serves at the start, ahead of prod.
const STAGING_AHEAD: &str = "ver-700000000000000007";

fn examples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/workflows");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    files.sort();
    files
}

/// The stand-in, knowing each app and version the examples name, keyless sign-in for the
/// keyless example, and staging at 127.0.0.1 for the health gate's probes.
fn standin() -> StandIn {
    let mut versions = Vec::new();
    for app in APPS {
        let containers = json!([container("web", INITIAL_IMAGE)]);
        versions.push(Version::existing(
            app,
            INITIAL_VERSION,
            "initial-version",
            containers.clone(),
        ));
        versions.push(Version::existing(
            app,
            STAGING_AHEAD,
            "staging-candidate",
            containers.clone(),
        ));
        for (i, version) in VERSIONS.iter().enumerate() {
            versions.push(Version::existing(
                app,
                version,
                &format!("release-{i}"),
                containers.clone(),
            ));
        }
    }
    StandIn::start(Config {
        apps: APPS.iter().map(|a| a.to_string()).collect(),
        versions,
        oidc: Some(Oidc {
            bearer: BEARER.into(),
            id_token: "eyJhbGciOiJSUzI1NiJ9.emulated.c2ln".into(),
            audience: Some("sts.aliyuncs.com".into()),
            role_arn: ROLE.into(),
            provider_arn: PROVIDER.into(),
            issued: Account {
                access_key_id: "STS.emulatedKeyId".into(),
                access_key_secret: "emulated-sts-secret".into(),
                security_token: Some("emulated-sts-token".into()),
            },
        }),
        app: AppFacts {
            domain: "shop.example.com".into(),
            vips: vec!["127.0.0.1".into()],
            ..AppFacts::default()
        },
        github: GitHubApi {
            token: esa_hosts::github::JOB_TOKEN.into(),
            ..GitHubApi::default()
        },
        // Staging runs a candidate prod does not, so that a promotion has something to do.
        initial: Initial {
            deployed_version: INITIAL_VERSION.into(),
            staging_version: Some(STAGING_AHEAD.into()),
            ..Initial::default()
        },
        ..Config::default()
    })
    .unwrap()
}

/// The payload of the workflow's trigger, and its event name.
fn event(workflow: &Workflow) -> (String, String) {
    let repository = json!({ "full_name": "acme/shop", "private": false });
    let labels: Vec<_> = labels_required(workflow)
        .into_iter()
        .map(|name| json!({ "name": name }))
        .collect();
    let payload = match workflow.trigger.as_str() {
        "pull_request" => json!({
            "action": "closed", "repository": repository,
            "pull_request": { "number": 12, "merged": true, "labels": labels },
        }),
        "workflow_dispatch" => json!({ "repository": repository, "inputs": {} }),
        _ => json!({ "ref": "refs/heads/main", "repository": repository }),
    };
    (workflow.trigger.clone(), payload.to_string())
}

/// The labels the workflow's steps require: the pull request carries them.
fn labels_required(workflow: &Workflow) -> Vec<String> {
    let steps = workflow.jobs.iter().flat_map(|j| &j.steps);
    steps
        .flat_map(|s| &s.with)
        .filter(|(k, _)| k == "require-label")
        .map(|(_, v)| v.clone())
        .collect()
}

fn ours(step: &WorkflowStep) -> bool {
    step.uses
        .as_deref()
        .is_some_and(|u| u.starts_with("OWNER/esa-publish"))
}

/// The contexts of one matrix leg of a job.
fn contexts(
    workflow: &Workflow,
    leg: &BTreeMap<String, String>,
    needs: &serde_json::Value,
) -> Contexts {
    let mut cx = Contexts {
        inputs: workflow.dispatch_inputs.clone(),
        env: workflow.env.clone(),
        ..Contexts::default()
    };
    cx.github
        .insert("sha".into(), esa_hosts::github::SHA.into());
    cx.other.insert(
        "secrets".into(),
        json!({
            "ALIBABA_CLOUD_ACCESS_KEY_ID": DEMO_ACCESS_KEY_ID,
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": DEMO_ACCESS_KEY_SECRET,
        }),
    );
    cx.other.insert("needs".into(), needs.clone());
    cx.other.insert("matrix".into(), json!(leg));
    cx
}

/// The step's `with:`, evaluated, with the test's overrides (see the module's doc).
fn with(step: &WorkflowStep, cx: &Contexts, url: &str, app: &AppServer) -> Vec<(String, String)> {
    let mut with: Vec<(String, String)> = step
        .with
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                evaluate(v, cx).unwrap_or_else(|e| panic!("{k}: {e}")),
            )
        })
        .collect();
    let staging = with
        .iter()
        .any(|(k, v)| k == "publish-env" && v == "staging");
    let health = match staging {
        // Staging is probed at its own address (the stand-in says 127.0.0.1) by the URL's name.
        true => format!("http://localhost:{}/healthz", app.port()),
        false => format!("http://127.0.0.1:{}/healthz", app.port()),
    };
    for (key, value) in [("step-wait", "0s"), ("health-url", health.as_str())] {
        if let Some(entry) = with.iter_mut().find(|(k, _)| k == key) {
            entry.1 = value.to_string();
        }
    }
    with.retain(|(k, _)| k != "poll-interval");
    with.push(("poll-interval".into(), "100ms".into()));
    with.push(("endpoint".into(), url.into()));
    if with.iter().any(|(k, _)| k == "role-arn") {
        with.push(("sts-endpoint".into(), url.into()));
    }
    with
}

/// Runs one of our steps as the runner would for `job`.
fn run_step(workflow: &Workflow, job: &Job, with: &[(String, String)], url: &str) -> Run {
    let (event_name, payload) = event(workflow);
    let mut step = Step::on(Host::Docker)
        .event(&payload)
        .env("GITHUB_EVENT_NAME", &event_name)
        .env("GITHUB_API_URL", url);
    for (k, v) in &workflow.env {
        step = step.env(k, v);
    }
    if job.id_token {
        step = step
            .env(
                "ACTIONS_ID_TOKEN_REQUEST_URL",
                &format!("{url}/_github/idtoken?api-version=2.0"),
            )
            .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", BEARER);
    }
    for (k, v) in with {
        step = step.with(k, v);
    }
    step.run(&binary())
}

/// How many publishes a step asks for: one, or one per step of `percentage-steps`.
fn publishes_asked(with: &[(String, String)]) -> usize {
    with.iter()
        .find(|(k, _)| k == "percentage-steps")
        .map_or(1, |(_, v)| v.split(',').count())
}

/// Runs every job of `path` in order; returns how many of our steps ran.
fn run_workflow(path: &Path) -> usize {
    let workflow = workflow::load(path).unwrap();
    let s = standin();
    let app = AppServer::start(vec![Answer::Status(200, "ok".into())], false).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let mut needs = json!({});
    let mut ran = 0;
    for job in &workflow.jobs {
        for leg in &job.legs {
            let mut cx = contexts(&workflow, leg, &needs);
            for step in job.steps.iter().filter(|s| ours(s)) {
                let with = with(step, &cx, &s.url(), &app);
                let before = s.publishes().len();
                let probed = app.seen().len();
                let run = run_step(&workflow, job, &with, &s.url());
                let at = format!("{name}, job {}, leg {leg:?}", job.id);
                assert_eq!(run.code, 0, "{at}: {}\n{}", run.stdout, run.stderr);
                assert!(run.errors().is_empty(), "{at}: {:?}", run.errors());
                assert_eq!(s.publishes().len() - before, publishes_asked(&with), "{at}");
                if with.contains(&("pr-comment".into(), "true".into())) {
                    let comments = s.github().comments;
                    assert_eq!(comments.len(), 1, "{at}: {}", run.stdout);
                    assert!(comments[0].body.contains("curl --resolve"), "{at}");
                }
                if with.iter().any(|(k, _)| k == "health-url") {
                    assert!(
                        app.seen().len() > probed,
                        "{at}: the health gate probed nothing"
                    );
                }
                if let Some(id) = &step.id {
                    cx.steps.insert(id.clone(), run.outputs());
                }
                ran += 1;
            }
            let outputs: BTreeMap<String, String> = job
                .outputs
                .iter()
                .map(|(k, v)| (k.clone(), evaluate(v, &cx).unwrap()))
                .collect();
            needs[&job.id] = json!({ "outputs": outputs });
        }
    }
    ran
}

#[test]
fn every_example_workflow_deploys_as_written() {
    let mut ran = 0;
    for path in examples() {
        ran += run_workflow(&path);
    }
    assert!(ran >= 9, "the examples' esa-publish steps ran {ran} times");
}

/// Every mapping with `uses: OWNER/esa-publish…` in a YAML document, as its `with:`.
fn our_withs(doc: &Yaml, found: &mut Vec<Yaml>) {
    match doc {
        Yaml::Hash(h) => {
            let uses = h.get(&Yaml::String("uses".into())).and_then(Yaml::as_str);
            if uses.is_some_and(|u| u.starts_with("OWNER/esa-publish")) {
                found.push(doc["with"].clone());
            }
            h.values().for_each(|v| our_withs(v, found));
        }
        Yaml::Array(a) => a.iter().for_each(|v| our_withs(v, found)),
        _ => {}
    }
}

#[test]
fn the_readme_quickstart_steps_are_example_steps() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find("\n## Quickstart\n").unwrap();
    let block = &readme[start..];
    let yaml = &block[block.find("```yaml\n").unwrap() + 8..];
    let yaml = &yaml[..yaml.find("```").unwrap()];
    let mut quickstart = Vec::new();
    our_withs(
        &YamlLoader::load_from_str(yaml).unwrap()[0],
        &mut quickstart,
    );
    let mut in_examples = Vec::new();
    for path in examples() {
        let text = std::fs::read_to_string(path).unwrap();
        our_withs(
            &YamlLoader::load_from_str(&text).unwrap()[0],
            &mut in_examples,
        );
    }
    assert!(quickstart.len() >= 2, "{quickstart:?}");
    for with in &quickstart {
        assert!(
            in_examples.contains(with),
            "a Quickstart step that no example runs: {with:?}"
        );
    }
}
