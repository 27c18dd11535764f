//! What to do about an error, in the action's own words: the service's error codes get `words::advice`, the others advice that names the inputs and GitHub settings to change. The error type itself (`base`) knows none of these.

use crate::words::advice::advice;
use esa_engine::base::error::{CredentialsKind, Error, StopReason};

/// The advice that follows an error's message.
pub fn remedy(error: &Error) -> Option<String> {
    let text = match error {
        Error::Api(e) => return advice(&e.code).map(|a| format!("What to do: {a}")),
        Error::Attempts { reason: StopReason::MayHaveApplied, .. } => "The publish may have taken effect: check the application's publish status (ESA console, or GetEdgeContainerAppStatus) before re-running.",
        Error::Attempts { reason, last, .. } => {
            let setting = match reason {
                StopReason::NoAttemptsLeft => Some("`max-attempts` sets the attempts of each call."),
                StopReason::Deadline => Some("`timeout` sets each call's deadline, its retries included."),
                StopReason::NotTransient | StopReason::MayHaveApplied => None,
            };
            let parts: Vec<String> = setting.map(str::to_string).into_iter().chain(remedy(last)).collect();
            return (!parts.is_empty()).then(|| parts.join(" "));
        }
        Error::Credentials { kind: CredentialsKind::IdTokenRequestFailed, .. } => "Keyless sign-in needs `permissions: id-token: write` on the job; if it is there, re-run (GitHub's token service may have failed).",
        Error::Credentials { kind: CredentialsKind::OidcTokenFileUnreadable, .. } => "Point ALIBABA_CLOUD_OIDC_TOKEN_FILE at a readable file holding the OIDC token, or use the inputs `role-arn` and `oidc-provider-arn` instead.",
        Error::Credentials { kind: CredentialsKind::StsAnswerUnreadable, .. } => "Check the STS endpoint (`sts-endpoint`) and re-run.",
        Error::Certificate { .. } => "esa-publish always verifies TLS certificates and has no switch to skip it. Check `endpoint`; behind a TLS-intercepting proxy, add its CA to the system bundle (or point SSL_CERT_FILE at a bundle that has it).",
        Error::UnexpectedResponse { .. } => "Check `endpoint`/`region`: something other than the ESA API answered (a proxy or a wrong host). If it persists, re-run with the RequestId at hand.",
        Error::Network { .. } => "Check `endpoint`/`region` and the runner's network access to *.aliyuncs.com, then re-run.",
        Error::AnswerTooLarge { .. } => "The call itself worked (no permission is missing); its answer is just too large to read. Re-run; if it persists, report it with the RequestId.",
        Error::RunnerFile { .. } => "The runner's files are not writable; this is a runner problem, re-run the job.",
        Error::Inputs(_) | Error::System(_) => return None,
    };
    Some(text.to_string())
}
