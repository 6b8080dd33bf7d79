use actix_web::{HttpResponse, get, web};

use super::endpoint_id;
use crate::auth::Authenticated;
use crate::dto::{WebhookDeliveriesQuery, WebhookDeliveryListResponse};
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(ListWebhookDeliveriesErrors: [AUTH, ID, QUERY], [ValidationFailed, Forbidden, WebhookEndpointNotFound]);

/// An endpoint's deliveries, newest first (organisation admins): status,
/// attempts, the last answer's status code and latency, the next attempt.
#[utoipa::path(
    tag = "webhooks",
    params(
        ("endpointId" = uuid::Uuid, Path, description = "The endpoint's id (UUID)"),
        WebhookDeliveriesQuery,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The deliveries", body = WebhookDeliveryListResponse),
        ListWebhookDeliveriesErrors,
    )
)]
#[get("/webhook-endpoints/{endpointId}/deliveries")]
pub async fn list_webhook_deliveries(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
    query: web::Query<WebhookDeliveriesQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = endpoint_id(&path)?;
    let (limit, offset) = query.page()?;
    let deliveries = state
        .services
        .webhooks
        .deliveries(&caller, id, limit, offset)
        .await?;
    Ok(HttpResponse::Ok().json(WebhookDeliveryListResponse {
        data: deliveries.into_iter().map(Into::into).collect(),
    }))
}
