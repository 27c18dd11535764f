//! The service's states, parsed once from its answers into types: an environment's publish and deploy status (GetEdgeContainerAppStatus), the staging container's phase (GetEdgeContainerStagingDeployStatus), and the answers a rollout is judged on. Nothing outside this layer compares a status string.

use std::fmt;

use serde_json::Value;

use crate::base::error::Error;
use crate::esa::json::{number, text, texts};

/// Declares a status enum with its wire spellings, an `Unknown` case that keeps any other
/// text for display, parsing and `Display`.
macro_rules! wire_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $wire:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
            /// Any other text the service sends, kept for display.
            Unknown(String),
        }

        impl $name {
            /// Reads the service's spelling.
            pub fn parse(text: &str) -> Self {
                match text {
                    $($wire => $name::$variant,)*
                    other => $name::Unknown(other.to_string()),
                }
            }

            /// The service's spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)*
                    $name::Unknown(text) => text,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

wire_enum! {
    /// `PublishStatus` of GetEdgeContainerAppStatus.
    PublishStatus {
        /// No publish has happened yet (the service sends an empty string).
        Idle = "",
        /// A publish is under way.
        Publishing = "publishing",
        /// The last publish is done.
        Published = "published",
        /// A rollback is under way.
        RollingBack = "rollbacking",
        /// The last rollback is done.
        RolledBack = "rollbacked",
    }
}

wire_enum! {
    /// `DeployStatus` of GetEdgeContainerAppStatus.
    DeployStatus {
        /// No status given.
        None = "",
        /// Not deployed.
        Undeploy = "undeploy",
        /// Being deployed.
        Deploying = "deploying",
        /// Deployed.
        Deployed = "deployed",
        /// Being taken down.
        Undeploying = "undeploying",
    }
}

wire_enum! {
    /// A version's `Status`.
    VersionStatus {
        /// Still being made.
        Creating = "creating",
        /// Made: it can be published.
        Created = "created",
        /// Its creation failed.
        Failed = "failed",
    }
}

wire_enum! {
    /// The staging container's `Phase` (GetEdgeContainerStagingDeployStatus).
    Phase {
        /// No container yet.
        NoContainer = "NoContainer",
        /// Scheduled, not started.
        Pending = "Pending",
        /// Being made.
        ContainerCreating = "ContainerCreating",
        /// Running.
        Running = "Running",
        /// Ran and exited cleanly.
        Succeeded = "Succeeded",
        /// Its image cannot be pulled.
        ImagePullBackOff = "ImagePullBackOff",
        /// It crashes as it starts, again and again.
        CrashLoopBackOff = "CrashLoopBackOff",
        /// It failed.
        Failed = "Failed",
    }
}

impl PublishStatus {
    /// `rollbacking` or `rollbacked`.
    pub fn is_rollback(&self) -> bool {
        matches!(self, PublishStatus::RollingBack | PublishStatus::RolledBack)
    }
}

impl Phase {
    /// Phases that will not get better by waiting.
    pub fn is_failed(&self) -> bool {
        matches!(
            self,
            Phase::CrashLoopBackOff | Phase::ImagePullBackOff | Phase::Failed
        )
    }
}

/// What keeps an environment busy, so that a publish must not start on top of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Busy {
    /// Another version is being published.
    Publishing(String),
    /// A rollback is under way.
    RollingBack,
}

/// Why a reading names no version that served before a publish (see
/// [`AppStatus::served_before`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unnamed {
    /// The environment serves no version yet.
    NothingServed,
    /// The version the reading shows serving is the one about to be published.
    Ours,
    /// The reading's state does not say which version serves: a rollback under way, a status
    /// this model does not name, or a split whose other version the reading does not give.
    Unclear,
}

/// One reading of GetEdgeContainerAppStatus for one environment, plus on staging the
/// container's phase when it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppStatus {
    /// `PublishStatus`.
    pub publish_status: PublishStatus,
    /// `DeployStatus`.
    pub deploy_status: DeployStatus,
    /// 0 to 100.
    pub publish_percentage: u8,
    /// 0 to 100; 0 when the service gives none.
    pub expect_percentage: u8,
    /// `PublishingVersion`: the version being published (or last published).
    pub publishing_version: String,
    /// `DeployedVersion`.
    pub deployed_version: String,
    /// `BaseLineVersion` (not trusted for the rollback's choice: undocumented after a publish).
    pub baseline_version: String,
    /// `Regions`, for a region publish.
    pub regions: Vec<String>,
    /// When the last publish started, and the last rollback, as the service writes them
    /// (empty when it gives none).
    pub publish_time: String,
    /// `RollbackTime`.
    pub rollback_time: String,
    /// Staging only, when read: the container's phase.
    pub phase: Option<Phase>,
}

impl Default for AppStatus {
    fn default() -> Self {
        AppStatus {
            publish_status: PublishStatus::Idle,
            deploy_status: DeployStatus::None,
            publish_percentage: 0,
            expect_percentage: 0,
            publishing_version: String::new(),
            deployed_version: String::new(),
            baseline_version: String::new(),
            regions: Vec::new(),
            publish_time: String::new(),
            rollback_time: String::new(),
            phase: None,
        }
    }
}

fn unexpected(what: String, request_id: Option<&str>) -> Error {
    Error::UnexpectedResponse {
        status: 200,
        what,
        request_id: request_id.map(str::to_string),
        body_start: String::new(),
    }
}

/// A percentage field: a number or a numeric string from 0 to 100; absent is 0. Anything else
/// is an error, never a wrapped or truncated number.
fn percentage(object: &Value, key: &str, request_id: Option<&str>) -> Result<u8, Error> {
    let Some(value) = object.get(key).filter(|v| !v.is_null()) else {
        return Ok(0);
    };
    let number = value
        .as_u64()
        .or_else(|| value.as_str().and_then(|t| t.trim().parse().ok()));
    match number {
        Some(n) if n <= 100 => Ok(n as u8),
        _ => Err(unexpected(
            format!("a {key} of {value}, which is not a percentage from 0 to 100"),
            request_id,
        )),
    }
}

impl AppStatus {
    /// Reads the `AppStatus` object of a GetEdgeContainerAppStatus answer.
    pub fn from_answer(answer: &Value, request_id: Option<&str>) -> Result<AppStatus, Error> {
        let s = answer.get("AppStatus").ok_or_else(|| {
            unexpected(
                "a GetEdgeContainerAppStatus answer without AppStatus".into(),
                request_id,
            )
        })?;
        Ok(AppStatus {
            publish_status: PublishStatus::parse(&text(s, "PublishStatus")),
            deploy_status: DeployStatus::parse(&text(s, "DeployStatus")),
            publish_percentage: percentage(s, "PublishPercentage", request_id)?,
            expect_percentage: percentage(s, "ExpectPercentage", request_id)?,
            publishing_version: text(s, "PublishingVersion"),
            deployed_version: text(s, "DeployedVersion"),
            baseline_version: text(s, "BaseLineVersion"),
            publish_time: text(s, "PublishTime"),
            rollback_time: text(s, "RollbackTime"),
            // `Regions` is an object, `{"Region": [..]}`, not a list.
            regions: s
                .get("Regions")
                .map(|r| texts(r, "Region"))
                .unwrap_or_default(),
            phase: None,
        })
    }

    /// The version that serves the whole environment, when this reading says one does: a
    /// publish finished at 100% (the version published). `None` while a publish is under way
    /// or stopped at a share (the traffic is split), during or after a rollback, and when no
    /// version was published.
    pub fn full_version(&self) -> Option<&str> {
        let full =
            self.publish_status == PublishStatus::Published && self.publish_percentage >= 100;
        Some(self.current_version()).filter(|v| full && !v.is_empty())
    }

    /// The version that serves what a publish under way (or stopped at a share) leaves: the
    /// one deployed, when it is not the one publishing. `None` when the reading does not
    /// name a second version.
    pub fn rest_version(&self) -> Option<&str> {
        Some(self.deployed_version.as_str())
            .filter(|v| !v.is_empty() && *v != self.publishing_version)
    }

    /// The version that served before a publish of `ours`, chosen by this reading's state
    /// (never from `BaseLineVersion`, whose meaning after a publish or a rollback the
    /// service does not document): a finished publish, the version serving in full; a
    /// finished rollback, the version rolled back to; a publish under way or stopped at a
    /// share, the version serving the rest of the traffic. Never `ours`.
    pub fn served_before(&self, ours: &str) -> Result<&str, Unnamed> {
        let candidate = match &self.publish_status {
            PublishStatus::Published if self.publish_percentage >= 100 => {
                Some(self.current_version())
            }
            PublishStatus::Published | PublishStatus::Publishing => match self.rest_version() {
                Some(rest) => Some(rest),
                None if self.publishing_version.is_empty() => Some(self.deployed_version.as_str()),
                None => return Err(Unnamed::Unclear),
            },
            PublishStatus::RolledBack | PublishStatus::Idle => Some(self.deployed_version.as_str()),
            PublishStatus::RollingBack | PublishStatus::Unknown(_) => return Err(Unnamed::Unclear),
        };
        match candidate.filter(|v| !v.is_empty()) {
            None => Err(Unnamed::NothingServed),
            Some(v) if v == ours => Err(Unnamed::Ours),
            Some(v) => Ok(v),
        }
    }

    /// The version in front: the one publishing, or else the one deployed.
    pub fn current_version(&self) -> &str {
        if self.publishing_version.is_empty() {
            &self.deployed_version
        } else {
            &self.publishing_version
        }
    }

    /// Whether `version` is what this reading publishes or, with nothing publishing, serves.
    pub fn shows(&self, version: &str) -> bool {
        self.current_version() == version
    }

    /// What keeps the environment from taking a publish of `ours`: another version publishing,
    /// or a rollback under way.
    pub fn busy_for(&self, ours: &str) -> Option<Busy> {
        match &self.publish_status {
            PublishStatus::Publishing if self.publishing_version != ours => {
                Some(Busy::Publishing(self.publishing_version.clone()))
            }
            PublishStatus::RollingBack => Some(Busy::RollingBack),
            _ => None,
        }
    }

    /// Whether `version` serves `percentage`% of this environment: the publish is over, the
    /// version is the one published, the service's target is that share, and it is reached.
    /// The one place that answers "is our version serving?".
    pub fn serves(&self, version: &str, percentage: u8) -> bool {
        let ours = self.publishing_version == version || self.deployed_version == version;
        let target = match self.expect_percentage {
            0 => percentage,
            expected => expected,
        };
        self.publish_status == PublishStatus::Published
            && ours
            && target == percentage
            && self.publish_percentage >= percentage
    }

    /// The share of traffic `version` has in this reading: its publishing percentage, 100 once
    /// it alone serves, and 0 while a rollback is under way or another version has the traffic.
    pub fn share_of(&self, version: &str) -> u8 {
        if self.publish_status.is_rollback() {
            0
        } else if self.publishing_version == version {
            self.publish_percentage
        } else if self.publishing_version.is_empty() && self.deployed_version == version {
            100
        } else {
            0
        }
    }
}

/// The answer of GetEdgeContainerStagingDeployStatus: the staging container's state, and the
/// staging environment's IP addresses.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StagingStatus {
    /// `Phase`.
    pub phase: Phase,
    /// `Ready`: `ok` is true, `unready` false; `None` when absent or unknown.
    pub ready: Option<bool>,
    /// `VIPs`: where the staging environment answers.
    pub vips: Vec<String>,
    /// `PodRestartState.RestartCount`.
    pub restart_count: Option<u64>,
    /// `PodRestartState.LastTerminatedReason` (`OOMKilled`, `Error`, …), when given.
    pub last_terminated_reason: Option<String>,
}

impl Default for Phase {
    fn default() -> Self {
        Phase::Unknown(String::new())
    }
}

impl StagingStatus {
    /// Reads GetEdgeContainerStagingDeployStatus's answer.
    pub fn from_answer(answer: &Value) -> StagingStatus {
        let restart = answer.get("PodRestartState");
        let reason = restart
            .map(|r| text(r, "LastTerminatedReason"))
            .filter(|r| !r.is_empty());
        StagingStatus {
            phase: Phase::parse(&text(answer, "Phase")),
            ready: match text(answer, "Ready").as_str() {
                "ok" => Some(true),
                "unready" => Some(false),
                _ => None,
            },
            vips: texts(answer, "VIPs"),
            restart_count: restart.and_then(|r| number(r, "RestartCount")),
            last_terminated_reason: reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::esa::status::*;

    fn status(s: &str, pct: u8, expect: u8, publishing: &str, deployed: &str) -> AppStatus {
        AppStatus {
            publish_status: PublishStatus::parse(s),
            publish_percentage: pct,
            expect_percentage: expect,
            publishing_version: publishing.into(),
            deployed_version: deployed.into(),
            ..AppStatus::default()
        }
    }

    #[test]
    fn the_answer_parses_with_regions_as_an_object_and_numbers_as_text() {
        let v = json!({"RequestId":"r","AppStatus":{"PublishStatus":"publishing","PublishPercentage":30,"ExpectPercentage":"50","PublishingVersion":"ver-1","DeployedVersion":"ver-0","BaseLineVersion":"ver-0","Regions":{"Region":["jiangsu"]}}});
        let s = AppStatus::from_answer(&v, None).unwrap();
        assert_eq!((s.publish_percentage, s.expect_percentage), (30, 50));
        assert_eq!(s.publish_status, PublishStatus::Publishing);
        assert_eq!(s.regions, ["jiangsu"]);
        assert_eq!(s.served_before("ver-1"), Ok("ver-0"));
        assert_eq!(s.busy_for("ver-2"), Some(Busy::Publishing("ver-1".into())));
        assert_eq!(s.busy_for("ver-1"), None);
    }

    #[test]
    fn percentages_out_of_range_are_errors_not_wrapped_numbers() {
        for bad in [
            json!(4294967396u64),
            json!(101),
            json!("-5"),
            json!("ten"),
            json!(1.5),
        ] {
            let v = json!({"AppStatus": {"PublishPercentage": bad}});
            let e = AppStatus::from_answer(&v, Some("RID")).unwrap_err();
            assert_eq!(e.title(), "UnexpectedResponse", "{bad}");
            assert_eq!(e.request_id(), Some("RID"));
        }
        let v = json!({"AppStatus": {}});
        assert_eq!(
            AppStatus::from_answer(&v, None).unwrap().publish_percentage,
            0
        );
    }

    #[test]
    fn the_staging_answer_gives_the_pod_and_the_addresses() {
        let v = json!({"Phase": "CrashLoopBackOff", "Ready": "unready", "VIPs": ["10.0.0.1", "10.0.0.2"],
                       "PodRestartState": {"RestartCount": 7, "LastTerminatedReason": "OOMKilled"}});
        let s = StagingStatus::from_answer(&v);
        assert_eq!(s.phase, Phase::CrashLoopBackOff);
        assert_eq!(s.ready, Some(false));
        assert_eq!(s.vips, ["10.0.0.1", "10.0.0.2"]);
        assert_eq!(
            (s.restart_count, s.last_terminated_reason.as_deref()),
            (Some(7), Some("OOMKilled"))
        );
        assert_eq!(
            StagingStatus::from_answer(&json!({})),
            StagingStatus::default()
        );
    }

    #[test]
    fn unknown_statuses_are_kept_for_display() {
        let s = PublishStatus::parse("paused");
        assert_eq!(s, PublishStatus::Unknown("paused".into()));
        assert_eq!(s.to_string(), "paused");
        assert_eq!(PublishStatus::parse(""), PublishStatus::Idle);
        assert!(Phase::parse("CrashLoopBackOff").is_failed());
        assert!(!Phase::parse("Evicted").is_failed());
    }

    #[test]
    fn a_rollback_under_way_keeps_the_environment_busy() {
        let s = status("rollbacking", 30, 100, "ver-1", "ver-0");
        assert_eq!(s.busy_for("ver-2"), Some(Busy::RollingBack));
        assert_eq!(s.busy_for("ver-1"), Some(Busy::RollingBack));
        assert_eq!(
            status("rollbacked", 0, 100, "", "ver-0").busy_for("ver-2"),
            None
        );
    }

    #[test]
    fn serves_answers_in_one_place() {
        let cases = [
            (status("published", 50, 50, "ver-new", "ver-old"), 50, true),
            (status("published", 100, 100, "", "ver-new"), 100, true),
            (status("published", 100, 0, "", "ver-new"), 100, true),
            (
                status("publishing", 30, 50, "ver-new", "ver-old"),
                50,
                false,
            ),
            (status("published", 30, 50, "ver-new", "ver-old"), 50, false),
            // published at another share than the one asked for
            (
                status("published", 100, 100, "ver-new", "ver-old"),
                50,
                false,
            ),
            (status("published", 100, 100, "", "ver-other"), 100, false),
        ];
        for (s, pct, want) in cases {
            assert_eq!(s.serves("ver-new", pct), want, "{s:?} at {pct}%");
        }
        assert_eq!(
            status("publishing", 30, 50, "ver-new", "o").share_of("ver-new"),
            30
        );
        assert_eq!(
            status("published", 100, 100, "", "ver-new").share_of("ver-new"),
            100
        );
        assert_eq!(
            status("rollbacking", 30, 50, "ver-new", "o").share_of("ver-new"),
            0
        );
    }
}
