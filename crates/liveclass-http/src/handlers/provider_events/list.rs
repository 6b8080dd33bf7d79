use actix_web::{HttpResponse, get, web};

use crate::auth::Authenticated;
use crate::dto::{ProviderEventListResponse, ProviderEventsQuery};
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(ListProviderEventsErrors: [AUTH, QUERY], [ValidationFailed, Forbidden]);

/// The provider webhooks concerning the tenant's classes, newest first
/// (organisation admins): what each was, how handling went (`status`,
/// `attempts`, `lastError`) and its body.
#[utoipa::path(
    tag = "provider-webhooks",
    params(ProviderEventsQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The deliveries", body = ProviderEventListResponse),
        ListProviderEventsErrors,
    )
)]
#[get("/provider-events")]
pub async fn list_provider_events(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    query: web::Query<ProviderEventsQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = query.limit()?;
    let events = state
        .services
        .provider_events
        .list(&caller, query.status.map(Into::into), limit)
        .await?;
    Ok(HttpResponse::Ok().json(ProviderEventListResponse {
        data: events.into_iter().map(Into::into).collect(),
    }))
}
