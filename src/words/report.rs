//! The lines a person reads about the publish: how it rolls out (`20% → 100%, bake 3s`), the last line of a run, and the dry-run listing of a signed request (pure text, no I/O).

use crate::config::Config;
use crate::words::checks;
use crate::words::outcome::RunResult;
use crate::words::phrases;
use crate::words::record::Record;
use esa_engine::base::values::show_duration;
use esa_engine::deploy::event::Chosen;
use esa_engine::deploy::plan::Plan;
use esa_engine::deploy::plan::VersionSource;
use esa_engine::esa::model::{PublishType, SignatureVersion};

/// How the publish rolls out: `20%`, `20% → 50% → 100%, bake 5m`, `100%, the service's
/// default)`, `regions jiangsu, zhejiang at 20%, full release`.
pub fn rollout(plan: &Plan) -> String {
    let p = &plan.publish;
    let shares = match plan.steps.as_slice() {
        [one] => one
            .map(|n| format!("{n}%"))
            .unwrap_or_else(|| "100%, the service's default".into()),
        steps => {
            let steps: Vec<String> = steps.iter().map(|s| phrases::share(*s)).collect();
            let bake = match plan.step_wait.is_zero() {
                true => "no bake between steps".to_string(),
                false => format!("bake {}", show_duration(plan.step_wait)),
            };
            format!("{}, {bake}", steps.join(" → "))
        }
    };
    let gated = checks::gated(plan);
    match p.publish_type {
        Some(PublishType::Region) => {
            let full = match p.full_release {
                Some(true) => ", full release",
                _ => "",
            };
            format!("regions {} at {shares}{full}{gated}", p.regions.join(", "))
        }
        _ => format!("{shares}{gated}"),
    }
}

pub fn signature_name(v: SignatureVersion) -> &'static str {
    match v {
        SignatureVersion::V3 => "v3 (ACS3-HMAC-SHA256)",
        SignatureVersion::V2 => "v2 (HMAC-SHA1)",
    }
}

/// The version's ID as the run knows it: the one chosen, or the one given.
pub fn version_id<'a>(config: &'a Config, chosen: Option<&'a Chosen>) -> &'a str {
    match (chosen, &config.version) {
        (Some(v), _) => &v.version_id,
        (None, VersionSource::Id(id)) => id,
        (None, _) => "",
    }
}

/// The last log line of a run that went through: published when it was followed to the end,
/// accepted when the service took it and nobody watched it roll out, unchanged when the
/// environment served the version in full already.
pub fn ended_line(config: &Config, plan: &Plan, record: &Record, ended: RunResult) -> String {
    let p = &config.publish;
    if ended == RunResult::Unchanged {
        return format!(
            "Unchanged: {} serves all of {} on {} already, so nothing was published",
            version_id(config, record.version.as_ref()),
            p.publish_env.as_str(),
            p.app_id
        );
    }
    let accepted = record.fate.accepted().cloned().unwrap_or_default();
    let request_id = match (&accepted.request_id, accepted.answer_lost) {
        (Some(id), _) => id.as_str(),
        (None, true) => "unknown (the answer was lost; the app's status confirmed the publish)",
        (None, false) => "(none given)",
    };
    let what = format!(
        "{} of {} to {} ({}), RequestId {request_id}",
        version_id(config, record.version.as_ref()),
        p.app_id,
        p.publish_env.as_str(),
        rollout(plan),
    );
    if plan.follow {
        format!("Published {what}")
    } else {
        format!("Accepted: the service took the publish of {what}. It was not followed (`wait` is off), so whether it serves is not known here")
    }
}
