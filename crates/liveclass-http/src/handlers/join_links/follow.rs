use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, get, web};
use liveclass_domain::Caller;
use liveclass_domain::join_link::{FollowJoinLinkError, JoinHash, JoinLinkOutcome};
use serde::Deserialize;

use crate::auth::Authenticated;
use crate::dto::{ClassResponse, JoinCountdownResponse, JoinResponse};
use crate::error::{ApiError, ErrorCode};
use crate::join_page;
use crate::state::AppState;
use liveclass_domain::class::ClassCounts;

crate::op_errors!(FollowJoinLinkErrors: [AUTH, LIMITED, QUERY, VIDEO], [JoinLinkNotFound, ClassEnded, ClassCancelled, ClassNotFound, ClassNotLive, ClassFull, NotOnRoster, ApprovalRequired, RemovedFromClass, NotClassCreator, InvalidStatusTransition]);

/// Follow a class's join link. Before the class: a countdown. The teacher
/// following it from 15 minutes (configurable) before the start starts the
/// class. While live: the join is recorded exactly as `POST
/// /live-classes/{id}/join` records it (capacity included) and the answer
/// redirects to the room.
///
/// Without a bearer token, a personal link from a calendar feed
/// (`?access=…`) stands for the owner of the feed's token, while that token
/// is not revoked and the link has not expired (a day after the class).
/// A request whose `Accept` prefers `text/html` (a browser) gets the same
/// answers as small HTML pages: the countdown, the 302 to the room, and a
/// page saying why for every error, with the same status.
#[utoipa::path(
    tag = "join-links",
    params(
        ("joinHash" = String, Path, description = "The class's joinHash"),
        ("access" = Option<String>, Query, description = "A personal link's credential, as calendar feeds write it; used only without a bearer token"),
    ),
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
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let html = join_page::wants_html(req.headers());
    match follow(&req, &state, &path).await {
        Ok((
            JoinLinkOutcome::Countdown {
                class,
                seconds_until_start,
            },
            _,
        )) if html => Ok(join_page::countdown(&class, seconds_until_start)),
        Ok((JoinLinkOutcome::Joined(joined), _)) if html => {
            Ok(join_page::redirect(&joined.credentials.url))
        }
        Ok((
            JoinLinkOutcome::Countdown {
                class,
                seconds_until_start,
            },
            caller,
        )) => Ok(HttpResponse::Ok().json(JoinCountdownResponse {
            starts_at: class.scheduled_at,
            seconds_until_start,
            // A countdown is for a scheduled class, which nobody can have
            // joined yet.
            live_class: ClassResponse::for_viewer(*class, ClassCounts::default(), &caller),
            message: "This live class has not started yet",
        })),
        Ok((JoinLinkOutcome::Joined(joined), _)) => {
            let location = joined.credentials.url.clone();
            Ok(HttpResponse::Found()
                .insert_header((header::LOCATION, location))
                .json(JoinResponse::from_joined(*joined)))
        }
        Err(e) if html => Ok(join_page::problem(&e)),
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct AccessQuery {
    access: Option<String>,
}

/// Who follows the link (a bearer token, else a personal link), and what
/// following it did.
async fn follow(
    req: &HttpRequest,
    state: &AppState,
    raw_hash: &str,
) -> Result<(JoinLinkOutcome, Caller), ApiError> {
    // A malformed link is a link that leads nowhere.
    let hash = JoinHash::parse(raw_hash).map_err(|_| FollowJoinLinkError::NotFound)?;
    let access = web::Query::<AccessQuery>::from_query(req.query_string())
        .map_err(|e| {
            ApiError::new(
                ErrorCode::InvalidQuery,
                format!("Invalid query string: {e}"),
            )
        })?
        .into_inner()
        .access;
    let caller = match access {
        Some(access) if !req.headers().contains_key(header::AUTHORIZATION) => {
            personal_caller(req, state, &access, raw_hash).await?
        }
        _ => Authenticated::extract(req).await?.0,
    };
    let outcome = state.services.join_links.follow(&caller, &hash).await?;
    Ok((outcome, caller))
}

/// The owner of a personal link's calendar token, counted by the join rate
/// limits like any joiner.
async fn personal_caller(
    req: &HttpRequest,
    state: &AppState,
    access: &str,
    raw_hash: &str,
) -> Result<Caller, ApiError> {
    let refused = |why: &str| {
        tracing::warn!(reason = why, "personal join link refused");
        ApiError::new(ErrorCode::InvalidToken, "The join link is not valid")
    };
    let Some(signer) = &state.feeds.links else {
        return Err(refused(
            "personal join links are off (LIVECLASS_JOIN_LINK_SECRET is not set)",
        ));
    };
    let Some(link) = signer.check(access, raw_hash) else {
        return Err(refused("bad signature or malformed `access`"));
    };
    let owner = state
        .services
        .calendars
        .link_owner(&link.token, link.expires)
        .await
        .map_err(|e| ApiError::from(FollowJoinLinkError::Store(e)))?
        .ok_or_else(|| refused("expired, or its calendar token was revoked"))?;
    let caller = Caller {
        user_id: owner.user_id,
        tenant_id: owner.tenant_id,
        // A calendar token carries no roles: the link's owner is who they
        // are (a class's creator is recognised by id), nothing more.
        roles: Vec::new(),
        name: None,
    };
    if let Some(kind) = crate::rate_limit::kind_of(req.method(), "/join/{joinHash}") {
        state
            .limits
            .check(kind, &caller, std::time::Instant::now())?;
    }
    Ok(caller)
}
