//! Answers to the webhooks Daily and Zoom send (`/webhooks/daily`,
//! `/webhooks/zoom`).

use serde::Serialize;
use utoipa::ToSchema;

/// A delivery was verified and accepted (or it was Daily's creation ping).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProviderWebhookAck {
    /// Always `true`.
    pub received: bool,
}

/// The answer to a signed Zoom `endpoint.url_validation`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ZoomUrlValidationResponse {
    /// The challenge's token, echoed.
    pub plain_token: String,
    /// `hex(HMAC-SHA256(ZOOM_WEBHOOK_SECRET, plainToken))`.
    pub encrypted_token: String,
}

/// Zoom's answer: `{received: true}` for an event, `{plainToken,
/// encryptedToken}` for a signed URL validation.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ZoomWebhookAnswer {
    Received(ProviderWebhookAck),
    UrlValidation(ZoomUrlValidationResponse),
}
