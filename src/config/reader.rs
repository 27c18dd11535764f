//! Reading inputs one by one while collecting every problem: defaults from the spec, required inputs, and parsers whose errors name their input.

use crate::ci::env::Env;
use crate::config::spec::default_of;
use esa_engine::base::error::InputProblem;
use esa_engine::base::text::shown;

/// The API's own codes for the inputs it validates (the seed), or the generic one.
pub fn code_for(input: &str) -> &'static str {
    match input {
        "app-id" => "InvalidParameter.appid",
        "version-id" => "InvalidParameter.VersionId",
        "publish-env" => "InvalidParameter.PublishEnv",
        "percentage" => "InvalidParameter.Percentage",
        _ => "InvalidParameter",
    }
}

/// Collects errors and warnings while the inputs are read one by one.
pub struct Reader<'a> {
    env: &'a Env,
    pub errors: Vec<InputProblem>,
    pub warnings: Vec<InputProblem>,
}

impl<'a> Reader<'a> {
    pub fn new(env: &'a Env) -> Self {
        Reader {
            env,
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// An input, or its default from the spec.
    ///
    /// There is deliberately no "was it given?": on GitHub the runner sets every declared
    /// input, its default where the step gives none, so a default and a value the user wrote
    /// cannot be told apart. A rule about an input with a default looks at its value, and
    /// where only a value other than the default means anything, compares it with the default
    /// (`config::health` does) and says so in its message.
    pub fn get(&self, name: &'static str) -> Option<String> {
        self.env
            .input(name)
            .or_else(|| default_of(name).map(str::to_string))
    }

    /// Records an error against `input`.
    pub fn error(&mut self, input: &'static str, message: impl Into<String>) {
        self.errors
            .push(InputProblem::new(input, code_for(input), message));
    }

    /// Records a warning against `input`.
    pub fn warn(&mut self, input: &'static str, message: impl Into<String>) {
        self.warnings
            .push(InputProblem::new(input, code_for(input), message));
    }

    /// A required input, or an error naming it.
    pub fn required(&mut self, name: &'static str, what: &str) -> Option<String> {
        let value = self.get(name);
        if value.is_none() {
            self.error(name, format!("input `{name}` is required: {what}"));
        }
        value
    }

    /// An optional input parsed by `parse`, whose error text is reported against the input.
    pub fn parsed<T>(
        &mut self,
        name: &'static str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let raw = self.get(name)?;
        match parse(&raw) {
            Ok(v) => Some(v),
            Err(why) => {
                self.error(name, format!("input `{name}`: {why}"));
                None
            }
        }
    }
}

/// A well-formed ID with this prefix (letters, digits, `-`, `_` after it), or an error.
pub fn checked(
    r: &mut Reader<'_>,
    input: &'static str,
    value: String,
    prefix: &str,
    why: &str,
) -> Option<String> {
    let well_formed = value.len() > prefix.len()
        && value.starts_with(prefix)
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if well_formed {
        Some(value)
    } else {
        r.error(
            input,
            format!("input `{input}` is `{}`: {why}", shown(&value)),
        );
        None
    }
}
