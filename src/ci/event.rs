//! Label gating: whether a pull request's labels allow the publish, and whether one of them sets the percentage. Pure: the payload is the environment snapshot's (`Env::event_payload`), read once.

use serde_json::Value;

use crate::ci::env::Env;
use esa_engine::base::error::InputProblem;
use esa_engine::base::text::shown;
use esa_engine::base::values::parse_percentage;

/// What the workflow asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelRules {
    /// Publish only if the pull request carries this label.
    pub require_label: Option<String>,
    /// A label `<prefix><n>` sets the percentage to n.
    pub percentage_prefix: Option<String>,
}

impl LabelRules {
    /// The rules (`require-label`, `percentage-from-label`), read on their own so that a skip
    /// can be decided before anything else.
    pub fn from_env(env: &Env) -> Self {
        LabelRules {
            require_label: env.input("require-label"),
            percentage_prefix: env.input("percentage-from-label"),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.require_label.is_none() && self.percentage_prefix.is_none()
    }
}

/// The verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gate {
    /// Go on; `percentage` is set when a label chose it (with that label).
    Publish { percentage: Option<(u8, String)> },
    /// Skip cleanly, for this reason.
    Skip(String),
}

/// Whether the repository is private, from the event payload (`repository.private`);
/// `None` when there is no payload or it does not say.
pub fn repository_private(env: &Env) -> Option<bool> {
    let payload: Value = serde_json::from_str(env.event_payload()?).ok()?;
    payload.get("repository")?.get("private")?.as_bool()
}

/// The events whose payload carries a pull request with labels.
pub fn is_pull_request_event(name: &str) -> bool {
    matches!(name, "pull_request" | "pull_request_target")
}

/// The number of the payload's pull request (`pull_request.number`, else the event's
/// `number`); `None` when the payload says neither.
pub fn pull_request_number(payload: &str) -> Option<u64> {
    let value: Value = serde_json::from_str(payload).ok()?;
    value
        .get("pull_request")
        .and_then(|pr| pr.get("number"))
        .or_else(|| value.get("number"))
        .and_then(Value::as_u64)
        .filter(|n| *n > 0)
}

/// The label names of the payload's pull request.
pub fn pull_request_labels(payload: &str) -> Result<Vec<String>, String> {
    let value: Value = serde_json::from_str(payload)
        .map_err(|e| format!("the event payload is not JSON ({e})"))?;
    let labels = value
        .get("pull_request")
        .and_then(|pr| pr.get("labels"))
        .and_then(Value::as_array)
        .ok_or("the event payload has no pull_request.labels")?;
    Ok(labels
        .iter()
        .filter_map(|l| l.get("name").and_then(Value::as_str))
        .map(str::to_string)
        .collect())
}

/// Decides from the rules, the event name and its payload (`None` when there is no file).
/// An `Err` is an input error: a label that sets an invalid or ambiguous percentage, or a
/// payload that cannot be read.
pub fn decide(
    rules: &LabelRules,
    event_name: &str,
    payload: Option<&str>,
) -> Result<Gate, InputProblem> {
    let input = if rules.require_label.is_some() {
        "require-label"
    } else {
        "percentage-from-label"
    };
    decide_inner(rules, event_name, payload).map_err(|(code, why)| {
        let input = if code == "InvalidParameter.Percentage" {
            "percentage-from-label"
        } else {
            input
        };
        InputProblem::new(input, code, format!("input `{input}`: {why}"))
    })
}

fn decide_inner(
    rules: &LabelRules,
    event_name: &str,
    payload: Option<&str>,
) -> Result<Gate, (&'static str, String)> {
    if rules.is_empty() {
        return Ok(Gate::Publish { percentage: None });
    }
    if !is_pull_request_event(event_name) {
        return Ok(match &rules.require_label {
            Some(label) => Gate::Skip(format!(
                "`require-label: {}` applies to pull_request events, and this run is a `{}` event, so nothing was published. For pushes, gate the job with `if:` instead (see the README).",
                shown(label),
                if event_name.is_empty() { "(unknown)" } else { event_name }
            )),
            None => Gate::Publish { percentage: None },
        });
    }
    let labels = match payload {
        Some(p) => pull_request_labels(p).map_err(|e| ("EventPayloadUnreadable", e))?,
        None => return Err((
            "EventPayloadUnreadable",
            "the event payload ($GITHUB_EVENT_PATH) could not be read, so the labels are unknown"
                .into(),
        )),
    };
    if let Some(required) = &rules.require_label {
        if !labels.iter().any(|l| l == required) {
            return Ok(Gate::Skip(format!(
                "the pull request does not carry the label `{}`, so nothing was published",
                shown(required)
            )));
        }
    }
    match &rules.percentage_prefix {
        Some(prefix) => percentage_from_labels(prefix, &labels),
        None => Ok(Gate::Publish { percentage: None }),
    }
}

/// The percentage of the one label that starts with `prefix`; none without such a label, an
/// error with two or with a bad number.
fn percentage_from_labels(prefix: &str, labels: &[String]) -> Result<Gate, (&'static str, String)> {
    let matching: Vec<&String> = labels.iter().filter(|l| l.starts_with(prefix)).collect();
    match matching.as_slice() {
        [] => Ok(Gate::Publish { percentage: None }),
        [label] => parse_percentage(&label[prefix.len()..])
            .map(|p| Gate::Publish {
                percentage: Some((p, (*label).clone())),
            })
            .map_err(|why| {
                (
                    "InvalidParameter.Percentage",
                    format!(
                        "the label `{}`: the part after the prefix {why}",
                        shown(label)
                    ),
                )
            }),
        many => Err((
            "InvalidParameter.Percentage",
            format!(
                "{} labels set the percentage ({}); keep one",
                many.len(),
                many.iter()
                    .map(|l| format!("`{}`", shown(l)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(labels: &[&str]) -> String {
        let labels: Vec<Value> = labels
            .iter()
            .map(|l| serde_json::json!({"name": l}))
            .collect();
        serde_json::json!({"pull_request": {"number": 7, "labels": labels}}).to_string()
    }

    fn rules(require: Option<&str>, prefix: Option<&str>) -> LabelRules {
        LabelRules {
            require_label: require.map(str::to_string),
            percentage_prefix: prefix.map(str::to_string),
        }
    }

    #[test]
    fn require_label_table() {
        let r = rules(Some("deploy:prod"), None);
        assert_eq!(
            decide(&r, "pull_request", Some(&payload(&["deploy:prod", "x"]))),
            Ok(Gate::Publish { percentage: None })
        );
        assert!(matches!(
            decide(&r, "pull_request", Some(&payload(&["deploy:staging"]))),
            Ok(Gate::Skip(_))
        ));
        assert!(matches!(
            decide(&r, "pull_request_target", Some(&payload(&[]))),
            Ok(Gate::Skip(_))
        ));
        assert!(
            matches!(decide(&r, "push", None), Ok(Gate::Skip(why)) if why.contains("`push` event"))
        );
        assert!(decide(&r, "pull_request", None).is_err());
        assert!(decide(&r, "pull_request", Some("not json")).is_err());
    }

    #[test]
    fn percentage_from_label_table() {
        let r = rules(None, Some("canary:"));
        assert_eq!(
            decide(&r, "pull_request", Some(&payload(&["canary:25", "bug"]))),
            Ok(Gate::Publish {
                percentage: Some((25, "canary:25".into()))
            })
        );
        assert_eq!(
            decide(&r, "pull_request", Some(&payload(&["bug"]))),
            Ok(Gate::Publish { percentage: None })
        );
        for bad in [
            &["canary:0"][..],
            &["canary:abc"],
            &["canary:"],
            &["canary:10", "canary:20"],
        ] {
            assert!(
                decide(&r, "pull_request", Some(&payload(bad))).is_err(),
                "{bad:?}"
            );
        }
        // Outside a pull request there are no labels: nothing changes.
        assert_eq!(
            decide(&r, "push", None),
            Ok(Gate::Publish { percentage: None })
        );
    }

    #[test]
    fn no_rules_means_no_reading() {
        assert_eq!(
            decide(&LabelRules::default(), "push", None),
            Ok(Gate::Publish { percentage: None })
        );
    }
}
