use actix_web::{HttpResponse, post, web};

use crate::auth::Authenticated;
use crate::dto::{CreateWebhookEndpointBody, WebhookEndpointWithSecretResponse};
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::state::AppState;

crate::op_errors!(CreateWebhookEndpointErrors: [AUTH, LIMITED, BODY], [ValidationFailed, WebhookTargetRefused, Forbidden, WebhookSecretsUnavailable]);

/// Create a webhook endpoint (organisation admins). The answer carries its
/// signing secret, shown this once.
#[utoipa::path(
    tag = "webhooks",
    request_body = CreateWebhookEndpointBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created, with its secret", body = WebhookEndpointWithSecretResponse),
        CreateWebhookEndpointErrors,
    )
)]
#[post("/webhook-endpoints")]
pub async fn create_webhook_endpoint(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    JsonBody(body): JsonBody<CreateWebhookEndpointBody>,
) -> Result<HttpResponse, ApiError> {
    let (url, types, description, enabled) = body.parse()?;
    let created = state
        .services
        .webhooks
        .create(&caller, url, types, description, enabled)
        .await?;
    Ok(HttpResponse::Created().json(WebhookEndpointWithSecretResponse::from(created)))
}
