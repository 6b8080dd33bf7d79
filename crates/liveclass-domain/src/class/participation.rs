//! A user's stay in a class, from join to leave. A rejoin after leaving is a
//! new participation; at most one per user and class is active (no `left_at`).

use std::fmt;

use time::OffsetDateTime;

use crate::ids::{ClassId, ParticipationId, TenantId, UserId};

/// The creator joins as `Teacher`, everyone else as `Participant`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParticipantRole {
    Teacher,
    Participant,
}

impl ParticipantRole {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Teacher => "teacher",
            Self::Participant => "participant",
        }
    }

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participation {
    pub id: ParticipationId,
    pub class_id: ClassId,
    pub tenant_id: TenantId,
    pub user_id: UserId,
    /// The display name the user's token carried when they joined.
    pub user_name: Option<String>,
    pub role: ParticipantRole,
    pub joined_at: OffsetDateTime,
    pub left_at: Option<OffsetDateTime>,
}

impl Participation {
    pub fn is_active(&self) -> bool {
        self.left_at.is_none()
    }
}
