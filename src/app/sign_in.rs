//! Keyless sign-in: GitHub's ID token (or the token file), then STS, with every credential masked the moment it exists.

use std::io::Write;

use crate::app::progress::log_event;
use crate::ci::id_token;
use crate::ci::runner::Runner;
use crate::config::credentials::{IdToken, KeylessSignIn};
use crate::config::Config;
use crate::esa::credentials::Credentials;
use crate::esa::sts;
use crate::words::run::{signed_in, EXPORTED};
use esa_engine::base::error::Error;

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
    runner.log(&signed_in(
        &exchange.role_arn,
        &exchange.session_name,
        obtained.request_id.as_deref(),
        obtained.expiration.as_deref(),
    ));
    Ok(obtained.credentials)
}

/// Hands the credentials to later steps through `$GITHUB_ENV` (`export-credentials`), masked
/// first whatever their source: the runner prints the job environment in later steps'
/// headers.
pub fn export<W: Write>(runner: &mut Runner<W>, credentials: &Credentials) -> Result<(), Error> {
    runner.mask(credentials.access_key_secret.expose());
    if let Some(token) = &credentials.security_token {
        runner.mask(token.expose());
    }
    runner.export_env("ALIBABA_CLOUD_ACCESS_KEY_ID", &credentials.access_key_id)?;
    runner.export_env(
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        credentials.access_key_secret.expose(),
    )?;
    if let Some(token) = &credentials.security_token {
        runner.export_env("ALIBABA_CLOUD_SECURITY_TOKEN", token.expose())?;
    }
    runner.log(EXPORTED);
    Ok(())
}
