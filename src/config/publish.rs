//! What to publish and how: the app, the version, the environment, the percentage or regions, the start time and remarks (`app-id`, `version-id`, `publish-env`, `percentage`, `start-time`, `remarks`, `publish-type`, `regions`, `full-release`).

use chrono::{DateTime, Utc};

use crate::config::reader::{checked, Reader};
use crate::esa::signing::format_timestamp;
use esa_engine::base::text::shown;
use esa_engine::base::values::{parse_bool, parse_percentage};
use esa_engine::esa::model::{PublishEnv, PublishSettings, PublishType};

/// What [`read_publish`] read.
pub struct Read {
    /// `None` when a required part is missing or invalid (each problem is recorded).
    pub settings: Option<PublishSettings>,
    /// The valid `percentage`, for the check against `percentage-steps`.
    pub percentage: Option<u8>,
    /// `version-id`: `None` when not given, `Some(None)` when given but invalid. The version
    /// is not part of the settings: `config::version` decides where it comes from, and the
    /// request is made once it is known.
    pub version_id: Option<Option<String>>,
}

/// Reads the publish inputs, in the order their problems are reported. `now` decides whether
/// a start time is in the past.
pub fn read_publish(r: &mut Reader<'_>, now: DateTime<Utc>) -> Read {
    let app_id = r
        .required("app-id", "the application ID, like app-88068867578379xxxx (ListEdgeContainerApps lists them)")
        .and_then(|v| checked(r, "app-id", v, "app-", "an application ID starts with `app-`; find it with ListEdgeContainerApps or in the ESA console"));
    let version_id = r.get("version-id").map(|v| {
        checked(r, "version-id", v, "ver-", "a version ID starts with `ver-`; find it with ListEdgeContainerAppVersions or in the ESA console")
    });
    let publish_env = read_env(r);
    let percentage = r.parsed("percentage", parse_percentage);
    let start_time = read_start_time(r, now);
    let remarks = r.get("remarks");
    let (publish_type, regions, full_release) = read_regions(r);
    let settings = match (app_id, publish_env) {
        (Some(app_id), Some(publish_env)) => Some(PublishSettings {
            app_id,
            publish_env,
            percentage,
            start_time,
            remarks,
            publish_type,
            regions,
            full_release,
        }),
        _ => None,
    };
    Read {
        settings,
        percentage,
        version_id,
    }
}

/// `publish-env`: `prod` or `staging`.
fn read_env(r: &mut Reader<'_>) -> Option<PublishEnv> {
    match r.required("publish-env", "`prod` or `staging`").as_deref() {
        None => None,
        Some("prod") => Some(PublishEnv::Prod),
        Some("staging") => Some(PublishEnv::Staging),
        Some(other) => {
            let why = format!(
                "input `publish-env` must be `prod` or `staging`, not `{}`",
                shown(other)
            );
            r.error("publish-env", why);
            None
        }
    }
}

/// `start-time`, with a warning when it is already past.
fn read_start_time(r: &mut Reader<'_>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let start_time = r.parsed("start-time", parse_start_time);
    if let Some(t) = start_time.filter(|t| *t < now) {
        r.warn(
            "start-time",
            format!(
                "start-time {} is in the past; the service will start the publish at once",
                format_timestamp(t)
            ),
        );
    }
    start_time
}

/// `publish-type`, `regions` and `full-release`; the last two only with a region publish.
fn read_regions(r: &mut Reader<'_>) -> (Option<PublishType>, Vec<String>, Option<bool>) {
    let publish_type = r.parsed("publish-type", |v| match v {
        "percentage" => Ok(PublishType::Percentage),
        "region" => Ok(PublishType::Region),
        other => Err(format!(
            "must be `percentage` or `region`, not `{}`",
            shown(other)
        )),
    });
    let regions = r.parsed("regions", parse_regions).unwrap_or_default();
    let full_release = r.parsed("full-release", parse_bool);
    let region_publish = publish_type == Some(PublishType::Region);
    if region_publish && regions.is_empty() && r.get("regions").is_none() {
        r.error("regions", "input `regions` is required with `publish-type: region`: list at least one region, e.g. `jiangsu,zhejiang`");
    }
    // Regions on a percentage publish would be ignored, and every region would get the
    // version: a mistake that widens the publish is an error, not a warning.
    if region_publish || r.get("publish-type").is_some_and(|t| t != "percentage") {
        return (publish_type, regions, full_release);
    }
    for (input, given) in [
        ("regions", !regions.is_empty()),
        ("full-release", full_release.is_some()),
    ] {
        if given {
            r.error(input, format!("input `{input}` only applies to `publish-type: region`: without it the service ignores `{input}` and publishes to every region. Add `publish-type: region`, or remove `{input}`"));
        }
    }
    (publish_type, Vec::new(), None)
}

/// Any RFC 3339 time, with an offset or `Z`, normalised to UTC (sub-seconds dropped: the API
/// takes whole seconds).
pub fn parse_start_time(value: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(value)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("`{}` is not an RFC 3339 time like `2025-06-05T16:00:00Z` or `2025-06-06T00:00:00+08:00` ({e})", shown(value)))
}

/// A comma- or newline-separated list, or a JSON array of strings. Duplicates are an error
/// (they mean a typo more often than intent).
pub fn parse_regions(value: &str) -> Result<Vec<String>, String> {
    let items: Vec<String> = if value.starts_with('[') {
        serde_json::from_str::<Vec<String>>(value)
            .map_err(|e| format!("looks like a JSON array but is not an array of strings ({e})"))?
            .into_iter()
            .map(|s| s.trim().to_string())
            .collect()
    } else {
        value
            .split([',', '\n'])
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    if items.is_empty() {
        return Err("lists no region".into());
    }
    let mut seen: Vec<&String> = Vec::new();
    for item in &items {
        if item.is_empty()
            || !item
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        {
            return Err(format!(
                "`{}` is not a region name like `jiangsu` (letters, digits, `-`, `_`, `.`)",
                shown(item)
            ));
        }
        if seen.contains(&item) {
            return Err(format!("`{item}` is listed twice"));
        }
        seen.push(item);
    }
    Ok(items)
}
