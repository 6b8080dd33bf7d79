//! The status lifecycle: `scheduled → live → ended`, `scheduled → cancelled`.
//! Only the creator moves a class along it.

use super::model::{ClassStatus, LiveClass};
use crate::ids::UserId;

/// Why a transition was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// Refused: “Only the class creator can … the class”.
    #[error("Only the class creator can {action} the class")]
    NotCreator {
        /// What was asked (`start`, `end`, `cancel`).
        action: &'static str,
    },
    /// Refused: “Cannot … class with status: …”.
    #[error("Cannot {action} class with status: {from}")]
    InvalidTransition {
        /// What was asked (`start`, `end`, `cancel`).
        action: &'static str,
        /// The status it had.
        from: ClassStatus,
        /// The status asked for.
        to: ClassStatus,
    },
}

impl ClassStatus {
    /// The lifecycle's edges. Everything else, `scheduled → ended` included,
    /// is refused.
    pub const fn can_become(self, to: ClassStatus) -> bool {
        matches!(
            (self, to),
            (Self::Scheduled, Self::Live)
                | (Self::Live, Self::Ended)
                | (Self::Scheduled, Self::Cancelled)
        )
    }
}

impl LiveClass {
    /// Checks that `user` may move this class to `to`.
    ///
    /// # Errors
    /// [`TransitionError::NotCreator`] for anyone but the creator, then
    /// [`TransitionError::InvalidTransition`] when the lifecycle has no such edge.
    pub fn check_transition(&self, user: &UserId, to: ClassStatus) -> Result<(), TransitionError> {
        let action = action_name(to);
        if !self.is_creator(user) {
            return Err(TransitionError::NotCreator { action });
        }
        ensure_edge(self.status, to)
    }
}

/// # Errors
/// [`TransitionError::InvalidTransition`] when `from → to` is not an edge.
pub fn ensure_edge(from: ClassStatus, to: ClassStatus) -> Result<(), TransitionError> {
    if from.can_become(to) {
        Ok(())
    } else {
        Err(TransitionError::InvalidTransition {
            action: action_name(to),
            from,
            to,
        })
    }
}

const fn action_name(to: ClassStatus) -> &'static str {
    match to {
        ClassStatus::Live => "start",
        ClassStatus::Ended => "end",
        ClassStatus::Cancelled => "cancel",
        ClassStatus::Scheduled => "reschedule",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ClassStatus::*;

    #[test]
    fn only_the_documented_edges_exist() {
        let allowed = [(Scheduled, Live), (Live, Ended), (Scheduled, Cancelled)];
        for from in ClassStatus::ALL {
            for to in ClassStatus::ALL {
                assert_eq!(
                    from.can_become(to),
                    allowed.contains(&(from, to)),
                    "{from} → {to}"
                );
            }
        }
    }

    #[test]
    fn refusals_read_like_the_seed() {
        let err = ensure_edge(Live, Live).unwrap_err();
        assert_eq!(err.to_string(), "Cannot start class with status: live");
        let err = ensure_edge(Scheduled, Ended).unwrap_err();
        assert_eq!(err.to_string(), "Cannot end class with status: scheduled");
    }
}
