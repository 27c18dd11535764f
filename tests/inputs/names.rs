//! The names inputs arrive under: each host's spelling, two spellings that disagree, names that are no input, the composite's JSON, and defaults that are no choice.

use esa_publish::ci::env::Env;
use esa_publish::config::parse;
use esa_publish::config::spec::INPUTS;

use crate::{env, now, ok, rejected};

#[test]
fn each_hosts_spelling_works_alone_and_values_are_trimmed() {
    // The runner's, GitLab's or by hand, Drone's, Woodpecker's.
    for var in [
        "INPUT_APP-ID",
        "INPUT_APP_ID",
        "PLUGIN_APP-ID",
        "PLUGIN_APP_ID",
    ] {
        let c = ok(&[
            ("INPUT_APP-ID", ""),
            (var, "  app-1 \n"),
            ("INPUT_PERCENTAGE", " 20 "),
        ]);
        assert_eq!(c.publish.app_id, "app-1", "{var}");
        assert_eq!(c.publish.percentage, Some(20));
    }
    // One value in two spellings is one input.
    let c = ok(&[("INPUT_APP_ID", " app-880688675783790001")]);
    assert_eq!(c.publish.app_id, "app-880688675783790001");
}

#[test]
fn two_spellings_that_disagree_are_an_error_naming_both() {
    // `dry_run: true` beside the runner's `INPUT_DRY-RUN=false` once published for real.
    let r = rejected(&[("INPUT_DRY-RUN", "false"), ("INPUT_DRY_RUN", "true")]);
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert_eq!(r.errors[0].code, "ConflictingInputs");
    assert_eq!(r.errors[0].input, "dry-run");
    let text = &r.errors[0].message;
    for part in [
        "`dry-run` (INPUT_DRY-RUN) is `false`",
        "`dry_run` (INPUT_DRY_RUN) is `true`",
        "spelled as action.yml declares it: `dry-run`",
        "Nothing was sent.",
    ] {
        assert!(text.contains(part), "{part}: {text}");
    }
    for (input, default, chosen) in [
        ("ROLLBACK-ON-FAILURE", "false", "true"),
        ("IF-BUSY", "fail", "wait"),
        ("WAIT-TIMEOUT", "15m", "1h"),
        ("KEEP-VERSIONS", "0", "5"),
        ("STEP-WAIT", "5m", "1m"),
        ("APP-ID", "app-880688675783790001", "app-2"),
    ] {
        let hyphen = format!("INPUT_{input}");
        let underscore = hyphen.replace('-', "_");
        let r = rejected(&[(&hyphen, default), (&underscore, chosen)]);
        assert!(
            r.errors.iter().any(|e| e.code == "ConflictingInputs"),
            "{input}: {:?}",
            r.errors
        );
        let r = rejected(&[
            (&hyphen, ""),
            ("PLUGIN_APP_ID", "app-3"),
            ("INPUT_APP_ID", "app-4"),
        ]);
        assert!(r.errors.iter().any(|e| e.code == "ConflictingInputs"));
    }
    // A secret's values are never shown, not even here.
    let r = rejected(&[("INPUT_ACCESS_KEY_SECRET", "other-secret")]);
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert!(r.errors[0].message.contains("values hidden"));
    assert!(
        !r.errors[0].message.contains("`secret`") && !r.errors[0].message.contains("other-secret")
    );
}

#[test]
fn every_unknown_name_is_an_error_with_the_nearest_input_or_the_help() {
    let help = "`esa-publish --help` and the README's Inputs table list every input.";
    for (var, hint) in [
        ("INPUT_PERCENTGE", "did you mean `percentage`?"),
        ("INPUT_APPID", "did you mean `app-id`?"),
        ("INPUT_PERCENT", "did you mean `percentage`?"),
        ("INPUT_STEPS", "did you mean `percentage-steps`?"),
        ("INPUT_ROLLBACK", "did you mean `rollback-on-failure`?"),
        (
            "INPUT_VERSION",
            "did you mean `version-id`, `version-name` or `base-version`?",
        ),
        ("INPUT_HEALTHCHECK-URL", "did you mean `health-url`?"),
        ("INPUT_WAIT_TIMOUT", "did you mean `wait-timeout`?"),
        ("INPUT_REGOINS", "did you mean `regions`?"),
        ("PLUGIN_PERCENTAGE_STEP", "did you mean `percentage-steps`?"),
        ("INPUT_COLOUR", help),
        ("PLUGIN_DEPLOY_TO", help),
    ] {
        let r = rejected(&[(var, "20")]);
        assert_eq!(r.errors.len(), 1, "{var}: {:?}", r.errors);
        let e = &r.errors[0];
        assert_eq!(e.code, "UnknownInput");
        let key = var
            .trim_start_matches("INPUT_")
            .trim_start_matches("PLUGIN_")
            .to_ascii_lowercase();
        assert!(
            e.message.starts_with(&format!(
                "`{key}` ({var}) is not an input of esa-publish; {hint}"
            )),
            "{}",
            e.message
        );
        assert!(e.message.ends_with("Nothing was sent."));
    }
    // A key of the step under `with:` is said to be one, with where it belongs, never taken
    // for a look-alike input (`timeout-minutes` is not `timeout`).
    for (var, belongs) in [
        ("INPUT_TIMEOUT-MINUTES", "on the step, beside `uses:` (or on the job), not under `with:`; the action's own per-call bound is `timeout`"),
        ("INPUT_CONTINUE-ON-ERROR", "on the step, beside `uses:`"),
        ("INPUT_IF", "on the step, beside `uses:`"),
        ("INPUT_ENV", "(the environment to publish to is the input `publish-env`)"),
        ("INPUT_WORKING-DIRECTORY", "on a `run:` step or in `defaults.run`"),
        ("INPUT_SHELL", "on a `run:` step"),
        ("INPUT_NAME", "on the step, beside `uses:`"),
    ] {
        let r = rejected(&[(var, "10")]);
        let e = &r.errors[0];
        let key = var.trim_start_matches("INPUT_").to_ascii_lowercase();
        assert!(
            e.message.starts_with(&format!("`{key}` ({var}) is a key of the step, not an input of esa-publish: it belongs"))
                && e.message.contains(belongs)
                && !e.message.contains("did you mean"),
            "{}",
            e.message
        );
    }
    // Set in the environment (a lower-case letter: no host writes inputs so), it says so, and
    // an empty one, which is how a step unsets it, carries nothing and is ignored.
    let r = rejected(&[("INPUT_percent", "20"), ("GITHUB_ACTIONS", "true")]);
    assert!(
        r.errors[0].message.contains("`INPUT_percent` comes from the environment (a job's or step's `env:`), not from `with:`"),
        "{}",
        r.errors[0].message
    );
    ok(&[("INPUT_COLOUR", "")]);
    // The runner's own: `args` and `entrypoint` are its, for every Docker action.
    ok(&[("INPUT_ARGS", ""), ("INPUT_ENTRYPOINT", "")]);
}

#[test]
fn the_composite_hands_over_every_key_it_was_given_as_json() {
    let json = |extra: &str| {
        let base = r#""app-id": "app-880688675783790001", "version-id": "ver-879626371616510001", "publish-env": "staging", "access-key-id": "LTAIexample", "access-key-secret": "secret", "dry-run": "false", "percentage-steps": "", "version": "", "binary": "/b", "sha256": "", "verify-attestation": "false""#;
        Env::from_pairs([("ESA_PUBLISH_INPUTS", format!("{{{base}{extra}}}"))])
    };
    let c = parse(&json(""), now()).unwrap();
    assert_eq!(c.publish.app_id, "app-880688675783790001");
    for (extra, code, part) in [
        (
            r#", "percent": "20""#,
            "UnknownInput",
            "`percent` is not an input of esa-publish; did you mean `percentage`?",
        ),
        (
            r#", "percentage_steps": "10,50,100""#,
            "ConflictingInputs",
            "`percentage-steps` is empty, `percentage_steps` is `10,50,100`",
        ),
        (
            r#", "dry_run": "true""#,
            "ConflictingInputs",
            "`dry-run` is `false`, `dry_run` is `true`",
        ),
        (r#", "args": "x""#, "UnknownInput", "`args` is not an input"),
    ] {
        let r = parse(&json(extra), now()).expect_err(extra);
        assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
        assert_eq!(r.errors[0].code, code);
        assert!(
            r.errors[0].message.contains(part),
            "{}",
            r.errors[0].message
        );
    }
    // A variable beside the JSON is not an input there: the composite does not read it.
    let mut vars = vec![("INPUT_PERCENTAGE".to_string(), "20".to_string())];
    vars.push((
        "ESA_PUBLISH_INPUTS".into(),
        json("").var("ESA_PUBLISH_INPUTS").unwrap().into(),
    ));
    let r = parse(&Env::from_pairs(vars), now()).unwrap_err();
    assert!(r.errors[0].message.starts_with("`INPUT_PERCENTAGE` is set in the environment, but the composite action takes its inputs from `with:` alone"), "{:?}", r.errors);
    let r = parse(&Env::from_pairs([("ESA_PUBLISH_INPUTS", "{")]), now()).unwrap_err();
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert!(r.errors[0]
        .message
        .starts_with("ESA_PUBLISH_INPUTS is not JSON"));
}

#[test]
fn a_default_written_out_is_the_same_as_none() {
    // The runner passes every declared input, its default where the step gives none: written
    // out or left out, a default must read the same, in every combination of sources.
    let sources: &[&[(&str, &str)]] = &[
        &[],
        &[
            ("INPUT_WAIT", "true"),
            ("INPUT_ROLLBACK-ON-FAILURE", "true"),
        ],
        &[("INPUT_PERCENTAGE-STEPS", "10,100")],
        &[
            ("INPUT_DRY-RUN", "true"),
            ("INPUT_ACCESS-KEY-ID", ""),
            ("INPUT_ACCESS-KEY-SECRET", ""),
        ],
        &[("INPUT_PUBLISH-ENV", "prod"), ("INPUT_WAIT", "true")],
    ];
    for source in sources {
        let plain = format!("{:?}", parse(&env(source), now()).map(|c| format!("{c:?}")));
        assert!(!plain.contains("Err"), "{source:?}: {plain}");
        let mut all: Vec<(String, String)> = source
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        for spec in INPUTS.iter().filter(|s| s.default.is_some()) {
            let var = format!("INPUT_{}", spec.name.to_ascii_uppercase());
            if !all.iter().any(|(k, _)| *k == var) {
                all.push((var, spec.default.unwrap().to_string()));
            }
        }
        let all: Vec<(&str, &str)> = all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let written = format!("{:?}", parse(&env(&all), now()).map(|c| format!("{c:?}")));
        assert_eq!(plain, written, "{source:?}");
    }
}

#[test]
fn health_inputs_other_than_their_defaults_need_a_health_url() {
    for (var, value, default) in [
        ("INPUT_HEALTH-STATUS", "200,204", "200-399"),
        ("INPUT_HEALTH-FAILURES", "5", "3"),
    ] {
        let r = rejected(&[(var, value)]);
        assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
        assert!(
            r.errors[0]
                .message
                .contains(&format!("is `{value}`, not its default `{default}`")),
            "{}",
            r.errors[0].message
        );
    }
    // The defaults, written out or spaced differently, are no choice.
    ok(&[
        ("INPUT_HEALTH-STATUS", " 200 - 399 "),
        ("INPUT_HEALTH-FAILURES", "3"),
    ]);
}
