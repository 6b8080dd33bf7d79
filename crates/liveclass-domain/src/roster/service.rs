//! The roster use cases: managers keep who belongs to a course.

use std::sync::Arc;

use async_trait::async_trait;

use super::errors::{ChangeRosterError, GetRosterError};
use super::model::RosterUsers;
use super::ports::RosterRepository;
use crate::caller::Caller;
use crate::clock::Clock;
use crate::ids::UserId;
use crate::schedule::CourseId;

/// Course rosters, in the caller's tenant. Only callers who manage classes
/// (training managers, organisation admins) read or change them.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait Rosters: Send + Sync {
    /// The course's roster, sorted by user id (empty for an unknown course).
    ///
    /// # Errors
    /// `Forbidden`, `Store`.
    async fn get(&self, caller: &Caller, course: &CourseId) -> Result<Vec<UserId>, GetRosterError>;

    /// Makes the roster exactly `users` (idempotent) and returns it.
    ///
    /// # Errors
    /// `Forbidden`, `Store`.
    async fn replace(
        &self,
        caller: &Caller,
        course: &CourseId,
        users: RosterUsers,
    ) -> Result<Vec<UserId>, ChangeRosterError>;

    /// Adds one user; `true` when they were not on it before.
    ///
    /// # Errors
    /// `Forbidden`, `Store`.
    async fn add(
        &self,
        caller: &Caller,
        course: &CourseId,
        user: &UserId,
    ) -> Result<bool, ChangeRosterError>;

    /// Removes one user; `true` when they were on it. It does not remove them
    /// from a class they are in now; it refuses their next joins of the
    /// course's `roster` classes.
    ///
    /// # Errors
    /// `Forbidden`, `Store`.
    async fn remove(
        &self,
        caller: &Caller,
        course: &CourseId,
        user: &UserId,
    ) -> Result<bool, ChangeRosterError>;
}

/// The roster use cases over their port.
pub struct RosterService {
    rosters: Arc<dyn RosterRepository>,
    clock: Arc<dyn Clock>,
}

impl RosterService {
    /// The service over its port and clock.
    pub fn new(rosters: Arc<dyn RosterRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { rosters, clock }
    }
}

#[async_trait]
impl Rosters for RosterService {
    async fn get(&self, caller: &Caller, course: &CourseId) -> Result<Vec<UserId>, GetRosterError> {
        if !caller.can_manage_classes() {
            return Err(GetRosterError::Forbidden);
        }
        Ok(self.rosters.list(&caller.tenant_id, course).await?)
    }

    async fn replace(
        &self,
        caller: &Caller,
        course: &CourseId,
        users: RosterUsers,
    ) -> Result<Vec<UserId>, ChangeRosterError> {
        if !caller.can_manage_classes() {
            return Err(ChangeRosterError::Forbidden);
        }
        self.rosters
            .replace(
                &caller.tenant_id,
                course,
                users.as_slice(),
                self.clock.now(),
            )
            .await?;
        Ok(users.as_slice().to_vec())
    }

    async fn add(
        &self,
        caller: &Caller,
        course: &CourseId,
        user: &UserId,
    ) -> Result<bool, ChangeRosterError> {
        if !caller.can_manage_classes() {
            return Err(ChangeRosterError::Forbidden);
        }
        Ok(self
            .rosters
            .add(&caller.tenant_id, course, user, self.clock.now())
            .await?)
    }

    async fn remove(
        &self,
        caller: &Caller,
        course: &CourseId,
        user: &UserId,
    ) -> Result<bool, ChangeRosterError> {
        if !caller.can_manage_classes() {
            return Err(ChangeRosterError::Forbidden);
        }
        Ok(self.rosters.remove(&caller.tenant_id, course, user).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::caller::Role;
    use crate::clock::FixedClock;
    use crate::ids::TenantId;
    use crate::roster::MockRosterRepository;
    use time::macros::datetime;

    fn caller(roles: Vec<Role>) -> Caller {
        Caller {
            user_id: UserId::parse("u1").unwrap(),
            tenant_id: TenantId::parse("acme").unwrap(),
            roles,
            name: None,
        }
    }

    fn service(repo: MockRosterRepository) -> RosterService {
        RosterService::new(
            Arc::new(repo),
            Arc::new(FixedClock::at(datetime!(2030-01-01 0:00 UTC))),
        )
    }

    #[tokio::test]
    async fn students_may_neither_read_nor_change_a_roster() {
        // The repository is never called: a mock with no expectation panics.
        let s = service(MockRosterRepository::new());
        let student = caller(vec![Role::Other("student".into())]);
        let course = CourseId::parse("c1").unwrap();
        let user = UserId::parse("u2").unwrap();
        assert!(matches!(
            s.get(&student, &course).await,
            Err(GetRosterError::Forbidden)
        ));
        let users = RosterUsers::parse(&["u2".into()]).unwrap();
        assert!(matches!(
            s.replace(&student, &course, users).await,
            Err(ChangeRosterError::Forbidden)
        ));
        assert!(matches!(
            s.add(&student, &course, &user).await,
            Err(ChangeRosterError::Forbidden)
        ));
        assert!(matches!(
            s.remove(&student, &course, &user).await,
            Err(ChangeRosterError::Forbidden)
        ));
    }

    #[tokio::test]
    async fn a_manager_replaces_the_roster_in_the_own_tenant_at_the_clock_s_instant() {
        let mut repo = MockRosterRepository::new();
        repo.expect_replace()
            .withf(|tenant, course, users, at| {
                tenant.as_str() == "acme"
                    && course.as_str() == "c1"
                    && users.iter().map(UserId::as_str).eq(["a", "b"])
                    && *at == datetime!(2030-01-01 0:00 UTC)
            })
            .times(1)
            .returning(|_, _, _, _| Ok(()));
        let s = service(repo);
        let users = RosterUsers::parse(&["b".into(), "a".into()]).unwrap();
        let got = s
            .replace(
                &caller(vec![Role::TrainingManager]),
                &CourseId::parse("c1").unwrap(),
                users,
            )
            .await
            .unwrap();
        assert_eq!(got.len(), 2);
    }
}
