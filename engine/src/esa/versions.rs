//! An app's versions as the service's answers give them, typed: one version whole (GetEdgeContainerAppVersion), a row of the listing (ListEdgeContainerAppVersions), a version just made (CreateEdgeContainerAppVersion). Pure: the calls are the client's.

use serde_json::Value;

use crate::base::error::Error;
use crate::esa::json::{number, text};
use crate::esa::status::VersionStatus;

/// A version as GetEdgeContainerAppVersion gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    /// The version's ID.
    pub version_id: String,
    /// Its name.
    pub name: String,
    /// Its status.
    pub status: VersionStatus,
    /// Every container with every field, `Storage`, `IsACRImage` and `ACRImageInfo` included.
    pub containers: Vec<Value>,
}

/// A row of the listing (its containers are incomplete, so they are not kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// The version's ID.
    pub version_id: String,
    /// Its name.
    pub name: String,
    /// Its status.
    pub status: VersionStatus,
    /// When it was made, as the service writes it.
    pub create_time: String,
}

impl Listed {
    /// One row of a listing's `Versions`.
    pub fn from_row(row: &Value) -> Listed {
        Listed {
            version_id: text(row, "VersionId"),
            name: text(row, "Name"),
            status: VersionStatus::parse(&text(row, "Status")),
            create_time: text(row, "CreateTime"),
        }
    }
}

/// A version just made: its ID, and the RequestId of the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    /// The new version's ID.
    pub version_id: String,
    /// The create call's RequestId.
    pub request_id: Option<String>,
}

/// An answer that lacks what it should hold.
pub fn unexpected(what: &str, request_id: Option<String>) -> Error {
    Error::UnexpectedResponse {
        status: 200,
        what: what.into(),
        request_id,
        body_start: String::new(),
    }
}

/// A GetEdgeContainerAppVersion answer's version, or the error of an answer without one.
pub fn version_from_answer(body: &Value, request_id: Option<String>) -> Result<Version, Error> {
    let v = body.get("Version").ok_or_else(|| {
        unexpected(
            "a GetEdgeContainerAppVersion answer without Version",
            request_id,
        )
    })?;
    Ok(Version {
        version_id: text(v, "VersionId"),
        name: text(v, "Name"),
        status: VersionStatus::parse(&text(v, "Status")),
        containers: v
            .get("Containers")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
    })
}

/// One page of a ListEdgeContainerAppVersions answer: its rows, and the total it declares.
pub fn page_from_answer(body: &Value) -> (Vec<Listed>, u64) {
    let rows = body
        .get("Versions")
        .and_then(Value::as_array)
        .map(|rows| rows.iter().map(Listed::from_row).collect())
        .unwrap_or_default();
    (rows, number(body, "TotalCount").unwrap_or(0))
}
