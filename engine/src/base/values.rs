//! Plain values from text, shared by the CI host (label percentages) and the configuration: durations, percentages and booleans, each with an error that quotes the text.

use std::time::Duration;

use crate::base::text::shown;

/// A duration: whole seconds (`90`), or a number with a unit: `ms`, `s`, `m`, `h` (`30s`, `5m`).
pub fn parse_duration(value: &str) -> Result<Duration, String> {
    let split = value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len());
    let (number, unit) = value.split_at(split);
    let n: u64 = number.parse().map_err(|_| {
        format!(
            "`{}` is not a duration like `90`, `30s`, `5m` or `1h`",
            shown(value)
        )
    })?;
    let millis = match unit.trim() {
        "" | "s" => n.checked_mul(1000),
        "ms" => Some(n),
        "m" => n.checked_mul(60_000),
        "h" => n.checked_mul(3_600_000),
        _ => None,
    };
    millis.map(Duration::from_millis).ok_or_else(|| {
        format!(
            "`{}` is not a duration like `90`, `30s`, `5m` or `1h`",
            shown(value)
        )
    })
}

/// An integer from 1 to 100.
pub fn parse_percentage(value: &str) -> Result<u8, String> {
    match value.parse::<u8>() {
        Ok(p) if (1..=100).contains(&p) => Ok(p),
        _ => Err(format!(
            "must be a whole number from 1 to 100, not `{}`",
            shown(value)
        )),
    }
}

/// The YAML 1.2 core-schema booleans, as the Actions toolkit's `getBooleanInput` accepts them.
pub fn parse_bool(value: &str) -> Result<bool, String> {
    match value {
        "true" | "True" | "TRUE" => Ok(true),
        "false" | "False" | "FALSE" => Ok(false),
        other => Err(format!("must be `true` or `false`, not `{}`", shown(other))),
    }
}

/// A duration from `min` to `max`, both included.
pub fn bounded_duration(v: &str, min: Duration, max: Duration) -> Result<Duration, String> {
    parse_duration(v).and_then(|d| {
        if d >= min && d <= max {
            Ok(d)
        } else {
            Err(format!(
                "must be between {} and {}, not `{}`",
                show_duration(min),
                show_duration(max),
                shown(v)
            ))
        }
    })
}

/// The shortest exact way to write `d`: `1h`, `5m`, `30s` or `250ms`.
pub fn show_duration(d: Duration) -> String {
    match d.as_millis() {
        ms if ms % 3_600_000 == 0 => format!("{}h", ms / 3_600_000),
        ms if ms % 60_000 == 0 => format!("{}m", ms / 60_000),
        ms if ms % 1000 == 0 => format!("{}s", ms / 1000),
        ms => format!("{ms}ms"),
    }
}
