//! Who is asking: the authenticated caller, as the HTTP layer extracted it
//! from a verified token.

use crate::ids::{TenantId, UserId};

/// A role from the caller's token. Unknown roles are kept, not rejected, so an
/// identity provider may send roles LiveClass does not use.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Role {
    /// Manages classes and schedules.
    TrainingManager,
    /// Administers the organisation; manages classes too.
    OrgAdmin,
    /// Any other role, kept as given.
    Other(String),
}

impl Role {
    /// The role named `raw` in a token.
    pub fn parse(raw: &str) -> Self {
        match raw {
            "training_manager" => Self::TrainingManager,
            "org_admin" => Self::OrgAdmin,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The role's name, as tokens spell it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::TrainingManager => "training_manager",
            Self::OrgAdmin => "org_admin",
            Self::Other(other) => other,
        }
    }
}

/// An authenticated user acting inside one tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The user.
    pub user_id: UserId,
    /// The tenant.
    pub tenant_id: TenantId,
    /// The caller's roles.
    pub roles: Vec<Role>,
    /// Display name, when the token carries one.
    pub name: Option<String>,
}

impl Caller {
    /// Training managers and organisation admins create classes and set
    /// recordings.
    pub fn can_manage_classes(&self) -> bool {
        self.roles
            .iter()
            .any(|r| matches!(r, Role::TrainingManager | Role::OrgAdmin))
    }
}
