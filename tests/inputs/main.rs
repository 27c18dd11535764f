//! Input parsing and validation, as tables: what a workflow writes, and what the action makes of it; `names`: the names inputs arrive under, `values`: what each value may be.

mod edges;
mod images;
mod metric;
mod names;
mod values;

use chrono::{NaiveDateTime, Utc};
use esa_publish::ci::env::Env;
use esa_publish::config::*;

pub fn now() -> chrono::DateTime<Utc> {
    NaiveDateTime::parse_from_str("2026-01-01T00:00:00Z", "%Y-%m-%dT%H:%M:%SZ")
        .unwrap()
        .and_utc()
}

/// A valid set of runner-style inputs, with `overrides` applied (an empty value unsets the
/// variable, so one spelling can be swapped for another).
pub fn env(overrides: &[(&str, &str)]) -> Env {
    let mut vars: Vec<(String, String)> = [
        ("INPUT_APP-ID", "app-880688675783790001"),
        ("INPUT_VERSION-ID", "ver-879626371616510001"),
        ("INPUT_PUBLISH-ENV", "staging"),
        ("INPUT_ACCESS-KEY-ID", "LTAIexample"),
        ("INPUT_ACCESS-KEY-SECRET", "secret"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in overrides {
        vars.retain(|(name, _)| name != k);
        if !v.is_empty() {
            vars.push((k.to_string(), v.to_string()));
        }
    }
    Env::from_pairs(vars)
}

pub fn ok(overrides: &[(&str, &str)]) -> Config {
    parse(&env(overrides), now()).unwrap_or_else(|r| panic!("expected valid inputs, got {r:?}"))
}

pub fn rejected(overrides: &[(&str, &str)]) -> Rejected {
    parse(&env(overrides), now()).expect_err("expected invalid inputs")
}
