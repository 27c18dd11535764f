//! Inputs: the runner's raw `INPUT_*` strings become one validated [`Config`], with every bad input collected and reported, not only the first.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::credentials::{
    default_session_name, Credentials, IdToken, OidcExchange, Plan, Secret, Source, ENV_SPELLINGS,
};

/// One input of the action, as declared in `action.yml` (a test keeps the two in step).
#[derive(Debug, Clone, Copy)]
pub struct InputSpec {
    pub name: &'static str,
    pub required: bool,
    /// The default `action.yml` declares, applied here too for runs outside the runner.
    pub default: Option<&'static str>,
}

const fn input(name: &'static str) -> InputSpec {
    InputSpec {
        name,
        required: false,
        default: None,
    }
}

const fn required(name: &'static str) -> InputSpec {
    InputSpec {
        name,
        required: true,
        default: None,
    }
}

const fn with_default(name: &'static str, default: &'static str) -> InputSpec {
    InputSpec {
        name,
        required: false,
        default: Some(default),
    }
}

/// Every input the action reads.
pub const INPUTS: &[InputSpec] = &[
    required("app-id"),
    required("version-id"),
    required("publish-env"),
    input("percentage"),
    input("start-time"),
    input("remarks"),
    input("publish-type"),
    input("regions"),
    input("full-release"),
    input("access-key-id"),
    input("access-key-secret"),
    input("security-token"),
    input("role-arn"),
    input("oidc-provider-arn"),
    input("role-session-name"),
    with_default("role-duration-seconds", "3600"),
    input("audience"),
    input("sts-endpoint"),
    with_default("export-credentials", "false"),
    with_default("region", "cn-hangzhou"),
    input("endpoint"),
    with_default("signature-version", "v3"),
    with_default("dry-run", "false"),
    with_default("max-attempts", "4"),
    with_default("timeout", "120s"),
    with_default("wait", "false"),
    with_default("wait-timeout", "15m"),
    with_default("poll-interval", "10s"),
    input("percentage-steps"),
    with_default("step-wait", "5m"),
    with_default("rollback-on-failure", "false"),
    with_default("if-busy", "fail"),
    input("require-label"),
    input("percentage-from-label"),
    with_default("ci-system", "auto"),
    input("dotenv-file"),
];

/// A snapshot of the environment. The binary takes the process's; tests build their own, so
/// nothing here reads the process environment.
#[derive(Debug, Clone, Default)]
pub struct Env(BTreeMap<String, String>);

impl Env {
    /// The process environment (variables whose name or value is not UTF-8 are skipped).
    pub fn from_process() -> Self {
        Env(std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect())
    }

    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Env(pairs
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect())
    }

    /// A variable, or `None` when it is unset.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// An input as the runner passes it (`INPUT_APP-ID`, hyphens kept), as a person typing it
    /// by hand would (`INPUT_APP_ID`), or as a Drone or Woodpecker plugin setting
    /// (`PLUGIN_APP_ID`), in that order. Trimmed; empty means not given.
    pub fn input(&self, name: &str) -> Option<String> {
        spellings(name)
            .iter()
            .filter_map(|key| self.var(key))
            .map(str::trim)
            .find(|v| !v.is_empty())
            .map(str::to_string)
    }

    /// `INPUT_*` and `PLUGIN_*` variables that match no input: most often a typo.
    pub fn unknown_inputs(&self) -> Vec<String> {
        let known: Vec<String> = INPUTS.iter().flat_map(|i| spellings(i.name)).collect();
        self.0
            .keys()
            .filter(|k| (k.starts_with("INPUT_") || k.starts_with("PLUGIN_")) && !known.contains(k))
            .cloned()
            .collect()
    }
}

/// The variable names an input may arrive in, in order of precedence.
fn spellings(name: &str) -> [String; 3] {
    let upper = name.to_ascii_uppercase().replace(' ', "_");
    let underscored = upper.replace('-', "_");
    [
        format!("INPUT_{upper}"),
        format!("INPUT_{underscored}"),
        format!("PLUGIN_{underscored}"),
    ]
}

/// `prod` or `staging`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublishEnv {
    Prod,
    Staging,
}

impl PublishEnv {
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
    Percentage,
    Region,
}

impl PublishType {
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
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureVersion::V3 => "v3",
            SignatureVersion::V2 => "v2",
        }
    }
}

/// The parameters of one PublishEdgeContainerAppVersion call, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishRequest {
    pub app_id: String,
    pub version_id: String,
    pub publish_env: PublishEnv,
    /// 1..=100; `None` leaves the service's default (100).
    pub percentage: Option<u8>,
    /// Normalised to UTC; `None` means now.
    pub start_time: Option<DateTime<Utc>>,
    pub remarks: Option<String>,
    /// `None` leaves the service's default (percentage).
    pub publish_type: Option<PublishType>,
    /// Only sent with a region publish.
    pub regions: Vec<String>,
    /// Only sent with a region publish.
    pub full_release: Option<bool>,
}

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

/// What to do when another publish is under way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfBusy {
    Fail,
    Wait,
}

/// How the rollout is followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolloutSettings {
    /// Poll the status until the rollout completes or fails.
    pub wait: bool,
    pub wait_timeout: Duration,
    pub poll_interval: Duration,
    /// A staged rollout: publish at each percentage in turn (each waited for).
    pub steps: Vec<u8>,
    /// Bake time between steps.
    pub step_wait: Duration,
    pub rollback_on_failure: bool,
    pub if_busy: IfBusy,
}

impl RolloutSettings {
    /// Whether the run follows the rollout at all (steps are always waited for).
    pub fn follows(&self) -> bool {
        self.wait || !self.steps.is_empty()
    }
}

/// Everything the run needs, validated.
#[derive(Debug, Clone)]
pub struct Config {
    pub publish: PublishRequest,
    /// Where the credentials come from; `Missing` only in a dry run, which then signs with a
    /// placeholder.
    pub credentials: Plan,
    /// Where AssumeRoleWithOIDC is called, for the OIDC sources.
    pub sts_endpoint: Endpoint,
    /// Whether to hand the credentials to later steps through `$GITHUB_ENV`.
    pub export_credentials: bool,
    pub endpoint: Endpoint,
    pub signature_version: SignatureVersion,
    pub dry_run: bool,
    /// Attempts and the deadline of each API operation.
    pub retry: crate::retry::Policy,
    /// Following the rollout: waiting, steps, rollback, the publish lock.
    pub rollout: RolloutSettings,
    /// Problems that do not stop the run, each tied to an input.
    pub warnings: Vec<InputProblem>,
}

/// A problem with one input. As an error it stops the run before any network traffic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputProblem {
    /// The input's name, as written in the workflow.
    pub input: &'static str,
    /// The annotation title: the API's error code where one fits.
    pub code: &'static str,
    pub message: String,
}

impl InputProblem {
    pub fn new(input: &'static str, code: &'static str, message: impl Into<String>) -> Self {
        InputProblem {
            input,
            code,
            message: message.into(),
        }
    }
}

/// The API's own codes for the inputs it validates (the seed), or the generic one.
fn code_for(input: &str) -> &'static str {
    match input {
        "app-id" => "InvalidParameter.appid",
        "version-id" => "InvalidParameter.VersionId",
        "publish-env" => "InvalidParameter.PublishEnv",
        "percentage" => "InvalidParameter.Percentage",
        _ => "InvalidParameter",
    }
}

/// Collects errors and warnings while the inputs are read one by one.
struct Reader<'a> {
    env: &'a Env,
    errors: Vec<InputProblem>,
    warnings: Vec<InputProblem>,
}

impl Reader<'_> {
    fn get(&self, name: &'static str) -> Option<String> {
        self.env.input(name).or_else(|| {
            INPUTS
                .iter()
                .find(|i| i.name == name)
                .and_then(|i| i.default)
                .map(str::to_string)
        })
    }

    fn error(&mut self, input: &'static str, message: impl Into<String>) {
        self.errors
            .push(InputProblem::new(input, code_for(input), message));
    }

    fn warn(&mut self, input: &'static str, message: impl Into<String>) {
        self.warnings
            .push(InputProblem::new(input, code_for(input), message));
    }

    /// A required input, or an error naming it.
    fn required(&mut self, name: &'static str, what: &str) -> Option<String> {
        let value = self.get(name);
        if value.is_none() {
            self.error(name, format!("input `{name}` is required: {what}"));
        }
        value
    }

    /// An optional input parsed by `parse`, whose error text is reported against the input.
    fn parsed<T>(
        &mut self,
        name: &'static str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let raw = self.get(name)?;
        match parse(&raw) {
            Ok(v) => Some(v),
            Err(why) => {
                self.error(name, format!("input `{name}`: {why}"));
                None
            }
        }
    }
}

/// Inputs that cannot run: every error at once, and the warnings found on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub errors: Vec<InputProblem>,
    pub warnings: Vec<InputProblem>,
}

/// The label rules (`require-label`, `percentage-from-label`), read on their own so that a
/// skip can be decided before anything else.
pub fn label_rules(env: &Env) -> crate::event::LabelRules {
    crate::event::LabelRules {
        require_label: env.input("require-label"),
        percentage_prefix: env.input("percentage-from-label"),
    }
}

/// Reads and validates every input. `now` decides whether a start time is in the past.
///
/// Returns every error at once, so one red run shows everything to fix.
pub fn parse(env: &Env, now: DateTime<Utc>) -> Result<Config, Rejected> {
    let mut r = Reader {
        env,
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    for unknown in env.unknown_inputs() {
        r.warnings.push(InputProblem::new(
            "inputs",
            "UnknownInput",
            format!("{unknown} is set but is not an input of this action; it is ignored (typo?)"),
        ));
    }

    let app_id = r
        .required("app-id", "the application ID, like app-88068867578379xxxx (ListEdgeContainerApps lists them)")
        .and_then(|v| checked(&mut r, "app-id", v, "app-", "an application ID starts with `app-`; find it with ListEdgeContainerApps or in the ESA console"));
    let version_id = r
        .required("version-id", "the version to publish, like ver-87962637161651xxxx")
        .and_then(|v| checked(&mut r, "version-id", v, "ver-", "a version ID starts with `ver-`; find it with ListEdgeContainerAppVersions or in the ESA console"));
    let publish_env = match r.required("publish-env", "`prod` or `staging`").as_deref() {
        None => None,
        Some("prod") => Some(PublishEnv::Prod),
        Some("staging") => Some(PublishEnv::Staging),
        Some(other) => {
            r.error(
                "publish-env",
                format!(
                    "input `publish-env` must be `prod` or `staging`, not `{}`",
                    shown(other)
                ),
            );
            None
        }
    };
    let percentage = r.parsed("percentage", parse_percentage);
    let start_time = r.parsed("start-time", parse_start_time);
    if let Some(t) = start_time {
        if t < now {
            r.warn(
                "start-time",
                format!(
                    "start-time {} is in the past; the service will start the publish at once",
                    crate::signing::format_timestamp(t)
                ),
            );
        }
    }
    let remarks = r.get("remarks");
    let publish_type = r.parsed("publish-type", |v| match v {
        "percentage" => Ok(PublishType::Percentage),
        "region" => Ok(PublishType::Region),
        other => Err(format!(
            "must be `percentage` or `region`, not `{}`",
            shown(other)
        )),
    });
    let mut regions = r.parsed("regions", parse_regions).unwrap_or_default();
    let mut full_release = r.parsed("full-release", parse_bool);
    let region_publish = publish_type == Some(PublishType::Region);
    if region_publish && regions.is_empty() && r.get("regions").is_none() {
        r.error("regions", "input `regions` is required with `publish-type: region`: list at least one region, e.g. `jiangsu,zhejiang`");
    }
    if !region_publish && r.get("publish-type").is_none_or(|t| t == "percentage") {
        if !regions.is_empty() {
            r.warn("regions", "input `regions` only applies to `publish-type: region`; the service ignores it for a percentage publish, so it is not sent");
            regions.clear();
        }
        if full_release.is_some() {
            r.warn("full-release", "input `full-release` only applies to `publish-type: region`; the service ignores it for a percentage publish, so it is not sent");
            full_release = None;
        }
    }

    let signature_version = r.parsed("signature-version", |v| {
        match v.to_ascii_lowercase().as_str() {
            "v3" => Ok(SignatureVersion::V3),
            "v2" => Ok(SignatureVersion::V2),
            _ => Err(format!(
                "must be `v3` (ACS3-HMAC-SHA256, recommended) or `v2` (HMAC-SHA1), not `{}`",
                shown(v)
            )),
        }
    });
    let dry_run = r.parsed("dry-run", parse_bool).unwrap_or(false);
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
    let endpoint = match r.get("endpoint") {
        Some(raw) => r.parsed("endpoint", |_| parse_endpoint(&raw)),
        None => r.parsed("region", |region| {
            if !region.is_empty()
                && region
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            {
                Ok(Endpoint {
                    scheme: "https",
                    host: format!("esa.{region}.aliyuncs.com"),
                    port: None,
                })
            } else {
                Err(format!(
                    "`{}` is not a region ID like `cn-hangzhou` or `ap-southeast-1`",
                    shown(region)
                ))
            }
        }),
    };
    let rollout = read_rollout(&mut r, percentage.is_some());
    let credentials = read_credentials(&mut r, env, dry_run);
    let export_credentials = r.parsed("export-credentials", parse_bool).unwrap_or(false);
    let sts_endpoint = match r.get("sts-endpoint") {
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
    };
    if let Err(why) = crate::host::Host::from_env(env) {
        r.error("ci-system", why);
    }

    if !r.errors.is_empty() {
        return Err(Rejected {
            errors: r.errors,
            warnings: r.warnings,
        });
    }
    match (
        app_id,
        version_id,
        publish_env,
        signature_version,
        endpoint,
        sts_endpoint,
    ) {
        (
            Some(app_id),
            Some(version_id),
            Some(publish_env),
            Some(signature_version),
            Some(endpoint),
            Some(sts_endpoint),
        ) => Ok(Config {
            publish: PublishRequest {
                app_id,
                version_id,
                publish_env,
                percentage,
                start_time,
                remarks,
                publish_type,
                regions,
                full_release,
            },
            credentials,
            sts_endpoint,
            export_credentials,
            endpoint,
            signature_version,
            dry_run,
            rollout,
            retry: crate::retry::Policy {
                max_attempts: max_attempts.unwrap_or(crate::retry::Policy::default().max_attempts),
                timeout: timeout.unwrap_or(crate::retry::Policy::default().timeout),
            },
            warnings: r.warnings,
        }),
        // Every `None` above has pushed an error, so this arm is not reached; keep it an error
        // rather than a panic all the same.
        _ => Err(Rejected {
            errors: vec![InputProblem::new(
                "inputs",
                "InvalidParameter",
                "the inputs could not be read",
            )],
            warnings: r.warnings,
        }),
    }
}

fn checked(
    r: &mut Reader<'_>,
    input: &'static str,
    value: String,
    prefix: &str,
    why: &str,
) -> Option<String> {
    let well_formed = value.len() > prefix.len()
        && value.starts_with(prefix)
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if well_formed {
        Some(value)
    } else {
        r.error(
            input,
            format!("input `{input}` is `{}`: {why}", shown(&value)),
        );
        None
    }
}

/// Text on one line: control characters (line breaks among them) become `\u{FFFD}`.
pub fn one_line(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

/// Input text as it may be quoted in a message: one line, at most 80 characters.
pub fn shown(value: &str) -> String {
    let one_line = one_line(value);
    if one_line.chars().count() > 80 {
        format!("{}…", one_line.chars().take(80).collect::<String>())
    } else {
        one_line
    }
}

/// A duration: whole seconds (`90`), or a number with a unit: `ms`, `s`, `m`, `h` (`30s`, `5m`).
pub fn parse_duration(value: &str) -> Result<Duration, String> {
    let split = value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len());
    let (number, unit) = value.split_at(split);
    let n: u64 = number.parse().map_err(|_| {
        format!(
            "`{}` is not a duration like `90`, `30s`, `5m` or `1h`",
            shown(value)
        )
    })?;
    let millis = match unit.trim() {
        "" | "s" => n.checked_mul(1000),
        "ms" => Some(n),
        "m" => n.checked_mul(60_000),
        "h" => n.checked_mul(3_600_000),
        _ => None,
    };
    millis.map(Duration::from_millis).ok_or_else(|| {
        format!(
            "`{}` is not a duration like `90`, `30s`, `5m` or `1h`",
            shown(value)
        )
    })
}

/// An integer from 1 to 100.
pub fn parse_percentage(value: &str) -> Result<u8, String> {
    match value.parse::<u8>() {
        Ok(p) if (1..=100).contains(&p) => Ok(p),
        _ => Err(format!(
            "must be a whole number from 1 to 100, not `{}`",
            shown(value)
        )),
    }
}

/// The YAML 1.2 core-schema booleans, as the Actions toolkit's `getBooleanInput` accepts them.
pub fn parse_bool(value: &str) -> Result<bool, String> {
    match value {
        "true" | "True" | "TRUE" => Ok(true),
        "false" | "False" | "FALSE" => Ok(false),
        other => Err(format!("must be `true` or `false`, not `{}`", shown(other))),
    }
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

/// 127.0.0.0/8, ::1 or `localhost`.
pub fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => bare.eq_ignore_ascii_case("localhost"),
    }
}

fn bounded_duration(v: &str, min: Duration, max: Duration) -> Result<Duration, String> {
    parse_duration(v).and_then(|d| {
        if d >= min && d <= max {
            Ok(d)
        } else {
            Err(format!(
                "must be between {} and {}, not `{}`",
                show_duration(min),
                show_duration(max),
                shown(v)
            ))
        }
    })
}

fn show_duration(d: Duration) -> String {
    match d.as_millis() {
        ms if ms % 3_600_000 == 0 => format!("{}h", ms / 3_600_000),
        ms if ms % 60_000 == 0 => format!("{}m", ms / 60_000),
        ms if ms % 1000 == 0 => format!("{}s", ms / 1000),
        ms => format!("{ms}ms"),
    }
}

/// `10,50,100`: percentages from 1 to 100, each larger than the one before.
pub fn parse_steps(value: &str) -> Result<Vec<u8>, String> {
    let steps: Vec<u8> = value
        .split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(parse_percentage)
        .collect::<Result<_, _>>()?;
    if steps.is_empty() {
        return Err("lists no percentage".into());
    }
    if steps.windows(2).any(|w| w[0] >= w[1]) {
        return Err(format!(
            "must rise step by step, like `10,50,100`, not `{}`",
            shown(value)
        ));
    }
    Ok(steps)
}

fn read_rollout(r: &mut Reader<'_>, percentage_given: bool) -> RolloutSettings {
    let steps = r
        .parsed("percentage-steps", parse_steps)
        .unwrap_or_default();
    if !steps.is_empty() && percentage_given {
        r.error(
            "percentage-steps",
            "input `percentage-steps` and input `percentage` both set the percentage: keep one",
        );
    }
    RolloutSettings {
        wait: r.parsed("wait", parse_bool).unwrap_or(false),
        wait_timeout: r
            .parsed("wait-timeout", |v| {
                bounded_duration(v, Duration::from_secs(1), Duration::from_secs(6 * 3600))
            })
            .unwrap_or(Duration::from_secs(900)),
        poll_interval: r
            .parsed("poll-interval", |v| {
                bounded_duration(v, Duration::from_millis(100), Duration::from_secs(600))
            })
            .unwrap_or(Duration::from_secs(10)),
        steps,
        step_wait: r
            .parsed("step-wait", |v| {
                bounded_duration(v, Duration::ZERO, Duration::from_secs(24 * 3600))
            })
            .unwrap_or(Duration::from_secs(300)),
        rollback_on_failure: r.parsed("rollback-on-failure", parse_bool).unwrap_or(false),
        if_busy: r
            .parsed("if-busy", |v| match v {
                "fail" => Ok(IfBusy::Fail),
                "wait" => Ok(IfBusy::Wait),
                other => Err(format!("must be `fail` or `wait`, not `{}`", shown(other))),
            })
            .unwrap_or(IfBusy::Fail),
    }
}

/// The credential chain, first match wins:
/// 1. the inputs `access-key-id` + `access-key-secret` (+ `security-token`);
/// 2. the inputs `role-arn` + `oidc-provider-arn`: a GitHub ID token exchanged with STS;
/// 3. the environment: `ALIBABA_CLOUD_ACCESS_KEY_ID`/`_SECRET`/`_SECURITY_TOKEN` (or the
///    `ALICLOUD_*` and `ALIBABACLOUD_*` spellings), then `ALIBABA_CLOUD_ROLE_ARN` +
///    `ALIBABA_CLOUD_OIDC_PROVIDER_ARN` + `ALIBABA_CLOUD_OIDC_TOKEN_FILE`;
/// 4. nothing: one error that lists every way (a dry run signs with a placeholder instead).
fn read_credentials(r: &mut Reader<'_>, env: &Env, dry_run: bool) -> Plan {
    let id = r.get("access-key-id");
    let secret = r.get("access-key-secret");
    let token = r.get("security-token");
    let role = r.get("role-arn");
    let provider = r.get("oidc-provider-arn");
    let duration = r.parsed("role-duration-seconds", |v| match v.parse::<u32>() {
        Ok(n) if (900..=43200).contains(&n) => Ok(n),
        _ => Err(format!(
            "must be a whole number of seconds from 900 to 43200, not `{}`",
            shown(v)
        )),
    });
    let session_name = r.parsed("role-session-name", |v| {
        if (2..=64).contains(&v.len()) && v.chars().all(|c| c.is_ascii_alphanumeric() || "._@-".contains(c)) {
            Ok(v.to_string())
        } else {
            Err(format!("must be 2 to 64 of the characters STS allows (letters, digits, `.`, `_`, `@`, `-`), not `{}`", shown(v)))
        }
    });
    let default_session =
        || default_session_name(env.var("GITHUB_REPOSITORY"), env.var("GITHUB_RUN_ID"));

    match (id, secret) {
        (Some(access_key_id), Some(secret)) => {
            return Plan::Static(
                Credentials {
                    access_key_id,
                    access_key_secret: Secret::new(secret),
                    security_token: token.map(Secret::new),
                },
                Source::Inputs,
            )
        }
        (Some(_), None) => {
            r.error("access-key-secret", "input `access-key-secret` is required with `access-key-id`: pass it from a secret, e.g. `${{ secrets.ALIBABA_CLOUD_ACCESS_KEY_SECRET }}`");
            return Plan::Missing;
        }
        (None, Some(_)) => {
            r.error(
                "access-key-id",
                "input `access-key-id` is required with `access-key-secret`",
            );
            return Plan::Missing;
        }
        (None, None) => {}
    }

    match (role, provider) {
        (Some(role_arn), Some(provider_arn)) => {
            let url = env
                .var("ACTIONS_ID_TOKEN_REQUEST_URL")
                .filter(|v| !v.is_empty());
            let bearer = env
                .var("ACTIONS_ID_TOKEN_REQUEST_TOKEN")
                .filter(|v| !v.is_empty());
            let (Some(request_url), Some(bearer)) = (url, bearer) else {
                r.errors.push(InputProblem::new(
                    "role-arn",
                    "MissingIdTokenPermission",
                    "keyless sign-in needs a GitHub ID token, and this job may not request one: add `permissions: id-token: write` to the job (or the workflow), next to `contents: read`",
                ));
                return Plan::Missing;
            };
            return Plan::Exchange(
                OidcExchange {
                    role_arn,
                    provider_arn,
                    session_name: session_name.unwrap_or_else(default_session),
                    duration_seconds: duration.unwrap_or(3600),
                    token: IdToken::GitHub {
                        request_url: request_url.to_string(),
                        request_token: Secret::new(bearer),
                        audience: r.get("audience"),
                    },
                },
                Source::Oidc,
            );
        }
        (Some(_), None) => {
            r.error("oidc-provider-arn", "input `oidc-provider-arn` is required with `role-arn` for keyless sign-in, e.g. acs:ram::123456789012:oidc-provider/github");
            return Plan::Missing;
        }
        (None, Some(_)) => {
            r.error("role-arn", "input `role-arn` is required with `oidc-provider-arn` for keyless sign-in, e.g. acs:ram::123456789012:role/esa-publisher");
            return Plan::Missing;
        }
        (None, None) => {}
    }

    let var = |name: &str| {
        env.var(name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    for [id, secret, token] in ENV_SPELLINGS {
        if let (Some(access_key_id), Some(secret)) = (var(id), var(secret)) {
            return Plan::Static(
                Credentials {
                    access_key_id,
                    access_key_secret: Secret::new(secret),
                    security_token: var(token).map(Secret::new),
                },
                Source::Env,
            );
        }
    }
    if let (Some(role_arn), Some(provider_arn), Some(file)) = (
        var("ALIBABA_CLOUD_ROLE_ARN"),
        var("ALIBABA_CLOUD_OIDC_PROVIDER_ARN"),
        var("ALIBABA_CLOUD_OIDC_TOKEN_FILE"),
    ) {
        return Plan::Exchange(
            OidcExchange {
                role_arn,
                provider_arn,
                session_name: var("ALIBABA_CLOUD_ROLE_SESSION_NAME")
                    .unwrap_or_else(default_session),
                duration_seconds: duration.unwrap_or(3600),
                token: IdToken::File(file.into()),
            },
            Source::OidcEnv,
        );
    }

    if !dry_run {
        r.errors.push(InputProblem::new(
            "access-key-id",
            "MissingCredentials",
            "no credentials found. Provide one of: (1) the inputs `access-key-id` and `access-key-secret` (+ `security-token`) from repository secrets; (2) keyless sign-in with the inputs `role-arn` and `oidc-provider-arn` and `permissions: id-token: write`; (3) the variables ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (+ ALIBABA_CLOUD_SECURITY_TOKEN), as aliyun/configure-aliyun-credentials-action exports them; (4) ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE",
        ));
    }
    Plan::Missing
}
