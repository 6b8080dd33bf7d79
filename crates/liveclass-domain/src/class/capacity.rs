//! The capacity rule: a class admits at most `maxParticipants` active
//! participants. The repository enforces it atomically (see
//! [`super::ports::ParticipationRepository::admit`]); these are the values and
//! the arithmetic.

use crate::validation::{Field, ValidationError};

/// The most participants a class admits at once: at least 1, and at most
/// the deployment's maximum ([`ClassPolicy::check`]).
///
/// Two ways in: [`Capacity::parse`] checks the policy's bound at once (the
/// HTTP edge uses it, with the service's [`ClassPolicy`], so its messages
/// name the deployment's limit); [`Capacity::new`] takes any positive value
/// and leaves the bound to the service, which checks every capacity it is
/// given against its policy either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Capacity(u32);

impl Capacity {
    /// A capacity within the policy's bounds.
    ///
    /// # Errors
    /// Outside `1..=policy.max_capacity`.
    pub fn parse(value: i64, policy: &ClassPolicy) -> Result<Self, ValidationError> {
        match u32::try_from(value) {
            Ok(v) if (1..=policy.max_capacity).contains(&v) => Ok(Self(v)),
            _ => Err(ValidationError::new(
                Field::Capacity,
                format!("must be between 1 and {}", policy.max_capacity),
            )),
        }
    }

    /// Any positive capacity, without a deployment's policy: the service
    /// that uses it checks it against its [`ClassPolicy`].
    ///
    /// # Errors
    /// Zero.
    pub fn new(value: u32) -> Result<Self, ValidationError> {
        if value == 0 {
            return Err(ValidationError::new(Field::Capacity, "must be at least 1"));
        }
        Ok(Self(value))
    }

    /// For values read back from storage, which were validated when written.
    pub const fn from_stored(value: u32) -> Self {
        Self(value)
    }

    /// The number of participants.
    pub const fn get(self) -> u32 {
        self.0
    }
}

/// The seats a live class needs now: one per participant in it other than
/// its creator, plus the seat held for the creator whether or not they are
/// in (seed 004: a teacher is never locked out of their own class). A
/// capacity below it is refused.
pub fn seats_taken(others_active: u32) -> u32 {
    others_active.saturating_add(1)
}

/// Deployment-wide limits on classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassPolicy {
    /// Upper bound for `maxParticipants` (default 500).
    pub max_capacity: u32,
    /// `maxParticipants` when a class is created without one (default 200).
    pub default_capacity: u32,
}

impl ClassPolicy {
    /// `capacity` if the policy allows it.
    ///
    /// # Errors
    /// Above `max_capacity`, with the same message as [`Capacity::parse`].
    pub fn check(&self, capacity: Capacity) -> Result<Capacity, ValidationError> {
        if capacity.get() > self.max_capacity {
            return Err(ValidationError::new(
                Field::Capacity,
                format!("must be between 1 and {}", self.max_capacity),
            ));
        }
        Ok(capacity)
    }

    /// The capacity of a class created without one.
    pub const fn default_class_capacity(&self) -> Capacity {
        Capacity(self.default_capacity)
    }
}

impl Default for ClassPolicy {
    fn default() -> Self {
        Self {
            max_capacity: 500,
            default_capacity: 200,
        }
    }
}

/// `active / capacity` as a whole percentage, rounded to nearest (42 of 150 → 28).
pub fn capacity_used_percent(active: u32, capacity: Capacity) -> u32 {
    let cap = u64::from(capacity.get().max(1));
    let pct = (u64::from(active) * 100 + cap / 2) / cap;
    u32::try_from(pct).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_is_bounded_by_the_policy() {
        let policy = ClassPolicy::default();
        assert_eq!(Capacity::parse(1, &policy).map(Capacity::get), Ok(1));
        assert_eq!(Capacity::parse(500, &policy).map(Capacity::get), Ok(500));
        for bad in [0, -1, 501, i64::MAX] {
            let err = Capacity::parse(bad, &policy).unwrap_err();
            assert_eq!(err.field, Field::Capacity);
            assert_eq!(err.message, "must be between 1 and 500");
        }
        let bigger = ClassPolicy {
            max_capacity: 1000,
            ..policy
        };
        assert!(Capacity::parse(1000, &bigger).is_ok());
    }

    #[test]
    fn capacity_used_is_rounded_to_a_whole_percent() {
        assert_eq!(capacity_used_percent(42, Capacity(150)), 28);
        assert_eq!(capacity_used_percent(0, Capacity(150)), 0);
        assert_eq!(capacity_used_percent(1, Capacity(3)), 33);
        assert_eq!(capacity_used_percent(2, Capacity(3)), 67);
        assert_eq!(capacity_used_percent(500, Capacity(500)), 100);
    }
}
