//! Signing, stage by stage, against `tests/data/signing.json`.
//!
//! The vectors were computed by the official Alibaba Cloud SDK's own signing functions
//! (alibabacloud-tea-openapi 0.4.6: `Utils.get_rpcsignature` for V2, `Utils.get_authorization`
//! for V3; V2 cross-checked against the legacy aliyun-python-sdk-core signer), and copied here
//! unchanged from the project's shared/vectors/signing.json. Each stage is asserted on its own,
//! so a failure says where the difference begins.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use esa_publish::base::secret::Secret;
use esa_publish::esa::credentials::Credentials;
use esa_publish::esa::signing::*;
use serde_json::Value;

fn vectors() -> Value {
    serde_json::from_str(include_str!("data/signing.json")).expect("vector file parses")
}

fn map(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .expect("object")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("string value").to_string()))
        .collect()
}

fn time(s: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%SZ")
        .unwrap()
        .and_utc()
}

fn credentials(case: &Value, token: Option<String>) -> Credentials {
    Credentials {
        access_key_id: case["access_key_id"].as_str().unwrap().into(),
        access_key_secret: Secret::new(case["access_key_secret"].as_str().unwrap()),
        security_token: token.map(Secret::new),
    }
}

const V2_COMMON: &[&str] = &[
    "Action",
    "Format",
    "Version",
    "Timestamp",
    "SignatureNonce",
    "SignatureMethod",
    "SignatureVersion",
    "AccessKeyId",
    "SecurityToken",
];

#[test]
fn the_vector_file_has_both_methods_and_token_cases() {
    let v = vectors();
    let v2 = v["v2"].as_array().unwrap();
    let v3 = v["v3"].as_array().unwrap();
    assert_eq!((v2.len(), v3.len()), (26, 25));
    assert!(v2.iter().any(|c| c["query"].get("SecurityToken").is_some()));
    assert!(v3
        .iter()
        .any(|c| c["headers"].get("x-acs-security-token").is_some()));
}

#[test]
fn v2_each_stage_matches_the_sdk() {
    for case in vectors()["v2"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let query = map(&case["query"]);
        let body = map(&case["body"]);
        let mut all = query.clone();
        all.extend(body.clone());

        assert_eq!(
            canonical_query(&all),
            case["canonical_query"].as_str().unwrap(),
            "{name}: canonical query didn't match"
        );
        let sts = v2_string_to_sign(case["method"].as_str().unwrap(), &all);
        assert_eq!(
            sts,
            case["string_to_sign"].as_str().unwrap(),
            "{name}: string to sign didn't match"
        );
        let sig = v2_signature(case["access_key_secret"].as_str().unwrap(), &sts);
        assert_eq!(
            sig,
            case["signature"].as_str().unwrap(),
            "{name}: signature didn't match"
        );

        // The whole assembly, from the API's own parameters plus time, nonce and credentials.
        let request = RpcRequest {
            action: "PublishEdgeContainerAppVersion",
            version: "2024-09-10",
            method: "POST",
            query: query
                .iter()
                .filter(|(k, _)| !V2_COMMON.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            body: body.clone(),
        };
        let signed = sign_v2(
            &request,
            &credentials(case, query.get("SecurityToken").cloned()),
            time(&query["Timestamp"]),
            &query["SignatureNonce"],
        );
        assert_eq!(
            signed.canonical,
            case["canonical_query"].as_str().unwrap(),
            "{name}: assembled canonical query didn't match"
        );
        assert_eq!(
            signed.string_to_sign,
            case["string_to_sign"].as_str().unwrap(),
            "{name}: assembled string to sign didn't match"
        );
        assert!(
            signed.path_and_query.ends_with(&format!(
                "&Signature={}",
                percent_encode(case["signature"].as_str().unwrap())
            )),
            "{name}: the URL does not carry the signature"
        );
    }
}

#[test]
fn v3_each_stage_matches_the_sdk() {
    for case in vectors()["v3"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let query = map(&case["query"]);
        let headers = map(&case["headers"]);
        let body = case["body"].as_str().unwrap();

        let hash = hex_sha256(body.as_bytes());
        assert_eq!(
            hash, headers["x-acs-content-sha256"],
            "{name}: payload hash didn't match"
        );
        let canonical = v3_canonical_request(
            case["method"].as_str().unwrap(),
            case["path"].as_str().unwrap(),
            &query,
            &headers,
            &hash,
        );
        assert_eq!(
            canonical.text,
            case["canonical_request"].as_str().unwrap(),
            "{name}: canonical request didn't match"
        );
        let sts = v3_string_to_sign(&canonical.text);
        assert_eq!(
            sts,
            case["string_to_sign"].as_str().unwrap(),
            "{name}: string to sign didn't match"
        );
        let sig = v3_signature(case["access_key_secret"].as_str().unwrap(), &sts);
        let auth = v3_authorization(
            case["access_key_id"].as_str().unwrap(),
            &canonical.signed_headers,
            &sig,
        );
        assert_eq!(
            auth,
            case["authorization"].as_str().unwrap(),
            "{name}: authorization didn't match"
        );

        // The whole assembly: the body parameters are decoded from the vector's body (with the
        // stand-in's independent decoder) and must encode back to the very same bytes.
        let request = RpcRequest {
            action: "PublishEdgeContainerAppVersion",
            version: "2024-09-10",
            method: "POST",
            query: query.clone(),
            body: esa_standin::verify::parse_pairs(body),
        };
        let signed = sign_v3(
            &request,
            &headers["host"],
            &credentials(case, headers.get("x-acs-security-token").cloned()),
            time(&headers["x-acs-date"]),
            &headers["x-acs-signature-nonce"],
        );
        assert_eq!(signed.body, body, "{name}: form body didn't match");
        assert_eq!(
            signed.canonical,
            case["canonical_request"].as_str().unwrap(),
            "{name}: assembled canonical request didn't match"
        );
        let sent: BTreeMap<String, String> = signed.headers.iter().cloned().collect();
        assert_eq!(
            sent.get("authorization").map(String::as_str),
            case["authorization"].as_str(),
            "{name}: assembled authorization didn't match"
        );
        for (k, v) in &headers {
            assert_eq!(sent.get(k), Some(v), "{name}: header {k} didn't match");
        }
    }
}

#[test]
fn the_worked_example_signature() {
    // The worked example of shared/docs/esa-api.md §3, spelled out.
    let v = vectors();
    let case = v["v2"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "v2-worked-example")
        .unwrap();
    let mut all = map(&case["query"]);
    all.extend(map(&case["body"]));
    assert_eq!(
        v2_signature("testsecret", &v2_string_to_sign("POST", &all)),
        "IaOpSG49+Ewq/+2QXDt14xk8bFo="
    );
}

#[test]
fn the_standin_verifier_agrees_with_the_vectors_too() {
    // The stand-in checks signatures with code of its own; it is only a fair judge if it
    // also reproduces the SDK's vectors.
    for case in vectors()["v2"].as_array().unwrap() {
        let mut all = map(&case["query"]);
        all.extend(map(&case["body"]));
        let sts = esa_standin::verify::v2_string_to_sign("POST", &all);
        assert_eq!(sts, case["string_to_sign"].as_str().unwrap());
        assert_eq!(
            esa_standin::verify::v2_signature(case["access_key_secret"].as_str().unwrap(), &sts),
            case["signature"].as_str().unwrap()
        );
    }
    for case in vectors()["v3"].as_array().unwrap() {
        let headers = map(&case["headers"]);
        let names: Vec<String> = headers.keys().cloned().collect();
        let canonical = esa_standin::verify::v3_canonical_request(
            "POST",
            "/",
            &map(&case["query"]),
            &headers,
            &names,
            &headers["x-acs-content-sha256"],
        );
        assert_eq!(canonical, case["canonical_request"].as_str().unwrap());
        let auth =
            esa_standin::verify::parse_v3_authorization(case["authorization"].as_str().unwrap())
                .unwrap();
        assert_eq!(
            esa_standin::verify::v3_signature(
                case["access_key_secret"].as_str().unwrap(),
                &esa_standin::verify::v3_string_to_sign(&canonical)
            ),
            auth.signature
        );
    }
}
