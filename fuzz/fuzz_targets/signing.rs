//! Signing: arbitrary parameter maps through both methods. Percent-encoding round-trips and leaves only unreserved characters; the canonical query and the form body are the same whatever order the parameters were given in, and decode back to the map; V2 and V3 sign any UTF-8 without panicking, the same way twice, never put the secret in what they send, and what they send verifies under an independent verifier: the stand-in's, which rebuilds the canonical text from the request as received, with code of its own.

#![no_main]

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use esa_engine::base::text::percent_encode;
use esa_publish::base::secret::Secret;
use esa_publish::esa::credentials::Credentials;
use esa_publish::esa::signing::{
    canonical_query, form_body, sign_v2, sign_v3, RpcRequest, SignedRequest,
};
use esa_standin::verify::{
    decode, parse_pairs, parse_v3_authorization, sha256_hex, v2_signature, v2_string_to_sign,
    v3_canonical_request, v3_signature, v3_string_to_sign,
};
use libfuzzer_sys::fuzz_target;

/// One input: NUL-separated fields (the key ID, the secret, the token, the nonce, the query,
/// the body), each of the last two `key=value` lines, so that the signing vectors seed it.
#[derive(Debug)]
struct Case {
    query: Vec<(String, String)>,
    body: Vec<(String, String)>,
    key_id: String,
    secret: String,
    token: Option<String>,
    nonce: String,
    seconds: u32,
}

fn pairs(text: &str) -> Vec<(String, String)> {
    text.split('\n')
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

impl Case {
    fn from(data: &[u8]) -> Case {
        let text = String::from_utf8_lossy(data);
        let mut f = text.split('\0');
        let mut next = || f.next().unwrap_or_default().to_string();
        let (key_id, secret, token, nonce) = (next(), next(), next(), next());
        let (query, body) = (pairs(&next()), pairs(&next()));
        Case {
            query,
            body,
            key_id,
            secret,
            token: (!token.is_empty()).then_some(token),
            nonce,
            seconds: data.len() as u32 * 7919,
        }
    }
}

fn map(pairs: impl Iterator<Item = (String, String)>) -> BTreeMap<String, String> {
    pairs.filter(|(k, _)| !k.is_empty()).collect()
}

/// V2's common parameters: an API parameter never has one of these names.
const COMMON: &[&str] = &[
    "Action",
    "Format",
    "Version",
    "Timestamp",
    "SignatureNonce",
    "SignatureMethod",
    "SignatureVersion",
    "AccessKeyId",
    "SecurityToken",
    "Signature",
];

/// Verifies what was sent as the stand-in would on receipt: the query and the form body
/// decoded, the headers by name, the signature recomputed from them with the secret.
fn verify(sent: &SignedRequest, secret: &str, v3: bool) {
    let raw_query = sent
        .path_and_query
        .strip_prefix('/')
        .unwrap_or(&sent.path_and_query);
    let query = parse_pairs(raw_query.strip_prefix('?').unwrap_or(raw_query));
    let form = parse_pairs(&sent.body);
    let headers: BTreeMap<String, String> = sent.headers.iter().cloned().collect();
    let (given, expected) = match v3 {
        true => {
            let auth = parse_v3_authorization(&headers["authorization"]).expect("an Authorization");
            let hash = sha256_hex(sent.body.as_bytes());
            assert_eq!(headers["x-acs-content-sha256"], hash, "the body's hash");
            let canonical = v3_canonical_request(
                sent.method,
                "/",
                &query,
                &headers,
                &auth.signed_headers,
                &hash,
            );
            (
                auth.signature,
                v3_signature(secret, &v3_string_to_sign(&canonical)),
            )
        }
        false => {
            let mut all = query.clone();
            all.extend(form);
            let given = all.remove("Signature").expect("a Signature");
            (
                given,
                v2_signature(secret, &v2_string_to_sign(sent.method, &all)),
            )
        }
    };
    assert_eq!(
        given,
        expected,
        "the {} signature does not verify",
        if v3 { "V3" } else { "V2" }
    );
}

fuzz_target!(|data: &[u8]| {
    let case = Case::from(data);
    for (k, v) in case.query.iter().chain(&case.body) {
        for text in [k, v] {
            let encoded = percent_encode(text);
            assert!(encoded
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b)));
            assert_eq!(&decode(&encoded), text);
        }
    }
    // The same parameters in the order given and reversed: one canonical text. (A key given
    // twice keeps its last value, so the reversed map is built from the deduplicated one.)
    let query = map(case.query.iter().cloned());
    let reversed = map(query.clone().into_iter().rev());
    assert_eq!(canonical_query(&query), canonical_query(&reversed));
    assert_eq!(parse_pairs(&canonical_query(&query)), query);
    let body = map(case.body.iter().cloned());
    assert_eq!(parse_pairs(&form_body(&body)), body);

    // The API's own parameters: named in unreserved characters (where a name's order is the
    // same raw and encoded), never a common one, never in the query and the body both.
    let api_name = |k: &str| {
        !COMMON.contains(&k)
            && k.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
    };
    let query: BTreeMap<String, String> = query.into_iter().filter(|(k, _)| api_name(k)).collect();
    let body: BTreeMap<String, String> = body
        .into_iter()
        .filter(|(k, _)| api_name(k) && !query.contains_key(k))
        .collect();
    let request = RpcRequest {
        action: "PublishEdgeContainerAppVersion",
        version: "2024-09-10",
        method: "POST",
        query,
        body,
    };
    let credentials = Credentials {
        access_key_id: case.key_id.clone(),
        access_key_secret: Secret::new(case.secret.clone()),
        security_token: case.token.map(Secret::new),
    };
    let time = Utc.timestamp_opt(i64::from(case.seconds), 0).unwrap();
    let v3 = sign_v3(
        &request,
        "esa.cn-hangzhou.aliyuncs.com",
        &credentials,
        time,
        &case.nonce,
    );
    let again = sign_v3(
        &request,
        "esa.cn-hangzhou.aliyuncs.com",
        &credentials,
        time,
        &case.nonce,
    );
    assert_eq!(v3, again);
    let v2 = sign_v2(&request, &credentials, time, &case.nonce);
    // V3's Authorization header lists the key ID between commas: one made of an AccessKey
    // ID's characters (`LTAI…`, `STS.…`).
    if case
        .key_id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'.')
    {
        verify(&v3, &case.secret, true);
    }
    verify(&v2, &case.secret, false);
    // The secret may occur in the other data by chance ("-signature-n" is in a header's
    // name): it is sent only if it occurs more often than when signing with another secret.
    // (Ten characters at least, so that a signature's hex or base64 never holds it by chance.)
    if case.secret.chars().count() >= 10 {
        let unlike: String = case
            .secret
            .chars()
            .map(|c| if c == 'q' { 'z' } else { 'q' })
            .collect();
        let other = Credentials {
            access_key_secret: Secret::new(unlike),
            ..credentials.clone()
        };
        let v3_other = sign_v3(
            &request,
            "esa.cn-hangzhou.aliyuncs.com",
            &other,
            time,
            &case.nonce,
        );
        let v2_other = sign_v2(&request, &other, time, &case.nonce);
        for (sent, control) in [(&v3, &v3_other), (&v2, &v2_other)] {
            assert_eq!(
                occurrences(sent, &case.secret),
                occurrences(control, &case.secret),
                "the secret was sent"
            );
        }
    }
});

/// How often `needle` occurs in what a signed request sends.
fn occurrences(sent: &SignedRequest, needle: &str) -> usize {
    let headers: Vec<String> = sent
        .headers
        .iter()
        .map(|(n, v)| format!("{n}: {v}"))
        .collect();
    [&sent.path_and_query, &sent.body, &headers.join("\n")]
        .iter()
        .map(|text| text.matches(needle).count())
        .sum()
}
