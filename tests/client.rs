//! The client against a real HTTP server on 127.0.0.1 (the stand-in): signing on the wire, answers, and every kind of bad answer.

use esa_engine::base::error::Error;
use esa_engine::esa::endpoint::parse_endpoint;
use esa_engine::esa::model::{
    PublishEnv, PublishRequest, PublishSettings, PublishType, SignatureVersion,
};
use esa_engine::esa::retry::{Idempotency, Policy};
use esa_publish::base::secret::Secret;
use esa_publish::esa::api::{publish_request, PublishResponse};
use esa_publish::esa::client::Client;
use esa_publish::esa::credentials::Credentials;
use esa_standin::{
    Account, Config, Fault, StandIn, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_APP_ID,
};
use std::time::Duration;

const REMARKS: &str = "deploy 中文 ~*+&=% ok";

fn request(app: &str) -> PublishRequest {
    PublishSettings {
        app_id: app.into(),
        publish_env: PublishEnv::Staging,
        percentage: Some(20),
        start_time: None,
        remarks: Some(REMARKS.into()),
        publish_type: Some(PublishType::Region),
        regions: vec!["jiangsu".into(), "zhejiang".into()],
        full_release: Some(false),
    }
    .request("ver-879626371616510001", Some(20))
}

fn creds(secret: &str, token: Option<&str>) -> Credentials {
    Credentials {
        access_key_id: DEMO_ACCESS_KEY_ID.into(),
        access_key_secret: Secret::new(secret),
        security_token: token.map(Secret::new),
    }
}

fn call(
    standin_url: &str,
    credentials: Credentials,
    version: SignatureVersion,
    app: &str,
) -> Result<Option<String>, Error> {
    let client = Client::new(parse_endpoint(standin_url).unwrap(), credentials, version)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // One attempt: these tests look at each failure itself; retries have tests of their own.
    let policy = Policy {
        max_attempts: 1,
        timeout: Duration::from_secs(20),
    };
    let request = publish_request(&request(app));
    rt.block_on(client.call::<PublishResponse>(
        &request,
        Idempotency::NotIdempotent,
        &policy,
        &mut |_| {},
    ))
    .map(|a| a.body.request_id)
    .map_err(|e| match e {
        Error::Attempts { last, .. } => *last,
        other => other,
    })
}

/// A V3 publish of the demo app with the demo account.
fn call_demo(standin: &StandIn) -> Result<Option<String>, Error> {
    call(
        &standin.url(),
        creds(DEMO_ACCESS_KEY_SECRET, None),
        SignatureVersion::V3,
        DEMO_APP_ID,
    )
}

#[test]
fn both_methods_are_verified_by_the_standin_with_every_parameter_in_place() {
    let standin = StandIn::start(Config::default()).unwrap();
    for version in [SignatureVersion::V3, SignatureVersion::V2] {
        let id = call(
            &standin.url(),
            creds(DEMO_ACCESS_KEY_SECRET, None),
            version,
            DEMO_APP_ID,
        )
        .unwrap();
        let got = standin.requests().pop().unwrap();
        assert_eq!(got.status, 200, "{version:?}: {:?}", got.code);
        assert_eq!(got.signature_method.as_deref(), Some(version.as_str()));
        assert_eq!(id.as_deref(), Some(got.request_id.as_str()));
        assert_eq!(got.body_params["Remarks"], REMARKS);
        assert_eq!(got.body_params["AppId"], DEMO_APP_ID);
        assert_eq!(got.body_params["Percentage"], "20");
        assert_eq!(got.query_params["Regions"], r#"["jiangsu","zhejiang"]"#);
        assert_eq!(got.query_params["FullRelease"], "false");
        assert!(got
            .header("user-agent")
            .unwrap()
            .starts_with("esa-publish/"));
    }
}

#[test]
fn sts_tokens_travel_with_both_methods() {
    let standin = StandIn::start(Config {
        accounts: vec![Account {
            access_key_id: DEMO_ACCESS_KEY_ID.into(),
            access_key_secret: DEMO_ACCESS_KEY_SECRET.into(),
            security_token: Some("CAIS-sts-token/+=".into()),
        }],
        ..Config::default()
    })
    .unwrap();
    call(
        &standin.url(),
        creds(DEMO_ACCESS_KEY_SECRET, Some("CAIS-sts-token/+=")),
        SignatureVersion::V3,
        DEMO_APP_ID,
    )
    .unwrap();
    assert_eq!(
        standin.requests()[0].header("x-acs-security-token"),
        Some("CAIS-sts-token/+=")
    );
    call(
        &standin.url(),
        creds(DEMO_ACCESS_KEY_SECRET, Some("CAIS-sts-token/+=")),
        SignatureVersion::V2,
        DEMO_APP_ID,
    )
    .unwrap();
    assert!(standin.requests()[1]
        .query
        .contains("SecurityToken=CAIS-sts-token%2F%2B%3D"));
    // Without the token the stand-in refuses, as the service does.
    let e = call_demo(&standin).unwrap_err();
    assert_eq!(e.title(), "InvalidSecurityToken.MismatchWithAccessKey");
}

#[test]
fn every_call_has_a_fresh_nonce() {
    let standin = StandIn::start(Config::default()).unwrap();
    for _ in 0..3 {
        call_demo(&standin).unwrap();
    }
    let nonces: std::collections::BTreeSet<String> = standin
        .requests()
        .iter()
        .map(|r| r.header("x-acs-signature-nonce").unwrap().to_string())
        .collect();
    assert_eq!(nonces.len(), 3);
}

#[test]
fn api_errors_carry_code_message_status_and_request_id() {
    let standin = StandIn::start(Config::default()).unwrap();
    let e = call(
        &standin.url(),
        creds(DEMO_ACCESS_KEY_SECRET, None),
        SignatureVersion::V3,
        "app-000000000000000404",
    )
    .unwrap_err();
    let Error::Api(api) = &e else { panic!("{e:?}") };
    assert_eq!(
        (api.status, api.code.as_str()),
        (404, "InvalidApp.NotFound")
    );
    assert_eq!(
        e.request_id(),
        Some(standin.requests()[0].request_id.as_str())
    );
    assert!(!esa_engine::esa::retry::transient(&e));
    let text = e.to_string();
    assert!(
        text.contains("HTTP 404") && text.contains(&standin.requests()[0].request_id),
        "{text}"
    );

    let e = call(
        &standin.url(),
        creds("not-the-secret", None),
        SignatureVersion::V2,
        DEMO_APP_ID,
    )
    .unwrap_err();
    assert_eq!(e.title(), "SignatureDoesNotMatch");
    // The advice that follows the message names the input.
    let advice = esa_publish::words::remedy::remedy(&e).unwrap_or_default();
    assert!(advice.contains("access-key-secret"), "{advice}");
}

fn fault(status: u16, content_type: &str, body: &str) -> Fault {
    Fault::respond(status, content_type, body)
}

#[test]
fn answers_that_are_not_the_apis_json_are_errors_that_show_status_and_body() {
    let standin = StandIn::start(Config::default()).unwrap();
    let cases: Vec<(Fault, &str, &str)> = vec![
        (
            fault(
                502,
                "text/html",
                "<html><body><h1>502 Bad Gateway</h1></body></html>",
            ),
            "HTTP 502 with an HTML page",
            "502 Bad Gateway",
        ),
        (
            fault(200, "text/plain", "OK"),
            "HTTP 200 with 2 bytes that are not the expected JSON",
            "OK",
        ),
        (
            fault(500, "application/json", ""),
            "HTTP 500 with an empty body",
            "",
        ),
        (
            fault(200, "application/json", "[1,2]"),
            "HTTP 200 with 5 bytes",
            "[1,2]",
        ),
    ];
    for (f, what, body_start) in cases {
        standin.push_fault(f);
        let e = call_demo(&standin).unwrap_err();
        assert_eq!(e.title(), "UnexpectedResponse");
        let text = e.to_string();
        assert!(text.contains(what) && text.contains(body_start), "{text}");
    }
}

#[test]
fn a_body_over_one_mebibyte_is_refused_without_reading_it_all() {
    let standin = StandIn::start(Config::default()).unwrap();
    standin.push_fault(fault(200, "application/json", &"x".repeat(2 * 1024 * 1024)));
    let e = call_demo(&standin).unwrap_err();
    assert_eq!(e.title(), "AnswerTooLarge");
    assert!(
        e.to_string()
            .contains("is larger than the 1024 KiB esa-publish reads (2048 KiB)"),
        "{e}"
    );
}

#[test]
fn connection_refused_is_a_network_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let e = call(
        &format!("http://127.0.0.1:{port}"),
        creds("s", None),
        SignatureVersion::V3,
        DEMO_APP_ID,
    )
    .unwrap_err();
    assert_eq!(e.title(), "NetworkError");
    assert!(esa_engine::esa::retry::transient(&e));
    assert!(e.to_string().contains(&format!("127.0.0.1:{port}")), "{e}");
}

#[test]
fn https_to_a_plain_server_fails_and_never_falls_back() {
    let standin = StandIn::start(Config::default()).unwrap();
    let url = standin.url().replace("http://", "https://");
    let e = call(
        &url,
        creds(DEMO_ACCESS_KEY_SECRET, None),
        SignatureVersion::V3,
        DEMO_APP_ID,
    )
    .unwrap_err();
    assert_eq!(e.title(), "NetworkError", "{e}");
    assert!(standin.requests().is_empty());
}
