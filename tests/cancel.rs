//! The runner's cancel, with the binary as PID 1 of its own PID namespace, as in the Docker action's container: a SIGINT during sign-in, during the version's creation and during a bake ends the run within 2 s, says where it stood, and nothing is published after it.
//!
//! A PID 1 without handlers ignores SIGINT and SIGTERM. `unshare --pid --fork` makes the same
//! namespace without Docker; it needs root or user namespaces. Where it is missing the tests
//! say so on stderr and pass without running, unless `ESA_PUBLISH_REQUIRE_NAMESPACES=1` (which
//! `.ci/run` sets where `unshare` works) makes that a failure.

mod support;

use std::io::Read;
use std::time::{Duration, Instant};

use esa_hosts::container;
use esa_standin::{
    Account, Config, Fault, Oidc, StandIn, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_APP_ID,
};
use support::Run;

const ROLE: &str = "acs:ram::123456789012:role/esa-publisher";
const PROVIDER: &str = "acs:ram::123456789012:oidc-provider/github";
const BEARER: &str = "bearer-for-the-cancel-test";

/// How long a cancelled run may take to end: the runner sends SIGTERM 7.5 s after SIGINT and
/// kills the client 2.5 s later, leaving a container that ignored both running.
const WITHIN: Duration = Duration::from_secs(2);

/// Whether this machine can run the binary as PID 1; a skip is said, or refused when required.
fn can_run_as_pid1(test: &str) -> bool {
    match container::available() {
        Ok(()) => true,
        Err(why) if std::env::var("ESA_PUBLISH_REQUIRE_NAMESPACES").as_deref() == Ok("1") => {
            panic!("{test}: ESA_PUBLISH_REQUIRE_NAMESPACES=1, but {why}")
        }
        Err(why) => {
            eprintln!("{test}: SKIPPED, not run: {why}");
            false
        }
    }
}

fn standin() -> StandIn {
    StandIn::start(Config {
        oidc: Some(Oidc {
            bearer: BEARER.into(),
            id_token: "eyJhbGciOiJSUzI1NiJ9.cancel.c2ln".into(),
            audience: None,
            role_arn: ROLE.into(),
            provider_arn: PROVIDER.into(),
            issued: Account {
                access_key_id: "STS.cancelkey".into(),
                access_key_secret: "sts-secret-cancel".into(),
                security_token: Some("sts-token-cancel".into()),
            },
        }),
        ..Config::default()
    })
    .unwrap()
}

/// What a cancelled run left, and what the stand-in saw after the signal.
struct Cancelled {
    run: Run,
    /// The actions the stand-in received after the signal was sent.
    after: Vec<String>,
}

/// Starts the step as PID 1, waits until the stand-in has received `until` (an action, this
/// many times), lets `settle` pass, sends SIGINT to PID 1, and requires the run to end within
/// [`WITHIN`].
fn cancel_when(
    s: &StandIn,
    vars: &[(&str, &str)],
    (until, times): (&str, usize),
    settle: Duration,
) -> Cancelled {
    let prepared = support::docker_step(vars).prepare(&support::binary());
    let mut child = container::as_pid1(&prepared.command())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = stdout.read_to_end(&mut text);
        text
    });
    let pid = container::child_of(&child).expect("unshare started no child");
    let deadline = Instant::now() + Duration::from_secs(20);
    while s.requests_of(until).len() < times {
        assert!(Instant::now() < deadline, "{until} was never called");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(settle);
    let seen = s.requests().len();
    assert!(container::signal(pid, "INT"), "kill -INT {pid} failed");
    let sent = Instant::now();
    let status = container::wait_within(&mut child, WITHIN);
    let took = sent.elapsed();
    let stdout = String::from_utf8_lossy(&reader.join().unwrap()).into_owned();
    let status = status.unwrap_or_else(|| {
        panic!("still running {WITHIN:?} after SIGINT as PID 1 (killed):\n{stdout}")
    });
    eprintln!("ended {took:?} after SIGINT");
    let run = prepared.finish(std::process::Output {
        status,
        stdout: stdout.into_bytes(),
        stderr: Vec::new(),
    });
    let after = s.requests()[seen..]
        .iter()
        .map(|r| r.action.clone().unwrap_or_default())
        .collect();
    Cancelled { run, after }
}

/// The run failed as cancelled, once, with `words`, and `stopped-at` says `stood`.
fn assert_cancelled(c: &Cancelled, words: &str, stood: &str) {
    let run = &c.run;
    assert_ne!(run.code, 0, "{}", run.stdout);
    let errors = run.errors();
    assert_eq!(errors.len(), 1, "{}", run.stdout);
    assert_eq!(errors[0].properties["title"], "Cancelled");
    assert!(errors[0].data.contains(words), "{}", run.stdout);
    assert!(run.stdout.contains("SIGINT received"), "{}", run.stdout);
    assert_eq!(run.outputs()["stopped-at"], stood, "{}", run.outputs_raw);
    assert!(run.summary.contains(words), "{}", run.summary);
    assert!(
        !c.after.iter().any(|a| a.starts_with("Publish")),
        "published after the signal: {:?}",
        c.after
    );
}

#[test]
fn a_cancel_during_keyless_sign_in_stops_pid_1_before_any_call_to_esa() {
    if !can_run_as_pid1("sign-in") {
        return;
    }
    let s = standin();
    s.push_faults_on("AssumeRoleWithOIDC", Fault::Hang, 1);
    let url = s.url();
    let token_url = format!("{url}/_github/idtoken?api-version=2.0");
    let vars = [
        ("INPUT_APP-ID", DEMO_APP_ID),
        ("INPUT_VERSION-ID", "ver-879626371616510001"),
        ("INPUT_PUBLISH-ENV", "staging"),
        ("INPUT_ENDPOINT", url.as_str()),
        ("INPUT_STS-ENDPOINT", url.as_str()),
        ("INPUT_ROLE-ARN", ROLE),
        ("INPUT_OIDC-PROVIDER-ARN", PROVIDER),
        ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", BEARER),
        ("ACTIONS_ID_TOKEN_REQUEST_URL", token_url.as_str()),
    ];
    let c = cancel_when(
        &s,
        &vars,
        ("AssumeRoleWithOIDC", 1),
        Duration::from_millis(200),
    );
    assert_cancelled(&c, "cancelled during sign-in", "sign-in");
    assert!(c.after.is_empty(), "calls after the signal: {:?}", c.after);
    assert!(s.requests().iter().all(|r| !r
        .action
        .as_deref()
        .unwrap_or("")
        .contains("EdgeContainer")));
}

/// A deploy with AccessKeys, polling fast.
fn keyed<'a>(url: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut vars = vec![
        ("INPUT_APP-ID", DEMO_APP_ID),
        ("INPUT_ACCESS-KEY-ID", DEMO_ACCESS_KEY_ID),
        ("INPUT_ACCESS-KEY-SECRET", DEMO_ACCESS_KEY_SECRET),
        ("INPUT_ENDPOINT", url),
        ("INPUT_POLL-INTERVAL", "100ms"),
    ];
    vars.extend_from_slice(extra);
    vars
}

#[test]
fn a_cancel_while_the_version_is_made_stops_pid_1_and_publishes_nothing() {
    if !can_run_as_pid1("version") {
        return;
    }
    let s = standin();
    s.push_faults_on("CreateEdgeContainerAppVersion", Fault::Hang, 1);
    let url = s.url();
    let vars = keyed(
        &url,
        &[
            ("INPUT_IMAGE", "registry.example.com/shop/web:2.0.0"),
            ("INPUT_PUBLISH-ENV", "prod"),
        ],
    );
    let c = cancel_when(
        &s,
        &vars,
        ("CreateEdgeContainerAppVersion", 1),
        Duration::from_millis(200),
    );
    assert_cancelled(
        &c,
        "cancelled while finding or making the version",
        "version",
    );
    assert!(s.publishes().is_empty());
}

#[test]
fn a_cancel_during_a_bake_stops_pid_1_and_leaves_the_step_in_place() {
    if !can_run_as_pid1("bake") {
        return;
    }
    let s = standin();
    let url = s.url();
    let vars = keyed(
        &url,
        &[
            ("INPUT_VERSION-ID", "ver-879626371616510002"),
            ("INPUT_PUBLISH-ENV", "prod"),
            ("INPUT_PERCENTAGE-STEPS", "10,100"),
            ("INPUT_STEP-WAIT", "30s"),
        ],
    );
    // The lock's reading, then the poll that finds 10%: the bake has begun.
    let c = cancel_when(
        &s,
        &vars,
        ("GetEdgeContainerAppStatus", 2),
        Duration::from_millis(300),
    );
    assert_cancelled(
        &c,
        "cancelled while baking after step 1/2: the last completed step, 1/2 at 10%, stays in place",
        "bake 1/2",
    );
    assert_eq!(s.publishes().len(), 1);
}

/// The signals a process holds blocked or has handlers for, from `/proc/PID/status`: whether
/// SIGINT is in its `SigBlk` mask, and in its `SigCgt` one.
fn sigint_held_and_caught(pid: u32) -> Option<(bool, bool, String)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let mask = |field: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok())
            .unwrap_or(0)
    };
    let sigint = 1u64 << (2 - 1);
    let name = status
        .lines()
        .find_map(|l| l.strip_prefix("Name:"))
        .unwrap_or("")
        .trim()
        .to_string();
    Some((
        mask("SigBlk:") & sigint != 0,
        mask("SigCgt:") & sigint != 0,
        name,
    ))
}

/// A SIGINT sent the instant the binary, as PID 1, has started (as soon as it holds the signal,
/// before its handlers exist) is not dropped: the run ends cancelled, and nothing is published.
/// Many times over, since each time is a race with the start.
#[test]
fn a_cancel_at_the_first_instant_of_pid_1_is_never_lost() {
    if !can_run_as_pid1("first instant") {
        return;
    }
    let s = standin();
    let url = s.url();
    let vars = keyed(
        &url,
        &[
            ("INPUT_VERSION-ID", "ver-879626371616510001"),
            ("INPUT_PUBLISH-ENV", "staging"),
        ],
    );
    let (mut held, tries) = (0, 40);
    for _ in 0..tries {
        let prepared = support::docker_step(&vars).prepare(&support::binary());
        let mut child = container::as_pid1(&prepared.command())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let pid = container::child_of(&child).expect("unshare started no child");
        // The first instant the binary holds SIGINT (or, if that moment was missed, has its
        // handler): the signal goes then.
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match sigint_held_and_caught(pid) {
                Some((true, _, name)) if name.starts_with("esa-publish") => {
                    held += 1;
                    break;
                }
                Some((_, true, name)) if name.starts_with("esa-publish") => break,
                None => break,
                _ => assert!(Instant::now() < deadline, "PID 1 never started"),
            }
        }
        assert!(container::signal(pid, "INT"), "kill -INT {pid} failed");
        let status = container::wait_within(&mut child, WITHIN);
        let mut stdout = String::new();
        if let Some(mut out) = child.stdout.take() {
            let _ = out.read_to_string(&mut stdout);
        }
        let status = status.unwrap_or_else(|| panic!("still running {WITHIN:?} after SIGINT"));
        let run = prepared.finish(std::process::Output {
            status,
            stdout: stdout.into_bytes(),
            stderr: Vec::new(),
        });
        assert_ne!(run.code, 0, "the signal was lost: {}", run.stdout);
        assert_eq!(run.outputs()["result"], "cancelled", "{}", run.stdout);
        assert_eq!(
            s.publishes().len(),
            0,
            "published after the signal: {}",
            run.stdout
        );
    }
    // The signal was sent inside the window the old code dropped it in, most of the times.
    eprintln!("{held} of {tries} signals came while SIGINT was held, before the handlers");
    assert!(
        held > 0,
        "never held: SIGINT and SIGTERM are not blocked before the handlers exist"
    );
}
