//! The ESA client: the only place that reads the clock and makes nonces for a call; it signs each attempt afresh, sends it through the `http` transport's retry loop and reads the answer as the API's JSON or its error.

use chrono::Utc;
use serde::de::DeserializeOwned;

use crate::base::random::random_hex;
use crate::esa::api::{api_error, parse_error_body};
use crate::esa::credentials::Credentials;
use crate::esa::signing::{sign_v2, sign_v3, RpcRequest, SignedRequest};
use crate::http::retry::{with_retries, ClientEvent};
use crate::http::{http_client, RawAnswer};
use esa_engine::base::error::Error;
use esa_engine::base::text::shown;
use esa_engine::esa::endpoint::{is_loopback, Endpoint};
use esa_engine::esa::model::SignatureVersion;
use esa_engine::esa::retry::{Idempotency, Policy};

/// Signs `request` now, with a fresh nonce. Used for every attempt and for dry runs.
pub fn prepare(
    request: &RpcRequest,
    endpoint: &Endpoint,
    credentials: &Credentials,
    version: SignatureVersion,
) -> Result<SignedRequest, Error> {
    let nonce = random_hex(16)?;
    let now = Utc::now();
    Ok(match version {
        SignatureVersion::V3 => sign_v3(request, &endpoint.host_header(), credentials, now, &nonce),
        SignatureVersion::V2 => sign_v2(request, credentials, now, &nonce),
    })
}

/// A successful answer: its parsed body and the RequestId.
#[derive(Debug)]
pub struct Answer<T> {
    pub body: T,
    pub request_id: Option<String>,
}

/// Calls one ESA endpoint with one set of credentials.
pub struct Client {
    http: reqwest::Client,
    endpoint: Endpoint,
    credentials: Credentials,
    version: SignatureVersion,
}

impl Client {
    pub fn new(
        endpoint: Endpoint,
        credentials: Credentials,
        version: SignatureVersion,
    ) -> Result<Self, Error> {
        Ok(Client {
            http: http_client(is_loopback(&endpoint.host))?,
            endpoint,
            credentials,
            version,
        })
    }

    /// The endpoint, as errors name it.
    pub fn target(&self) -> String {
        self.endpoint.base_url()
    }

    /// Calls with retries, each attempt signed afresh (new nonce, new time).
    pub async fn call<T: DeserializeOwned>(
        &self,
        request: &RpcRequest,
        idempotency: Idempotency,
        policy: &Policy,
        on_event: &mut dyn FnMut(&ClientEvent),
    ) -> Result<Answer<T>, Error> {
        let base = self.endpoint.base_url();
        let mut prepare = || {
            let signed = prepare(request, &self.endpoint, &self.credentials, self.version)?;
            let url = format!("{base}{}", signed.path_and_query);
            let method = reqwest::Method::from_bytes(signed.method.as_bytes())
                .map_err(|e| Error::System(format!("bad HTTP method {}: {e}", signed.method)))?;
            let shown = format!("{} {}", signed.method, redact_url(&url));
            let mut builder = self.http.request(method, url);
            for (name, value) in &signed.headers {
                builder = builder.header(name.as_str(), value.as_str());
            }
            if !signed.body.is_empty() {
                builder = builder.body(signed.body.clone());
            }
            Ok((builder, shown))
        };
        let parse = |raw: RawAnswer| interpret(raw.status, &raw.body, raw.request_id);
        with_retries(&base, policy, idempotency, on_event, &mut prepare, &parse).await
    }
}

/// Turns a status and body into the typed answer or the matching error.
pub fn interpret<T: DeserializeOwned>(
    status: u16,
    body: &[u8],
    header_request_id: Option<String>,
) -> Result<Answer<T>, Error> {
    if (200..300).contains(&status) {
        let parsed: Result<T, _> = serde_json::from_slice(body);
        let request_id = serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|v| {
                v.get("RequestId")
                    .and_then(|r| r.as_str())
                    .map(str::to_string)
            })
            .or(header_request_id.clone());
        return match parsed {
            Ok(body) => Ok(Answer { body, request_id }),
            Err(_) => Err(unexpected(status, body, header_request_id)),
        };
    }
    match parse_error_body(body) {
        Some(error_body) => Err(Error::Api(api_error(status, error_body, header_request_id))),
        None => Err(unexpected(status, body, header_request_id)),
    }
}

fn unexpected(status: u16, body: &[u8], request_id: Option<String>) -> Error {
    let text = String::from_utf8_lossy(&body[..body.len().min(200)]);
    let what = if body.is_empty() {
        "an empty body".to_string()
    } else if text.trim_start().starts_with('<') {
        "an HTML page".to_string()
    } else {
        format!("{} bytes that are not the expected JSON", body.len())
    };
    Error::UnexpectedResponse {
        status,
        what,
        request_id,
        body_start: shown(&text.replace(['\r', '\n'], " ")),
    }
}

/// The URL with the values of `Signature`, `SecurityToken` and `OIDCToken` replaced by `***`,
/// for logs.
pub fn redact_url(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_string();
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if matches!(k, "Signature" | "SecurityToken" | "OIDCToken") => {
                format!("{k}=***")
            }
            _ => pair.to_string(),
        })
        .collect();
    format!("{base}?{}", pairs.join("&"))
}
