use actix_web::{HttpResponse, get, web};
use liveclass_domain::LiveClassService;
use liveclass_domain::class::{ClassFilter, ClassStatus};

use crate::auth::Authenticated;
use crate::dto::{ClassListResponse, ListClassesQuery};
use crate::error::{ApiError, ErrorBody};

/// List your tenant's classes, ordered by scheduled time.
#[utoipa::path(
    tag = "live-classes",
    params(ListClassesQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of classes", body = ClassListResponse),
        (status = 400, description = "Invalid status, limit or offset", body = ErrorBody),
        (status = 401, description = "Missing, expired or invalid token", body = ErrorBody),
    )
)]
#[get("/live-classes")]
pub async fn list_classes(
    service: web::Data<LiveClassService>,
    Authenticated(caller): Authenticated,
    query: web::Query<ListClassesQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let status = query
        .status
        .as_deref()
        .map(str::parse::<ClassStatus>)
        .transpose()?;
    let limit = integer("limit", query.limit.as_deref())?;
    let offset = integer("offset", query.offset.as_deref())?;
    let page = service
        .list(&caller, ClassFilter { status }, limit, offset)
        .await?;
    Ok(HttpResponse::Ok().json(ClassListResponse::new(page, &caller)))
}

fn integer(field: &'static str, raw: Option<&str>) -> Result<Option<i64>, ApiError> {
    raw.map(|r| {
        r.parse::<i64>().map_err(|_| {
            ApiError::bad_request(
                "validation_failed",
                format!("{field}: must be an integer (got `{r}`)"),
            )
        })
    })
    .transpose()
}
