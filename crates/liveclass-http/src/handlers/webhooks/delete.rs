use actix_web::{HttpResponse, delete, web};

use super::endpoint_id;
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(DeleteWebhookEndpointErrors: [AUTH, LIMITED, ID], [Forbidden, WebhookEndpointNotFound]);

/// Delete a webhook endpoint and its deliveries (organisation admins).
#[utoipa::path(
    tag = "webhooks",
    params(("endpointId" = uuid::Uuid, Path, description = "The endpoint's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        DeleteWebhookEndpointErrors,
    )
)]
#[delete("/webhook-endpoints/{endpointId}")]
pub async fn delete_webhook_endpoint(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = endpoint_id(&path)?;
    state.services.webhooks.delete(&caller, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
