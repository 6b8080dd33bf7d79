use actix_web::{HttpResponse, post, web};
use liveclass_domain::class::{ClassCounts, NewClass};

use crate::auth::Authenticated;
use crate::dto::{ClassResponse, CreateClassBody};
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::state::AppState;

crate::op_errors!(CreateClassErrors: [AUTH, BODY, VIDEO], [ValidationFailed, Forbidden, TenantMismatch]);

/// Create a live class (training managers and org admins). The class starts
/// `scheduled`, with its video room already made.
#[utoipa::path(
    tag = "live-classes",
    request_body = CreateClassBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = ClassResponse),
        CreateClassErrors,
    )
)]
#[post("/live-classes")]
pub async fn create_class(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    JsonBody(body): JsonBody<CreateClassBody>,
) -> Result<HttpResponse, ApiError> {
    let input = NewClass {
        tenant_id: body.tenant_id,
        title: body.title,
        description: body.description,
        scheduled_at: body.scheduled_at,
        max_participants: body.max_participants,
    };
    let class = state.classes.create(&caller, input).await?;
    Ok(HttpResponse::Created().json(ClassResponse::for_viewer(
        class,
        ClassCounts::default(),
        &caller,
    )))
}
