//! An app's versions, through the client: make one (CreateEdgeContainerAppVersion), read one whole (GetEdgeContainerAppVersion), find one by its exact name and list them all (ListEdgeContainerAppVersions, paged), delete one. The answers' types are the engine's vocabulary.

use serde_json::Value;

use esa_engine::base::error::Error;
use esa_engine::esa::json::text;
use esa_engine::esa::retry::{Idempotency, Policy};
use esa_engine::esa::versions::{
    page_from_answer, unexpected, version_from_answer, Created, Listed, Version,
};

use crate::esa::api::{
    create_version_request, delete_version_request, get_version_request, list_versions_request,
    Listing,
};
use crate::esa::client::Client;
use crate::http::retry::ClientEvent;

/// The largest page the listing gives.
const PAGE_SIZE: u32 = 100;
/// A bound on paging, so a misbehaving listing cannot keep the run going.
const MAX_PAGES: u32 = 50;

/// Reads one version whole.
pub async fn get(
    client: &Client,
    policy: &Policy,
    on_event: &mut dyn FnMut(&ClientEvent),
    app_id: &str,
    version_id: &str,
) -> Result<Version, Error> {
    let answer = client
        .call::<Value>(
            &get_version_request(app_id, version_id),
            Idempotency::Idempotent,
            policy,
            on_event,
        )
        .await?;
    version_from_answer(&answer.body, answer.request_id)
}

/// Reads the listing page by page until `enough` says so or every row is read (bounded by
/// [`MAX_PAGES`]), and returns the rows read.
async fn list(
    client: &Client,
    policy: &Policy,
    on_event: &mut dyn FnMut(&ClientEvent),
    app_id: &str,
    listing: Listing<'_>,
    enough: impl Fn(&[Listed]) -> bool,
) -> Result<Vec<Listed>, Error> {
    let mut all = Vec::new();
    for page in 1..=MAX_PAGES {
        let request = list_versions_request(app_id, listing, page, PAGE_SIZE);
        let answer = client
            .call::<Value>(&request, Idempotency::Idempotent, policy, on_event)
            .await?;
        let (rows, total) = page_from_answer(&answer.body);
        let empty = rows.is_empty();
        all.extend(rows);
        if empty || all.len() as u64 >= total || enough(&all) {
            break;
        }
    }
    Ok(all)
}

/// The version named exactly `name`, if there is one. The service's search may match parts of
/// names, so every page of its answer is read and each name compared whole.
pub async fn find_by_name(
    client: &Client,
    policy: &Policy,
    on_event: &mut dyn FnMut(&ClientEvent),
    app_id: &str,
    name: &str,
) -> Result<Option<Listed>, Error> {
    let exact = |rows: &[Listed]| rows.iter().any(|r| r.name == name);
    let rows = list(
        client,
        policy,
        on_event,
        app_id,
        Listing::Named(name),
        exact,
    )
    .await?;
    Ok(rows.into_iter().find(|r| r.name == name))
}

/// Every version of the app, the oldest first.
pub async fn oldest_first(
    client: &Client,
    policy: &Policy,
    on_event: &mut dyn FnMut(&ClientEvent),
    app_id: &str,
) -> Result<Vec<Listed>, Error> {
    list(
        client,
        policy,
        on_event,
        app_id,
        Listing::OldestFirst,
        |_| false,
    )
    .await
}

/// Deletes a version; the call's RequestId.
pub async fn delete(
    client: &Client,
    policy: &Policy,
    on_event: &mut dyn FnMut(&ClientEvent),
    app_id: &str,
    version_id: &str,
) -> Result<Option<String>, Error> {
    let answer = client
        .call::<Value>(
            &delete_version_request(app_id, version_id),
            Idempotency::NotIdempotent,
            policy,
            on_event,
        )
        .await?;
    Ok(answer.request_id)
}

/// Makes a version.
pub async fn create(
    client: &Client,
    policy: &Policy,
    on_event: &mut dyn FnMut(&ClientEvent),
    app_id: &str,
    name: &str,
    remarks: Option<&str>,
    containers: &str,
) -> Result<Created, Error> {
    let answer = client
        .call::<Value>(
            &create_version_request(app_id, name, remarks, containers),
            Idempotency::NotIdempotent,
            policy,
            on_event,
        )
        .await?;
    let id = text(&answer.body, "VersionId");
    if !id.starts_with("ver-") {
        return Err(unexpected(
            "a CreateEdgeContainerAppVersion answer without a VersionId",
            answer.request_id,
        ));
    }
    Ok(Created {
        version_id: id,
        request_id: answer.request_id,
    })
}
