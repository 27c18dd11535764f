//! The requests this action makes, as plain validated types: which environment, which rollout, which signing method. The configuration builds them; the wire placement reads them.

use chrono::{DateTime, Utc};

/// `prod` or `staging`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublishEnv {
    /// The production environment.
    Prod,
    /// The staging environment.
    Staging,
}

impl PublishEnv {
    /// The API's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PublishEnv::Prod => "prod",
            PublishEnv::Staging => "staging",
        }
    }
}

/// `percentage` (the service's default) or `region`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublishType {
    /// A share of the traffic.
    Percentage,
    /// Some regions.
    Region,
}

impl PublishType {
    /// The API's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PublishType::Percentage => "percentage",
            PublishType::Region => "region",
        }
    }
}

/// Which signing method to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureVersion {
    /// ACS3-HMAC-SHA256, Alibaba's recommended method.
    V3,
    /// HMAC-SHA1, SignatureVersion 1.0.
    V2,
}

impl SignatureVersion {
    /// The API's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureVersion::V3 => "v3",
            SignatureVersion::V2 => "v2",
        }
    }
}

/// How to publish, validated, for every version and step: everything of a
/// PublishEdgeContainerAppVersion call but the version and the step's percentage, which
/// [`PublishSettings::request`] adds once they are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishSettings {
    /// The app (`app-…`).
    pub app_id: String,
    /// Where it is published.
    pub publish_env: PublishEnv,
    /// 1..=100; `None` leaves the service's default (100).
    pub percentage: Option<u8>,
    /// Normalised to UTC; `None` means now.
    pub start_time: Option<DateTime<Utc>>,
    /// The publish's remarks.
    pub remarks: Option<String>,
    /// `None` leaves the service's default (percentage).
    pub publish_type: Option<PublishType>,
    /// Only sent with a region publish.
    pub regions: Vec<String>,
    /// Only sent with a region publish.
    pub full_release: Option<bool>,
}

impl PublishSettings {
    /// The call that publishes `version_id` at `percentage` (`None`: the service's default).
    pub fn request(&self, version_id: &str, percentage: Option<u8>) -> PublishRequest {
        PublishRequest {
            version_id: version_id.to_string(),
            settings: PublishSettings {
                percentage,
                ..self.clone()
            },
        }
    }
}

/// The parameters of one PublishEdgeContainerAppVersion call, validated: the version, and
/// how to publish it (`settings.percentage` is this call's share).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishRequest {
    /// The version published.
    pub version_id: String,
    /// How, and where.
    pub settings: PublishSettings,
}
