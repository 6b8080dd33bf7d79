use actix_web::{HttpResponse, get, web};

use crate::auth::Authenticated;
use crate::dto::ReactionSummaryResponse;
use crate::error::ApiError;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(ReactionSummaryErrors: [AUTH, ID], [NotAdmitted, ClassNotFound]);

/// The class's reaction counts: per kind over the whole class (every kind,
/// zeros included), and per UTC minute that had reactions, oldest first.
/// Readable by the class's moderators and by anyone who is or was in it.
#[utoipa::path(
    tag = "interactions",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The counts", body = ReactionSummaryResponse),
        ReactionSummaryErrors,
    )
)]
#[get("/live-classes/{liveClassId}/reactions")]
pub async fn reaction_summary(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let summary = state
        .services
        .reactions
        .summary(&caller, class_id(&path)?)
        .await?;
    Ok(HttpResponse::Ok().json(ReactionSummaryResponse::from(summary)))
}
