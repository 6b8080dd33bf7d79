//! The schedule repository port: schedules, and the generation of their
//! classes, applied atomically.

use std::collections::HashSet;

use async_trait::async_trait;
use time::{Date, OffsetDateTime};

use super::model::{CourseId, Occurrence, Schedule, ScheduleId};
use crate::class::{Capacity, ClassCounts, LiveClass, Title};
use crate::ids::{TenantId, UserId};
use crate::store::RepoError;
use crate::video::Room;

/// What every class of a schedule shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassTemplate {
    /// The title.
    pub title: Title,
    /// The teacher of the generated classes.
    pub teacher_id: UserId,
    /// The most participants a class admits at once.
    pub max_participants: Capacity,
    /// The course (cohort).
    pub course_id: CourseId,
}

/// The classes a schedule should have from `now` on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerationPlan {
    /// The tenant.
    pub tenant_id: TenantId,
    /// The schedule.
    pub schedule_id: ScheduleId,
    /// The instant the plan was made.
    pub now: OffsetDateTime,
    /// What every class shares.
    pub template: ClassTemplate,
    /// Every occurrence that starts after `now`, the new ones included.
    pub occurrences: Vec<Occurrence>,
    /// Classes (rooms made) for the occurrences that had none when planned.
    pub new_classes: Vec<LiveClass>,
}

/// What applying a plan did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GenerationOutcome {
    /// Classes created.
    pub created: u32,
    /// Classes updated.
    pub updated: u32,
    /// Rooms of the classes removed, to delete at the provider.
    pub removed: Vec<Room>,
    /// Rooms of new classes that were not inserted because a class for the
    /// same occurrence already existed (a concurrent generation won).
    pub unused: Vec<Room>,
}

/// Stores schedules and applies their generation plans.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ScheduleRepository: Send + Sync {
    /// Stores a new schedule.
    ///
    /// # Errors
    /// `Unexpected` (also when the id is taken).
    async fn insert(&self, schedule: &Schedule) -> Result<(), RepoError>;

    /// The schedule with this id in this tenant; `None` for another tenant's.
    ///
    /// # Errors
    /// `Unavailable`, `Unexpected`.
    async fn find(&self, tenant: &TenantId, id: ScheduleId) -> Result<Option<Schedule>, RepoError>;

    /// The tenant's schedules, of one course when given, oldest first.
    ///
    /// # Errors
    /// `Unavailable`, `Unexpected`.
    async fn list(
        &self,
        tenant: &TenantId,
        course: Option<CourseId>,
    ) -> Result<Vec<Schedule>, RepoError>;

    /// Every schedule of every tenant (for `server generate-classes`).
    ///
    /// # Errors
    /// `Unavailable`, `Unexpected`.
    async fn list_all(&self) -> Result<Vec<Schedule>, RepoError>;

    /// Replaces a stored schedule's definition; `false` when there is none.
    ///
    /// # Errors
    /// `Unavailable`, `Unexpected`.
    async fn update(&self, schedule: &Schedule) -> Result<bool, RepoError>;

    /// Removes a schedule (not its classes); `false` when there is none.
    ///
    /// # Errors
    /// `Unavailable`, `Unexpected`.
    async fn delete(&self, tenant: &TenantId, id: ScheduleId) -> Result<bool, RepoError>;

    /// The occurrence dates that already have a class, in any status.
    ///
    /// # Errors
    /// `Unavailable`, `Unexpected`.
    async fn occurrence_dates(
        &self,
        tenant: &TenantId,
        id: ScheduleId,
    ) -> Result<HashSet<Date>, RepoError>;

    /// Applies `plan` in one transaction:
    /// - inserts each new class unless its schedule already has a class for
    ///   that occurrence date — **the database's unique key on (schedule,
    ///   occurrence date) decides**, so concurrent generations create each
    ///   class once; the rooms of classes not inserted are in `unused`;
    /// - updates (time, end, title, teacher, capacity; `SEQUENCE` + 1) every
    ///   other class of a planned occurrence that is still changeable;
    /// - deletes the schedule's changeable classes whose date is not planned.
    ///
    /// Changeable: `scheduled`, never started, no participant ever, and
    /// starting after `plan.now`. Live, ended and cancelled classes, past
    /// ones and ones with participants are never touched.
    ///
    /// # Errors
    /// `Unavailable`, `Unexpected`; nothing is written then.
    async fn apply_generation(&self, plan: &GenerationPlan)
    -> Result<GenerationOutcome, RepoError>;

    /// The schedule's classes starting at or after `from` that are neither
    /// ended nor cancelled, soonest first, at most `limit`.
    ///
    /// # Errors
    /// `Unavailable`, `Unexpected`.
    async fn upcoming_classes(
        &self,
        tenant: &TenantId,
        id: ScheduleId,
        from: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<(LiveClass, ClassCounts)>, RepoError>;
}
