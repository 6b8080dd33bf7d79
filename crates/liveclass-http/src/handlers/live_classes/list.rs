use actix_web::{HttpResponse, get, web};
use liveclass_domain::LiveClasses;

use crate::auth::Authenticated;
use crate::dto::{ClassListResponse, ListClassesQuery};
use crate::error::{ApiError, ErrorBody};

/// List your tenant's classes, ordered by scheduled time; every filter given
/// must hold.
#[utoipa::path(
    tag = "live-classes",
    params(ListClassesQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of classes", body = ClassListResponse),
        (status = 400, description = "Invalid filter, sort, limit or offset; the message names it", body = ErrorBody),
        (status = 401, description = "Missing, expired or invalid token", body = ErrorBody),
    )
)]
#[get("/live-classes")]
pub async fn list_classes(
    service: web::Data<dyn LiveClasses>,
    Authenticated(caller): Authenticated,
    query: web::Query<ListClassesQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = service
        .list(&caller, query.into_inner().try_into()?)
        .await?;
    Ok(HttpResponse::Ok().json(ClassListResponse::new(page, &caller)))
}
