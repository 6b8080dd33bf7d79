use actix_web::{HttpResponse, post, web};

use crate::auth::Authenticated;
use crate::dto::{CreateProviderAccountBody, ProviderAccountResponse};
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::state::AppState;

crate::op_errors!(CreateProviderAccountErrors: [AUTH, LIMITED, BODY], [ValidationFailed, Forbidden, ActiveProviderAccountExists, ProviderSecretsUnavailable]);

/// Connect a provider account of the caller's tenant (organisation admins):
/// `kind` and that kind's credentials. Secrets are sealed at rest (AEAD,
/// `LIVECLASS_SECRETS_KEY`) and never returned, only hints. A tenant has at
/// most one active account per kind (409); without a secrets key on the
/// server, 503.
#[utoipa::path(
    tag = "provider-accounts",
    request_body = CreateProviderAccountBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = ProviderAccountResponse),
        CreateProviderAccountErrors,
    )
)]
#[post("/provider-accounts")]
pub async fn create_provider_account(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    JsonBody(body): JsonBody<CreateProviderAccountBody>,
) -> Result<HttpResponse, ApiError> {
    let account = body.parse()?;
    let created = state
        .services
        .provider_accounts
        .create(&caller, account)
        .await?;
    Ok(HttpResponse::Created().json(ProviderAccountResponse::from(created)))
}
