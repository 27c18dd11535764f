//! The `${{ }}` expressions the runner evaluates in an action's defaults, a composite's `env:` and a workflow's `with:`, as far as this project uses them: a context path (`inputs.app-id`, `steps.download.outputs.bin`, `needs.staging.outputs.version-id`) and `toJSON(context)`. Anything else is an error, so a new expression fails the tests until the emulation learns it.

use std::collections::BTreeMap;

/// The contexts an expression may read.
#[derive(Debug, Clone, Default)]
pub struct Contexts {
    /// The `inputs` context, keys as the step wrote them (looked up without regard to case,
    /// as the runner does).
    pub inputs: Vec<(String, String)>,
    /// `steps.<id>.outputs.<name>`.
    pub steps: BTreeMap<String, BTreeMap<String, String>>,
    pub github: BTreeMap<String, String>,
    pub runner: BTreeMap<String, String>,
    pub env: BTreeMap<String, String>,
    /// Any other context as JSON (`secrets`, `needs`, `matrix`), read by path.
    pub other: BTreeMap<String, serde_json::Value>,
}

impl Contexts {
    fn input(&self, key: &str) -> Option<&str> {
        self.inputs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }

    /// A whole context as JSON, as `toJSON` prints it (pretty, two-space indents).
    fn to_json(&self, name: &str) -> Result<String, String> {
        let map: serde_json::Map<String, serde_json::Value> = match name {
            "inputs" => self
                .inputs
                .iter()
                .map(|(k, v)| (k.clone(), v.clone().into()))
                .collect(),
            "github" => to_map(&self.github),
            "runner" => to_map(&self.runner),
            "env" => to_map(&self.env),
            other => return Err(format!("toJSON({other}) is not emulated")),
        };
        serde_json::to_string_pretty(&map).map_err(|e| e.to_string())
    }

    /// The value of a dotted path; an unset property is empty, as in the runner.
    fn path(&self, path: &str) -> Result<String, String> {
        let parts: Vec<&str> = path.split('.').collect();
        let found = match parts.as_slice() {
            ["inputs", key] => self.input(key),
            ["github", key] => self.github.get(*key).map(String::as_str),
            ["runner", key] => self.runner.get(*key).map(String::as_str),
            ["env", key] => self.env.get(*key).map(String::as_str),
            ["steps", id, "outputs", key] => self
                .steps
                .get(*id)
                .and_then(|o| o.get(*key))
                .map(String::as_str),
            [context, rest @ ..] if self.other.contains_key(*context) => {
                return Ok(walk(&self.other[*context], rest))
            }
            _ => return Err(format!("the expression `{path}` is not emulated")),
        };
        Ok(found.unwrap_or_default().to_string())
    }
}

/// A path into a JSON context, property names without regard to case; a missing one is empty.
fn walk(value: &serde_json::Value, path: &[&str]) -> String {
    let found = path.iter().try_fold(value, |v, key| {
        v.as_object()?
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    });
    match found {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn to_map(map: &BTreeMap<String, String>) -> serde_json::Map<String, serde_json::Value> {
    map.iter()
        .map(|(k, v)| (k.clone(), v.clone().into()))
        .collect()
}

/// One expression, without its `${{ }}`.
fn value(expression: &str, cx: &Contexts) -> Result<String, String> {
    let e = expression.trim();
    if let Some(inner) = e
        .strip_prefix("toJSON(")
        .or_else(|| e.strip_prefix("tojson("))
        .and_then(|rest| rest.strip_suffix(')'))
    {
        return cx.to_json(inner.trim());
    }
    let is_path = !e.is_empty()
        && e.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    match is_path {
        true => cx.path(e),
        false => Err(format!("the expression `{e}` is not emulated")),
    }
}

/// `text` with each `${{ … }}` replaced by its value.
pub fn evaluate(text: &str, cx: &Contexts) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 3..];
        let end = after
            .find("}}")
            .ok_or_else(|| format!("an unclosed expression in `{text}`"))?;
        out.push_str(&value(&after[..end], cx)?);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{evaluate, Contexts};

    #[test]
    fn paths_and_to_json() {
        let mut cx = Contexts {
            inputs: vec![("App-Id".into(), "app-1".into()), ("x y".into(), "".into())],
            ..Contexts::default()
        };
        cx.steps
            .entry("download".into())
            .or_default()
            .insert("bin".into(), "/b".into());
        assert_eq!(evaluate("${{ inputs.app-id }}", &cx).unwrap(), "app-1");
        assert_eq!(
            evaluate("a ${{ steps.download.outputs.bin }} b", &cx).unwrap(),
            "a /b b"
        );
        assert_eq!(evaluate("${{ inputs.nothing }}", &cx).unwrap(), "");
        let json = evaluate("${{ toJSON(inputs) }}", &cx).unwrap();
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["App-Id"], "app-1");
        assert!(evaluate("${{ inputs.a == 'b' }}", &cx).is_err());
    }
}
