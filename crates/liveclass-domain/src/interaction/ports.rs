//! The chat's repository port.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::model::{
    DeleteOutcome, Message, MessageKind, MessagePage, NewMessage, PostGuard, PostOutcome,
    QuestionSort, QuestionStatus, UpvoteOutcome,
};
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

    /// The class's questions not deleted, of `status` (any when `None`),
    /// in `sort` order, `limit` from `offset`.
    async fn list_questions(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        status: Option<QuestionStatus>,
        sort: QuestionSort,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<Message>, RepoError>;

    /// Counts `user`'s upvote of the question if, inside the write, the
    /// class accepts them as it would a post (see [`Self::post_message`])
    /// and they have not upvoted it yet, and appends `question.upvoted`.
    /// **Contract:** one upvote per user and question whatever the
    /// concurrency (the database's key decides), and `upvotes` is exactly
    /// the number of upvotes.
    async fn upvote_question(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        id: MessageId,
        user: &UserId,
        guard: PostGuard,
        at: OffsetDateTime,
    ) -> Result<UpvoteOutcome, RepoError>;

    /// Sets the question's status and appends `question.answered`,
    /// `question.dismissed` or `question.reopened`; `None` when there is no
    /// such question undeleted in the class.
    async fn set_question_status(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        id: MessageId,
        status: QuestionStatus,
        at: OffsetDateTime,
    ) -> Result<Option<Message>, RepoError>;

    /// Whether `user` has, or had, a participation in the class.
    async fn has_participated(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        user: &UserId,
    ) -> Result<bool, RepoError>;
}
