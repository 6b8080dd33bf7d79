//! Recordings as a resource (issue 11): a class may have several, each with
//! its lifecycle (`starting → recording → processing → ready`, or `failed`
//! / `deleted`), who started it, and who may see it (a visibility plus
//! per-user grants). Stopping a recording never ends its class; starting one
//! on a scheduled class starts the class (seed 002). The seed-000 recording
//! URL of a class is shown as one `external` recording.

pub mod errors;
pub mod model;
pub mod ports;
pub mod service;

pub use errors::RecordingError;
pub use model::{
    Access, AccessLevel, FileKind, Grant, Recording, RecordingFile, RecordingId, RecordingStatus,
    Visibility,
};
#[cfg(any(test, feature = "mocks"))]
pub use ports::MockRecordingRepository;
pub use ports::{
    ProviderRecordingOutcome, ProviderRecordingReady, RecordingChange, RecordingRepository,
    StartOutcome,
};
#[cfg(any(test, feature = "mocks"))]
pub use service::MockRecordings;
pub use service::{RecordingService, Recordings, SetAccess};

#[cfg(test)]
mod tests;
