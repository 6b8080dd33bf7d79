//! The attendance report's errors.

use crate::store::RepoError;

/// Reading a class's attendance.
#[derive(Debug, thiserror::Error)]
pub enum AttendanceError {
    /// No such class in the caller's tenant.
    #[error("Live class not found")]
    NotFound,
    /// Refused: only the class's moderators (its creator, co-hosts, the
    /// tenant's managers) see its attendance.
    #[error("Only the class's creator, co-hosts and managers can see its attendance")]
    Forbidden,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}

/// Reading a course's attendance, or one's own in a course.
#[derive(Debug, thiserror::Error)]
pub enum CourseAttendanceError {
    /// A filter value was refused (`from` after `to`).
    #[error(transparent)]
    Invalid(#[from] crate::validation::ValidationError),
    /// Refused: only the tenant's managers see a course's attendance.
    #[error("Only training managers and organisation admins can see a course's attendance")]
    Forbidden,
    /// More classes than one report covers.
    #[error("The range holds more than {0} classes; narrow `from` and `to`")]
    TooManyClasses(usize),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] RepoError),
}
