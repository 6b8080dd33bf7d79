use actix_web::{HttpResponse, patch, web};

use super::endpoint_id;
use crate::auth::Authenticated;
use crate::dto::{UpdateWebhookEndpointBody, WebhookEndpointResponse};
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::state::AppState;

crate::op_errors!(UpdateWebhookEndpointErrors: [AUTH, LIMITED, ID, BODY], [ValidationFailed, WebhookTargetRefused, Forbidden, WebhookEndpointNotFound]);

/// Change a webhook endpoint (organisation admins). Enabling or disabling
/// it affects events from now on.
#[utoipa::path(
    tag = "webhooks",
    params(("endpointId" = uuid::Uuid, Path, description = "The endpoint's id (UUID)")),
    request_body = UpdateWebhookEndpointBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = WebhookEndpointResponse),
        UpdateWebhookEndpointErrors,
    )
)]
#[patch("/webhook-endpoints/{endpointId}")]
pub async fn update_webhook_endpoint(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
    JsonBody(body): JsonBody<UpdateWebhookEndpointBody>,
) -> Result<HttpResponse, ApiError> {
    let id = endpoint_id(&path)?;
    let changes = body.parse()?;
    let endpoint = state.services.webhooks.update(&caller, id, changes).await?;
    Ok(HttpResponse::Ok().json(WebhookEndpointResponse::from(endpoint)))
}
