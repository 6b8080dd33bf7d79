//! Co-hosts and participant controls (issue 12): `/live-classes/{liveClassId}/co-hosts`,
//! `…/participants/{userId}` (PATCH), `…/participants/mute-all`, `…/hand`,
//! `…/hands`. Who may do what is the domain's (`liveclass_domain::controls`).

pub mod grant_co_host;
pub mod list_co_hosts;
pub mod list_hands;
pub mod lower_hand;
pub mod mute_all;
pub mod raise_hand;
pub mod revoke_co_host;
pub mod update_participant;

use liveclass_domain::ids::UserId;

use crate::error::ApiError;

/// Parses the `{userId}` path segment (400 `validation_failed`).
fn user_id(raw: &str) -> Result<UserId, ApiError> {
    Ok(UserId::parse(raw)?)
}
