//! Why a deploy failed, where it runs, and what it cleans up, end to end against the stand-in: the staging pod and the app's own log after a crash loop (its hostile lines kept harmless), each region's replicas after a prod timeout, the log withheld on a public repository, `url` and `staging-ips`, and `keep-versions` on an app with many versions, never deleting what is protected.

mod support;

use esa_standin::versions::{container, Version};
use esa_standin::{
    AppFacts, Config, StandIn, DEMO_ACCESS_KEY_SECRET, DEMO_APP_ID, INITIAL_VERSION,
};
use serde_json::json;
use support::{run_against, Run, COMMIT, REPOSITORY};

const CRASHING: &str = "registry.example.com/shop/web:broken";
const CANARY: &str = "CANARY-log-secret-42";

fn facts() -> AppFacts {
    AppFacts {
        domain: "shop.example.com".into(),
        vips: vec!["127.0.0.1".into()],
        log: vec![
            "starting on :8080".into(),
            "oops ##[set-output name=previous-version;]FORGED".into(),
            "::error::injected from the app".into(),
            format!("leaking {CANARY}"),
            format!("{}end", "x".repeat(900)),
            "fatal: out of memory".into(),
        ],
        regions: vec![("huadong".into(), "chinanet".into(), 1, 3)],
        deploy_regions: Vec::new(),
    }
}

fn standin(mut config: Config) -> StandIn {
    config.app = facts();
    config.crashing_images = vec![CRASHING.into()];
    StandIn::start(config).unwrap()
}

fn event_file(dir: &tempfile::TempDir, private: bool) -> String {
    let path = dir.path().join("event.json");
    let payload = json!({"repository": {"full_name": "acme/shop", "private": private}});
    std::fs::write(&path, payload.to_string()).unwrap();
    path.to_str().unwrap().to_string()
}

fn run(s: &StandIn, extra: &[(&str, &str)]) -> Run {
    let mut vars = vec![
        ("INPUT_PUBLISH-ENV", "staging"),
        ("INPUT_WAIT", "true"),
        REPOSITORY,
        COMMIT,
        ("GITHUB_RUN_ID", "77"),
    ];
    vars.extend_from_slice(extra);
    run_against(&s.url(), &vars)
}

#[test]
fn a_crash_loop_on_staging_shows_the_pod_and_the_apps_log_harmlessly() {
    let s = standin(Config::default());
    let dir = tempfile::tempdir().unwrap();
    let event = event_file(&dir, true);
    let r = run(
        &s,
        &[
            ("INPUT_IMAGE", CRASHING),
            ("GITHUB_EVENT_PATH", &event),
            ("INPUT_ROLLBACK-ON-FAILURE", "true"),
            ("INPUT_ACCESS-KEY-SECRET", DEMO_ACCESS_KEY_SECRET),
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    let errors = r.errors();
    assert_eq!(errors.len(), 1, "{}", r.stdout);
    assert_eq!(
        errors[0].properties["title"], "ContainerCrashLoop",
        "the real error keeps its title"
    );
    assert!(
        r.stdout.contains("why: the staging pod is CrashLoopBackOff, not ready, restarted 7 times, last exit OOMKilled"),
        "{}",
        r.stdout
    );
    // The app's log: in a group, every line harmless, long lines cut.
    assert!(
        r.stdout
            .contains("::group::The app's recent container log (6 lines)"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("fatal: out of memory"));
    for c in r.commands() {
        assert!(
            matches!(
                c.name.as_str(),
                "error" | "warning" | "notice" | "debug" | "group" | "endgroup"
            ),
            "a log line became `{}`: {c:?}",
            c.name
        );
    }
    assert!(!r.stdout.contains("##["), "{}", r.stdout);
    assert!(
        r.stdout.contains("> ::error::injected from the app"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains(&format!("{}… (cut)", "x".repeat(500))));
    assert!(!r.stdout.contains(&"x".repeat(501)));
    // The summary folds it into <details>, escaped.
    assert!(r.summary.contains("#### Why it failed"), "{}", r.summary);
    assert!(
        r.summary
            .contains("<details><summary>The app's recent container log (6 lines)</summary>"),
        "{}",
        r.summary
    );
    assert!(!r.summary.contains("##["));
    // The diagnosis came before the rollback.
    let actions: Vec<String> = s
        .requests()
        .into_iter()
        .map(|q| q.action.unwrap_or_default())
        .collect();
    let logs = actions
        .iter()
        .position(|a| a == "GetEdgeContainerLogs")
        .unwrap();
    let rollback = actions
        .iter()
        .position(|a| a == "RollbackEdgeContainerAppVersion")
        .unwrap();
    assert!(logs < rollback, "{actions:?}");
    let logs_call = &s.requests_of("GetEdgeContainerLogs")[0];
    assert_eq!(
        logs_call.query_params["Lines"], "50",
        "auto on a private repository: 50 lines"
    );
}

#[test]
fn a_known_secret_in_the_apps_log_is_scrubbed() {
    let mut config = Config::default();
    config.accounts[0].security_token = Some(CANARY.into());
    let s = standin(config);
    let r = run(
        &s,
        &[
            ("INPUT_IMAGE", CRASHING),
            ("INPUT_LOGS-ON-FAILURE", "10"),
            ("INPUT_SECURITY-TOKEN", CANARY),
        ],
    );
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("leaking ***"), "{}", r.stdout);
    assert!(!r.everything().contains(CANARY));
}

#[test]
fn on_a_public_repository_the_log_is_withheld_and_the_note_says_how_to_show_it() {
    let s = standin(Config::default());
    let dir = tempfile::tempdir().unwrap();
    let event = event_file(&dir, false);
    let r = run(
        &s,
        &[("INPUT_IMAGE", CRASHING), ("GITHUB_EVENT_PATH", &event)],
    );
    assert_eq!(r.code, 1);
    assert!(s.requests_of("GetEdgeContainerLogs").is_empty());
    assert!(
        r.stdout
            .contains("this repository is public, and so are its logs. Set `logs-on-failure: 50`"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("out of memory"));
}

#[test]
fn a_prod_timeout_shows_each_regions_replicas_and_an_unreadable_log_is_one_line() {
    let s = standin(Config {
        rollouts: vec![esa_standin::Rollout::Stuck],
        ..Config::default()
    });
    s.push_faults_on(
        "GetEdgeContainerLogs",
        esa_standin::Fault::api_error(403, "Forbidden.RAM", "no logs for you"),
        1,
    );
    let r = run(
        &s,
        &[
            ("INPUT_VERSION-ID", "ver-879626371616510001"),
            ("INPUT_PUBLISH-ENV", "prod"),
            ("INPUT_WAIT-TIMEOUT", "1s"),
            ("INPUT_LOGS-ON-FAILURE", "20"),
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(r.errors()[0].properties["title"], "RolloutTimeout");
    assert!(
        r.stdout.contains("why: huadong/chinanet 1 of 3 ready"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(
            "could not read the app's container log (it needs `esa:GetEdgeContainerLogs`)"
        ),
        "{}",
        r.stdout
    );
}

#[test]
fn a_staging_deploy_gives_its_url_and_addresses() {
    let s = standin(Config::default());
    let r = run(&s, &[("INPUT_VERSION-ID", INITIAL_VERSION)]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let out = r.outputs();
    assert_eq!(out["url"], "https://shop.example.com");
    assert_eq!(out["staging-ips"], r#"["127.0.0.1"]"#);
    assert!(
        r.summary
            .contains("| URL | <code>https://shop.example.com</code> |"),
        "{}",
        r.summary
    );
    // No domain bound: no url, and a line says so.
    let bare = StandIn::start(Config::default()).unwrap();
    let r = run(&bare, &[("INPUT_VERSION-ID", INITIAL_VERSION)]);
    assert_eq!(r.code, 0);
    assert!(!r.outputs().contains_key("url"));
    assert!(
        r.stdout.contains("no domain is bound to the app"),
        "{}",
        r.stdout
    );
}

/// Seeds many versions: ours (esa-publish-…, oldest first), one made by hand, and the ones the
/// environments use.
fn many() -> Config {
    let mut config = Config::default();
    let web = json!([container("web", "registry.example.com/shop/web:1.0.0")]);
    for (i, name) in [
        "esa-publish-a",
        "hand-made-v1",
        "esa-publish-b",
        "esa-publish-c",
        "esa-publish-d",
        "esa-publish-e",
        "esa-publish-f",
    ]
    .iter()
    .enumerate()
    {
        let mut v = Version::existing(
            DEMO_APP_ID,
            &format!("ver-10000000000000000{i}"),
            name,
            web.clone(),
        );
        v.create_time = format!("2026-02-0{}T00:00:00Z", i + 1);
        config.versions.push(v);
    }
    config
}

#[test]
fn keep_versions_deletes_the_oldest_of_ours_and_never_what_is_protected() {
    let s = StandIn::start(many()).unwrap();
    // Staging serves esa-publish-a first (it becomes staging's deployed version).
    let r = run(&s, &[("INPUT_VERSION-ID", "ver-100000000000000000")]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    // Then prod gets esa-publish-f with keep-versions: 2.
    let r = run(
        &s,
        &[
            ("INPUT_VERSION-ID", "ver-100000000000000006"),
            ("INPUT_PUBLISH-ENV", "prod"),
            ("INPUT_KEEP-VERSIONS", "2"),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    let left: Vec<String> = s.versions().into_iter().map(|v| v.version_id).collect();
    // Ours: a (staging serves it), b, c, d, e, f (just published). Two are kept (a and f are
    // protected anyway), so b, c, d and e go; the hand-made one and the initial one stay.
    // Given by ID, its name is still known: the listing named it.
    assert_eq!(r.outputs()["version-name"], "esa-publish-f");
    let deleted: Vec<String> = serde_json::from_str(&r.outputs()["deleted-versions"]).unwrap();
    assert_eq!(
        deleted,
        [
            "ver-100000000000000002",
            "ver-100000000000000003",
            "ver-100000000000000004",
            "ver-100000000000000005"
        ]
    );
    for kept in [
        "ver-100000000000000000",
        "ver-100000000000000001",
        "ver-100000000000000006",
        INITIAL_VERSION,
    ] {
        assert!(
            left.contains(&kept.to_string()),
            "{kept} was deleted: {left:?}"
        );
    }
    assert!(s
        .requests_of("DeleteEdgeContainerAppVersion")
        .iter()
        .all(|d| d.status == 200));
}

#[test]
fn a_failed_delete_is_a_warning_and_a_dry_run_deletes_nothing() {
    let s = StandIn::start(many()).unwrap();
    s.push_faults_on(
        "DeleteEdgeContainerAppVersion",
        esa_standin::Fault::api_error(403, "Forbidden.RAM", "not allowed"),
        1,
    );
    let dry = run(
        &s,
        &[
            ("INPUT_VERSION-ID", "ver-100000000000000006"),
            ("INPUT_KEEP-VERSIONS", "3"),
            ("INPUT_DRY-RUN", "true"),
        ],
    );
    assert_eq!(dry.code, 0, "{}", dry.stdout);
    assert!(
        dry.stdout
            .contains("`keep-versions` would delete: ver-100000000000000000"),
        "{}",
        dry.stdout
    );
    assert!(s.requests_of("DeleteEdgeContainerAppVersion").is_empty());
    assert!(dry.summary.contains("| Would delete |"), "{}", dry.summary);

    let r = run(
        &s,
        &[
            ("INPUT_VERSION-ID", "ver-100000000000000006"),
            ("INPUT_KEEP-VERSIONS", "3"),
        ],
    );
    assert_eq!(
        r.code, 0,
        "a failed delete never fails the step: {}",
        r.stdout
    );
    let warned: Vec<_> = r
        .warnings()
        .into_iter()
        .filter(|w| w.properties["title"] == "VersionNotDeleted")
        .collect();
    assert_eq!(warned.len(), 1, "{}", r.stdout);
    let deleted: Vec<String> = serde_json::from_str(&r.outputs()["deleted-versions"]).unwrap();
    assert_eq!(deleted.len(), 2, "{deleted:?}");
}
