//! `esa-standin`: runs the local ESA stand-in until stopped, for the demo and for hand testing.
//!
//! Usage: `esa-standin [--port N] [--app APP_ID]... [--access-key-id ID --access-key-secret S [--security-token T]]
//! [--domain HOST] [--vip IP]... [--log-line TEXT]... [--crashing-image IMAGE]... [--oidc BEARER]
//! [--hang ACTION]...`
//! Prints `http://127.0.0.1:PORT` on the first line of stdout once it is listening.

use std::io::Write;

use esa_standin::{Account, Config, Fault, Oidc, StandIn};

/// The role and provider `--oidc` accepts, and the STS credentials it hands out.
const OIDC_ROLE: &str = "acs:ram::123456789012:role/esa-publisher";
const OIDC_PROVIDER: &str = "acs:ram::123456789012:oidc-provider/github";

/// Keyless sign-in for a job whose ID-token request carries `bearer`.
fn oidc(bearer: String) -> Oidc {
    Oidc {
        bearer,
        id_token: "eyJhbGciOiJSUzI1NiJ9.standin.c2ln".into(),
        audience: None,
        role_arn: OIDC_ROLE.into(),
        provider_arn: OIDC_PROVIDER.into(),
        issued: Account {
            access_key_id: "STS.standinKey".into(),
            access_key_secret: "standin-sts-secret".into(),
            security_token: Some("standin-sts-token".into()),
        },
    }
}

fn main() {
    let mut config = Config::default();
    let mut port = 0u16;
    let mut apps = Vec::new();
    let mut hangs = Vec::new();
    let (mut id, mut secret, mut token) = (None, None, None);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || match args.next() {
            Some(v) => v,
            None => fail(&format!("{arg} needs a value")),
        };
        match arg.as_str() {
            "--port" => {
                port = value()
                    .parse()
                    .unwrap_or_else(|_| fail("--port takes a number"))
            }
            "--app" => apps.push(value()),
            "--access-key-id" => id = Some(value()),
            "--access-key-secret" => secret = Some(value()),
            "--security-token" => token = Some(value()),
            "--domain" => config.app.domain = value(),
            "--vip" => config.app.vips.push(value()),
            "--log-line" => config.app.log.push(value()),
            "--crashing-image" => config.crashing_images.push(value()),
            "--oidc" => config.oidc = Some(oidc(value())),
            "--hang" => hangs.push(value()),
            "--help" | "-h" => {
                println!("usage: esa-standin [--port N] [--app APP_ID]... [--access-key-id ID --access-key-secret SECRET [--security-token TOKEN]]");
                println!("       [--domain HOST] [--vip IP]... [--log-line TEXT]... [--crashing-image IMAGE]...");
                println!("       [--oidc BEARER] [--hang ACTION]...");
                println!("--oidc BEARER: keyless sign-in for ID-token requests with this bearer ({OIDC_ROLE}, {OIDC_PROVIDER})");
                println!("--hang ACTION: never answer ACTION (AssumeRoleWithOIDC, GitHubIdToken, CreateEdgeContainerAppVersion, …)");
                println!(
                    "defaults: app {}, AccessKey {} / {}",
                    esa_standin::DEMO_APP_ID,
                    esa_standin::DEMO_ACCESS_KEY_ID,
                    esa_standin::DEMO_ACCESS_KEY_SECRET
                );
                return;
            }
            other => fail(&format!("unknown argument {other}")),
        }
    }
    if !apps.is_empty() {
        config.apps = apps;
    }
    match (id, secret) {
        (Some(access_key_id), Some(access_key_secret)) => {
            config.accounts = vec![Account {
                access_key_id,
                access_key_secret,
                security_token: token,
            }]
        }
        (None, None) => {}
        _ => fail("--access-key-id and --access-key-secret go together"),
    }
    let standin = StandIn::start_on(config, port)
        .unwrap_or_else(|e| fail(&format!("cannot listen on 127.0.0.1:{port}: {e}")));
    for action in hangs {
        standin.push_faults_on(&action, Fault::Hang, 10_000);
    }
    println!("{}", standin.url());
    let _ = std::io::stdout().flush();
    standin.wait();
}

fn fail(message: &str) -> ! {
    eprintln!("esa-standin: {message}");
    std::process::exit(2);
}
