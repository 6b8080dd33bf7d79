use actix_web::{HttpResponse, post, web};
use liveclass_domain::ids::UserId;

use crate::auth::Authenticated;
use crate::dto::RemovalResponse;
use crate::error::ApiError;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(RemoveParticipantErrors: [AUTH, LIMITED, ID], [ValidationFailed, ClassNotFound, NotModerator, CannotRemoveHost, ClassOver]);

/// Remove a user from a scheduled or live class (its creator, co-hosts and
/// managers): a ban for the class. Their stay, if any, ends with reason
/// `removed` (their seat goes to the first in the waitlist) and they leave
/// the waitlist; until the class ends, joining (also through the join link
/// or the waitlist), a room token and asking to join answer 403
/// `removed_from_class`. A removal of someone absent still bans them;
/// removing twice changes nothing. The class's creator cannot be removed.
/// Appends `participant.removed` (and `participant.left`).
///
/// Then, if the class is live and the user was in it, asks the video
/// provider to eject them from the meeting (Daily: `POST
/// /rooms/{name}/eject` with `ban`; Zoom and Jitsi have no such call):
/// `providerEject` says how that went. A provider failure is logged and
/// answered as `failed`, never as an error: the removal stands.
#[utoipa::path(
    tag = "admission",
    params(
        ("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)"),
        ("userId" = String, Path, description = "The user to remove", min_length = 1, max_length = 128, pattern = r"^[^\s\u0000-\u001f\u007f-\u009f]([^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f])?$"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Removed and banned", body = RemovalResponse),
        RemoveParticipantErrors,
    )
)]
#[post("/live-classes/{liveClassId}/participants/{userId}/remove")]
pub async fn remove_participant(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let class = class_id(&path.0)?;
    let user = UserId::parse(&path.1)?;
    let removal = state
        .services
        .admissions
        .remove(&caller, class, &user)
        .await?;
    Ok(HttpResponse::Ok().json(RemovalResponse::new(
        &class.to_string(),
        user.as_str(),
        removal,
    )))
}
