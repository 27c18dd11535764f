//! Property tests over hostile input: arbitrary strings and bytes through input parsing and validation, canonicalisation, the escaping of annotations and outputs, and error-body parsing. Nothing may panic, and escaping must round-trip through runner-faithful parsers.
//!
//! CI runs the default bounded pass (256 cases a property). A longer fuzzing run:
//! `PROPTEST_CASES=100000 cargo test --release --test fuzz`

mod support;

use std::collections::BTreeMap;

use chrono::Utc;
use esa_engine::base::values::{parse_duration, parse_percentage};
use esa_engine::esa::endpoint::parse_endpoint;
use esa_publish::ci::env::Env;
use esa_publish::ci::runner::{
    annotation, escape_data, neutralise_legacy, plain_line, Level, Runner,
};
use esa_publish::config::publish::{parse_regions, parse_start_time};
use esa_publish::config::{self, spec::INPUTS};
use esa_publish::esa::client::{interpret, redact_url};
use esa_publish::esa::signing::{canonical_query, form_body, percent_encode};
use proptest::prelude::*;
use support::{commands, parse_command, parse_outputs};

/// Any string, with a bias towards the characters that matter here.
fn nasty() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        proptest::collection::vec(
            prop_oneof![
                Just("\n".to_string()),
                Just("\r".to_string()),
                Just("::".to_string()),
                Just("%".to_string()),
                Just("%0A".to_string()),
                Just("%25".to_string()),
                Just(",".to_string()),
                Just(":".to_string()),
                Just("=".to_string()),
                Just("<<".to_string()),
                Just("ghadelimiter_".to_string()),
                Just("::error::".to_string()),
                Just("##[".to_string()),
                Just("##[set-output name=x;]".to_string()),
                Just("]".to_string()),
                Just("#".to_string()),
                Just(" ".to_string()),
                "[a-z0-9]{0,3}",
                any::<char>().prop_map(String::from),
            ],
            0..12
        )
        .prop_map(|parts| parts.concat()),
    ]
}

proptest! {
    #[test]
    fn input_parsing_never_panics(values in proptest::collection::vec(nasty(), INPUTS.len()), hyphen in any::<bool>()) {
        let vars: Vec<(String, String)> = INPUTS
            .iter()
            .zip(values)
            .map(|(spec, v)| {
                let name = spec.name.to_ascii_uppercase();
                (format!("INPUT_{}", if hyphen { name } else { name.replace('-', "_") }), v)
            })
            .collect();
        let _ = config::parse(&Env::from_pairs(vars), Utc::now());
    }

    #[test]
    fn each_parser_never_panics(v in nasty()) {
        let _ = parse_regions(&v);
        let _ = parse_endpoint(&v);
        let _ = parse_duration(&v);
        let _ = parse_start_time(&v);
        let _ = parse_percentage(&v);
    }

    #[test]
    fn percent_encoding_round_trips_and_leaves_only_unreserved(v in any::<String>()) {
        let encoded = percent_encode(&v);
        prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b)));
        prop_assert_eq!(esa_standin::verify::decode(&encoded), v);
    }

    #[test]
    fn canonical_query_and_form_body_round_trip(params in proptest::collection::btree_map(any::<String>(), any::<String>(), 0..6)) {
        let params: BTreeMap<String, String> = params.into_iter().filter(|(k, _)| !k.is_empty()).collect();
        prop_assert_eq!(esa_standin::verify::parse_pairs(&canonical_query(&params)), params.clone());
        prop_assert_eq!(esa_standin::verify::parse_pairs(&form_body(&params)), params);
    }

    #[test]
    fn annotations_round_trip_as_exactly_one_command(title in nasty(), message in nasty()) {
        let line = annotation(Level::Warning, &title, &message);
        let parsed = commands(&line);
        prop_assert_eq!(parsed.len(), 1);
        prop_assert_eq!(&parsed[0].name, "warning");
        // What is sent comes back whole, but for the legacy key, which is always broken.
        prop_assert_eq!(&parsed[0].data, &neutralise_legacy(&message));
        prop_assert!(!line.contains("##["));
        // The runner trims the property list, so titles are sent trimmed (and left out when
        // empty).
        let sent = neutralise_legacy(title.trim());
        prop_assert_eq!(parsed[0].properties.get("title").map(String::as_str), (!sent.is_empty()).then_some(sent.as_str()));
    }

    #[test]
    fn escaped_data_has_no_line_breaks(message in nasty()) {
        let escaped = escape_data(&message);
        prop_assert!(!escaped.contains('\n') && !escaped.contains('\r'));
    }

    #[test]
    fn plain_lines_are_never_commands(text in nasty()) {
        let line = plain_line(&text);
        prop_assert!(!line.contains('\n') && !line.contains('\r'));
        prop_assert!(parse_command(&line).is_none());
        prop_assert!(commands(&line).is_empty());
        prop_assert!(!line.contains("##["));
    }

    #[test]
    fn the_legacy_key_never_survives_neutralising(text in nasty()) {
        let broken = neutralise_legacy(&text);
        prop_assert!(!broken.contains("##["));
        prop_assert_eq!(broken.replace('\u{200B}', ""), text.replace('\u{200B}', ""));
    }

    #[test]
    fn outputs_round_trip_as_exactly_one_output(value in nasty()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        let env = Env::from_pairs([("GITHUB_OUTPUT", path.to_str().unwrap())]);
        let mut runner = Runner::new(&env, Vec::new());
        runner.set_output("request-id", &value).unwrap();
        let parsed = parse_outputs(&std::fs::read_to_string(&path).unwrap()).unwrap();
        prop_assert_eq!(parsed.len(), 1);
        // The runner reads the file line by line, so a CR before a line end is dropped.
        let expected = format!("{value}\n").replace("\r\n", "\n");
        prop_assert_eq!(&parsed["request-id"], &expected[..expected.len() - 1]);
    }

    #[test]
    fn secrets_never_survive_into_the_runner_view(secret in "[A-Za-z0-9/+=_-]{8,40}", before in nasty(), after in nasty()) {
        let mut runner = Runner::new(&Env::default(), Vec::new());
        runner.add_secret(&secret);
        let message = format!("{before}{secret}{after}{}", percent_encode(&secret));
        runner.annotate(Level::Error, &message, &message);
        runner.log(&message);
        let out = String::from_utf8(runner.into_inner()).unwrap();
        for cmd in commands(&out) {
            prop_assert!(!cmd.data.contains(&secret));
        }
        prop_assert!(!out.contains(&secret));
    }

    #[test]
    fn answers_of_any_shape_never_panic(status in 0u16..1000, body in proptest::collection::vec(any::<u8>(), 0..512), request_id in proptest::option::of(nasty())) {
        let _ = interpret::<serde_json::Value>(status, &body, request_id.clone());
        let _ = esa_publish::esa::api::parse_error_body(&body);
        if let Err(e) = interpret::<esa_publish::esa::api::PublishResponse>(status, &body, request_id) {
            let _ = (e.to_string(), e.title(), esa_publish::words::remedy::remedy(&e), e.request_id());
        }
    }

    #[test]
    fn error_bodies_with_hostile_fields_still_read(code in nasty(), message in nasty(), id in nasty()) {
        let body = serde_json::json!({"Code": code, "Message": message, "RequestId": id}).to_string();
        if let Err(e) = interpret::<esa_publish::esa::api::PublishResponse>(400, body.as_bytes(), None) {
            let line = annotation(Level::Error, &e.title(), &e.to_string());
            prop_assert_eq!(commands(&line).len(), 1);
        }
    }

    #[test]
    fn redacted_urls_keep_no_signature_or_token(sig in "[A-Za-z0-9%]{4,30}", token in "[A-Za-z0-9%]{4,30}") {
        let url = format!("https://h/?AccessKeyId=x&SecurityToken={token}&Signature={sig}&Timestamp=t");
        let redacted = redact_url(&url);
        let (sig_pair, token_pair) = (format!("={}", sig), format!("={}", token));
        prop_assert!(!redacted.contains(&sig_pair) && !redacted.contains(&token_pair));
        prop_assert!(redacted.contains("Signature=***") && redacted.contains("SecurityToken=***"));
    }
}
