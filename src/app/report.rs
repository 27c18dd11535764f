//! What a person reads: the one-line log of a publish, the job summary in Markdown, and the dry-run listing of a signed request (pure text, no I/O).

use crate::app::chart::mermaid;
use crate::app::failure::Failed;
use crate::app::record::{Moment, Record};
use crate::base::error::Error;
use crate::base::text::clock_text;
use crate::ci::runner::markdown_cell;
use crate::config::version::{Template, VersionSource};
use crate::config::Config;
use crate::deploy::event::Chosen;
use crate::esa::model::{PublishType, SignatureVersion};
use crate::esa::signing::{format_timestamp, SignedRequest};

/// How the run ended, for the summary.
pub enum Outcome<'a> {
    /// `answer_lost`: the publish's answer was lost and the status confirmed it, so its
    /// RequestId is unknown.
    Published {
        request_id: Option<&'a str>,
        answer_lost: bool,
    },
    DryRun,
    Skipped(&'a str),
    Failed(&'a Failed),
}

/// `20%`, `regions jiangsu, zhejiang (full release)`, …
pub fn rollout(config: &Config) -> String {
    let p = &config.publish;
    let pct = p
        .percentage
        .map(|n| format!("{n}%"))
        .unwrap_or_else(|| "100% (default)".into());
    match p.publish_type {
        Some(PublishType::Region) => {
            let full = match p.full_release {
                Some(true) => ", full release",
                _ => "",
            };
            format!("regions {} at {pct}{full}", p.regions.join(", "))
        }
        _ => pct,
    }
}

fn signature_name(v: SignatureVersion) -> &'static str {
    match v {
        SignatureVersion::V3 => "v3 (ACS3-HMAC-SHA256)",
        SignatureVersion::V2 => "v2 (HMAC-SHA1)",
    }
}

/// The version's ID as the run knows it: the one chosen, or the one given.
pub fn version_id<'a>(config: &'a Config, chosen: Option<&'a Chosen>) -> &'a str {
    match (chosen, &config.version) {
        (Some(v), _) => &v.version_id,
        (None, VersionSource::Id(id)) => id,
        (None, _) => "",
    }
}

/// The human log line of a successful publish.
pub fn published_line(config: &Config, record: &Record) -> String {
    let p = &config.publish;
    let request_id = match (&record.request_id, record.answer_lost) {
        (Some(id), _) => id.as_str(),
        (None, true) => "unknown (the answer was lost; the app's status confirmed the publish)",
        (None, false) => "(none given)",
    };
    format!(
        "Published {} of {} to {} ({}), RequestId {}",
        version_id(config, record.version.as_ref()),
        p.app_id,
        p.publish_env.as_str(),
        rollout(config),
        request_id
    )
}

/// Where the version came from, which it is, its name and whether this run made it.
fn version_rows(c: &Config, chosen: Option<&Chosen>) -> Vec<(&'static str, String)> {
    let code = |text: &str| format!("`{}`", markdown_cell(text));
    let mut rows = Vec::new();
    let id = version_id(c, chosen);
    rows.push((
        "Version",
        if id.is_empty() {
            "not known yet".to_string()
        } else {
            code(id)
        },
    ));
    if let Some(name) = chosen.and_then(|v| v.name.as_deref()).or(c.version.name()) {
        rows.push(("Version name", code(name)));
    }
    let source = match &c.version {
        VersionSource::Id(_) => None,
        VersionSource::Named(_) => Some("found by its name".to_string()),
        VersionSource::New {
            template: Template::Image { image, base, .. },
            ..
        } => Some(format!(
            "image {} on {}",
            code(&image.text),
            base.as_deref()
                .map(code)
                .unwrap_or_else(|| "the version the environment served".into())
        )),
        VersionSource::New {
            template: Template::Spec { path, .. },
            ..
        } => Some(format!("spec file {}", code(path))),
    };
    if let Some(source) = source {
        rows.push(("Version source", source));
    }
    if let (Some(v), VersionSource::New { .. }) = (chosen, &c.version) {
        rows.push((
            "Version created",
            if v.created {
                "yes, by this run".to_string()
            } else {
                "no: it existed already (re-run), so it was reused".to_string()
            },
        ));
    }
    rows
}

/// The job summary: what was asked, how it ended, and the rollout's timeline.
pub fn summary(
    config: Option<&Config>,
    outcome: &Outcome<'_>,
    deployment: Option<&Record>,
) -> String {
    let version = deployment.and_then(|d| d.version.as_ref());
    let timeline: &[Moment] = deployment.map(|d| d.timeline.as_slice()).unwrap_or(&[]);
    let heading = match outcome {
        Outcome::Published { .. } => "✅ esa-publish: published".to_string(),
        Outcome::DryRun => "🧪 esa-publish: dry run (nothing was sent)".to_string(),
        Outcome::Skipped(reason) => format!("⏭️ esa-publish: skipped: {}", markdown_cell(reason)),
        Outcome::Failed(e) => format!("❌ esa-publish: failed ({})", markdown_cell(&e.title())),
    };
    let mut rows: Vec<(&str, String)> = Vec::new();
    if let Some(c) = config {
        let p = &c.publish;
        rows.push(("App", format!("`{}`", markdown_cell(&p.app_id))));
        rows.extend(version_rows(c, version));
        rows.push(("Environment", p.publish_env.as_str().to_string()));
        rows.push(("Rollout", markdown_cell(&rollout(c))));
        rows.push((
            "Start time",
            p.start_time
                .map(format_timestamp)
                .unwrap_or_else(|| "now".into()),
        ));
        if let Some(r) = &p.remarks {
            rows.push(("Remarks", markdown_cell(r)));
        }
        rows.push(("Endpoint", markdown_cell(&c.endpoint.base_url())));
        rows.push(("Signature", signature_name(c.signature_version).to_string()));
        if let Some(source) = c.credentials.source() {
            rows.push(("Credentials", source.as_str().to_string()));
        }
    }
    let request_id = match outcome {
        Outcome::Published { request_id, .. } => *request_id,
        Outcome::Failed(e) => e.request_id(),
        Outcome::DryRun | Outcome::Skipped(_) => None,
    };
    if let Some(id) = request_id {
        rows.push(("RequestId", format!("`{}`", markdown_cell(id))));
    } else if let Outcome::Published {
        answer_lost: true, ..
    } = outcome
    {
        rows.push((
            "RequestId",
            "unknown: the publish's answer was lost, and the app's status confirmed that it took effect".into(),
        ));
    }
    if let Outcome::Failed(failed) = outcome {
        match failed.input_error() {
            Some(Error::Inputs(problems)) => {
                for p in problems {
                    rows.push((
                        "Input error",
                        markdown_cell(&format!("{}: {}", p.code, p.message)),
                    ));
                }
            }
            _ => rows.push(("Error", markdown_cell(&failed.message()))),
        }
    }
    let mut md = format!("### {heading}\n\n| | |\n|---|---|\n");
    for (k, v) in rows {
        md.push_str(&format!("| {k} | {v} |\n"));
    }
    md.push('\n');
    if !timeline.is_empty() {
        md.push_str("#### Timeline\n\n");
        let title = match config {
            Some(c) => format!(
                "{} on {}",
                version_id(c, version),
                c.publish.publish_env.as_str()
            ),
            None => "the rollout".into(),
        };
        if let Some(chart) =
            deployment.and_then(|d| mermaid(&d.chart, &format!("{title}: percentage serving")))
        {
            md.push_str(&chart);
            md.push('\n');
        }
        md.push_str("| time | event |\n|---|---|\n");
        for m in timeline {
            md.push_str(&format!(
                "| {} | {} |\n",
                clock_text(m.at),
                markdown_cell(&m.text)
            ));
        }
        md.push('\n');
    }
    md
}

/// The dry-run listing: the request as it would go on the wire. The caller's runner scrubs
/// the secret, the token and the signature from every line it prints.
pub fn dry_run_lines(config: &Config, base_url: &str, signed: &SignedRequest) -> Vec<String> {
    let mut lines = vec![format!(
        "signature method: {}",
        signature_name(config.signature_version)
    )];
    lines.push(format!(
        "{} {base_url}{}",
        signed.method, signed.path_and_query
    ));
    for (name, value) in &signed.headers {
        lines.push(format!("header {name}: {value}"));
    }
    lines.push(format!("body: {}", signed.body));
    let label = match config.signature_version {
        SignatureVersion::V3 => "canonical request",
        SignatureVersion::V2 => "canonical query",
    };
    lines.push(format!("{label}:"));
    lines.extend(signed.canonical.split('\n').map(|l| format!("  | {l}")));
    lines.push("string to sign:".into());
    lines.extend(
        signed
            .string_to_sign
            .split('\n')
            .map(|l| format!("  | {l}")),
    );
    lines
}
