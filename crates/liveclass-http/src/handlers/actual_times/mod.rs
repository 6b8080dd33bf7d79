//! `/live-classes/{id}/actual-times`: start and end times recorded by staff.

pub mod record;

use actix_web::http::StatusCode;
use liveclass_domain::actual_times::RecordActualTimeError as E;

use crate::error::ApiError;

impl From<E> for ApiError {
    fn from(e: E) -> Self {
        let code = match &e {
            E::Forbidden => return Self::new(StatusCode::FORBIDDEN, "forbidden", e.to_string()),
            E::NotFound => return Self::not_found("class_not_found", e.to_string()),
            E::Cancelled => "class_cancelled",
            // The seed's slugs, in snake_case.
            E::StartedAtAlreadySet => "started_at_already_set",
            E::StartedAtNotNow => "started_at_not_now",
            E::StartedAtNotSet => "started_at_not_set",
            E::EndedAtAlreadySet => "ended_at_already_set",
            E::EndedAtBeforeStart => "ended_at_before_started_at",
            E::EndedAtTooSoon { .. } => "ended_at_too_soon",
            E::EndedAtTooOld => "ended_at_too_old",
            E::EndedAtInFuture => "ended_at_in_future",
            E::Store(_) => "",
        };
        match e {
            E::Store(s) => s.into(),
            other => Self::bad_request(code, other.to_string()),
        }
    }
}
