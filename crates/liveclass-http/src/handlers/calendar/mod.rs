//! `/calendar`: iCalendar feeds opened by revocable per-user tokens.

pub mod course_feed;
pub mod issue_token;
pub mod revoke_tokens;
pub mod user_feed;

use actix_web::HttpResponse;
use actix_web::http::header;
use liveclass_domain::calendar::{CalendarFeedError, CalendarToken};
use liveclass_domain::class::LiveClass;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::ApiError;
use crate::ical::{FeedSettings, render};

/// The feed's token, in the query (calendar apps cannot send headers).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// A calendar token from `POST /calendar/tokens`.
    pub token: String,
}

impl FeedQuery {
    /// The feed token; a malformed one opens no feed (404).
    fn token(&self) -> Result<CalendarToken, ApiError> {
        CalendarToken::parse(&self.token).ok_or_else(|| CalendarFeedError::NotFound.into())
    }
}

/// The feed for the owner of `token`: their personal join links when the
/// server signs them.
fn ics(
    name: &str,
    classes: &[LiveClass],
    settings: &FeedSettings,
    token: &CalendarToken,
) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/calendar; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "private, max-age=300"))
        .body(render(name, classes, settings, Some(&token.hash())))
}
