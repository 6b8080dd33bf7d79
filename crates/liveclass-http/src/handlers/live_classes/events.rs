use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};

use super::class_id;
use crate::auth::authenticate;
use crate::dto::{ClassEventsQuery, ClassEventsResponse};
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;
use crate::stream::open_stream;

crate::op_errors!(ListClassEventsErrors: [AUTH, ID, QUERY], [ClassNotFound, ValidationFailed]);

/// A class's events, in order: as a JSON page after a sequence number (a
/// replay for clients that reconnect or cannot stream), or, with `Accept:
/// text/event-stream`, as a live Server-Sent Events stream. Anyone of the
/// class's tenant may read them. Events appear about 100 ms after the
/// change that caused them (the sequencer numbers them), never out of
/// order and never with a gap.
///
/// **Stream:** each event is `id:` its `seq`, `event:` its `type`, `data:`
/// the same JSON object as an element of the page's `events`; a `retry:`
/// hint (3 s) first, a `: keep-alive` comment every 15 s. It resumes after
/// the `Last-Event-ID` header, else `lastEventId`, else `after`: every event
/// after that one, then the live ones, with no gap and no duplicate. When
/// events after it are no longer kept (or it is beyond the log's last one),
/// an `event: reset` comes first (data `{reload: true, lastSeq, …}`: reload
/// the class), then the oldest kept.
/// Authenticate with a bearer header, or with `token` (a stream token).
#[utoipa::path(
    tag = "live-classes",
    params(
        ("liveClassId" = uuid::Uuid, Path, description = "The class's id (UUID)"),
        ("Last-Event-ID" = Option<String>, Header, description = "Stream only: resume after this sequence number (browsers send it when they reconnect)"),
        ClassEventsQuery,
    ),
    security(("bearer" = []), ("streamToken" = [])),
    responses(
        (status = 200, description = "Events after `after` (JSON), or the live stream (`text/event-stream`)",
            content(
                (ClassEventsResponse = "application/json"),
                (String = "text/event-stream", example = "retry: 3000\n\nid: 1\nevent: class.created\ndata: {\"seq\":1,\"id\":\"…\",\"type\":\"class.created\",\"liveClassId\":\"…\",\"occurredAt\":\"2030-01-01T09:00:00Z\",\"data\":{}}\n\n"),
            )
        ),
        ListClassEventsErrors,
    )
)]
#[get("/live-classes/{liveClassId}/events")]
pub async fn list_class_events(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<ClassEventsQuery>,
) -> Result<HttpResponse, ApiError> {
    let class_id = class_id(&path)?;
    if wants_stream(&req) {
        let caller = match query.token.as_deref() {
            Some(token) => state.stream_tokens.verify(token, class_id)?,
            None => authenticate(&req).await?,
        };
        let last_event_id = req
            .headers()
            .get("Last-Event-ID")
            .map(|v| {
                v.to_str().map_err(|_| {
                    ApiError::new(
                        ErrorCode::ValidationFailed,
                        "Last-Event-ID: must be a sequence number",
                    )
                })
            })
            .transpose()?;
        let after = query.resume_after(last_event_id)?;
        let body = open_stream(
            state.services.class_events.clone(),
            caller,
            class_id,
            after,
            state.streams.subscribe(class_id),
            state.streams.closing(),
            state.stream_settings,
        )
        .await?;
        return Ok(HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, "text/event-stream"))
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .insert_header(("X-Accel-Buffering", "no"))
            .body(body));
    }
    if query.token.is_some() {
        return Err(ApiError::new(
            ErrorCode::InvalidToken,
            "`token` is accepted only on the event stream (Accept: text/event-stream); \
             send a bearer token",
        ));
    }
    let caller = authenticate(&req).await?;
    let (after, limit) = query.window()?;
    let page = state
        .services
        .class_events
        .list(&caller, class_id, after, limit)
        .await?;
    Ok(HttpResponse::Ok().json(ClassEventsResponse::from(page)))
}

/// Whether the client asked for the stream (`Accept: text/event-stream`).
fn wants_stream(req: &HttpRequest) -> bool {
    req.headers()
        .get_all(header::ACCEPT)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|media| {
            media
                .split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("text/event-stream"))
        })
}
