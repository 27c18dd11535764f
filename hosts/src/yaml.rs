//! Reading YAML as the runner's template reader does: a file's document, a scalar as its text, a mapping as its pairs in order.

use std::path::Path;

use yaml_rust2::{Yaml, YamlLoader};

/// The first document of the YAML file at `path`.
pub(crate) fn document(path: &Path) -> Result<Yaml, String> {
    let source = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    YamlLoader::load_from_str(&source)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .into_iter()
        .next()
        .ok_or_else(|| format!("{}: empty", path.display()))
}

/// A scalar as text: a number or a boolean as written; `None` for anything else.
pub(crate) fn text(yaml: &Yaml) -> Option<String> {
    match yaml {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The entries of a mapping, keys as text, in order (none for anything else).
pub(crate) fn entries(yaml: &Yaml) -> Vec<(String, &Yaml)> {
    yaml.as_hash()
        .map(|h| h.iter().filter_map(|(k, v)| Some((text(k)?, v))).collect())
        .unwrap_or_default()
}

/// The entries of a mapping of scalars, values as text (empty where not a scalar).
pub(crate) fn strings(yaml: &Yaml) -> Vec<(String, String)> {
    entries(yaml)
        .into_iter()
        .map(|(k, v)| (k, text(v).unwrap_or_default()))
        .collect()
}
