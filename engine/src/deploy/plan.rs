//! What the engine is asked to do, from the validated configuration: where the version comes from, how to publish it, the steps, how to follow them, the lock, and the bounds of every call.

use std::time::Duration;

use serde_json::Value;

use crate::deploy::checks::health::HealthGate;
use crate::deploy::checks::metric::MetricGate;
use crate::deploy::checks::Check;
use crate::deploy::io::Budget;
use crate::esa::image::ImageRef;
use crate::esa::model::{PublishEnv, PublishSettings};
use crate::esa::retry::Policy;

/// Whether the engine deploys, or only reads what a dry run shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Publish, follow, roll back: the real thing.
    Deploy,
    /// Reads only: stop once it is known which version would be published and how.
    Prepare,
}

/// How much of the app's log a failure shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Logs {
    /// This many lines (1 to 5000).
    Lines(u32),
    /// `logs-on-failure: 0`.
    Off,
    /// `auto`, and the repository is public (or its visibility unknown): its logs are public,
    /// so the app's log is withheld.
    Withheld {
        /// Whether the repository is known to be public.
        public: bool,
    },
}

/// One deployment, as the engine sees it.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Where the version comes from.
    pub source: VersionSource,
    /// What is published where.
    pub publish: PublishSettings,
    /// The steps' percentages, in order; one `None` (the service's default) without
    /// `percentage-steps` or `percentage`.
    pub steps: Vec<Option<u8>>,
    /// Whether each step is followed until it serves.
    pub follow: bool,
    /// Whether a failed step is rolled back to what served before.
    pub rollback_on_failure: bool,
    /// What to do while another publish is under way.
    pub if_busy: IfBusy,
    /// How long each wait may take (the lock, the version, each step's rollout).
    pub wait_timeout: Duration,
    /// How often a wait reads again.
    pub poll_interval: Duration,
    /// The bake between steps.
    pub step_wait: Duration,
    /// Attempts and deadline of each call (`max-attempts`, `timeout`).
    pub retry: Policy,
    /// Deploy, or only prepare (a dry run).
    pub mode: Mode,
    /// The app's log on failure.
    pub logs: Logs,
    /// How many of the versions this action made to keep after a publish (0: all).
    pub keep_versions: u32,
    /// The checks each step's bake runs (the health probe): none bakes `step-wait` alone.
    pub checks: Vec<Check>,
}

impl Plan {
    /// How long each step's checks are read at least, when there are any: the longest window
    /// any of them needs.
    pub fn check_window(&self) -> Option<Duration> {
        self.checks
            .iter()
            .map(|c| c.window(self.step_wait, self.poll_interval))
            .max()
    }

    /// The health gate among the checks, if there is one.
    pub fn health(&self) -> Option<&HealthGate> {
        self.checks.iter().find_map(|c| match c {
            Check::Health(gate) => Some(gate),
            Check::Metric(_) => None,
        })
    }

    /// The metric gate among the checks, if there is one.
    pub fn metric(&self) -> Option<&MetricGate> {
        self.checks.iter().find_map(|c| match c {
            Check::Metric(gate) => Some(gate),
            Check::Health(_) => None,
        })
    }

    /// The share the first step asks for (`None`: the service's default, 100%).
    pub fn first_share(&self) -> Option<u8> {
        self.steps.first().copied().flatten()
    }

    /// Settles `logs-on-failure: auto` with what the CI host says of the repository: on for a
    /// private one, withheld for a public one or when nobody says.
    pub fn with_visibility(mut self, private: Option<bool>, lines: u32) -> Plan {
        if let Logs::Withheld { .. } = self.logs {
            self.logs = match private {
                Some(true) => Logs::Lines(lines),
                Some(false) => Logs::Withheld { public: true },
                None => Logs::Withheld { public: false },
            };
        }
        self
    }

    /// The app's ID.
    pub fn app_id(&self) -> &str {
        &self.publish.app_id
    }

    /// The environment published to.
    pub fn env(&self) -> PublishEnv {
        self.publish.publish_env
    }

    /// Whether the lock's reading is needed, so that not being allowed to read is an error and
    /// not a warning: to follow, to roll back, or to wait for a busy environment.
    pub fn needs_status(&self) -> bool {
        self.follow || self.rollback_on_failure || self.if_busy == IfBusy::Wait
    }

    /// Whether a reading includes the staging container's phase.
    pub fn reads_phase(&self) -> bool {
        self.follow && self.publish.publish_env == PublishEnv::Staging
    }

    /// A call outside any wait: the whole `timeout`, every attempt.
    pub fn call_budget(&self) -> Budget {
        self.budget(self.retry.timeout)
    }

    /// A call bounded by `limit` (never beyond `timeout`), every attempt.
    pub fn budget(&self, limit: Duration) -> Budget {
        Budget {
            limit: limit.min(self.retry.timeout),
            attempts: self.retry.max_attempts,
        }
    }
}

/// Where the version to publish comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum VersionSource {
    /// `version-id`: that version, published as it is (no extra call).
    Id(String),
    /// `version-name` alone: the existing version with exactly this name.
    Named(String),
    /// `image` or `version-spec`: a new version, with this name.
    New {
        /// The new version's name.
        name: String,
        /// What it is made of.
        template: Template,
    },
    /// `promote-from: staging`: the version staging serves, once staging has published it,
    /// runs it ready, and it is created.
    FromStaging,
}

/// What a new version is made of.
#[derive(Debug, Clone, PartialEq)]
pub enum Template {
    /// A base version's containers with this image swapped into one of them.
    Image {
        /// Parsed once here; `image.text` is the reference as written.
        image: ImageRef,
        /// A `ver-…` ID or an exact name; `None` means what the target environment serves.
        base: Option<String>,
        /// The container that takes the image; needed when the base runs several.
        container: Option<String>,
    },
    /// Exactly these containers (checked against the model), from this file.
    Spec {
        /// The spec file, as given.
        path: String,
        /// Its containers, as the API's JSON.
        containers: Vec<Value>,
    },
}

impl VersionSource {
    /// The name the run looks up or makes, if any.
    pub fn name(&self) -> Option<&str> {
        match self {
            VersionSource::Id(_) | VersionSource::FromStaging => None,
            VersionSource::Named(n) | VersionSource::New { name: n, .. } => Some(n),
        }
    }
}

/// How every name this action makes starts: `keep-versions` deletes only versions with it.
pub const GENERATED_PREFIX: &str = "esa-publish-";

/// What to do when another publish is under way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfBusy {
    /// Stop without publishing.
    Fail,
    /// Wait until it is over, within `wait-timeout`.
    Wait,
}
