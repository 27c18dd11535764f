//! The rollout chart in the job summary, from real runs against the stand-in: a staged rollout, one rolled back and one that timed out. Each chart must show the percentage over time with the steps and the failure marked, keep the timeline table beside it, and parse with Mermaid's own parser: `.ci/run` points `ESA_PUBLISH_MERMAID_MODULES` at an npm install of mermaid and jsdom, and this test then runs `scripts/check-mermaid.mjs` on every chart. Each summary is also written to `target/mermaid-charts/` for a person to paste into a renderer.

mod support;

use std::path::PathBuf;
use std::process::Command;

use esa_standin::{
    Config, Initial, Rollout, StandIn, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_APP_ID,
};
use support::run_binary;

fn summary_of(rollouts: Vec<Rollout>, extra: &[(&str, &str)]) -> String {
    let s = StandIn::start(Config {
        rollouts,
        rollout_step: 20,
        initial: Initial {
            deployed_version: "ver-000000000000000001".into(),
            ..Initial::default()
        },
        ..Config::default()
    })
    .unwrap();
    let url = s.url();
    let mut vars = vec![
        ("INPUT_APP-ID", DEMO_APP_ID),
        ("INPUT_VERSION-ID", "ver-879626371616510002"),
        ("INPUT_PUBLISH-ENV", "prod"),
        ("INPUT_ACCESS-KEY-ID", DEMO_ACCESS_KEY_ID),
        ("INPUT_ACCESS-KEY-SECRET", DEMO_ACCESS_KEY_SECRET),
        ("INPUT_ENDPOINT", url.as_str()),
        ("INPUT_POLL-INTERVAL", "100ms"),
        ("INPUT_STEP-WAIT", "0s"),
    ];
    vars.extend_from_slice(extra);
    run_binary(&vars).summary
}

/// The chart's lines: the x-axis categories and the line's values.
fn chart(summary: &str) -> (Vec<String>, Vec<u32>) {
    let start = summary
        .find("```mermaid\n")
        .expect("a chart in the summary");
    let block = &summary[start..];
    let table = summary
        .find("| time | event |")
        .expect("the timeline table stays");
    assert!(start < table, "the chart comes above the table");
    let line_of = |prefix: &str| {
        block
            .lines()
            .find_map(|l| l.trim().strip_prefix(prefix).map(str::to_string))
            .unwrap_or_else(|| panic!("no `{prefix}` in:\n{block}"))
    };
    let categories = line_of("x-axis [");
    let categories: Vec<String> = categories
        .trim_end_matches(']')
        .split("\", \"")
        .map(|c| c.trim_matches('"').to_string())
        .collect();
    let values: Vec<u32> = line_of("line [")
        .trim_end_matches(']')
        .split(", ")
        .map(|v| v.parse().unwrap())
        .collect();
    assert!(block.contains("y-axis \"serving (%)\" 0 --> 100"));
    assert_eq!(categories.len(), values.len(), "{block}");
    (categories, values)
}

fn save(name: &str, summary: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("mermaid-charts");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.md"));
    std::fs::write(&path, summary).unwrap();
    path
}

#[test]
fn charts_show_steps_rollbacks_and_timeouts_and_parse_as_mermaid() {
    let staged = summary_of(vec![], &[("INPUT_PERCENTAGE-STEPS", "20,60,100")]);
    let (categories, values) = chart(&staged);
    for step in ["step 1/3 20%", "step 2/3 60%", "step 3/3 100%"] {
        assert!(
            categories.iter().any(|c| c.ends_with(step)),
            "{step}: {categories:?}"
        );
    }
    assert_eq!(values.last(), Some(&100));
    // What the status said, step by step (the stand-in starts each step's count from 0).
    assert!(values.contains(&20) && values.contains(&60), "{values:?}");

    let rolled_back = summary_of(
        vec![Rollout::Normal, Rollout::Stuck],
        &[
            ("INPUT_PERCENTAGE-STEPS", "20,60"),
            ("INPUT_WAIT-TIMEOUT", "1s"),
            ("INPUT_ROLLBACK-ON-FAILURE", "true"),
        ],
    );
    let (categories, values) = chart(&rolled_back);
    assert!(
        categories.iter().any(|c| c.ends_with("RolloutTimeout")),
        "{categories:?}"
    );
    assert!(
        categories
            .last()
            .unwrap()
            .ends_with("rolled back to ver-000000000000000001"),
        "{categories:?}"
    );
    assert_eq!(
        values.last(),
        Some(&0),
        "after the rollback nothing of ours serves"
    );

    let timed_out = summary_of(
        vec![Rollout::Stuck],
        &[("INPUT_WAIT", "true"), ("INPUT_WAIT-TIMEOUT", "1s")],
    );
    let (categories, _) = chart(&timed_out);
    assert!(
        categories.last().unwrap().ends_with("RolloutTimeout"),
        "{categories:?}"
    );

    let files: Vec<PathBuf> = [
        ("staged", &staged),
        ("rolled-back", &rolled_back),
        ("timed-out", &timed_out),
    ]
    .into_iter()
    .map(|(name, summary)| save(name, summary))
    .collect();
    match std::env::var("ESA_PUBLISH_MERMAID_MODULES") {
        Ok(modules) => {
            let out = Command::new("node")
                .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/check-mermaid.mjs"))
                .arg(modules)
                .args(&files)
                .output()
                .expect("node runs");
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "Mermaid refused a chart:\n{text}{}", String::from_utf8_lossy(&out.stderr));
            assert!(text.contains("3 diagram(s) in 3 file(s), 0 with errors"), "{text}");
        }
        Err(_) => eprintln!(
            "chart syntax not parsed here: set ESA_PUBLISH_MERMAID_MODULES to a node_modules with mermaid and jsdom (.ci/run does)"
        ),
    }
}
