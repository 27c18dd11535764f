//! The job summary in Markdown: what was asked, how it ended (published, accepted, a dry run, skipped, failed), the warnings, and when the rollout was followed its chart and timeline.

use crate::ci::runner::{code_cell, markdown_cell};
use crate::config::Config;
use crate::esa::signing::format_timestamp;
use crate::words::budget::{keep_end, size_text, LOG_BUDGET, SUMMARY_BUDGET, TIMELINE_BUDGET};
use crate::words::chart::mermaid;
use crate::words::explain;
use crate::words::failure::Failed;
use crate::words::record::Record;
use crate::words::report::{rollout, signature_name, version_id};
use esa_engine::base::error::Error;
use esa_engine::base::text::clock_text;
use esa_engine::deploy::event::{Chosen, Diagnosis};
use esa_engine::deploy::plan::Plan;
use esa_engine::deploy::plan::{Template, VersionSource};
use esa_engine::esa::versions::Listed;

/// How the run ended.
pub enum Ending<'a> {
    /// The service took the publish: `followed` when the run watched it serve. `answer_lost`:
    /// the answer was lost and the status confirmed the publish, so its RequestId is unknown.
    Published {
        request_id: Option<&'a str>,
        answer_lost: bool,
        followed: bool,
    },
    /// The environment served the version in full already: nothing was published.
    Unchanged,
    /// A dry run, with the read calls it made (nothing was changed).
    DryRun {
        reads: &'a [&'static str],
    },
    Skipped(&'a str),
    Failed(&'a Failed),
}

/// Everything the summary is made from.
pub struct Summary<'a> {
    pub config: Option<&'a Config>,
    /// The engine's plan: what the summary says of the rollout.
    pub plan: Option<&'a Plan>,
    pub outcome: Ending<'a>,
    pub record: Option<&'a Record>,
    /// The warnings the run annotated: (title, message).
    pub warnings: &'a [(String, String)],
}

type Rows = Vec<(&'static str, String)>;

fn heading(outcome: &Ending<'_>) -> String {
    match outcome {
        Ending::Published { followed: true, .. } => "✅ esa-publish: published".into(),
        Ending::Unchanged => "✅ esa-publish: unchanged (it served this version already)".into(),
        Ending::Published {
            followed: false, ..
        } => "📨 esa-publish: accepted".into(),
        Ending::DryRun { reads: [] } => "🧪 esa-publish: dry run (nothing was sent)".into(),
        Ending::DryRun { .. } => "🧪 esa-publish: dry run (reads only: nothing was changed)".into(),
        Ending::Skipped(reason) => format!("⏭️ esa-publish: skipped: {}", markdown_cell(reason)),
        Ending::Failed(e) => format!("❌ esa-publish: failed ({})", markdown_cell(&e.title())),
    }
}

/// Where the version came from, which it is, its name and whether this run made it.
fn version_rows(c: &Config, chosen: Option<&Chosen>, rows: &mut Rows) {
    let id = version_id(c, chosen);
    rows.push((
        "Version",
        match id.is_empty() {
            true => "not known yet".to_string(),
            false => code_cell(id),
        },
    ));
    if let Some(name) = chosen.and_then(|v| v.name.as_deref()).or(c.version.name()) {
        rows.push(("Version name", code_cell(name)));
    }
    let source = match &c.version {
        VersionSource::Id(_) => None,
        VersionSource::Named(_) => Some("found by its name".to_string()),
        VersionSource::FromStaging => {
            Some("promoted from staging (what staging serves)".to_string())
        }
        VersionSource::New {
            template: Template::Image { image, base, .. },
            ..
        } => Some(format!(
            "image {} on {}",
            code_cell(&image.text),
            base.as_deref()
                .map(code_cell)
                .unwrap_or_else(|| "the version the environment served".into())
        )),
        VersionSource::New {
            template: Template::Spec { path, .. },
            ..
        } => Some(format!("spec file {}", code_cell(path))),
    };
    if let Some(source) = source {
        rows.push(("Version source", source));
    }
    if let (Some(v), VersionSource::New { .. }) = (chosen, &c.version) {
        let created = match v.created {
            true => "yes, by this run",
            false => "no: it existed already (re-run), so it was reused",
        };
        rows.push(("Version created", created.to_string()));
    }
}

/// What was asked: the app, the version, where and how.
fn asked_rows(c: &Config, plan: Option<&Plan>, chosen: Option<&Chosen>, rows: &mut Rows) {
    let p = &c.publish;
    rows.push(("App", code_cell(&p.app_id)));
    version_rows(c, chosen, rows);
    rows.push(("Environment", p.publish_env.as_str().to_string()));
    if let Some(plan) = plan {
        rows.push(("Rollout", markdown_cell(&rollout(plan))));
    }
    let start = p.start_time.map(format_timestamp);
    rows.push(("Start time", start.unwrap_or_else(|| "now".into())));
    if let Some(r) = &p.remarks {
        rows.push(("Remarks", markdown_cell(r)));
    }
    rows.push(("Endpoint", markdown_cell(&c.endpoint.base_url())));
    rows.push(("Signature", signature_name(c.signature_version).to_string()));
    if let Some(source) = c.credentials.source() {
        rows.push(("Credentials", source.as_str().to_string()));
    }
}

/// How it ended: the RequestId, what is known of the rollout, the reads of a dry run, the
/// error.
fn outcome_rows(outcome: &Ending<'_>, rows: &mut Rows) {
    let request_id = match outcome {
        Ending::Published { request_id, .. } => *request_id,
        Ending::Failed(e) => e.request_id(),
        Ending::DryRun { .. } | Ending::Skipped(_) | Ending::Unchanged => None,
    };
    match (request_id, outcome) {
        (Some(id), _) => rows.push(("RequestId", code_cell(id))),
        (None, Ending::Published { answer_lost: true, .. }) => rows.push((
            "RequestId",
            "unknown: the publish's answer was lost, and the app's status confirmed that it took effect".into(),
        )),
        _ => {}
    }
    match outcome {
        Ending::Published { followed: false, .. } => rows.push((
            "Ending",
            markdown_cell("accepted by the service; not followed (`wait` is off), so whether the version is published and serving is not known here"),
        )),
        Ending::Unchanged => rows.push((
            "Ending",
            markdown_cell("the environment's status showed this version serving all of it already, so nothing was published"),
        )),
        Ending::DryRun { reads } if !reads.is_empty() => {
            let reads: Vec<String> = reads.iter().map(|r| code_cell(r)).collect();
            rows.push(("Reads", reads.join(", ")));
        }
        Ending::Failed(failed) => match failed.input_error() {
            Some(Error::Inputs(problems)) => rows.extend(problems.iter().map(|p| {
                let text = format!("{}: {}", p.code, p.message);
                ("Input error", markdown_cell(&text))
            })),
            _ => rows.push(("Error", markdown_cell(&failed.message()))),
        },
        Ending::Published { .. } | Ending::DryRun { .. } | Ending::Skipped(_) => {}
    }
}

/// Where the app runs and what `keep-versions` did.
fn aftercare_rows(c: &Config, record: &Record, rows: &mut Rows) {
    if c.health.is_some() && record.health.probes > 0 {
        rows.push(("Health", markdown_cell(&record.health.row())));
    }
    if let Some(Some(url)) = &record.url {
        rows.push(("URL", code_cell(url)));
    }
    if let Some(ips) = record.staging_ips.as_ref().filter(|ips| !ips.is_empty()) {
        let ips: Vec<String> = ips.iter().map(|ip| code_cell(ip)).collect();
        rows.push(("Staging IPs", ips.join(", ")));
    }
    let ids = |versions: &[Listed]| match versions.is_empty() {
        true => "none".to_string(),
        false => versions
            .iter()
            .map(|v| code_cell(&v.version_id))
            .collect::<Vec<_>>()
            .join(", "),
    };
    if let Some(would) = &record.would_delete {
        rows.push(("Would delete", ids(would)));
    } else if c.aftercare.keep_versions > 0 && record.fate.published() {
        let mut deleted = ids(&record.deleted);
        if record.deletes_left > 0 {
            deleted.push_str(&format!(
                " ({} more left for the next run)",
                record.deletes_left
            ));
        }
        rows.push(("Deleted versions", deleted));
    }
}

/// What explains a failure: the pod or the regions and the reads that failed; and the app's
/// own log, when it was read, for [`log_block`].
fn why(record: &Record) -> (String, Option<&[String]>) {
    if record.diagnosis.is_empty() && record.unread.is_empty() {
        return (String::new(), None);
    }
    let mut md = "#### Why it failed\n\n".to_string();
    let mut logs = None;
    for d in &record.diagnosis {
        let line = match d {
            Diagnosis::Pod(p) => format!("the staging pod is {}", explain::pod(p)),
            Diagnosis::Regions(r) => explain::regions(r),
            Diagnosis::LogsWithheld { public } => explain::withheld(*public),
            Diagnosis::Logs(lines) => {
                logs = Some(lines.as_slice());
                continue;
            }
        };
        md.push_str(&format!("- {}\n", markdown_cell(&line)));
    }
    for (_, error) in &record.unread {
        md.push_str(&format!(
            "- {}\n",
            markdown_cell(&format!("could not read: {error}"))
        ));
    }
    (md, logs)
}

/// The app's log folded away, its text escaped, keeping its end within `budget` bytes and
/// saying in the fold's heading what was cut.
fn log_block(lines: &[String], budget: usize) -> String {
    let rendered: Vec<String> = lines
        .iter()
        .map(|line| format!("{}\n", html_text(&explain::log_line(line))))
        .collect();
    let (first, cut) = keep_end(&rendered, budget);
    let heading = explain::log_heading(lines.len(), cut.rows, &size_text(cut.bytes));
    format!(
        "\n<details><summary>{}</summary>\n\n<pre>\n{}</pre>\n\n</details>\n",
        markdown_cell(&heading),
        rendered[first..].concat()
    )
}

/// Text inside `<pre>`: HTML's own characters escaped, control characters replaced.
fn html_text(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '&' => "&amp;".to_string(),
            c if c.is_control() => "\u{FFFD}".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// The warnings, one bullet each.
fn warnings(list: &[(String, String)]) -> String {
    if list.is_empty() {
        return String::new();
    }
    let mut md = "#### Warnings\n\n".to_string();
    for (title, message) in list {
        md.push_str(&format!(
            "- **{}**: {}\n",
            markdown_cell(title),
            markdown_cell(message)
        ));
    }
    md.push('\n');
    md
}

/// The chart and the timeline of a followed rollout.
fn timeline(config: Option<&Config>, record: &Record) -> String {
    let mut md = "#### Timeline\n\n".to_string();
    let (title, place) = match config {
        Some(c) => {
            let env = c.publish.publish_env.as_str();
            let version = version_id(c, record.version.as_ref());
            (format!("{version} on {env}"), env.to_string())
        }
        None => ("the rollout".into(), "the rollout".into()),
    };
    if let Some(chart) = mermaid(&record.chart, &title, &place) {
        md.push_str(&chart);
        md.push('\n');
    }
    let rows: Vec<String> = record
        .timeline
        .iter()
        .map(|m| format!("| {} | {} |\n", clock_text(m.at), markdown_cell(&m.text)))
        .collect();
    let (first, cut) = keep_end(&rows, TIMELINE_BUDGET);
    if cut.rows > 0 {
        md.push_str(&format!(
            "{}\n\n",
            markdown_cell(&explain::timeline_cut(cut.rows))
        ));
    }
    md.push_str("| time | event |\n|---|---|\n");
    md.push_str(&rows[first..].concat());
    md.push('\n');
    md
}

/// The job summary.
pub fn summary(s: &Summary<'_>) -> String {
    let mut rows = Rows::new();
    if let Some(c) = s.config {
        asked_rows(
            c,
            s.plan,
            s.record.and_then(|r| r.version.as_ref()),
            &mut rows,
        );
    }
    outcome_rows(&s.outcome, &mut rows);
    if let (Some(c), Some(record)) = (s.config, s.record) {
        aftercare_rows(c, record, &mut rows);
    }
    let mut md = format!("### {}\n\n| | |\n|---|---|\n", heading(&s.outcome));
    for (k, v) in rows {
        md.push_str(&format!("| {k} | {v} |\n"));
    }
    md.push('\n');
    md.push_str(&warnings(s.warnings));
    let followed = s.plan.is_some_and(|p| p.follow);
    let timeline = match s.record.filter(|r| followed && !r.timeline.is_empty()) {
        Some(record) => timeline(s.config, record),
        None => String::new(),
    };
    let (why, logs) = s.record.map(why).unwrap_or_default();
    md.push_str(&why);
    if let Some(lines) = logs {
        // The log takes what the rest leaves of the budget, and no more than its own share.
        let rest = md.len() + timeline.len();
        md.push_str(&log_block(
            lines,
            SUMMARY_BUDGET.saturating_sub(rest).min(LOG_BUDGET),
        ));
    }
    if !why.is_empty() {
        md.push('\n');
    }
    if let Some(section) = s.record.and_then(|r| r.metric.section()) {
        md.push_str(&section);
        md.push('\n');
    }
    md.push_str(&timeline);
    md
}
