//! A roster's user ids, parsed.

use crate::ids::UserId;
use crate::validation::{Field, ValidationError};

/// The user ids of a whole roster: at most [`RosterUsers::MAX`], each a valid
/// user id, duplicates removed, sorted (so the stored roster and its answer
/// do not depend on the order given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterUsers(Vec<UserId>);

impl RosterUsers {
    /// The most users one roster holds (and one `PUT` sets).
    pub const MAX: usize = 5000;

    /// # Errors
    /// More than [`Self::MAX`] ids, or an id that is not a user id (named
    /// with its position).
    pub fn parse(raw: &[String]) -> Result<Self, ValidationError> {
        if raw.len() > Self::MAX {
            return Err(ValidationError::new(
                Field::RosterUsers,
                format!("must hold at most {} user ids", Self::MAX),
            ));
        }
        let mut users = raw
            .iter()
            .enumerate()
            .map(|(i, id)| {
                UserId::parse(id).map_err(|e| {
                    ValidationError::new(Field::RosterUsers, format!("[{i}] {}", e.message))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        users.sort_unstable_by(|a, b| a.as_str().cmp(b.as_str()));
        users.dedup();
        Ok(Self(users))
    }

    /// The users, sorted, without duplicates.
    pub fn as_slice(&self) -> &[UserId] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roster_users_are_sorted_and_deduplicated() {
        let users = RosterUsers::parse(&["b".into(), "a".into(), "b".into()]).unwrap();
        let names: Vec<&str> = users.as_slice().iter().map(UserId::as_str).collect();
        assert_eq!(names, ["a", "b"]);
        assert!(RosterUsers::parse(&[]).unwrap().as_slice().is_empty());
    }

    #[test]
    fn a_bad_user_id_is_named_by_its_position_and_the_size_is_bounded() {
        let err = RosterUsers::parse(&["a".into(), " ".into()]).unwrap_err();
        assert_eq!(err.field, Field::RosterUsers);
        assert!(err.message.starts_with("[1]"), "{}", err.message);
        let many: Vec<String> = (0..=RosterUsers::MAX).map(|i| format!("u{i}")).collect();
        assert_eq!(
            RosterUsers::parse(&many).unwrap_err().field,
            Field::RosterUsers
        );
    }
}
