//! Authentication as the gateway does it: the V3 or V2 signature (recomputed with the stand-in's own code), the STS token, the API version, the request time and the nonce.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::rules::{refuse, Incoming, Refusal};
use crate::verify;
use crate::{Received, State};

/// A request's time: `yyyy-MM-ddTHH:mm:ssZ`, and within the allowed skew of `now`.
pub(crate) fn check_time(state: &State, text: &str, now: DateTime<Utc>) -> Result<(), Refusal> {
    let time = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%SZ")
        .map_err(|_| {
            refuse(
                400,
                "InvalidTimeStamp.Format",
                format!("Specified time stamp or date value is not well formatted: {text}"),
            )
        })?
        .and_utc();
    if (now - time).num_seconds().abs() > state.config.max_skew_seconds {
        return Err(refuse(
            400,
            "InvalidTimeStamp.Expired",
            format!("Specified time stamp or date value is expired: {text}"),
        ));
    }
    Ok(())
}

/// Checks the signature, token, version, time and nonce. Returns the action.
pub(crate) fn authenticate(
    state: &mut State,
    req: &Incoming,
    headers: &BTreeMap<String, String>,
    query: &BTreeMap<String, String>,
    form: &BTreeMap<String, String>,
    now: DateTime<Utc>,
    received: &mut Received,
) -> Result<String, Refusal> {
    struct Signed {
        v3: bool,
        string_to_sign: String,
        given_signature: String,
        access_key_id: String,
        action: String,
        version: String,
        time: String,
        nonce: String,
        token: Option<String>,
    }
    let is_v3 = headers
        .get("authorization")
        .is_some_and(|a| a.starts_with("ACS3-HMAC-SHA256"));
    let signed = if is_v3 {
        received.signature_method = Some("v3".into());
        let auth = verify::parse_v3_authorization(&headers["authorization"]).ok_or_else(|| {
            refuse(
                400,
                "IncompleteSignature",
                "The Authorization header is malformed.",
            )
        })?;
        for required in [
            "host",
            "x-acs-action",
            "x-acs-version",
            "x-acs-date",
            "x-acs-signature-nonce",
            "x-acs-content-sha256",
        ] {
            if !auth.signed_headers.iter().any(|h| h == required) {
                return Err(refuse(
                    400,
                    "IncompleteSignature",
                    format!("Header {required} must be signed."),
                ));
            }
        }
        if headers.contains_key("x-acs-security-token")
            && !auth
                .signed_headers
                .iter()
                .any(|h| h == "x-acs-security-token")
        {
            return Err(refuse(
                400,
                "IncompleteSignature",
                "Header x-acs-security-token must be signed.",
            ));
        }
        let mut sorted = auth.signed_headers.clone();
        sorted.sort();
        if sorted != auth.signed_headers {
            return Err(refuse(
                400,
                "IncompleteSignature",
                "SignedHeaders must be sorted.",
            ));
        }
        let payload_hash = headers
            .get("x-acs-content-sha256")
            .cloned()
            .unwrap_or_default();
        if payload_hash != verify::sha256_hex(&req.body) {
            return Err(refuse(
                400,
                "IncompleteSignature",
                "x-acs-content-sha256 is not the SHA-256 of the body.",
            ));
        }
        let canonical = verify::v3_canonical_request(
            &req.method,
            &req.path,
            query,
            headers,
            &auth.signed_headers,
            &payload_hash,
        );
        let string_to_sign = verify::v3_string_to_sign(&canonical);
        let get = |name: &str| headers.get(name).cloned().unwrap_or_default();
        Signed {
            v3: true,
            string_to_sign,
            given_signature: auth.signature.clone(),
            access_key_id: auth.access_key_id.clone(),
            action: get("x-acs-action"),
            version: get("x-acs-version"),
            time: get("x-acs-date"),
            nonce: get("x-acs-signature-nonce"),
            token: headers.get("x-acs-security-token").cloned(),
        }
    } else if query.contains_key("Signature") {
        received.signature_method = Some("v2".into());
        let mut all = query.clone();
        all.extend(form.iter().map(|(k, v)| (k.clone(), v.clone())));
        let given_signature = all.remove("Signature").unwrap_or_default();
        if all.get("SignatureMethod").map(String::as_str) != Some("HMAC-SHA1")
            || all.get("SignatureVersion").map(String::as_str) != Some("1.0")
        {
            return Err(refuse(
                400,
                "IncompleteSignature",
                "SignatureMethod must be HMAC-SHA1 and SignatureVersion 1.0.",
            ));
        }
        let string_to_sign = verify::v2_string_to_sign(&req.method, &all);
        let get = |name: &str| all.get(name).cloned().unwrap_or_default();
        Signed {
            v3: false,
            string_to_sign,
            given_signature,
            access_key_id: get("AccessKeyId"),
            action: get("Action"),
            version: get("Version"),
            time: get("Timestamp"),
            nonce: get("SignatureNonce"),
            token: all.get("SecurityToken").cloned(),
        }
    } else {
        return Err(refuse(
            400,
            "MissingParameter",
            "The request carries neither a V3 Authorization header nor a V2 Signature.",
        ));
    };
    received.action = Some(signed.action.clone());

    let account = state
        .config
        .accounts
        .iter()
        .find(|a| a.access_key_id == signed.access_key_id)
        .cloned()
        .ok_or_else(|| {
            refuse(
                404,
                "InvalidAccessKeyId.NotFound",
                "Specified access key is not found.",
            )
        })?;
    let expected = if signed.v3 {
        verify::v3_signature(&account.access_key_secret, &signed.string_to_sign)
    } else {
        verify::v2_signature(&account.access_key_secret, &signed.string_to_sign)
    };
    if expected != signed.given_signature {
        // The service's own wording for each method, with its string to sign for debugging.
        let message = if signed.v3 {
            "The request signature does not conform to Aliyun standards."
        } else {
            "Specified signature is not matched with our calculation."
        };
        return Err(refuse(
            400,
            "SignatureDoesNotMatch",
            format!(
                "{message} server string to sign is:{}",
                signed.string_to_sign
            ),
        ));
    }
    if signed.token != account.security_token {
        return Err(refuse(
            400,
            "InvalidSecurityToken.MismatchWithAccessKey",
            "The security token does not belong to this AccessKey, or is missing.",
        ));
    }
    if signed.version != "2024-09-10" {
        return Err(refuse(
            400,
            "InvalidVersion",
            format!(
                "Specified parameter Version is not valid: {}",
                signed.version
            ),
        ));
    }
    check_time(state, &signed.time, now)?;
    if signed.nonce.is_empty() {
        return Err(refuse(
            400,
            "MissingSignatureNonce",
            "SignatureNonce is mandatory for this action.",
        ));
    }
    if !state.nonces.insert(signed.nonce.clone()) {
        return Err(refuse(
            400,
            "SignatureNonceUsed",
            "Specified signature nonce was used already.",
        ));
    }
    Ok(signed.action)
}
