use actix_web::{HttpResponse, patch, web};

use super::account_id;
use crate::auth::Authenticated;
use crate::dto::{ProviderAccountResponse, UpdateProviderAccountBody};
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::state::AppState;

crate::op_errors!(UpdateProviderAccountErrors: [AUTH, LIMITED, ID, BODY], [ValidationFailed, Forbidden, ProviderAccountNotFound, ActiveProviderAccountExists, ProviderSecretsUnavailable]);

/// Change a provider account (organisation admins): label, active flag,
/// credentials (replaced whole, of the account's kind; its health is
/// cleared), webhook secret (`null` removes it). Activating it while the
/// tenant has another active account of its kind is 409.
#[utoipa::path(
    tag = "provider-accounts",
    params(("accountId" = uuid::Uuid, Path, description = "The account's id (UUID)")),
    request_body = UpdateProviderAccountBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = ProviderAccountResponse),
        UpdateProviderAccountErrors,
    )
)]
#[patch("/provider-accounts/{accountId}")]
pub async fn update_provider_account(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
    JsonBody(body): JsonBody<UpdateProviderAccountBody>,
) -> Result<HttpResponse, ApiError> {
    let id = account_id(&path)?;
    let update = body.parse()?;
    let account = state
        .services
        .provider_accounts
        .update(&caller, id, update)
        .await?;
    Ok(HttpResponse::Ok().json(ProviderAccountResponse::from(account)))
}
