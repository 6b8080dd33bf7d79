//! Answers to the webhooks Daily and Zoom send (`/webhooks/daily`,
//! `/webhooks/zoom`).

use serde::Serialize;
use utoipa::ToSchema;

/// A delivery was verified and stored for processing (or it was Daily's
/// creation ping, which is not stored).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProviderWebhookAck {
    /// Always `true`.
    pub received: bool,
    /// The stored delivery (see `GET /provider-events`); absent for Daily's
    /// creation ping.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Uuid)]
    pub event_id: Option<String>,
    /// `true` when the provider had sent this delivery before: the first
    /// copy stands and this one changes nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate: Option<bool>,
}

impl ProviderWebhookAck {
    /// The answer to Daily's creation ping.
    pub const fn ping() -> Self {
        Self {
            received: true,
            event_id: None,
            duplicate: None,
        }
    }

    /// The answer to a stored delivery.
    pub fn stored(outcome: liveclass_domain::provider_events::ReceiveOutcome) -> Self {
        use liveclass_domain::provider_events::ReceiveOutcome;
        let (id, duplicate) = match outcome {
            ReceiveOutcome::Stored(id) => (id, false),
            ReceiveOutcome::Duplicate(id) => (id, true),
        };
        Self {
            received: true,
            event_id: Some(id.to_string()),
            duplicate: Some(duplicate),
        }
    }
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
