use actix_web::{HttpResponse, delete, web};

use super::account_id;
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(DeleteProviderAccountErrors: [AUTH, LIMITED, ID], [Forbidden, ProviderAccountNotFound]);

/// Delete a provider account and its sealed secrets (organisation admins).
/// New classes then use the server's own provider settings.
#[utoipa::path(
    tag = "provider-accounts",
    params(("accountId" = uuid::Uuid, Path, description = "The account's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        DeleteProviderAccountErrors,
    )
)]
#[delete("/provider-accounts/{accountId}")]
pub async fn delete_provider_account(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = account_id(&path)?;
    state.services.provider_accounts.delete(&caller, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
