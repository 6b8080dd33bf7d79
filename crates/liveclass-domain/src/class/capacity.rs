//! The capacity rule: a class admits at most `maxParticipants` active
//! participants. The repository enforces it atomically (see
//! [`super::ports::ParticipationRepository::admit`]); these are the values and
//! the arithmetic.

use crate::validation::ValidationError;

/// The most participants a class admits at once: 1..=the policy's maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Capacity(u32);

impl Capacity {
    /// # Errors
    /// Outside `1..=policy.max_capacity`.
    pub fn parse(value: i64, policy: &ClassPolicy) -> Result<Self, ValidationError> {
        match u32::try_from(value) {
            Ok(v) if (1..=policy.max_capacity).contains(&v) => Ok(Self(v)),
            _ => Err(ValidationError::new(
                "maxParticipants",
                format!("must be between 1 and {}", policy.max_capacity),
            )),
        }
    }

    /// For values read back from storage, which were validated when written.
    pub const fn from_stored(value: u32) -> Self {
        Self(value)
    }

    pub const fn get(self) -> u32 {
        self.0
    }
}

/// Deployment-wide limits on classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassPolicy {
    /// Upper bound for `maxParticipants` (default 500).
    pub max_capacity: u32,
    /// `maxParticipants` when a class is created without one (default 200).
    pub default_capacity: u32,
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
            assert_eq!(err.field, "maxParticipants");
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
