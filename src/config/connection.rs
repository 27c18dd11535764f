//! Where and how to call: the endpoint or region, the STS endpoint, the signing method, and the retry policy (`endpoint`, `region`, `sts-endpoint`, `signature-version`, `max-attempts`, `timeout`).

use std::time::Duration;

use crate::ci::env::Env;
use crate::config::reader::Reader;
use esa_engine::base::error::InputProblem;
use esa_engine::base::text::shown;
use esa_engine::base::values::parse_duration;
use esa_engine::esa::endpoint::{
    is_alibaba_cloud, is_loopback, parse_endpoint, region_endpoint, Endpoint,
};
use esa_engine::esa::model::SignatureVersion;
use esa_engine::esa::retry::Policy;

/// `signature-version`: `v3` or `v2`.
pub fn read_signature_version(r: &mut Reader<'_>) -> Option<SignatureVersion> {
    r.parsed("signature-version", |v| {
        match v.to_ascii_lowercase().as_str() {
            "v3" => Ok(SignatureVersion::V3),
            "v2" => Ok(SignatureVersion::V2),
            _ => Err(format!(
                "must be `v3` (ACS3-HMAC-SHA256, recommended) or `v2` (HMAC-SHA1), not `{}`",
                shown(v)
            )),
        }
    })
}

/// `max-attempts` and `timeout`, with the policy's defaults.
pub fn read_retry(r: &mut Reader<'_>) -> Policy {
    let max_attempts = r.parsed("max-attempts", |v| match v.parse::<u32>() {
        Ok(n) if (1..=20).contains(&n) => Ok(n),
        _ => Err(format!(
            "must be a whole number from 1 to 20, not `{}`",
            shown(v)
        )),
    });
    let timeout = r.parsed("timeout", |v| {
        parse_duration(v).and_then(|d| {
            if d >= Duration::from_secs(1) && d <= Duration::from_secs(3600) {
                Ok(d)
            } else {
                Err(format!("must be between 1s and 1h, not `{}`", shown(v)))
            }
        })
    });
    Policy {
        max_attempts: max_attempts.unwrap_or(Policy::default().max_attempts),
        timeout: timeout.unwrap_or(Policy::default().timeout),
    }
}

/// `endpoint`, or the endpoint of `region`.
pub fn read_endpoint(r: &mut Reader<'_>) -> Option<Endpoint> {
    match r.get("endpoint") {
        Some(raw) => r.parsed("endpoint", |_| parse_endpoint(&raw)),
        None => r.parsed("region", region_endpoint),
    }
}

/// `sts-endpoint`, or the one `ALIBABA_CLOUD_STS_REGION` names, or STS's global endpoint.
pub fn read_sts_endpoint(r: &mut Reader<'_>, env: &Env) -> Option<Endpoint> {
    match r.get("sts-endpoint") {
        Some(raw) => r.parsed("sts-endpoint", |_| parse_endpoint(&raw)),
        None => {
            let host = match env
                .var("ALIBABA_CLOUD_STS_REGION")
                .filter(|v| !v.is_empty())
            {
                Some(region) => format!("sts.{region}.aliyuncs.com"),
                None => "sts.aliyuncs.com".to_string(),
            };
            match parse_endpoint(&host) {
                Ok(e) => Some(e),
                Err(why) => {
                    r.error(
                        "sts-endpoint",
                        format!("ALIBABA_CLOUD_STS_REGION gives an invalid STS endpoint: {why}"),
                    );
                    None
                }
            }
        }
    }
}

/// The title of the warning for an endpoint outside Alibaba Cloud.
pub const OUTSIDE_ALIBABA_CLOUD: &str = "EndpointOutsideAlibabaCloud";

/// Whether a host needs the warning: neither Alibaba Cloud's nor this machine's.
fn outside(endpoint: &Endpoint) -> bool {
    !is_alibaba_cloud(&endpoint.host) && !is_loopback(&endpoint.host)
}

/// Warns when `endpoint` or `sts-endpoint` names a host outside `*.aliyuncs.com` (loopback
/// excepted), saying what that host receives: every signed call (with v2, replayable for 15
/// minutes, since its signature does not cover the host), and with keyless sign-in the
/// GitHub ID token.
pub fn warn_outside_alibaba_cloud(
    r: &mut Reader<'_>,
    endpoint: Option<&Endpoint>,
    sts: Option<&Endpoint>,
    signature: Option<SignatureVersion>,
    keyless: bool,
) {
    if let Some(e) = endpoint.filter(|e| outside(e)) {
        let v2 = if signature == Some(SignatureVersion::V2) {
            " With `signature-version: v2` the signature does not cover the host, so whoever runs it can replay each call to Alibaba Cloud within 15 minutes."
        } else {
            ""
        };
        r.warnings.push(InputProblem::new(
            "endpoint",
            OUTSIDE_ALIBABA_CLOUD,
            format!(
                "input `endpoint`: `{}` is not an Alibaba Cloud host (*.aliyuncs.com): every call, signed with your credentials, goes there.{v2} Use it only if you run that host (a proxy or a test double).",
                shown(&e.host)
            ),
        ));
    }
    if let Some(e) = sts.filter(|e| outside(e)) {
        let token = if keyless {
            "this run's keyless sign-in sends the GitHub ID token there, and whoever runs it can exchange the token for your role's credentials"
        } else {
            "keyless sign-in would send the GitHub ID token there"
        };
        r.warnings.push(InputProblem::new(
            "sts-endpoint",
            OUTSIDE_ALIBABA_CLOUD,
            format!(
                "input `sts-endpoint`: `{}` is not an Alibaba Cloud host (*.aliyuncs.com): {token}. Use it only if you run that host.",
                shown(&e.host)
            ),
        ));
    }
}
