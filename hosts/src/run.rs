//! What one step left behind, read back as the runner reads it: the exit code, stdout (workflow commands), stderr, the outputs, the job summary and `GITHUB_ENV`.

use std::collections::BTreeMap;

use crate::protocol::{commands, parse_outputs, Command_};

/// The result of one step.
#[derive(Debug, Clone, Default)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// What the step that ran the binary wrote to `GITHUB_OUTPUT` (on other hosts, empty).
    pub outputs_raw: String,
    pub summary: String,
    /// What the run wrote to `GITHUB_ENV`.
    pub env_file: String,
    /// A composite's outputs, each evaluated from its `value:` as the runner does (empty
    /// where the step set none); `None` for a Docker action.
    pub composite_outputs: Option<BTreeMap<String, String>>,
}

impl Run {
    pub fn commands(&self) -> Vec<Command_> {
        commands(&self.stdout)
    }

    pub fn errors(&self) -> Vec<Command_> {
        self.named("error")
    }

    pub fn warnings(&self) -> Vec<Command_> {
        self.named("warning")
    }

    /// The one error annotation, as (title, text); panics unless there is exactly one.
    pub fn the_error(&self) -> (String, String) {
        let errors = self.errors();
        assert_eq!(errors.len(), 1, "{}", self.stdout);
        let e = &errors[0];
        (
            e.properties.get("title").cloned().unwrap_or_default(),
            e.data.clone(),
        )
    }

    fn named(&self, name: &str) -> Vec<Command_> {
        self.commands()
            .into_iter()
            .filter(|c| c.name == name)
            .collect()
    }

    /// The step's outputs: a composite's, or what the binary wrote, parsed as the runner
    /// would (a file that does not parse fails the step there, so it panics here).
    pub fn outputs(&self) -> BTreeMap<String, String> {
        match &self.composite_outputs {
            Some(outputs) => outputs.clone(),
            None => parse_outputs(&self.outputs_raw)
                .expect("the outputs file parses as the runner would"),
        }
    }

    /// Everything the run left anywhere a person or a later step could read it. The
    /// `::add-mask::` lines are left out: they are how a value gets masked, and the runner never
    /// shows them.
    pub fn everything(&self) -> String {
        let stdout: Vec<&str> = self
            .stdout
            .lines()
            .filter(|l| !l.starts_with("::add-mask::"))
            .collect();
        format!(
            "{}\n{}\n{}\n{}\n{}",
            stdout.join("\n"),
            self.stderr,
            self.outputs_raw,
            self.summary,
            self.env_file
        )
    }

    /// The values registered with `::add-mask::`.
    pub fn masked(&self) -> Vec<String> {
        self.named("add-mask").into_iter().map(|c| c.data).collect()
    }
}
