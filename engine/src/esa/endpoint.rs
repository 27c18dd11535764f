//! Where the API lives, and the rule that keeps a signed call off the network in plain text: `http://` only for a loopback host.

use std::net::IpAddr;

use crate::base::text::shown;

/// Where the API lives. Plain `http` is only ever allowed for a loopback host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `https`, or `http` for a loopback host.
    pub scheme: &'static str,
    /// Host name or IP literal (IPv6 in brackets).
    pub host: String,
    /// Only when it differs from the scheme's default.
    pub port: Option<u16>,
}

impl Endpoint {
    /// The Host header, exactly as the HTTP client will send it.
    pub fn host_header(&self) -> String {
        match self.port {
            Some(port) => format!("{}:{port}", self.host),
            None => self.host.clone(),
        }
    }

    /// `scheme://host[:port]`, with no trailing slash.
    pub fn base_url(&self) -> String {
        format!("{}://{}", self.scheme, self.host_header())
    }
}

/// The regions where ESA's API has an endpoint, `esa.<region>.aliyuncs.com`: the China site
/// and the international one. From Alibaba Cloud's endpoint list for ESA 2024-09-10
/// (https://www.alibabacloud.com/help/en/edge-security-acceleration/esa/api-esa-2024-09-10-endpoint);
/// the official SDK builds `esa.<region>.aliyuncs.com` for any region and keeps no list.
pub const API_REGIONS: &[&str] = &["cn-hangzhou", "ap-southeast-1"];

/// The endpoint of a region where ESA's API has one; else what is wrong, with the nearest
/// such region when the name is close to one.
pub fn region_endpoint(region: &str) -> Result<Endpoint, String> {
    if API_REGIONS.contains(&region) {
        return Ok(Endpoint {
            scheme: "https",
            host: format!("esa.{region}.aliyuncs.com"),
            port: None,
        });
    }
    let nearest = API_REGIONS
        .iter()
        .map(|r| (strsim::osa_distance(&region.to_ascii_lowercase(), r), *r))
        .filter(|(d, _)| *d <= 3)
        .min_by_key(|(d, _)| *d)
        .map(|(_, r)| format!("Did you mean `{r}`? "))
        .unwrap_or_default();
    Err(format!(
        "ESA's API has no endpoint in `{}`: it answers in {}. {nearest}To call another host, set `endpoint` (it wins over `region`)",
        shown(region),
        API_REGIONS
            .iter()
            .map(|r| format!("`{r}`"))
            .collect::<Vec<_>>()
            .join(" and ")
    ))
}

/// A host name (`esa.cn-hangzhou.aliyuncs.com`, `127.0.0.1:8080`) or a full URL with scheme
/// and port. `http://` only for loopback: a plain-text request would expose the signed call.
pub fn parse_endpoint(value: &str) -> Result<Endpoint, String> {
    let with_scheme = if value.contains("://") {
        value.to_string()
    } else {
        format!("https://{value}")
    };
    let url = url::Url::parse(&with_scheme)
        .map_err(|e| format!("`{}` is not a host name or URL ({e})", shown(value)))?;
    let scheme = match url.scheme() {
        "https" => "https",
        "http" => "http",
        other => {
            return Err(format!(
                "scheme `{}` is not supported; use https",
                shown(other)
            ))
        }
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry a user name or password".into());
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "`{}` must be a host, optionally with scheme and port, without a path or query",
            shown(value)
        ));
    }
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| format!("`{}` has no host", shown(value)))?
        .to_string();
    if scheme == "http" && !is_loopback(&host) {
        return Err(format!(
            "plain http is only allowed for a loopback host (127.0.0.0/8, ::1, localhost), not `{}`: the signed request and any STS token would cross the network unencrypted. Use https",
            shown(&host)
        ));
    }
    Ok(Endpoint {
        scheme,
        host,
        port: url.port(),
    })
}

/// Whether `host` is Alibaba Cloud's own: `aliyuncs.com` or a name under it (case does not
/// matter; a trailing dot is the same name).
pub fn is_alibaba_cloud(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == "aliyuncs.com" || host.ends_with(".aliyuncs.com")
}

/// 127.0.0.0/8, ::1 or `localhost`.
pub fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => bare.eq_ignore_ascii_case("localhost"),
    }
}
