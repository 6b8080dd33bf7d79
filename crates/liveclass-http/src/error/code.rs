//! The catalogue of error codes: every `code` the API can answer, with the
//! status it is answered with. Clients switch on these; they never change
//! meaning once released.

use actix_web::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

/// Declares [`ErrorCode`] once: variant, wire name, status, and what it means.
macro_rules! error_codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $wire:literal, $status:ident;)+) => {
        /// A stable, machine-readable error code (`ErrorBody.code`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum ErrorCode {
            $($(#[doc = $doc])* $variant,)+
        }

        impl ErrorCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)+];

            /// The code as it appears on the wire.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $wire,)+
                }
            }

            /// What the code means (its doc comment), for the OpenAPI document.
            pub fn description(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => concat!($($doc),*).trim_ascii(),)+
                }
            }

            /// The status this code is answered with. `class_cancelled` is the
            /// one code with two (400 when recording times, 410 on join
            /// links); [`crate::error::ApiError`] carries the status it used.
            pub const fn status(self) -> StatusCode {
                match self {
                    $(ErrorCode::$variant => StatusCode::$status,)+
                }
            }
        }
    };
}

error_codes! {
    /// A field of the body or query has an invalid value; the message starts with the field's name.
    ValidationFailed = "validation_failed", BAD_REQUEST;
    /// The body is not valid JSON of the expected shape; the message names the place.
    InvalidBody = "invalid_body", BAD_REQUEST;
    /// A path segment that must be a UUID is not one.
    InvalidId = "invalid_id", BAD_REQUEST;
    /// The query string cannot be parsed.
    InvalidQuery = "invalid_query", BAD_REQUEST;
    /// The request could not be understood (URI, headers) before reaching an operation.
    BadRequest = "bad_request", BAD_REQUEST;
    /// The class's status does not allow this change (`Cannot start class with status: live`).
    InvalidStatusTransition = "invalid_status_transition", BAD_REQUEST;
    /// The webhook URL's host does not resolve, or resolves to a loopback, private, link-local or metadata address.
    WebhookTargetRefused = "webhook_target_refused", BAD_REQUEST;
    /// The class is not live.
    ClassNotLive = "class_not_live", BAD_REQUEST;
    /// The class's video provider cannot record, or recording is not enabled for the class.
    RecordingNotEnabled = "recording_not_enabled", BAD_REQUEST;
    /// The recording is not running (only `starting` or `recording` ones stop).
    RecordingNotRunning = "recording_not_running", BAD_REQUEST;
    /// The recording is the class's seed-000 `recordingUrl`: it cannot be shared or deleted here.
    RecordingExternal = "recording_external", BAD_REQUEST;
    /// The class has not ended yet.
    ClassNotEnded = "class_not_ended", BAD_REQUEST;
    /// The class has ended or was cancelled; it can no longer be edited.
    ClassFinished = "class_finished", BAD_REQUEST;
    /// A schedule would generate more classes than allowed.
    TooManyOccurrences = "too_many_occurrences", BAD_REQUEST;
    /// `startedAt` is already recorded.
    StartedAtAlreadySet = "started_at_already_set", BAD_REQUEST;
    /// `startedAt` must be within two minutes of now.
    StartedAtNotNow = "started_at_not_now", BAD_REQUEST;
    /// `endedAt` needs a recorded `startedAt`.
    StartedAtNotSet = "started_at_not_set", BAD_REQUEST;
    /// `endedAt` is already recorded.
    EndedAtAlreadySet = "ended_at_already_set", BAD_REQUEST;
    /// `endedAt` is before `startedAt`.
    EndedAtBeforeStartedAt = "ended_at_before_started_at", BAD_REQUEST;
    /// The class would be shorter than the minimum duration.
    EndedAtTooSoon = "ended_at_too_soon", BAD_REQUEST;
    /// `endedAt` is more than 24 hours ago.
    EndedAtTooOld = "ended_at_too_old", BAD_REQUEST;
    /// `endedAt` is in the future.
    EndedAtInFuture = "ended_at_in_future", BAD_REQUEST;
    /// Send `startedAt` or `endedAt`, not both.
    OneFieldAtATime = "one_field_at_a_time", BAD_REQUEST;
    /// No bearer token.
    MissingToken = "missing_token", UNAUTHORIZED;
    /// The bearer token is malformed, badly signed, or lacks a required claim.
    InvalidToken = "invalid_token", UNAUTHORIZED;
    /// A provider webhook (`/webhooks/daily`, `/webhooks/zoom`) whose signature or timestamp headers are missing or malformed, whose signature does not match the raw body, or whose timestamp is more than 5 minutes from now.
    InvalidSignature = "invalid_signature", UNAUTHORIZED;
    /// The bearer token has expired.
    TokenExpired = "token_expired", UNAUTHORIZED;
    /// The caller's roles do not allow this operation.
    Forbidden = "forbidden", FORBIDDEN;
    /// Only the class's creator may do this.
    NotClassCreator = "not_class_creator", FORBIDDEN;
    /// `tenantId` in the body is not the caller's tenant.
    TenantMismatch = "tenant_mismatch", FORBIDDEN;
    /// The caller is not in the live class.
    NotAdmitted = "not_admitted", FORBIDDEN;
    /// A moderator removed the caller from the class: until it ends, they can neither join it again (also through its join link or the waitlist), nor get a room token, ask to join, or post in it.
    RemovedFromClass = "removed_from_class", FORBIDDEN;
    /// The class admits approved users only (admission policy `approval`): ask to join (`POST /live-classes/{id}/requests`) and wait for a moderator's approval.
    ApprovalRequired = "approval_required", FORBIDDEN;
    /// The class's creator (its host) cannot be removed from their own class.
    CannotRemoveHost = "cannot_remove_host", FORBIDDEN;
    /// Only a message's author or a moderator of the class may delete it.
    NotMessageAuthor = "not_message_author", FORBIDDEN;
    /// Only the class's moderators (its creator, its co-hosts, the tenant's managers) may do this.
    NotModerator = "not_moderator", FORBIDDEN;
    /// The class admits the users on its course's roster only (admission policy `roster`), and the caller is not on it.
    NotOnRoster = "not_on_roster", FORBIDDEN;
    /// Only the class's host (its creator) or a tenant manager (`training_manager`, `org_admin`) may name or revoke co-hosts; a co-host may not.
    NotClassHost = "not_class_host", FORBIDDEN;
    /// No such class in the caller's tenant.
    ClassNotFound = "class_not_found", NOT_FOUND;
    /// The caller has no active participation in the class.
    NotParticipating = "not_participating", NOT_FOUND;
    /// No such route.
    NotFound = "not_found", NOT_FOUND;
    /// No such request to join in the class, or the caller has not asked to join it.
    JoinRequestNotFound = "join_request_not_found", NOT_FOUND;
    /// The caller is not in the class's waitlist (or never was).
    NotWaiting = "not_waiting", NOT_FOUND;
    /// No such message in the class (or it was deleted).
    MessageNotFound = "message_not_found", NOT_FOUND;
    /// No such question in the class (or it was deleted).
    QuestionNotFound = "question_not_found", NOT_FOUND;
    /// No such poll in the class (drafts are the moderators').
    PollNotFound = "poll_not_found", NOT_FOUND;
    /// No such shared resource in the class (or it was removed).
    ResourceNotFound = "resource_not_found", NOT_FOUND;
    /// No such webhook endpoint in the caller's tenant.
    WebhookEndpointNotFound = "webhook_endpoint_not_found", NOT_FOUND;
    /// The endpoint has no delivery of this event.
    WebhookDeliveryNotFound = "webhook_delivery_not_found", NOT_FOUND;
    /// No such recording in the caller's tenant (or it was deleted).
    RecordingNotFound = "recording_not_found", NOT_FOUND;
    /// No such provider account in the caller's tenant.
    ProviderAccountNotFound = "provider_account_not_found", NOT_FOUND;
    /// No such provider webhook concerning the caller's tenant.
    ProviderEventNotFound = "provider_event_not_found", NOT_FOUND;
    /// No such schedule in the caller's tenant.
    ScheduleNotFound = "schedule_not_found", NOT_FOUND;
    /// No class has this join link in the caller's tenant.
    JoinLinkNotFound = "join_link_not_found", NOT_FOUND;
    /// The calendar token is unknown or revoked.
    CalendarNotFound = "calendar_not_found", NOT_FOUND;
    /// The path exists, the method does not: `Allow` lists the path's methods. Answered for every path, before any operation.
    MethodNotAllowed = "method_not_allowed", METHOD_NOT_ALLOWED;
    /// The class is at maximum capacity.
    ClassFull = "class_full", CONFLICT;
    /// The class does not use the `approval` policy (or the caller is its creator, always admitted): join it directly.
    ApprovalNotRequired = "approval_not_required", CONFLICT;
    /// The class has ended or was cancelled: requests, removals and its waitlist no longer apply.
    ClassOver = "class_over", CONFLICT;
    /// The recording URL is set once and never changes.
    RecordingAlreadySet = "recording_already_set", CONFLICT;
    /// The recording has no file yet: it is not `ready`, or the provider has not reported it.
    RecordingNotReady = "recording_not_ready", CONFLICT;
    /// Another recording of the class is running; stop it first.
    RecordingAlreadyRunning = "recording_already_running", CONFLICT;
    /// The caller has already upvoted this question (once per user).
    AlreadyUpvoted = "already_upvoted", CONFLICT;
    /// The caller has already voted in this poll (a vote is final).
    AlreadyVoted = "already_voted", CONFLICT;
    /// The poll is not open (a draft, or closed).
    PollNotOpen = "poll_not_open", CONFLICT;
    /// The user has no active participation in the class, so their controls (microphone, camera, hand) cannot change.
    ParticipantNotActive = "participant_not_active", CONFLICT;
    /// The class is not live, so its participants' controls (microphone, camera, hands) cannot change.
    ClassNotInSession = "class_not_in_session", CONFLICT;
    /// The class has the most co-hosts allowed (20); revoke one first.
    TooManyCoHosts = "too_many_co_hosts", CONFLICT;
    /// The capacity cannot go below the number of participants in the class now.
    CapacityBelowActive = "capacity_below_active", CONFLICT;
    /// The tenant already has an active provider account of this kind; deactivate it first.
    ActiveProviderAccountExists = "active_provider_account_exists", CONFLICT;
    /// A request with this `Idempotency-Key` is still running; retry after `Retry-After`.
    IdempotencyKeyInProgress = "idempotency_key_in_progress", CONFLICT;
    /// The class has ended.
    ClassEnded = "class_ended", GONE;
    /// The class was cancelled (410 on join links, 400 when recording times).
    ClassCancelled = "class_cancelled", GONE;
    /// No complete request head arrived within the client request timeout (5 s); the connection is closed. Answered before any operation.
    RequestTimeout = "request_timeout", REQUEST_TIMEOUT;
    /// The body is larger than 64 KiB.
    PayloadTooLarge = "payload_too_large", PAYLOAD_TOO_LARGE;
    /// The request target (path and query) is longer than 8 KiB. Answered for every path, before any operation.
    UriTooLong = "uri_too_long", URI_TOO_LONG;
    /// The body is not `application/json`.
    UnsupportedMediaType = "unsupported_media_type", UNSUPPORTED_MEDIA_TYPE;
    /// The request head is larger than 128 KiB or has more than 96 headers; the connection is closed. Answered before any operation.
    HeadersTooLarge = "headers_too_large", REQUEST_HEADER_FIELDS_TOO_LARGE;
    /// This `Idempotency-Key` was used within 24 hours for a different request.
    IdempotencyKeyReused = "idempotency_key_reused", UNPROCESSABLE_ENTITY;
    /// Too many writes, joins or interactions (chat posts, questions, votes, reactions, shared resources) by this user or tenant (the server's rate limits); retry after `Retry-After`.
    RateLimited = "rate_limited", TOO_MANY_REQUESTS;
    /// A bug; the request id finds it in the logs.
    InternalError = "internal_error", INTERNAL_SERVER_ERROR;
    /// The video provider failed or could not be reached.
    VideoProviderUnavailable = "video_provider_unavailable", BAD_GATEWAY;
    /// The video provider is rate limiting LiveClass; retry after `Retry-After`.
    VideoProviderRateLimited = "video_provider_rate_limited", SERVICE_UNAVAILABLE;
    /// No `LIVECLASS_SECRETS_KEY` is configured, so webhook signing secrets cannot be stored.
    WebhookSecretsUnavailable = "webhook_secrets_unavailable", SERVICE_UNAVAILABLE;
    /// This provider's webhook secret (`DAILY_WEBHOOK_SECRET` or `ZOOM_WEBHOOK_SECRET`) is not configured, so its deliveries cannot be verified.
    ProviderWebhookNotConfigured = "provider_webhook_not_configured", SERVICE_UNAVAILABLE;
    /// No `LIVECLASS_SECRETS_KEY` is configured, so provider credentials cannot be stored.
    ProviderSecretsUnavailable = "provider_secrets_unavailable", SERVICE_UNAVAILABLE;
    /// The database is unreachable or busy; retry shortly.
    DatabaseUnavailable = "database_unavailable", SERVICE_UNAVAILABLE;
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn wire_names_are_the_serde_names_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(code).expect("serialises");
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert!(seen.insert(code.as_str()), "duplicate code {code}");
        }
    }
}
