//! What explains a deployment and where it runs, read from the service: the app (its bound domain), the per-region readiness of its replicas, and the last lines of its container log. Typed answers, parsed once.

use serde_json::Value;

use crate::base::error::Error;
use crate::esa::json::{self, text, texts};

/// The most log lines the service gives in one call.
pub const MAX_LOG_LINES: u32 = 5000;

fn number(v: &Value, key: &str) -> u64 {
    json::number(v, key).unwrap_or(0)
}

fn flag(v: &Value, key: &str) -> bool {
    v.get(key)
        .map(|b| b.as_bool().unwrap_or_else(|| b.as_str() == Some("true")))
        .unwrap_or(false)
}

/// GetEdgeContainerApp's `App`, as far as a deployment needs it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct App {
    /// The app's name.
    pub name: String,
    /// The bound domain; empty when none is bound.
    pub domain_name: String,
}

impl App {
    /// Reads GetEdgeContainerApp's answer.
    pub fn from_answer(answer: &Value, request_id: Option<&str>) -> Result<App, Error> {
        let app = answer.get("App").ok_or_else(|| Error::UnexpectedResponse {
            status: 200,
            what: "a GetEdgeContainerApp answer without App".into(),
            request_id: request_id.map(str::to_string),
            body_start: String::new(),
        })?;
        Ok(App {
            name: text(app, "Name"),
            domain_name: text(app, "DomainName").trim().to_string(),
        })
    }

    /// `https://` and the bound domain, or `None` when none is bound.
    pub fn url(&self) -> Option<String> {
        (!self.domain_name.is_empty()).then(|| format!("https://{}", self.domain_name))
    }
}

/// One region's replicas, from GetEdgeContainerAppResourceStatus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionReadiness {
    /// The region's name.
    pub region: String,
    /// The carrier (empty outside the Chinese mainland).
    pub isp: String,
    /// Replicas ready.
    pub ready: u64,
    /// Replicas in all.
    pub total: u64,
    /// Whether it is the staging environment.
    pub is_staging: bool,
    /// Whether the region is offline.
    pub is_offline: bool,
}

/// The regions the app can deploy to (GetEdgeContainerDeployRegions' `Regions`, strings).
pub fn deploy_regions_from_answer(answer: &Value) -> Vec<String> {
    answer
        .get("Regions")
        .and_then(Value::as_array)
        .map(|all| {
            all.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The `Regions` of GetEdgeContainerAppResourceStatus.
pub fn readiness_from_answer(answer: &Value) -> Vec<RegionReadiness> {
    answer
        .get("Regions")
        .and_then(Value::as_array)
        .map(|rows| {
            rows.iter()
                .map(|r| RegionReadiness {
                    region: text(r, "Region"),
                    isp: text(r, "Isp"),
                    ready: number(r, "Ready"),
                    total: number(r, "Total"),
                    is_staging: flag(r, "IsStaging"),
                    is_offline: flag(r, "IsOffline"),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The `Items` of GetEdgeContainerLogs: one log line each.
pub fn log_lines_from_answer(answer: &Value) -> Vec<String> {
    texts(answer, "Items")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::esa::diagnostics::*;

    #[test]
    fn answers_read_into_types() {
        let app = App::from_answer(
            &json!({"App": {"Name": "shop", "DomainName": "shop.example.com"}}),
            None,
        )
        .unwrap();
        assert_eq!(app.url().as_deref(), Some("https://shop.example.com"));
        let bare = App::from_answer(&json!({"App": {"DomainName": ""}}), None).unwrap();
        assert_eq!(bare.url(), None);
        assert!(App::from_answer(&json!({}), Some("R")).is_err());
        let regions = readiness_from_answer(&json!({"Regions": [
            {"Region": "huadong", "Isp": "chinanet", "Ready": 1, "Total": "3", "IsStaging": false, "IsOffline": false}]}));
        assert_eq!(
            (regions[0].ready, regions[0].total, regions[0].isp.as_str()),
            (1, 3, "chinanet")
        );
        assert_eq!(
            log_lines_from_answer(&json!({"Items": ["a", "b"]})),
            ["a", "b"]
        );
    }
}
