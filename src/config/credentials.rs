//! Where the credentials come from: the plan that the credential chain (inputs, keyless OIDC, the environment) decides on, without any network traffic.

use crate::base::secret::Secret;
use crate::ci::env::Env;
use crate::ci::id_token::IdTokenRequest;
use crate::config::reader::Reader;
use crate::esa::credentials::Credentials;
use crate::esa::sts::OidcExchange;
use esa_engine::base::error::InputProblem;
use esa_engine::base::text::shown;

/// Where the credentials came from: the `credential-source` output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `access-key-id` + `access-key-secret` (+ `security-token`).
    Inputs,
    /// `role-arn` + `oidc-provider-arn`: a GitHub ID token exchanged with STS.
    Oidc,
    /// `ALIBABA_CLOUD_ACCESS_KEY_ID` and friends.
    Env,
    /// `ALIBABA_CLOUD_ROLE_ARN` + `ALIBABA_CLOUD_OIDC_PROVIDER_ARN` + `ALIBABA_CLOUD_OIDC_TOKEN_FILE`.
    OidcEnv,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Inputs => "inputs",
            Source::Oidc => "oidc",
            Source::Env => "env",
            Source::OidcEnv => "oidc-env",
        }
    }
}

/// Where the OIDC token to exchange comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdToken {
    /// Asked of GitHub's token service (`ACTIONS_ID_TOKEN_REQUEST_URL`).
    GitHub(IdTokenRequest),
    /// Read from a file (`ALIBABA_CLOUD_OIDC_TOKEN_FILE`), as the official SDK does.
    File(std::path::PathBuf),
}

/// Keyless sign-in: an OIDC token, exchanged with STS for temporary credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeylessSignIn {
    pub exchange: OidcExchange,
    pub token: IdToken,
}

/// How this run gets its credentials, decided without any network traffic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialPlan {
    /// Credentials given as they are.
    Static(Credentials, Source),
    /// Credentials to obtain from STS first.
    Exchange(KeylessSignIn, Source),
    /// None found (allowed only in a dry run).
    Missing,
}

impl CredentialPlan {
    pub fn source(&self) -> Option<Source> {
        match self {
            CredentialPlan::Static(_, s) | CredentialPlan::Exchange(_, s) => Some(*s),
            CredentialPlan::Missing => None,
        }
    }
}

/// The spellings of the AccessKey variables, in order: the official SDKs', then the ones
/// aliyun/configure-aliyun-credentials-action also exports.
pub const ENV_SPELLINGS: &[[&str; 3]] = &[
    [
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        "ALIBABA_CLOUD_SECURITY_TOKEN",
    ],
    [
        "ALICLOUD_ACCESS_KEY",
        "ALICLOUD_SECRET_KEY",
        "ALICLOUD_SECURITY_TOKEN",
    ],
    [
        "ALIBABACLOUD_ACCESS_KEY_ID",
        "ALIBABACLOUD_ACCESS_KEY_SECRET",
        "ALIBABACLOUD_SECURITY_TOKEN",
    ],
];

/// A role session name from the repository and run: STS allows `[A-Za-z0-9._@-]`, 2 to 64
/// characters.
pub fn default_session_name(repository: Option<&str>, run_id: Option<&str>) -> String {
    let raw = format!(
        "esa-publish-{}-{}",
        repository.unwrap_or("local").replace('/', "."),
        run_id.unwrap_or("0")
    );
    let cleaned: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._@-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    // Keep the end (the run id) when the repository name is long.
    let start = cleaned.len().saturating_sub(64);
    cleaned[start..].to_string()
}

/// The credential chain, first match wins:
/// 1. the inputs `access-key-id` + `access-key-secret` (+ `security-token`);
/// 2. the inputs `role-arn` + `oidc-provider-arn`: a GitHub ID token exchanged with STS;
/// 3. the environment: `ALIBABA_CLOUD_ACCESS_KEY_ID`/`_SECRET`/`_SECURITY_TOKEN` (or the
///    `ALICLOUD_*` and `ALIBABACLOUD_*` spellings), then `ALIBABA_CLOUD_ROLE_ARN` +
///    `ALIBABA_CLOUD_OIDC_PROVIDER_ARN` + `ALIBABA_CLOUD_OIDC_TOKEN_FILE`;
/// 4. nothing: one error that lists every way (a dry run signs with a placeholder instead).
pub fn read_credentials(r: &mut Reader<'_>, env: &Env, dry_run: bool) -> CredentialPlan {
    let role = RoleSettings::read(r, env);
    if let Some(plan) = from_keys(r) {
        return plan;
    }
    if let Some(plan) = from_keyless_inputs(r, env, &role) {
        return plan;
    }
    if let Some(plan) = from_environment(env, &role) {
        return plan;
    }
    if !dry_run {
        r.errors.push(InputProblem::new(
            "access-key-id",
            "MissingCredentials",
            "no credentials found. Provide one of: (1) the inputs `access-key-id` and `access-key-secret` (+ `security-token`) from repository secrets; (2) keyless sign-in with the inputs `role-arn` and `oidc-provider-arn` and `permissions: id-token: write`; (3) the variables ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (+ ALIBABA_CLOUD_SECURITY_TOKEN), as aliyun/configure-aliyun-credentials-action exports them; (4) ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE",
        ));
    }
    CredentialPlan::Missing
}

/// How an assumed role's session is named and how long it lasts.
struct RoleSettings {
    duration_seconds: u32,
    /// `role-session-name`, when valid.
    session_name: Option<String>,
    /// The session name when none is given: from the repository and the run.
    default_session: String,
}

impl RoleSettings {
    fn read(r: &mut Reader<'_>, env: &Env) -> RoleSettings {
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
        RoleSettings {
            duration_seconds: duration.unwrap_or(3600),
            session_name,
            default_session: default_session_name(
                env.var("GITHUB_REPOSITORY"),
                env.var("GITHUB_RUN_ID"),
            ),
        }
    }
}

/// 1. The inputs' AccessKey; `None` when neither half is given.
fn from_keys(r: &mut Reader<'_>) -> Option<CredentialPlan> {
    let token = r.get("security-token");
    match (r.get("access-key-id"), r.get("access-key-secret")) {
        (Some(access_key_id), Some(secret)) => Some(CredentialPlan::Static(
            Credentials {
                access_key_id,
                access_key_secret: Secret::new(secret),
                security_token: token.map(Secret::new),
            },
            Source::Inputs,
        )),
        (Some(_), None) => {
            r.error("access-key-secret", "input `access-key-secret` is required with `access-key-id`: pass it from a secret, e.g. `${{ secrets.ALIBABA_CLOUD_ACCESS_KEY_SECRET }}`");
            Some(CredentialPlan::Missing)
        }
        (None, Some(_)) => {
            r.error(
                "access-key-id",
                "input `access-key-id` is required with `access-key-secret`",
            );
            Some(CredentialPlan::Missing)
        }
        (None, None) => None,
    }
}

/// 2. Keyless sign-in from the inputs; `None` when neither ARN is given.
fn from_keyless_inputs(
    r: &mut Reader<'_>,
    env: &Env,
    role: &RoleSettings,
) -> Option<CredentialPlan> {
    match (r.get("role-arn"), r.get("oidc-provider-arn")) {
        (Some(role_arn), Some(provider_arn)) => {
            let given = |name: &str| env.var(name).filter(|v| !v.is_empty());
            let (Some(request_url), Some(bearer)) = (
                given("ACTIONS_ID_TOKEN_REQUEST_URL"),
                given("ACTIONS_ID_TOKEN_REQUEST_TOKEN"),
            ) else {
                r.errors.push(InputProblem::new(
                    "role-arn",
                    "MissingIdTokenPermission",
                    "keyless sign-in needs a GitHub ID token, and this job may not request one: add `permissions: id-token: write` to the job (or the workflow), next to `contents: read`",
                ));
                return Some(CredentialPlan::Missing);
            };
            let exchange = OidcExchange {
                role_arn,
                provider_arn,
                session_name: role
                    .session_name
                    .clone()
                    .unwrap_or_else(|| role.default_session.clone()),
                duration_seconds: role.duration_seconds,
            };
            let token = IdToken::GitHub(IdTokenRequest {
                request_url: request_url.to_string(),
                request_token: Secret::new(bearer),
                audience: r.get("audience"),
            });
            Some(CredentialPlan::Exchange(
                KeylessSignIn { exchange, token },
                Source::Oidc,
            ))
        }
        (Some(_), None) => {
            r.error("oidc-provider-arn", "input `oidc-provider-arn` is required with `role-arn` for keyless sign-in, e.g. acs:ram::123456789012:oidc-provider/github");
            Some(CredentialPlan::Missing)
        }
        (None, Some(_)) => {
            r.error("role-arn", "input `role-arn` is required with `oidc-provider-arn` for keyless sign-in, e.g. acs:ram::123456789012:role/esa-publisher");
            Some(CredentialPlan::Missing)
        }
        (None, None) => None,
    }
}

/// 3. The environment: an AccessKey in any of its spellings, then a role with a token file.
fn from_environment(env: &Env, role: &RoleSettings) -> Option<CredentialPlan> {
    let var = |name: &str| {
        env.var(name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    for [id, secret, token] in ENV_SPELLINGS {
        if let (Some(access_key_id), Some(secret)) = (var(id), var(secret)) {
            let credentials = Credentials {
                access_key_id,
                access_key_secret: Secret::new(secret),
                security_token: var(token).map(Secret::new),
            };
            return Some(CredentialPlan::Static(credentials, Source::Env));
        }
    }
    let (role_arn, provider_arn, file) = (
        var("ALIBABA_CLOUD_ROLE_ARN")?,
        var("ALIBABA_CLOUD_OIDC_PROVIDER_ARN")?,
        var("ALIBABA_CLOUD_OIDC_TOKEN_FILE")?,
    );
    let exchange = OidcExchange {
        role_arn,
        provider_arn,
        session_name: var("ALIBABA_CLOUD_ROLE_SESSION_NAME")
            .unwrap_or_else(|| role.default_session.clone()),
        duration_seconds: role.duration_seconds,
    };
    let token = IdToken::File(file.into());
    Some(CredentialPlan::Exchange(
        KeylessSignIn { exchange, token },
        Source::OidcEnv,
    ))
}

#[cfg(test)]
mod tests {
    use crate::config::credentials::default_session_name;

    #[test]
    fn session_names_fit_sts_rules() {
        assert_eq!(
            default_session_name(Some("acme/shop"), Some("123")),
            "esa-publish-acme.shop-123"
        );
        let long = default_session_name(Some(&format!("o/{}", "x".repeat(100))), Some("987654321"));
        assert_eq!(long.len(), 64);
        assert!(long.ends_with("-987654321"));
        let odd = default_session_name(Some("a b/ü+c"), None);
        assert!(
            odd.chars()
                .all(|c| c.is_ascii_alphanumeric() || "._@-".contains(c)),
            "{odd}"
        );
    }
}
