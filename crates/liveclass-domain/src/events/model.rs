//! Events: what happened to a class, with the data a client can act on
//! without another request.

use std::fmt;

use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::class::{LiveClass, Participation};
use crate::ids::{ClassId, TenantId, UserId};
use crate::interaction::{KindCounts, Message, Poll, PollStatus, PostedReaction, Resource};

/// Identifies one event (the outgoing webhook's `webhook-id` too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventId(Uuid);

impl EventId {
    /// A new random id.
    pub fn random() -> Self {
        Self(Uuid::new_v4())
    }
    /// The id of this UUID.
    pub const fn from_uuid(id: Uuid) -> Self {
        Self(id)
    }
    /// The UUID.
    pub const fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

macro_rules! event_types {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)+) => {
        /// What happened. The name (`class.started`, …) is what streams,
        /// replays and webhooks show.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum EventType {
            $($(#[$doc])* $variant,)+
        }

        impl EventType {
            /// Every type, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)+];

            /// The type's name, as stored and shown.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)+
                }
            }
        }
    };
}

event_types! {
    /// A class was created (`data.class`).
    ClassCreated = "class.created",
    /// A class's details changed (`data.class`).
    ClassUpdated = "class.updated",
    /// A class went live (`data.class`).
    ClassStarted = "class.started",
    /// A class ended (`data.class`, `data.attendees`, `data.attendance`:
    /// `provisional` until `attendance.finalized`).
    ClassEnded = "class.ended",
    /// A class's attendance was reconciled with the video provider's own
    /// report and is final (`data.attendance`: the summary).
    AttendanceFinalized = "attendance.finalized",
    /// A class was cancelled (`data.class`).
    ClassCancelled = "class.cancelled",
    /// Someone joined (`data.participation`, `role`, `activeCount`, `capacity`).
    ParticipantJoined = "participant.joined",
    /// Someone left (`data.participation`, `reason`, `activeCount`, `capacity`).
    ParticipantLeft = "participant.left",
    /// A moderator removed a user from the class: banned until it ends
    /// (`data.userId`, `data.removedBy`, `data.wasPresent`).
    ParticipantRemoved = "participant.removed",
    /// A user asked to join an `approval` class (`data.request`).
    JoinRequestCreated = "join_request.created",
    /// A moderator approved a request (`data.request`).
    JoinRequestApproved = "join_request.approved",
    /// A moderator rejected a request or withdrew an approval (`data.request`).
    JoinRequestRejected = "join_request.rejected",
    /// A user got in the waitlist of a full class (`data.entry`).
    WaitlistEntered = "waitlist.entered",
    /// A user left the waitlist (`data.entry`).
    WaitlistLeft = "waitlist.left",
    /// The first in line took a freed seat (`data.entry`, with its
    /// `participationId`; the seat's `participant.joined` follows).
    WaitlistPromoted = "waitlist.promoted",
    /// The recording URL was set (`data.class`, `data.recordingUrl`).
    RecordingSet = "recording.set",
    /// A recording was started (`data.recording`).
    RecordingStarted = "recording.started",
    /// A recording was stopped; the provider prepares its files (`data.recording`).
    RecordingStopped = "recording.stopped",
    /// The provider reported a recording's files ready (`data.recording`);
    /// once per recording.
    RecordingReady = "recording.ready",
    /// A recording failed (`data.recording`, with its `failure`).
    RecordingFailed = "recording.failed",
    /// A recording was deleted (`data.recording`).
    RecordingDeleted = "recording.deleted",
    /// A chat message was posted (`data.message`).
    MessagePosted = "message.posted",
    /// A chat message or question was deleted (`data.message`: its `id`,
    /// `position`, `type`; `data.deletedBy`, `null` for an anonymous
    /// author's own deletion).
    MessageDeleted = "message.deleted",
    /// A question was asked (`data.question`; no author when anonymous).
    QuestionAsked = "question.asked",
    /// A question was upvoted (`data.question`: `id`, `position`,
    /// `upvotes`; never the voter).
    QuestionUpvoted = "question.upvoted",
    /// A moderator marked a question answered (`data.question`).
    QuestionAnswered = "question.answered",
    /// A moderator dismissed a question (`data.question`).
    QuestionDismissed = "question.dismissed",
    /// A moderator opened a question again (`data.question`).
    QuestionReopened = "question.reopened",
    /// A moderator opened a poll (`data.poll`).
    PollOpened = "poll.opened",
    /// A moderator closed a poll (`data.poll`, with the final counts).
    PollClosed = "poll.closed",
    /// Someone voted (`data.poll`: `id`, `counts`, `voters`; never the voter).
    PollVoted = "poll.voted",
    /// Someone reacted (`data.reaction`: `id`, `liveClassId`, `userId`,
    /// `reaction`, `emoji`, `reactedAt`; `data.counts`: per kind
    /// `reaction`, `emoji`, `count` for the class after it; `data.total`).
    ReactionPosted = "reaction.posted",
    /// A moderator shared a resource (`data.resource`).
    ResourceShared = "resource.shared",
    /// A moderator removed a shared resource (`data.resource`).
    ResourceRemoved = "resource.removed",
    /// The host (or a manager) made a user co-host (`data.userId`,
    /// `data.coHosts` after the change, `data.by`).
    CoHostGranted = "co_host.granted",
    /// The host (or a manager) took a user's co-host role back (`data.userId`,
    /// `data.coHosts` after the change, `data.by`).
    CoHostRevoked = "co_host.revoked",
    /// A moderator changed a participant's controls (`data.participant`:
    /// `userId`, `micAllowed`, `cameraAllowed`, `handRaised`,
    /// `handRaisedAt`, `screenSharing`; `data.by`).
    ParticipantUpdated = "participant.updated",
    /// A participant raised their hand (`data.participant`, as above).
    HandRaised = "hand.raised",
    /// A hand was lowered, by its participant or a moderator
    /// (`data.participant`, `data.by`).
    HandLowered = "hand.lowered",
}

impl EventType {
    /// The type named `raw`, if any.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|t| t.as_str() == raw)
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a participation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaveReason {
    /// The user left.
    Left,
    /// The class ended with the user in it.
    ClassEnded,
    /// A moderator removed the user.
    Removed,
    /// A moderator withdrew the user's approval (`approval` classes).
    ApprovalWithdrawn,
}

impl LeaveReason {
    /// The reason's name in `data.reason`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Left => "left",
            Self::ClassEnded => "class_ended",
            Self::Removed => "removed",
            Self::ApprovalWithdrawn => "approval_withdrawn",
        }
    }
}

/// One attendee of an ended class, for `class.ended` (the platform's
/// post-class survey needs nothing else).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendeeSummary {
    /// The user.
    pub user_id: UserId,
    /// The name the user's token carried at their last join.
    pub user_name: Option<String>,
    /// Their first join.
    pub first_joined_at: OffsetDateTime,
    /// Their last leave (every stay is closed once the class ended).
    pub last_left_at: OffsetDateTime,
    /// Seconds present, summed over their stays (stays never overlap).
    pub seconds_present: u64,
}

/// An event to append, built by the constructors below inside the write
/// that makes the change.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    /// The id.
    pub id: EventId,
    /// The class's tenant.
    pub tenant_id: TenantId,
    /// The class.
    pub class_id: ClassId,
    /// What happened.
    pub event_type: EventType,
    /// When it happened.
    pub occurred_at: OffsetDateTime,
    /// The type's data (a JSON object).
    pub data: Value,
}

/// An instant as events show it: RFC 3339 in UTC with microseconds
/// (the precision instants are stored with), e.g. `2030-01-01T09:00:00.000000Z`.
/// The PostgreSQL admission builds the same text (`to_char(…,
/// 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`).
pub fn instant_text(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.microsecond()
    )
}

fn opt_instant(at: Option<OffsetDateTime>) -> Value {
    at.map_or(Value::Null, |at| Value::String(instant_text(at)))
}

/// A class as events show it.
pub fn class_data(class: &LiveClass) -> Value {
    json!({
        "id": class.id.to_string(),
        "tenantId": class.tenant_id.as_str(),
        "title": class.title.as_str(),
        "description": class.description.as_ref().map(|d| d.as_str()),
        "status": class.status.as_str(),
        "roomId": class.room_id.as_str(),
        "createdBy": class.created_by.as_str(),
        "courseId": class.course_id.as_ref().map(|c| c.as_str()),
        "scheduledAt": instant_text(class.scheduled_at),
        "scheduledEnd": opt_instant(class.scheduled_end),
        "startedAt": opt_instant(class.started_at),
        "endedAt": opt_instant(class.ended_at),
        "maxParticipants": class.max_participants.get(),
        "admissionPolicy": class.admission.as_str(),
        "recordingUrl": class.recording_url.as_ref().map(|u| u.as_str()),
    })
}

/// A participation as events show it.
pub fn participation_data(p: &Participation) -> Value {
    json!({
        "id": p.id.to_string(),
        "userId": p.user_id.as_str(),
        "userName": p.user_name,
        "role": p.role.as_str(),
        "joinedAt": instant_text(p.joined_at),
        "leftAt": opt_instant(p.left_at),
    })
}

/// A recording as events show it.
pub fn recording_data(r: &crate::recording::Recording) -> Value {
    json!({
        "id": r.id.to_string(),
        "liveClassId": r.class_id.to_string(),
        "provider": r.provider,
        "status": r.status.as_str(),
        "visibility": r.visibility.as_str(),
        "startedBy": r.started_by.as_ref().map(|u| u.as_str()),
        "startedAt": opt_instant(r.started_at),
        "stoppedAt": opt_instant(r.stopped_at),
        "duration": r.duration_seconds,
        "failure": r.failure,
    })
}

/// A chat message or question as events show it. **The one place** that
/// renders a message for events: an anonymous message's author (id and
/// name) is left out here, so no event can carry it.
pub fn message_data(m: &Message) -> Value {
    let (author_id, author_name) = m
        .shown_author()
        .map_or((None, None), |(id, name)| (Some(id.as_str()), name));
    json!({
        "id": m.id.to_string(),
        "liveClassId": m.class_id.to_string(),
        "position": m.position,
        "type": m.kind.as_str(),
        "authorId": author_id,
        "authorName": author_name,
        "isAnonymous": m.anonymous,
        "status": m.status.map(|s| s.as_str()),
        "upvotes": m.upvotes,
        "content": m.text,
        "postedAt": instant_text(m.posted_at),
    })
}

/// A poll as events show it: never who voted.
pub fn poll_data(p: &Poll) -> Value {
    json!({
        "id": p.id.to_string(),
        "liveClassId": p.class_id.to_string(),
        "question": p.spec.question,
        "options": p.spec.options,
        "multipleChoice": p.spec.multiple,
        "isAnonymous": p.spec.anonymous,
        "status": p.status.as_str(),
        "counts": p.counts,
        "voters": p.voters,
    })
}

/// Reaction counts as events (and the API) show them: per kind, in
/// [`crate::interaction::ReactionKind::ALL`] order, `reaction`, `emoji`,
/// `count`.
pub fn reaction_counts_data(c: &KindCounts) -> Value {
    Value::Array(
        c.0.iter()
            .map(|(k, n)| json!({ "reaction": k.as_str(), "emoji": k.emoji(), "count": n }))
            .collect(),
    )
}

/// A shared resource as events (and the API) show it.
pub fn resource_data(r: &Resource) -> Value {
    json!({
        "id": r.id.to_string(),
        "liveClassId": r.class_id.to_string(),
        "title": r.spec.title,
        "url": r.spec.url,
        "type": r.spec.kind.as_str(),
        "sharedBy": r.shared_by.as_str(),
        "sharedByName": r.shared_by_name,
        "sharedAt": instant_text(r.shared_at),
        "removedAt": opt_instant(r.removed_at),
        "removedBy": r.removed_by.as_ref().map(|u| u.as_str()),
    })
}

impl NewEvent {
    /// `resource.shared` or `resource.removed` (when `removed_at` is set):
    /// `{resource}`.
    pub fn resource_changed(r: &Resource) -> Self {
        let (event_type, at) = match r.removed_at {
            Some(at) => (EventType::ResourceRemoved, at),
            None => (EventType::ResourceShared, r.shared_at),
        };
        Self {
            id: EventId::random(),
            tenant_id: r.tenant_id.clone(),
            class_id: r.class_id,
            event_type,
            occurred_at: at,
            data: json!({ "resource": resource_data(r) }),
        }
    }

    /// `reaction.posted`: `{reaction, counts, total}`, the class's counts
    /// after it.
    pub fn reaction_posted(p: &PostedReaction) -> Self {
        let r = &p.reaction;
        Self {
            id: EventId::random(),
            tenant_id: r.tenant_id.clone(),
            class_id: r.class_id,
            event_type: EventType::ReactionPosted,
            occurred_at: r.reacted_at,
            data: json!({
                "reaction": {
                    "id": r.id.to_string(),
                    "liveClassId": r.class_id.to_string(),
                    "userId": r.user_id.as_str(),
                    "reaction": r.kind.as_str(),
                    "emoji": r.kind.emoji(),
                    "reactedAt": instant_text(r.reacted_at),
                },
                "counts": reaction_counts_data(&p.counts),
                "total": p.counts.total(),
            }),
        }
    }

    /// `poll.opened` or `poll.closed` (after the change): `{poll}`.
    pub fn poll_moved(p: &Poll, at: OffsetDateTime) -> Self {
        let event_type = if p.status == PollStatus::Closed {
            EventType::PollClosed
        } else {
            EventType::PollOpened
        };
        Self {
            id: EventId::random(),
            tenant_id: p.tenant_id.clone(),
            class_id: p.class_id,
            event_type,
            occurred_at: at,
            data: json!({ "poll": poll_data(p) }),
        }
    }

    /// `poll.voted`: `{poll: {id, counts, voters}}`, the counts after the
    /// vote; never who voted.
    pub fn poll_voted(p: &Poll, at: OffsetDateTime) -> Self {
        Self {
            id: EventId::random(),
            tenant_id: p.tenant_id.clone(),
            class_id: p.class_id,
            event_type: EventType::PollVoted,
            occurred_at: at,
            data: json!({ "poll": {
                "id": p.id.to_string(),
                "counts": p.counts,
                "voters": p.voters,
            }}),
        }
    }

    fn of_message(m: &Message, event_type: EventType, at: OffsetDateTime, data: Value) -> Self {
        Self {
            id: EventId::random(),
            tenant_id: m.tenant_id.clone(),
            class_id: m.class_id,
            event_type,
            occurred_at: at,
            data,
        }
    }

    /// `message.posted`: `{message}`.
    pub fn message_posted(m: &Message) -> Self {
        Self::of_message(
            m,
            EventType::MessagePosted,
            m.posted_at,
            json!({ "message": message_data(m) }),
        )
    }

    /// `question.asked`: `{question}` (no author when anonymous).
    pub fn question_asked(m: &Message) -> Self {
        Self::of_message(
            m,
            EventType::QuestionAsked,
            m.posted_at,
            json!({ "question": message_data(m) }),
        )
    }

    /// `question.upvoted`: `{question: {id, position, upvotes}}`, the count
    /// after the upvote; never who voted.
    pub fn question_upvoted(m: &Message, at: OffsetDateTime) -> Self {
        Self::of_message(
            m,
            EventType::QuestionUpvoted,
            at,
            json!({ "question": {
                "id": m.id.to_string(),
                "position": m.position,
                "upvotes": m.upvotes,
            }}),
        )
    }

    /// `question.answered`, `question.dismissed` or `question.reopened`
    /// (after its status): `{question}`.
    pub fn question_status_changed(m: &Message, at: OffsetDateTime) -> Self {
        let event_type = match m.status {
            Some(crate::interaction::QuestionStatus::Answered) => EventType::QuestionAnswered,
            Some(crate::interaction::QuestionStatus::Dismissed) => EventType::QuestionDismissed,
            _ => EventType::QuestionReopened,
        };
        Self::of_message(m, event_type, at, json!({ "question": message_data(m) }))
    }

    /// `message.deleted`: `{message: {id, position, type}, deletedBy}`
    /// (the text is gone with the message; `deletedBy` is `null` when an
    /// anonymous author deleted their own).
    pub fn message_deleted(m: &Message) -> Self {
        Self::of_message(
            m,
            EventType::MessageDeleted,
            m.deleted_at.unwrap_or(m.posted_at),
            json!({
                "message": {
                    "id": m.id.to_string(),
                    "position": m.position,
                    "type": m.kind.as_str(),
                },
                "deletedBy": m
                    .deleted_by
                    .as_ref()
                    .filter(|by| !(m.anonymous && **by == m.author_id))
                    .map(|u| u.as_str()),
            }),
        )
    }

    fn of_class(class: &LiveClass, event_type: EventType, at: OffsetDateTime, data: Value) -> Self {
        Self {
            id: EventId::random(),
            tenant_id: class.tenant_id.clone(),
            class_id: class.id,
            event_type,
            occurred_at: at,
            data,
        }
    }

    /// `class.created`, `class.updated`, `class.started` or
    /// `class.cancelled`: `{class}` as it is after the change.
    pub fn class_changed(class: &LiveClass, event_type: EventType, at: OffsetDateTime) -> Self {
        Self::of_class(class, event_type, at, json!({ "class": class_data(class) }))
    }

    /// `class.ended`: `{class, attendees: [{userId, userName, firstJoinedAt,
    /// lastLeftAt, secondsPresent}]}`.
    pub fn class_ended(class: &LiveClass, attendees: &[AttendeeSummary]) -> Self {
        let at = class.ended_at.unwrap_or(class.updated_at);
        let attendees: Vec<Value> = attendees
            .iter()
            .map(|a| {
                json!({
                    "userId": a.user_id.as_str(),
                    "userName": a.user_name,
                    "firstJoinedAt": instant_text(a.first_joined_at),
                    "lastLeftAt": instant_text(a.last_left_at),
                    "secondsPresent": a.seconds_present,
                })
            })
            .collect();
        Self::of_class(
            class,
            EventType::ClassEnded,
            at,
            json!({
                "class": class_data(class),
                "attendees": attendees,
                // Made final by `attendance.finalized`, once the provider's
                // own report is merged.
                "attendance": "provisional",
            }),
        )
    }

    /// `attendance.finalized`: `{liveClassId, attendance: {state: "final",
    /// providerReport, providerRows, durationSeconds, attended, present,
    /// late, leftEarly, absent}}`.
    pub fn attendance_finalized(
        class: &LiveClass,
        summary: &crate::attendance::AttendanceSummary,
        report: crate::attendance::ProviderReport,
        rows: u32,
        at: OffsetDateTime,
    ) -> Self {
        Self::of_class(
            class,
            EventType::AttendanceFinalized,
            at,
            json!({
                "liveClassId": class.id.to_string(),
                "attendance": {
                    "state": "final",
                    "providerReport": report.as_str(),
                    "providerRows": rows,
                    "durationSeconds": summary.duration_seconds,
                    "attended": summary.attended,
                    "present": summary.present,
                    "late": summary.late,
                    "leftEarly": summary.left_early,
                    "absent": summary.absent,
                },
            }),
        )
    }

    /// `recording.set`: `{class, recordingUrl}`.
    pub fn recording_set(class: &LiveClass, at: OffsetDateTime) -> Self {
        Self::of_class(
            class,
            EventType::RecordingSet,
            at,
            json!({
                "class": class_data(class),
                "recordingUrl": class.recording_url.as_ref().map(|u| u.as_str()),
            }),
        )
    }

    /// `recording.started`, `recording.stopped`, `recording.failed` or
    /// `recording.deleted`: `{recording}` as it is after the change (its
    /// grants left out: they name users the class's members need not know).
    pub fn recording_changed(
        recording: &crate::recording::Recording,
        event_type: EventType,
        at: OffsetDateTime,
    ) -> Self {
        Self {
            id: EventId::random(),
            tenant_id: recording.tenant_id.clone(),
            class_id: recording.class_id,
            event_type,
            occurred_at: at,
            data: json!({ "recording": recording_data(recording) }),
        }
    }

    /// `join_request.created`, `join_request.approved` or
    /// `join_request.rejected`: `{request: {id, userId, userName, status,
    /// requestedAt, decidedAt, decidedBy}}`.
    pub fn join_request(
        r: &crate::admission::JoinRequest,
        event_type: EventType,
        at: OffsetDateTime,
    ) -> Self {
        Self {
            id: EventId::random(),
            tenant_id: r.tenant_id.clone(),
            class_id: r.class_id,
            event_type,
            occurred_at: at,
            data: json!({
                "request": {
                    "id": r.id.to_string(),
                    "userId": r.user_id.as_str(),
                    "userName": r.user_name,
                    "status": r.status.as_str(),
                    "requestedAt": instant_text(r.requested_at),
                    "decidedAt": opt_instant(r.decided_at),
                    "decidedBy": r.decided_by.as_ref().map(UserId::as_str),
                }
            }),
        }
    }

    /// `participant.removed`: `{userId, removedBy, wasPresent}`.
    pub fn participant_removed(
        tenant: &TenantId,
        class_id: ClassId,
        user: &UserId,
        by: &UserId,
        was_present: bool,
        at: OffsetDateTime,
    ) -> Self {
        Self {
            id: EventId::random(),
            tenant_id: tenant.clone(),
            class_id,
            event_type: EventType::ParticipantRemoved,
            occurred_at: at,
            data: json!({
                "userId": user.as_str(),
                "removedBy": by.as_str(),
                "wasPresent": was_present,
            }),
        }
    }

    /// `waitlist.entered`, `waitlist.left` or `waitlist.promoted`:
    /// `{entry: {id, userId, userName, enteredAt}}`, plus `participationId`
    /// for a promotion. (On PostgreSQL, `liveclass_admit` builds
    /// `waitlist.entered` itself with the same data.)
    pub fn waitlist(
        tenant: &TenantId,
        entry: &crate::admission::WaitlistEntry,
        event_type: EventType,
        at: OffsetDateTime,
    ) -> Self {
        let mut data = json!({
            "entry": {
                "id": entry.id.to_string(),
                "userId": entry.user_id.as_str(),
                "userName": entry.user_name,
                "enteredAt": instant_text(entry.entered_at),
            }
        });
        if let Some(p) = entry.participation_id {
            data["participationId"] = Value::String(p.to_string());
        }
        Self {
            id: EventId::random(),
            tenant_id: tenant.clone(),
            class_id: entry.class_id,
            event_type,
            occurred_at: at,
            data,
        }
    }

    /// `participant.joined`: `{participation, role, activeCount, capacity}`.
    /// `activeCount` is `null` here and set when the event is numbered
    /// (see [`count_active`]): counting on the join path would cost every
    /// join a scan of the class's participants.
    pub fn participant_joined(p: &Participation, capacity: u32) -> Self {
        Self {
            id: EventId::random(),
            tenant_id: p.tenant_id.clone(),
            class_id: p.class_id,
            event_type: EventType::ParticipantJoined,
            occurred_at: p.joined_at,
            data: json!({
                "participation": participation_data(p),
                "role": p.role.as_str(),
                "activeCount": null,
                "capacity": capacity,
            }),
        }
    }

    /// `participant.left`: `{participation, reason, activeCount, capacity}`,
    /// `activeCount` set when numbered, like a join's.
    pub fn participant_left(p: &Participation, reason: LeaveReason, capacity: u32) -> Self {
        Self {
            id: EventId::random(),
            tenant_id: p.tenant_id.clone(),
            class_id: p.class_id,
            event_type: EventType::ParticipantLeft,
            occurred_at: p.left_at.unwrap_or(p.joined_at),
            data: json!({
                "participation": participation_data(p),
                "reason": reason.as_str(),
                "activeCount": null,
                "capacity": capacity,
            }),
        }
    }
}

/// A participant's controls as events (and the API) show them.
pub fn participant_controls_data(s: &crate::controls::ParticipantState) -> Value {
    json!({
        "participationId": s.participation.id.to_string(),
        "userId": s.participation.user_id.as_str(),
        "userName": s.participation.user_name,
        "micAllowed": s.controls.mic_allowed,
        "cameraAllowed": s.controls.camera_allowed,
        "handRaised": s.controls.hand_raised(),
        "handRaisedAt": opt_instant(s.controls.hand_raised_at),
        "screenSharing": s.controls.screen_sharing,
    })
}

impl NewEvent {
    /// `co_host.granted` or `co_host.revoked`: `{userId, coHosts, by}`, the
    /// co-hosts as they are after the change.
    pub fn co_host_changed(
        class: &LiveClass,
        user: &UserId,
        change: crate::class::CoHostChange,
        by: &UserId,
        at: OffsetDateTime,
    ) -> Self {
        let event_type = match change {
            crate::class::CoHostChange::Grant => EventType::CoHostGranted,
            crate::class::CoHostChange::Revoke => EventType::CoHostRevoked,
        };
        let co_hosts: Vec<&str> = class.co_hosts.iter().map(UserId::as_str).collect();
        Self::of_class(
            class,
            event_type,
            at,
            json!({ "userId": user.as_str(), "coHosts": co_hosts, "by": by.as_str() }),
        )
    }

    /// The events of a controls change, in order: `participant.updated`
    /// when a permission changed, then `hand.raised` or `hand.lowered`;
    /// each `{participant, by}` with the controls after the change.
    pub fn controls_changed(
        s: &crate::controls::ParticipantState,
        effect: crate::controls::ControlsEffect,
        by: &UserId,
        at: OffsetDateTime,
    ) -> Vec<Self> {
        let data = json!({ "participant": participant_controls_data(s), "by": by.as_str() });
        let types = [
            (
                effect.permissions_changed || effect.sharing_changed,
                EventType::ParticipantUpdated,
            ),
            (effect.hand_raised, EventType::HandRaised),
            (effect.hand_lowered, EventType::HandLowered),
        ];
        types
            .into_iter()
            .filter(|(happened, _)| *happened)
            .map(|(_, event_type)| Self {
                id: EventId::random(),
                tenant_id: s.participation.tenant_id.clone(),
                class_id: s.participation.class_id,
                event_type,
                occurred_at: at,
                data: data.clone(),
            })
            .collect()
    }
}

/// The class's active count along its log, applied to each event as it is
/// numbered: a join adds one, a leave takes one, a start or an end resets
/// it to 0 (an end's leaves come before it). `active` is the count before
/// the event and becomes the count after it; a participant event gets it as
/// `data.activeCount`. Every join and leave has exactly one event, so along
/// the log's order (a valid order of the class's history) the count is
/// exact. Returns whether `data` changed.
pub fn count_active(event_type: EventType, data: &mut Value, active: &mut u64) -> bool {
    match event_type {
        EventType::ParticipantJoined => *active += 1,
        EventType::ParticipantLeft => *active = active.saturating_sub(1),
        EventType::ClassStarted | EventType::ClassEnded => {
            *active = 0;
            return false;
        }
        _ => return false,
    }
    match data.as_object_mut() {
        Some(object) => {
            object.insert("activeCount".into(), Value::from(*active));
            true
        }
        None => false,
    }
}

/// A stored event with its place in its class's log.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassEvent {
    /// Its place in the class's log: 1, 2, 3, … without gaps.
    pub seq: u64,
    /// The id.
    pub id: EventId,
    /// The class's tenant.
    pub tenant_id: TenantId,
    /// The class.
    pub class_id: ClassId,
    /// What happened.
    pub event_type: EventType,
    /// When it happened.
    pub occurred_at: OffsetDateTime,
    /// The type's data.
    pub data: Value,
}

/// Events of one class after a sequence number.
#[derive(Debug, Clone, PartialEq)]
pub struct EventPage {
    /// Events with `seq > after`, in order, at most `limit`.
    pub events: Vec<ClassEvent>,
    /// The last sequence number the class's log has reached (0: none yet).
    pub last_seq: u64,
    /// Events after `after` were pruned: the reader missed some and should
    /// reload the class; `events` starts at the oldest one kept.
    pub reset: bool,
}

/// A class whose log grew in a sequencer pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sequenced {
    /// The tenant.
    pub tenant_id: TenantId,
    /// The class.
    pub class_id: ClassId,
    /// Its last sequence number now.
    pub last_seq: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn instants_show_as_utc_with_microseconds() {
        assert_eq!(
            instant_text(datetime!(2030-01-01 10:00:00.5 +01:00)),
            "2030-01-01T09:00:00.500000Z"
        );
    }

    #[test]
    fn the_active_count_follows_joins_and_leaves_along_the_log() {
        let mut active = 0;
        let mut joined = json!({"activeCount": null});
        assert!(count_active(
            EventType::ParticipantJoined,
            &mut joined,
            &mut active
        ));
        assert_eq!(joined["activeCount"], 1);
        let mut again = json!({"activeCount": null});
        count_active(EventType::ParticipantJoined, &mut again, &mut active);
        assert_eq!(again["activeCount"], 2);
        let mut left = json!({"activeCount": null});
        count_active(EventType::ParticipantLeft, &mut left, &mut active);
        assert_eq!((left["activeCount"].clone(), active), (json!(1), 1));
        let mut ended = json!({});
        assert!(!count_active(
            EventType::ClassEnded,
            &mut ended,
            &mut active
        ));
        assert_eq!((ended, active), (json!({}), 0));
    }

    #[test]
    fn every_event_type_parses_back_from_its_name() {
        for t in EventType::ALL {
            assert_eq!(EventType::parse(t.as_str()), Some(*t));
        }
        assert_eq!(EventType::parse("class.exploded"), None);
    }
}
