//! `pr-comment` end to end through the runner emulation, against the stand-in's GitHub API: one comment per app and environment, created then updated; a refusal or an unreachable API is a warning and the deploy's result stands; no call off pull requests or in a dry run; service text stays literal Markdown; the token appears nowhere but in its header.

mod support;

use esa_hosts::github::JOB_TOKEN;
use esa_standin::github_api::{Comment, GitHubApi};
use esa_standin::versions::{container, Version};
use esa_standin::{AppFacts, AppHealth, Config, StandIn, DEMO_APP_ID, INITIAL_IMAGE};
use pulldown_cmark::{Event, Parser, Tag};
use support::{binary, docker_step, Run};

const RELEASE: &str = "ver-879626371616510001";
const NEXT: &str = "ver-879626371616510002";
const MARKER: &str = "<!-- esa-publish app=app-880688675783790001 env=staging -->";

fn standin(read_only: bool, health: AppHealth) -> StandIn {
    StandIn::start(Config {
        app: AppFacts {
            domain: "shop.example.com".into(),
            vips: vec!["203.0.113.7".into(), "2001:db8::7".into()],
            ..Config::default().app
        },
        github: GitHubApi {
            token: JOB_TOKEN.into(),
            read_only,
            comments: vec![Comment {
                id: 1,
                issue: 7,
                body: "a reviewer's comment <!-- esa-publish app=app-880688675783790001 env=staging -->".into(),
            }],
            ..GitHubApi::default()
        },
        health,
        ..Config::default()
    })
    .unwrap()
}

fn pull_request(number: u64) -> String {
    serde_json::json!({
        "action": "synchronize",
        "number": number,
        "repository": { "full_name": "acme/shop", "private": false },
        "pull_request": { "number": number, "labels": [] },
    })
    .to_string()
}

/// A staging deploy of `version` with `pr-comment: true` on pull request 7, plus `extra`.
fn deploy(s: &StandIn, version: (&str, &str), extra: &[(&str, &str)]) -> Run {
    let mut vars = vec![
        ("INPUT_APP-ID", DEMO_APP_ID),
        ("INPUT_ACCESS-KEY-ID", esa_standin::DEMO_ACCESS_KEY_ID),
        (
            "INPUT_ACCESS-KEY-SECRET",
            esa_standin::DEMO_ACCESS_KEY_SECRET,
        ),
        ("INPUT_PUBLISH-ENV", "staging"),
        ("INPUT_WAIT", "true"),
        ("INPUT_POLL-INTERVAL", "100ms"),
        ("INPUT_PR-COMMENT", "true"),
        version,
        ("GITHUB_EVENT_NAME", "pull_request"),
    ];
    let url = s.url();
    vars.push(("INPUT_ENDPOINT", &url));
    vars.push(("GITHUB_API_URL", &url));
    for (k, v) in extra {
        vars.retain(|(name, _)| name != k);
        vars.push((k, v));
    }
    docker_step(&vars).event(&pull_request(7)).run(&binary())
}

fn ours(s: &StandIn) -> Vec<Comment> {
    s.github()
        .comments
        .into_iter()
        .filter(|c| c.body.starts_with(MARKER))
        .collect()
}

fn assert_no_token(r: &Run) {
    assert!(!r.everything().contains(JOB_TOKEN), "{}", r.everything());
}

#[test]
fn the_first_run_comments_and_the_next_updates_the_same_comment() {
    let s = standin(false, AppHealth::Healthy);
    let first = deploy(&s, ("INPUT_VERSION-ID", RELEASE), &[]);
    assert_eq!(first.code, 0, "{}", first.stdout);
    let comments = ours(&s);
    assert_eq!(comments.len(), 1, "{:?}", s.github().comments);
    let body = &comments[0].body;
    assert!(body.contains("served at 100%"), "{body}");
    assert!(body.contains(&format!("`{RELEASE}`")), "{body}");
    assert!(body.contains("- **Environment:** staging"), "{body}");
    assert!(
        body.contains("https://github.com/acme/shop/actions/runs/9876543210"),
        "{body}"
    );
    assert!(
        body.contains("curl --resolve shop.example.com:443:203.0.113.7 https://shop.example.com/"),
        "{body}"
    );
    assert!(
        body.contains(
            "curl --resolve shop.example.com:443:[2001:db8::7] https://shop.example.com/"
        ),
        "{body}"
    );
    assert!(
        first
            .stdout
            .contains("pr-comment: commented on pull request #7"),
        "{}",
        first.stdout
    );

    let second = deploy(&s, ("INPUT_VERSION-ID", NEXT), &[]);
    assert_eq!(second.code, 0, "{}", second.stdout);
    let again = ours(&s);
    assert_eq!(
        again.len(),
        1,
        "a second comment: {:?}",
        s.github().comments
    );
    assert_eq!(again[0].id, comments[0].id);
    assert!(again[0].body.contains(NEXT), "{}", again[0].body);
    assert!(second
        .stdout
        .contains("pr-comment: updated the comment on pull request #7"));
    let calls = s.github().calls;
    assert_eq!(
        calls.iter().filter(|c| c.method == "POST").count(),
        1,
        "{calls:?}"
    );
    assert_eq!(
        calls.iter().filter(|c| c.method == "PATCH").count(),
        1,
        "{calls:?}"
    );
    assert!(calls
        .iter()
        .all(|c| c.authorization == format!("Bearer {JOB_TOKEN}")));
    // A reviewer's comment that quotes the marker later in its text is left alone.
    assert!(s
        .github()
        .comments
        .iter()
        .any(|c| c.id == 1 && c.body.starts_with("a reviewer")));
    assert!(first.masked().contains(&JOB_TOKEN.to_string()));
    assert_no_token(&first);
    assert_no_token(&second);
}

#[test]
fn prod_keeps_a_comment_of_its_own() {
    let s = standin(false, AppHealth::Healthy);
    assert_eq!(deploy(&s, ("INPUT_VERSION-ID", RELEASE), &[]).code, 0);
    let prod = deploy(
        &s,
        ("INPUT_VERSION-ID", RELEASE),
        &[("INPUT_PUBLISH-ENV", "prod")],
    );
    assert_eq!(prod.code, 0, "{}", prod.stdout);
    let comments = s.github().comments;
    let prod_comment = comments
        .iter()
        .find(|c| {
            c.body
                .starts_with("<!-- esa-publish app=app-880688675783790001 env=prod -->")
        })
        .expect("a prod comment");
    assert!(!prod_comment.body.contains("curl"), "{}", prod_comment.body);
    assert_eq!(ours(&s).len(), 1);
}

#[test]
fn a_read_only_token_warns_and_the_deploy_stands() {
    let s = standin(true, AppHealth::Healthy);
    let r = deploy(&s, ("INPUT_VERSION-ID", RELEASE), &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.outputs()["result"], "published");
    let warnings = r.warnings();
    let warning = warnings
        .iter()
        .find(|w| w.properties["title"] == "PullRequestNotCommented")
        .expect("a warning");
    assert!(warning.data.contains("403"), "{}", warning.data);
    assert!(
        warning.data.contains("pull-requests: write"),
        "{}",
        warning.data
    );
    assert!(warning.data.contains("The deploy's result stands"));
    assert!(ours(&s).is_empty());
    assert!(r.errors().is_empty());
    assert_no_token(&r);
}

#[test]
fn an_unreachable_api_warns_and_the_deploy_stands() {
    let s = standin(false, AppHealth::Healthy);
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let api = format!("http://127.0.0.1:{port}");
    let r = deploy(
        &s,
        ("INPUT_VERSION-ID", RELEASE),
        &[("GITHUB_API_URL", &api)],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    let warnings = r.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].properties["title"], "PullRequestNotCommented");
    assert!(
        warnings[0].data.contains("did not answer"),
        "{}",
        warnings[0].data
    );
}

#[test]
fn a_push_makes_no_call_and_says_so() {
    let s = standin(false, AppHealth::Healthy);
    let url = s.url();
    let r = docker_step(&[
        ("INPUT_APP-ID", DEMO_APP_ID),
        ("INPUT_ACCESS-KEY-ID", esa_standin::DEMO_ACCESS_KEY_ID),
        (
            "INPUT_ACCESS-KEY-SECRET",
            esa_standin::DEMO_ACCESS_KEY_SECRET,
        ),
        ("INPUT_PUBLISH-ENV", "staging"),
        ("INPUT_VERSION-ID", RELEASE),
        ("INPUT_PR-COMMENT", "true"),
        ("INPUT_ENDPOINT", &url),
        ("GITHUB_API_URL", &url),
    ])
    .run(&binary());
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(s.github().calls.is_empty(), "{:?}", s.github().calls);
    let notices: Vec<_> = r
        .commands()
        .into_iter()
        .filter(|c| c.name == "notice")
        .collect();
    assert_eq!(notices.len(), 1, "{}", r.stdout);
    assert_eq!(notices[0].properties["title"], "NoPullRequest");
    assert!(notices[0].data.contains("`push` event"));
    assert!(r.warnings().is_empty());
}

#[test]
fn a_dry_run_and_a_run_without_pr_comment_make_no_call() {
    let s = standin(false, AppHealth::Healthy);
    let dry = deploy(
        &s,
        ("INPUT_VERSION-ID", RELEASE),
        &[("INPUT_DRY-RUN", "true")],
    );
    assert_eq!(dry.code, 0, "{}", dry.stdout);
    assert!(dry
        .stdout
        .contains("pr-comment: a dry run writes no comment"));
    let off = deploy(
        &s,
        ("INPUT_VERSION-ID", RELEASE),
        &[("INPUT_PR-COMMENT", "false")],
    );
    assert_eq!(off.code, 0, "{}", off.stdout);
    assert!(s.github().calls.is_empty(), "{:?}", s.github().calls);
}

#[test]
fn a_rolled_back_deploy_says_so_and_still_fails_the_step() {
    let s = standin(false, AppHealth::Failing);
    let health = format!("{}/_app/healthz", s.url().replace("127.0.0.1", "localhost"));
    let r = deploy(
        &s,
        ("INPUT_VERSION-ID", RELEASE),
        &[
            ("INPUT_HEALTH-URL", &health),
            ("INPUT_HEALTH-FAILURES", "1"),
            ("INPUT_STEP-WAIT", "1s"),
            ("INPUT_ROLLBACK-ON-FAILURE", "true"),
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(r.outputs()["result"], "rolled-back");
    let body = &ours(&s)[0].body;
    assert!(body.contains("rolled back to `"), "{body}");
    assert!(body.contains("`HealthCheckFailed`"), "{body}");
    assert!(!body.contains("curl"), "{body}");
    assert_no_token(&r);
}

#[test]
fn a_hostile_version_name_stays_literal() {
    let hostile = "x`` <img src=x onerror=alert(1)> @octocat [a](https://e.x) <!-- esa-publish app=app-880688675783790001 env=staging --> ``";
    let mut config = Config::default();
    config.versions.push(Version::existing(
        DEMO_APP_ID,
        "ver-000000000000000777",
        hostile,
        serde_json::json!([container("web", INITIAL_IMAGE)]),
    ));
    config.github = GitHubApi {
        token: JOB_TOKEN.into(),
        ..GitHubApi::default()
    };
    let s = StandIn::start(config).unwrap();
    let r = deploy(&s, ("INPUT_VERSION-NAME", hostile), &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let body = &ours(&s)[0].body;
    let mut codes = Vec::new();
    let mut html = Vec::new();
    let mut links = 0;
    for event in Parser::new(body) {
        match event {
            Event::Code(text) => codes.push(text.to_string()),
            Event::Html(text) | Event::InlineHtml(text) => html.push(text.to_string()),
            Event::Start(Tag::Link { .. }) => links += 1,
            _ => {}
        }
    }
    assert!(codes.contains(&hostile.to_string()), "{codes:?}\n{body}");
    // The only HTML is the marker and the closing note; the only link is the run's.
    assert_eq!(
        html.iter().filter(|h| h.contains("img")).count(),
        0,
        "{html:?}"
    );
    assert_eq!(links, 1, "{body}");
    assert_eq!(
        body.matches(MARKER).count(),
        2,
        "the marker once, and once inside the name"
    );
    assert!(body.starts_with(MARKER));
}
