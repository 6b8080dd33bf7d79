//! The chat's use cases.

use std::sync::Arc;

use async_trait::async_trait;

use super::errors::{DeleteMessageError, ListMessagesError, PostMessageError};
use super::model::{
    DeleteOutcome, Message, MessageKind, MessagePage, MessageText, NewMessage, PostGuard,
    PostOutcome, is_moderator,
};
use super::ports::MessageRepository;
use crate::caller::Caller;
use crate::class::{ClassRepository, ClassStatus, LiveClass};
use crate::clock::Clock;
use crate::ids::{ClassId, IdGenerator, MessageId};
use crate::store::RepoError;
use crate::validation::{Field, ValidationError};

/// A request for a page of a chat, as sent (checked by the service).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageQuery {
    /// Messages after this position; default 0 (from the first).
    pub after: Option<i64>,
    /// At most this many, 1 to 100; default 50 (seed 003's page).
    pub limit: Option<i64>,
    /// Only these kinds; empty: every kind.
    pub kinds: Vec<MessageKind>,
}

impl MessageQuery {
    /// The default page size.
    pub const DEFAULT_LIMIT: u32 = 50;
    /// The largest page.
    pub const MAX_LIMIT: u32 = 100;

    fn window(&self) -> Result<(u64, u32), ValidationError> {
        let after = u64::try_from(self.after.unwrap_or(0))
            .map_err(|_| ValidationError::new(Field::After, "must be 0 or more"))?;
        let limit = self.limit.unwrap_or(i64::from(Self::DEFAULT_LIMIT));
        let limit = u32::try_from(limit)
            .ok()
            .filter(|l| (1..=Self::MAX_LIMIT).contains(l))
            .ok_or_else(|| {
                ValidationError::new(
                    Field::Limit,
                    format!("must be between 1 and {}", Self::MAX_LIMIT),
                )
            })?;
        Ok((after, limit))
    }
}

/// In-class interaction: what the HTTP layer calls. See the module docs
/// for who may do what.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait Interactions: Send + Sync {
    /// Posts a chat message to a live class.
    async fn post_message(
        &self,
        caller: &Caller,
        class_id: ClassId,
        text: MessageText,
    ) -> Result<Message, PostMessageError>;

    /// A page of the class's chat.
    async fn list_messages(
        &self,
        caller: &Caller,
        class_id: ClassId,
        query: MessageQuery,
    ) -> Result<MessagePage, ListMessagesError>;

    /// Deletes a message: its author, or a moderator of the class.
    async fn delete_message(
        &self,
        caller: &Caller,
        class_id: ClassId,
        id: MessageId,
    ) -> Result<Message, DeleteMessageError>;
}

/// The implementation of [`Interactions`].
pub struct InteractionService {
    classes: Arc<dyn ClassRepository>,
    messages: Arc<dyn MessageRepository>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
}

impl InteractionService {
    /// The service over these ports.
    pub fn new(
        classes: Arc<dyn ClassRepository>,
        messages: Arc<dyn MessageRepository>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
    ) -> Self {
        Self {
            classes,
            messages,
            clock,
            ids,
        }
    }

    async fn class(&self, caller: &Caller, id: ClassId) -> Result<Option<LiveClass>, RepoError> {
        self.classes.find(&caller.tenant_id, id).await
    }

    /// Whether `caller` may read the class's interactions: a moderator, or
    /// anyone who is or was in the class.
    async fn may_read(&self, caller: &Caller, class: &LiveClass) -> Result<bool, RepoError> {
        if is_moderator(caller, class) {
            return Ok(true);
        }
        self.messages
            .has_participated(&class.tenant_id, class.id, &caller.user_id)
            .await
    }
}

#[async_trait]
impl Interactions for InteractionService {
    async fn post_message(
        &self,
        caller: &Caller,
        class_id: ClassId,
        text: MessageText,
    ) -> Result<Message, PostMessageError> {
        let class = self
            .class(caller, class_id)
            .await?
            .ok_or(PostMessageError::ClassNotFound)?;
        // Checked again inside the write; this spares it when it cannot pass.
        if class.status != ClassStatus::Live {
            return Err(PostMessageError::NotLive);
        }
        let guard = if is_moderator(caller, &class) {
            PostGuard::Moderator
        } else {
            PostGuard::Participant
        };
        let message = NewMessage {
            id: MessageId::from_uuid(self.ids.new_uuid()),
            tenant_id: class.tenant_id.clone(),
            class_id,
            kind: MessageKind::Chat,
            author_id: caller.user_id.clone(),
            author_name: caller.name.clone(),
            text,
            posted_at: self.clock.now(),
        };
        match self.messages.post_message(&message, guard).await? {
            PostOutcome::Posted(message) => Ok(message),
            PostOutcome::ClassNotFound => Err(PostMessageError::ClassNotFound),
            PostOutcome::NotLive => Err(PostMessageError::NotLive),
            PostOutcome::NotAdmitted => Err(PostMessageError::NotAdmitted),
            PostOutcome::Removed => Err(PostMessageError::Removed),
        }
    }

    async fn list_messages(
        &self,
        caller: &Caller,
        class_id: ClassId,
        query: MessageQuery,
    ) -> Result<MessagePage, ListMessagesError> {
        let (after, limit) = query.window()?;
        let class = self
            .class(caller, class_id)
            .await?
            .ok_or(ListMessagesError::ClassNotFound)?;
        if !self.may_read(caller, &class).await? {
            return Err(ListMessagesError::NotAdmitted);
        }
        Ok(self
            .messages
            .list_messages(&class.tenant_id, class_id, after, limit, &query.kinds)
            .await?)
    }

    async fn delete_message(
        &self,
        caller: &Caller,
        class_id: ClassId,
        id: MessageId,
    ) -> Result<Message, DeleteMessageError> {
        let class = self
            .class(caller, class_id)
            .await?
            .ok_or(DeleteMessageError::ClassNotFound)?;
        let any_author = is_moderator(caller, &class);
        match self
            .messages
            .delete_message(
                &class.tenant_id,
                class_id,
                id,
                &caller.user_id,
                any_author,
                self.clock.now(),
            )
            .await?
        {
            DeleteOutcome::Deleted(message) => Ok(message),
            DeleteOutcome::NotFound => Err(DeleteMessageError::MessageNotFound),
            DeleteOutcome::NotAuthor => Err(DeleteMessageError::NotAuthor),
        }
    }
}
