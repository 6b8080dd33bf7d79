//! `/webhook-endpoints`: the tenant's webhook endpoints and their
//! deliveries (organisation admins only).

pub mod create;
pub mod delete;
pub mod deliveries;
pub mod get;
pub mod list;
pub mod retry;
pub mod rotate_secret;
pub mod update;

use liveclass_domain::events::EventId;
use liveclass_domain::webhooks::EndpointId;

use crate::error::{ApiError, ErrorCode};

/// Parses the `{endpointId}` path segment.
fn endpoint_id(raw: &str) -> Result<EndpointId, ApiError> {
    uuid::Uuid::try_parse(raw)
        .map(EndpointId::from_uuid)
        .map_err(|_| {
            ApiError::new(
                ErrorCode::InvalidId,
                format!("endpointId must be a UUID (got `{raw}`)"),
            )
        })
}

/// Parses the `{deliveryId}` path segment (an event id).
fn delivery_id(raw: &str) -> Result<EventId, ApiError> {
    uuid::Uuid::try_parse(raw)
        .map(EventId::from_uuid)
        .map_err(|_| {
            ApiError::new(
                ErrorCode::InvalidId,
                format!("deliveryId must be a UUID (got `{raw}`)"),
            )
        })
}
