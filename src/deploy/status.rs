//! Reading the app's publish status (and on staging the container phase) into a [`Snapshot`].

use serde_json::Value;

use crate::base::error::Error;
use crate::config::Config;
use crate::deploy::rollout::Snapshot;
use crate::esa::api::{staging_status_request, status_request};
use crate::esa::client::{Client, Event};
use crate::esa::model::PublishEnv;
use crate::esa::retry::Idempotency;

/// Reads the app's status; on staging also the container phase (best effort: a failure there
/// only costs the crash-loop detection).
pub async fn read_status(
    client: &Client,
    config: &Config,
    on_event: &mut dyn FnMut(&Event),
) -> Result<Snapshot, Error> {
    let p = &config.publish;
    let answer = client
        .call::<Value>(
            &status_request(&p.app_id, p.publish_env.as_str()),
            Idempotency::Idempotent,
            &config.retry,
            on_event,
        )
        .await?;
    let mut snapshot =
        Snapshot::from_answer(&answer.body).ok_or_else(|| Error::UnexpectedResponse {
            status: 200,
            what: "a GetEdgeContainerAppStatus answer without AppStatus".into(),
            request_id: answer.request_id.clone(),
            body_start: String::new(),
        })?;
    if p.publish_env == PublishEnv::Staging && config.rollout.follows() {
        match client
            .call::<Value>(&staging_status_request(&p.app_id), Idempotency::Idempotent, &config.retry, on_event)
            .await
        {
            Ok(a) => snapshot.staging_phase = a.body.get("Phase").and_then(Value::as_str).map(str::to_string),
            Err(e) => on_event(&Event::Note(format!(
                "GetEdgeContainerStagingDeployStatus failed, so container phases are not checked: {e}"
            ))),
        }
    }
    Ok(snapshot)
}
