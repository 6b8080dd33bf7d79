use actix_web::{HttpResponse, get, web};

use crate::auth::Authenticated;
use crate::dto::WebhookEndpointListResponse;
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(ListWebhookEndpointsErrors: [AUTH], [Forbidden]);

/// The tenant's webhook endpoints, oldest first (organisation admins).
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The endpoints", body = WebhookEndpointListResponse),
        ListWebhookEndpointsErrors,
    )
)]
#[get("/webhook-endpoints")]
pub async fn list_webhook_endpoints(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
) -> Result<HttpResponse, ApiError> {
    let endpoints = state.services.webhooks.list(&caller).await?;
    Ok(HttpResponse::Ok().json(WebhookEndpointListResponse {
        data: endpoints.into_iter().map(Into::into).collect(),
    }))
}
