//! `pr-comment` end to end through the runner emulation, against the stand-in's GitHub API: one comment per app and environment, created then updated, and only ever a comment the token's own identity wrote (a marker in another user's comment is left alone); a thread of long comments is read page by page; a refusal or an unreachable API is a warning, with advice for its cause, and the deploy's result stands; no call off pull requests or in a dry run; service text stays literal Markdown; the token appears nowhere but in its header.

mod support;

use esa_hosts::github::JOB_TOKEN;
use esa_standin::github_api::{Comment, GitHubApi, ACTIONS_BOT};
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
            pulls: vec![7],
            comments: vec![Comment {
                id: 1,
                issue: 7,
                body: "a reviewer's comment <!-- esa-publish app=app-880688675783790001 env=staging -->".into(),
                author: "reviewer".into(),
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

/// The comments with our marker that the job's token wrote.
fn ours(s: &StandIn) -> Vec<Comment> {
    s.github()
        .comments
        .into_iter()
        .filter(|c| c.body.starts_with(MARKER) && c.author == ACTIONS_BOT)
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
    let comments_path = |c: &&esa_standin::github_api::Call| c.target.starts_with("/repos/");
    assert_eq!(
        calls
            .iter()
            .filter(comments_path)
            .filter(|c| c.method == "POST")
            .count(),
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
    assert!(warning.data.contains("fork"), "{}", warning.data);
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
    // No answer is no missing permission.
    assert!(
        !warnings[0].data.contains("permissions"),
        "{}",
        warnings[0].data
    );
}

/// The one `PullRequestNotCommented` warning of a run.
fn not_commented(r: &Run) -> String {
    let warnings: Vec<_> = r
        .warnings()
        .into_iter()
        .filter(|w| w.properties["title"] == "PullRequestNotCommented")
        .collect();
    assert_eq!(warnings.len(), 1, "{}", r.stdout);
    warnings[0].data.clone()
}

#[test]
fn each_refusal_gets_the_advice_of_its_cause() {
    let s = standin(false, AppHealth::Healthy);
    // A token GitHub does not take: the token, not a permission.
    let bad = deploy(
        &s,
        ("INPUT_VERSION-ID", RELEASE),
        &[("INPUT_GITHUB-TOKEN", "ghp_revoked")],
    );
    let said = not_commented(&bad);
    assert!(
        said.contains("does not take the token in `github-token` (401"),
        "{said}"
    );
    assert!(!said.contains("pull-requests: write"), "{said}");
    // No such pull request: the number and the repository, not a permission.
    let missing = docker_step(&[
        ("INPUT_APP-ID", DEMO_APP_ID),
        ("INPUT_ACCESS-KEY-ID", esa_standin::DEMO_ACCESS_KEY_ID),
        (
            "INPUT_ACCESS-KEY-SECRET",
            esa_standin::DEMO_ACCESS_KEY_SECRET,
        ),
        ("INPUT_PUBLISH-ENV", "staging"),
        ("INPUT_VERSION-ID", RELEASE),
        ("INPUT_PR-COMMENT", "true"),
        ("INPUT_ENDPOINT", &s.url()),
        ("GITHUB_API_URL", &s.url()),
        ("GITHUB_EVENT_NAME", "pull_request"),
        ("GITHUB_REPOSITORY", "acme/private-shop"),
    ])
    .event(&pull_request(9999999999))
    .run(&binary());
    let said = not_commented(&missing);
    assert!(
        said.contains("404") && said.contains("no such pull request"),
        "{said}"
    );
    assert!(!said.contains("pull-requests: write"), "{said}");
}

#[test]
fn a_marker_in_another_users_comment_is_left_alone() {
    // Anyone who may comment on a public repository can start a comment with the marker,
    // which is predictable from the public app ID.
    let s = standin(false, AppHealth::Healthy);
    let planted = format!("{MARKER}\nthe deploy report lives here now");
    s.change_github(|api| {
        api.comments.push(Comment {
            id: 2,
            issue: 7,
            body: planted.clone(),
            author: "mallory".into(),
        })
    });
    for version in [RELEASE, NEXT] {
        let r = deploy(&s, ("INPUT_VERSION-ID", version), &[]);
        assert_eq!(r.code, 0, "{}", r.stdout);
    }
    let comments = s.github().comments;
    let mallory = comments.iter().find(|c| c.id == 2).unwrap();
    assert_eq!(mallory.body, planted, "another user's comment was edited");
    let mine = ours(&s);
    assert_eq!(mine.len(), 1, "{comments:?}");
    assert!(mine[0].body.contains(NEXT), "{}", mine[0].body);
    // Without GraphQL the identity is GitHub Actions' bot, and mallory's comment is still
    // not ours.
    s.change_github(|api| api.no_graphql = true);
    let r = deploy(&s, ("INPUT_VERSION-ID", RELEASE), &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(
        s.github().comments.iter().find(|c| c.id == 2).unwrap().body,
        planted
    );
    assert_eq!(ours(&s).len(), 1);
}

#[test]
fn a_leg_beside_this_one_that_has_just_commented_is_found_not_doubled() {
    let s = standin(false, AppHealth::Healthy);
    // Another matrix leg of the same app and environment posts its comment just after this
    // run's first look: the thread is read again before a comment is created.
    s.change_github(|api| {
        api.posted_after_listing = Some(Comment {
            id: 77,
            issue: 7,
            body: format!("{MARKER}\nthe other leg's report"),
            author: ACTIONS_BOT.into(),
        })
    });
    let r = deploy(&s, ("INPUT_VERSION-ID", RELEASE), &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let mine = ours(&s);
    assert_eq!(mine.len(), 1, "a duplicate: {:?}", s.github().comments);
    assert_eq!(mine[0].id, 77);
    assert!(mine[0].body.contains(RELEASE), "{}", mine[0].body);
}

#[test]
fn a_thread_of_long_comments_is_read_page_by_page_and_ours_found() {
    let s = standin(false, AppHealth::Healthy);
    assert_eq!(deploy(&s, ("INPUT_VERSION-ID", RELEASE), &[]).code, 0);
    let first = ours(&s)[0].id;
    // Then 40 comments of 65,536 characters that JSON escapes six times over: a page of 64
    // of them is some 15 MB, of two still 780 KiB... of one, within the 1 MiB read.
    let long = "\u{1}".repeat(65_536);
    s.change_github(|api| {
        for n in 0..40 {
            let id = 5000 + n;
            api.comments.insert(
                0,
                Comment {
                    id,
                    issue: 7,
                    body: long.clone(),
                    author: "reviewer".into(),
                },
            );
        }
    });
    let r = deploy(&s, ("INPUT_VERSION-ID", NEXT), &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.warnings().is_empty(), "{}", r.stdout);
    let mine = ours(&s);
    assert_eq!(mine.len(), 1, "a duplicate was posted");
    assert_eq!(mine[0].id, first);
    assert!(mine[0].body.contains(NEXT));
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
