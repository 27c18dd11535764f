//! The environment as one snapshot, and how an input's name is spelled in it (`INPUT_APP-ID`, `INPUT_APP_ID`, `PLUGIN_APP_ID`).

use std::collections::BTreeMap;

/// A snapshot of the environment. The binary takes the process's; tests build their own, so
/// nothing here reads the process environment.
#[derive(Debug, Clone, Default)]
pub struct Env(BTreeMap<String, String>);

impl Env {
    /// The process environment (variables whose name or value is not UTF-8 are skipped).
    pub fn from_process() -> Self {
        Env(std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect())
    }

    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Env(pairs
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect())
    }

    /// Every variable name, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// A variable, or `None` when it is unset.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// An input as the runner passes it (`INPUT_APP-ID`, hyphens kept), as a person typing it
    /// by hand would (`INPUT_APP_ID`), or as a Drone or Woodpecker plugin setting
    /// (`PLUGIN_APP_ID`), in that order. Trimmed; empty means not given.
    pub fn input(&self, name: &str) -> Option<String> {
        spellings(name)
            .iter()
            .filter_map(|key| self.var(key))
            .map(str::trim)
            .find(|v| !v.is_empty())
            .map(str::to_string)
    }
}

/// The variable names an input may arrive in, in order of precedence.
pub fn spellings(name: &str) -> [String; 3] {
    let upper = name.to_ascii_uppercase().replace(' ', "_");
    let underscored = upper.replace('-', "_");
    [
        format!("INPUT_{upper}"),
        format!("INPUT_{underscored}"),
        format!("PLUGIN_{underscored}"),
    ]
}
