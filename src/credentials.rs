//! Who signs: the AccessKey pair and optional STS token, kept out of every printout, and the chain that decides where they come from (inputs, keyless OIDC, the environment).

use std::fmt;

/// A secret string. `Debug` and `Display` print `<redacted>`; only [`Secret::expose`] reads it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for the signer. Never format the result.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// What signs a request: an AccessKey pair, plus a security token when it came from STS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    /// The AccessKey ID: an identifier, sent in the clear in every request.
    pub access_key_id: String,
    /// The AccessKey secret: the HMAC key. It never leaves the process.
    pub access_key_secret: Secret,
    /// An STS security token; sent with the request, so it is as sensitive as the secret.
    pub security_token: Option<Secret>,
}

impl Credentials {
    /// The AccessKey ID as it may be printed: its first four characters, then `****`.
    pub fn redacted_id(&self) -> String {
        let head: String = self.access_key_id.chars().take(4).collect();
        format!("{head}****")
    }
}

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
    /// Asked of GitHub: `ACTIONS_ID_TOKEN_REQUEST_URL` with the bearer token
    /// `ACTIONS_ID_TOKEN_REQUEST_TOKEN`.
    GitHub {
        request_url: String,
        request_token: Secret,
        audience: Option<String>,
    },
    /// Read from a file (`ALIBABA_CLOUD_OIDC_TOKEN_FILE`), as the official SDK does.
    File(std::path::PathBuf),
}

/// An AssumeRoleWithOIDC exchange to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcExchange {
    pub role_arn: String,
    pub provider_arn: String,
    pub session_name: String,
    pub duration_seconds: u32,
    pub token: IdToken,
}

/// How this run gets its credentials, decided without any network traffic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Credentials given as they are.
    Static(Credentials, Source),
    /// Credentials to obtain from STS first.
    Exchange(OidcExchange, Source),
    /// None found (allowed only in a dry run).
    Missing,
}

impl Plan {
    pub fn source(&self) -> Option<Source> {
        match self {
            Plan::Static(_, s) | Plan::Exchange(_, s) => Some(*s),
            Plan::Missing => None,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret_or_token() {
        let c = Credentials {
            access_key_id: "LTAIexample".into(),
            access_key_secret: Secret::new("s3cr3t-canary"),
            security_token: Some(Secret::new("tok3n-canary")),
        };
        let shown = format!("{c:?} {c:#?}");
        assert!(!shown.contains("s3cr3t-canary"));
        assert!(!shown.contains("tok3n-canary"));
        assert!(shown.contains("<redacted>"));
        assert_eq!(c.redacted_id(), "LTAI****");
    }

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
