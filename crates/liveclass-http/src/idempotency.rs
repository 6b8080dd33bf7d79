//! `Idempotency-Key` on creating operations: one middleware, wrapped around
//! an operation with one attribute, over the domain's
//! [`Idempotency`](liveclass_domain::idempotency::Idempotency) service.
//!
//! Making an operation idempotent:
//! ```ignore
//! #[utoipa::path(params(IdempotencyKeyHeader), responses(..., MyErrors))]  // documents the header
//! #[post("/things", wrap = "from_fn(crate::idempotency::idempotent)")]     // does it
//! ```
//! with [`IDEMPOTENT`](crate::error::responses::IDEMPOTENT) among the
//! operation's `op_errors!` groups.
//!
//! The rules (see `liveclass_domain::idempotency`): a request without the
//! header runs as usual. With it, the request's fingerprint (SHA-256 of its
//! method, path and query, and body) is claimed under (tenant, user, key):
//! - first time: the operation runs; a 2xx answer (status, body,
//!   `Location`) is stored for 24 h, anything else frees the key;
//! - same key, same fingerprint, finished: the stored answer again, with
//!   `Idempotent-Replayed: true`, and nothing runs;
//! - same key, same fingerprint, still running (a concurrent duplicate):
//!   409 `idempotency_key_in_progress` at once; retry later;
//! - same key, another fingerprint: 422 `idempotency_key_reused`;
//! - a malformed key: 400 `validation_failed`.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpResponse, ResponseError, web};
use liveclass_domain::Caller;
use liveclass_domain::idempotency::{Begin, Idempotency, IdempotencyKey, StoredResponse};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::IntoParams;

use crate::auth::Authenticated;
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

/// The request header.
pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
/// Set on a replayed answer.
pub const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// The header, as an operation's documented parameter.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IdempotencyKeyHeader {
    /// A unique key per intended operation (a UUID), 1 to 255 visible ASCII
    /// characters. Retrying with the same key and the same body within 24 h
    /// answers the first answer again (with `Idempotent-Replayed: true`)
    /// without doing the work twice; the same key with another body is 422
    /// `idempotency_key_reused`; while the first request is still running,
    /// 409 `idempotency_key_in_progress`.
    #[serde(rename = "Idempotency-Key")]
    #[param(
        rename = "Idempotency-Key",
        value_type = String,
        required = false,
        min_length = 1,
        max_length = 255,
        example = "4b0c3f3e-8f5e-4c3a-9d1e-2f6b7a8c9d0e"
    )]
    pub idempotency_key: Option<String>,
}

/// The middleware: `wrap = "actix_web::middleware::from_fn(crate::idempotency::idempotent)"`.
///
/// # Errors
/// What the wrapped operation fails with, and a body that cannot be read.
pub async fn idempotent(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(raw) = req.headers().get(IDEMPOTENCY_KEY).cloned() else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let (http, mut payload) = req.into_parts();
    let answer = |http, e: ApiError| Ok(ServiceResponse::new(http, e.error_response()));
    let key = match raw.to_str().map(IdempotencyKey::parse) {
        Ok(Ok(key)) => key,
        _ => {
            let e = ApiError::new(
                ErrorCode::ValidationFailed,
                "Idempotency-Key: must be 1 to 255 visible ASCII characters",
            );
            return answer(http, e);
        }
    };
    let caller = match Authenticated::from_request(&http, &mut Payload::None).await {
        Ok(Authenticated(caller)) => caller,
        Err(e) => return answer(http, e),
    };
    let body = web::Bytes::from_request(&http, &mut payload).await?;
    let fingerprint = fingerprint(&http, &body);
    let Some(state) = http.app_data::<web::Data<AppState>>() else {
        let e = ApiError::internal(&std::io::Error::other("the app state is not registered"));
        return answer(http, e);
    };
    let keys = state.services.idempotency.clone();
    match keys.begin(&caller, &key, &fingerprint).await {
        Ok(Begin::Proceed) => {}
        Ok(Begin::Replay(stored)) => return Ok(ServiceResponse::new(http, replay(&stored))),
        Err(e) => return answer(http, e.into()),
    }

    let req = ServiceRequest::from_parts(http, Payload::from(body));
    let res = match next.call(req).await {
        Ok(res) => res,
        Err(e) => {
            abandon(&*keys, &caller, &key).await;
            return Err(e);
        }
    };
    if !res.status().is_success() {
        abandon(&*keys, &caller, &key).await;
        return Ok(res.map_into_boxed_body());
    }
    let (http, res) = res.into_parts();
    let (head, body) = res.into_parts();
    let bytes = match actix_web::body::to_bytes(body).await {
        Ok(bytes) => bytes,
        Err(e) => {
            abandon(&*keys, &caller, &key).await;
            let e = ApiError::internal(&*e.into());
            return answer(http, e);
        }
    };
    let stored = StoredResponse {
        status: head.status().as_u16(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
        location: head
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    };
    if let Err(e) = keys.finish(&caller, &key, &stored).await {
        // The work is done and answered; only a retry's replay is lost.
        tracing::warn!(error = %e, "an idempotent answer was not stored");
        abandon(&*keys, &caller, &key).await;
    }
    Ok(ServiceResponse::new(
        http,
        head.set_body(bytes).map_into_boxed_body(),
    ))
}

/// SHA-256 of the method, the path with its query, and the body.
fn fingerprint(http: &actix_web::HttpRequest, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(http.method().as_str().as_bytes());
    hash.update(b"\n");
    hash.update(
        http.uri()
            .path_and_query()
            .map_or(http.path(), |p| p.as_str())
            .as_bytes(),
    );
    hash.update(b"\n");
    hash.update(body);
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn replay(stored: &StoredResponse) -> HttpResponse {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let mut response = HttpResponse::build(status);
    response
        .content_type(mime_json())
        .insert_header((IDEMPOTENT_REPLAYED, HeaderValue::from_static("true")));
    if let Some(location) = &stored.location {
        response.insert_header((header::LOCATION, location.as_str()));
    }
    response.body(stored.body.clone())
}

fn mime_json() -> &'static str {
    "application/json"
}

async fn abandon(keys: &dyn Idempotency, caller: &Caller, key: &IdempotencyKey) {
    if let Err(e) = keys.abandon(caller, key).await {
        tracing::warn!(error = %e, "an idempotency key was not released");
    }
}
