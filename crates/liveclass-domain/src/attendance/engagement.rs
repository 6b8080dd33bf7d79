//! Engagement: what each attendee did in class besides being there —
//! BigBlueButton's learning-dashboard columns (messages, questions,
//! upvotes, poll votes, reactions, hand raises), counted per user.

use async_trait::async_trait;

use crate::ids::{ClassId, TenantId, UserId};
use crate::store::RepoError;

/// One person's activity in one class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Engagement {
    /// Chat messages they posted that are still in the chat (a message
    /// deleted by its author or a moderator does not count).
    pub messages: u32,
    /// Questions they asked under their name, still in the chat. An
    /// anonymous question is never counted: the count would tell who asked.
    pub questions: u32,
    /// Questions they upvoted.
    pub upvotes: u32,
    /// Polls they voted in (one per poll, however often they changed the
    /// vote; anonymous polls too: whether someone voted is not what they
    /// chose).
    pub poll_votes: u32,
    /// Reactions they sent.
    pub reactions: u32,
    /// Times they raised their hand.
    pub hand_raises: u32,
}

/// Where the activity is counted.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait EngagementRepository: Send + Sync {
    /// Every user's activity in the class, by user id (users with none are
    /// left out), in a fixed number of queries whatever the class's size.
    async fn engagement_of_class(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
    ) -> Result<Vec<(UserId, Engagement)>, RepoError>;
}
