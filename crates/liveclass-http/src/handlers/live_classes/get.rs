use actix_web::{HttpResponse, get, web};
use liveclass_domain::LiveClasses;

use super::class_id;
use crate::auth::Authenticated;
use crate::dto::{ClassDetailsResponse, ClassResponse};
use crate::error::{ApiError, ErrorBody};

/// A class of your tenant with all its participations.
#[utoipa::path(
    tag = "live-classes",
    params(("liveClassId" = String, Path, description = "The class's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The class", body = ClassDetailsResponse),
        (status = 400, description = "liveClassId is not a UUID", body = ErrorBody),
        (status = 401, description = "Missing, expired or invalid token", body = ErrorBody),
        (status = 404, description = "No such class in your tenant", body = ErrorBody),
    )
)]
#[get("/live-classes/{liveClassId}")]
pub async fn get_class(
    service: web::Data<dyn LiveClasses>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let details = service.get(&caller, class_id(&path)?).await?;
    Ok(HttpResponse::Ok().json(ClassDetailsResponse {
        class: ClassResponse::for_viewer(details.class, details.counts, &caller),
        participants: details.participations.into_iter().map(Into::into).collect(),
    }))
}
