//! The credential chain end to end: each source, the precedence order, keyless OIDC sign-in through the stand-in's GitHub ID-token and STS endpoints, STS refusals, and a canary that must leak nowhere.

mod support;

use esa_standin::{
    Account, Config, Fault, Oidc, StandIn, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_APP_ID,
};
use support::{run_binary, Run};

const ROLE: &str = "acs:ram::123456789012:role/esa-publisher";
const PROVIDER: &str = "acs:ram::123456789012:oidc-provider/github";
const BEARER: &str = "CANARY-bearer-51c0";
const ID_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.CANARY-idtoken-7d2e.c2ln";
const STS_ID: &str = "STS.CANARYkeyid4f1a";
const STS_SECRET: &str = "CANARY-sts-secret-8b3c";
const STS_TOKEN: &str = "CANARY-sts-token-CAIS+/=9e";
const CANARIES: &[&str] = &[
    BEARER,
    "CANARY-idtoken-7d2e",
    STS_ID,
    STS_SECRET,
    STS_TOKEN,
    DEMO_ACCESS_KEY_SECRET,
];

/// One variable to set (an empty value unsets it).
type Change<'a> = (&'a str, &'a str);
type Changes<'a> = Vec<Change<'a>>;

fn standin(audience: Option<&str>) -> StandIn {
    StandIn::start(Config {
        oidc: Some(Oidc {
            bearer: BEARER.into(),
            id_token: ID_TOKEN.into(),
            audience: audience.map(str::to_string),
            role_arn: ROLE.into(),
            provider_arn: PROVIDER.into(),
            issued: Account {
                access_key_id: STS_ID.into(),
                access_key_secret: STS_SECRET.into(),
                security_token: Some(STS_TOKEN.into()),
            },
        }),
        ..Config::default()
    })
    .unwrap()
}

/// A publish with keyless inputs, against the stand-in for ESA, STS and GitHub.
fn oidc_vars(url: &str) -> Vec<(String, String)> {
    [
        ("INPUT_APP-ID", DEMO_APP_ID),
        ("INPUT_VERSION-ID", "ver-879626371616510001"),
        ("INPUT_PUBLISH-ENV", "staging"),
        ("INPUT_ENDPOINT", url),
        ("INPUT_STS-ENDPOINT", url),
        ("INPUT_ROLE-ARN", ROLE),
        ("INPUT_OIDC-PROVIDER-ARN", PROVIDER),
        ("INPUT_AUDIENCE", "sts.aliyuncs.com"),
        ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", BEARER),
        ("GITHUB_REPOSITORY", "acme/shop"),
        ("GITHUB_RUN_ID", "4242"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .chain([(
        "ACTIONS_ID_TOKEN_REQUEST_URL".to_string(),
        format!("{url}/_github/idtoken?api-version=2.0"),
    )])
    .collect()
}

fn with(mut vars: Vec<(String, String)>, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    for (k, v) in changes {
        vars.retain(|(name, _)| name != k);
        if !v.is_empty() {
            vars.push((k.to_string(), v.to_string()));
        }
    }
    vars
}

fn run(vars: &[(String, String)]) -> Run {
    let pairs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let run = run_binary(&pairs);
    let all = run.everything();
    for canary in CANARIES {
        assert!(!all.contains(canary), "canary {canary} leaked:\n{all}");
    }
    run
}

#[test]
fn keyless_sign_in_publishes_with_the_sts_credentials_for_v3_and_v2() {
    let s = standin(Some("sts.aliyuncs.com"));
    for version in ["v3", "v2"] {
        let before = s.requests().len();
        let r = run(&with(
            oidc_vars(&s.url()),
            &[("INPUT_SIGNATURE-VERSION", version), ("RUNNER_DEBUG", "1")],
        ));
        assert_eq!(r.code, 0, "{version}: {}", r.stdout);
        let got = &s.requests()[before..];
        let actions: Vec<_> = got
            .iter()
            .map(|g| g.action.clone().unwrap_or_default())
            .collect();
        assert_eq!(
            actions,
            [
                "GitHubIdToken",
                "AssumeRoleWithOIDC",
                "GetEdgeContainerAppVersion",
                "GetEdgeContainerAppStatus",
                "PublishEdgeContainerAppVersion",
                // Then where it runs: the app's domain, staging's addresses.
                "GetEdgeContainerApp",
                "GetEdgeContainerStagingDeployStatus"
            ]
        );
        assert_eq!(got[0].query_params["audience"], "sts.aliyuncs.com");
        let sts = &got[1].query_params;
        assert_eq!(
            (sts["RoleArn"].as_str(), sts["OIDCProviderArn"].as_str()),
            (ROLE, PROVIDER)
        );
        assert_eq!(sts["OIDCToken"], format!("{ID_TOKEN}.sts.aliyuncs.com"));
        assert_eq!(
            (
                sts["DurationSeconds"].as_str(),
                sts["RoleSessionName"].as_str()
            ),
            ("3600", "esa-publish-acme.shop-4242")
        );
        assert_eq!(got[3].status, 200, "{:?}", got[3].code);
        match version {
            "v3" => assert_eq!(got[3].header("x-acs-security-token"), Some(STS_TOKEN)),
            _ => assert!(
                got[3]
                    .query
                    .contains("SecurityToken=CANARY-sts-token-CAIS%2B%2F%3D9e"),
                "{}",
                got[3].query
            ),
        }
        assert_eq!(r.outputs()["credential-source"], "oidc");
        assert!(
            r.summary.contains("| Credentials | oidc |"),
            "{}",
            r.summary
        );
        // Every credential obtained at run time is masked before anything else is said of it.
        let masked = r.masked();
        for value in [
            &format!("{ID_TOKEN}.sts.aliyuncs.com")[..],
            STS_ID,
            STS_SECRET,
            STS_TOKEN,
        ] {
            assert!(
                masked.iter().any(|m| m == value),
                "{value} was not masked: {masked:?}"
            );
        }
        let lines: Vec<&str> = r.stdout.lines().collect();
        let last_mask = lines
            .iter()
            .rposition(|l| l.starts_with("::add-mask::"))
            .unwrap();
        let signed_in = lines
            .iter()
            .position(|l| l.starts_with("signed in as"))
            .unwrap();
        assert!(last_mask < signed_in);
        assert!(r.env_file.is_empty(), "nothing exported unless asked");
    }
}

#[test]
fn sources_and_their_precedence() {
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, format!("{ID_TOKEN}.sts.aliyuncs.com\n")).unwrap();
    let keys = [
        ("INPUT_ACCESS-KEY-ID", DEMO_ACCESS_KEY_ID),
        ("INPUT_ACCESS-KEY-SECRET", DEMO_ACCESS_KEY_SECRET),
    ];
    let env_keys = [
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", DEMO_ACCESS_KEY_ID),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", DEMO_ACCESS_KEY_SECRET),
    ];
    let no_oidc = [("INPUT_ROLE-ARN", ""), ("INPUT_OIDC-PROVIDER-ARN", "")];
    let env_oidc = [
        ("ALIBABA_CLOUD_ROLE_ARN", ROLE),
        ("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", PROVIDER),
        (
            "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
            token_file.to_str().unwrap(),
        ),
        ("ALIBABA_CLOUD_ROLE_SESSION_NAME", "from-env-session"),
    ];
    // (variables changed, the source expected, requests the stand-in receives: the ID token and
    // STS calls, if any, then the status read of the publish lock and the publish)
    let cases: Vec<(Changes, &str, usize)> = vec![
        // inputs beat keyless inputs: no STS call
        ([&keys[..], &env_keys[..]].concat(), "inputs", 2),
        // keyless inputs beat the environment
        (env_keys.to_vec(), "oidc", 4),
        // the environment's keys, in each spelling, beat the environment's OIDC
        (
            [&no_oidc[..], &env_keys[..], &env_oidc[..]].concat(),
            "env",
            2,
        ),
        (
            [
                &no_oidc[..],
                &[
                    ("ALICLOUD_ACCESS_KEY", DEMO_ACCESS_KEY_ID),
                    ("ALICLOUD_SECRET_KEY", DEMO_ACCESS_KEY_SECRET),
                ][..],
            ]
            .concat(),
            "env",
            2,
        ),
        (
            [
                &no_oidc[..],
                &[
                    ("ALIBABACLOUD_ACCESS_KEY_ID", DEMO_ACCESS_KEY_ID),
                    ("ALIBABACLOUD_ACCESS_KEY_SECRET", DEMO_ACCESS_KEY_SECRET),
                ][..],
            ]
            .concat(),
            "env",
            2,
        ),
        // the environment's OIDC, as the official SDK reads it: the token from a file
        ([&no_oidc[..], &env_oidc[..]].concat(), "oidc-env", 3),
    ];
    for (changes, source, requests) in cases {
        // A stand-in of its own: a second publish of the same version that serves in full
        // already would be unchanged, with no publish.
        let s = standin(Some("sts.aliyuncs.com"));
        let before = s.requests().len();
        let r = run(&with(oidc_vars(&s.url()), &changes));
        assert_eq!(r.code, 0, "{source}: {}", r.stdout);
        assert_eq!(r.outputs()["credential-source"], source, "{changes:?}");
        let got = &s.requests()[before..];
        // Each success reads the version given by ID first, and ends with where it runs: the
        // app's domain, staging's addresses.
        assert_eq!(
            got.len(),
            requests + 3,
            "{source}: {:?}",
            got.iter().map(|g| &g.action).collect::<Vec<_>>()
        );
        assert_eq!(got.last().unwrap().status, 200);
        if source == "oidc-env" {
            assert_eq!(got[0].query_params["RoleSessionName"], "from-env-session");
            assert_eq!(
                got[0].query_params["OIDCToken"],
                format!("{ID_TOKEN}.sts.aliyuncs.com")
            );
        }
    }
}

#[test]
fn keyless_without_id_token_permission_says_what_to_add() {
    let s = standin(None);
    let r = run(&with(
        oidc_vars(&s.url()),
        &[
            ("ACTIONS_ID_TOKEN_REQUEST_URL", ""),
            ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", ""),
        ],
    ));
    assert_eq!(r.code, 1);
    let e = &r.errors()[0];
    assert_eq!(e.properties["title"], "MissingIdTokenPermission");
    assert!(
        e.data.contains("permissions: id-token: write"),
        "{}",
        e.data
    );
    assert!(s.requests().is_empty());
}

#[test]
fn no_credentials_at_all_is_one_error_listing_every_way() {
    let s = standin(None);
    let r = run(&with(
        oidc_vars(&s.url()),
        &[("INPUT_ROLE-ARN", ""), ("INPUT_OIDC-PROVIDER-ARN", "")],
    ));
    assert_eq!(r.code, 1);
    let errors = r.errors();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].properties["title"], "MissingCredentials");
    for way in [
        "access-key-id",
        "role-arn",
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
        "id-token: write",
    ] {
        assert!(
            errors[0].data.contains(way),
            "{way} missing from: {}",
            errors[0].data
        );
    }
}

#[test]
fn sts_refusals_fail_at_once_with_code_message_request_id_and_a_hint() {
    // (variables changed, STS code, STS message, the hint's key words)
    let cases: &[(&[Change], &str, &str, &str)] = &[
        (
            &[("INPUT_AUDIENCE", "wrong-audience")],
            "AuthenticationFail.OIDCToken.AudienceNotMatch",
            "Invalid audience.",
            "client IDs",
        ),
        (
            &[("INPUT_ROLE-ARN", "acs:ram::123456789012:role/nope")],
            "EntityNotExist.Role",
            "The role not exists.",
            "`role-arn`",
        ),
        (
            &[("INPUT_OIDC-PROVIDER-ARN", "acs:ram::1:oidc-provider/other")],
            "AuthenticationFail.NoPermission",
            "No such OIDC Provider",
            "trust policy",
        ),
    ];
    for (changes, code, message, hint) in cases {
        let s = standin(Some("sts.aliyuncs.com"));
        let r = run(&with(
            with(oidc_vars(&s.url()), changes),
            &[("RUNNER_DEBUG", "1")],
        ));
        assert_eq!(r.code, 1, "{code}");
        let errors = r.errors();
        assert_eq!(errors.len(), 1, "{}", r.stdout);
        assert_eq!(errors[0].properties["title"], *code);
        let sts = s
            .requests()
            .into_iter()
            .filter(|g| g.action.as_deref() == Some("AssumeRoleWithOIDC"))
            .collect::<Vec<_>>();
        assert_eq!(sts.len(), 1, "a refusal is not retried");
        for part in [*message, sts[0].request_id.as_str(), *hint, "1 attempt;"] {
            assert!(
                errors[0].data.contains(part),
                "{code}: missing {part:?} in {}",
                errors[0].data
            );
        }
        assert!(s
            .requests()
            .iter()
            .all(|g| g.action.as_deref() != Some("PublishEdgeContainerAppVersion")));
    }
}

#[test]
fn a_transient_id_token_failure_is_retried() {
    let s = standin(Some("sts.aliyuncs.com"));
    s.push_faults_on(
        "GitHubIdToken",
        Fault::respond(503, "text/plain", "unavailable"),
        1,
    );
    let r = run(&oidc_vars(&s.url()));
    assert_eq!(r.code, 0, "{}", r.stdout);
    let actions: Vec<_> = s
        .requests()
        .iter()
        .map(|g| g.action.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        actions,
        [
            "GitHubIdToken",
            "GitHubIdToken",
            "AssumeRoleWithOIDC",
            "GetEdgeContainerAppVersion",
            "GetEdgeContainerAppStatus",
            "PublishEdgeContainerAppVersion",
            "GetEdgeContainerApp",
            "GetEdgeContainerStagingDeployStatus"
        ]
    );
    assert!(
        r.stdout
            .contains("attempt 1/4 failed (IdTokenRequestFailed)"),
        "{}",
        r.stdout
    );
}

#[test]
fn credentials_are_exported_only_when_asked() {
    let s = standin(Some("sts.aliyuncs.com"));
    let pairs = with(oidc_vars(&s.url()), &[("INPUT_EXPORT-CREDENTIALS", "true")]);
    let borrowed: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = run_binary(&borrowed);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let exported = support::parse_outputs(&r.env_file).unwrap();
    assert_eq!(exported["ALIBABA_CLOUD_ACCESS_KEY_ID"], STS_ID);
    assert_eq!(exported["ALIBABA_CLOUD_ACCESS_KEY_SECRET"], STS_SECRET);
    assert_eq!(exported["ALIBABA_CLOUD_SECURITY_TOKEN"], STS_TOKEN);
    let masked = r.masked();
    assert!([STS_ID, STS_SECRET, STS_TOKEN]
        .iter()
        .all(|v| masked.iter().any(|m| m == v)));
    let stdout: String = r
        .stdout
        .lines()
        .filter(|l| !l.starts_with("::add-mask::"))
        .collect();
    assert!(!stdout.contains(STS_SECRET) && !stdout.contains(STS_TOKEN));
}

#[test]
fn a_dry_run_names_the_source_and_calls_nothing() {
    let s = standin(Some("sts.aliyuncs.com"));
    let r = run(&with(
        oidc_vars(&s.url()),
        &[("INPUT_DRY-RUN", "true"), ("RUNNER_DEBUG", "1")],
    ));
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(s.requests().is_empty(), "no ID token, no STS, no publish");
    assert_eq!(r.outputs()["credential-source"], "oidc");
    assert!(r.stdout.contains("would sign in as acs:ram::123456789012:role/esa-publisher through STS AssumeRoleWithOIDC"), "{}", r.stdout);
}

#[test]
fn the_canary_leaks_nowhere_on_any_path() {
    let s = standin(Some("sts.aliyuncs.com"));
    let url = s.url();
    let inputs_keys = [
        ("INPUT_ROLE-ARN", ""),
        ("INPUT_OIDC-PROVIDER-ARN", ""),
        ("INPUT_ACCESS-KEY-ID", DEMO_ACCESS_KEY_ID),
        ("INPUT_ACCESS-KEY-SECRET", DEMO_ACCESS_KEY_SECRET),
    ];
    let paths: Vec<Vec<(&str, &str)>> = vec![
        vec![],                                           // keyless success
        vec![("INPUT_APP-ID", "app-000000000000000404")], // API error after sign-in
        vec![("INPUT_AUDIENCE", "wrong")],                // STS refusal
        vec![("INPUT_DRY-RUN", "true")],                  // dry run
        inputs_keys.to_vec(),                             // static keys, success
        [
            &inputs_keys[..],
            &[("INPUT_APP-ID", "app-000000000000000404")][..],
        ]
        .concat(), // static keys, API error
        [
            &inputs_keys[..],
            &[
                ("INPUT_SIGNATURE-VERSION", "v2"),
                ("INPUT_ACCESS-KEY-SECRET", "CANARY-wrong-secret"),
            ][..],
        ]
        .concat(),
    ];
    for changes in paths {
        let changes = [&changes[..], &[("RUNNER_DEBUG", "1")][..]].concat();
        // `run` greps stdout (less the add-mask lines), stderr, outputs, summary and GITHUB_ENV.
        let r = run(&with(oidc_vars(&url), &changes));
        assert!(!r.everything().contains("CANARY-wrong-secret"));
        assert!(r.code == 0 || !r.errors().is_empty(), "{changes:?}");
    }
}
