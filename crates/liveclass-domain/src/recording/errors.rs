//! The recordings' errors. The recording operations share one enum: they
//! refuse for the same few reasons (the deviation from one enum per use
//! case that `webhooks` makes too, kept deliberately small); each
//! operation's docs say which variants it returns.

use crate::class::ClassStatus;
use crate::store::RepoError;
use crate::validation::ValidationError;
use crate::video::VideoError;

/// Starting, stopping, reading, sharing or deleting recordings.
#[derive(Debug, thiserror::Error)]
pub enum RecordingError {
    /// An input value was refused.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// Refused: “Live class not found” (also another tenant's class).
    #[error("Live class not found")]
    ClassNotFound,
    /// Refused: “Recording not found” (also another tenant's recording).
    #[error("Recording not found")]
    NotFound,
    /// Refused: only the class's creator starts and stops recordings.
    #[error("Only the class's creator can start or stop its recordings")]
    NotCreator,
    /// Refused: the caller may not see, share or delete this recording.
    #[error("You do not have access to this recording")]
    Forbidden,
    /// The class's video provider cannot record through its API.
    #[error("The class's video provider ({0}) cannot start recordings")]
    NotSupported(String),
    /// The class has ended or was cancelled.
    #[error("Cannot record a class with status: {0}")]
    ClassFinished(ClassStatus),
    /// Another recording of the class is running.
    #[error("A recording of this class is already running")]
    AlreadyRunning,
    /// The recording is not running (its status).
    #[error("Cannot stop a recording with status: {0}")]
    NotRunning(super::RecordingStatus),
    /// The recording has no file to open yet (not `ready`, or the provider
    /// has not told us its id).
    #[error("The recording is not ready yet")]
    NotReady,
    /// A class's seed-000 recording URL is not managed here.
    #[error("An external recording (the class's recordingUrl) cannot be changed or deleted")]
    External,
    /// The video provider failed.
    #[error("the video provider failed")]
    Video(#[source] VideoError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}
