//! Provider deliveries as stored, and what they mean for LiveClass.

use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::ids::{ClassId, TenantId, UserId};

/// The most deliveries one list returns.
pub const MAX_LIST_LIMIT: u32 = 200;

/// Where a stored delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProviderEventStatus {
    /// Stored, not yet handled (or handled and failed with retries left:
    /// `last_error` says why, and it is due again later).
    Received,
    /// Handled: its effect is applied (or was already there).
    Processed,
    /// Handled, with nothing to do: an event type LiveClass does not act
    /// on, a meeting no class owns, a participant not mapped to a user.
    Ignored,
    /// Could not be handled: the body does not decode, or every retry
    /// failed. `POST /provider-events/{id}/reprocess` tries again.
    Failed,
}

impl ProviderEventStatus {
    /// Every status.
    pub const ALL: [Self; 4] = [Self::Received, Self::Processed, Self::Ignored, Self::Failed];

    /// The status as stored and shown.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Processed => "processed",
            Self::Ignored => "ignored",
            Self::Failed => "failed",
        }
    }

    /// The status named `raw`, if any.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// A verified delivery, as the webhook endpoint stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingProviderEvent {
    /// `daily` or `zoom`.
    pub provider: String,
    /// The delivery's identity at the provider, the deduplication key:
    /// Daily's envelope `id`; for Zoom (which sends none) a hash of the
    /// event's type, time and payload (see the HTTP adapter).
    pub external_id: String,
    /// The provider's event type (`participant.joined`, `meeting.ended`, …).
    pub event_type: String,
    /// The raw body, as verified.
    pub body: String,
    /// When LiveClass received it.
    pub received_at: OffsetDateTime,
}

/// What storing a delivery did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiveOutcome {
    /// Stored for processing.
    Stored(Uuid),
    /// The provider sent this delivery before: the stored one stands.
    Duplicate(Uuid),
}

/// A stored delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderEvent {
    /// LiveClass's id of the delivery.
    pub id: Uuid,
    /// `daily` or `zoom`.
    pub provider: String,
    /// The deduplication key (see [`IncomingProviderEvent::external_id`]).
    pub external_id: String,
    /// The provider's event type.
    pub event_type: String,
    /// The raw body.
    pub body: String,
    /// When it was received.
    pub received_at: OffsetDateTime,
    /// Where it stands.
    pub status: ProviderEventStatus,
    /// Processing attempts so far.
    pub attempts: u32,
    /// Why the last attempt failed, or why it was ignored.
    pub last_error: Option<String>,
    /// When it was last handled.
    pub processed_at: Option<OffsetDateTime>,
    /// The tenant of the class it maps to, once known.
    pub tenant_id: Option<TenantId>,
    /// The class it maps to, once known.
    pub class_id: Option<ClassId>,
}

/// A provider's room, as a class stores it (`video_provider`,
/// `video_room_ref`): Daily's room name, Zoom's meeting id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomRef {
    /// `daily` or `zoom`.
    pub provider: String,
    /// The room's id at the provider.
    pub external_id: String,
}

/// One participant's presence in the provider's meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRef {
    /// The provider's key of this presence: Daily's `session_id` (one per
    /// join); Zoom's participant `id` (else its `user_id`), which its
    /// sharing events carry too.
    pub key: String,
    /// The provider's copy of a LiveClass user key, when the join carried
    /// one: the `user_id` of a Daily meeting token, Zoom's `customer_key`.
    pub user_hint: Option<String>,
    /// The name shown in the meeting.
    pub name: Option<String>,
}

/// What a delivery means, provider-neutrally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderSignal {
    /// The meeting started.
    MeetingStarted {
        /// The room.
        room: RoomRef,
        /// When.
        at: OffsetDateTime,
    },
    /// The meeting ended.
    MeetingEnded {
        /// The room.
        room: RoomRef,
        /// When.
        at: OffsetDateTime,
    },
    /// Someone joined the meeting.
    ParticipantJoined {
        /// The room.
        room: RoomRef,
        /// Who, as the provider knows them.
        session: SessionRef,
        /// When.
        at: OffsetDateTime,
    },
    /// Someone left the meeting.
    ParticipantLeft {
        /// The room.
        room: RoomRef,
        /// Who, as the provider knows them.
        session: SessionRef,
        /// When they had joined, when the leave says so (Daily's does): a
        /// leave whose join was never delivered still makes a whole stay.
        joined: Option<OffsetDateTime>,
        /// When.
        at: OffsetDateTime,
    },
    /// Someone started or stopped sharing their screen.
    Sharing {
        /// The room.
        room: RoomRef,
        /// The sharer's session key (see [`SessionRef::key`]).
        session_key: String,
        /// Started (`true`) or ended.
        sharing: bool,
        /// When.
        at: OffsetDateTime,
    },
    /// The provider's files of a recording are ready.
    RecordingReady {
        /// The room.
        room: RoomRef,
        /// The provider's id of the recording.
        recording_id: String,
        /// When it started, if the provider says.
        started: Option<OffsetDateTime>,
        /// Its length in seconds, if the provider says.
        duration_seconds: Option<i64>,
        /// Its files, if the provider lists them.
        files: Vec<crate::recording::RecordingFile>,
        /// When the provider reported it.
        at: OffsetDateTime,
    },
    /// A recording failed at the provider.
    RecordingFailed {
        /// The room.
        room: RoomRef,
        /// The provider's id of the recording, when the report names it.
        recording_id: Option<String>,
        /// The provider's reason.
        reason: String,
        /// When the provider reported it.
        at: OffsetDateTime,
    },
    /// An event type LiveClass does not act on (yet): stored, then ignored.
    Unhandled,
}

impl ProviderSignal {
    /// The room the signal is about, `None` for [`Self::Unhandled`].
    pub const fn room(&self) -> Option<&RoomRef> {
        match self {
            Self::MeetingStarted { room, .. }
            | Self::MeetingEnded { room, .. }
            | Self::ParticipantJoined { room, .. }
            | Self::ParticipantLeft { room, .. }
            | Self::Sharing { room, .. }
            | Self::RecordingReady { room, .. }
            | Self::RecordingFailed { room, .. } => Some(room),
            Self::Unhandled => None,
        }
    }
}

/// A provider session as stored: the raw material of provider attendance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderSession {
    /// The class.
    pub class_id: ClassId,
    /// The tenant.
    pub tenant_id: TenantId,
    /// `daily` or `zoom`.
    pub provider: String,
    /// The provider's session key.
    pub key: String,
    /// The LiveClass user, when the session is mapped to one.
    pub user_id: Option<UserId>,
    /// The name shown in the meeting.
    pub name: Option<String>,
    /// When it joined (the earliest join seen under this key).
    pub joined_at: Option<OffsetDateTime>,
    /// When it left (the latest leave seen under this key).
    pub left_at: Option<OffsetDateTime>,
}

/// What handling a delivery did, recorded as its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// Applied (or already in place); the class it concerned.
    Processed {
        /// The class's tenant.
        tenant_id: TenantId,
        /// The class.
        class_id: ClassId,
    },
    /// Nothing to do, and why; the class when one was found.
    Ignored {
        /// Why.
        reason: String,
        /// The class, when the delivery mapped to one.
        class: Option<(TenantId, ClassId)>,
    },
}

/// How the worker retries deliveries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProviderEventPolicy {
    /// How long a claimed delivery belongs to its claimer.
    pub lease: Duration,
    /// Deliveries handled per run.
    pub batch: u32,
    /// The delay after the first failure; it doubles per attempt.
    pub first_delay: Duration,
    /// The longest delay between attempts.
    pub max_delay: Duration,
    /// After this many failed attempts a delivery is `failed`.
    pub max_attempts: u32,
}

impl Default for ProviderEventPolicy {
    fn default() -> Self {
        // Handling is a few statements: a 50-delivery batch fits well inside
        // a minute's lease. Ten attempts from 5 s doubling reach ~40 min:
        // a database outage longer than that needs a person (reprocess).
        Self {
            lease: Duration::minutes(1),
            batch: 50,
            first_delay: Duration::seconds(5),
            max_delay: Duration::minutes(30),
            max_attempts: 10,
        }
    }
}

impl ProviderEventPolicy {
    /// The wait before attempt `attempts + 1`: `first_delay · 2^(attempts-1)`,
    /// at most `max_delay`.
    pub fn delay_after(&self, attempts: u32) -> Duration {
        crate::instant::doubling_delay(self.first_delay, self.max_delay, attempts)
    }
}

/// What one run of the worker did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProviderEventReport {
    /// Deliveries applied.
    pub processed: u32,
    /// Deliveries with nothing to do.
    pub ignored: u32,
    /// Deliveries that failed and will be retried.
    pub retried: u32,
    /// Deliveries that failed for good.
    pub failed: u32,
}
