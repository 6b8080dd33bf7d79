//! A JSON body extractor whose errors name the offending field and use the
//! project's error shape: 400 for bad JSON, 413 past the size limit, 415 for
//! another content type.
//!
//! Every body is read the same way:
//! - exactly one JSON value: anything but white space after it (`{…}{…}`,
//!   `{…} x`) is refused with 400 `invalid_body`;
//! - a number with a zero fractional part (`323.0`, `3e2`) is the integer it
//!   denotes, as JSON Schema's `type: integer` defines it, so spec and
//!   parser agree; `323.5` where an integer is expected stays a 400.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, ErrorCode};

/// Request bodies larger than this are refused with 413.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A JSON request body of type `T`.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = req
            .mime_type()
            .ok()
            .flatten()
            .is_some_and(|m| m.subtype() == "json" || m.suffix().is_some_and(|s| s == "json"));
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::new(
                    ErrorCode::UnsupportedMediaType,
                    "The request body must be JSON (Content-Type: application/json)",
                ));
            }
            let bytes = bytes.await.map_err(|e| {
                if e.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::new(
                        ErrorCode::PayloadTooLarge,
                        format!("The request body must be at most {MAX_BODY_BYTES} bytes"),
                    )
                } else {
                    ApiError::new(
                        ErrorCode::InvalidBody,
                        format!("The request body could not be read: {e}"),
                    )
                }
            })?;
            parse(&bytes).map(JsonBody)
        })
    }
}

/// One JSON value of type `T` from `bytes`, as the module docs describe.
fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let mut value = serde_json::Value::deserialize(&mut de)
        .map_err(|e| ApiError::new(ErrorCode::InvalidBody, format!("Invalid JSON body: {e}")))?;
    de.end().map_err(|_| {
        ApiError::new(
            ErrorCode::InvalidBody,
            "Invalid JSON body: unexpected data after the JSON value",
        )
    })?;
    integral_floats_to_integers(&mut value);
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = if path == "." || path.is_empty() {
            format!("Invalid JSON body: {inner}")
        } else {
            format!("Invalid JSON body at `{path}`: {inner}")
        };
        ApiError::new(ErrorCode::InvalidBody, message)
    })
}

/// Rewrites every number with a zero fractional part that fits an `i64` or
/// a `u64` (`323.0`) as that integer.
fn integral_floats_to_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0) {
                // `as` saturates; the round trip tells whether it was exact.
                #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
                if (i64::MIN as f64..i64::MAX as f64).contains(&f) {
                    *value = Value::from(f as i64);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_floats_to_integers),
        Value::Object(fields) => fields.values_mut().for_each(integral_floats_to_integers),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Body {
        n: Option<i64>,
        nested: Option<Vec<u32>>,
        x: Option<f64>,
    }

    #[test]
    fn trailing_data_is_refused() {
        for raw in [r#"{"n":1}{"n":2}"#, r#"{"n":1} x"#, r#"{"n":1},"#, "{}[]"] {
            let err = parse::<Body>(raw.as_bytes()).expect_err(raw);
            assert_eq!(err.code, ErrorCode::InvalidBody, "{raw}");
        }
        assert!(parse::<Body>(b"  {\"n\":1}  \n").is_ok());
    }

    #[test]
    fn integral_numbers_are_integers() {
        let body: Body = parse(br#"{"n":323.0,"nested":[1.0,2e1],"x":1.5}"#).expect("parses");
        assert_eq!(
            body,
            Body {
                n: Some(323),
                nested: Some(vec![1, 20]),
                x: Some(1.5),
            }
        );
        for raw in [r#"{"n":323.5}"#, r#"{"n":1e300}"#, r#"{"nested":[-1.0]}"#] {
            let err = parse::<Body>(raw.as_bytes()).expect_err(raw);
            assert_eq!(err.code, ErrorCode::InvalidBody, "{raw}");
        }
    }
}
