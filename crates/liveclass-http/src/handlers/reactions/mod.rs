//! `/live-classes/{liveClassId}/reactions`: a fixed set of emoji and their
//! counts. Who may send and read is the domain's
//! (`liveclass_domain::interaction::reactions`).

pub mod post;
pub mod summary;
