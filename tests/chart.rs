//! The rollout chart in the job summary, from real runs against the stand-in: a staged rollout, one rolled back, one that timed out and one that failed its health gate. Each chart must draw the target and the serving share on a proportional time axis with at most ten labels, name a failure and a rollback in its title, keep the timeline table beside it, and parse with Mermaid's own parser. `.ci/run` points `ESA_PUBLISH_MERMAID_MODULES` at an npm install of mermaid and jsdom; with it, every chart is parsed (`scripts/check-mermaid.mjs`) and, where Chromium is installed, rendered headless in GitHub's light and dark colours to PNG under `target/tmp/mermaid-charts/` for a person to look at. A Mermaid error fails the test; without Chromium the test says so and keeps the parser check.

mod render;
mod support;

use std::path::PathBuf;
use std::process::Command;

use esa_standin::app_server::{Answer, AppServer};
use esa_standin::{
    Config, Initial, Rollout, StandIn, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_APP_ID,
};
use support::run_binary;

/// A stand-in whose rollouts gain 20 points a poll, serving the initial version.
fn standin(rollouts: Vec<Rollout>) -> StandIn {
    StandIn::start(Config {
        rollouts,
        rollout_step: 20,
        initial: Initial {
            deployed_version: "ver-000000000000000001".into(),
            ..Initial::default()
        },
        ..Config::default()
    })
    .unwrap()
}

/// A prod publish of a release against the stand-in at `url`, polling fast.
fn prod_vars(url: &str) -> Vec<(&str, &str)> {
    vec![
        ("INPUT_APP-ID", DEMO_APP_ID),
        ("INPUT_VERSION-ID", "ver-879626371616510002"),
        ("INPUT_PUBLISH-ENV", "prod"),
        ("INPUT_ACCESS-KEY-ID", DEMO_ACCESS_KEY_ID),
        ("INPUT_ACCESS-KEY-SECRET", DEMO_ACCESS_KEY_SECRET),
        ("INPUT_ENDPOINT", url),
        ("INPUT_POLL-INTERVAL", "100ms"),
    ]
}

/// The summary of a run, and how long the run took.
fn timed_summary_of(rollouts: Vec<Rollout>, extra: &[(&str, &str)]) -> (String, f64) {
    let s = standin(rollouts);
    let url = s.url();
    let mut vars = prod_vars(&url);
    vars.push(("INPUT_STEP-WAIT", "0s"));
    vars.extend_from_slice(extra);
    let started = std::time::Instant::now();
    let summary = run_binary(&vars).summary;
    (summary, started.elapsed().as_secs_f64())
}

fn summary_of(rollouts: Vec<Rollout>, extra: &[(&str, &str)]) -> String {
    timed_summary_of(rollouts, extra).0
}

/// The axis's end in seconds (the charts here are short: their unit is seconds).
fn axis_end(c: &Chart) -> f64 {
    assert!(c.axis.starts_with("\"seconds\" 0 --> "), "{}", c.axis);
    c.axis.rsplit(' ').next().unwrap().parse().unwrap()
}

/// A staged rollout cancelled (SIGTERM, as the runner's second signal) during its first bake.
fn cancelled() -> String {
    let s = standin(vec![]);
    let url = s.url();
    let mut vars = prod_vars(&url);
    vars.extend([
        ("INPUT_PERCENTAGE-STEPS", "20,100"),
        ("INPUT_STEP-WAIT", "30s"),
    ]);
    // Step 1 serves at 20% after the lock's read and one poll; a second into the bake, the cancel.
    let settle = std::time::Duration::from_millis(1000);
    support::cancelled_run(&s, &vars, ("GetEdgeContainerAppStatus", 2), settle, "TERM").summary
}

/// One chart from a summary: its title, the axis's end, and the two series.
struct Chart {
    title: String,
    axis: String,
    target: Vec<u8>,
    serving: Vec<u8>,
}

fn chart(summary: &str) -> Chart {
    let start = summary
        .find("```mermaid\n")
        .expect("a chart in the summary");
    let block = &summary[start..];
    let block = &block[..block[3..].find("```").unwrap() + 6];
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
    assert!(block.contains("plotColorPalette"), "{block}");
    let series: Vec<Vec<u8>> = block
        .lines()
        .filter_map(|l| l.trim().strip_prefix("line ["))
        .map(|l| {
            l.trim_end_matches(']')
                .split(", ")
                .map(|v| v.parse().unwrap())
                .collect()
        })
        .collect();
    let [target, serving] = &series[..] else {
        panic!("two lines, the target and the serving share:\n{block}")
    };
    assert_eq!(target.len(), serving.len(), "{block}");
    Chart {
        title: line_of("title "),
        axis: line_of("x-axis "),
        target: target.clone(),
        serving: serving.clone(),
    }
}

fn save(name: &str, summary: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("mermaid-charts");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.md"));
    std::fs::write(&path, summary).unwrap();
    path
}

fn staged() -> String {
    summary_of(
        vec![],
        &[
            ("INPUT_PERCENTAGE-STEPS", "20,60,100"),
            ("INPUT_STEP-WAIT", "300ms"),
        ],
    )
}

fn rolled_back() -> String {
    summary_of(
        vec![Rollout::Normal, Rollout::Stuck],
        &[
            ("INPUT_PERCENTAGE-STEPS", "20,60"),
            ("INPUT_STEP-WAIT", "300ms"),
            ("INPUT_WAIT-TIMEOUT", "1s"),
            ("INPUT_ROLLBACK-ON-FAILURE", "true"),
        ],
    )
}

fn health_failed() -> String {
    let mut answers = vec![Answer::Status(200, "ok".into()); 4];
    answers.push(Answer::Status(503, "down".into()));
    let app = AppServer::start(answers, false).unwrap();
    let url = format!("http://127.0.0.1:{}/healthz", app.port());
    summary_of(
        vec![],
        &[
            ("INPUT_PERCENTAGE-STEPS", "20,60"),
            ("INPUT_STEP-WAIT", "300ms"),
            ("INPUT_HEALTH-URL", &url),
            ("INPUT_ROLLBACK-ON-FAILURE", "true"),
        ],
    )
}

/// A gated rollout whose second step's readings fail: the summary's rollout chart, then one
/// chart a condition, of its values over the readings.
fn metric_failed() -> String {
    let mut config = Config {
        initial: Initial {
            deployed_version: "ver-000000000000000001".into(),
            ..Initial::default()
        },
        ..Config::default()
    };
    config.telemetry.spacing_seconds = 1;
    config.telemetry.series = vec![(
        "pod_ready_rate".into(),
        vec![100.0, 100.0, 99.5, 96.0, 91.0, 85.0],
    )];
    let s = StandIn::start(config).unwrap();
    let url = s.url();
    let mut vars = prod_vars(&url);
    vars.extend_from_slice(&[
        ("INPUT_STEP-WAIT", "0s"),
        ("INPUT_PERCENTAGE-STEPS", "20,60"),
        (
            "INPUT_METRIC-GATE",
            "pod_ready_rate >= 99\ncontainer_memory_rss_quota_rate < 90",
        ),
        ("INPUT_ROLLBACK-ON-FAILURE", "true"),
    ]);
    run_binary(&vars).summary
}

/// The Mermaid blocks of a summary.
fn blocks(summary: &str) -> Vec<&str> {
    summary
        .split("```mermaid\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .collect()
}

fn timed_out() -> String {
    summary_of(
        vec![Rollout::Stuck],
        &[("INPUT_WAIT", "true"), ("INPUT_WAIT-TIMEOUT", "1s")],
    )
}

#[test]
fn a_staged_chart_draws_the_steps_target_and_the_share_serving() {
    let (summary, elapsed) = timed_summary_of(
        vec![],
        &[
            ("INPUT_PERCENTAGE-STEPS", "20,60,100"),
            ("INPUT_STEP-WAIT", "300ms"),
        ],
    );
    let c = chart(&summary);
    // The axis ends where the run did: within the process's own time, give or take a poll
    // (100 ms) and the axis's rounding (a tenth).
    let end = axis_end(&c);
    assert!(
        end <= elapsed * 1.1 + 0.1,
        "axis {end} s for a {elapsed:.2} s run"
    );
    assert!(
        end >= elapsed - 0.5,
        "axis {end} s for a {elapsed:.2} s run"
    );
    // The target climbs through each step, and the share serving follows it up to 100.
    // (Before the first publish, nothing is targeted.)
    let mut steps: Vec<u8> = c.target.iter().copied().skip_while(|&t| t == 0).collect();
    steps.dedup();
    assert_eq!(steps, [20, 60, 100], "{:?}", c.target);
    assert!(
        c.serving.contains(&20) && c.serving.contains(&60),
        "{:?}",
        c.serving
    );
    assert_eq!(c.serving.last(), Some(&100));
    assert!(c.title.contains("on prod"), "{}", c.title);
    assert!(!c.title.contains("RolloutTimeout"), "{}", c.title);
}

#[test]
fn a_rolled_back_chart_names_the_failure_and_the_rollback() {
    let c = chart(&rolled_back());
    assert!(c.title.contains("RolloutTimeout at 00:0"), "{}", c.title);
    assert!(
        c.title.starts_with("\"prod: RolloutTimeout at 00:0")
            && c.title.contains(", rolled back at 00:0"),
        "{}",
        c.title
    );
    assert_eq!(c.target.last(), Some(&0), "{:?}", c.target);
    assert_eq!(
        c.serving.last(),
        Some(&0),
        "after the rollback nothing of ours serves"
    );
    assert!(
        c.target.contains(&20) && c.target.contains(&60),
        "the second step's target shows: {:?}",
        c.target
    );
}

#[test]
fn a_timed_out_chart_names_the_timeout_and_ends_with_it() {
    let c = chart(&timed_out());
    assert!(c.title.contains("RolloutTimeout at 00:0"), "{}", c.title);
    // A 1 s wait-timeout: the axis ends just after it, not at 1.4 s or beyond.
    let end = axis_end(&c);
    assert!((1.0..=1.3).contains(&end), "axis {end} s for a 1 s timeout");
    assert!(!c.title.contains("rolled back"), "{}", c.title);
    assert!(c.serving.iter().all(|&s| s < 100), "{:?}", c.serving);
}

#[test]
fn a_health_failed_chart_names_the_gate_and_the_rollback() {
    let c = chart(&health_failed());
    assert!(c.title.contains("HealthCheckFailed at 00:0"), "{}", c.title);
    assert!(c.title.contains("rolled back at 00:0"), "{}", c.title);
    assert!(
        c.target.contains(&60),
        "the second step was published: {:?}",
        c.target
    );
    assert_eq!(c.serving.last(), Some(&0));
}

#[test]
fn a_cancelled_chart_is_named_like_a_failure_and_ends_at_the_cancel() {
    let c = chart(&cancelled());
    assert!(
        c.title.starts_with("\"prod: cancelled at 00:0"),
        "{}",
        c.title
    );
    // Cancelled about a second into a bake after 20%: the axis covers it, and still serves 20.
    let end = axis_end(&c);
    assert!((1.0..=3.0).contains(&end), "axis {end} s");
    assert_eq!(c.serving.last(), Some(&20), "{:?}", c.serving);
}

#[test]
fn a_metric_chart_draws_each_condition_s_values_against_its_threshold() {
    let summary = metric_failed();
    let charts = blocks(&summary);
    assert_eq!(
        charts.len(),
        3,
        "the rollout and one a condition: {summary}"
    );
    let titled = |t: &str| {
        *charts
            .iter()
            .find(|c| c.contains(t))
            .unwrap_or_else(|| panic!("{t}: {summary}"))
    };
    let ready = titled("title \"pod_ready_rate at least 99\"");
    assert!(
        ready.contains("title \"pod_ready_rate at least 99\""),
        "{ready}"
    );
    assert!(
        ready.contains("x-axis \"reading\" [\"1\", \"2\", \"3\", \"4\", \"5\", \"6\"]"),
        "{ready}"
    );
    assert!(ready.contains("line [99, 99, 99, 99, 99, 99]"), "{ready}");
    assert!(
        ready.contains("line [100, 100, 99.5, 96, 91, 85]"),
        "{ready}"
    );
    let memory = titled("title \"container_memory_rss_quota_rate below 90\"");
    assert!(memory.contains("line [10, 10, 10, 10, 10, 10]"), "{memory}");
}

#[test]
fn every_chart_parses_and_renders_as_mermaid() {
    let files: Vec<PathBuf> = [
        ("staged", staged()),
        ("rolled-back", rolled_back()),
        ("timed-out", timed_out()),
        ("health-failed", health_failed()),
        ("cancelled", cancelled()),
        ("metric-failed", metric_failed()),
    ]
    .into_iter()
    .map(|(name, summary)| save(name, &summary))
    .collect();
    let Ok(modules) = std::env::var("ESA_PUBLISH_MERMAID_MODULES") else {
        eprintln!(
            "charts not parsed or rendered here: set ESA_PUBLISH_MERMAID_MODULES to a node_modules with mermaid and jsdom (.ci/run does)"
        );
        return;
    };
    let out = Command::new("node")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scripts/check-mermaid.mjs"
        ))
        .arg(&modules)
        .args(&files)
        .output()
        .expect("node runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "Mermaid refused a chart:\n{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("8 diagram(s) in 6 file(s), 0 with errors"),
        "{text}"
    );
    match render::chromium() {
        Some(chromium) => {
            for file in &files {
                for theme in render::THEMES {
                    let (png, labels) = render::render(&chromium, &modules, file, theme);
                    // d3's ticks(10) on an axis that ends where the run did: 6 to 16 labels.
                    assert!((4..=16).contains(&labels), "{}: {labels} time labels", png.display());
                    eprintln!("rendered {}", png.display());
                }
            }
        }
        None => eprintln!(
            "Chromium not found (set ESA_PUBLISH_CHROMIUM or install the `chromium` package): charts parsed, not rendered"
        ),
    }
}
