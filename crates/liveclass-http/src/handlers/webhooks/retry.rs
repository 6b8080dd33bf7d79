use actix_web::{HttpResponse, post, web};

use super::{delivery_id, endpoint_id};
use crate::auth::Authenticated;
use crate::dto::WebhookDeliveryResponse;
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(RetryWebhookDeliveryErrors: [AUTH, LIMITED, ID], [Forbidden, WebhookEndpointNotFound, WebhookDeliveryNotFound]);

/// Deliver again now (organisation admins): the delivery becomes pending
/// with the whole retry schedule ahead of it.
#[utoipa::path(
    tag = "webhooks",
    params(
        ("endpointId" = uuid::Uuid, Path, description = "The endpoint's id (UUID)"),
        ("deliveryId" = uuid::Uuid, Path, description = "The delivery's id: its event's id (UUID)"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 202, description = "Due now", body = WebhookDeliveryResponse),
        RetryWebhookDeliveryErrors,
    )
)]
#[post("/webhook-endpoints/{endpointId}/deliveries/{deliveryId}/retry")]
pub async fn retry_webhook_delivery(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (endpoint, delivery) = path.into_inner();
    let id = endpoint_id(&endpoint)?;
    let event = delivery_id(&delivery)?;
    let d = state.services.webhooks.retry(&caller, id, event).await?;
    Ok(HttpResponse::Accepted().json(WebhookDeliveryResponse::from(d)))
}
