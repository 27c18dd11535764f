//! Writing the sticky comment on the pull request once the deploy has ended (its words are `words::comment`'s). It never changes the run's result: what stops it is a warning, or a notice off pull requests.

use std::io::Write;
use std::time::Duration;

use crate::ci::cancel::Cancel;
use crate::ci::pr_comment::CommentError;
use crate::ci::runner::{Level, Runner};
use crate::config::comment::CommentPlan;
use crate::words::comment::{body, marker, no_answer, posted_line, refused, unavailable};
use crate::words::comment::{Told, CANCELLED_LINE, DRY_RUN_LINE, NOT_COMMENTED};
use crate::words::outcome::RunResult;

/// The longest the comment waits for GitHub, all its calls together.
const COMMENT_DEADLINE: Duration = Duration::from_secs(30);

/// Writes the comment the config asks for, saying in the log, or in a warning, what became of
/// it. Nothing for a dry run, a skipped or a cancelled run.
pub async fn comment<W: Write>(told: &Told<'_>, runner: &mut Runner<W>, cancel: &Cancel) {
    let thread = match &told.config.comment {
        CommentPlan::Off => return,
        CommentPlan::Unavailable(why) => {
            let (level, title, text) = unavailable(why);
            return runner.annotate(level, title, &text);
        }
        CommentPlan::Write(thread) => thread,
    };
    match told.ended {
        RunResult::DryRun => return runner.log(DRY_RUN_LINE),
        RunResult::Cancelled | RunResult::Skipped => return,
        _ => {}
    }
    // The runner hides the job's token already; a token of the workflow's own is hidden too.
    runner.mask(&thread.token);
    let (body, marker) = (body(told), marker(told.config));
    let written = tokio::select! {
        biased;
        _ = cancel.requested() => return runner.log(CANCELLED_LINE),
        written = tokio::time::timeout(COMMENT_DEADLINE, thread.upsert(&marker, &body)) => written,
    };
    match written {
        Ok(Ok(posted)) => runner.log(&posted_line(thread, posted)),
        Ok(Err(error)) => runner.annotate(Level::Warning, NOT_COMMENTED, &refused(thread, &error)),
        Err(_) => runner.annotate(
            Level::Warning,
            NOT_COMMENTED,
            &refused(thread, &CommentError::Network(no_answer(COMMENT_DEADLINE))),
        ),
    }
}
