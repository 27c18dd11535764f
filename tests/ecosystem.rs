//! Label gating from the event payload, and the same binary on other CI systems (Drone and Woodpecker settings, GitLab's dotenv report, plain log lines).

mod support;

use esa_standin::{
    Config, Rollout, StandIn, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_APP_ID,
};
use support::{run_binary, run_on, Host};

fn event_file(dir: &tempfile::TempDir, labels: &[&str]) -> String {
    let labels: Vec<_> = labels
        .iter()
        .map(|l| serde_json::json!({ "name": l }))
        .collect();
    let path = dir.path().join("event.json");
    std::fs::write(
        &path,
        serde_json::json!({"pull_request": {"number": 12, "labels": labels}}).to_string(),
    )
    .unwrap();
    path.to_str().unwrap().to_string()
}

fn base(url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("INPUT_APP-ID", DEMO_APP_ID.into()),
        ("INPUT_VERSION-ID", "ver-879626371616510001".into()),
        ("INPUT_PUBLISH-ENV", "prod".into()),
        ("INPUT_ACCESS-KEY-ID", DEMO_ACCESS_KEY_ID.into()),
        ("INPUT_ACCESS-KEY-SECRET", DEMO_ACCESS_KEY_SECRET.into()),
        ("INPUT_ENDPOINT", url.into()),
    ]
}

fn vars<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'a str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[test]
fn a_pull_request_with_the_label_publishes() {
    let s = StandIn::start(Config::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut v = base(&s.url());
    v.push(("INPUT_REQUIRE-LABEL", "deploy:prod".into()));
    v.push(("GITHUB_EVENT_NAME", "pull_request".into()));
    v.push((
        "GITHUB_EVENT_PATH",
        event_file(&dir, &["deploy:prod", "docs"]),
    ));
    let run = run_binary(&vars(&v));
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(s.publishes().len(), 1);
    assert_eq!(run.outputs()["skipped"], "false");
}

#[test]
fn without_the_label_the_step_skips_cleanly_even_without_secrets() {
    let s = StandIn::start(Config::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut v = base(&s.url());
    v.retain(|(k, _)| !k.contains("ACCESS-KEY"));
    v.push(("INPUT_REQUIRE-LABEL", "deploy:prod".into()));
    v.push(("GITHUB_EVENT_NAME", "pull_request".into()));
    v.push(("GITHUB_EVENT_PATH", event_file(&dir, &["docs"])));
    let run = run_binary(&vars(&v));
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(s.requests().is_empty());
    assert_eq!(run.outputs()["skipped"], "true");
    let cmds = run.commands();
    assert_eq!(cmds.len(), 1, "{cmds:?}");
    assert_eq!(cmds[0].name, "notice");
    assert!(cmds[0]
        .data
        .contains("does not carry the label `deploy:prod`"));
    assert!(run.summary.contains("skipped"), "{}", run.summary);
}

#[test]
fn a_push_event_with_require_label_skips_and_says_why() {
    let s = StandIn::start(Config::default()).unwrap();
    let mut v = base(&s.url());
    v.push(("INPUT_REQUIRE-LABEL", "deploy:prod".into()));
    v.push(("GITHUB_EVENT_NAME", "push".into()));
    let run = run_binary(&vars(&v));
    assert_eq!(run.code, 0);
    assert!(s.requests().is_empty());
    assert!(run.commands()[0].data.contains("`push` event"));
}

#[test]
fn a_canary_label_sets_the_percentage() {
    let s = StandIn::start(Config::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut v = base(&s.url());
    v.push(("INPUT_PERCENTAGE", "10".into()));
    v.push(("INPUT_PERCENTAGE-FROM-LABEL", "canary:".into()));
    v.push(("GITHUB_EVENT_NAME", "pull_request".into()));
    v.push(("GITHUB_EVENT_PATH", event_file(&dir, &["canary:25"])));
    let run = run_binary(&vars(&v));
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(s.publishes()[0].body_params["Percentage"], "25");
    assert!(run.stdout.contains(
        "the label `canary:25` sets the percentage to 25% (input `percentage` said 10%)"
    ));
}

#[test]
fn an_invalid_canary_label_is_a_clear_error_and_sends_nothing() {
    let s = StandIn::start(Config::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for labels in [
        &["canary:abc"][..],
        &["canary:150"],
        &["canary:10", "canary:20"],
    ] {
        let mut v = base(&s.url());
        v.push(("INPUT_PERCENTAGE-FROM-LABEL", "canary:".into()));
        v.push(("GITHUB_EVENT_NAME", "pull_request".into()));
        v.push(("GITHUB_EVENT_PATH", event_file(&dir, labels)));
        let run = run_binary(&vars(&v));
        assert_eq!(run.code, 1, "{labels:?}");
        let errors = run.errors();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].properties["title"], "InvalidParameter.Percentage");
        assert!(
            errors[0].data.contains("percentage-from-label") && errors[0].data.contains("canary:"),
            "{}",
            errors[0].data
        );
    }
    assert!(s.requests().is_empty());
}

/// Settings as a Drone or Woodpecker user writes them, hyphens and all: each host names the
/// variables its own way (`PLUGIN_APP-ID` on Drone, `PLUGIN_APP_ID` on Woodpecker).
fn plugin_settings(url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("app-id", DEMO_APP_ID.into()),
        ("version-id", "ver-1".into()),
        ("publish-env", "staging".into()),
        ("access-key-id", DEMO_ACCESS_KEY_ID.into()),
        ("access-key-secret", DEMO_ACCESS_KEY_SECRET.into()),
        ("endpoint", url.into()),
    ]
}

#[test]
fn drone_and_woodpecker_settings_arrive_as_plugin_variables() {
    // The rollouts never finish, so that each run publishes (a version serving all of staging
    // already would be left unchanged).
    let s = StandIn::start(Config {
        rollouts: vec![Rollout::Stuck; 4],
        ..Config::default()
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dotenv = dir.path().join("out.env");
    let url = s.url();
    for host in [Host::Drone, Host::Woodpecker] {
        for underscored in [false, true] {
            let settings: Vec<(String, String)> = plugin_settings(&url)
                .into_iter()
                .map(|(k, v)| match underscored {
                    true => (k.replace('-', "_"), v),
                    false => (k.to_string(), v),
                })
                .collect();
            let settings: Vec<(&str, &str)> = settings
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let run = run_on(
                host,
                &settings,
                &[("ESA_PUBLISH_DOTENV", dotenv.to_str().unwrap())],
            );
            assert_eq!(run.code, 0, "{host:?}: {}", run.stdout);
            assert!(
                !run.stdout.contains("::"),
                "no workflow commands: {}",
                run.stdout
            );
        }
    }
    assert_eq!(s.publishes().len(), 4);
    let written = std::fs::read_to_string(&dotenv).unwrap();
    let ids: Vec<_> = s
        .publishes()
        .iter()
        .map(|r| format!("REQUEST_ID={}", r.request_id))
        .collect();
    assert!(
        ids.iter().all(|line| written.contains(line.as_str())),
        "{written}"
    );
}

#[test]
fn a_drone_setting_that_is_no_input_is_refused_by_its_name() {
    let s = StandIn::start(Config::default()).unwrap();
    let url = s.url();
    let mut settings = plugin_settings(&url);
    settings.push(("percent", "20".into()));
    let settings: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let run = run_on(Host::Drone, &settings, &[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "error [UnknownInput]: `percent` (PLUGIN_PERCENT) is not an input of esa-publish; did you mean `percentage`?"
        ),
        "{}",
        run.stdout
    );
    assert!(s.requests().is_empty());
}

#[test]
fn gitlab_gets_a_dotenv_report_and_plain_lines() {
    let s = StandIn::start(Config::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dotenv = dir.path().join("publish.env");
    let url = s.url();
    let common = [
        ("INPUT_VERSION_ID", "ver-1"),
        ("INPUT_PUBLISH_ENV", "staging"),
        ("INPUT_ACCESS_KEY_ID", DEMO_ACCESS_KEY_ID),
        ("INPUT_ACCESS_KEY_SECRET", DEMO_ACCESS_KEY_SECRET),
        ("INPUT_ENDPOINT", url.as_str()),
        ("INPUT_DOTENV_FILE", dotenv.to_str().unwrap()),
    ];
    let mut ok = common.to_vec();
    ok.push(("INPUT_APP_ID", DEMO_APP_ID));
    let run = run_on(Host::GitLab, &ok, &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let written = std::fs::read_to_string(&dotenv).unwrap();
    assert_eq!(
        written,
        format!(
            "SKIPPED=false\nCREDENTIAL_SOURCE=inputs\nREQUEST_ID={}\nVERSION_ID=ver-1\nVERSION_NAME=short-id-1\nVERSION_CREATED=false\nRESULT=accepted\nPREVIOUS_VERSION=ver-000000000000000001\n",
            s.publishes()[0].request_id
        )
    );

    let mut bad = common.to_vec();
    bad.push(("INPUT_APP_ID", "app-000000000000000404"));
    let run = run_on(Host::GitLab, &bad, &[]);
    assert_eq!(run.code, 1);
    assert!(!run.stdout.contains("::"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("error [InvalidApp.NotFound]: The application does not exist"),
        "{}",
        run.stdout
    );
}

#[test]
fn an_explicit_ci_system_wins_over_detection() {
    let s = StandIn::start(Config::default()).unwrap();
    let mut v = base(&s.url());
    v.push(("INPUT_CI-SYSTEM", "plain".into()));
    v.push(("INPUT_PERCENTAGE", "0".into()));
    let run = run_binary(&vars(&v));
    assert_eq!(run.code, 1);
    assert!(run.commands().is_empty(), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("error [InvalidParameter.Percentage]: input `percentage`"),
        "{}",
        run.stdout
    );
    let mut v = base(&s.url());
    v.push(("INPUT_CI-SYSTEM", "jenkins".into()));
    let run = run_binary(&vars(&v));
    assert_eq!(run.code, 1);
    assert!(run.errors()[0].data.contains("`ci-system`"));
}
