//! Auto-end (seed 001): classes still live some time after their planned
//! end are ended, exactly as a teacher's end would end them.
//!
//! Several server processes may run the worker at once. Each end goes
//! through [`ClassRepository::mark_ended`](crate::class::ClassRepository::mark_ended), a conditional `UPDATE … WHERE
//! status = 'live'` in one transaction with the closing of participations:
//! the first process to reach a class ends it, the others find it ended and
//! do nothing, so no class is ended twice and no participation is closed
//! twice.

pub mod model;
pub mod ports;
pub mod service;

pub use model::AutoEndPolicy;
pub use ports::AutoEndRepository;
#[cfg(any(test, feature = "mocks"))]
pub use ports::MockAutoEndRepository;
pub use service::AutoEndService;

#[cfg(test)]
mod tests;
