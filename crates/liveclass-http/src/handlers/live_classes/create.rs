use actix_web::{HttpResponse, post, web};
use liveclass_domain::class::ClassCounts;

use crate::auth::Authenticated;
use crate::dto::{ClassResponse, CreateClassBody};
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::state::AppState;

crate::op_errors!(CreateClassErrors: [AUTH, LIMITED, BODY, VIDEO, IDEMPOTENT], [ValidationFailed, Forbidden, TenantMismatch]);

/// Create a live class (training managers and org admins). The class starts
/// `scheduled`, with its video room already made.
#[utoipa::path(
    tag = "live-classes",
    request_body = CreateClassBody,
    params(crate::idempotency::IdempotencyKeyHeader),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = ClassResponse),
        CreateClassErrors,
    )
)]
#[post(
    "/live-classes",
    wrap = "actix_web::middleware::from_fn(crate::idempotency::idempotent)"
)]
pub async fn create_class(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    JsonBody(body): JsonBody<CreateClassBody>,
) -> Result<HttpResponse, ApiError> {
    let command = body.into_command(&state.services.live_classes.policy())?;
    let class = state.services.live_classes.create(&caller, command).await?;
    Ok(HttpResponse::Created().json(ClassResponse::for_viewer(
        class,
        ClassCounts::default(),
        &caller,
    )))
}
