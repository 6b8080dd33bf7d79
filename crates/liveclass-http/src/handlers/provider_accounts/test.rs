use actix_web::{HttpResponse, post, web};

use super::account_id;
use crate::auth::Authenticated;
use crate::dto::ProviderAccountTestResponse;
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(TestProviderAccountErrors: [AUTH, LIMITED, ID], [Forbidden, ProviderAccountNotFound, ProviderSecretsUnavailable]);

/// Check a provider account's credentials against its provider
/// (organisation admins): Zoom must issue an access token, Daily must
/// answer its domain configuration (`GET /`); Jitsi has no API, so its
/// credentials are only checked for form (`checkedRemotely: false`). The
/// result is recorded in the account's `health`. A refusal is a 200 with
/// `ok: false` and the reason, never the secret.
#[utoipa::path(
    tag = "provider-accounts",
    params(("accountId" = uuid::Uuid, Path, description = "The account's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The check ran; `ok` says whether the provider accepted the credentials", body = ProviderAccountTestResponse),
        TestProviderAccountErrors,
    )
)]
#[post("/provider-accounts/{accountId}/test")]
pub async fn test_provider_account(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = account_id(&path)?;
    let outcome = state.services.provider_accounts.test(&caller, id).await?;
    Ok(HttpResponse::Ok().json(ProviderAccountTestResponse::from(outcome)))
}
