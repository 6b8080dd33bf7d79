//! The reaction use cases (see [`super::reactions`] for the rules).

use std::sync::Arc;

use async_trait::async_trait;

use super::errors::ReactionError;
use super::model::{PostGuard, PostOutcome, is_moderator};
use super::ports::MessageRepository;
use super::reactions::{
    NewReaction, PostedReaction, ReactOutcome, ReactionKind, ReactionRepository, ReactionSummary,
};
use crate::caller::Caller;
use crate::class::{ClassRepository, ClassStatus, LiveClass};
use crate::clock::Clock;
use crate::ids::{ClassId, IdGenerator, ReactionId};

/// Reactions: what the HTTP layer calls.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait Reactions: Send + Sync {
    /// Sends a reaction, under the chat's posting rules.
    async fn react(
        &self,
        caller: &Caller,
        class_id: ClassId,
        kind: ReactionKind,
    ) -> Result<PostedReaction, ReactionError>;

    /// The class's counts, per kind and per minute, for those who may read
    /// its chat (moderators, those who are or were in it).
    async fn summary(
        &self,
        caller: &Caller,
        class_id: ClassId,
    ) -> Result<ReactionSummary, ReactionError>;
}

/// The implementation of [`Reactions`].
pub struct ReactionService {
    classes: Arc<dyn ClassRepository>,
    messages: Arc<dyn MessageRepository>,
    reactions: Arc<dyn ReactionRepository>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
}

impl ReactionService {
    /// The service over these ports.
    pub fn new(
        classes: Arc<dyn ClassRepository>,
        messages: Arc<dyn MessageRepository>,
        reactions: Arc<dyn ReactionRepository>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
    ) -> Self {
        Self {
            classes,
            messages,
            reactions,
            clock,
            ids,
        }
    }

    async fn class(&self, caller: &Caller, id: ClassId) -> Result<LiveClass, ReactionError> {
        self.classes
            .find(&caller.tenant_id, id)
            .await?
            .ok_or(ReactionError::ClassNotFound)
    }
}

#[async_trait]
impl Reactions for ReactionService {
    async fn react(
        &self,
        caller: &Caller,
        class_id: ClassId,
        kind: ReactionKind,
    ) -> Result<PostedReaction, ReactionError> {
        let class = self.class(caller, class_id).await?;
        // Checked again inside the write; this spares it when it cannot pass.
        if class.status != ClassStatus::Live {
            return Err(ReactionError::NotLive);
        }
        let guard = if is_moderator(caller, &class) {
            PostGuard::Moderator
        } else {
            PostGuard::Participant
        };
        let reaction = NewReaction {
            id: ReactionId::from_uuid(self.ids.new_uuid()),
            tenant_id: class.tenant_id.clone(),
            class_id,
            user_id: caller.user_id.clone(),
            kind,
            reacted_at: self.clock.now(),
        };
        match self.reactions.post_reaction(&reaction, guard).await? {
            ReactOutcome::Posted(posted) => Ok(posted),
            ReactOutcome::Refused(PostOutcome::NotLive) => Err(ReactionError::NotLive),
            ReactOutcome::Refused(PostOutcome::NotAdmitted) => Err(ReactionError::NotAdmitted),
            ReactOutcome::Refused(PostOutcome::Removed) => Err(ReactionError::Removed),
            ReactOutcome::Refused(_) => Err(ReactionError::ClassNotFound),
        }
    }

    async fn summary(
        &self,
        caller: &Caller,
        class_id: ClassId,
    ) -> Result<ReactionSummary, ReactionError> {
        let class = self.class(caller, class_id).await?;
        if !is_moderator(caller, &class)
            && !self
                .messages
                .has_participated(&class.tenant_id, class_id, &caller.user_id)
                .await?
        {
            return Err(ReactionError::NotAdmitted);
        }
        Ok(self
            .reactions
            .reaction_summary(&class.tenant_id, class_id)
            .await?)
    }
}
