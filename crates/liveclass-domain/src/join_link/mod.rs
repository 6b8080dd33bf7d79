//! Join links (`/join/{hash}`, seed 001): one URL per class that shows a
//! countdown before the class, lets the teacher start it shortly before its
//! time, and takes everyone into it while it is live.

pub mod errors;
pub mod model;
pub mod ports;
pub mod service;

pub use errors::FollowJoinLinkError;
pub use model::{JoinHash, JoinLinkOutcome, JoinLinkPolicy};
pub use ports::JoinLinkRepository;
#[cfg(any(test, feature = "mocks"))]
pub use ports::MockJoinLinkRepository;
#[cfg(any(test, feature = "mocks"))]
pub use service::MockJoinLinks;
pub use service::{JoinLinkService, JoinLinks};

#[cfg(test)]
mod tests;
