//! The health gate: the URL probed while each step bakes, the answers that count as healthy, and how many failures in a row fail the step (`health-url`, `health-status`, `health-failures`).

use crate::config::gate::{parse_failures, without_gate};
use crate::config::reader::Reader;
use crate::config::spec::default_of;
use esa_engine::base::text::shown;
use esa_engine::deploy::checks::health::{HealthGate, Statuses};
use esa_engine::esa::probe::HealthUrl;

fn code(text: &str) -> Result<u16, String> {
    match text.trim().parse::<u16>() {
        Ok(c) if (100..=599).contains(&c) => Ok(c),
        _ => Err(format!(
            "`{}` is not an HTTP status from 100 to 599",
            shown(text.trim())
        )),
    }
}

/// `200-399`, `200,204`, `200-299,304`.
pub fn parse_statuses(value: &str) -> Result<Statuses, String> {
    let mut ranges = Vec::new();
    for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let range = match part.split_once('-') {
            Some((low, high)) => (code(low)?, code(high)?),
            None => (code(part)?, code(part)?),
        };
        if range.0 > range.1 {
            return Err(format!("`{}` runs backwards", shown(part)));
        }
        ranges.push(range);
    }
    if ranges.is_empty() {
        return Err("lists no status".into());
    }
    Ok(Statuses::new(ranges))
}

/// Reads the gate's inputs; `follows` says whether the rollout is followed, without which no
/// step is ever probed, and `staging` whether staging is published to, whose probes go to its
/// own addresses by the URL's host name.
pub fn read_health(r: &mut Reader<'_>, follows: bool, staging: bool) -> Option<HealthGate> {
    let url = r.parsed("health-url", HealthUrl::parse);
    let statuses = r.parsed("health-status", parse_statuses);
    let failures = r.parsed("health-failures", parse_failures);
    if r.get("health-url").is_none() {
        // The runner passes each default as if written, so only a value other than the
        // default says that the workflow meant a gate.
        let chosen = [
            (
                "health-status",
                statuses
                    .is_some_and(|s| Some(s) != default_parsed("health-status", parse_statuses)),
            ),
            (
                "health-failures",
                failures
                    .is_some_and(|n| Some(n) != default_parsed("health-failures", parse_failures)),
            ),
        ];
        for (input, chosen) in chosen {
            if chosen {
                without_gate(r, input, "health-url", "probed");
            }
        }
        return None;
    }
    if !follows {
        r.error("health-url", "input `health-url` probes the app while each step bakes, and this run does not follow the rollout: add `wait: true` (or `percentage-steps`), or nothing is probed");
    }
    if staging && url.as_ref().is_some_and(|u| !u.names_a_host()) {
        r.error("health-url", "input `health-url` names an IP address, and on staging the probes go to staging's own addresses by the URL's host name: use the app's domain, or the address would be probed instead of staging");
    }
    Some(HealthGate {
        url: url?,
        statuses: statuses?,
        failures: failures?,
    })
}

/// An input's declared default, parsed.
fn default_parsed<T>(input: &str, parse: impl Fn(&str) -> Result<T, String>) -> Option<T> {
    default_of(input).and_then(|d| parse(d).ok())
}

#[cfg(test)]
mod tests {
    use crate::config::health::parse_statuses;

    #[test]
    fn statuses_are_codes_and_ranges() {
        let s = parse_statuses("200-299, 304").unwrap();
        assert!(s.contains(200) && s.contains(299) && s.contains(304));
        assert!(!s.contains(300) && !s.contains(503));
        assert_eq!(s.to_string(), "200-299,304");
        for bad in ["", "2xx", "99", "600", "399-200", "200-", "ok"] {
            assert!(parse_statuses(bad).is_err(), "{bad}");
        }
    }
}
