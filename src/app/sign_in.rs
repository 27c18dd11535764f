//! Keyless sign-in: GitHub's ID token (or the token file), then STS, with every credential masked the moment it exists.

use std::io::Write;

use crate::app::progress::log_event;
use crate::base::error::Error;
use crate::ci::id_token;
use crate::ci::runner::Runner;
use crate::config::credentials::{IdToken, KeylessSignIn};
use crate::config::Config;
use crate::esa::credentials::Credentials;
use crate::esa::sts;

/// Keyless sign-in: the ID token, then STS. Every credential is masked the moment it exists,
/// before anything else is printed.
pub async fn sign_in<W: Write>(
    keyless: &KeylessSignIn,
    config: &Config,
    runner: &mut Runner<W>,
) -> Result<Credentials, Error> {
    let exchange = &keyless.exchange;
    let token = match &keyless.token {
        IdToken::GitHub(request) => {
            id_token::fetch(request, &config.retry, &mut |e| log_event(runner, e)).await?
        }
        IdToken::File(path) => sts::read_token_file(path)?,
    };
    runner.mask(token.expose());
    let obtained = sts::assume_role(
        exchange,
        &token,
        &config.sts_endpoint,
        &config.retry,
        &mut |e| log_event(runner, e),
    )
    .await?;
    let c = &obtained.credentials;
    runner.mask(&c.access_key_id);
    runner.mask(c.access_key_secret.expose());
    if let Some(t) = &c.security_token {
        runner.mask(t.expose());
    }
    runner.log(&format!(
        "signed in as {} (session {}) through STS AssumeRoleWithOIDC, RequestId {}{}",
        exchange.role_arn,
        exchange.session_name,
        obtained.request_id.as_deref().unwrap_or("(none)"),
        obtained
            .expiration
            .as_deref()
            .map(|e| format!(", valid until {e}"))
            .unwrap_or_default()
    ));
    Ok(obtained.credentials)
}
