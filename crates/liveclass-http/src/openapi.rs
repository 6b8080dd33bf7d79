//! The OpenAPI document's frame (info, shared schemas, security, tags); the
//! paths come from the registration list in [`crate::routes`]. Checked in at
//! `openapi/openapi.json`; a test fails when the two differ.

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::dto;
use crate::error::{ErrorBody, ErrorCode};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "LiveClass API",
        description = "Schedule live online classes, start and end them, admit students up to a hard capacity, and track who attended.\n\nEvery request but the health checks needs `Authorization: Bearer <JWT>`. Every error has the body `{statusCode, error, message, code}`; switch on `code`.\n\nAnswered on every path, before any operation: `not_found` (404) for an unknown path; `method_not_allowed` (405) for a known path with a method it does not have, with `Allow` listing the path's methods; `uri_too_long` (414) for a request target (path and query) longer than 8 KiB; `bad_request` (400) for a request the server cannot parse as HTTP/1.1; `headers_too_large` (431) for a request head over 128 KiB or with more than 96 headers; `request_timeout` (408) when no complete request head arrives within 5 s. After a 400, 408 or 431 the server closes the connection.",
        license(name = "MIT"),
    ),
    components(schemas(
        ErrorBody,
        ErrorCode,
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
    let mut json = crate::routes::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    json.push('\n');
    json
}
