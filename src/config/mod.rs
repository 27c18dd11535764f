//! Configuration layer: the runner's raw input strings become one validated [`Config`], with every bad input collected and reported, not only the first.
//!
//! Split by concern: the input [`spec`], the [`names`] the inputs arrive under (fail-closed),
//! the [`reader`] that collects problems, and one parser per concern ([`publish`],
//! [`connection`], [`credentials`], [`rollout`]); each config type lives beside its parser.
//! It may use `base`, `esa` (the request types it builds) and `ci` (the environment it reads),
//! and builds the engine's [`Plan`](esa_engine::deploy::plan::Plan) from its types
//! ([`Config::plan`]): no credential or token type reaches the engine. It must not use the
//! words or the run, and nothing below it may import its types.

pub mod aftercare;
pub mod comment;
pub mod connection;
pub mod credentials;
pub mod gate;
pub mod health;
pub mod metric;
pub mod names;
pub mod publish;
pub mod reader;
pub mod rollout;
pub mod spec;
pub mod version;

use chrono::{DateTime, Utc};

use crate::ci::context::BuildContext;
use crate::ci::env::{Env, Handover};
use crate::ci::host::Host;
use crate::config::aftercare::{read_aftercare, Aftercare};
use crate::config::aftercare::{LogsOnFailure, AUTO_LOG_LINES};
use crate::config::comment::{read_comment, CommentPlan};
use crate::config::credentials::{read_credentials, CredentialPlan};
use crate::config::health::read_health;
use crate::config::metric::read_metric;
use crate::config::reader::Reader;
use crate::config::rollout::{read_rollout, RolloutSettings};
use crate::config::version::read_version_source;
use esa_engine::base::error::InputProblem;
use esa_engine::base::values::parse_bool;
use esa_engine::deploy::checks::health::HealthGate;
use esa_engine::deploy::checks::metric::MetricGate;
use esa_engine::deploy::checks::Check;
use esa_engine::deploy::plan::VersionSource;
use esa_engine::deploy::plan::{Logs, Mode, Plan};
use esa_engine::esa::endpoint::Endpoint;
use esa_engine::esa::model::{PublishEnv, PublishSettings, SignatureVersion};

/// Everything the run needs, validated.
#[derive(Debug, Clone)]
pub struct Config {
    /// The CI system that runs the step (`ci-system`, else detected): whose words to speak.
    pub host: Host,
    /// How to publish. The request itself is made once the version is known (see `version`).
    pub publish: PublishSettings,
    /// Where the version comes from.
    pub version: VersionSource,
    /// Where the credentials come from; `Missing` only in a dry run, which then signs with a
    /// placeholder.
    pub credentials: CredentialPlan,
    /// Where AssumeRoleWithOIDC is called, for the OIDC sources.
    pub sts_endpoint: Endpoint,
    /// Whether to hand the credentials to later steps through `$GITHUB_ENV`.
    pub export_credentials: bool,
    pub endpoint: Endpoint,
    pub signature_version: SignatureVersion,
    pub dry_run: bool,
    /// Attempts and the deadline of each API operation.
    pub retry: esa_engine::esa::retry::Policy,
    /// Following the rollout: waiting, steps, rollback, the publish lock.
    pub rollout: RolloutSettings,
    /// The app's log shown on failure, and the versions kept after a publish.
    pub aftercare: Aftercare,
    /// The health gate, when `health-url` is set.
    pub health: Option<HealthGate>,
    /// The metric gate, when `metric-gate` is set.
    pub metric: Option<MetricGate>,
    /// The pull request's comment: off, asked for where it cannot be written, or where to.
    pub comment: CommentPlan,
    /// Whether the repository is private, as the event payload says (`None`: it does not).
    pub repository_private: Option<bool>,
    /// Problems that do not stop the run, each tied to an input.
    pub warnings: Vec<InputProblem>,
}

/// Inputs that cannot run: every error at once, and the warnings found on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub errors: Vec<InputProblem>,
    pub warnings: Vec<InputProblem>,
}

/// Reads and validates every input. `now` decides whether a start time is in the past.
///
/// Returns every error at once, so one red run shows everything to fix.
pub fn parse(env: &Env, now: DateTime<Utc>) -> Result<Config, Rejected> {
    let mut r = Reader::new(env);
    r.errors.extend(names::problems(env));
    // Without the composite's JSON there are no inputs to read: that one error says it all.
    if let Handover::Unreadable(_) = env.handover() {
        return Err(rejected(r));
    }
    let (publish, percentage, version) = read_target(&mut r, env, now);
    let signature_version = connection::read_signature_version(&mut r);
    let dry_run = r.parsed("dry-run", parse_bool).unwrap_or(false);
    let retry = connection::read_retry(&mut r);
    let endpoint = connection::read_endpoint(&mut r);
    let rollout = read_rollout(&mut r, percentage.is_some());
    let (aftercare, comment) = (read_aftercare(&mut r), read_comment(&mut r, env));
    let (health, metric) = read_gates(&mut r, rollout.follows(), publish.as_ref());
    let credentials = read_credentials(&mut r, env, dry_run);
    let export_credentials = r.parsed("export-credentials", parse_bool).unwrap_or(false);
    let sts_endpoint = connection::read_sts_endpoint(&mut r, env);
    let keyless = matches!(credentials, CredentialPlan::Exchange(..));
    let endpoints = (endpoint.as_ref(), sts_endpoint.as_ref());
    check_where(&mut r, env, endpoints, (signature_version, keyless));
    // Every `None` here has pushed an error; an error rather than a panic all the same.
    let (
        Some(publish),
        Some(version),
        Some(signature_version),
        Some(endpoint),
        Some(sts_endpoint),
        true,
    ) = (
        publish,
        version,
        signature_version,
        endpoint,
        sts_endpoint,
        r.errors.is_empty(),
    )
    else {
        return Err(rejected(r));
    };
    Ok(Config {
        host: Host::from_env(env).unwrap_or_else(|_| Host::detect(env)),
        publish,
        version,
        credentials,
        sts_endpoint,
        export_credentials,
        endpoint,
        signature_version,
        dry_run,
        rollout,
        aftercare,
        health,
        metric,
        comment,
        repository_private: crate::ci::event::repository_private(env),
        retry,
        warnings: r.warnings,
    })
}

impl Config {
    /// The engine's plan of this run: the engine's own vocabulary, with nothing of the
    /// credentials or the comment's token in it.
    pub fn plan(&self, mode: Mode) -> Plan {
        let rollout = &self.rollout;
        let steps = if rollout.steps.is_empty() {
            vec![self.publish.percentage]
        } else {
            rollout.steps.iter().copied().map(Some).collect()
        };
        let plan = Plan {
            source: self.version.clone(),
            publish: self.publish.clone(),
            steps,
            follow: rollout.follows(),
            rollback_on_failure: rollout.rollback_on_failure,
            if_busy: rollout.if_busy,
            wait_timeout: rollout.wait_timeout,
            poll_interval: rollout.poll_interval,
            step_wait: rollout.step_wait,
            retry: self.retry,
            mode,
            logs: match self.aftercare.logs_on_failure {
                LogsOnFailure::Lines(0) => Logs::Off,
                LogsOnFailure::Lines(n) => Logs::Lines(n),
                LogsOnFailure::Auto => Logs::Withheld { public: false },
            },
            keep_versions: self.aftercare.keep_versions,
            checks: self.checks(),
        };
        plan.with_visibility(self.repository_private, AUTO_LOG_LINES)
    }
}

impl Config {
    /// The checks each step's bake runs: the health gate's probes, then the metric gate's
    /// readings.
    fn checks(&self) -> Vec<Check> {
        let health = self.health.clone().map(Check::Health);
        let metric = self.metric.clone().map(Check::Metric);
        health.into_iter().chain(metric).collect()
    }
}

/// The gates each bake runs: the health gate (whose probes go to staging's own addresses on
/// staging), the metric gate.
fn read_gates(
    r: &mut Reader<'_>,
    follows: bool,
    publish: Option<&PublishSettings>,
) -> (Option<HealthGate>, Option<MetricGate>) {
    let staging = publish.map(|p| p.publish_env) == Some(PublishEnv::Staging);
    (read_health(r, follows, staging), read_metric(r, follows))
}

/// What to publish and where: the settings, the percentage asked for, and the version (with
/// remarks that lead back to the change when none are given).
fn read_target(
    r: &mut Reader<'_>,
    env: &Env,
    now: DateTime<Utc>,
) -> (Option<PublishSettings>, Option<u8>, Option<VersionSource>) {
    let publish::Read {
        settings: mut publish,
        percentage,
        version_id,
    } = publish::read_publish(r, now);
    let host = Host::from_env(env).unwrap_or_else(|_| Host::detect(env));
    let context = BuildContext::from_env(env, host);
    let version = read_version_source(r, version_id, context.as_ref());
    let to_staging = publish
        .as_ref()
        .is_some_and(|p| p.publish_env != PublishEnv::Prod);
    if version == Some(VersionSource::FromStaging) && to_staging {
        r.error("promote-from", "input `promote-from: staging` publishes to prod: set `publish-env: prod` (staging already serves that version)");
    }
    if let (Some(p), Some(c)) = (publish.as_mut(), context.as_ref()) {
        if p.remarks.is_none() {
            p.remarks = Some(c.remark());
        }
    }
    (publish, percentage, version)
}

/// Where the calls go: a warning for endpoints outside Alibaba Cloud, an error for an
/// unknown `ci-system`.
fn check_where(
    r: &mut Reader<'_>,
    env: &Env,
    (endpoint, sts_endpoint): (Option<&Endpoint>, Option<&Endpoint>),
    (signature_version, keyless): (Option<SignatureVersion>, bool),
) {
    connection::warn_outside_alibaba_cloud(r, endpoint, sts_endpoint, signature_version, keyless);
    if let Err(why) = Host::from_env(env) {
        r.error("ci-system", why);
    }
}

/// The inputs refused: every error, and the warnings found on the way.
fn rejected(r: Reader<'_>) -> Rejected {
    let errors = match r.errors.is_empty() {
        // Only reached if a part was `None` without saying why.
        true => vec![InputProblem::new(
            "inputs",
            "InvalidParameter",
            "the inputs could not be read",
        )],
        false => r.errors,
    };
    Rejected {
        errors,
        warnings: r.warnings,
    }
}
