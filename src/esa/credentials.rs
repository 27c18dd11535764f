//! Who signs: the AccessKey pair and optional STS token, kept out of every printout.

use crate::base::secret::Secret;

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
}
