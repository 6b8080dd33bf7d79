//! Who may join a class: its admission policy (issue 12).

use std::fmt;

use crate::validation::{Field, ValidationError};

/// Who may join a live class, checked inside the atomic admission
/// ([`super::ParticipationRepository::admit`]) together with capacity, so a
/// rule and a concurrent join never race.
///
/// The class's creator (its teacher) is admitted under every policy: a
/// teacher is never locked out of their own class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum AdmissionPolicy {
    /// Any user of the tenant may join while there is a seat.
    #[default]
    Open,
    /// Users ask to join (`POST /live-classes/{id}/requests`) and only those
    /// a moderator approved may join (seed 004); a withdrawn approval removes
    /// the user from the class.
    Approval,
    /// Only users on the roster of the class's course may join (seed 001's
    /// cohorts); a class with this policy must belong to a course.
    Roster,
}

impl AdmissionPolicy {
    /// Every policy.
    pub const ALL: [Self; 3] = [Self::Open, Self::Approval, Self::Roster];

    /// The policy's name, as stored and shown.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Approval => "approval",
            Self::Roster => "roster",
        }
    }

    /// # Errors
    /// Anything but `open`, `approval` or `roster`.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == raw)
            .ok_or_else(|| {
                ValidationError::new(
                    Field::AdmissionPolicy,
                    format!("must be open, approval or roster (got `{raw}`)"),
                )
            })
    }

    /// Whether a class with this policy needs a course.
    pub const fn needs_course(self) -> bool {
        matches!(self, Self::Roster)
    }
}

impl fmt::Display for AdmissionPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A class's policy must be one it can apply: `roster` needs a course.
///
/// # Errors
/// `roster` without a course.
pub fn check_policy(policy: AdmissionPolicy, has_course: bool) -> Result<(), ValidationError> {
    if policy.needs_course() && !has_course {
        return Err(ValidationError::new(
            Field::AdmissionPolicy,
            "roster needs the class to belong to a course (courseId)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_parse_from_their_names_only() {
        for p in AdmissionPolicy::ALL {
            assert_eq!(AdmissionPolicy::parse(p.as_str()), Ok(p));
        }
        assert_eq!(
            AdmissionPolicy::parse("Roster").unwrap_err().field,
            Field::AdmissionPolicy
        );
        assert_eq!(AdmissionPolicy::default(), AdmissionPolicy::Open);
    }

    #[test]
    fn a_roster_policy_needs_a_course() {
        assert!(check_policy(AdmissionPolicy::Roster, false).is_err());
        assert!(check_policy(AdmissionPolicy::Roster, true).is_ok());
        assert!(check_policy(AdmissionPolicy::Open, false).is_ok());
    }
}
