//! The join-link use case.

use std::sync::Arc;

use async_trait::async_trait;

use super::errors::FollowJoinLinkError;
use super::model::{JoinHash, JoinLinkOutcome, JoinLinkPolicy};
use super::ports::JoinLinkRepository;
use crate::caller::Caller;
use crate::class::TransitionError;
use crate::class::errors::{JoinClassError, TransitionClassError};
use crate::class::{ClassStatus, LiveClasses};
use crate::clock::Clock;

/// The join-link use case, as the HTTP layer calls it.
/// [`JoinLinkService`] is the implementation; with the `mocks` feature,
/// `MockJoinLinks` replaces it in tests.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait JoinLinks: Send + Sync {
    /// Follows the link `hash` as `caller`: a countdown before the class, a
    /// start for its teacher shortly before, a join while it is live.
    ///
    /// # Errors
    /// `NotFound` (also another tenant's class), `Ended`, `Cancelled`,
    /// `Join` (full, provider), `Start`, `Store`.
    async fn follow(
        &self,
        caller: &Caller,
        hash: &JoinHash,
    ) -> Result<JoinLinkOutcome, FollowJoinLinkError>;
}

/// Follows join links.
pub struct JoinLinkService {
    links: Arc<dyn JoinLinkRepository>,
    classes: Arc<dyn LiveClasses>,
    clock: Arc<dyn Clock>,
    policy: JoinLinkPolicy,
}

impl JoinLinkService {
    /// The service over the link store, the class service it joins through, a clock and its policy.
    pub fn new(
        links: Arc<dyn JoinLinkRepository>,
        classes: Arc<dyn LiveClasses>,
        clock: Arc<dyn Clock>,
        policy: JoinLinkPolicy,
    ) -> Self {
        Self {
            links,
            classes,
            clock,
            policy,
        }
    }
}

#[async_trait]
impl JoinLinks for JoinLinkService {
    /// Follows the link `hash` as `caller`:
    /// - scheduled, and the caller is the teacher within `start_window` of
    ///   the start (or later): the class starts, then as live;
    /// - scheduled otherwise: a countdown;
    /// - live: the caller joins, capacity included, as `POST …/join`;
    /// - ended or cancelled: refused.
    ///
    /// # Errors
    /// `NotFound` (also a malformed hash or another tenant's class), `Ended`,
    /// `Cancelled`, `Join` (full, provider), `Start`, `Store`.
    async fn follow(
        &self,
        caller: &Caller,
        hash: &JoinHash,
    ) -> Result<JoinLinkOutcome, FollowJoinLinkError> {
        let class = self
            .links
            .find_by_join_hash(&caller.tenant_id, hash)
            .await?
            .ok_or(FollowJoinLinkError::NotFound)?;
        match class.status {
            ClassStatus::Ended => return Err(FollowJoinLinkError::Ended),
            ClassStatus::Cancelled => return Err(FollowJoinLinkError::Cancelled),
            ClassStatus::Live => {}
            ClassStatus::Scheduled => {
                let now = self.clock.now();
                let opens = crate::instant::earlier(class.scheduled_at, self.policy.start_window);
                if !(class.is_creator(&caller.user_id) && now >= opens) {
                    let seconds_until_start = (class.scheduled_at - now).whole_seconds().max(0);
                    return Ok(JoinLinkOutcome::Countdown {
                        class: Box::new(class),
                        seconds_until_start,
                    });
                }
                match self.classes.start(caller, class.id).await {
                    Ok(_) => {}
                    // Started meanwhile by another request of the teacher.
                    Err(TransitionClassError::Refused(TransitionError::InvalidTransition {
                        from: ClassStatus::Live,
                        ..
                    })) => {}
                    Err(e) => return Err(FollowJoinLinkError::Start(e)),
                }
            }
        }
        match self.classes.join(caller, class.id).await {
            Ok(joined) => Ok(JoinLinkOutcome::Joined(Box::new(joined))),
            Err(JoinClassError::NotLive(ClassStatus::Ended)) => Err(FollowJoinLinkError::Ended),
            Err(JoinClassError::NotLive(ClassStatus::Cancelled)) => {
                Err(FollowJoinLinkError::Cancelled)
            }
            Err(e) => Err(FollowJoinLinkError::Join(e)),
        }
    }
}
