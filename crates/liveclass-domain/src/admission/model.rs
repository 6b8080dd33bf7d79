//! Requests to join and waitlist entries.

use std::fmt;

use time::OffsetDateTime;
use uuid::Uuid;

use crate::ids::{ClassId, ParticipationId, TenantId, UserId};
use crate::validation::{Field, ValidationError};

/// Identifies a request to join a class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(Uuid);

impl RequestId {
    /// The id of this UUID.
    pub const fn from_uuid(id: Uuid) -> Self {
        Self(id)
    }
    /// The UUID.
    pub const fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Where a request to join stands. Only `approved` admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestStatus {
    /// Asked, not decided yet.
    Pending,
    /// A moderator approved it: the user may join.
    Approved,
    /// A moderator rejected it, or withdrew an approval.
    Rejected,
}

impl RequestStatus {
    /// Every status.
    pub const ALL: [Self; 3] = [Self::Pending, Self::Approved, Self::Rejected];

    /// The status's name, as stored and shown.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }

    /// # Errors
    /// Not the name of a status.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == raw)
            .ok_or_else(|| {
                ValidationError::new(Field::Status, "must be pending, approved or rejected")
            })
    }
}

/// A moderator's decision on requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    /// Let them in.
    Approve,
    /// Keep them out; an approved user is removed from the class if present
    /// (the approval is withdrawn).
    Reject,
}

impl Decision {
    /// The status a request has after this decision.
    pub const fn status(self) -> RequestStatus {
        match self {
            Self::Approve => RequestStatus::Approved,
            Self::Reject => RequestStatus::Rejected,
        }
    }
}

/// A user's request to join an `approval` class (one per user and class;
/// asking again returns it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinRequest {
    /// The id.
    pub id: RequestId,
    /// The class's tenant.
    pub tenant_id: TenantId,
    /// The class.
    pub class_id: ClassId,
    /// Who asks.
    pub user_id: UserId,
    /// Their name, from their token when they asked.
    pub user_name: Option<String>,
    /// Where it stands.
    pub status: RequestStatus,
    /// When they asked.
    pub requested_at: OffsetDateTime,
    /// When a moderator last decided, if ever.
    pub decided_at: Option<OffsetDateTime>,
    /// Who decided last, if anyone.
    pub decided_by: Option<UserId>,
}

/// Where a waitlist entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WaitStatus {
    /// In line.
    Waiting,
    /// Took a freed seat (`participation_id`).
    Admitted,
    /// The user left the line.
    Left,
    /// The user was removed from the class, or their approval withdrawn.
    Removed,
    /// The class ended or was cancelled.
    Closed,
}

impl WaitStatus {
    /// Every status.
    pub const ALL: [Self; 5] = [
        Self::Waiting,
        Self::Admitted,
        Self::Left,
        Self::Removed,
        Self::Closed,
    ];

    /// The status's name, as stored and shown.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Admitted => "admitted",
            Self::Left => "left",
            Self::Removed => "removed",
            Self::Closed => "closed",
        }
    }

    /// The status named `raw`, if any.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// A user's place in a class's waitlist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitlistEntry {
    /// The entry's id.
    pub id: Uuid,
    /// The class.
    pub class_id: ClassId,
    /// Who waits.
    pub user_id: UserId,
    /// Their name, from their token when they got in line.
    pub user_name: Option<String>,
    /// Where it stands.
    pub status: WaitStatus,
    /// 1 for the first in line; `None` unless `Waiting`.
    pub position: Option<u64>,
    /// When the user got in line.
    pub entered_at: OffsetDateTime,
    /// When the entry stopped waiting.
    pub resolved_at: Option<OffsetDateTime>,
    /// The participation a freed seat gave them (`Admitted`).
    pub participation_id: Option<ParticipationId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_parse_from_their_names_only() {
        for s in RequestStatus::ALL {
            assert_eq!(RequestStatus::parse(s.as_str()), Ok(s));
        }
        assert_eq!(
            RequestStatus::parse("Approved").unwrap_err().field,
            Field::Status
        );
        for s in WaitStatus::ALL {
            assert_eq!(WaitStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(WaitStatus::parse("queued"), None);
    }

    #[test]
    fn only_an_approval_approves() {
        assert_eq!(Decision::Approve.status(), RequestStatus::Approved);
        assert_eq!(Decision::Reject.status(), RequestStatus::Rejected);
    }
}

/// What became of a removed user at the video provider. The removal (the
/// ban) stands whatever this says: a provider is asked only after it has
/// been stored, and its failure never undoes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProviderEject {
    /// The provider took the user out of the meeting (and, where it can,
    /// keeps them from rejoining it with credentials they still hold).
    Ejected,
    /// The class's provider cannot eject one user (Zoom, Jitsi, none), or
    /// the class's room belongs to another provider than the one
    /// configured: anyone still in the meeting stays until it ends.
    NotSupported,
    /// The provider was asked and failed (logged); the user may still be in
    /// the meeting.
    Failed,
    /// Nobody to eject: the class is not live, the user was not in it, or
    /// the provider no longer has the room.
    NotNeeded,
}

/// A stored removal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    /// The stay the removal ended, if the user was in the class.
    pub ended: Option<crate::class::Participation>,
    /// What became of the user at the video provider.
    pub provider_eject: ProviderEject,
}
