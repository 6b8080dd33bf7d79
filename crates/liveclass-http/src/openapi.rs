//! The OpenAPI document's frame (info, shared schemas, security, tags); the
//! paths come from the registration list in [`crate::routes`]. Checked in at
//! `openapi/openapi.json`; a test fails when the two differ.

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::server::Server;
use utoipa::openapi::{KnownFormat, ObjectBuilder, RefOr, SchemaFormat, Type};
use utoipa::{Modify, OpenApi};

use crate::dto;
use crate::error::{ErrorBody, ErrorCode};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "LiveClass API",
        description = "Schedule live online classes, start and end them, admit students up to a hard capacity, and track who attended.\n\nEvery request but the health checks needs `Authorization: Bearer <JWT>`. Every error has the body `{statusCode, error, message, code}`; switch on `code`.",
        license(name = "MIT", identifier = "MIT"),
    ),
    components(schemas(
        ErrorBody,
        ErrorCode,
        dto::HealthResponse,
        dto::StatusDto,
        dto::SortDto,
        dto::FrequencyDto,
        dto::WeekdayDto,
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
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
        components.add_security_scheme(
            CALENDAR_TOKEN,
            SecurityScheme::ApiKey(ApiKey::Query(ApiKeyValue::with_description(
                "token",
                "A calendar token from `POST /calendar/tokens` (calendar apps cannot send headers).",
            ))),
        );
    }
}

/// The security scheme of the calendar feeds: their `token` query parameter.
const CALENDAR_TOKEN: &str = "calendarToken";

/// What the whole document says about every operation, once the paths are
/// in: the server it is served from, the `x-request-id` header on every
/// answer, the calendar feeds' token as their security scheme, and an explicit
/// empty `security` on the operations that need no credentials.
pub fn finish(mut api: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    api.servers = Some(vec![Server::new("/")]);
    for (path, item) in &mut api.paths.paths {
        let feed = path.starts_with("/calendar/") && path.ends_with(".ics");
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            if feed {
                use_calendar_token(op);
            } else if op.security.is_none() {
                op.security = Some(Vec::new());
            }
            for response in op.responses.responses.values_mut() {
                if let RefOr::T(response) = response {
                    response.headers.insert(
                        "x-request-id".to_owned(),
                        HeaderBuilder::new()
                            .schema(
                                ObjectBuilder::new()
                                    .schema_type(Type::String)
                                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid))),
                            )
                            .description(Some(
                                "This request's id, as the server's log lines name it",
                            ))
                            .build(),
                    );
                }
            }
        }
    }
    api
}

/// A feed's `token` query parameter becomes its security requirement.
fn use_calendar_token(op: &mut Operation) {
    if let Some(params) = &mut op.parameters {
        params.retain(|p| !(p.name == "token" && p.parameter_in == ParameterIn::Query));
    }
    op.security = Some(vec![SecurityRequirement::new::<_, _, &str>(
        CALENDAR_TOKEN,
        [],
    )]);
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
