//! Who gets in and who stays (issue 12): requests to join `approval`
//! classes, the waitlist of full classes, and removal as a ban for the class.
//!
//! The rules that decide a join (an approved request, a ban, a place in
//! line) are checked by the one atomic admission
//! ([`crate::class::ParticipationRepository::admit`]); a seat freed by a
//! leave, a removal, a withdrawn approval or a capacity increase goes to the
//! first in line in the transaction that frees it. This module keeps the
//! requests, reads the line, and removes; a removal then asks the video
//! provider to eject the user from a running meeting, best-effort.

pub mod errors;
mod model;
mod ports;
mod service;

pub use model::{
    Decision, JoinRequest, ProviderEject, Removal, RequestId, RequestStatus, WaitStatus,
    WaitlistEntry,
};
#[cfg(any(test, feature = "mocks"))]
pub use ports::MockAdmissionRepository;
pub use ports::{AdmissionRepository, DecideOutcome, RemoveOutcome, RequestOutcome};
#[cfg(any(test, feature = "mocks"))]
pub use service::MockAdmissions;
pub use service::{AdmissionService, Admissions};
