use actix_web::{HttpResponse, get, web};

use crate::auth::Authenticated;
use crate::dto::ProviderAccountListResponse;
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(ListProviderAccountsErrors: [AUTH], [Forbidden]);

/// The tenant's provider accounts, oldest first (organisation admins).
#[utoipa::path(
    tag = "provider-accounts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The accounts", body = ProviderAccountListResponse),
        ListProviderAccountsErrors,
    )
)]
#[get("/provider-accounts")]
pub async fn list_provider_accounts(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
) -> Result<HttpResponse, ApiError> {
    let accounts = state.services.provider_accounts.list(&caller).await?;
    Ok(HttpResponse::Ok().json(ProviderAccountListResponse {
        data: accounts.into_iter().map(Into::into).collect(),
    }))
}
