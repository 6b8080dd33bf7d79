//! Join links (`/join/{hash}`, seed 001): one URL per class that shows a
//! countdown before the class, lets the teacher start it shortly before its
//! time, and takes everyone into it while it is live.

use std::sync::Arc;

use async_trait::async_trait;
use time::Duration;

use crate::caller::Caller;
use crate::class::TransitionError;
use crate::class::errors::{JoinClassError, TransitionClassError};
use crate::class::{ClassStatus, JoinHash, Joined, LiveClass, LiveClassService, RepoError};
use crate::clock::Clock;
use crate::ids::TenantId;

/// Finds classes by their join hash.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait JoinLinkRepository: Send + Sync {
    /// The class with this join hash in this tenant; `None` for another
    /// tenant's class.
    ///
    /// # Errors
    /// `Unavailable`, `Unexpected`.
    async fn find_by_join_hash(
        &self,
        tenant: &TenantId,
        hash: &JoinHash,
    ) -> Result<Option<LiveClass>, RepoError>;
}

/// How early the teacher's link starts a class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JoinLinkPolicy {
    /// Default 15 minutes.
    pub start_window: Duration,
}

impl Default for JoinLinkPolicy {
    fn default() -> Self {
        Self {
            start_window: Duration::minutes(15),
        }
    }
}

/// What following a link leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinLinkOutcome {
    /// The class has not started: wait.
    Countdown {
        class: Box<LiveClass>,
        /// Never negative: 0 once the start time has passed.
        seconds_until_start: i64,
    },
    /// The caller is in the class, recorded exactly as `POST …/join` does.
    Joined(Box<Joined>),
}

#[derive(Debug, thiserror::Error)]
pub enum FollowJoinLinkError {
    #[error("Join link not found")]
    NotFound,
    #[error("This live class has ended")]
    Ended,
    #[error("This live class was cancelled")]
    Cancelled,
    #[error(transparent)]
    Join(JoinClassError),
    #[error(transparent)]
    Start(TransitionClassError),
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Follows join links.
pub struct JoinLinkService {
    links: Arc<dyn JoinLinkRepository>,
    classes: Arc<LiveClassService>,
    clock: Arc<dyn Clock>,
    policy: JoinLinkPolicy,
}

impl JoinLinkService {
    pub fn new(
        links: Arc<dyn JoinLinkRepository>,
        classes: Arc<LiveClassService>,
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
    pub async fn follow(
        &self,
        caller: &Caller,
        hash: &str,
    ) -> Result<JoinLinkOutcome, FollowJoinLinkError> {
        let hash = JoinHash::parse(hash).map_err(|_| FollowJoinLinkError::NotFound)?;
        let class = self
            .links
            .find_by_join_hash(&caller.tenant_id, &hash)
            .await?
            .ok_or(FollowJoinLinkError::NotFound)?;
        match class.status {
            ClassStatus::Ended => return Err(FollowJoinLinkError::Ended),
            ClassStatus::Cancelled => return Err(FollowJoinLinkError::Cancelled),
            ClassStatus::Live => {}
            ClassStatus::Scheduled => {
                let now = self.clock.now();
                let opens = class.scheduled_at - self.policy.start_window;
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

#[cfg(test)]
mod tests;
