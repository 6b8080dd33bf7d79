//! `/webhook-endpoints`: bodies of the webhook endpoints and their deliveries.

use liveclass_domain::webhooks::{
    CreatedEndpoint, Delivery, EndpointChanges, EventFilter, WebhookEndpoint, WebhookUrl,
    model::parse_description,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use super::class::integer;
use super::events::EventTypeDto;
use crate::error::ApiError;

/// `POST /webhook-endpoints`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateWebhookEndpointBody {
    /// Where deliveries are POSTed: an http or https URL whose host resolves
    /// to public addresses only (unless the server allows private ones).
    #[schema(example = "https://lms.example.com/hooks/liveclass", max_length = 2048)]
    pub url: String,
    /// The event types to receive; empty or absent: every type.
    #[schema(value_type = Option<Vec<EventTypeDto>>, max_items = 64)]
    pub event_types: Option<Vec<String>>,
    /// Free text, at most 500 characters.
    #[schema(max_length = 500)]
    pub description: Option<String>,
    /// Default true.
    pub enabled: Option<bool>,
}

impl CreateWebhookEndpointBody {
    /// The parsed values.
    ///
    /// # Errors
    /// `validation_failed`.
    pub fn parse(self) -> Result<(WebhookUrl, EventFilter, String, bool), ApiError> {
        Ok((
            WebhookUrl::parse(&self.url)?,
            EventFilter::parse(&self.event_types.unwrap_or_default())?,
            parse_description(&self.description.unwrap_or_default())?,
            self.enabled.unwrap_or(true),
        ))
    }
}

/// `PATCH /webhook-endpoints/{endpointId}`: absent fields keep their value.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateWebhookEndpointBody {
    #[schema(max_length = 2048)]
    pub url: Option<String>,
    #[schema(value_type = Option<Vec<EventTypeDto>>, max_items = 64)]
    pub event_types: Option<Vec<String>>,
    #[schema(max_length = 500)]
    pub description: Option<String>,
    pub enabled: Option<bool>,
}

impl UpdateWebhookEndpointBody {
    /// The parsed changes.
    ///
    /// # Errors
    /// `validation_failed`.
    pub fn parse(self) -> Result<EndpointChanges, ApiError> {
        Ok(EndpointChanges {
            url: self.url.as_deref().map(WebhookUrl::parse).transpose()?,
            event_types: self
                .event_types
                .as_deref()
                .map(EventFilter::parse)
                .transpose()?,
            description: self
                .description
                .as_deref()
                .map(parse_description)
                .transpose()?,
            enabled: self.enabled,
        })
    }
}

/// A webhook endpoint (its secret is shown only on create and rotate).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookEndpointResponse {
    #[schema(format = Uuid)]
    pub id: String,
    pub url: String,
    /// Empty: every type.
    pub event_types: Vec<EventTypeDto>,
    pub description: String,
    pub enabled: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Until when deliveries also carry the previous secret's signature.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(required = true)]
    pub previous_secret_expires_at: Option<OffsetDateTime>,
}

impl From<WebhookEndpoint> for WebhookEndpointResponse {
    fn from(e: WebhookEndpoint) -> Self {
        Self {
            id: e.id.to_string(),
            url: e.url,
            event_types: e.event_types.types().iter().map(|t| (*t).into()).collect(),
            description: e.description,
            enabled: e.enabled,
            created_at: e.created_at,
            updated_at: e.updated_at,
            previous_secret_expires_at: e.previous_secret_expires_at,
        }
    }
}

/// An endpoint with its signing secret: shown once, never again.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookEndpointWithSecretResponse {
    #[schema(format = Uuid)]
    pub id: String,
    pub url: String,
    /// Empty: every type.
    pub event_types: Vec<EventTypeDto>,
    pub description: String,
    pub enabled: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Until when deliveries also carry the previous secret's signature.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(required = true)]
    pub previous_secret_expires_at: Option<OffsetDateTime>,
    /// `whsec_` + base64 of 32 random bytes: verify deliveries with it.
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub secret: String,
}

impl From<CreatedEndpoint> for WebhookEndpointWithSecretResponse {
    fn from(c: CreatedEndpoint) -> Self {
        let e = WebhookEndpointResponse::from(c.endpoint);
        Self {
            id: e.id,
            url: e.url,
            event_types: e.event_types,
            description: e.description,
            enabled: e.enabled,
            created_at: e.created_at,
            updated_at: e.updated_at,
            previous_secret_expires_at: e.previous_secret_expires_at,
            secret: c.secret,
        }
    }
}

/// `GET /webhook-endpoints`.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookEndpointListResponse {
    pub data: Vec<WebhookEndpointResponse>,
}

/// One delivery of an event to an endpoint.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookDeliveryResponse {
    /// The delivery's id: the event's id (the `webhook-id` header).
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(example = "participant.joined")]
    pub event_type: String,
    /// `pending`, `delivered` or `failed`.
    #[schema(example = "delivered")]
    pub status: String,
    pub attempts: u32,
    #[schema(required = true)]
    pub last_status_code: Option<u16>,
    #[schema(required = true)]
    pub last_latency_ms: Option<u64>,
    #[schema(required = true)]
    pub last_error: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(required = true)]
    pub last_attempt_at: Option<OffsetDateTime>,
    /// When the next attempt is due (pending deliveries).
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(required = true)]
    pub next_attempt_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<Delivery> for WebhookDeliveryResponse {
    fn from(d: Delivery) -> Self {
        Self {
            id: d.event_id.to_string(),
            event_type: d.event_type,
            status: d.status.as_str().to_owned(),
            attempts: d.attempts,
            last_status_code: d.last_status_code,
            last_latency_ms: d.last_latency_ms,
            last_error: d.last_error,
            last_attempt_at: d.last_attempt_at,
            next_attempt_at: d.next_attempt_at,
            created_at: d.created_at,
        }
    }
}

/// `GET /webhook-endpoints/{endpointId}/deliveries`.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDeliveryListResponse {
    pub data: Vec<WebhookDeliveryResponse>,
}

/// A page of deliveries, newest first.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WebhookDeliveriesQuery {
    /// 1 to 100; default 50.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 100, example = 50)]
    pub limit: Option<String>,
    /// Default 0.
    #[param(value_type = Option<i64>, minimum = 0, example = 0)]
    pub offset: Option<String>,
}

impl WebhookDeliveriesQuery {
    /// `limit` and `offset` as integers.
    ///
    /// # Errors
    /// A value that is not an integer.
    pub fn page(&self) -> Result<(Option<i64>, Option<i64>), ApiError> {
        Ok((
            integer("limit", self.limit.as_deref())?,
            integer("offset", self.offset.as_deref())?,
        ))
    }
}
