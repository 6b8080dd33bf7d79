//! The OpenAPI document, generated from the handlers and DTOs. Checked in at
//! `openapi/openapi.json`; a test fails when the two differ.

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::dto;
use crate::error::ErrorBody;
use crate::handlers::{actual_times, calendar, health, join_links, live_classes as lc, schedules};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "LiveClass API",
        description = "Schedule live online classes, start and end them, admit students up to a hard capacity, and track who attended.\n\nEvery request but the health checks needs `Authorization: Bearer <JWT>`. Every error has the body `{statusCode, error, message, code}`; switch on `code`.",
        license(name = "MIT"),
    ),
    paths(
        health::healthz,
        health::readyz,
        lc::create::create_class,
        lc::list::list_classes,
        lc::get::get_class,
        lc::start::start_class,
        lc::end::end_class,
        lc::join::join_class,
        lc::leave::leave_class,
        lc::participants::list_participants,
        lc::recording::set_recording,
        lc::update::update_class,
        lc::cancel::cancel_class,
        lc::token::issue_token,
        schedules::create::create_schedule,
        schedules::list::list_schedules,
        schedules::get::get_schedule,
        schedules::update::update_schedule,
        schedules::delete::delete_schedule,
        join_links::follow::follow_join_link,
        actual_times::record::record_actual_time,
        calendar::issue_token::issue_calendar_token,
        calendar::revoke_tokens::revoke_calendar_tokens,
        calendar::course_feed::course_calendar,
        calendar::user_feed::user_calendar,
    ),
    components(schemas(
        ErrorBody,
        dto::HealthResponse,
        dto::StatusDto,
        dto::RoleDto,
        dto::CreateClassBody,
        dto::ClassResponse,
        dto::ClassDetailsResponse,
        dto::ClassListResponse,
        dto::StartedResponse,
        dto::EndedResponse,
        dto::JoinResponse,
        dto::LeaveResponse,
        dto::ParticipantResponse,
        dto::ParticipantsResponse,
        dto::ActiveParticipant,
        dto::RecordingBody,
        dto::RecordingResponse,
        dto::UpdateClassBody,
        dto::TokenResponse,
        dto::RecurrenceBody,
        dto::CreateScheduleBody,
        dto::RecurrencePatchBody,
        dto::UpdateScheduleBody,
        dto::RecurrenceResponse,
        dto::ScheduleResponse,
        dto::GenerationResponse,
        dto::ScheduleDetailsResponse,
        dto::ScheduleListResponse,
        dto::ScheduleDeletedResponse,
        dto::JoinCountdownResponse,
        dto::ActualTimesBody,
        dto::CalendarTokenResponse,
        dto::CalendarTokensRevokedResponse,
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "live-classes", description = "Classes, their lifecycle, and who is in them"),
        (name = "schedules", description = "Recurring schedules that generate classes, across time zones"),
        (name = "join-links", description = "One link per class: countdown, teacher start, join"),
        (name = "calendar", description = "iCalendar feeds opened by revocable per-user tokens"),
        (name = "health", description = "Liveness and readiness"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.bearer_format = Some("JWT".to_owned());
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// The document as checked in: pretty JSON with a final newline.
///
/// # Panics
/// Never: the document is plain data.
#[allow(clippy::missing_panics_doc)]
pub fn document_json() -> String {
    let mut json = ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    json.push('\n');
    json
}
