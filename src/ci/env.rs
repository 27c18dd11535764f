//! The environment as one snapshot, and the inputs as each host hands them over: `INPUT_*` variables (GitHub's Docker action, GitLab by hand), `PLUGIN_*` settings (Drone, Woodpecker), or the composite action's whole `inputs` context as JSON.

use std::collections::BTreeMap;

/// The variable the composite action (`setup/action.yml`) hands over its whole `inputs`
/// context in, as `${{ toJSON(inputs) }}`: every key the step wrote under `with:`, declared or
/// not, beside each declared input's default. Variables do not say which keys a step wrote;
/// this does, so the composite refuses what the Docker action refuses.
pub const INPUTS_JSON: &str = "ESA_PUBLISH_INPUTS";

/// How the inputs arrived.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Handover {
    /// As `INPUT_*` and `PLUGIN_*` variables.
    #[default]
    Variables,
    /// As the composite's JSON: each key is named as the runner would name its variable
    /// (`INPUT_` + the key upper-cased, spaces to `_`). `stray` lists the `INPUT_*` and
    /// `PLUGIN_*` variables that were in the environment all the same: the composite does
    /// not read them, so they are not inputs.
    Json { stray: Vec<String> },
    /// The JSON could not be read: why.
    Unreadable(String),
}

/// A snapshot of the environment. The binary takes the process's; tests build their own, so
/// nothing else reads the process environment. The event payload at `GITHUB_EVENT_PATH` is
/// part of it, read once as the snapshot is taken: the label gate, the repository's
/// visibility and the pull request's number all read this one copy.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: BTreeMap<String, String>,
    /// The inputs by variable name (`INPUT_APP-ID`, `PLUGIN_APP_ID`, …), however they came.
    inputs: BTreeMap<String, String>,
    handover: Handover,
    /// The event payload's text, when `GITHUB_EVENT_PATH` names a readable file.
    payload: Option<String>,
}

impl Env {
    /// The process environment (variables whose name or value is not UTF-8 are skipped).
    pub fn from_process() -> Self {
        Self::from_pairs(
            std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))),
        )
    }

    /// The variables as given; with [`INPUTS_JSON`] set, the inputs are read from it alone.
    /// The event payload is read from the file `GITHUB_EVENT_PATH` names, here and only here.
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let vars: BTreeMap<String, String> = pairs
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        let variables = || {
            vars.iter()
                .filter(|(k, _)| is_input_variable(k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        };
        let (inputs, handover) = match vars.get(INPUTS_JSON) {
            None => (variables(), Handover::Variables),
            Some(json) => match from_json(json) {
                Ok(inputs) => {
                    let stray = vars.keys().filter(|k| is_input_variable(k)).cloned();
                    (
                        inputs,
                        Handover::Json {
                            stray: stray.collect(),
                        },
                    )
                }
                Err(why) => (BTreeMap::new(), Handover::Unreadable(why)),
            },
        };
        let payload = vars
            .get("GITHUB_EVENT_PATH")
            .filter(|path| !path.is_empty())
            .and_then(|path| std::fs::read_to_string(path).ok());
        Env {
            vars,
            inputs,
            handover,
            payload,
        }
    }

    /// The event payload (`GITHUB_EVENT_PATH`'s file), as read when the snapshot was taken;
    /// `None` when there is none or it could not be read.
    pub fn event_payload(&self) -> Option<&str> {
        self.payload.as_deref()
    }

    /// How the inputs arrived.
    pub fn handover(&self) -> &Handover {
        &self.handover
    }

    /// Every input variable's name, sorted (from the JSON, the names the runner would give).
    pub fn input_names(&self) -> impl Iterator<Item = &str> {
        self.inputs.keys().map(String::as_str)
    }

    /// An input variable's value as given, by the variable's name (`INPUT_APP-ID`).
    pub fn input_raw(&self, variable: &str) -> Option<&str> {
        self.inputs.get(variable).map(String::as_str)
    }

    /// A variable, or `None` when it is unset.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// An input, from the first of its [`spellings`] that is set and not empty. Trimmed; empty
    /// means not given. Where two spellings disagree, `config` refuses the run, so which one
    /// this returns then never decides what is published.
    pub fn input(&self, name: &str) -> Option<String> {
        self.input_values(name)
            .into_iter()
            .map(|(_, v)| v.trim())
            .find(|v| !v.is_empty())
            .map(str::to_string)
    }

    /// Every spelling of an input that is set, with its value as given (empty ones too), in
    /// the order of [`spellings`].
    pub fn input_values(&self, name: &str) -> Vec<(String, &str)> {
        spellings(name)
            .into_iter()
            .filter_map(|key| {
                let value = self.inputs.get(&key)?;
                Some((key, value.as_str()))
            })
            .collect()
    }
}

/// Whether a variable carries an input by its name.
fn is_input_variable(name: &str) -> bool {
    name.starts_with("INPUT_") || name.starts_with("PLUGIN_")
}

/// The variable the Actions runner makes of a `with:` key: `INPUT_` + the key upper-cased,
/// spaces turned into `_`, hyphens kept (`app-id` → `INPUT_APP-ID`).
pub fn runner_variable(key: &str) -> String {
    format!("INPUT_{}", key.replace(' ', "_").to_uppercase())
}

/// The composite's JSON object, each key under the variable name the runner would give it.
/// The runner's `inputs` are strings; a number or a boolean is taken as its JSON text.
fn from_json(json: &str) -> Result<BTreeMap<String, String>, String> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("{INPUTS_JSON} is not JSON ({e})"))?;
    let object = value
        .as_object()
        .ok_or_else(|| format!("{INPUTS_JSON} is not a JSON object"))?;
    object
        .iter()
        .map(|(key, value)| {
            let text = match value {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => String::new(),
                serde_json::Value::Bool(_) | serde_json::Value::Number(_) => value.to_string(),
                _ => {
                    return Err(format!(
                        "{INPUTS_JSON}: the input `{}` is not a string",
                        esa_engine::base::text::shown(key)
                    ))
                }
            };
            Ok((runner_variable(key), text))
        })
        .collect()
}

/// The variable names an input may arrive in, in order of precedence, without repeats:
/// - `INPUT_APP-ID`: the Actions runner (hyphens kept), and the composite's JSON;
/// - `INPUT_APP_ID`: GitLab variables or by hand (a variable name there has no hyphen);
/// - `PLUGIN_APP-ID`: Drone, which upper-cases a setting's name and keeps its hyphens
///   (drone-runner-docker, `engine/compiler/step.go`), as Woodpecker did before 2.0;
/// - `PLUGIN_APP_ID`: Woodpecker, which turns `-` and `.` into `_`, and Drone for `app_id:`.
pub fn spellings(name: &str) -> Vec<String> {
    let upper = name.to_ascii_uppercase().replace(' ', "_");
    let underscored = upper.replace('-', "_");
    let mut names = Vec::with_capacity(4);
    for prefix in ["INPUT_", "PLUGIN_"] {
        for spelled in [&upper, &underscored] {
            let key = format!("{prefix}{spelled}");
            if !names.contains(&key) {
                names.push(key);
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use crate::ci::env::{spellings, Env, Handover, INPUTS_JSON};

    #[test]
    fn every_host_spelling_of_an_input() {
        assert_eq!(
            spellings("app-id"),
            [
                "INPUT_APP-ID",
                "INPUT_APP_ID",
                "PLUGIN_APP-ID",
                "PLUGIN_APP_ID"
            ]
        );
        assert_eq!(spellings("image"), ["INPUT_IMAGE", "PLUGIN_IMAGE"]);
    }

    #[test]
    fn the_composite_json_is_the_only_source_of_inputs() {
        let env = Env::from_pairs([
            (
                INPUTS_JSON,
                r#"{"app-id": " app-1 ", "dry_run": "true", "percentage": 20, "wait": false}"#,
            ),
            ("INPUT_STRAY", "x"),
        ]);
        assert_eq!(env.input("app-id").as_deref(), Some("app-1"));
        assert_eq!(env.input("dry-run").as_deref(), Some("true"));
        assert_eq!(env.input("percentage").as_deref(), Some("20"));
        assert_eq!(env.input("wait").as_deref(), Some("false"));
        assert_eq!(env.input("stray"), None);
        assert_eq!(
            env.handover(),
            &Handover::Json {
                stray: vec!["INPUT_STRAY".into()]
            }
        );
        let bad = Env::from_pairs([(INPUTS_JSON, "[1]")]);
        assert!(matches!(bad.handover(), Handover::Unreadable(_)));
        assert_eq!(bad.input_names().count(), 0);
    }
}
