use actix_web::{HttpResponse, get, web};
use liveclass_domain::class::{ClassFilter, ClassStatus, SortOrder};
use liveclass_domain::ids::UserId;
use liveclass_domain::schedule::{CourseId, ScheduleId};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::auth::Authenticated;
use crate::dto::{ClassListResponse, ListClassesQuery};
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

crate::op_errors!(ListClassesErrors: [AUTH, QUERY], [ValidationFailed]);

/// List your tenant's classes, ordered by scheduled time; every filter given
/// must hold.
#[utoipa::path(
    tag = "live-classes",
    params(ListClassesQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of classes", body = ClassListResponse),
        ListClassesErrors,
    )
)]
#[get("/live-classes")]
pub async fn list_classes(
    state: web::Data<AppState>,
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
    let filter = ClassFilter {
        status,
        course_id: query
            .course_id
            .as_deref()
            .map(CourseId::parse)
            .transpose()?,
        schedule_id: query
            .schedule_id
            .as_deref()
            .map(|raw| {
                uuid::Uuid::try_parse(raw)
                    .map(ScheduleId::from_uuid)
                    .map_err(|_| invalid("scheduleId", "must be a UUID", raw))
            })
            .transpose()?,
        created_by: query
            .created_by
            .as_deref()
            .map(UserId::parse)
            .transpose()
            .map_err(|e| {
                invalid(
                    "createdBy",
                    &e.message,
                    query.created_by.as_deref().unwrap_or(""),
                )
            })?,
        from: instant("from", query.from.as_deref())?,
        to: instant("to", query.to.as_deref())?,
        upcoming: match query.upcoming.as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => return Err(invalid("upcoming", "must be true or false", other)),
        },
        sort: query
            .sort
            .as_deref()
            .map(SortOrder::parse)
            .transpose()?
            .unwrap_or_default(),
    };
    let page = state.classes.list(&caller, filter, limit, offset).await?;
    Ok(HttpResponse::Ok().json(ClassListResponse::new(page, &caller)))
}

fn integer(field: &'static str, raw: Option<&str>) -> Result<Option<i64>, ApiError> {
    raw.map(|r| {
        r.parse::<i64>().map_err(|_| {
            ApiError::new(
                ErrorCode::ValidationFailed,
                format!("{field}: must be an integer (got `{r}`)"),
            )
        })
    })
    .transpose()
}

fn invalid(field: &str, what: &str, raw: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ValidationFailed,
        format!("{field}: {what} (got `{raw}`)"),
    )
}

fn instant(field: &'static str, raw: Option<&str>) -> Result<Option<OffsetDateTime>, ApiError> {
    raw.map(|r| {
        OffsetDateTime::parse(r, &Rfc3339).map_err(|_| {
            invalid(
                field,
                "must be an RFC 3339 instant such as 2030-03-01T00:00:00Z",
                r,
            )
        })
    })
    .transpose()
}
