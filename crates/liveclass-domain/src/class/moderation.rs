//! Who runs a class: its host (the creator), the co-hosts the host named,
//! and the tenant's managers. **[`is_moderator`] is the one function that
//! decides who moderates** (chat, questions, polls, participant controls);
//! it reads only the caller and the class as loaded (the co-hosts are stored
//! on the class row), so it never costs a query of its own.

use super::model::{ClassStatus, LiveClass};
use crate::caller::Caller;
use crate::ids::UserId;

/// Whether `caller` moderates `class`: its host (creator), one of its
/// co-hosts, or a manager of its tenant (`training_manager`, `org_admin`;
/// the caller is already known to be of the class's tenant).
pub fn is_moderator(caller: &Caller, class: &LiveClass) -> bool {
    class.is_creator(&caller.user_id)
        || class.is_co_host(&caller.user_id)
        || caller.can_manage_classes()
}

/// Whether `caller` may name co-hosts of `class` and take them back: its
/// host or a manager of its tenant. A co-host may not (nor end or cancel
/// the class: those stay the creator's, see `check_transition`).
pub fn may_name_co_hosts(caller: &Caller, class: &LiveClass) -> bool {
    class.is_creator(&caller.user_id) || caller.can_manage_classes()
}

/// Grant or revoke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoHostChange {
    /// Make the user a co-host.
    Grant,
    /// Take it back.
    Revoke,
}

/// Why a co-host change cannot be made to a class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CoHostRefusal {
    /// The class has ended or was cancelled (its status).
    #[error("Co-hosts cannot change once the class is {0}")]
    Finished(ClassStatus),
    /// The user is the class's host already.
    #[error("The class's creator is its host and cannot be made a co-host")]
    IsHost,
    /// The class has [`LiveClass::MAX_CO_HOSTS`] co-hosts already.
    #[error("A class has at most {} co-hosts", LiveClass::MAX_CO_HOSTS)]
    TooMany,
}

impl LiveClass {
    /// The most co-hosts a class has.
    pub const MAX_CO_HOSTS: usize = 20;

    /// Whether `user` is one of the class's co-hosts.
    pub fn is_co_host(&self, user: &UserId) -> bool {
        self.co_hosts.contains(user)
    }

    /// The co-hosts after `change` for `user`: `Ok(None)` when nothing
    /// changes (granting to a co-host, revoking from a non-co-host, both
    /// idempotent), `Ok(Some(list))` with the new list (in the order they
    /// were named), or why not. Revoking is allowed on a finished class only
    /// when there is nothing to revoke (idempotent), never otherwise.
    ///
    /// # Errors
    /// See [`CoHostRefusal`].
    pub fn co_hosts_after(
        &self,
        user: &UserId,
        change: CoHostChange,
    ) -> Result<Option<Vec<UserId>>, CoHostRefusal> {
        let present = self.is_co_host(user);
        match change {
            CoHostChange::Grant if self.is_creator(user) => Err(CoHostRefusal::IsHost),
            CoHostChange::Grant if present => Ok(None),
            CoHostChange::Revoke if !present => Ok(None),
            _ if matches!(self.status, ClassStatus::Ended | ClassStatus::Cancelled) => {
                Err(CoHostRefusal::Finished(self.status))
            }
            CoHostChange::Grant if self.co_hosts.len() >= Self::MAX_CO_HOSTS => {
                Err(CoHostRefusal::TooMany)
            }
            CoHostChange::Grant => {
                let mut next = self.co_hosts.clone();
                next.push(user.clone());
                Ok(Some(next))
            }
            CoHostChange::Revoke => Ok(Some(
                self.co_hosts
                    .iter()
                    .filter(|u| *u != user)
                    .cloned()
                    .collect(),
            )),
        }
    }
}
