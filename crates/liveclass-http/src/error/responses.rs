//! The documented error responses of each operation, generated from the
//! [`ErrorCode`] catalogue so the OpenAPI document and the codes cannot drift:
//! every response lists its codes in its description and in `x-error-codes`,
//! and a test checks the handlers against them.
//!
//! A handler declares its errors once, next to itself:
//! ```ignore
//! op_errors!(JoinErrors: [AUTH, ID], [ClassNotLive, ClassNotFound, ClassFull, VIDEO]);
//! #[utoipa::path(responses((status = 200, body = JoinResponse), JoinErrors))]
//! ```
//! Every operation also gets a `default` response: `internal_error` (500) and
//! `database_unavailable` (503), which any operation may answer.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::{ContentBuilder, RefOr, Response, ResponseBuilder};

use super::ErrorCode;

/// An operation's possible errors: a code, and the status when it is not the
/// code's usual one.
pub type ErrorSet = &'static [(ErrorCode, Option<StatusCode>)];

/// Operations that need a bearer token.
pub const AUTH: ErrorSet = &[
    (ErrorCode::MissingToken, None),
    (ErrorCode::InvalidToken, None),
    (ErrorCode::TokenExpired, None),
];
/// Operations with a JSON body.
pub const BODY: ErrorSet = &[
    (ErrorCode::InvalidBody, None),
    (ErrorCode::PayloadTooLarge, None),
    (ErrorCode::UnsupportedMediaType, None),
];
/// Operations with a UUID in their path.
pub const ID: ErrorSet = &[(ErrorCode::InvalidId, None)];
/// Operations with a query string.
pub const QUERY: ErrorSet = &[(ErrorCode::InvalidQuery, None)];
/// Operations that call the video provider.
pub const VIDEO: ErrorSet = &[
    (ErrorCode::VideoProviderUnavailable, None),
    (ErrorCode::VideoProviderRateLimited, None),
];
/// Operations that take an `Idempotency-Key` (`crate::idempotency`).
pub const IDEMPOTENT: ErrorSet = &[
    (ErrorCode::ValidationFailed, None),
    (ErrorCode::IdempotencyKeyInProgress, None),
    (ErrorCode::IdempotencyKeyReused, None),
];
/// Writes and joins, which the rate limits count (`crate::rate_limit`).
pub const LIMITED: ErrorSet = &[(ErrorCode::RateLimited, None)];
/// What any operation may answer: the `default` response.
pub const DEFAULT: ErrorSet = &[
    (ErrorCode::InternalError, None),
    (ErrorCode::DatabaseUnavailable, None),
];

/// Declares a unit type listing an operation's errors, usable in
/// `#[utoipa::path(responses(...))]`. Arguments: the type's name, groups
/// (consts of this module), then codes (`Code` or `Code = STATUS`).
#[macro_export]
macro_rules! op_errors {
    ($name:ident: [$($group:ident),* $(,)?], [$($code:ident $(= $status:ident)?),* $(,)?]) => {
        pub struct $name;

        impl $name {
            /// Every `(status, code)` this operation documents, `default` included.
            pub fn codes() -> Vec<(::actix_web::http::StatusCode, $crate::error::ErrorCode)> {
                $crate::error::responses::flatten(&[
                    $($crate::error::responses::$group,)*
                    &[$(($crate::error::ErrorCode::$code, $crate::op_errors!(@status $($status)?)),)*],
                    $crate::error::responses::DEFAULT,
                ])
            }
        }

        impl ::utoipa::IntoResponses for $name {
            fn responses() -> ::std::collections::BTreeMap<
                String,
                ::utoipa::openapi::RefOr<::utoipa::openapi::Response>,
            > {
                $crate::error::responses::document(&Self::codes())
            }
        }
    };
    (@status) => { None };
    (@status $status:ident) => { Some(::actix_web::http::StatusCode::$status) };
}

/// The sets, flattened into `(status, code)` pairs without duplicates.
pub fn flatten(sets: &[ErrorSet]) -> Vec<(StatusCode, ErrorCode)> {
    let mut out: Vec<(StatusCode, ErrorCode)> = Vec::new();
    for (code, status) in sets.iter().flat_map(|s| s.iter()) {
        let pair = (status.unwrap_or(code.status()), *code);
        if !out.contains(&pair) {
            out.push(pair);
        }
    }
    out
}

/// One response per status (the `default` codes under `default`), each
/// naming its codes.
pub fn document(codes: &[(StatusCode, ErrorCode)]) -> BTreeMap<String, RefOr<Response>> {
    let mut by_key: BTreeMap<String, Vec<ErrorCode>> = BTreeMap::new();
    for (status, code) in codes {
        let key = if DEFAULT.iter().any(|(c, _)| c == code) {
            "default".to_owned()
        } else {
            status.as_str().to_owned()
        };
        by_key.entry(key).or_default().push(*code);
    }
    by_key
        .into_iter()
        .map(|(key, codes)| {
            let listed: String = codes
                .iter()
                .map(|c| format!("\n- `{c}`: {}", c.description()))
                .collect();
            let description = if key == "default" {
                format!("Unexpected failure (500) or database unavailable (503).{listed}")
            } else {
                let reason = key
                    .parse::<u16>()
                    .ok()
                    .and_then(|s| StatusCode::from_u16(s).ok())
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("Error");
                format!("{reason}.{listed}")
            };
            let extensions = ExtensionsBuilder::new()
                .add(
                    "x-error-codes",
                    codes.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
                )
                .build();
            let response = ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(utoipa::openapi::Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .extensions(Some(extensions))
                .build();
            (key, RefOr::T(response))
        })
        .collect()
}
