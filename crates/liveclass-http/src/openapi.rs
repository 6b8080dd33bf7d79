//! The OpenAPI document's frame (info, shared schemas, security, tags); the
//! paths come from the registration list in [`crate::routes`]. Checked in at
//! `openapi/openapi.json`; a test fails when the two differ.

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::path::{Operation, ParameterIn, PathItem};
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
        description = "Schedule live online classes, start and end them, admit students up to a hard capacity, and track who attended.\n\nEvery request but the health checks needs `Authorization: Bearer <JWT>`. Every error has the body `{statusCode, error, message, code}`; switch on `code`.\n\nAnswered on every path, before any operation: `not_found` (404) for an unknown path; `method_not_allowed` (405) for a known path with a method it does not have, with `Allow` listing the path's methods; `uri_too_long` (414) for a request target (path and query) longer than 8 KiB; `bad_request` (400) for a request the server cannot parse as HTTP/1.1; `headers_too_large` (431) for a request head over 128 KiB or with more than 96 headers; `request_timeout` (408) when no complete request head arrives within 5 s. After a 400, 408 or 431 the server closes the connection.",
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
        dto::ProviderWebhookAck,
        dto::ZoomUrlValidationResponse,
        dto::ZoomWebhookAnswer,
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "live-classes", description = "Classes, their lifecycle, and who is in them"),
        (name = "admission", description = "Who gets in and who stays: requests to join `approval` classes, the waitlist of full classes, removal as a ban"),
        (name = "recordings", description = "Recordings of classes: start, stop, access rules, deletion"),
        (name = "schedules", description = "Recurring schedules that generate classes, across time zones"),
        (name = "join-links", description = "One link per class: countdown, teacher start, join"),
        (name = "calendar", description = "iCalendar feeds opened by revocable per-user tokens"),
        (name = "interactions", description = "In-class interaction: the class's chat, delivered live through its event stream"),
        (name = "participant-controls", description = "Co-hosts, and each participant's microphone and camera permissions, raised hand and screen sharing"),
        (name = "courses", description = "Course rosters (who may join the course's classes with the `roster` admission policy), course attendance, and the tenant's attendance settings"),
        (name = "webhooks", description = "Signed webhooks (Standard Webhooks) to the platform: endpoints and deliveries"),
        (name = "provider-webhooks", description = "Webhooks Daily and Zoom send to LiveClass, verified by their signatures"),
        (name = "provider-accounts", description = "A tenant's own video-provider accounts (Zoom, Daily, Jitsi): credentials sealed at rest, never returned"),
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
        components.add_security_scheme(
            "recordingLink",
            SecurityScheme::ApiKey(ApiKey::Query(ApiKeyValue::with_description(
                "token",
                "A recording link token from `GET /recordings/{recordingId}` (`accessLink`, \
                 `downloadLink`): short-lived, for its caller and recording only.",
            ))),
        );
        components.add_security_scheme(
            "streamToken",
            SecurityScheme::ApiKey(ApiKey::Query(ApiKeyValue::with_description(
                "token",
                "A stream token from `POST /live-classes/{liveClassId}/events/token`, accepted on \
                 that class's event stream only (`EventSource` cannot send headers).",
            ))),
        );
    }
}

/// The security scheme of the calendar feeds: their `token` query parameter.
const CALENDAR_TOKEN: &str = "calendarToken";

/// What the whole document says about every operation, once the paths are
/// in: the server it is served from, the `x-request-id` header on every
/// answer, the calendar feeds' token as their security scheme, an explicit
/// empty `security` on the operations that need no credentials, and links
/// from created resources to the operations on them.
pub fn finish(mut api: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    api.servers = Some(vec![Server::new("/")]);
    for (path, item) in &mut api.paths.paths {
        let feed = path.starts_with("/calendar/") && path.ends_with(".ics");
        for op in operations_mut(item) {
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
    add_links(&mut api);
    api
}

/// Links from the answers that create a resource to the operations on it
/// (OpenAPI `links`): `(creating operation, status, path parameter, the
/// answer's field)`. Clients and stateful testers (schemathesis) follow them.
const LINKS: &[(&str, &str, &str, &str)] = &[
    ("create_class", "201", "liveClassId", "id"),
    ("create_class", "201", "joinHash", "joinHash"),
    ("create_schedule", "201", "scheduleId", "id"),
];

fn add_links(api: &mut utoipa::openapi::OpenApi) {
    // Every operation that takes a path parameter, by the parameter's name.
    let mut takers: Vec<(String, String)> = Vec::new();
    for item in api.paths.paths.values() {
        for op in operations(item) {
            let Some(id) = &op.operation_id else { continue };
            for p in op.parameters.iter().flatten() {
                if p.parameter_in == ParameterIn::Path {
                    takers.push((p.name.clone(), id.clone()));
                }
            }
        }
    }
    for item in api.paths.paths.values_mut() {
        for op in operations_mut(item) {
            for (creator, status, param, field) in LINKS {
                if op.operation_id.as_deref() != Some(creator) {
                    continue;
                }
                let Some(RefOr::T(response)) = op.responses.responses.get_mut(*status) else {
                    continue;
                };
                for (_, target) in takers.iter().filter(|(name, _)| name == param) {
                    response.links.insert(
                        target.clone(),
                        RefOr::T(
                            LinkBuilder::new()
                                .operation_id(target.clone())
                                .parameter(*param, format!("$response.body#/{field}"))
                                .build(),
                        ),
                    );
                }
            }
        }
    }
}

fn operations(item: &PathItem) -> impl Iterator<Item = &Operation> {
    [&item.get, &item.put, &item.post, &item.delete, &item.patch]
        .into_iter()
        .flatten()
}

fn operations_mut(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.patch,
    ]
    .into_iter()
    .flatten()
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
    let mut json = serialize(&crate::routes::openapi(), true);
    json.push('\n');
    json
}

/// The document as served at `/openapi.json`.
pub fn document_value(api: &utoipa::openapi::OpenApi) -> serde_json::Value {
    serde_json::from_str(&serialize(api, false)).unwrap_or_default()
}

/// utoipa 5 writes a link's `operationId` as `operation_id` (its `Link` has
/// no camelCase renaming); no other key of an OpenAPI document has that name.
fn serialize(api: &utoipa::openapi::OpenApi, pretty: bool) -> String {
    let json = if pretty {
        serde_json::to_string_pretty(api)
    } else {
        serde_json::to_string(api)
    };
    json.unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
        .replace("\"operation_id\":", "\"operationId\":")
}
