//! A user's stay in a class, from join to leave. A rejoin after leaving is a
//! new participation; at most one per user and class is active (no `left_at`).

use std::fmt;

use time::OffsetDateTime;

use crate::ids::{ClassId, ParticipationId, TenantId, UserId};

/// The creator joins as `Teacher`, everyone else as `Participant`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParticipantRole {
    /// The class's creator: host rights where the provider has them.
    Teacher,
    /// Anyone else.
    Participant,
}

impl ParticipantRole {
    /// The role's name, as stored and shown.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Teacher => "teacher",
            Self::Participant => "participant",
        }
    }

    /// The role named `raw`, if any.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "teacher" => Some(Self::Teacher),
            "participant" => Some(Self::Participant),
            _ => None,
        }
    }
}

impl fmt::Display for ParticipantRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One stay of one user in one class: from a join to a leave (or the class's end).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participation {
    /// The id.
    pub id: ParticipationId,
    /// The class.
    pub class_id: ClassId,
    /// The tenant.
    pub tenant_id: TenantId,
    /// The user.
    pub user_id: UserId,
    /// The display name the user's token carried when they joined.
    pub user_name: Option<String>,
    /// Teacher or participant.
    pub role: ParticipantRole,
    /// When the user joined.
    pub joined_at: OffsetDateTime,
    /// When the user left; `None` while in the class.
    pub left_at: Option<OffsetDateTime>,
}

impl Participation {
    /// Whether the user is in the class now (no `left_at`).
    pub fn is_active(&self) -> bool {
        self.left_at.is_none()
    }
}
