//! The chat's repository port.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::model::{DeleteOutcome, MessageKind, MessagePage, NewMessage, PostGuard, PostOutcome};
use crate::ids::{ClassId, MessageId, TenantId, UserId};
use crate::store::RepoError;

/// Stores class chats. Every write appends its class event in the same
/// transaction (`message.posted`, `message.deleted`).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait MessageRepository: Send + Sync {
    /// Posts `message` if, **inside the write**, the class is live and
    /// (for [`PostGuard::Participant`]) the author has an active
    /// participation and was never removed from the class; appends
    /// `message.posted`. **Contract:** positions of a class are 1, 2, 3, …
    /// without gaps, given in commit order (a reader of `after = n` never
    /// skips a message committed later); any outcome but `Posted` writes
    /// nothing.
    async fn post_message(
        &self,
        message: &NewMessage,
        guard: PostGuard,
    ) -> Result<PostOutcome, RepoError>;

    /// The class's messages not deleted, of `kinds` (every kind when
    /// empty), with `position > after`, oldest first, at most `limit`.
    async fn list_messages(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        after: u64,
        limit: u32,
        kinds: &[MessageKind],
    ) -> Result<MessagePage, RepoError>;

    /// Marks the message deleted by `by` at `at` and appends
    /// `message.deleted`, if it exists undeleted in the class and `by` is
    /// its author or `any_author` is set. A message deleted concurrently is
    /// deleted once (one event).
    async fn delete_message(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        id: MessageId,
        by: &UserId,
        any_author: bool,
        at: OffsetDateTime,
    ) -> Result<DeleteOutcome, RepoError>;

    /// Whether `user` has, or had, a participation in the class.
    async fn has_participated(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        user: &UserId,
    ) -> Result<bool, RepoError>;
}
