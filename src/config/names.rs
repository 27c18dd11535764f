//! Which variables are inputs, fail-closed: a name that is no input is an error (with the nearest input, where one is near; where a key of the step or job was written under `with:`, where it belongs; where the variable came from, when the host tells), and two spellings of one input that disagree are an error, since an ignored parameter is a wrong deploy. Each message speaks the host's words (`with:` and `env:` on GitHub, `settings:` and `environment:` on Drone and Woodpecker).

use crate::ci::env::{runner_variable, spellings, Env, Handover};
use crate::ci::host::Host;
use crate::config::spec::{INPUTS, RUNNER_INPUTS, SECRET_INPUTS, SETUP_INPUTS};
use esa_engine::base::error::InputProblem;
use esa_engine::base::text::shown;

/// The title of a name that is not an input.
pub const UNKNOWN_INPUT: &str = "UnknownInput";

/// The title of one input given twice, in two spellings with different values.
pub const CONFLICTING_INPUTS: &str = "ConflictingInputs";

/// The title when the composite's JSON cannot be read.
const UNREADABLE_INPUTS: &str = "SystemError";

/// Every problem with the names the inputs arrived under. Nothing is sent when there is one.
pub fn problems(env: &Env) -> Vec<InputProblem> {
    let mut found = Vec::new();
    let json = match env.handover() {
        Handover::Variables => false,
        Handover::Json { stray } => {
            found.extend(stray.iter().map(|name| stray_variable(name)));
            true
        }
        Handover::Unreadable(why) => {
            found.push(InputProblem::new(
                "inputs",
                UNREADABLE_INPUTS,
                format!("{why}: the composite action hands over its inputs as `${{{{ toJSON(inputs) }}}}`, so none could be read. Nothing was sent."),
            ));
            return found;
        }
    };
    let passed = |key: &str| match json {
        true => SETUP_INPUTS.iter().any(|s| runner_variable(s) == key),
        false => RUNNER_INPUTS.iter().any(|r| runner_variable(r) == key),
    };
    let host = Host::from_env(env).unwrap_or_else(|_| Host::detect(env));
    for name in env.input_names() {
        // An empty variable carries nothing to ignore: it is how a step unsets one.
        let empty = env.input_raw(name).is_some_and(|v| v.trim().is_empty());
        if !INPUTS
            .iter()
            .any(|i| spellings(i.name).iter().any(|s| s == name))
            && !passed(name)
            && !empty
        {
            found.push(unknown(name, json, host));
        }
    }
    for spec in INPUTS {
        if let Some(problem) = conflict(env, spec.name, json, host) {
            found.push(problem);
        }
    }
    found
}

/// The keys a runner reads on a step or a job itself, and where each belongs: written under
/// `with:` (or `settings:`), they are inputs nobody reads.
fn step_key(variable: &str, host: Host) -> Option<&'static str> {
    let github = [
        ("timeout-minutes", "on the step, beside `uses:` (or on the job), not under `with:`; the action's own per-call bound is `timeout`"),
        ("continue-on-error", "on the step, beside `uses:` (or on the job), not under `with:`"),
        ("if", "on the step, beside `uses:`, not under `with:`"),
        ("env", "on the step, beside `uses:` (or on the job), not under `with:` (the environment to publish to is the input `publish-env`)"),
        ("working-directory", "on a `run:` step or in `defaults.run`; a `uses:` step has none (`version-spec` is relative to the workspace)"),
        ("shell", "on a `run:` step; a `uses:` step has none"),
        ("name", "on the step, beside `uses:`, not under `with:`"),
        ("id", "on the step, beside `uses:`, not under `with:`"),
        ("uses", "on the step, not under `with:`"),
        ("run", "on a step of its own, not under `with:`"),
    ];
    let plugin = [
        ("when", "on the step, beside `settings:`, not under it"),
        (
            "environment",
            "on the step, beside `settings:`, not under it",
        ),
        ("failure", "on the step, beside `settings:`, not under it"),
        (
            "depends-on",
            "on the step, beside `settings:`, not under it",
        ),
        ("image", "on the step, beside `settings:`, not under it"),
        (
            "commands",
            "on a step of its own; a plugin step runs no commands",
        ),
        ("pull", "on the step, beside `settings:`, not under it"),
        (
            "privileged",
            "on the step, beside `settings:`, not under it",
        ),
        ("detach", "on the step, beside `settings:`, not under it"),
        ("volumes", "on the step, beside `settings:`, not under it"),
        (
            "entrypoint",
            "on the step, beside `settings:`, not under it",
        ),
    ];
    let key = key_of(variable).replace('_', "-");
    // The host's table; GitLab's inputs are plain variables, with no step keys beside them;
    // at a terminal the spelling says whose step the variables were written for (an input
    // variable is `PLUGIN_` or `INPUT_`).
    let table: &[(&str, &str)] = match host {
        Host::Drone | Host::Woodpecker => &plugin,
        Host::Plain if variable.starts_with("PLUGIN_") => &plugin,
        Host::GitHub | Host::Plain => &github,
        Host::GitLab => &[],
    };
    table.iter().find(|(k, _)| *k == key).map(|(_, at)| *at)
}

/// The key as written under `with:` or `settings:` (lower case: the hosts upper-case it).
fn key_of(variable: &str) -> String {
    variable
        .trim_start_matches("INPUT_")
        .trim_start_matches("PLUGIN_")
        .to_ascii_lowercase()
}

/// How a variable is named in a message: the key, and where it is not from the composite's
/// JSON, the variable too.
fn named(variable: &str, json: bool) -> String {
    let key = shown(&key_of(variable));
    match json {
        true => format!("`{key}`"),
        false => format!("`{key}` ({})", shown(variable)),
    }
}

fn unknown(variable: &str, json: bool, host: Host) -> InputProblem {
    let key = key_of(variable);
    let message = if let Some(at) = step_key(variable, host).filter(|_| !from_environment(variable))
    {
        format!(
            "{} is a key of the step, not an input of esa-publish: it belongs {at}. Written there it would be ignored. Nothing was sent.",
            named(variable, json)
        )
    } else {
        let hint = match nearest(&key).as_slice() {
            [] => {
                "`esa-publish --help` and the README's Inputs table list every input.".to_string()
            }
            [one] => format!("did you mean `{one}`?"),
            several => format!("did you mean {}?", listed(several)),
        };
        format!(
            "{} is not an input of esa-publish; {hint} {} An input that is not read would be ignored, and the deploy would not be the one asked for. Nothing was sent.",
            named(variable, json),
            came_from(variable, host)
        )
    };
    InputProblem::new("inputs", UNKNOWN_INPUT, message)
}

/// Whether the variable can only have come from the environment: a host upper-cases the keys
/// it passes as inputs, so a name with a lower-case letter was set as a variable.
fn from_environment(variable: &str) -> bool {
    variable.chars().any(|c| c.is_ascii_lowercase())
}

/// Where the variable came from, as far as the host tells, and how to unset it for the step.
fn came_from(variable: &str, host: Host) -> String {
    let name = shown(variable);
    match (host, from_environment(variable)) {
        (Host::Drone | Host::Woodpecker, true) => format!("`{name}` comes from the environment (the step's `environment:`, or the server's global variables), not from `settings:`: rename it, or set it to an empty value for this step."),
        (Host::Drone | Host::Woodpecker, false) => "It comes from the step's `settings:`, or from the environment (`environment:`, or the server's global variables); remove it there, or set it to an empty value for this step.".to_string(),
        (Host::GitHub, true) => format!("`{name}` comes from the environment (a job's or step's `env:`), not from `with:`: rename it, or set it to an empty value on this step (`env:` with `{name}: ''`)."),
        (Host::GitHub, false) => "It comes from the step's `with:`, or from the environment (a job's or step's `env:`); remove it there, or set it to an empty value on this step.".to_string(),
        (Host::GitLab, _) => "It comes from the job's `variables:` (or the project's or group's CI/CD variables); remove it there, or set it to an empty value for this job.".to_string(),
        (Host::Plain, _) => "It comes from the environment; unset it, or set it to an empty value.".to_string(),
    }
}

fn stray_variable(variable: &str) -> InputProblem {
    InputProblem::new(
        "inputs",
        UNKNOWN_INPUT,
        format!(
            "`{}` is set in the environment, but the composite action takes its inputs from `with:` alone, so it would be ignored: move it under `with:` as `{}`, or unset it. Nothing was sent.",
            shown(variable),
            shown(&key_of(variable).replace('_', "-"))
        ),
    )
}

/// `a`, `a or b`, `a, b or c`, each in backquotes.
fn listed(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Two or more spellings of `name` that are set with values that differ (trimmed).
fn conflict(env: &Env, name: &'static str, json: bool, host: Host) -> Option<InputProblem> {
    let values = env.input_values(name);
    let first = values.first()?.1.trim();
    if values.iter().all(|(_, v)| v.trim() == first) {
        return None;
    }
    let secret = SECRET_INPUTS.contains(&name);
    let each: Vec<String> = values
        .iter()
        .map(|(variable, value)| match secret {
            true => named(variable, json),
            false if value.trim().is_empty() => format!("{} is empty", named(variable, json)),
            false => format!("{} is `{}`", named(variable, json), shown(value.trim())),
        })
        .collect();
    let hidden = if secret {
        " (values hidden: a secret)"
    } else {
        ""
    };
    let why = match (host, name.contains('-')) {
        (Host::GitHub, true) => format!(" The runner passes every declared input, with its default where the step gives none, so `{name}` always arrives and a `{}:` beside it cannot win.", name.replace('-', "_")),
        _ => String::new(),
    };
    Some(InputProblem::new(
        name,
        CONFLICTING_INPUTS,
        format!(
            "input `{name}` arrives in {} spellings that disagree: {}{hidden}. Keep one, spelled as action.yml declares it: `{name}`.{why} Nothing was sent.",
            values.len(),
            each.join(", "),
        ),
    ))
}

/// How many edits (an insertion, a deletion, a change or a swap of neighbours) a name may be
/// from an input's and still be taken for a typo of it: 2 for names of 8 characters or more,
/// 1 for shorter ones.
fn typo_distance(name: &str) -> usize {
    if name.len() >= 8 {
        2
    } else {
        1
    }
}

/// The inputs `key` most likely meant: the one it is a typo of (`percentge` → `percentage`),
/// else those that share its words, whole or by a prefix of three letters or more (`percent`
/// → `percentage`, `steps` → `percentage-steps`, `healthcheck-url` → `health-url`), the best
/// matches first and at most three. Hyphens and underscores count the same.
pub fn nearest(key: &str) -> Vec<&'static str> {
    let key = key.replace('_', "-");
    let typo = INPUTS
        .iter()
        .map(|i| (strsim::osa_distance(&key, i.name), i.name))
        .filter(|(d, name)| *d <= typo_distance(name).min(typo_distance(&key)))
        .min_by_key(|(d, _)| *d);
    if let Some((_, name)) = typo {
        return vec![name];
    }
    let scored: Vec<((usize, usize), &'static str)> = INPUTS
        .iter()
        .map(|i| (word_score(&key, i.name), i.name))
        .filter(|((score, _), _)| *score > 0)
        .collect();
    let Some(best) = scored.iter().map(|(s, _)| *s).max() else {
        return Vec::new();
    };
    scored
        .into_iter()
        .filter(|(s, _)| *s == best)
        .map(|(_, name)| name)
        .take(3)
        .collect()
}

/// How well the words of `key` match those of `input`: 2 for each whole word, 1 for a word
/// that starts the other (three letters or more); ties go to the input with fewer words.
fn word_score(key: &str, input: &str) -> (usize, usize) {
    let theirs: Vec<&str> = input.split('-').collect();
    let score = key
        .split('-')
        .map(|word| {
            theirs
                .iter()
                .map(
                    |their| match (word == *their, word.len().min(their.len()) >= 3) {
                        (true, _) => 2,
                        (false, true) if their.starts_with(word) || word.starts_with(their) => 1,
                        _ => 0,
                    },
                )
                .max()
                .unwrap_or(0)
        })
        .sum();
    (score, usize::MAX - theirs.len())
}

#[cfg(test)]
mod tests {
    use crate::config::names::nearest;

    #[test]
    fn the_nearest_inputs_of_what_people_write() {
        for (key, want) in [
            ("percentge", &["percentage"][..]),
            ("percent", &["percentage"]),
            ("steps", &["percentage-steps"]),
            ("rollback", &["rollback-on-failure"]),
            ("env", &["publish-env"]),
            ("healthcheck-url", &["health-url"]),
            ("healthcheck_url", &["health-url"]),
            ("version", &["version-id", "version-name", "base-version"]),
            ("wait_timout", &["wait-timeout"]),
            ("colour", &[]),
            ("to", &[]),
        ] {
            assert_eq!(nearest(key), want, "{key}");
        }
    }
}
