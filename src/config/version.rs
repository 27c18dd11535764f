//! Where the version comes from, exactly one source a run: an ID (`version-id`), an existing version's exact name (`version-name`), or a new version made from an image swapped into a base version (`image`, `base-version`, `container-name`) or from a spec file (`version-spec`); and the new version's name.

use serde_json::Value;

use crate::ci::context::BuildContext;
use crate::config::reader::{checked, Reader};
use crate::esa::signing::hex_sha256;
use esa_engine::base::error::InputProblem;
use esa_engine::base::text::shown;
use esa_engine::deploy::plan::{Template, VersionSource, GENERATED_PREFIX};
use esa_engine::esa::containers::{check, to_parameter};
use esa_engine::esa::image::parse_image;

/// 6 to 128 characters on one line: the service's rule for a version's name.
fn parse_name(value: &str) -> Result<String, String> {
    let count = value.chars().count();
    if (6..=128).contains(&count) && !value.chars().any(char::is_control) {
        Ok(value.to_string())
    } else {
        Err(format!(
            "a version name is 6 to 128 characters on one line, not `{}` ({count})",
            shown(value)
        ))
    }
}

/// The default name of a new version: `<short commit>-<run>-<8 hex of what it is made of>`, so
/// that a re-run of the same run finds the version it made, a new commit makes a new one, and
/// two different images in one run do not collide.
pub fn default_name(context: &BuildContext, template: &Template) -> String {
    let made_of = match template {
        Template::Image {
            image,
            base,
            container,
        } => format!(
            "image\n{}\n{}\n{}",
            image.text,
            container.as_deref().unwrap_or(""),
            base.as_deref().unwrap_or("")
        ),
        Template::Spec { containers, .. } => format!("spec\n{}", to_parameter(containers)),
    };
    let run: String = context
        .run_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(40)
        .collect();
    let sha: String = context
        .short_sha()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    format!(
        "{GENERATED_PREFIX}{sha}-{run}-{}",
        &hex_sha256(made_of.as_bytes())[..8]
    )
}

/// Reads the version source. `version_id` is `version-id` as `config::publish` read it
/// (`Some(None)`: given, but invalid); `context` names the default for a new version's name.
pub fn read_version_source(
    r: &mut Reader<'_>,
    version_id: Option<Option<String>>,
    context: Option<&BuildContext>,
) -> Option<VersionSource> {
    let name = r.parsed("version-name", parse_name);
    let image = r.parsed("image", parse_image);
    let base = read_base(r);
    let container = r.parsed("container-name", |v| {
        if v.chars().any(char::is_control) {
            Err("must be one line".into())
        } else {
            Ok(v.to_string())
        }
    });
    let spec_path = r.get("version-spec");
    if let Some(from) = r.get("promote-from") {
        return promoted(r, &from, version_id.is_some());
    }
    if let Some(version_id) = version_id {
        return by_id(r, version_id);
    }
    if !only_one_way_to_make(r, spec_path.is_some()) {
        return None;
    }
    let template = match (image, spec_path) {
        (Some(image), _) => Template::Image {
            image,
            base,
            container,
        },
        (None, Some(path)) => read_spec(r, path)?,
        (None, None) if has_value("image", r) => return None,
        (None, None) => return by_name(r, name),
    };
    let name = new_name(r, name, context, &template)?;
    Some(VersionSource::New { name, template })
}

/// Whether the input has a value (its default included, as the reader reads every input:
/// none of these has one).
fn has_value(input: &'static str, r: &Reader<'_>) -> bool {
    r.get(input).is_some()
}

/// `base-version`: a `ver-…` ID, or an exact version name.
fn read_base(r: &mut Reader<'_>) -> Option<String> {
    let v = r.get("base-version")?;
    if v.starts_with("ver-") {
        let why = "a base version is a `ver-…` ID or an exact version name";
        checked(r, "base-version", v, "ver-", why)
    } else {
        r.parsed("base-version", parse_name)
    }
}

/// `promote-from`: only `staging`, and no other source (or its options) beside it.
fn promoted(r: &mut Reader<'_>, from: &str, version_id: bool) -> Option<VersionSource> {
    let mut ok = true;
    if from != "staging" {
        let why = format!(
            "input `promote-from` takes `staging` (the version staging serves), not `{}`",
            shown(from)
        );
        r.error("promote-from", why);
        ok = false;
    }
    let others = [
        "version-name",
        "image",
        "version-spec",
        "base-version",
        "container-name",
    ];
    let given: Vec<&'static str> = others.into_iter().filter(|i| has_value(i, r)).collect();
    for other in given.into_iter().chain(version_id.then_some("version-id")) {
        r.error(
            other,
            format!("input `{other}` cannot be used with `promote-from`: a run publishes one version, from one source. Keep `promote-from` to publish what staging serves, or drop it"),
        );
        ok = false;
    }
    ok.then_some(VersionSource::FromStaging)
}

/// A version given by ID: no other source (or its options) may be given too.
fn by_id(r: &mut Reader<'_>, version_id: Option<String>) -> Option<VersionSource> {
    for other in [
        "version-name",
        "image",
        "version-spec",
        "base-version",
        "container-name",
    ] {
        if has_value(other, r) {
            r.error(
                other,
                format!("input `{other}` cannot be used with `version-id`: a run publishes one version, from one source. Keep `version-id` to publish that version, or drop it to look one up by name or make one"),
            );
        }
    }
    version_id.map(VersionSource::Id)
}

/// Whether a new version has one way to be made: `image` or `version-spec`, and the image's
/// options only with an image.
fn only_one_way_to_make(r: &mut Reader<'_>, spec: bool) -> bool {
    if has_value("image", r) && spec {
        r.error("version-spec", "input `version-spec` cannot be used with `image`: a new version is made either from a base version with a new image, or from a spec file");
        return false;
    }
    if !has_value("image", r) {
        for only in ["base-version", "container-name"] {
            if has_value(only, r) {
                r.error(only, format!("input `{only}` only applies with `image` (it picks the version to copy and the container that takes the image)"));
            }
        }
    }
    true
}

/// A version found by its name alone; an error when no source at all is given.
fn by_name(r: &mut Reader<'_>, name: Option<String>) -> Option<VersionSource> {
    match (name, has_value("version-name", r)) {
        (Some(name), _) => Some(VersionSource::Named(name)),
        (None, true) => None,
        (None, false) => {
            r.error("version-id", "one of `version-id`, `version-name`, `image` or `version-spec` is required: the ID of the version to publish (like ver-87962637161651xxxx), the exact name of an existing version, an image to deploy, or a spec file to make a version from");
            None
        }
    }
}

/// A new version's name: `version-name`, else one from the commit and the run.
fn new_name(
    r: &mut Reader<'_>,
    name: Option<String>,
    context: Option<&BuildContext>,
    template: &Template,
) -> Option<String> {
    match (name, context) {
        (Some(name), _) => Some(name),
        (None, Some(context)) => Some(default_name(context, template)),
        (None, None) if has_value("version-name", r) => None,
        (None, None) => {
            let input = if has_value("image", r) {
                "image"
            } else {
                "version-spec"
            };
            r.error("version-name", format!("input `version-name` is required with `{input}` here: no commit and run were found to name the new version after (GITHUB_SHA and GITHUB_RUN_ID, or GitLab's, Drone's or Woodpecker's equivalents)"));
            None
        }
    }
}

/// The largest spec file read: a version's containers take a few KiB, and the API's answers
/// are bounded the same way.
pub const MAX_SPEC_BYTES: u64 = 1024 * 1024;

/// The file's text, read only up to [`MAX_SPEC_BYTES`] (a larger file, or a device that never
/// ends, is refused without reading it all).
fn read_bounded(path: &str) -> Result<String, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(MAX_SPEC_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_SPEC_BYTES {
        return Err(format!(
            "it is larger than {} MiB, the most a spec file may be (a version's containers take a few KiB); nothing was sent",
            MAX_SPEC_BYTES >> 20
        ));
    }
    String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string())
}

/// Reads and checks the spec file: a JSON array of containers in the service's field names.
fn read_spec(r: &mut Reader<'_>, path: String) -> Option<Template> {
    let text = match read_bounded(&path) {
        Ok(t) => t,
        Err(e) => {
            r.error(
                "version-spec",
                format!(
                    "input `version-spec`: could not read `{}`: {e}",
                    shown(&path)
                ),
            );
            return None;
        }
    };
    let value: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            r.error(
                "version-spec",
                format!("input `version-spec`: `{}` is not JSON ({e})", shown(&path)),
            );
            return None;
        }
    };
    let problems = check(&value);
    if !problems.is_empty() {
        for p in problems {
            r.errors.push(InputProblem::new(
                "version-spec",
                "InvalidVersionSpec",
                format!("input `version-spec` ({}): {p}", shown(&path)),
            ));
        }
        return None;
    }
    let containers = value.as_array().cloned().unwrap_or_default();
    Some(Template::Spec { path, containers })
}
