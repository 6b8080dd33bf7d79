use actix_web::{HttpResponse, post, web};

use super::endpoint_id;
use crate::auth::Authenticated;
use crate::dto::WebhookEndpointWithSecretResponse;
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(RotateWebhookSecretErrors: [AUTH, LIMITED, ID], [Forbidden, WebhookEndpointNotFound, WebhookSecretsUnavailable]);

/// Give a webhook endpoint a new signing secret (organisation admins),
/// shown this once. During the overlap period (24 h by default) deliveries
/// carry signatures with both the new and the previous secret.
#[utoipa::path(
    tag = "webhooks",
    params(("endpointId" = uuid::Uuid, Path, description = "The endpoint's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Rotated, with the new secret", body = WebhookEndpointWithSecretResponse),
        RotateWebhookSecretErrors,
    )
)]
#[post("/webhook-endpoints/{endpointId}/secret/rotate")]
pub async fn rotate_webhook_secret(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = endpoint_id(&path)?;
    let rotated = state.services.webhooks.rotate_secret(&caller, id).await?;
    Ok(HttpResponse::Ok().json(WebhookEndpointWithSecretResponse::from(rotated)))
}
