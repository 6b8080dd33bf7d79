//! The API's names for the domain's fields.

use liveclass_domain::validation::Field;

/// The JSON (or query) name of a domain field, as a 400 message names it:
/// `maxParticipants: must be between 1 and 500`. The one place where the
/// domain's terms meet the API's.
pub fn json_name(field: Field) -> &'static str {
    match field {
        Field::TenantId => "tenantId",
        Field::IdempotencyKey => "Idempotency-Key",
        Field::UserId => "userId",
        Field::RoomId => "roomId",
        Field::JoinHash => "joinHash",
        Field::Title => "title",
        Field::Description => "description",
        Field::ScheduledAt => "scheduledAt",
        Field::Capacity => "maxParticipants",
        Field::RecordingUrl => "recordingUrl",
        Field::Status => "status",
        Field::Sort => "sort",
        Field::Limit => "limit",
        Field::Offset => "offset",
        Field::From => "from",
        Field::To => "to",
        Field::CourseId => "courseId",
        Field::ScheduleId => "scheduleId",
        Field::CreatedBy => "createdBy",
        Field::TeacherId => "teacherId",
        Field::TimeZone => "timezone",
        Field::StartTime => "startTime",
        Field::Duration => "durationMinutes",
        Field::Frequency => "recurrence.frequency",
        Field::Interval => "recurrence.interval",
        Field::Weekdays => "recurrence.weekdays",
        Field::StartsOn => "startsOn",
        Field::EndsOn => "endsOn",
        Field::OccurrenceDate => "occurrenceDate",
        Field::StartedAt => "startedAt",
        Field::EndedAt => "endedAt",
        Field::After => "after",
        Field::WebhookUrl => "url",
        Field::EventTypes => "eventTypes",
        Field::Visibility => "visibility",
        Field::Level => "grants[].level",
        Field::Grants => "grants",
        Field::ExpiresAt => "grants[].expiresAt",
        Field::Content => "content",
        Field::InteractionType => "type",
        Field::PollOptions => "options",
        Field::AdmissionPolicy => "admissionPolicy",
        Field::RosterUsers => "userIds",
        Field::ProviderKind => "kind",
        Field::ProviderLabel => "label",
        Field::ZoomAccountId => "zoom.accountId",
        Field::ZoomClientId => "zoom.clientId",
        Field::ZoomClientSecret => "zoom.clientSecret",
        Field::DailyApiKey => "daily.apiKey",
        Field::DailyDomain => "daily.domain",
        Field::JitsiAppId => "jitsi.appId",
        Field::JitsiAppSecret => "jitsi.appSecret",
        Field::JitsiDomain => "jitsi.domain",
        Field::ProviderWebhookSecret => "webhookSecret",
        // `Field` is non-exhaustive: a new field shows under its domain name
        // until it is named here.
        other => other.as_str(),
    }
}
