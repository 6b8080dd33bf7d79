//! Course rosters (issue 12): the users who may join a course's classes whose
//! admission policy is `roster`. The roster is read inside the atomic
//! admission (see [`crate::class::ParticipationRepository::admit`]); this
//! module only keeps it.

pub mod errors;
mod model;
mod ports;
mod service;

pub use model::RosterUsers;
#[cfg(any(test, feature = "mocks"))]
pub use ports::MockRosterRepository;
pub use ports::RosterRepository;
#[cfg(any(test, feature = "mocks"))]
pub use service::MockRosters;
pub use service::{RosterService, Rosters};
