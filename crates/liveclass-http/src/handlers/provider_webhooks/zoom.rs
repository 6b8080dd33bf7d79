use actix_web::{HttpRequest, HttpResponse, post, web};
use serde_json::Value;

use super::{
    body_text, header, json_object, not_configured, now_seconds, refused, require_json,
    required_str,
};
use crate::dto::{ProviderWebhookAck, ZoomUrlValidationResponse, ZoomWebhookAnswer};
use crate::error::{ApiError, ErrorCode};
use crate::provider_signature::{verify_zoom, zoom_encrypted_token};
use crate::state::AppState;

crate::op_errors!(ZoomWebhookErrors: [BODY], [InvalidSignature, ProviderWebhookNotConfigured]);

/// Zoom's webhooks (no bearer token). Verified first: `x-zm-signature` must
/// be `v0=` + hex HMAC-SHA256 of `v0:{x-zm-request-timestamp}:{raw body}`
/// with `ZOOM_WEBHOOK_SECRET`, compared in constant time, and the timestamp
/// (unix seconds) within 5 minutes of now; otherwise 401
/// `invalid_signature`. This holds for `endpoint.url_validation` too: its
/// answer `{plainToken, encryptedToken}` (hex HMAC of `plainToken`) is given
/// only to a correctly signed challenge, so the endpoint is no signing
/// oracle. A verified body must be a JSON object with an `event` string; it
/// is then stored (once per event: Zoom sends no id, so the key is a hash of
/// its `event`, `event_ts` and `payload`; a replay answers `duplicate:
/// true`) and answered at once; the `provider-events` worker handles it
/// within a second (see `GET /provider-events`).
/// Without `ZOOM_WEBHOOK_SECRET` the endpoint answers 503
/// `provider_webhook_not_configured`.
#[utoipa::path(
    tag = "provider-webhooks",
    params(
        ("x-zm-signature" = Option<String>, Header, description = "`v0=` + hex HMAC-SHA256 of `v0:{x-zm-request-timestamp}:{body}`"),
        ("x-zm-request-timestamp" = Option<String>, Header, description = "Unix seconds; at most 5 minutes from now"),
    ),
    request_body(content = Object, content_type = "application/json", description = "Zoom's `{event, event_ts, payload}`"),
    responses(
        (status = 200, description = "Verified and accepted; for `endpoint.url_validation`, the challenge's answer", body = ZoomWebhookAnswer),
        ZoomWebhookErrors,
    )
)]
#[post("/webhooks/zoom")]
pub async fn receive_zoom_webhook(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let secret = state
        .provider_webhooks
        .zoom
        .as_deref()
        .ok_or_else(|| not_configured("ZOOM_WEBHOOK_SECRET"))?;
    verify_zoom(
        secret,
        header(&req, "x-zm-signature"),
        header(&req, "x-zm-request-timestamp"),
        &body,
        now_seconds(),
    )
    .map_err(|e| refused(&e))?;
    require_json(&req)?;
    let envelope = json_object(&body)?;
    if required_str(&envelope, "event")? == "endpoint.url_validation" {
        let plain = match envelope.get("payload").and_then(|p| p.get("plainToken")) {
            Some(Value::String(t)) if !t.is_empty() && t.len() <= 512 => t.clone(),
            _ => {
                return Err(ApiError::new(
                    ErrorCode::InvalidBody,
                    "`payload.plainToken` must be a non-empty string of at most 512 characters",
                ));
            }
        };
        let encrypted = zoom_encrypted_token(secret, &plain);
        return Ok(HttpResponse::Ok().json(ZoomWebhookAnswer::UrlValidation(
            ZoomUrlValidationResponse {
                plain_token: plain,
                encrypted_token: encrypted,
            },
        )));
    }
    let event_type = required_str(&envelope, "event")?.to_owned();
    let outcome = state
        .services
        .provider_events
        .receive(
            "zoom",
            zoom_delivery_key(&envelope),
            event_type,
            body_text(&body)?,
        )
        .await?;
    Ok(
        HttpResponse::Ok().json(ZoomWebhookAnswer::Received(ProviderWebhookAck::stored(
            outcome,
        ))),
    )
}

/// Zoom sends no event id. A delivery is keyed by `zoom:` + hex SHA-256 of
/// the JSON `[event, event_ts, payload]`, re-serialised with sorted keys: a
/// retry of one event (same event, time in ms and payload) gets the same
/// key whatever its key order or whitespace, and two events differ in their
/// time or their payload.
pub(crate) fn zoom_delivery_key(envelope: &serde_json::Map<String, Value>) -> String {
    use sha2::{Digest, Sha256};
    let canonical = serde_json::json!([
        envelope.get("event"),
        envelope.get("event_ts"),
        envelope.get("payload"),
    ]);
    // serde_json's maps are sorted (no `preserve_order`): canonical text.
    let digest = Sha256::digest(canonical.to_string().as_bytes());
    format!("zoom:{}", crate::provider_signature::hex_encode(&digest))
}
