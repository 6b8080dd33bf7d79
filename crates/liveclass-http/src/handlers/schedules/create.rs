use actix_web::{HttpResponse, post, web};

use crate::auth::Authenticated;
use crate::dto::{CreateScheduleBody, ScheduleDetailsResponse};
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::state::AppState;

crate::op_errors!(CreateScheduleErrors: [AUTH, LIMITED, BODY, VIDEO, IDEMPOTENT], [ValidationFailed, Forbidden, TooManyOccurrences]);

/// Create a recurring schedule (training managers and org admins) and
/// generate its future classes in the same request.
#[utoipa::path(
    tag = "schedules",
    request_body = CreateScheduleBody,
    params(crate::idempotency::IdempotencyKeyHeader),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created, with its upcoming classes", body = ScheduleDetailsResponse),
        CreateScheduleErrors,
    )
)]
#[post(
    "/schedules",
    wrap = "actix_web::middleware::from_fn(crate::idempotency::idempotent)"
)]
pub async fn create_schedule(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    JsonBody(body): JsonBody<CreateScheduleBody>,
) -> Result<HttpResponse, ApiError> {
    let spec = body.into_spec(&caller.user_id, &state.services.schedules.policy())?;
    let view = state.services.schedules.create(&caller, spec).await?;
    Ok(HttpResponse::Created().json(ScheduleDetailsResponse::new(view, &caller)))
}
