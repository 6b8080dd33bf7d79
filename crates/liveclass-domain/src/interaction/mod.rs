//! In-class interaction: the class's chat and questions (seed 003's
//! `live_class_interactions`), delivered live through the class event log.
//!
//! A question is a message of kind `question`: it may be **anonymous** (the
//! author is stored for abuse handling and never shown by any endpoint or
//! event, to anyone: [`crate::events::model::message_data`] is the one
//! place that renders a message), is upvoted once per user (the
//! database's key decides), and moderators mark it answered or dismiss it.
//! Upvoting follows the posting rules.
//!
//! [`reactions`]: a fixed set of emoji, under the posting rules, counted
//! per class and per minute.
//!
//! [`resources`]: moderators share slides, documents, links and videos
//! (`https` only) and remove them; readers list them.
//!
//! [`reads`]: each user's read mark per class, and their unread counts.
//!
//! [`polls`]: moderators create, open and close polls; each participant
//! votes once, for good (see that module).
//!
//! # Who may do what
//!
//! - **Moderators** ([`is_moderator`], defined in [`crate::class`]): the
//!   class's creator (its host), its co-hosts, and the tenant's managers
//!   (`training_manager`, `org_admin`).
//! - **Posting** needs the class to be live and the caller to be a moderator
//!   or admitted to it (an active participation) and not removed from it
//!   (a participation that ended with leave reason `removed`). The store
//!   checks the status, the participation and the removal inside the write
//!   that posts, so a post never lands in a class that has just ended.
//! - **Reading** needs the caller to be a moderator or to have been in the
//!   class at some point (any participation, active or closed): during the
//!   class its participants, after it those who attended.
//! - Another tenant's class is 404, whoever asks.
//!
//! # Order
//!
//! Each message gets the next `position` of its class's chat (1, 2, 3, …
//! without gaps) from a per-class counter row that the posting transaction
//! updates and holds until it commits, so positions are given in commit
//! order and a reader listing `after = n` never skips a message that
//! commits later. The price is that posts of one class take turns on that
//! row for the length of their transaction (a few statements).

pub mod compat;
pub mod errors;
pub mod model;
pub mod poll_service;
pub mod polls;
pub mod ports;
pub mod reaction_service;
pub mod reactions;
pub mod read_service;
pub mod reads;
pub mod resource_service;
pub mod resources;
pub mod service;
#[cfg(test)]
mod tests;

pub use compat::{InteractionPost, InteractionType};
pub use errors::{
    DeleteMessageError, ListMessagesError, MarkReadError, PollError, PostMessageError,
    ReactionError, ResourceError, SetQuestionStatusError, UpvoteQuestionError,
};
pub use model::{
    DeleteOutcome, Message, MessageKind, MessagePage, MessageText, NewMessage, PostGuard,
    PostOutcome, QuestionSort, QuestionStatus, UpvoteOutcome, is_moderator,
};
#[cfg(any(test, feature = "mocks"))]
pub use poll_service::MockPolls;
pub use poll_service::{PollService, Polls};
#[cfg(any(test, feature = "mocks"))]
pub use polls::MockPollRepository;
pub use polls::{Ballot, Poll, PollRepository, PollSpec, PollStatus, VoteOutcome};
pub use ports::MessageRepository;
#[cfg(any(test, feature = "mocks"))]
pub use ports::MockMessageRepository;
#[cfg(any(test, feature = "mocks"))]
pub use reaction_service::MockReactions;
pub use reaction_service::{ReactionService, Reactions};
#[cfg(any(test, feature = "mocks"))]
pub use reactions::MockReactionRepository;
pub use reactions::{
    KindCounts, MinuteCounts, NewReaction, PostedReaction, ReactOutcome, ReactionKind,
    ReactionRepository, ReactionSummary,
};
#[cfg(any(test, feature = "mocks"))]
pub use read_service::MockUnread;
pub use read_service::{Unread, UnreadService};
#[cfg(any(test, feature = "mocks"))]
pub use reads::MockReadRepository;
pub use reads::{ReadRepository, ReadUpTo};
#[cfg(any(test, feature = "mocks"))]
pub use resource_service::MockResources;
pub use resource_service::{ResourceService, Resources};
#[cfg(any(test, feature = "mocks"))]
pub use resources::MockResourceRepository;
pub use resources::{Resource, ResourceKind, ResourceRepository, ResourceSpec, ShareOutcome};
#[cfg(any(test, feature = "mocks"))]
pub use service::MockInteractions;
pub use service::{InteractionService, Interactions, MessageQuery, QuestionQuery};
