//! The failure catalogue, every message of it on every host: each kind of deployment failure (with each rollback outcome), each error the run can stop on, and the input problems, as the annotation says it. No sentence runs into the next without its stop, wherever the texts were joined; no message says a thing twice; and none speaks another host's words (a job summary, GitHub's runner) where its host has none.

use std::time::Duration;

use esa_engine::base::error::{ApiError, CredentialsKind, Error, StopReason};
use esa_engine::deploy::checks::health::HealthFailed;
use esa_engine::deploy::checks::metric::{Condition, Found, MetricFailed, MetricReading, Op};
use esa_engine::deploy::checks::CheckFailure;
use esa_engine::deploy::failure::{
    Failure, FailureKind, NoPrevious, Progress, Rollback, RollbackSeen,
};
use esa_engine::esa::probe::{NoAnswer, Probed};
use esa_engine::esa::stats::{Field, Point};
use esa_engine::esa::status::{AppStatus, Busy, Phase, PublishStatus, Unnamed, VersionStatus};
use esa_publish::ci::host::Host;
use esa_publish::words::failure::Failed;
use esa_publish::words::phrases::Context;

fn api(code: &str) -> Error {
    Error::Api(ApiError {
        status: 400,
        code: code.into(),
        message: "the service's own message".into(),
        request_id: Some("REQ-1".into()),
        recommend: None,
    })
}

fn errors() -> Vec<Error> {
    let network = Error::Network {
        endpoint: "esa.cn-hangzhou.aliyuncs.com".into(),
        detail: "connection reset".into(),
        timed_out: false,
        request_sent: true,
    };
    vec![
        api("SignatureDoesNotMatch"),
        api("Forbidden.RAM"),
        api("InvalidVersion.NotFound"),
        Error::UnexpectedResponse {
            status: 502,
            what: "an HTML page".into(),
            request_id: None,
            body_start: "<html>".into(),
        },
        Error::AnswerTooLarge {
            endpoint: "esa.cn-hangzhou.aliyuncs.com".into(),
            status: 200,
            size: Some(3 << 20),
            limit: 1 << 20,
            request_id: None,
        },
        network.clone(),
        Error::Credentials {
            kind: CredentialsKind::IdTokenRequestFailed,
            detail: "GitHub's ID token endpoint answered HTTP 403".into(),
            retryable: false,
        },
        Error::Certificate {
            endpoint: "esa.cn-hangzhou.aliyuncs.com".into(),
            detail: "UnknownIssuer".into(),
        },
        Error::Attempts {
            attempts: 4,
            reason: StopReason::NoAttemptsLeft,
            last: Box::new(network.clone()),
        },
        Error::Attempts {
            attempts: 1,
            reason: StopReason::MayHaveApplied,
            last: Box::new(network),
        },
        Error::RunnerFile {
            what: "the job summary".into(),
            detail: "disk full".into(),
        },
        Error::System("no randomness".into()),
    ]
}

fn kinds() -> Vec<FailureKind> {
    let status = Box::new(AppStatus::default());
    let probed = Probed::NoAnswer {
        why: NoAnswer::Timeout,
        detail: "no answer in 10s".into(),
    };
    vec![
        FailureKind::Call,
        FailureKind::VersionNotFound {
            name: "release-7".into(),
        },
        FailureKind::BaseVersionNotFound {
            name: "base-1".into(),
        },
        FailureKind::NoBaseVersion,
        FailureKind::BaseVersionMissing {
            version_id: "ver-4".into(),
        },
        FailureKind::ContainerNameRequired {
            base: "ver-1".into(),
            names: vec!["web".into(), "db".into()],
            image: "r.example.com/web:2".into(),
        },
        FailureKind::ContainerNotFound {
            base: "ver-1".into(),
            wanted: "api".into(),
            names: vec!["web".into()],
        },
        FailureKind::VersionFailed {
            version_id: "ver-2".into(),
            name: "n".into(),
            existed: true,
        },
        FailureKind::VersionFailed {
            version_id: "ver-2".into(),
            name: "n".into(),
            existed: false,
        },
        FailureKind::VersionNotReady {
            version_id: "ver-2".into(),
            name: "n".into(),
            status: VersionStatus::Creating,
            waited: Duration::from_secs(900),
        },
        FailureKind::RegionsNotDeployable {
            unknown: vec!["mars".into()],
            available: vec!["jiangsu".into()],
        },
        FailureKind::PublishInProgress {
            busy: Busy::Publishing("ver-5".into()),
            status: status.clone(),
        },
        FailureKind::PublishInProgress {
            busy: Busy::RollingBack,
            status: status.clone(),
        },
        FailureKind::StillBusy {
            busy: Busy::RollingBack,
            waited: Duration::from_secs(60),
        },
        FailureKind::RolledBack {
            status: status.clone(),
        },
        FailureKind::TakenOver { by: "ver-9".into() },
        FailureKind::ContainerFailed {
            phase: Phase::CrashLoopBackOff,
        },
        FailureKind::TimedOut {
            percentage: 50,
            last: Some(status),
            waited: Duration::from_secs(5),
            stalled: Duration::from_secs(3),
        },
        FailureKind::TimedOut {
            percentage: 50,
            last: None,
            waited: Duration::from_secs(5),
            stalled: Duration::from_secs(5),
        },
        FailureKind::StatusUnknown,
        FailureKind::StepPublishFailed,
        FailureKind::CheckFailed(CheckFailure::Health(HealthFailed::Probes {
            url: "https://shop.example.com/healthz".into(),
            failures: 3,
            last: probed,
        })),
        FailureKind::CheckFailed(CheckFailure::Health(HealthFailed::NoAddresses {
            url: "https://x/healthz".into(),
        })),
        metric_failed(MetricReading::Read {
            found: vec![
                (ready_at_least_99(), Found::NoData),
                (
                    ready_at_least_99(),
                    Found::Value {
                        point: Point {
                            time: "2026-12-07T10:00:00Z".into(),
                            value: 80.0,
                        },
                        holds: false,
                    },
                ),
            ],
            request_id: Some("REQ-STATS".into()),
        }),
        metric_failed(MetricReading::Unread(api("Forbidden.RAM"))),
        FailureKind::Cancelled(Progress::default()),
    ]
}

fn ready_at_least_99() -> Condition {
    Condition {
        field: Field::PodReadyRate,
        op: Op::AtLeast,
        threshold: 99.0,
    }
}

fn metric_failed(last: MetricReading) -> FailureKind {
    FailureKind::CheckFailed(CheckFailure::Metric(MetricFailed { failures: 3, last }))
}

fn rollbacks() -> Vec<Rollback> {
    vec![
        Rollback::NotAsked,
        Rollback::NoPrevious(NoPrevious::NoReading),
        Rollback::NoPrevious(NoPrevious::Unnamed {
            why: Unnamed::Ours,
            reading: Box::new(AppStatus {
                publish_status: PublishStatus::Published,
                publish_percentage: 100,
                deployed_version: "ver-2".into(),
                baseline_version: "ver-1".into(),
                ..AppStatus::default()
            }),
        }),
        Rollback::NoPrevious(NoPrevious::Unnamed {
            why: Unnamed::Unclear,
            reading: Box::new(AppStatus::default()),
        }),
        Rollback::NoPrevious(NoPrevious::Unnamed {
            why: Unnamed::NothingServed,
            reading: Box::new(AppStatus::default()),
        }),
        Rollback::NotOurs {
            current: Some("ver-9".into()),
        },
        Rollback::NotOurs { current: None },
        Rollback::Done {
            to: "ver-1".into(),
            request_id: Some("REQ-RB".into()),
            confirmed: None,
        },
        Rollback::Done {
            to: "ver-1".into(),
            request_id: None,
            confirmed: Some(RollbackSeen::NewRollbackTime),
        },
        Rollback::Done {
            to: "ver-1".into(),
            request_id: None,
            confirmed: Some(RollbackSeen::RollingBack),
        },
        Rollback::Failed {
            to: "ver-1".into(),
            error: Box::new(api("InternalError")),
        },
    ]
}

const HOSTS: [Host; 5] = [
    Host::GitHub,
    Host::GitLab,
    Host::Drone,
    Host::Woodpecker,
    Host::Plain,
];

/// The input problems of a few mistakes, as `host` hands the inputs over.
fn input_problems(host: Host) -> Vec<String> {
    let (prefix, marker): (&str, &[(&str, &str)]) = match host {
        Host::GitHub => ("INPUT_", &[("GITHUB_ACTIONS", "true")]),
        Host::GitLab => ("", &[("GITLAB_CI", "true")]),
        Host::Drone => ("PLUGIN_", &[("DRONE", "true")]),
        Host::Woodpecker => ("PLUGIN_", &[("CI", "woodpecker")]),
        Host::Plain => ("INPUT_", &[]),
    };
    let mistakes: &[&[(&str, &str)]] = &[
        &[("PERCENTGE", "20")],
        &[("TIMEOUT-MINUTES", "10")],
        &[("WHEN", "push")],
        &[("percent", "20")],
        &[
            ("APP-ID", "app-880688675783790001"),
            ("APP_ID", "app-880688675783790002"),
        ],
        &[("IMAGE", "https://registry.example.com/shop/web:1.0")],
        &[("IMAGE", "registry.example.com/Shop/Web:1.0")],
        &[("REGION", "cn-hangzou")],
        &[("PERCENTAGE", "120")],
    ];
    let mut messages = Vec::new();
    for mistake in mistakes {
        let mut vars: Vec<(String, String)> = marker
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        for (key, value) in [
            ("APP-ID", "app-880688675783790001"),
            ("PUBLISH-ENV", "staging"),
            ("ACCESS-KEY-ID", "LTAIexample"),
            ("ACCESS-KEY-SECRET", "secret"),
        ]
        .iter()
        .chain(mistake.iter())
        {
            let name = match host {
                Host::GitLab => format!("ESA_{}", key.replace('-', "_")),
                _ => format!("{prefix}{key}"),
            };
            vars.retain(|(n, _)| *n != name);
            vars.push((name, value.to_string()));
        }
        if !mistake.iter().any(|(k, _)| *k == "IMAGE") {
            vars.push((
                format!("{prefix}VERSION-ID"),
                "ver-879626371616510001".into(),
            ));
        }
        let env = esa_publish::ci::env::Env::from_pairs(vars);
        if let Err(rejected) = esa_publish::config::parse(&env, chrono::Utc::now()) {
            messages.extend(rejected.errors.into_iter().map(|p| p.message));
        }
    }
    messages
}

/// Every message of the catalogue, on `host`: the errors, which are the same everywhere (a
/// runner file, keyless sign-in), then those told in the host's words.
fn catalogue_on(host: Host) -> Vec<String> {
    let mut all: Vec<String> = errors()
        .into_iter()
        .map(|e| Failed::Error(e).message())
        .collect();
    all.push(Failed::SignInCancelled.message());
    all.extend(in_the_hosts_words(host));
    all
}

/// The messages told in the host's words: the deployment's failures and the input problems.
fn in_the_hosts_words(host: Host) -> Vec<String> {
    let context = Context {
        host,
        app_id: "app-880688675783790001".into(),
        env: "prod".into(),
        version: "ver-2".into(),
    };
    let mut all = Vec::new();
    for kind in kinds() {
        // A runner file's error is GitHub's alone (the summary is its file).
        for (cause, rollback) in errors()
            .into_iter()
            .filter(|e| !matches!(e, Error::RunnerFile { .. }) || host == Host::GitHub)
            .map(Some)
            .chain([None])
            .zip(rollbacks().into_iter().cycle())
        {
            for step in [None, Some((2, 3))] {
                let failure = Failure {
                    kind: kind.clone(),
                    cause: cause.clone(),
                    step,
                    rollback: rollback.clone(),
                };
                all.push(Failed::Deploy(Box::new(failure), context.clone()).message());
            }
        }
    }
    all.extend(input_problems(host));
    all
}

/// Every message of the catalogue, on every host.
fn catalogue() -> Vec<String> {
    HOSTS.into_iter().flat_map(catalogue_on).collect()
}

/// A thing said twice in one message: a sentence (or clause) repeated, or one of the run's
/// verdicts ("nothing was published") given twice.
fn repeated(message: &str) -> Option<String> {
    let lower = message.to_lowercase();
    for verdict in [
        "nothing was published",
        "nothing was sent",
        "nothing was rolled back",
        "nothing was made or published",
    ] {
        if lower.matches(verdict).count() > 1 {
            return Some(verdict.to_string());
        }
    }
    let parts: Vec<String> = lower
        .split(['.', ';'])
        .map(|p| p.trim().to_string())
        .filter(|p| p.len() >= 15)
        .collect();
    parts
        .iter()
        .enumerate()
        .find(|(i, p)| parts[..*i].contains(p))
        .map(|(_, p)| p.clone())
}

#[test]
fn no_message_of_the_catalogue_says_a_thing_twice() {
    let bad: Vec<String> = catalogue()
        .iter()
        .filter_map(|m| repeated(m).map(|at| format!("`{at}` twice in: {m}")))
        .collect();
    assert!(
        bad.is_empty(),
        "{} repeat themselves:\n{}",
        bad.len(),
        bad[..bad.len().min(5)].join("\n\n")
    );
    assert!(repeated("It failed; nothing was published. Nothing was published.").is_some());
    assert!(repeated("The step failed here. It went on. The step failed here.").is_some());
}

#[test]
fn each_host_hears_its_own_words() {
    for host in HOSTS {
        let all = in_the_hosts_words(host);
        assert!(all.len() > 90, "{host:?}: {}", all.len());
        for message in &all {
            // At a terminal the variables' own spelling (INPUT_, PLUGIN_) chooses the words.
            if !matches!(host, Host::GitHub | Host::Plain) {
                for github in [
                    "job summary",
                    "The runner passes every declared input",
                    "On GitHub",
                    "under `with:`",
                    "`env:`",
                ] {
                    assert!(
                        !message.contains(github),
                        "{host:?} hears `{github}`: {message}"
                    );
                }
            }
            if matches!(host, Host::GitHub | Host::Plain | Host::GitLab) {
                assert!(!message.contains("`settings:`"), "{host:?}: {message}");
            }
        }
    }
}

/// Where a sentence runs into the next: a lower-case word (or a closing backtick or
/// parenthesis) followed by a capitalised word that is no name.
fn joined(message: &str) -> Option<String> {
    const NAMES: &[&str] = &[
        "Alibaba",
        "Cloud",
        "Docker",
        "Drone",
        "Woodpecker",
        "Actions",
        // The README's section of that name.
        "Inputs",
    ];
    let words: Vec<&str> = message.split(' ').collect();
    words.windows(2).find_map(|w| {
        let (before, after) = (w[0], w[1]);
        let ends_mid = before.ends_with(|c: char| c.is_ascii_lowercase() || c == '`' || c == ')');
        let starts = after.starts_with(|c: char| c.is_ascii_uppercase())
            && after
                .chars()
                .skip(1)
                .take_while(|c| c.is_alphabetic())
                .all(|c| c.is_ascii_lowercase())
            && after.chars().nth(1).is_some_and(|c| c.is_ascii_lowercase());
        let name = NAMES
            .iter()
            .any(|n| after.trim_end_matches(|c: char| !c.is_alphabetic()) == *n);
        (ends_mid && starts && !name).then(|| format!("{before} {after}"))
    })
}

#[test]
fn no_message_of_the_catalogue_runs_one_sentence_into_the_next() {
    let all = catalogue();
    assert!(all.len() > 400, "{}", all.len());
    let bad: Vec<String> = all
        .iter()
        .filter_map(|m| joined(m).map(|at| format!("`{at}` in: {m}")))
        .collect();
    assert!(
        bad.is_empty(),
        "{} joined:\n{}",
        bad.len(),
        bad[..bad.len().min(5)].join("\n\n")
    );
}

#[test]
fn the_detector_finds_the_two_joins_once_seen() {
    assert!(joined("Re-run to pick it up once it is created Nothing was published.").is_some());
    assert!(
        joined("make the version with `image` or `version-spec` Nothing was published.").is_some()
    );
    assert!(joined("It failed. Nothing was published. Contact Alibaba Cloud support.").is_none());
}
