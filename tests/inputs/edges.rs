//! Each input rule at its edges, both sides of every limit, and the inputs that act only together: the cases mutation testing found unguarded (a limit that could be dropped, a rule that could be turned around, a credential source that could vanish) and no table here held.

use std::io::Write;

use esa_engine::deploy::plan::VersionSource;
use esa_publish::ci::env::Env;
use esa_publish::config::comment::{CommentPlan, NoComment};
use esa_publish::config::connection::OUTSIDE_ALIBABA_CLOUD;
use esa_publish::config::credentials::{CredentialPlan, IdToken, Source};
use esa_publish::config::*;

use crate::{env, now, ok, rejected};

/// The inputs the problems name, in order.
fn named(r: &Rejected) -> Vec<&'static str> {
    r.errors.iter().map(|p| p.input).collect()
}

/// Accepted with `value`, refused (naming `input`) with `bad`.
fn edge(var: &str, input: &str, good: &[&str], bad: &[&str], extra: &[(&str, &str)]) {
    for value in good {
        let mut vars = extra.to_vec();
        vars.push((var, value));
        ok(&vars);
    }
    for value in bad {
        let mut vars = extra.to_vec();
        vars.push((var, value));
        assert_eq!(named(&rejected(&vars)), [input], "{var}={value}");
    }
}

#[test]
fn every_limit_holds_on_both_sides() {
    edge(
        "INPUT_MAX-ATTEMPTS",
        "max-attempts",
        &["1", "20"],
        &["0", "21"],
        &[],
    );
    edge(
        "INPUT_TIMEOUT",
        "timeout",
        &["1s", "1h"],
        &["0s", "3601s"],
        &[],
    );
    edge(
        "INPUT_LOGS-ON-FAILURE",
        "logs-on-failure",
        &["0", "5000", "auto"],
        &["5001"],
        &[],
    );
    edge(
        "INPUT_KEEP-VERSIONS",
        "keep-versions",
        &["0", "1000"],
        &["1001"],
        &[],
    );
    let gated = [
        ("INPUT_HEALTH-URL", "https://shop.example.com/healthz"),
        ("INPUT_WAIT", "true"),
    ];
    edge(
        "INPUT_HEALTH-FAILURES",
        "health-failures",
        &["1", "100"],
        &["0", "101"],
        &gated,
    );
    edge(
        "INPUT_STEP-WAIT",
        "step-wait",
        &["0s", "24h", "86400s"],
        &["86401s", "25h"],
        &[("INPUT_PERCENTAGE-STEPS", "10,100"), ("INPUT_WAIT", "true")],
    );
    edge(
        "INPUT_ROLE-SESSION-NAME",
        "role-session-name",
        &["ok", "deploy.main_1@ci-2", &"x".repeat(64)],
        &["x", "has space", "semi;colon", &"x".repeat(65)],
        &[],
    );
}

#[test]
fn the_lines_and_the_versions_kept_are_the_ones_given() {
    let c = ok(&[
        ("INPUT_LOGS-ON-FAILURE", "5000"),
        ("INPUT_KEEP-VERSIONS", "1000"),
    ]);
    assert_eq!(
        c.aftercare.logs_on_failure,
        aftercare::LogsOnFailure::Lines(5000)
    );
    assert_eq!(c.aftercare.keep_versions, 1000);
}

#[test]
fn a_health_url_that_is_an_address_is_refused_on_staging_alone() {
    let at_address = [
        ("INPUT_HEALTH-URL", "https://10.0.0.7/healthz"),
        ("INPUT_WAIT", "true"),
    ];
    let mut staging = at_address.to_vec();
    staging.push(("INPUT_PUBLISH-ENV", "staging"));
    assert_eq!(named(&rejected(&staging)), ["health-url"]);
    let mut prod = at_address.to_vec();
    prod.push(("INPUT_PUBLISH-ENV", "prod"));
    assert!(ok(&prod).health.is_some());
    // By its domain, staging is probed at its own addresses: no problem.
    ok(&[
        ("INPUT_HEALTH-URL", "https://shop.example.com/healthz"),
        ("INPUT_WAIT", "true"),
    ]);
}

#[test]
fn a_health_url_needs_a_followed_rollout() {
    let url = ("INPUT_HEALTH-URL", "https://shop.example.com/healthz");
    assert_eq!(
        named(&rejected(&[url, ("INPUT_WAIT", "false")])),
        ["health-url"]
    );
    assert!(ok(&[url, ("INPUT_WAIT", "true")]).health.is_some());
}

#[test]
fn promote_from_staging_goes_to_prod_only() {
    let promote = [("INPUT_VERSION-ID", ""), ("INPUT_PROMOTE-FROM", "staging")];
    let mut to_prod = promote.to_vec();
    to_prod.push(("INPUT_PUBLISH-ENV", "prod"));
    assert_eq!(
        ok(&to_prod).version,
        esa_engine::deploy::plan::VersionSource::FromStaging
    );
    let mut to_staging = promote.to_vec();
    to_staging.push(("INPUT_PUBLISH-ENV", "staging"));
    assert_eq!(named(&rejected(&to_staging)), ["promote-from"]);
}

#[test]
fn where_the_calls_go_is_checked_an_unknown_ci_system_and_a_host_outside_alibaba_cloud() {
    assert_eq!(
        named(&rejected(&[("INPUT_CI-SYSTEM", "jenkins")])),
        ["ci-system"]
    );
    let outside = ok(&[("INPUT_ENDPOINT", "https://esa.example.com")]);
    let warned: Vec<(&str, &str)> = outside.warnings.iter().map(|w| (w.input, w.code)).collect();
    assert_eq!(warned, [("endpoint", OUTSIDE_ALIBABA_CLOUD)]);
    assert!(!outside.warnings[0].message.contains("replay"));
    // With v2 the signature does not cover the host: the warning says what that allows.
    let v2 = ok(&[
        ("INPUT_ENDPOINT", "https://esa.example.com"),
        ("INPUT_SIGNATURE-VERSION", "v2"),
    ]);
    assert!(
        v2.warnings[0].message.contains("replay"),
        "{:?}",
        v2.warnings
    );
    // Alibaba Cloud's own hosts and loopback are not warned about.
    for quiet in [
        "https://esa.ap-southeast-1.aliyuncs.com",
        "http://127.0.0.1:8080",
    ] {
        assert!(
            ok(&[("INPUT_ENDPOINT", quiet)]).warnings.is_empty(),
            "{quiet}"
        );
    }
}

/// The runner's variables of a job allowed an ID token.
const ID_TOKEN: [(&str, &str); 2] = [
    (
        "ACTIONS_ID_TOKEN_REQUEST_URL",
        "https://token.actions.example/",
    ),
    ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "bearer"),
];

/// The inputs without any key, and `extra` beside them.
fn keyless(extra: &[(&str, &str)]) -> Vec<(&'static str, String)> {
    let mut vars = vec![
        ("INPUT_ACCESS-KEY-ID", String::new()),
        ("INPUT_ACCESS-KEY-SECRET", String::new()),
    ];
    vars.extend(extra.iter().map(|(k, v)| (leak(k), v.to_string())));
    vars
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

fn credentials(vars: &[(&'static str, String)]) -> Result<CredentialPlan, Rejected> {
    let pairs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    parse(&env(&pairs), now()).map(|c| c.credentials)
}

#[test]
fn each_credential_source_is_found_and_named() {
    let inputs = credentials(&keyless(&[
        ("INPUT_ACCESS-KEY-ID", "LTAIinputs"),
        ("INPUT_ACCESS-KEY-SECRET", "secret"),
    ]))
    .unwrap();
    let oidc = credentials(&keyless(&[
        ("INPUT_ROLE-ARN", "acs:ram::1:role/r"),
        ("INPUT_OIDC-PROVIDER-ARN", "acs:ram::1:oidc-provider/github"),
        ID_TOKEN[0],
        ID_TOKEN[1],
    ]))
    .unwrap();
    let from_env = credentials(&keyless(&[
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIenv"),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "secret"),
    ]))
    .unwrap();
    let oidc_env = credentials(&keyless(&[
        ("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/r"),
        (
            "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
            "acs:ram::1:oidc-provider/p",
        ),
        ("ALIBABA_CLOUD_OIDC_TOKEN_FILE", "/var/run/token"),
    ]))
    .unwrap();
    let sources: Vec<&str> = [&inputs, &oidc, &from_env, &oidc_env]
        .iter()
        .map(|c| c.source().map(Source::as_str).unwrap_or_default())
        .collect();
    assert_eq!(sources, ["inputs", "oidc", "env", "oidc-env"]);
    assert!(matches!(&from_env, CredentialPlan::Static(c, _) if c.access_key_id == "LTAIenv"));
    match &oidc {
        CredentialPlan::Exchange(k, _) => {
            assert!(matches!(&k.token, IdToken::GitHub(r) if r.request_url == ID_TOKEN[0].1))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_empty_variable_is_no_credential() {
    // An empty ID-token variable: the job may not request one, and says how to allow it.
    let no_token = credentials(&keyless(&[
        ("INPUT_ROLE-ARN", "acs:ram::1:role/r"),
        ("INPUT_OIDC-PROVIDER-ARN", "acs:ram::1:oidc-provider/github"),
        ID_TOKEN[0],
        ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", ""),
    ]))
    .unwrap_err();
    assert_eq!(no_token.errors[0].code, "MissingIdTokenPermission");
    // Empty AccessKey variables are no AccessKey.
    let empty = credentials(&keyless(&[
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", " "),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", ""),
    ]))
    .unwrap_err();
    assert_eq!(empty.errors[0].code, "MissingCredentials");
}

/// A pull request's event payload in a file, and the variables that point at it.
fn pull_request(number: u64) -> (tempfile::NamedTempFile, Vec<(&'static str, String)>) {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    write!(file, "{{\"pull_request\": {{\"number\": {number}}}}}").unwrap();
    let vars = vec![
        ("INPUT_PR-COMMENT", "true".to_string()),
        ("INPUT_GITHUB-TOKEN", "ghs_token".to_string()),
        ("GITHUB_EVENT_NAME", "pull_request".to_string()),
        ("GITHUB_EVENT_PATH", file.path().display().to_string()),
        ("GITHUB_REPOSITORY", "acme/shop".to_string()),
    ];
    (file, vars)
}

fn comment(vars: &[(&'static str, String)]) -> CommentPlan {
    let pairs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    parse(&env(&pairs), now()).unwrap().comment
}

fn with(
    mut vars: Vec<(&'static str, String)>,
    name: &'static str,
    value: &str,
) -> Vec<(&'static str, String)> {
    vars.retain(|(k, _)| *k != name);
    vars.push((name, value.to_string()));
    vars
}

#[test]
fn a_comment_goes_to_the_pull_request_the_payload_names() {
    let (_file, vars) = pull_request(42);
    let CommentPlan::Write(thread) = comment(&vars) else {
        panic!("{:?}", comment(&vars));
    };
    assert_eq!(
        (thread.number, thread.repository.as_str()),
        (42, "acme/shop")
    );
    assert_eq!(thread.api.as_str(), "https://api.github.com/");
    // An empty GITHUB_API_URL is GitHub's own API.
    let CommentPlan::Write(thread) = comment(&with(vars.clone(), "GITHUB_API_URL", "")) else {
        panic!("no thread with an empty GITHUB_API_URL");
    };
    assert_eq!(thread.api.as_str(), "https://api.github.com/");
    assert_eq!(thread.graphql.as_str(), "https://api.github.com/graphql");
    // The runner's GITHUB_GRAPHQL_URL is the one asked; an empty one is the one beside the API.
    let enterprise = with(
        vars.clone(),
        "GITHUB_API_URL",
        "https://ghe.example.com/api/v3",
    );
    let given = with(
        enterprise.clone(),
        "GITHUB_GRAPHQL_URL",
        "https://graphql.example.com/q",
    );
    let CommentPlan::Write(thread) = comment(&given) else {
        panic!("{:?}", comment(&given));
    };
    assert_eq!(thread.graphql.as_str(), "https://graphql.example.com/q");
    let CommentPlan::Write(thread) = comment(&with(enterprise, "GITHUB_GRAPHQL_URL", "")) else {
        panic!("no thread with an empty GITHUB_GRAPHQL_URL");
    };
    assert_eq!(
        thread.graphql.as_str(),
        "https://ghe.example.com/api/graphql"
    );
    // Off unless asked for.
    assert!(matches!(
        comment(&with(vars, "INPUT_PR-COMMENT", "false")),
        CommentPlan::Off
    ));
}

#[test]
fn a_comment_that_cannot_be_written_says_why() {
    let (_file, vars) = pull_request(42);
    let unavailable = |vars: &[(&'static str, String)]| match comment(vars) {
        CommentPlan::Unavailable(why) => why,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        unavailable(&with(vars.clone(), "GITHUB_EVENT_NAME", "push")),
        NoComment::NotPullRequest("push".into())
    );
    assert_eq!(
        unavailable(&with(vars.clone(), "INPUT_GITHUB-TOKEN", "  ")),
        NoComment::NoToken
    );
    assert_eq!(
        unavailable(&with(vars, "GITHUB_REPOSITORY", "acme")),
        NoComment::NoRepository
    );
}

#[test]
fn a_step_key_under_with_or_settings_is_named_where_it_belongs_at_a_terminal_too() {
    // At a terminal (no CI variables) the spelling says whose step it was written for.
    let message = |var: &str| rejected(&[(var, "x")]).errors[0].message.clone();
    assert!(
        message("PLUGIN_WHEN").contains("beside `settings:`"),
        "{}",
        message("PLUGIN_WHEN")
    );
    assert!(
        message("INPUT_IF").contains("beside `uses:`"),
        "{}",
        message("INPUT_IF")
    );
}

#[test]
fn a_typo_of_a_long_name_is_two_edits_away_at_most() {
    let hint = |var: &str| rejected(&[(var, "20")]).errors[0].message.clone();
    assert!(
        hint("INPUT_PERCNTGE").contains("did you mean `percentage`?"),
        "{}",
        hint("INPUT_PERCNTGE")
    );
    // A short name gets one edit: `wiat` is `wait`, `wt` is nothing.
    assert!(
        hint("INPUT_WIAT").contains("did you mean `wait`?"),
        "{}",
        hint("INPUT_WIAT")
    );
    assert!(!hint("INPUT_WT").contains("`wait`"), "{}", hint("INPUT_WT"));
}

#[test]
fn on_github_a_conflict_of_spellings_says_that_the_declared_one_always_arrives() {
    let r = parse(
        &Env::from_pairs([
            ("GITHUB_ACTIONS", "true"),
            ("INPUT_APP-ID", "app-880688675783790001"),
            ("INPUT_APP_ID", "app-880688675783790002"),
            ("INPUT_VERSION-ID", "ver-879626371616510001"),
            ("INPUT_PUBLISH-ENV", "staging"),
            ("INPUT_DRY-RUN", "true"),
        ]),
        now(),
    )
    .unwrap_err();
    assert!(
        r.errors[0]
            .message
            .contains("The runner passes every declared input"),
        "{r:?}"
    );
}

/// The new version's name on GitHub, made from `image`.
fn made_name(image: &str, extra: &[(&str, &str)]) -> String {
    let mut vars = vec![
        ("INPUT_VERSION-ID", ""),
        ("INPUT_IMAGE", image),
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_REPOSITORY", "acme/shop"),
        ("GITHUB_SHA", "1a2b3c4d5e6f7a8b"),
        ("GITHUB_RUN_ID", "987"),
    ];
    vars.extend_from_slice(extra);
    match ok(&vars).version {
        VersionSource::New { name, .. } => name,
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_new_version_is_named_by_commit_run_and_what_it_is_made_of() {
    let name = made_name("registry.example.com/shop/web:1.0", &[]);
    let (head, hash) = name.rsplit_once('-').unwrap();
    assert_eq!(head, "esa-publish-1a2b3c4-987", "{name}");
    assert!(
        hash.len() == 8 && hash.chars().all(|c| c.is_ascii_hexdigit()),
        "{name}"
    );
    // A re-run of the same run finds the same name; another image, container or base does not.
    assert_eq!(made_name("registry.example.com/shop/web:1.0", &[]), name);
    for other in [
        made_name("registry.example.com/shop/web:1.1", &[]),
        made_name(
            "registry.example.com/shop/web:1.0",
            &[("INPUT_CONTAINER-NAME", "web")],
        ),
        made_name(
            "registry.example.com/shop/web:1.0",
            &[("INPUT_BASE-VERSION", "ver-879626371616510001")],
        ),
    ] {
        assert!(other.starts_with("esa-publish-1a2b3c4-987-"), "{other}");
        assert_ne!(other, name);
    }
    // A name given is used as it is.
    assert_eq!(
        made_name(
            "registry.example.com/shop/web:1.0",
            &[("INPUT_VERSION-NAME", "release-42")]
        ),
        "release-42"
    );
}

#[test]
fn a_version_name_is_6_to_128_characters_on_one_line() {
    let long = "n".repeat(128);
    let too_long = "n".repeat(129);
    edge(
        "INPUT_VERSION-NAME",
        "version-name",
        &["sixsix", &long],
        &["five5", &too_long, "six\tsix", "line\none"],
        &[
            ("INPUT_VERSION-ID", ""),
            ("INPUT_IMAGE", "registry.example.com/shop/web:1.0"),
        ],
    );
}

#[test]
fn a_spec_file_may_be_one_mebibyte_and_not_a_byte_more() {
    let dir = tempfile::tempdir().unwrap();
    let spec = |size: u64| {
        let body = format!(
            "[{}]",
            esa_standin::versions::container("web", "registry.example.com/shop/web:1.0")
        );
        let path = dir.path().join(format!("spec-{size}.json"));
        let padding = " ".repeat(size as usize - body.len());
        std::fs::write(&path, format!("{body}{padding}")).unwrap();
        path.display().to_string()
    };
    let vars = |path: &str| {
        vec![
            ("INPUT_VERSION-ID", String::new()),
            ("INPUT_VERSION-SPEC", path.to_string()),
            ("INPUT_VERSION-NAME", "release-42".to_string()),
        ]
    };
    let at_limit = spec(version::MAX_SPEC_BYTES);
    let pairs = vars(&at_limit);
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert!(matches!(ok(&pairs).version, VersionSource::New { .. }));
    let over = spec(version::MAX_SPEC_BYTES + 1);
    let pairs = vars(&over);
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = rejected(&pairs);
    assert_eq!(named(&r), ["version-spec"]);
    assert!(r.errors[0].message.contains("larger than 1 MiB"), "{r:?}");
}
