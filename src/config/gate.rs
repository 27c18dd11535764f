//! What the inputs of every check share: how many non-passing readings in a row fail a step, and the refusal of a check's setting given without the check.

use crate::config::reader::Reader;
use crate::config::spec::default_of;
use esa_engine::base::text::shown;

/// The most readings in a row a check's `…-failures` may ask for.
const MAX_FAILURES: u32 = 100;

/// A check's `…-failures`: 1 to [`MAX_FAILURES`].
pub fn parse_failures(v: &str) -> Result<u32, String> {
    match v.trim().parse::<u32>() {
        Ok(n) if (1..=MAX_FAILURES).contains(&n) => Ok(n),
        _ => Err(format!(
            "must be a whole number from 1 to {MAX_FAILURES}, not `{}`",
            shown(v)
        )),
    }
}

/// Refuses `input`, a setting of the check that `gate` turns on, given a value of its own
/// while `gate` is not set: it would act on nothing (`what`: what would not happen, e.g.
/// `probed`).
pub fn without_gate(r: &mut Reader<'_>, input: &'static str, gate: &str, what: &str) {
    let value = r.get(input).unwrap_or_default();
    let default = default_of(input).unwrap_or_default();
    r.error(input, format!("input `{input}` is `{}`, not its default `{default}`, and a value of its own acts only with `{gate}`, which is not set: nothing would be {what}. Set `{gate}`, or leave `{input}` out", shown(&value)));
}
