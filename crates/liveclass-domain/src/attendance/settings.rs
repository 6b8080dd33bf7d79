//! A tenant's own attendance grace periods: an organisation admin sets
//! them; without them the server's (`LIVECLASS_ATTENDANCE_*`) apply.

use time::{Duration, OffsetDateTime};

use super::model::AttendancePolicy;
use crate::ids::UserId;
use crate::validation::{Field, ValidationError};

/// The longest grace period accepted: a whole day, in minutes.
pub const MAX_GRACE_MINUTES: u32 = 1440;

/// A tenant's grace periods as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantAttendancePolicy {
    /// The grace periods.
    pub policy: AttendancePolicy,
    /// When they were last set.
    pub updated_at: OffsetDateTime,
    /// By whom.
    pub updated_by: UserId,
}

/// The grace periods a tenant's reports use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendanceSettings {
    /// What applies.
    pub policy: AttendancePolicy,
    /// The tenant's own, when set; `None`: the server's defaults apply.
    pub tenant: Option<TenantAttendancePolicy>,
}

/// Grace periods in whole minutes, as an admin gives them.
///
/// # Errors
/// A value above [`MAX_GRACE_MINUTES`].
pub fn grace_periods(
    late_after_minutes: u32,
    left_early_minutes: u32,
) -> Result<AttendancePolicy, ValidationError> {
    let check = |field, minutes: u32| {
        if minutes > MAX_GRACE_MINUTES {
            Err(ValidationError::new(
                field,
                format!("must be between 0 and {MAX_GRACE_MINUTES} minutes"),
            ))
        } else {
            Ok(Duration::minutes(i64::from(minutes)))
        }
    };
    Ok(AttendancePolicy {
        late_after: check(Field::LateAfterMinutes, late_after_minutes)?,
        left_early_before: check(Field::LeftEarlyMinutes, left_early_minutes)?,
    })
}

/// Reading or changing a tenant's attendance settings.
#[derive(Debug, thiserror::Error)]
pub enum AttendanceSettingsError {
    /// A value was refused.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// Refused: managers read them; only organisation admins change them.
    #[error("{0}")]
    Forbidden(&'static str),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] crate::store::RepoError),
}
