//! `/provider-events`: the webhooks Daily and Zoom sent that concern the
//! tenant's classes, for its organisation admins (deliveries that map to no
//! class belong to no tenant, and are in the logs only).

pub mod list;
pub mod reprocess;
