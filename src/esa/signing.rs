//! Request signing for Alibaba Cloud RPC APIs (ACS3-HMAC-SHA256 and the older HMAC-SHA1 V2): pure functions of their arguments, with no clock, no randomness and no I/O.
//!
//! The time and the nonce are arguments. The client (`esa/client.rs`) is the only place that reads
//! the clock or makes nonces, so every stage here can be checked against the official SDK's
//! vectors (`tests/data/signing.json`).

use std::collections::BTreeMap;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use hmac::digest::{core_api::BlockSizeUser, KeyInit};
use hmac::{Mac, SimpleHmac};
use sha2::{Digest, Sha256};

use crate::esa::credentials::Credentials;
use esa_engine::base::text::hex;
pub use esa_engine::base::text::percent_encode;

/// The V3 algorithm name, which starts both the string to sign and the Authorization header.
pub const V3_ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// The timestamp format of both methods: UTC, second precision, `Z` suffix.
pub fn format_timestamp(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Encodes one form-body value the way the official SDK does: RFC 3986, but space becomes `+`.
fn form_encode(value: &str) -> String {
    percent_encode(value).replace("%20", "+")
}

/// The form body the official SDK sends: keys sorted, `k=v` joined by `&`, form-encoded.
pub fn form_body(params: &BTreeMap<String, String>) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Keys sorted, `k=v` joined by `&`, both sides percent-encoded per RFC 3986.
pub fn canonical_query(params: &BTreeMap<String, String>) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Lower-case hex of SHA-256; V3 hashes the exact body bytes (the empty string when there is none).
pub fn hex_sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The V3 canonical request and the signed header names it commits to.
///
/// `headers` are the headers to sign, names in lower case (a `BTreeMap` keeps them sorted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalRequest {
    /// The full canonical request text.
    pub text: String,
    /// Signed header names joined by `;`.
    pub signed_headers: String,
}

/// Builds the V3 canonical request:
/// `METHOD\n/\n<canonical query>\n<canonical headers>\n<signed header names>\n<payload hash>`,
/// where the canonical headers block ends with its own `\n` (so a blank line precedes the names).
pub fn v3_canonical_request(
    method: &str,
    path: &str,
    query: &BTreeMap<String, String>,
    headers: &BTreeMap<String, String>,
    payload_hash: &str,
) -> CanonicalRequest {
    let canonical_headers: String = headers
        .iter()
        .map(|(name, value)| format!("{}:{}\n", name, value.trim()))
        .collect();
    let signed_headers = headers.keys().cloned().collect::<Vec<_>>().join(";");
    let text = format!(
        "{method}\n{path}\n{}\n{canonical_headers}\n{signed_headers}\n{payload_hash}",
        canonical_query(query)
    );
    CanonicalRequest {
        text,
        signed_headers,
    }
}

/// `ACS3-HMAC-SHA256\n` + hex(SHA-256(canonical request)).
pub fn v3_string_to_sign(canonical_request: &str) -> String {
    format!(
        "{V3_ALGORITHM}\n{}",
        hex_sha256(canonical_request.as_bytes())
    )
}

/// hex(HMAC-SHA256(key = AccessKeySecret, string to sign)).
pub fn v3_signature(access_key_secret: &str, string_to_sign: &str) -> String {
    hex(&hmac::<Sha256>(
        access_key_secret.as_bytes(),
        string_to_sign.as_bytes(),
    ))
}

fn hmac<D: Digest + BlockSizeUser>(key: &[u8], message: &[u8]) -> Vec<u8> {
    // HMAC takes keys of any length (RFC 2104 hashes long ones), so this cannot fail.
    let mut mac =
        <SimpleHmac<D> as KeyInit>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// `ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<names>,Signature=<hex>`.
pub fn v3_authorization(access_key_id: &str, signed_headers: &str, signature: &str) -> String {
    format!("{V3_ALGORITHM} Credential={access_key_id},SignedHeaders={signed_headers},Signature={signature}")
}

/// The V2 string to sign: `METHOD&%2F&` + percent-encode(canonical query of every query and
/// form-body parameter together).
pub fn v2_string_to_sign(method: &str, all_params: &BTreeMap<String, String>) -> String {
    format!(
        "{method}&{}&{}",
        percent_encode("/"),
        percent_encode(&canonical_query(all_params))
    )
}

/// base64(HMAC-SHA1(key = AccessKeySecret + "&", string to sign)).
pub fn v2_signature(access_key_secret: &str, string_to_sign: &str) -> String {
    let key = format!("{access_key_secret}&");
    base64::engine::general_purpose::STANDARD.encode(hmac::<sha1::Sha1>(
        key.as_bytes(),
        string_to_sign.as_bytes(),
    ))
}

/// One RPC-style call, before signing: which parameters go in the query and which in the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpcRequest {
    /// The API action, e.g. `PublishEdgeContainerAppVersion`.
    pub action: &'static str,
    /// The API version, e.g. `2024-09-10`.
    pub version: &'static str,
    /// `POST` or `GET`.
    pub method: &'static str,
    /// The API's own query parameters.
    pub query: BTreeMap<String, String>,
    /// The API's own form-body parameters.
    pub body: BTreeMap<String, String>,
}

/// A request ready to send, with every intermediate string kept for tests and dry runs.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedRequest {
    pub method: &'static str,
    /// `/?<query>`, already encoded.
    pub path_and_query: String,
    /// Every header to send, in the order given (names in lower case).
    pub headers: Vec<(String, String)>,
    /// The form-encoded body (empty when there are no body parameters).
    pub body: String,
    /// V3: the canonical request. V2: the canonical query of all parameters.
    pub canonical: String,
    pub string_to_sign: String,
}

impl std::fmt::Debug for SignedRequest {
    // The query (V2 Signature, SecurityToken) and the headers (Authorization, token) carry
    // credentials, so Debug prints only the shape.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedRequest")
            .field("method", &self.method)
            .field(
                "headers",
                &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// Signs with ACS3-HMAC-SHA256. `host` is the Host header exactly as it will be sent.
pub fn sign_v3(
    request: &RpcRequest,
    host: &str,
    credentials: &Credentials,
    time: DateTime<Utc>,
    nonce: &str,
) -> SignedRequest {
    let body = form_body(&request.body);
    let payload_hash = hex_sha256(body.as_bytes());
    let mut signed: BTreeMap<String, String> = BTreeMap::new();
    signed.insert("host".into(), host.into());
    signed.insert("x-acs-action".into(), request.action.into());
    signed.insert("x-acs-version".into(), request.version.into());
    signed.insert("x-acs-date".into(), format_timestamp(time));
    signed.insert("x-acs-signature-nonce".into(), nonce.into());
    signed.insert("x-acs-content-sha256".into(), payload_hash.clone());
    if !body.is_empty() {
        signed.insert("content-type".into(), FORM_CONTENT_TYPE.into());
    }
    if let Some(token) = &credentials.security_token {
        signed.insert("x-acs-security-token".into(), token.expose().into());
    }
    let canonical =
        v3_canonical_request(request.method, "/", &request.query, &signed, &payload_hash);
    let string_to_sign = v3_string_to_sign(&canonical.text);
    let signature = v3_signature(credentials.access_key_secret.expose(), &string_to_sign);
    let mut headers: Vec<(String, String)> = signed.into_iter().collect();
    headers.push((
        "authorization".into(),
        v3_authorization(
            &credentials.access_key_id,
            &canonical.signed_headers,
            &signature,
        ),
    ));
    SignedRequest {
        method: request.method,
        path_and_query: path_and_query(&canonical_query(&request.query)),
        headers,
        body,
        canonical: canonical.text,
        string_to_sign,
    }
}

/// Signs with HMAC-SHA1 (SignatureVersion 1.0): the common parameters join the query, and the
/// signature covers the query and the body together.
pub fn sign_v2(
    request: &RpcRequest,
    credentials: &Credentials,
    time: DateTime<Utc>,
    nonce: &str,
) -> SignedRequest {
    let mut query = request.query.clone();
    for (k, v) in [
        ("Action", request.action),
        ("Format", "json"),
        ("Version", request.version),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("SignatureNonce", nonce),
        ("AccessKeyId", &credentials.access_key_id),
    ] {
        query.insert(k.into(), v.into());
    }
    query.insert("Timestamp".into(), format_timestamp(time));
    if let Some(token) = &credentials.security_token {
        query.insert("SecurityToken".into(), token.expose().into());
    }
    let mut all = query.clone();
    all.extend(request.body.iter().map(|(k, v)| (k.clone(), v.clone())));
    let canonical = canonical_query(&all);
    let string_to_sign = v2_string_to_sign(request.method, &all);
    let signature = v2_signature(credentials.access_key_secret.expose(), &string_to_sign);
    let body = form_body(&request.body);
    let mut headers = Vec::new();
    if !body.is_empty() {
        headers.push(("content-type".to_string(), FORM_CONTENT_TYPE.to_string()));
    }
    SignedRequest {
        method: request.method,
        path_and_query: format!(
            "{}&Signature={}",
            path_and_query(&canonical_query(&query)),
            percent_encode(&signature)
        ),
        headers,
        body,
        canonical,
        string_to_sign,
    }
}

fn path_and_query(query: &str) -> String {
    if query.is_empty() {
        "/".to_string()
    } else {
        format!("/?{query}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_keeps_only_unreserved() {
        assert_eq!(percent_encode("a b*c+d~e/f"), "a%20b%2Ac%2Bd~e%2Ff");
        assert_eq!(percent_encode("中"), "%E4%B8%AD");
    }

    #[test]
    fn form_encoding_uses_plus_for_space() {
        let mut p = BTreeMap::new();
        p.insert("Remarks".to_string(), "deploy 中~*+".to_string());
        p.insert("AppId".to_string(), "app-1".to_string());
        assert_eq!(form_body(&p), "AppId=app-1&Remarks=deploy+%E4%B8%AD~%2A%2B");
    }
}
