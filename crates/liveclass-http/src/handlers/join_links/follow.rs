use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use liveclass_domain::join_link::{FollowJoinLinkError, JoinHash, JoinLinkOutcome};

use crate::auth::Authenticated;
use crate::dto::{ClassResponse, JoinCountdownResponse, JoinResponse};
use crate::error::ApiError;
use crate::state::AppState;
use liveclass_domain::class::ClassCounts;

crate::op_errors!(FollowJoinLinkErrors: [AUTH, LIMITED, VIDEO], [JoinLinkNotFound, ClassEnded, ClassCancelled, ClassNotFound, ClassNotLive, ClassFull, NotClassCreator, InvalidStatusTransition]);

/// Follow a class's join link. Before the class: a countdown. The teacher
/// following it from 15 minutes (configurable) before the start starts the
/// class. While live: the join is recorded exactly as `POST
/// /live-classes/{id}/join` records it (capacity included) and the answer
/// redirects to the room.
#[utoipa::path(
    tag = "join-links",
    params(("joinHash" = String, Path, description = "The class's joinHash")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The class has not started yet", body = JoinCountdownResponse),
        (status = 302, description = "In the class; `Location` is the room's join URL", body = JoinResponse,
            headers(("Location" = String, description = "The room's join URL"))),
        FollowJoinLinkErrors,
    )
)]
#[get("/join/{joinHash}")]
pub async fn follow_join_link(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    // A malformed link is a link that leads nowhere.
    let hash = JoinHash::parse(&path).map_err(|_| FollowJoinLinkError::NotFound)?;
    match state.services.join_links.follow(&caller, &hash).await? {
        JoinLinkOutcome::Countdown {
            class,
            seconds_until_start,
        } => Ok(HttpResponse::Ok().json(JoinCountdownResponse {
            starts_at: class.scheduled_at,
            seconds_until_start,
            // A countdown is for a scheduled class, which nobody can have
            // joined yet.
            live_class: ClassResponse::for_viewer(*class, ClassCounts::default(), &caller),
            message: "This live class has not started yet",
        })),
        JoinLinkOutcome::Joined(joined) => {
            let location = joined.credentials.url.clone();
            Ok(HttpResponse::Found()
                .insert_header((header::LOCATION, location))
                .json(JoinResponse::from_joined(*joined)))
        }
    }
}
