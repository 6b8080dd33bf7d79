use actix_web::{HttpResponse, get, web};

use super::account_id;
use crate::auth::Authenticated;
use crate::dto::ProviderAccountResponse;
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(GetProviderAccountErrors: [AUTH, ID], [Forbidden, ProviderAccountNotFound]);

/// One provider account (organisation admins).
#[utoipa::path(
    tag = "provider-accounts",
    params(("accountId" = uuid::Uuid, Path, description = "The account's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The account", body = ProviderAccountResponse),
        GetProviderAccountErrors,
    )
)]
#[get("/provider-accounts/{accountId}")]
pub async fn get_provider_account(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = account_id(&path)?;
    let account = state.services.provider_accounts.get(&caller, id).await?;
    Ok(HttpResponse::Ok().json(ProviderAccountResponse::from(account)))
}
