//! Recordings, their statuses, and the access rules.

use std::fmt;

use time::OffsetDateTime;
use uuid::Uuid;

use crate::caller::{Caller, Role};
use crate::class::LiveClass;
use crate::ids::{ClassId, TenantId, UserId};
use crate::validation::{Field, ValidationError};

/// Identifies a recording. The `external` recording of a class (its seed-000
/// URL) has the class's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordingId(Uuid);

impl RecordingId {
    /// The id of this UUID.
    pub const fn from_uuid(id: Uuid) -> Self {
        Self(id)
    }
    /// The UUID.
    pub const fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl fmt::Display for RecordingId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

macro_rules! named_enum {
    ($(#[$doc:meta])* $name:ident, $field:expr, { $($(#[$vdoc:meta])* $variant:ident = $wire:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)+];

            /// The name, as stored and shown.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $wire,)+
                }
            }

            /// # Errors
            /// Any other name.
            pub fn parse(raw: &str) -> Result<Self, ValidationError> {
                Self::ALL.iter().copied().find(|v| v.as_str() == raw).ok_or_else(|| {
                    let names: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                    ValidationError::new($field, format!("must be one of {} (got `{raw}`)", names.join(", ")))
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

named_enum!(
    /// Where a recording is in its life.
    RecordingStatus, Field::Status, {
        /// Asked of the provider; not confirmed yet.
        Starting = "starting",
        /// The provider confirmed it is recording.
        Recording = "recording",
        /// Stopped; the provider is preparing the files.
        Processing = "processing",
        /// The files are available.
        Ready = "ready",
        /// The provider reported an error.
        Failed = "failed",
        /// Deleted (here, and at the provider).
        Deleted = "deleted",
    }
);

impl RecordingStatus {
    /// Still running: at most one per class.
    pub const fn is_running(self) -> bool {
        matches!(self, Self::Starting | Self::Recording)
    }
}

named_enum!(
    /// Who may see a recording besides its class's creator and org admins.
    Visibility, Field::Visibility, {
        /// Only the class's creator and organisation admins (and grants).
        Private = "private",
        /// Those who were admitted to the class.
        Participants = "participants",
        /// Everyone in the tenant.
        Tenant = "tenant",
        /// Anyone holding a link.
        Public = "public",
    }
);

impl Visibility {
    /// A recording's visibility until someone changes it: the tenant default.
    pub const DEFAULT: Self = Self::Participants;
}

named_enum!(
    /// What a recording file holds.
    FileKind, Field::Status, {
        /// A video (one view of the meeting).
        Video = "video",
        /// Audio only.
        Audio = "audio",
        /// A transcript or captions.
        Transcript = "transcript",
        /// The chat.
        Chat = "chat",
        /// Anything else the provider makes.
        Other = "other",
    }
);

/// One file of a recording, as its provider reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingFile {
    /// The provider's id of the file.
    pub provider_file_id: String,
    /// What it holds.
    pub kind: FileKind,
    /// The provider's own kind (Zoom's `shared_screen_with_speaker_view`, …).
    pub recording_type: Option<String>,
    /// Its format (`mp4`, `m4a`, `vtt`, …).
    pub format: Option<String>,
    /// Its size in bytes.
    pub size_bytes: Option<u64>,
    /// When it starts.
    pub started_at: Option<OffsetDateTime>,
    /// When it ends.
    pub ended_at: Option<OffsetDateTime>,
}

named_enum!(
    /// What a grant allows.
    AccessLevel, Field::Level, {
        /// Watch it.
        View = "view",
        /// Watch and download it.
        Download = "download",
    }
);

/// Access given to one named user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The user.
    pub user_id: UserId,
    /// What they may do.
    pub level: AccessLevel,
    /// When the grant lapses, if it does.
    pub expires_at: Option<OffsetDateTime>,
}

impl Grant {
    /// Whether the grant still holds at `now`.
    pub fn holds_at(&self, now: OffsetDateTime) -> bool {
        self.expires_at.is_none_or(|e| e > now)
    }
}

/// A recording of a class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recording {
    /// The id.
    pub id: RecordingId,
    /// The tenant.
    pub tenant_id: TenantId,
    /// The class recorded.
    pub class_id: ClassId,
    /// The provider that records it (`daily`, `zoom`, …), or `external` for
    /// a class's seed-000 recording URL.
    pub provider: String,
    /// The provider's id for it, once known.
    pub provider_recording_id: Option<String>,
    /// Where it is in its life.
    pub status: RecordingStatus,
    /// Who may see it.
    pub visibility: Visibility,
    /// Who started it (none for external and provider-initiated recordings).
    pub started_by: Option<UserId>,
    /// When it started.
    pub started_at: Option<OffsetDateTime>,
    /// When it stopped.
    pub stopped_at: Option<OffsetDateTime>,
    /// Its length in seconds, as the provider reported it (or stop − start).
    pub duration_seconds: Option<u64>,
    /// Why it failed, when it did.
    pub failure: Option<String>,
    /// The seed-000 URL of an `external` recording.
    pub external_url: Option<String>,
    /// Grants to named users.
    pub grants: Vec<Grant>,
    /// Its files, once the provider reported them (Zoom does).
    pub files: Vec<RecordingFile>,
    /// When it was created.
    pub created_at: OffsetDateTime,
    /// When it last changed.
    pub updated_at: OffsetDateTime,
}

impl Recording {
    /// The provider name of a seed-000 recording URL.
    pub const EXTERNAL: &'static str = "external";

    /// The class's seed-000 recording URL as an `external` recording (with
    /// the class's id), if it has one: ready, visible to the tenant (the URL
    /// is on the class, which every member of the tenant may read).
    pub fn external(class: &LiveClass) -> Option<Self> {
        let url = class.recording_url.as_ref()?;
        Some(Self {
            id: RecordingId::from_uuid(class.id.as_uuid()),
            tenant_id: class.tenant_id.clone(),
            class_id: class.id,
            provider: Self::EXTERNAL.to_owned(),
            provider_recording_id: None,
            status: RecordingStatus::Ready,
            visibility: Visibility::Tenant,
            started_by: None,
            started_at: class.started_at,
            stopped_at: class.ended_at,
            duration_seconds: None,
            failure: None,
            external_url: Some(url.as_str().to_owned()),
            grants: Vec::new(),
            files: Vec::new(),
            created_at: class.updated_at,
            updated_at: class.updated_at,
        })
    }

    /// Whether this is a class's seed-000 URL.
    pub fn is_external(&self) -> bool {
        self.provider == Self::EXTERNAL
    }
}

/// What one caller may do with one recording.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Access {
    /// See it and watch it.
    pub can_access: bool,
    /// Download it.
    pub can_download: bool,
    /// Change its access and delete it.
    pub can_manage: bool,
}

/// What the rules need to know about the caller and the class.
#[derive(Debug, Clone, Copy)]
pub struct AccessContext<'a> {
    /// The caller.
    pub caller: &'a Caller,
    /// The class's creator.
    pub class_creator: &'a UserId,
    /// Whether the caller was ever admitted to the class.
    pub participated: bool,
    /// Now, for grant expiry.
    pub now: OffsetDateTime,
}

/// The access rules. The class's creator and organisation admins manage a
/// recording and may download it. Others may watch it when its visibility
/// lets them (`participants`: admitted to the class at some point;
/// `tenant` and `public`: anyone in the tenant) or a grant does; only a
/// `download` grant lets them download. A grant past its expiry counts for
/// nothing. Deleted recordings are accessible to nobody.
pub fn access(recording: &Recording, ctx: AccessContext<'_>) -> Access {
    if recording.status == RecordingStatus::Deleted {
        return Access::default();
    }
    let manager =
        ctx.caller.user_id == *ctx.class_creator || ctx.caller.roles.contains(&Role::OrgAdmin);
    if manager {
        return Access {
            can_access: true,
            can_download: true,
            can_manage: true,
        };
    }
    let by_visibility = match recording.visibility {
        Visibility::Private => false,
        Visibility::Participants => ctx.participated,
        Visibility::Tenant | Visibility::Public => true,
    };
    let grant = recording
        .grants
        .iter()
        .find(|g| g.user_id == ctx.caller.user_id && g.holds_at(ctx.now))
        .map(|g| g.level);
    Access {
        can_access: by_visibility || grant.is_some(),
        can_download: grant == Some(AccessLevel::Download),
        can_manage: false,
    }
}
