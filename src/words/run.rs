//! The run's own lines, around the deploy: what a pull request's label set, why a run was skipped or refused, the count of input problems past what GitHub shows, keyless sign-in and exported credentials, and a report left incomplete.

use crate::words::failure::Failed;
use esa_engine::base::error::{Error, InputProblem};
use esa_engine::base::text::shown;

/// The log line of a label that sets the percentage (and what `percentage` said, if given).
pub fn label_percentage(label: &str, percentage: u8, given: Option<u8>) -> String {
    format!(
        "the label `{label}` sets the percentage to {percentage}%{}",
        given
            .map(|p| format!(" (input `percentage` said {p}%)"))
            .unwrap_or_default()
    )
}

/// The title of a canary run that no label gave a percentage.
pub const PERCENTAGE_LABEL_MISSING: &str = "PercentageLabelMissing";

/// A canary run that no `<prefix><n>` label gave a percentage, with no `percentage` to fall
/// back on: it would publish to 100%.
pub fn percentage_label_missing(prefix: &str) -> InputProblem {
    InputProblem::new(
        "percentage-from-label",
        PERCENTAGE_LABEL_MISSING,
        format!("input `percentage-from-label`: no `{}<n>` label sets the percentage on this run, and without `percentage` it would publish to 100%. Set `percentage` as the fallback, or gate the step on the label with `require-label`", shown(prefix)),
    )
}

/// The log line of a run whose inputs were refused.
pub fn refused_line(failed: &Failed) -> String {
    format!("esa-publish: {}", failed.message())
}

/// The title of the annotation that counts the input problems GitHub would not show.
pub const MORE_PROBLEMS: &str = "MoreInputProblems";

/// The annotation for the input problems past what GitHub shows in one step.
pub fn more_problems(count: usize, codes: &[&str]) -> String {
    format!(
        "and {count} more input problem{} ({}): GitHub shows 10 annotations of a kind per step; the job summary and the log list every one",
        if count == 1 { "" } else { "s" },
        codes.join(", ")
    )
}

/// The title of a run that label gating skipped.
pub const SKIPPED: &str = "Skipped";

/// The notice of a skipped run.
pub fn skipped(reason: &str) -> String {
    format!("esa-publish skipped: {reason}")
}

/// An input problem of a skipped run, shown as a warning so that it surfaces before the label
/// is added.
pub fn skipped_problem(p: &InputProblem) -> String {
    format!(
        "{} (this run is skipped; a publish would fail on it)",
        p.message
    )
}

/// The log line of a keyless sign-in.
pub fn signed_in(
    role_arn: &str,
    session: &str,
    request_id: Option<&str>,
    expiration: Option<&str>,
) -> String {
    format!(
        "signed in as {role_arn} (session {session}) through STS AssumeRoleWithOIDC, RequestId {}{}",
        request_id.unwrap_or("(none)"),
        expiration
            .map(|e| format!(", valid until {e}"))
            .unwrap_or_default()
    )
}

/// The log line of credentials handed to later steps.
pub const EXPORTED: &str = "exported ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET and ALIBABA_CLOUD_SECURITY_TOKEN to later steps (masked)";

/// The warning of a runner file that could not be written once calls were made.
pub fn report_incomplete(e: &Error) -> String {
    format!("{e}. Only the report is incomplete: the deployment's result is in the log, and the step's result does not change for this (after a publish, a re-run would publish again).")
}
