//! Provider clean-ups that must not be lost: deleting a cancelled class's
//! room, ending an ended class's meeting. A provider failure never blocks the
//! class's own state change; the clean-up is stored instead and retried by
//! [`ProviderCleanups::run_once`], which a background task of the server
//! calls periodically. Several processes may run it against one database:
//! [`CleanupQueue::claim_due`] hands each due clean-up to one caller only.

pub mod model;
pub mod ports;
pub mod service;

pub use model::{CleanupAction, CleanupPolicy, CleanupReport, PendingCleanup};
pub use ports::CleanupQueue;
#[cfg(any(test, feature = "mocks"))]
pub use ports::MockCleanupQueue;
pub use service::ProviderCleanups;

#[cfg(test)]
mod tests;
