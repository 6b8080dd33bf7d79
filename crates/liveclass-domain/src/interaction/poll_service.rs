//! The poll use cases (see [`super::polls`] for the rules).

use std::sync::Arc;

use async_trait::async_trait;

use super::errors::PollError;
use super::model::{PostGuard, PostOutcome, is_moderator};
use super::polls::{Poll, PollRepository, PollSpec, PollStatus, VoteOutcome};
use super::ports::MessageRepository;
use crate::caller::Caller;
use crate::class::{ClassRepository, ClassStatus, LiveClass};
use crate::clock::Clock;
use crate::ids::{ClassId, IdGenerator, PollId};
use crate::validation::{Field, ValidationError};

/// Polls: what the HTTP layer calls.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait Polls: Send + Sync {
    /// Creates a draft poll (moderators; a scheduled or live class).
    async fn create(
        &self,
        caller: &Caller,
        class_id: ClassId,
        spec: PollSpec,
    ) -> Result<Poll, PollError>;
    /// Opens a draft (moderators).
    async fn open(&self, caller: &Caller, class_id: ClassId, id: PollId)
    -> Result<Poll, PollError>;
    /// Closes an open poll (moderators).
    async fn close(
        &self,
        caller: &Caller,
        class_id: ClassId,
        id: PollId,
    ) -> Result<Poll, PollError>;
    /// Votes, once and for good, for `options` (indexes).
    async fn vote(
        &self,
        caller: &Caller,
        class_id: ClassId,
        id: PollId,
        options: Vec<u32>,
    ) -> Result<Poll, PollError>;
    /// One poll with its counts (and, for moderators of a named poll, who
    /// chose what).
    async fn get(&self, caller: &Caller, class_id: ClassId, id: PollId) -> Result<Poll, PollError>;
    /// The class's polls (drafts for moderators only).
    async fn list(&self, caller: &Caller, class_id: ClassId) -> Result<Vec<Poll>, PollError>;
}

/// The implementation of [`Polls`].
pub struct PollService {
    classes: Arc<dyn ClassRepository>,
    messages: Arc<dyn MessageRepository>,
    polls: Arc<dyn PollRepository>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
}

impl PollService {
    /// The service over these ports.
    pub fn new(
        classes: Arc<dyn ClassRepository>,
        messages: Arc<dyn MessageRepository>,
        polls: Arc<dyn PollRepository>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
    ) -> Self {
        Self {
            classes,
            messages,
            polls,
            clock,
            ids,
        }
    }

    async fn class(&self, caller: &Caller, id: ClassId) -> Result<LiveClass, PollError> {
        self.classes
            .find(&caller.tenant_id, id)
            .await?
            .ok_or(PollError::ClassNotFound)
    }

    async fn moderated(&self, caller: &Caller, id: ClassId) -> Result<LiveClass, PollError> {
        let class = self.class(caller, id).await?;
        if is_moderator(caller, &class) {
            Ok(class)
        } else {
            Err(PollError::NotModerator)
        }
    }

    /// The class and whether the caller moderates it, if they may read it.
    async fn readable(&self, caller: &Caller, id: ClassId) -> Result<(LiveClass, bool), PollError> {
        let class = self.class(caller, id).await?;
        if is_moderator(caller, &class) {
            return Ok((class, true));
        }
        if self
            .messages
            .has_participated(&class.tenant_id, id, &caller.user_id)
            .await?
        {
            Ok((class, false))
        } else {
            Err(PollError::NotAdmitted)
        }
    }

    async fn find(
        &self,
        class: &LiveClass,
        id: PollId,
        moderator: bool,
    ) -> Result<Poll, PollError> {
        let poll = self
            .polls
            .find_poll(&class.tenant_id, class.id, id, moderator)
            .await?
            .filter(|p| moderator || p.status != PollStatus::Draft)
            .ok_or(PollError::PollNotFound)?;
        Ok(poll)
    }

    async fn moved(
        &self,
        caller: &Caller,
        class_id: ClassId,
        id: PollId,
        from: PollStatus,
        to: PollStatus,
        action: &'static str,
    ) -> Result<Poll, PollError> {
        let class = self.moderated(caller, class_id).await?;
        let moved = self
            .polls
            .move_poll(&class.tenant_id, class_id, id, from, to, self.clock.now())
            .await?;
        match moved {
            Some(poll) => Ok(poll),
            None => {
                let poll = self.find(&class, id, true).await?;
                Err(PollError::InvalidTransition {
                    action,
                    status: poll.status.as_str(),
                })
            }
        }
    }
}

#[async_trait]
impl Polls for PollService {
    async fn create(
        &self,
        caller: &Caller,
        class_id: ClassId,
        spec: PollSpec,
    ) -> Result<Poll, PollError> {
        let class = self.moderated(caller, class_id).await?;
        if matches!(class.status, ClassStatus::Ended | ClassStatus::Cancelled) {
            return Err(PollError::ClassFinished);
        }
        let poll = Poll {
            id: PollId::from_uuid(self.ids.new_uuid()),
            tenant_id: class.tenant_id.clone(),
            class_id,
            counts: vec![0; spec.options.len()],
            spec,
            status: PollStatus::Draft,
            created_by: caller.user_id.clone(),
            created_at: self.clock.now(),
            voters: 0,
            ballots: None,
        };
        self.polls.create_poll(&poll).await?;
        Ok(poll)
    }

    async fn open(
        &self,
        caller: &Caller,
        class_id: ClassId,
        id: PollId,
    ) -> Result<Poll, PollError> {
        self.moved(
            caller,
            class_id,
            id,
            PollStatus::Draft,
            PollStatus::Open,
            "open",
        )
        .await
    }

    async fn close(
        &self,
        caller: &Caller,
        class_id: ClassId,
        id: PollId,
    ) -> Result<Poll, PollError> {
        self.moved(
            caller,
            class_id,
            id,
            PollStatus::Open,
            PollStatus::Closed,
            "close",
        )
        .await
    }

    async fn vote(
        &self,
        caller: &Caller,
        class_id: ClassId,
        id: PollId,
        mut options: Vec<u32>,
    ) -> Result<Poll, PollError> {
        let class = self.class(caller, class_id).await?;
        if class.status != ClassStatus::Live {
            return Err(PollError::NotLive);
        }
        let moderator = is_moderator(caller, &class);
        let poll = self.find(&class, id, moderator).await?;
        options.sort_unstable();
        options.dedup();
        let count = u32::try_from(poll.spec.options.len()).unwrap_or(u32::MAX);
        if options.is_empty() || options.iter().any(|o| *o >= count) {
            return Err(ValidationError::new(
                Field::PollOptions,
                format!(
                    "must name options of the poll (0 to {})",
                    count.saturating_sub(1)
                ),
            )
            .into());
        }
        if !poll.spec.multiple && options.len() > 1 {
            return Err(ValidationError::new(
                Field::PollOptions,
                "must name one option: single choice",
            )
            .into());
        }
        let guard = if moderator {
            PostGuard::Moderator
        } else {
            PostGuard::Participant
        };
        let outcome = self
            .polls
            .vote(
                &class.tenant_id,
                class_id,
                id,
                &caller.user_id,
                &options,
                guard,
                self.clock.now(),
            )
            .await?;
        match outcome {
            VoteOutcome::Voted(mut poll) => {
                if !moderator {
                    poll.ballots = None;
                }
                Ok(poll)
            }
            VoteOutcome::AlreadyVoted => Err(PollError::AlreadyVoted),
            VoteOutcome::PollNotFound => Err(PollError::PollNotFound),
            VoteOutcome::PollNotOpen => Err(PollError::PollNotOpen),
            VoteOutcome::Refused(PostOutcome::NotLive) => Err(PollError::NotLive),
            VoteOutcome::Refused(PostOutcome::Removed) => Err(PollError::Removed),
            VoteOutcome::Refused(PostOutcome::NotAdmitted) => Err(PollError::NotAdmitted),
            VoteOutcome::Refused(_) => Err(PollError::ClassNotFound),
        }
    }

    async fn get(&self, caller: &Caller, class_id: ClassId, id: PollId) -> Result<Poll, PollError> {
        let (class, moderator) = self.readable(caller, class_id).await?;
        self.find(&class, id, moderator).await
    }

    async fn list(&self, caller: &Caller, class_id: ClassId) -> Result<Vec<Poll>, PollError> {
        let (class, moderator) = self.readable(caller, class_id).await?;
        Ok(self
            .polls
            .list_polls(&class.tenant_id, class_id, moderator, moderator)
            .await?)
    }
}
