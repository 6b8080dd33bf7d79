use actix_web::{HttpResponse, get, web};
use liveclass_domain::admission::WaitStatus;
use liveclass_domain::class::errors::JoinClassError;

use crate::auth::Authenticated;
use crate::dto::{JoinResponse, MyWaitlistResponse};
use crate::error::ApiError;
use crate::handlers::live_classes::class_id;
use crate::state::AppState;

crate::op_errors!(MyWaitlistErrors: [AUTH, ID, VIDEO], [ClassNotFound, NotWaiting]);

/// The caller's place in the class's waitlist (their latest entry): while
/// `waiting`, their `position` (1 is next); once a freed seat admitted them
/// (`admitted`) and while they are in the class, `join` carries the same
/// answer `POST …/join` gives (room URL and token), so a client polling
/// this needs no second call.
#[utoipa::path(
    tag = "admission",
    params(("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's entry", body = MyWaitlistResponse),
        MyWaitlistErrors,
    )
)]
#[get("/live-classes/{liveClassId}/waitlist/me")]
pub async fn my_waitlist(
    state: web::Data<AppState>,
    Authenticated(caller): Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let class = class_id(&path)?;
    let entry = state
        .services
        .admissions
        .my_waitlist_entry(&caller, class)
        .await?;
    let join = if entry.status == WaitStatus::Admitted {
        // The caller holds a seat: a join answers with it and writes
        // nothing. Once they left (or the class ended), there is no answer.
        match state.services.live_classes.join(&caller, class).await {
            Ok(joined) if joined.already_joined => Some(JoinResponse::from_joined(joined)),
            Ok(_) | Err(JoinClassError::Full { .. } | JoinClassError::NotLive(_)) => None,
            Err(
                JoinClassError::Removed | JoinClassError::NotApproved | JoinClassError::NotOnRoster,
            ) => None,
            Err(e) => return Err(e.into()),
        }
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(MyWaitlistResponse {
        entry: entry.into(),
        join,
    }))
}
