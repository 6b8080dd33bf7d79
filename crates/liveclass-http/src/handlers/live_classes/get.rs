use actix_web::{HttpResponse, get, web};

use super::class_id;
use crate::auth::Authenticated;
use crate::dto::{ClassDetailsResponse, ClassResponse};
use crate::error::ApiError;
use crate::state::AppState;

crate::op_errors!(GetClassErrors: [AUTH, ID], [ClassNotFound]);

/// A class of your tenant with all its participations, and your
/// `unreadMessages` in its chat.
#[utoipa::path(
    tag = "live-classes",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The class", body = ClassDetailsResponse),
        GetClassErrors,
    )
)]
#[get("/live-classes/{liveClassId}")]
pub async fn get_class(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let details = state
        .services
        .live_classes
        .get(&caller, class_id(&path)?)
        .await?;
    // A user in the class right now was admitted: they may see its room.
    let inside = details
        .participations
        .iter()
        .any(|p| p.user_id == caller.user_id && p.left_at.is_none());
    let id = details.class.id;
    let mut class = if inside {
        ClassResponse::for_admitted(details.class, details.counts, &caller)
    } else {
        ClassResponse::for_viewer(details.class, details.counts, &caller)
    };
    let unread = state.services.unread.unread_counts(&caller, &[id]).await?;
    class.unread_messages = Some(unread.get(&id).copied().unwrap_or(0));
    Ok(HttpResponse::Ok().json(ClassDetailsResponse {
        class,
        participants: details.participations.into_iter().map(Into::into).collect(),
    }))
}
