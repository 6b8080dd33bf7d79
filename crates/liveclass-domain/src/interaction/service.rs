//! The chat's use cases.

use std::sync::Arc;

use async_trait::async_trait;

use super::errors::{
    DeleteMessageError, ListMessagesError, PostMessageError, SetQuestionStatusError,
    UpvoteQuestionError,
};
use super::model::{
    DeleteOutcome, Message, MessageKind, MessagePage, MessageText, NewMessage, PostGuard,
    PostOutcome, QuestionSort, QuestionStatus, UpvoteOutcome, is_moderator,
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

/// A request for a page of questions, as sent (checked by the service).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuestionQuery {
    /// Only questions of this status.
    pub status: Option<QuestionStatus>,
    /// The order; default most upvoted first.
    pub sort: QuestionSort,
    /// At most this many, 1 to 100; default 50.
    pub limit: Option<i64>,
    /// Skip this many; default 0.
    pub offset: Option<i64>,
}

impl QuestionQuery {
    fn window(&self) -> Result<(u32, u32), ValidationError> {
        let (_, limit) = MessageQuery {
            limit: self.limit,
            ..MessageQuery::default()
        }
        .window()?;
        let offset = u32::try_from(self.offset.unwrap_or(0))
            .map_err(|_| ValidationError::new(Field::Offset, "must be between 0 and 4294967295"))?;
        Ok((limit, offset))
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

    /// Deletes a message (or question): its author, or a moderator.
    async fn delete_message(
        &self,
        caller: &Caller,
        class_id: ClassId,
        id: MessageId,
    ) -> Result<Message, DeleteMessageError>;

    /// Asks a question, under the posting rules; `anonymous` hides the
    /// author from everyone (it is stored for abuse handling only).
    async fn ask_question(
        &self,
        caller: &Caller,
        class_id: ClassId,
        text: MessageText,
        anonymous: bool,
    ) -> Result<Message, PostMessageError>;

    /// The class's questions, for those who may read its chat.
    async fn list_questions(
        &self,
        caller: &Caller,
        class_id: ClassId,
        query: QuestionQuery,
    ) -> Result<Vec<Message>, ListMessagesError>;

    /// Upvotes a question, once per user, under the posting rules.
    async fn upvote_question(
        &self,
        caller: &Caller,
        class_id: ClassId,
        id: MessageId,
    ) -> Result<Message, UpvoteQuestionError>;

    /// Marks a question answered, dismissed or open again (moderators).
    async fn set_question_status(
        &self,
        caller: &Caller,
        class_id: ClassId,
        id: MessageId,
        status: QuestionStatus,
    ) -> Result<Message, SetQuestionStatusError>;
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

    /// Posts a message of `kind` under the posting rules (module docs).
    async fn post(
        &self,
        caller: &Caller,
        class_id: ClassId,
        kind: MessageKind,
        text: MessageText,
        anonymous: bool,
    ) -> Result<Message, PostMessageError> {
        let class = self
            .class(caller, class_id)
            .await?
            .ok_or(PostMessageError::ClassNotFound)?;
        // Checked again inside the write; this spares it when it cannot pass.
        if class.status != ClassStatus::Live {
            return Err(PostMessageError::NotLive);
        }
        let message = NewMessage {
            id: MessageId::from_uuid(self.ids.new_uuid()),
            tenant_id: class.tenant_id.clone(),
            class_id,
            kind,
            author_id: caller.user_id.clone(),
            author_name: caller.name.clone(),
            anonymous,
            text,
            posted_at: self.clock.now(),
        };
        match self
            .messages
            .post_message(&message, guard_of(caller, &class))
            .await?
        {
            PostOutcome::Posted(message) => Ok(message),
            PostOutcome::ClassNotFound => Err(PostMessageError::ClassNotFound),
            PostOutcome::NotLive => Err(PostMessageError::NotLive),
            PostOutcome::NotAdmitted => Err(PostMessageError::NotAdmitted),
            PostOutcome::Removed => Err(PostMessageError::Removed),
        }
    }

    /// The class, if `caller` may read its interactions.
    async fn readable(
        &self,
        caller: &Caller,
        class_id: ClassId,
    ) -> Result<LiveClass, ListMessagesError> {
        let class = self
            .class(caller, class_id)
            .await?
            .ok_or(ListMessagesError::ClassNotFound)?;
        if !self.may_read(caller, &class).await? {
            return Err(ListMessagesError::NotAdmitted);
        }
        Ok(class)
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
        self.post(caller, class_id, MessageKind::Chat, text, false)
            .await
    }

    async fn list_messages(
        &self,
        caller: &Caller,
        class_id: ClassId,
        query: MessageQuery,
    ) -> Result<MessagePage, ListMessagesError> {
        let (after, limit) = query.window()?;
        let class = self.readable(caller, class_id).await?;
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

    async fn ask_question(
        &self,
        caller: &Caller,
        class_id: ClassId,
        text: MessageText,
        anonymous: bool,
    ) -> Result<Message, PostMessageError> {
        self.post(caller, class_id, MessageKind::Question, text, anonymous)
            .await
    }

    async fn list_questions(
        &self,
        caller: &Caller,
        class_id: ClassId,
        query: QuestionQuery,
    ) -> Result<Vec<Message>, ListMessagesError> {
        let (limit, offset) = query.window()?;
        let class = self.readable(caller, class_id).await?;
        Ok(self
            .messages
            .list_questions(
                &class.tenant_id,
                class_id,
                query.status,
                query.sort,
                limit,
                offset,
            )
            .await?)
    }

    async fn upvote_question(
        &self,
        caller: &Caller,
        class_id: ClassId,
        id: MessageId,
    ) -> Result<Message, UpvoteQuestionError> {
        let class = self
            .class(caller, class_id)
            .await?
            .ok_or(UpvoteQuestionError::ClassNotFound)?;
        if class.status != ClassStatus::Live {
            return Err(UpvoteQuestionError::NotLive);
        }
        let outcome = self
            .messages
            .upvote_question(
                &class.tenant_id,
                class_id,
                id,
                &caller.user_id,
                guard_of(caller, &class),
                self.clock.now(),
            )
            .await?;
        match outcome {
            UpvoteOutcome::Upvoted(question) => Ok(question),
            UpvoteOutcome::AlreadyUpvoted => Err(UpvoteQuestionError::AlreadyUpvoted),
            UpvoteOutcome::QuestionNotFound => Err(UpvoteQuestionError::QuestionNotFound),
            UpvoteOutcome::Refused(PostOutcome::NotLive) => Err(UpvoteQuestionError::NotLive),
            UpvoteOutcome::Refused(PostOutcome::Removed) => Err(UpvoteQuestionError::Removed),
            UpvoteOutcome::Refused(PostOutcome::NotAdmitted) => {
                Err(UpvoteQuestionError::NotAdmitted)
            }
            UpvoteOutcome::Refused(_) => Err(UpvoteQuestionError::ClassNotFound),
        }
    }

    async fn set_question_status(
        &self,
        caller: &Caller,
        class_id: ClassId,
        id: MessageId,
        status: QuestionStatus,
    ) -> Result<Message, SetQuestionStatusError> {
        let class = self
            .class(caller, class_id)
            .await?
            .ok_or(SetQuestionStatusError::ClassNotFound)?;
        if !is_moderator(caller, &class) {
            return Err(SetQuestionStatusError::NotModerator);
        }
        self.messages
            .set_question_status(&class.tenant_id, class_id, id, status, self.clock.now())
            .await?
            .ok_or(SetQuestionStatusError::QuestionNotFound)
    }
}

/// What the store checks about `caller` when they post or vote.
fn guard_of(caller: &Caller, class: &LiveClass) -> PostGuard {
    if is_moderator(caller, class) {
        PostGuard::Moderator
    } else {
        PostGuard::Participant
    }
}
