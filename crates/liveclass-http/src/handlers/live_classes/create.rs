use actix_web::{HttpResponse, post, web};
use liveclass_domain::LiveClasses;
use liveclass_domain::class::ClassCounts;

use crate::auth::Authenticated;
use crate::dto::{ClassResponse, CreateClassBody};
use crate::error::{ApiError, ErrorBody};
use crate::extract::JsonBody;

/// Create a live class (training managers and org admins). The class starts
/// `scheduled`, with its video room already made.
#[utoipa::path(
    tag = "live-classes",
    request_body = CreateClassBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = ClassResponse),
        (status = 400, description = "Invalid input; the message names the field", body = ErrorBody),
        (status = 401, description = "Missing, expired or invalid token", body = ErrorBody),
        (status = 403, description = "Not a training manager or org admin, or tenantId is not yours", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 502, description = "The video provider failed; nothing was created", body = ErrorBody),
    )
)]
#[post("/live-classes")]
pub async fn create_class(
    service: web::Data<dyn LiveClasses>,
    Authenticated(caller): Authenticated,
    JsonBody(body): JsonBody<CreateClassBody>,
) -> Result<HttpResponse, ApiError> {
    let command = body.into_command(&service.policy())?;
    let class = service.create(&caller, command).await?;
    Ok(HttpResponse::Created().json(ClassResponse::for_viewer(
        class,
        ClassCounts::default(),
        &caller,
    )))
}
