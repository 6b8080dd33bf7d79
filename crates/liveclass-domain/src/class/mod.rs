//! Live classes: the entity, its lifecycle and capacity rules, the ports the
//! service needs, and the use-case service itself.

mod admission;
mod capacity;
pub mod errors;
mod lifecycle;
mod model;
mod moderation;
mod participation;
pub mod ports;
mod service;

pub use admission::{AdmissionPolicy, check_policy};
pub use capacity::{Capacity, ClassPolicy, capacity_used_percent, seats_taken};
pub use lifecycle::TransitionError;
pub use model::{ClassCounts, ClassStatus, Description, LiveClass, RecordingUrl, Title};
pub use moderation::{CoHostChange, CoHostRefusal, is_moderator, may_name_co_hosts};
pub use participation::{ParticipantRole, Participation};
pub use ports::{
    AdmitOutcome, AdmitRequest, ClassFilter, ClassPage, ClassRepository, DetailsUpdate,
    PageRequest, ParticipationRepository, RecordingOutcome, SortOrder, TransitionOutcome,
    UpdateOutcome,
};
#[cfg(any(test, feature = "mocks"))]
pub use service::MockLiveClasses;
pub use service::{
    ClassDetails, CreateClass, JoinOrWait, Joined, ListClasses, LiveClassService, LiveClasses,
    ParticipantsView, UpdateClass,
};
