use actix_web::{HttpRequest, HttpResponse, post, web};

use super::{
    body_text, header, json_object, not_configured, now_seconds, refused, require_json,
    required_str,
};
use crate::dto::ProviderWebhookAck;
use crate::error::ApiError;
use crate::provider_signature::verify_daily;
use crate::state::AppState;

crate::op_errors!(DailyWebhookErrors: [BODY], [InvalidSignature, ProviderWebhookNotConfigured]);

/// Daily's webhooks (no bearer token). Verified first: `X-Webhook-Signature`
/// must be `base64(HMAC-SHA256(base64decode(DAILY_WEBHOOK_SECRET),
/// X-Webhook-Timestamp + "." + raw body))`, compared in constant time, and
/// `X-Webhook-Timestamp` (unix seconds) within 5 minutes of now; otherwise
/// 401 `invalid_signature`. A verified body must be a JSON object with the
/// envelope's `type` and `id` strings. It is then stored (once per envelope
/// `id`: a replay answers `duplicate: true`) and answered at once; the
/// `provider-events` worker handles it within a second (see
/// `GET /provider-events`). Daily's creation ping (a JSON object
/// with a `test` member and no signature headers) is answered 200 without
/// verification, since Daily sends it before the secret is in use; nothing
/// is done with it. Without `DAILY_WEBHOOK_SECRET` the endpoint answers 503
/// `provider_webhook_not_configured`.
#[utoipa::path(
    tag = "provider-webhooks",
    params(
        ("X-Webhook-Signature" = Option<String>, Header, description = "base64 HMAC-SHA256 of `{X-Webhook-Timestamp}.{body}`"),
        ("X-Webhook-Timestamp" = Option<String>, Header, description = "Unix seconds; at most 5 minutes from now"),
    ),
    request_body(content = Object, content_type = "application/json", description = "Daily's envelope `{version, type, id, payload, event_ts}`, or its creation ping `{test}`"),
    responses(
        (status = 200, description = "Verified and accepted, or the creation ping", body = ProviderWebhookAck),
        DailyWebhookErrors,
    )
)]
#[post("/webhooks/daily")]
pub async fn receive_daily_webhook(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let key = state
        .provider_webhooks
        .daily
        .as_deref()
        .ok_or_else(|| not_configured("DAILY_WEBHOOK_SECRET"))?;
    let signature = header(&req, "x-webhook-signature");
    let timestamp = header(&req, "x-webhook-timestamp");
    if signature.is_none()
        && timestamp.is_none()
        && serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .is_some_and(|v| v.get("test").is_some())
    {
        return Ok(HttpResponse::Ok().json(ProviderWebhookAck::ping()));
    }
    verify_daily(key, signature, timestamp, &body, now_seconds()).map_err(|e| refused(&e))?;
    require_json(&req)?;
    let envelope = json_object(&body)?;
    if envelope.get("test").is_some() {
        // A signed creation ping: nothing to store.
        return Ok(HttpResponse::Ok().json(ProviderWebhookAck::ping()));
    }
    let event_type = required_str(&envelope, "type")?.to_owned();
    // Daily's envelope `id` names the event: the deduplication key.
    let external_id = required_str(&envelope, "id")?.to_owned();
    let outcome = state
        .services
        .provider_events
        .receive("daily", external_id, event_type, body_text(&body)?)
        .await?;
    Ok(HttpResponse::Ok().json(ProviderWebhookAck::stored(outcome)))
}
