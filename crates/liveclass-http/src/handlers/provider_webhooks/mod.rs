//! Webhooks the video providers send to LiveClass: `POST /webhooks/daily`
//! and `POST /webhooks/zoom`. No bearer token: each delivery is verified
//! with its provider's signature over the raw body bytes
//! ([`crate::provider_signature`]) before anything in it is read.

pub mod daily;
pub mod zoom;

use actix_web::{HttpMessage, HttpRequest};
use serde_json::{Map, Value};

use crate::error::{ApiError, ErrorCode};
use crate::provider_signature::SignatureError;

/// A header's value, `None` when absent or not visible ASCII.
fn header<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

fn not_configured(variable: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ProviderWebhookNotConfigured,
        format!("{variable} is not set: this server does not accept these webhooks"),
    )
}

fn refused(error: &SignatureError) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidSignature,
        format!("Signature refused: {error}"),
    )
}

/// 415 unless the request says it is JSON (both providers send JSON).
fn require_json(req: &HttpRequest) -> Result<(), ApiError> {
    let is_json = req
        .mime_type()
        .ok()
        .flatten()
        .is_some_and(|m| m.subtype() == "json" || m.suffix().is_some_and(|s| s == "json"));
    if is_json {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            "Content-Type must be application/json",
        ))
    }
}

/// The body as a JSON object (400 `invalid_body` otherwise).
fn json_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::new(
            ErrorCode::InvalidBody,
            "The body must be a JSON object",
        )),
        Err(e) => Err(ApiError::new(
            ErrorCode::InvalidBody,
            format!("The body is not valid JSON: {e}"),
        )),
    }
}

/// A required non-empty string member of the envelope (400 `invalid_body`).
fn required_str<'a>(map: &'a Map<String, Value>, key: &str) -> Result<&'a str, ApiError> {
    match map.get(key) {
        Some(Value::String(s)) if !s.is_empty() && s.len() <= 512 => Ok(s),
        _ => Err(ApiError::new(
            ErrorCode::InvalidBody,
            format!("`{key}` must be a non-empty string of at most 512 characters"),
        )),
    }
}

/// The verified body as text (JSON is UTF-8; 400 `invalid_body` otherwise).
fn body_text(body: &[u8]) -> Result<String, ApiError> {
    String::from_utf8(body.to_vec())
        .map_err(|_| ApiError::new(ErrorCode::InvalidBody, "The body must be UTF-8"))
}

fn now_seconds() -> i64 {
    chrono::Utc::now().timestamp()
}
