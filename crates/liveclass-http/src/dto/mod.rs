//! Request and response bodies, as the API spells them (camelCase, RFC 3339
//! UTC instants). Converted from domain types here; the domain derives none of
//! serde or utoipa.

mod actual_times;
mod admission;
mod attendance;
mod calendar;
mod class;
mod compat;
mod controls;
mod events;
mod field;
mod health;
mod interaction;
mod join_link;
mod participation;
mod poll;
mod provider_accounts;
mod provider_events;
mod provider_webhook;
mod reaction;
mod recording;
mod resource;
mod roster;
mod schedule;
mod video;
mod webhooks;

pub use actual_times::*;
pub use admission::*;
pub use attendance::*;
pub use calendar::*;
pub use class::*;
pub use compat::*;
pub use controls::*;
pub use events::*;
pub use field::json_name;
pub use health::*;
pub use interaction::*;
pub use join_link::*;
pub use participation::*;
pub use poll::*;
pub use provider_accounts::*;
pub use provider_events::*;
pub use provider_webhook::*;
pub use reaction::*;
pub use recording::*;
pub use resource::*;
pub use roster::*;
pub use schedule::*;
pub use video::*;
pub use webhooks::*;
