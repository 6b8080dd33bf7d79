//! Unread counts: each user marks how far they have read a class's chat
//! (the last position seen, [`super::Message::position`]); the mark only
//! moves forward (an older position leaves it as it is, whatever the order
//! concurrent marks arrive in) and never past the chat's last message. A
//! class's unread count for a user is the number of its undeleted chat
//! messages and questions by others with a larger position.
//!
//! Marking is open to those who may read the chat (moderators, anyone who
//! is or was in the class). It is the user's own state, not a change to the
//! class: no class event records it (the class's log is readable by the
//! whole tenant, which has no business knowing who read what).

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::ids::{ClassId, MessageId, TenantId, UserId};
use crate::store::RepoError;
use crate::validation::{Field, ValidationError};

/// The position a user says they have read up to, as sent.
///
/// # Errors
/// Negative.
pub fn read_position(raw: i64) -> Result<u64, ValidationError> {
    u64::try_from(raw)
        .map_err(|_| ValidationError::new(Field::LastReadPosition, "must be 0 or more"))
}

/// How far a user has read: a position, or a message (its position).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadUpTo {
    /// Up to this position.
    Position(u64),
    /// Up to this message of the class (deleted or not).
    Message(MessageId),
}

/// Stores read marks and counts unread messages.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ReadRepository: Send + Sync {
    /// Moves `user`'s mark in the class forward to `up_to` (capped at the
    /// chat's last position); answers the mark after it, or `None` when
    /// `up_to` names a message the class does not have.
    /// **Contract:** the mark never moves backwards, whatever the
    /// concurrency.
    async fn mark_read(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        user: &UserId,
        up_to: ReadUpTo,
        at: OffsetDateTime,
    ) -> Result<Option<u64>, RepoError>;

    /// `user`'s unread count in each of `classes` (one query, whatever
    /// their number); classes without unread messages are left out.
    async fn unread_counts(
        &self,
        tenant: &TenantId,
        user: &UserId,
        classes: &[ClassId],
    ) -> Result<Vec<(ClassId, u64)>, RepoError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_position_is_zero_or_more() {
        assert_eq!(read_position(0), Ok(0));
        assert_eq!(read_position(42), Ok(42));
        assert_eq!(
            read_position(-1).unwrap_err().field,
            Field::LastReadPosition
        );
    }
}
