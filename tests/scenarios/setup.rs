//! What a scenario sets: typed settings, each row's knobs, turned into the engine's `Plan` directly (no input strings, no input parsing: that has tests of its own). The defaults are `action.yml`'s, with a 10 s poll interval.

use std::time::Duration;

use esa_engine::deploy::checks::health::HealthGate;
use esa_engine::deploy::checks::metric::{Condition, GateMode, MetricGate, Op};
use esa_engine::deploy::checks::Check;
use esa_engine::deploy::plan::{IfBusy, Logs, Mode, Plan, Template, VersionSource};
use esa_engine::esa::image::parse_image;
use esa_engine::esa::model::{PublishEnv, PublishSettings, PublishType};
use esa_engine::esa::probe::HealthUrl;
use esa_engine::esa::retry::Policy;
use esa_engine::esa::stats::Field;
use esa_publish::ci::context::BuildContext;
use esa_publish::config::health::parse_statuses;
use esa_publish::config::version::default_name;
use serde_json::json;

use crate::fake::container;

/// The version the rows publish by ID.
pub const VERSION: &str = "ver-879626371616510002";

/// The version the app serves at the start.
pub const PREVIOUS_VERSION: &str = crate::fake::PREVIOUS;

/// One change a row makes to the settings.
pub type Knob = fn(&mut Setup);

/// A run's settings, as a row sets them.
#[derive(Debug, Clone, Default)]
pub struct Setup {
    pub version_id: Option<&'static str>,
    pub name: Option<&'static str>,
    pub image: Option<&'static str>,
    pub base: Option<&'static str>,
    pub container: Option<&'static str>,
    /// A `version-spec` file of one container.
    pub spec: bool,
    pub staging: bool,
    pub wait: bool,
    pub steps: Vec<u8>,
    pub percentage: Option<u8>,
    pub regions: Vec<&'static str>,
    pub rollback: bool,
    pub busy_wait: bool,
    pub wait_timeout: Option<Duration>,
    pub step_wait: Option<Duration>,
    pub timeout: Option<Duration>,
    pub max_attempts: Option<u32>,
    pub logs: Option<u32>,
    pub keep: u32,
    pub health: Option<&'static str>,
    /// `metric-gate`: `pod_ready_rate >= 99`, 3 readings in a row; observing only when set.
    pub metric: bool,
    pub observe: bool,
    /// `promote-from: staging`.
    pub from_staging: bool,
}

pub const fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

pub const ID: Knob = |s| s.version_id = Some(VERSION);
pub const WAIT: Knob = |s| s.wait = true;
pub const ROLLBACK: Knob = |s| s.rollback = true;
pub const STEPS: Knob = |s| s.steps = vec![10, 50, 100];
pub const IMAGE: Knob = |s| s.image = Some("r.example.com/shop/web:2");
pub const BUSY_WAIT: Knob = |s| s.busy_wait = true;
pub const STAGING: Knob = |s| s.staging = true;
/// Virtual waits that would take minutes in real time.
pub const LONG: Knob = |s| s.wait_timeout = Some(secs(30 * 60));
pub const LOGS: Knob = |s| s.logs = Some(20);
pub const KEEP: Knob = |s| s.keep = 2;
pub const HEALTH: Knob = |s| s.health = Some("https://shop.example.com/healthz");
pub const METRIC: Knob = |s| s.metric = true;
pub const OBSERVE: Knob = |s| {
    s.metric = true;
    s.observe = true;
};
pub const NO_BAKE: Knob = |s| s.step_wait = Some(Duration::ZERO);
pub const SPEC: Knob = |s| s.spec = true;

impl Setup {
    /// The settings after `knobs`, in order.
    pub fn with(knobs: &[Knob]) -> Setup {
        let mut setup = Setup::default();
        for knob in knobs {
            knob(&mut setup);
        }
        setup
    }

    /// The engine's plan for these settings.
    pub fn plan(&self, mode: Mode) -> Plan {
        let steps = match (self.steps.is_empty(), self.percentage) {
            (true, share) => vec![share],
            (false, _) => self.steps.iter().copied().map(Some).collect(),
        };
        Plan {
            source: self.source(),
            publish: self.publish(),
            steps,
            follow: self.wait || !self.steps.is_empty(),
            rollback_on_failure: self.rollback,
            if_busy: if self.busy_wait {
                IfBusy::Wait
            } else {
                IfBusy::Fail
            },
            wait_timeout: self.wait_timeout.unwrap_or(secs(15 * 60)),
            poll_interval: secs(10),
            step_wait: self.step_wait.unwrap_or(secs(5 * 60)),
            retry: Policy {
                max_attempts: self.max_attempts.unwrap_or(4),
                timeout: self.timeout.unwrap_or(secs(120)),
            },
            mode,
            logs: match self.logs {
                Some(0) => Logs::Off,
                Some(n) => Logs::Lines(n),
                None => Logs::Withheld { public: false },
            },
            keep_versions: self.keep,
            checks: self.checks(),
        }
    }

    /// The health gate, then the metric gate, as set.
    fn checks(&self) -> Vec<Check> {
        let health = self.health.map(|url| {
            Check::Health(HealthGate {
                url: HealthUrl::parse(url).expect("a health URL"),
                statuses: parse_statuses("200-399").expect("statuses"),
                failures: 3,
            })
        });
        let metric = self.metric.then(|| {
            Check::Metric(MetricGate {
                conditions: vec![Condition {
                    field: Field::PodReadyRate,
                    op: Op::AtLeast,
                    threshold: 99.0,
                }],
                failures: 3,
                mode: match self.observe {
                    true => GateMode::Observe,
                    false => GateMode::Enforce,
                },
            })
        });
        health.into_iter().chain(metric).collect()
    }

    fn publish(&self) -> PublishSettings {
        let region = !self.regions.is_empty();
        PublishSettings {
            app_id: "app-880688675783790001".into(),
            publish_env: if self.staging {
                PublishEnv::Staging
            } else {
                PublishEnv::Prod
            },
            percentage: self.percentage,
            start_time: None,
            remarks: None,
            publish_type: region.then_some(PublishType::Region),
            regions: self.regions.iter().map(|r| r.to_string()).collect(),
            full_release: None,
        }
    }

    fn source(&self) -> VersionSource {
        if let Some(id) = self.version_id {
            return VersionSource::Id(id.into());
        }
        if self.from_staging {
            return VersionSource::FromStaging;
        }
        let template = match (self.image, self.spec) {
            (Some(image), _) => Template::Image {
                image: parse_image(image).expect("an image"),
                base: self.base.map(str::to_string),
                container: self.container.map(str::to_string),
            },
            (None, true) => Template::Spec {
                path: "deploy/spec.json".into(),
                containers: vec![json!(container("web", "r.example.com/shop/web:3"))],
            },
            (None, false) => return VersionSource::Named(self.name.expect("a source").into()),
        };
        let context = BuildContext {
            repository: Some("acme/shop".into()),
            sha: "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d".into(),
            run_id: "42".into(),
            run_url: None,
        };
        let name = match self.name {
            Some(name) => name.to_string(),
            None => default_name(&context, &template),
        };
        VersionSource::New { name, template }
    }
}
