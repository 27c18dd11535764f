//! The step's outputs as values: their names (a test keeps `action.yml` and the README in step), how the run ended (`result`), where it stopped (`stopped-at`), and each output's value from what the deployment did. `app::outputs` writes them.

use crate::esa::api::regions_json;
use crate::words::failure::Failed;
use crate::words::record::{Fate, Record};
use esa_engine::deploy::failure::{FailureKind, Stage};

/// Every output the action sets.
pub const OUTPUTS: &[&str] = &[
    REQUEST_ID,
    SKIPPED,
    CREDENTIAL_SOURCE,
    PUBLISH_STATUS,
    PUBLISH_PERCENTAGE,
    DEPLOYED_VERSION,
    PREVIOUS_VERSION,
    ROLLBACK_REQUEST_ID,
    REGIONS,
    VERSION_ID,
    VERSION_NAME,
    VERSION_CREATED,
    URL,
    STAGING_IPS,
    DELETED_VERSIONS,
    STOPPED_AT,
    RESULT,
];

pub const REQUEST_ID: &str = "request-id";
pub const SKIPPED: &str = "skipped";
pub const CREDENTIAL_SOURCE: &str = "credential-source";
const PUBLISH_STATUS: &str = "publish-status";
const PUBLISH_PERCENTAGE: &str = "publish-percentage";
const DEPLOYED_VERSION: &str = "deployed-version";
const PREVIOUS_VERSION: &str = "previous-version";
const ROLLBACK_REQUEST_ID: &str = "rollback-request-id";
const REGIONS: &str = "regions";
pub const VERSION_ID: &str = "version-id";
pub const VERSION_NAME: &str = "version-name";
const URL: &str = "url";
const STAGING_IPS: &str = "staging-ips";
const DELETED_VERSIONS: &str = "deleted-versions";
const VERSION_CREATED: &str = "version-created";
pub const STOPPED_AT: &str = "stopped-at";
pub const RESULT: &str = "result";

/// How a run ended, for `if:` (the `result` output).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunResult {
    /// Followed until it served at its share.
    Published,
    /// The service took the publish; not followed (`wait` is off).
    Accepted,
    /// A step failed and this run rolled back to what served before.
    RolledBack,
    /// A step failed after a publish went through, and nothing (or a failed rollback) undid it.
    Failed,
    /// The job was cancelled.
    Cancelled,
    /// The run stopped before any publish went through.
    NotPublished,
    /// A publish was sent and its answer lost, and the status could not tell whether it took
    /// effect: only the app's status can say.
    Unknown,
    /// The environment served the version in full already: nothing was published.
    Unchanged,
    /// A dry run: nothing was changed.
    DryRun,
    /// Label gating skipped the run.
    Skipped,
}

impl RunResult {
    /// Every value, for the documentation's checks.
    pub const ALL: [RunResult; 10] = [
        RunResult::Published,
        RunResult::Unchanged,
        RunResult::Accepted,
        RunResult::RolledBack,
        RunResult::Failed,
        RunResult::Cancelled,
        RunResult::NotPublished,
        RunResult::Unknown,
        RunResult::DryRun,
        RunResult::Skipped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RunResult::Published => "published",
            RunResult::Accepted => "accepted",
            RunResult::RolledBack => "rolled-back",
            RunResult::Failed => "failed",
            RunResult::Cancelled => "cancelled",
            RunResult::NotPublished => "not-published",
            RunResult::Unknown => "unknown",
            RunResult::Unchanged => "unchanged",
            RunResult::DryRun => "dry-run",
            RunResult::Skipped => "skipped",
        }
    }

    /// How a failed run ended.
    pub fn of_failure(failed: &Failed, r: &Record) -> RunResult {
        let cancelled = match failed {
            Failed::SignInCancelled => true,
            Failed::Deploy(f, _) => matches!(f.kind, FailureKind::Cancelled(_)),
            Failed::Error(_) => false,
        };
        if cancelled {
            return RunResult::Cancelled;
        }
        if r.rolled_back_to.is_some() {
            return RunResult::RolledBack;
        }
        match &r.fate {
            // The run ended on a status it could not read, after a publish that took effect:
            // what serves now is not known, and `failed` would claim it.
            Fate::Published(_) if r.status_unread => RunResult::Unknown,
            Fate::Published(_) | Fate::Unsettled { before: Some(_) } => RunResult::Failed,
            Fate::Unsettled { before: None } => RunResult::Unknown,
            Fate::NotPublished => RunResult::NotPublished,
        }
    }
}

/// `stopped-at` of a run whose inputs were refused.
pub const INPUTS_STAGE: &str = "inputs";

/// Where a failed or cancelled run stood: `sign-in`, `version`, `lock`, `step 2/3`,
/// `bake 2/3` or `aftercare` (its inputs' refusal is `inputs`).
pub fn stopped_at(failed: &Failed, r: &Record) -> String {
    let stood = match (failed, r.stood) {
        (Failed::SignInCancelled, _) | (_, None) => return "sign-in".into(),
        (_, Some(stood)) => stood,
    };
    match stood.stage {
        Stage::Version => "version".into(),
        Stage::Lock => "lock".into(),
        Stage::Steps if stood.baking => format!("bake {}/{}", stood.completed, stood.total),
        Stage::Steps => format!("step {}/{}", stood.current, stood.total),
        Stage::Aftercare => "aftercare".into(),
    }
}

/// An output's name and value.
pub type Output = (&'static str, String);

/// The version's outputs, whenever it is known (so a failed publish still names it).
pub fn version_outputs(r: &Record) -> Vec<Output> {
    let Some(v) = &r.version else {
        return Vec::new();
    };
    let created = if v.created { "true" } else { "false" };
    vec![
        (VERSION_ID, v.version_id.clone()),
        (VERSION_NAME, v.name.clone().unwrap_or_default()),
        (VERSION_CREATED, created.to_string()),
    ]
}

/// The rollout's outputs, as the run ended (on success and failure alike): the last reading,
/// except that after a rollback this run made, the service is rolling back, our version serves
/// 0%, and what serves is the version rolled back to.
pub fn rollout_outputs(r: &Record, result: RunResult) -> Vec<Output> {
    // When what serves at the end is unknown (the last read failed, or a lost publish may
    // have applied since), the last reading is outdated, and the status outputs stay empty.
    let last = r.last.as_ref().filter(|_| !r.end_unknown());
    let mut outputs = vec![(RESULT, result.as_str().to_string())];
    if let Some(v) = &r.previous_version {
        outputs.push((PREVIOUS_VERSION, v.clone()));
    }
    if let Some(id) = &r.rollback_request_id {
        outputs.push((ROLLBACK_REQUEST_ID, id.clone()));
    }
    match (&r.rolled_back_to, last) {
        (Some(to), _) => {
            outputs.push((PUBLISH_STATUS, "rollbacking".to_string()));
            outputs.push((PUBLISH_PERCENTAGE, "0".to_string()));
            outputs.push((DEPLOYED_VERSION, to.clone()));
        }
        (None, Some(s)) => {
            outputs.push((PUBLISH_STATUS, s.publish_status.to_string()));
            outputs.push((PUBLISH_PERCENTAGE, s.publish_percentage.to_string()));
            outputs.push((DEPLOYED_VERSION, s.deployed_version.clone()));
        }
        (None, None) => {}
    }
    if let Some(s) = last {
        outputs.push((REGIONS, regions_json(&s.regions)));
    }
    outputs
}

/// Where the app runs and what `keep-versions` deleted: `url` when a domain is bound,
/// `staging-ips` when staging gave addresses (an output left unset reads as empty, as the
/// README says), `deleted-versions` whenever `keep-versions` is on.
pub fn aftercare_outputs(r: &Record, keep_versions: u32) -> Vec<Output> {
    let mut outputs = Vec::new();
    if let Some(Some(url)) = &r.url {
        outputs.push((URL, url.clone()));
    }
    if let Some(ips) = r.staging_ips.as_ref().filter(|ips| !ips.is_empty()) {
        let ips = serde_json::Value::from(ips.clone()).to_string();
        outputs.push((STAGING_IPS, ips));
    }
    if keep_versions > 0 {
        let ids: Vec<String> = r.deleted.iter().map(|v| v.version_id.clone()).collect();
        outputs.push((DELETED_VERSIONS, serde_json::Value::from(ids).to_string()));
    }
    outputs
}
