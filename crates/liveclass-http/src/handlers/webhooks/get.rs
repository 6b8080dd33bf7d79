use actix_web::{HttpResponse, get, web};

use super::endpoint_id;
use crate::auth::Authenticated;
use crate::dto::WebhookEndpointResponse;
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(GetWebhookEndpointErrors: [AUTH, ID], [Forbidden, WebhookEndpointNotFound]);

/// One webhook endpoint (organisation admins).
#[utoipa::path(
    tag = "webhooks",
    params(("endpointId" = uuid::Uuid, Path, description = "The endpoint's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The endpoint", body = WebhookEndpointResponse),
        GetWebhookEndpointErrors,
    )
)]
#[get("/webhook-endpoints/{endpointId}")]
pub async fn get_webhook_endpoint(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = endpoint_id(&path)?;
    let endpoint = state.services.webhooks.get(&caller, id).await?;
    Ok(HttpResponse::Ok().json(WebhookEndpointResponse::from(endpoint)))
}
