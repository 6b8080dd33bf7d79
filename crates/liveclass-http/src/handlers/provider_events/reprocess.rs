use actix_web::{HttpResponse, post, web};

use crate::auth::Authenticated;
use crate::dto::ProviderEventResponse;
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

crate::op_errors!(ReprocessProviderEventErrors: [AUTH, LIMITED, ID], [Forbidden, ProviderEventNotFound]);

/// Handle one of the tenant's provider webhooks again (organisation
/// admins): it becomes `received`, due now, with its attempts starting
/// over; the worker takes it within a second. Every effect is idempotent,
/// so reprocessing a handled delivery changes nothing that is already so.
#[utoipa::path(
    tag = "provider-webhooks",
    params(("eventId" = uuid::Uuid, Path, description = "The stored delivery's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 202, description = "Due again", body = ProviderEventResponse),
        ReprocessProviderEventErrors,
    )
)]
#[post("/provider-events/{eventId}/reprocess")]
pub async fn reprocess_provider_event(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = uuid::Uuid::try_parse(&path).map_err(|_| {
        ApiError::new(
            ErrorCode::InvalidId,
            format!(
                "eventId must be a UUID (got `{}`)",
                liveclass_domain::validation::strip_controls(&path)
            ),
        )
    })?;
    let event = state
        .services
        .provider_events
        .reprocess(&caller, id)
        .await?;
    Ok(HttpResponse::Accepted().json(ProviderEventResponse::from(event)))
}
