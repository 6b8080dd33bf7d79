use actix_web::{HttpResponse, get, web};

use super::class_id;
use crate::auth::Authenticated;
use crate::dto::{ClassEventsQuery, ClassEventsResponse};
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(ListClassEventsErrors: [AUTH, ID, QUERY], [ClassNotFound, ValidationFailed]);

/// A class's events after a sequence number, in order: a replay for clients
/// that reconnect or cannot stream. Anyone of the class's tenant may read
/// them. Events appear here about 100 ms after the change that caused them
/// (the sequencer numbers them), never out of order and never with a gap.
#[utoipa::path(
    tag = "live-classes",
    params(
        ("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)"),
        ClassEventsQuery,
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Events after `after`", body = ClassEventsResponse),
        ListClassEventsErrors,
    )
)]
#[get("/live-classes/{liveClassId}/events")]
pub async fn list_class_events(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
    query: web::Query<ClassEventsQuery>,
) -> Result<HttpResponse, ApiError> {
    let class_id = class_id(&path)?;
    let (after, limit) = query.window()?;
    let page = state
        .services
        .class_events
        .list(&caller, class_id, after, limit)
        .await?;
    Ok(HttpResponse::Ok().json(ClassEventsResponse::from(page)))
}
