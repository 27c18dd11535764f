//! The failure catalogue, every message of it: each kind of deployment failure (with each rollback outcome) and each error the run can stop on, as the annotation says it. No sentence runs into the next without its stop, wherever the texts were joined.

use std::time::Duration;

use esa_publish::app::failure::Failed;
use esa_publish::app::words::Context;
use esa_publish::base::error::{ApiError, CredentialsKind, Error, StopReason};
use esa_publish::deploy::failure::{
    Failure, FailureKind, HealthFailed, NoPrevious, Progress, Rollback,
};
use esa_publish::esa::probe::{NoAnswer, Probed};
use esa_publish::esa::status::{AppStatus, Busy, Phase, PublishStatus, Unnamed, VersionStatus};

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
        FailureKind::HealthCheckFailed(HealthFailed::Probes {
            url: "https://shop.example.com/healthz".into(),
            failures: 3,
            last: probed,
        }),
        FailureKind::HealthCheckFailed(HealthFailed::NoAddresses {
            url: "https://x/healthz".into(),
        }),
        FailureKind::Cancelled(Progress::default()),
    ]
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
            confirmed: false,
        },
        Rollback::Failed {
            to: "ver-1".into(),
            error: Box::new(api("InternalError")),
        },
    ]
}

/// Every message of the catalogue.
fn catalogue() -> Vec<String> {
    let context = Context {
        app_id: "app-880688675783790001".into(),
        env: "prod".into(),
        version: "ver-2".into(),
    };
    let mut all: Vec<String> = errors()
        .into_iter()
        .map(|e| Failed::Error(e).message())
        .collect();
    all.push(Failed::SignInCancelled.message());
    for kind in kinds() {
        for (cause, rollback) in errors()
            .into_iter()
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
    all
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
