//! One error enum per chat operation.

use crate::store::RepoError;

/// Posting a message.
#[derive(Debug, thiserror::Error)]
pub enum PostMessageError {
    /// Refused: “Live class not found” (also another tenant's class).
    #[error("Live class not found")]
    ClassNotFound,
    /// Refused: the class is not live.
    #[error("Messages can only be posted while the class is live")]
    NotLive,
    /// Refused: the caller is not in the live class.
    #[error("Only participants admitted to the live class can post")]
    NotAdmitted,
    /// Refused: the caller was removed from the class.
    #[error("You were removed from this class and cannot post")]
    Removed,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Listing messages.
#[derive(Debug, thiserror::Error)]
pub enum ListMessagesError {
    /// An input value was refused.
    #[error(transparent)]
    Invalid(#[from] crate::validation::ValidationError),
    /// Refused: “Live class not found” (also another tenant's class).
    #[error("Live class not found")]
    ClassNotFound,
    /// Refused: the caller never was in the class and does not moderate it.
    #[error("Only the class's participants and moderators can read its chat")]
    NotAdmitted,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Deleting a message.
#[derive(Debug, thiserror::Error)]
pub enum DeleteMessageError {
    /// Refused: “Live class not found” (also another tenant's class).
    #[error("Live class not found")]
    ClassNotFound,
    /// Refused: no such message in the class (or already deleted).
    #[error("Message not found")]
    MessageNotFound,
    /// Refused: only its author or a moderator deletes a message.
    #[error("Only the message's author or a moderator can delete it")]
    NotAuthor,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Upvoting a question.
#[derive(Debug, thiserror::Error)]
pub enum UpvoteQuestionError {
    /// Refused: “Live class not found” (also another tenant's class).
    #[error("Live class not found")]
    ClassNotFound,
    /// Refused: no such question in the class (or it was deleted).
    #[error("Question not found")]
    QuestionNotFound,
    /// Refused: the class is not live.
    #[error("Questions can only be upvoted while the class is live")]
    NotLive,
    /// Refused: the caller is not in the live class.
    #[error("Only participants admitted to the live class can upvote")]
    NotAdmitted,
    /// Refused: the caller was removed from the class.
    #[error("You were removed from this class and cannot upvote")]
    Removed,
    /// Refused: one upvote per user and question.
    #[error("You have already upvoted this question")]
    AlreadyUpvoted,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Marking a question answered, dismissed or open again.
#[derive(Debug, thiserror::Error)]
pub enum SetQuestionStatusError {
    /// Refused: “Live class not found” (also another tenant's class).
    #[error("Live class not found")]
    ClassNotFound,
    /// Refused: no such question in the class (or it was deleted).
    #[error("Question not found")]
    QuestionNotFound,
    /// Refused: only moderators handle questions.
    #[error("Only the class's moderators can answer or dismiss questions")]
    NotModerator,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// The poll operations. They share one enum: they refuse for the same few
/// reasons (a deviation from one-enum-per-use-case kept deliberately small,
/// as for webhooks).
#[derive(Debug, thiserror::Error)]
pub enum PollError {
    /// An input value was refused.
    #[error(transparent)]
    Invalid(#[from] crate::validation::ValidationError),
    /// Refused: “Live class not found” (also another tenant's class).
    #[error("Live class not found")]
    ClassNotFound,
    /// Refused: no such poll in the class (drafts are the moderators').
    #[error("Poll not found")]
    PollNotFound,
    /// Refused: only moderators create, open and close polls.
    #[error("Only the class's moderators can manage polls")]
    NotModerator,
    /// Refused: the caller may not read the class's interactions, or is
    /// not in the live class to vote.
    #[error("Only participants admitted to the live class can do this")]
    NotAdmitted,
    /// Refused: the caller was removed from the class.
    #[error("You were removed from this class and cannot vote")]
    Removed,
    /// Refused: votes only while the class is live.
    #[error("Polls can only be answered while the class is live")]
    NotLive,
    /// Refused: polls of an ended or cancelled class are not created.
    #[error("Polls cannot be created in an ended or cancelled class")]
    ClassFinished,
    /// Refused: the poll is not open.
    #[error("The poll is not open")]
    PollNotOpen,
    /// Refused: the poll cannot move from its status (`Cannot open poll
    /// with status: closed`).
    #[error("Cannot {action} poll with status: {status}")]
    InvalidTransition {
        /// `open` or `close`.
        action: &'static str,
        /// The status it has.
        status: &'static str,
    },
    /// Refused: one final vote per user.
    #[error("You have already voted in this poll")]
    AlreadyVoted,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Posting a reaction or reading a class's reaction counts.
#[derive(Debug, thiserror::Error)]
pub enum ReactionError {
    /// An input value was refused.
    #[error(transparent)]
    Invalid(#[from] crate::validation::ValidationError),
    /// Refused: “Live class not found” (also another tenant's class).
    #[error("Live class not found")]
    ClassNotFound,
    /// Refused: reactions only while the class is live.
    #[error("Reactions can only be sent while the class is live")]
    NotLive,
    /// Refused: the caller is not in the live class (or, to read, never
    /// was and does not moderate it).
    #[error("Only participants admitted to the live class can do this")]
    NotAdmitted,
    /// Refused: the caller was removed from the class.
    #[error("You were removed from this class and cannot react")]
    Removed,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Sharing, removing and listing shared resources.
#[derive(Debug, thiserror::Error)]
pub enum ResourceError {
    /// An input value was refused.
    #[error(transparent)]
    Invalid(#[from] crate::validation::ValidationError),
    /// Refused: “Live class not found” (also another tenant's class).
    #[error("Live class not found")]
    ClassNotFound,
    /// Refused: no such resource in the class (or it was removed).
    #[error("Resource not found")]
    ResourceNotFound,
    /// Refused: only moderators share and remove resources.
    #[error("Only the class's moderators can share or remove resources")]
    NotModerator,
    /// Refused: the caller never was in the class and does not moderate it.
    #[error("Only the class's participants and moderators can list its resources")]
    NotAdmitted,
    /// Refused: resources are not shared in an ended or cancelled class.
    #[error("Resources cannot be shared in an ended or cancelled class")]
    ClassFinished,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Marking a class's chat read.
#[derive(Debug, thiserror::Error)]
pub enum MarkReadError {
    /// An input value was refused.
    #[error(transparent)]
    Invalid(#[from] crate::validation::ValidationError),
    /// Refused: “Live class not found” (also another tenant's class).
    #[error("Live class not found")]
    ClassNotFound,
    /// Refused: the caller never was in the class and does not moderate it.
    #[error("Only the class's participants and moderators can read its chat")]
    NotAdmitted,
    /// Refused: the message named is not the class's.
    #[error("Message not found")]
    MessageNotFound,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}
