//! `/live-classes/{liveClassId}/resources`: slides, documents, links and
//! videos shared in a class (seed 003's `live_class_resources`). Who may
//! share and list is the domain's (`liveclass_domain::interaction::resources`).

pub mod list;
pub mod remove;
pub mod share;
