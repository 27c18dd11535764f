//! `esa-standin`: runs the local ESA stand-in until stopped, for the demo and for hand testing.
//!
//! Usage: `esa-standin [FLAG VALUE]...`; `esa-standin --help` lists every flag with what it plays
//! (the README's "The stand-in" lists them too).
//! Prints `http://127.0.0.1:PORT` on the first line of stdout once it is listening.

use std::io::Write;

use esa_standin::readings::{AfterFull, Baseline, Deployed};
use esa_standin::{Account, AppHealth, Config, Fault, Oidc, Rollout, StandIn};

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
    let mut audience = None;
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
            "--oidc-audience" => audience = Some(value()),
            "--github-token" => config.github.token = value(),
            "--github-read-only" => config.github.read_only = true,
            "--rollout" => config.rollouts.push(
                rollout(&value()).unwrap_or_else(|| fail("--rollout takes normal, stuck, rollback-after:N, takeover-after:N or crash-loop-after:N")),
            ),
            "--baseline" => {
                config.readings.baseline = Baseline::parse(&value()).unwrap_or_else(|| {
                    fail("--baseline takes publish-base, last-full or last-full-kept")
                })
            }
            "--publishing-after-full" => {
                config.readings.publishing_after_full = AfterFull::parse(&value())
                    .unwrap_or_else(|| fail("--publishing-after-full takes kept or cleared"))
            }
            "--deployed" => {
                config.readings.deployed = Deployed::parse(&value())
                    .unwrap_or_else(|| fail("--deployed takes at-full or at-publish"))
            }
            "--hang" => hangs.push(value()),
            "--stats" => {
                let series = stats_series(&value()).unwrap_or_else(|| fail("--stats takes FIELD=V1,V2,..., e.g. pod_ready_rate=100,80"));
                config.telemetry.series.push(series)
            }
            "--stats-empty" => config.telemetry.empty = true,
            "--stats-error" => config.telemetry.error = Some(Box::leak(value().into_boxed_str())),
            "--stats-lag" => {
                config.telemetry.lag_seconds = value()
                    .parse()
                    .unwrap_or_else(|_| fail("--stats-lag takes a number of seconds"))
            }
            "--stats-spacing" => {
                config.telemetry.spacing_seconds = value()
                    .parse()
                    .ok()
                    .filter(|s| *s > 0)
                    .unwrap_or_else(|| fail("--stats-spacing takes a number of seconds above 0"))
            }
            "--stats-unit" => {
                config.telemetry.fractions = match value().as_str() {
                    "percent" => false,
                    "fraction" => true,
                    _ => fail("--stats-unit takes percent or fraction"),
                }
            }
            "--health" => {
                config.health = AppHealth::parse(&value())
                    .unwrap_or_else(|| fail("--health takes ok, 503, flap or hang"))
            }
            "--help" | "-h" => {
                print!("{}", help());
                return;
            }
            other => fail(&format!("unknown argument {other}")),
        }
    }
    if !apps.is_empty() {
        config.apps = apps;
    }
    match (&mut config.oidc, audience) {
        (Some(oidc), Some(audience)) => oidc.audience = Some(audience),
        (None, Some(_)) => fail("--oidc-audience needs --oidc"),
        _ => {}
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

/// A `--rollout` script: `normal`, `stuck`, `rollback-after:N`, `takeover-after:N`,
/// `crash-loop-after:N`.
fn rollout(text: &str) -> Option<Rollout> {
    let (kind, polls) = match text.split_once(':') {
        Some((kind, n)) => (kind, Some(n.parse().ok()?)),
        None => (text, None),
    };
    Some(match (kind, polls) {
        ("normal", None) => Rollout::Normal,
        ("stuck", None) => Rollout::Stuck,
        ("rollback-after", Some(n)) => Rollout::RollbackAfter(n),
        ("takeover-after", Some(n)) => Rollout::TakeoverAfter(n),
        ("crash-loop-after", Some(n)) => Rollout::CrashLoopAfter(n),
        _ => return None,
    })
}

/// A `--stats` series: `FIELD=V1,V2,...`, each field one of DescribeEdgeContainerAppStats's.
fn stats_series(text: &str) -> Option<(String, Vec<f64>)> {
    let (field, values) = text.split_once('=')?;
    esa_standin::stats::FIELDS
        .iter()
        .find(|(n, _, _)| *n == field)?;
    let values: Option<Vec<f64>> = values.split(',').map(|v| v.trim().parse().ok()).collect();
    Some((field.to_string(), values.filter(|v| !v.is_empty())?))
}

/// `--help`: each flag on its own line, with what it plays.
fn help() -> String {
    format!(
        "usage: esa-standin [FLAG VALUE]...  (prints http://127.0.0.1:PORT when it listens)
  --port N                 listen on this port (default: any free one)
  --app APP_ID             an app that exists (repeatable; default {app})
  --access-key-id ID       the AccessKey ID it accepts (default {id})
  --access-key-secret S    the AccessKey's secret (default {secret})
  --security-token T       an STS token the AccessKey must come with
  --domain HOST            the app's bound domain (GetEdgeContainerApp; `url`)
  --vip IP                 one of staging's addresses (repeatable; `staging-ips`)
  --log-line TEXT          a line of the app's container log (repeatable; GetEdgeContainerLogs)
  --crashing-image IMAGE   a version with this image crash-loops on staging (repeatable)
  --health MODE            the app's health endpoint /_app/healthz: ok, 503, flap or hang
  --oidc BEARER            keyless sign-in for ID-token requests with this bearer
                           (the role {role})
  --oidc-audience AUD      the audience STS accepts (default: GitHub's own)
  --hang ACTION            never answer ACTION (AssumeRoleWithOIDC, CreateEdgeContainerAppVersion)
  --rollout SCRIPT         how the next publish rolls out (repeatable, in order; then normal):
                           normal, stuck, rollback-after:N (the service rolls back after N
                           polls), takeover-after:N (another version takes over),
                           crash-loop-after:N (staging's container crash-loops)
  --stats FIELD=V1,V2,...  DescribeEdgeContainerAppStats: the field's value on each call, in
                           order, the last repeating (repeatable; without it a ready app at a
                           tenth of its limits), e.g. pod_ready_rate=100,100,80
  --stats-empty            DescribeEdgeContainerAppStats answers with no points (no data)
  --stats-error CODE       DescribeEdgeContainerAppStats refuses each call with CODE
  --github-token T         the token GitHub's comment API (/repos/...) takes
  --github-read-only       that token may read comments but not write them (403)
What the service does not document, one reading each (the tests run under each):
  --baseline R             BaseLineVersion: publish-base (set when a publish starts), last-full
                           (the version last served in full, moved by a rollback) or
                           last-full-kept (not moved by a rollback; the default)
  --publishing-after-full R  PublishingVersion once a publish serves 100%: kept (default) or
                           cleared
  --deployed R             DeployedVersion names a new version at-full (default) or at-publish
  --stats-spacing S        DescribeEdgeContainerAppStats: points S seconds apart (default 10)
  --stats-lag S            and a point comes S seconds after its time (default 0)
  --stats-unit U           its rates (pod readiness, CPU and memory of the limit): percent
                           (100 = all, the default) or fraction (1 = all)
",
        app = esa_standin::DEMO_APP_ID,
        id = esa_standin::DEMO_ACCESS_KEY_ID,
        secret = esa_standin::DEMO_ACCESS_KEY_SECRET,
        role = OIDC_ROLE,
    )
}

fn fail(message: &str) -> ! {
    eprintln!("esa-standin: {message}");
    std::process::exit(2);
}
