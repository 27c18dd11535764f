//! Errors, grouped by what the user must do; each knows its annotation title and its RequestId. Which are transient is `esa::retry`'s to say, and what to do about each is the binary's words' (`words::remedy`).

use std::fmt;

use crate::base::text::{one_line, shown, truncated};

/// A problem with one input. As an error it stops the run before any network traffic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputProblem {
    /// The input's name, as written in the workflow.
    pub input: &'static str,
    /// The annotation title: the API's error code where one fits.
    pub code: &'static str,
    /// What is wrong, and what to write instead.
    pub message: String,
}

impl InputProblem {
    /// A problem of `input`, titled `code`.
    pub fn new(input: &'static str, code: &'static str, message: impl Into<String>) -> Self {
        InputProblem {
            input,
            code,
            message: message.into(),
        }
    }
}

/// Everything that can stop a publish.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Fix the workflow's inputs. Each problem names its input and is reported on its own.
    #[error("{} input problem(s); nothing was sent", .0.len())]
    Inputs(Vec<InputProblem>),

    /// The API refused the call: do what its code says.
    #[error("{0}")]
    Api(ApiError),

    /// Something answered, but not with the API's JSON (a proxy's HTML page, an empty body).
    #[error("the endpoint answered HTTP {status} with {what}, not the API's JSON{}; the body starts: {body_start}", request_id_suffix(.request_id.as_deref()))]
    UnexpectedResponse {
        /// The HTTP status.
        status: u16,
        /// What came instead (`an HTML page`, `an empty body`).
        what: String,
        /// `x-acs-request-id`, when sent.
        request_id: Option<String>,
        /// The body's first characters, on one line.
        body_start: String,
    },

    /// The answer is larger than esa-publish reads: the call worked, and nothing is refused.
    #[error("the answer from {endpoint} (HTTP {status}) is larger than the {} KiB esa-publish reads{}{}", .limit / 1024, .size.map(|n| format!(" ({} KiB)", n.div_ceil(1024))).unwrap_or_default(), request_id_suffix(.request_id.as_deref()))]
    AnswerTooLarge {
        /// Where the call went.
        endpoint: String,
        /// The HTTP status.
        status: u16,
        /// Its size, as the answer declared it (`Content-Length`) or as measured (at least
        /// this much: an answer is measured only so far).
        size: Option<u64>,
        /// The most esa-publish reads.
        limit: usize,
        /// `x-acs-request-id`, when sent.
        request_id: Option<String>,
    },

    /// The endpoint could not be reached, or did not answer in time.
    #[error("{}: {detail}", if *.request_sent { format!("no complete answer from {endpoint}") } else { format!("could not reach {endpoint}") })]
    Network {
        /// Where the call went.
        endpoint: String,
        /// What went wrong, without the URL.
        detail: String,
        /// Whether it was a timeout.
        timed_out: bool,
        /// Whether the request may have reached the service (so a publish may have happened).
        request_sent: bool,
    },

    /// Getting credentials failed before the publish (the ID token, the token file, STS's
    /// answer). STS refusals with a code are `Api` errors.
    #[error("{detail}")]
    Credentials {
        /// Which step failed.
        kind: CredentialsKind,
        /// What went wrong.
        detail: String,
        /// Whether trying again may help.
        retryable: bool,
    },

    /// The server's TLS certificate was not trusted. Verification is never skipped.
    #[error("refused the TLS certificate of {endpoint}: {detail}")]
    Certificate {
        /// Where the call went.
        endpoint: String,
        /// What the TLS library said.
        detail: String,
    },

    /// The last error of a call, and how many attempts were made before giving up.
    #[error("{last} [{attempts} attempt{}; {reason}]", if *.attempts == 1 { "" } else { "s" })]
    Attempts {
        /// How many attempts were made.
        attempts: u32,
        /// Why no more were.
        reason: StopReason,
        /// The last attempt's error.
        last: Box<Error>,
    },

    /// The runner's files (`GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`) could not be written.
    #[error("could not write {what}: {detail}")]
    RunnerFile {
        /// Which file (`GITHUB_OUTPUT`, the job summary).
        what: String,
        /// Why it could not be written.
        detail: String,
    },

    /// The machine failed us (no randomness for a nonce).
    #[error("{0}")]
    System(String),
}

/// Which step of getting credentials failed; it picks the title and the remedy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialsKind {
    /// GitHub's ID-token service (permission, or the service failing).
    IdTokenRequestFailed,
    /// The OIDC token file of `ALIBABA_CLOUD_OIDC_TOKEN_FILE`.
    OidcTokenFileUnreadable,
    /// STS answered without the credentials.
    StsAnswerUnreadable,
}

impl CredentialsKind {
    /// The annotation title.
    pub fn code(self) -> &'static str {
        match self {
            CredentialsKind::IdTokenRequestFailed => "IdTokenRequestFailed",
            CredentialsKind::OidcTokenFileUnreadable => "OidcTokenFileUnreadable",
            CredentialsKind::StsAnswerUnreadable => "StsAnswerUnreadable",
        }
    }
}

/// Why retrying stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// The error is not one that passes (a refusal, a bad request).
    NotTransient,
    /// The request may have reached the service, and it is not one to repeat blindly.
    MayHaveApplied,
    /// Every attempt `max-attempts` allows was made.
    NoAttemptsLeft,
    /// The call's deadline came.
    Deadline,
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StopReason::NotTransient => "not retried: the error is not transient",
            StopReason::MayHaveApplied => "not retried: the request may have reached the service, and a publish is never repeated blindly",
            StopReason::NoAttemptsLeft => "gave up: no attempts left",
            StopReason::Deadline => "gave up: the deadline was reached",
        })
    }
}

fn request_id_suffix(id: Option<&str>) -> String {
    id.map(|id| format!(" (RequestId {})", shown(id)))
        .unwrap_or_default()
}

/// An Alibaba Cloud error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// The error code (`InvalidApp.NotFound`).
    pub code: String,
    /// The service's message.
    pub message: String,
    /// The RequestId, from the body or the header.
    pub request_id: Option<String>,
    /// The service's troubleshooting link, when it gives one.
    pub recommend: Option<String>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = if self.message.is_empty() {
            "(no message)".to_string()
        } else {
            truncated(&self.message, 1500)
        };
        write!(f, "{message} (HTTP {}", self.status)?;
        if let Some(id) = &self.request_id {
            write!(f, ", RequestId {}", shown(id))?;
        }
        f.write_str(")")?;
        if let Some(r) = &self.recommend {
            write!(f, " Troubleshooting: {}", one_line(r))?;
        }
        Ok(())
    }
}

impl Error {
    /// Whether the call's request went out and its answer was lost, so it may or may not have
    /// taken effect.
    pub fn may_have_applied(&self) -> bool {
        matches!(
            self,
            Error::Attempts {
                reason: StopReason::MayHaveApplied,
                ..
            }
        )
    }

    /// The same error, saying that `total` attempts were made in all (a settled publish that
    /// was sent again counts every send). An error that is not a count stays as it is.
    pub fn with_attempts(self, total: u32) -> Error {
        match self {
            Error::Attempts { reason, last, .. } => Error::Attempts {
                attempts: total,
                reason,
                last,
            },
            other => other,
        }
    }

    /// A broken promise inside esa-publish itself, named by a short code (`driver_reply`): a
    /// bug to report, never the service's or the user's doing.
    pub fn internal(code: &'static str) -> Error {
        Error::System(format!(
            "esa-publish broke one of its own rules ({code}); this is a bug, please report it with this log"
        ))
    }

    /// Whether the service refused the call for lack of permission (RAM).
    pub fn is_permission_denied(&self) -> bool {
        let title = self.title();
        title.starts_with("Forbidden") || title == "NoPermission"
    }

    /// The answer that was too large to read, behind any count of attempts: its size when known.
    pub fn too_large(&self) -> Option<Option<u64>> {
        match self {
            Error::AnswerTooLarge { size, .. } => Some(*size),
            Error::Attempts { last, .. } => last.too_large(),
            _ => None,
        }
    }

    /// How many attempts this error stands for (1 for a single failure).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Attempts { attempts, .. } => *attempts,
            _ => 1,
        }
    }

    /// The annotation title: the Alibaba error code where there is one.
    pub fn title(&self) -> String {
        match self {
            Error::Inputs(_) => "InvalidInputs".into(),
            Error::Api(e) => e.code.clone(),
            Error::UnexpectedResponse { .. } => "UnexpectedResponse".into(),
            Error::AnswerTooLarge { .. } => "AnswerTooLarge".into(),
            Error::Attempts { last, .. } => last.title(),
            Error::Certificate { .. } => "CertificateRejected".into(),
            Error::Credentials { kind, .. } => kind.code().into(),
            Error::Network {
                timed_out: true, ..
            } => "Timeout".into(),
            Error::Network { .. } => "NetworkError".into(),
            Error::RunnerFile { .. } => "RunnerFileError".into(),
            Error::System(_) => "SystemError".into(),
        }
    }

    /// The RequestId the service gave, if it answered at all.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            Error::UnexpectedResponse { request_id, .. } => request_id.as_deref(),
            Error::AnswerTooLarge { request_id, .. } => request_id.as_deref(),
            Error::Attempts { last, .. } => last.request_id(),
            _ => None,
        }
    }
}
