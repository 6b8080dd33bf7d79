//! `/provider-events`: the webhooks Daily and Zoom sent, as stored, for the
//! tenant's organisation admins.

use liveclass_domain::provider_events::{ProviderEvent, ProviderEventStatus};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use super::class::integer;
use crate::error::{ApiError, ErrorCode};

/// Where a stored provider webhook stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ProviderEventStatusDto {
    /// Stored, waiting for the worker (or failed with retries left:
    /// `lastError` says why).
    Received,
    /// Handled: its effect is applied.
    Processed,
    /// Handled, nothing to do (`lastError` says why).
    Ignored,
    /// Could not be handled; `POST …/reprocess` tries again.
    Failed,
}

impl From<ProviderEventStatusDto> for ProviderEventStatus {
    fn from(s: ProviderEventStatusDto) -> Self {
        match s {
            ProviderEventStatusDto::Received => Self::Received,
            ProviderEventStatusDto::Processed => Self::Processed,
            ProviderEventStatusDto::Ignored => Self::Ignored,
            ProviderEventStatusDto::Failed => Self::Failed,
        }
    }
}

impl From<ProviderEventStatus> for ProviderEventStatusDto {
    fn from(s: ProviderEventStatus) -> Self {
        match s {
            ProviderEventStatus::Received => Self::Received,
            ProviderEventStatus::Processed => Self::Processed,
            ProviderEventStatus::Ignored => Self::Ignored,
            ProviderEventStatus::Failed => Self::Failed,
        }
    }
}

/// `GET /provider-events` query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProviderEventsQuery {
    /// Only deliveries with this status.
    #[param(value_type = Option<ProviderEventStatusDto>)]
    pub status: Option<ProviderEventStatusDto>,
    /// 1 to 200; default 50.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<String>,
}

impl ProviderEventsQuery {
    /// `limit`, 1 to 200 (default 50).
    ///
    /// # Errors
    /// 400 `validation_failed` for anything else.
    pub fn limit(&self) -> Result<u32, ApiError> {
        let max = liveclass_domain::provider_events::MAX_LIST_LIMIT;
        match integer("limit", self.limit.as_deref())? {
            None => Ok(50),
            Some(n) => u32::try_from(n)
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::ValidationFailed,
                        format!("limit: must be between 1 and {max} (got {n})"),
                    )
                }),
        }
    }
}

/// A webhook a video provider sent, as stored.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProviderEventResponse {
    #[schema(format = Uuid)]
    pub id: String,
    /// `daily` or `zoom`.
    #[schema(example = "zoom")]
    pub provider: String,
    /// The provider's event type.
    #[schema(example = "meeting.sharing_started")]
    pub event_type: String,
    /// The deduplication key: Daily's envelope `id`; for Zoom, `zoom:` and a
    /// hash of the event's type, time and payload.
    pub external_id: String,
    pub status: ProviderEventStatusDto,
    /// Handling attempts so far.
    pub attempts: u32,
    /// Why the last attempt failed, or why the delivery was ignored.
    #[schema(required = true)]
    pub last_error: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(required = true)]
    pub processed_at: Option<OffsetDateTime>,
    /// The class the delivery concerned.
    #[schema(format = Uuid, required = true)]
    pub live_class_id: Option<String>,
    /// The body as the provider sent it.
    #[schema(value_type = Object)]
    pub body: serde_json::Value,
}

impl From<ProviderEvent> for ProviderEventResponse {
    fn from(e: ProviderEvent) -> Self {
        let body = serde_json::from_str(&e.body).unwrap_or(serde_json::Value::String(e.body));
        Self {
            id: e.id.to_string(),
            provider: e.provider,
            event_type: e.event_type,
            external_id: e.external_id,
            status: e.status.into(),
            attempts: e.attempts,
            last_error: e.last_error,
            received_at: e.received_at,
            processed_at: e.processed_at,
            live_class_id: e.class_id.map(|c| c.to_string()),
            body,
        }
    }
}

/// The tenant's provider webhooks, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProviderEventListResponse {
    pub data: Vec<ProviderEventResponse>,
}
