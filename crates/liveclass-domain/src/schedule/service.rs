//! The schedule use cases: CRUD, and the generation of each schedule's
//! classes (in the request that changes the schedule, and for every schedule
//! from `server generate-classes`).

use std::sync::Arc;

use async_trait::async_trait;

use time::{Duration, OffsetDateTime};

use super::errors::{
    CreateScheduleError, DeleteScheduleError, GenerateClassesError, GenerationFailure,
    GetScheduleError, ListSchedulesError, UpdateScheduleError,
};
use super::model::{
    CourseId, Frequency, OccurrenceRef, Schedule, ScheduleId, ScheduleInput, SchedulePolicy,
    ScheduleSpec,
};
use super::ports::{ClassTemplate, GenerationPlan, ScheduleRepository};
use crate::caller::Caller;
use crate::class::{ClassCounts, ClassStatus, LiveClass};
use crate::clock::Clock;
use crate::ids::IdGenerator;
use crate::store::RepoError;
use crate::video::{Room, RoomSpec, VideoProvider};

/// How many upcoming classes a schedule's view shows.
pub const UPCOMING_LIMIT: u32 = 50;

/// How long the request that creates or changes a schedule (or a worker pass
/// that claimed it) owns its generation: should the classes not be written
/// by then, the generation worker of any process generates them.
pub const GENERATION_LEASE: Duration = Duration::minutes(2);

/// Schedules one pass of the generation worker claims.
pub const GENERATION_BATCH: u32 = 10;

/// Fields to change; `None` keeps the current value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchedulePatch {
    /// The course (cohort).
    pub course_id: Option<String>,
    /// The title.
    pub title: Option<String>,
    /// The teacher of the generated classes.
    pub teacher_id: Option<String>,
    /// The most participants a class admits at once.
    pub max_participants: Option<i64>,
    /// The IANA time zone of the start time.
    pub timezone: Option<String>,
    /// The local wall-clock start.
    pub start_time: Option<String>,
    /// How long each class lasts, in minutes.
    pub duration_minutes: Option<i64>,
    /// How often the schedule repeats.
    pub frequency: Option<String>,
    /// Every n-th day, week or month.
    pub interval: Option<i64>,
    /// Weekly schedules' weekdays (RFC 5545 codes).
    pub weekdays: Option<Vec<String>>,
    /// The first local date.
    pub starts_on: Option<String>,
    /// The last local date (inclusive).
    pub ends_on: Option<String>,
    /// The admission policy of the generated classes.
    pub admission_policy: Option<String>,
}

/// What a generation did, in counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GenerationReport {
    /// Classes created.
    pub created: u32,
    /// Classes updated.
    pub updated: u32,
    /// Classes removed.
    pub removed: u32,
}

impl std::ops::AddAssign for GenerationReport {
    fn add_assign(&mut self, other: Self) {
        self.created += other.created;
        self.updated += other.updated;
        self.removed += other.removed;
    }
}

/// A schedule with its upcoming classes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleView {
    /// The schedule.
    pub schedule: Schedule,
    /// Its upcoming classes, soonest first.
    pub upcoming: Vec<(LiveClass, ClassCounts)>,
    /// What the request generated; all zero for reads.
    pub generation: GenerationReport,
}

/// The schedule use cases, as the HTTP layer and `server generate-classes`
/// call them. [`ScheduleService`] is the implementation; with the `mocks`
/// feature, `MockSchedules` replaces it in tests.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait Schedules: Send + Sync {
    /// The deployment's limits on schedules.
    fn policy(&self) -> SchedulePolicy;

    /// Creates a schedule from its parsed definition (see
    /// [`ScheduleSpec::parse`]) and generates its future classes.
    ///
    /// # Errors
    /// `Forbidden`, `Invalid` (capacity above the policy's maximum),
    /// `TooManyOccurrences`, `Video`, `Store`.
    async fn create(
        &self,
        caller: &Caller,
        spec: ScheduleSpec,
    ) -> Result<ScheduleView, CreateScheduleError>;

    /// The caller's tenant's schedules, of one course when given.
    ///
    /// # Errors
    /// `Forbidden`, `Store`.
    async fn list(
        &self,
        caller: &Caller,
        course: Option<CourseId>,
    ) -> Result<Vec<Schedule>, ListSchedulesError>;

    /// One schedule with its upcoming classes.
    ///
    /// # Errors
    /// `Forbidden`, `NotFound` (also another tenant's), `Store`.
    async fn get(&self, caller: &Caller, id: ScheduleId) -> Result<ScheduleView, GetScheduleError>;

    /// Changes a schedule and regenerates its future classes that have not
    /// started and have no participants.
    ///
    /// # Errors
    /// `Forbidden`, `NotFound`, `Invalid`, `TooManyOccurrences`, `Video`,
    /// `Store`.
    async fn update(
        &self,
        caller: &Caller,
        id: ScheduleId,
        patch: SchedulePatch,
    ) -> Result<ScheduleView, UpdateScheduleError>;

    /// Removes a schedule and its future classes that have not started and
    /// have no participants.
    ///
    /// # Errors
    /// `Forbidden`, `NotFound`, `Store`.
    async fn delete(
        &self,
        caller: &Caller,
        id: ScheduleId,
    ) -> Result<GenerationReport, DeleteScheduleError>;

    /// Regenerates the classes of every schedule of every tenant.
    ///
    /// # Errors
    /// The first failure; schedules before it were regenerated.
    async fn generate_all(&self) -> Result<GenerationReport, GenerateClassesError>;

    /// One pass of the generation worker: generates the classes of the
    /// schedules whose creation or change did not complete (the process
    /// died, or the provider failed, between storing the schedule and
    /// writing its classes) once their [`GENERATION_LEASE`] has passed.
    ///
    /// # Errors
    /// The first failure, after every claimed schedule was tried; those
    /// that failed are claimed again after the lease.
    async fn complete_pending(&self) -> Result<GenerationReport, GenerateClassesError>;
}

/// The schedule use cases.
pub struct ScheduleService {
    schedules: Arc<dyn ScheduleRepository>,
    video: Arc<dyn VideoProvider>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
    policy: SchedulePolicy,
}

impl ScheduleService {
    /// The service over its store, the provider, a clock, an id generator and its policy.
    pub fn new(
        schedules: Arc<dyn ScheduleRepository>,
        video: Arc<dyn VideoProvider>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
        policy: SchedulePolicy,
    ) -> Self {
        Self {
            schedules,
            video,
            clock,
            ids,
            policy,
        }
    }

    async fn view(
        &self,
        schedule: Schedule,
        now: OffsetDateTime,
        generation: GenerationReport,
    ) -> Result<ScheduleView, RepoError> {
        let upcoming = self
            .schedules
            .upcoming_classes(&schedule.tenant_id, schedule.id, now, UPCOMING_LIMIT)
            .await?;
        Ok(ScheduleView {
            schedule,
            upcoming,
            generation,
        })
    }

    /// Makes the schedule's future classes match its definition.
    async fn generate(
        &self,
        schedule: &Schedule,
        now: OffsetDateTime,
    ) -> Result<GenerationReport, GenerationFailure> {
        let occurrences: Vec<_> = schedule
            .spec
            .occurrences(self.policy.max_occurrences)
            .map_err(GenerationFailure::TooMany)?
            .into_iter()
            .filter(|o| o.starts_at > now)
            .collect();
        let existing = self
            .schedules
            .occurrence_dates(&schedule.tenant_id, schedule.id)
            .await
            .map_err(GenerationFailure::Store)?;
        let mut new_classes = Vec::new();
        for occurrence in occurrences.iter().filter(|o| !existing.contains(&o.date)) {
            let class_id = self.ids.class_id();
            let room_id = self.ids.room_id();
            let spec = RoomSpec {
                class_id,
                tenant_id: schedule.tenant_id.clone(),
                room_id: room_id.clone(),
                room_name: self.ids.room_name(),
                title: schedule.spec.title.as_str().to_owned(),
                description: None,
                scheduled_at: occurrence.starts_at,
                max_participants: schedule.spec.max_participants.get(),
            };
            let room = match self.video.create_room(&spec).await {
                Ok(room) => room,
                Err(e) => {
                    // Nothing was stored for this plan: give the rooms back.
                    let made: Vec<Room> =
                        new_classes.into_iter().map(|c: LiveClass| c.room).collect();
                    self.delete_rooms(&made).await;
                    return Err(GenerationFailure::Video(e));
                }
            };
            new_classes.push(LiveClass {
                id: class_id,
                tenant_id: schedule.tenant_id.clone(),
                created_by: schedule.spec.teacher_id.clone(),
                title: schedule.spec.title.clone(),
                description: None,
                room_id,
                room,
                status: ClassStatus::Scheduled,
                scheduled_at: occurrence.starts_at,
                scheduled_end: Some(occurrence.ends_at),
                course_id: Some(schedule.spec.course_id.clone()),
                occurrence: Some(OccurrenceRef {
                    schedule_id: schedule.id,
                    date: occurrence.date,
                }),
                join_hash: self.ids.join_hash(),
                ical_sequence: 0,
                started_at: None,
                ended_at: None,
                max_participants: schedule.spec.max_participants,
                admission: schedule.spec.admission,
                co_hosts: Vec::new(),
                recording_url: None,
                created_at: now,
                updated_at: now,
            });
        }
        let plan = GenerationPlan {
            tenant_id: schedule.tenant_id.clone(),
            schedule_id: schedule.id,
            now,
            template: template(schedule),
            occurrences,
            new_classes,
            version: Some(schedule.updated_at),
        };
        self.apply(plan).await
    }

    async fn apply(&self, plan: GenerationPlan) -> Result<GenerationReport, GenerationFailure> {
        let rooms: Vec<Room> = plan.new_classes.iter().map(|c| c.room.clone()).collect();
        let outcome = match self.schedules.apply_generation(&plan).await {
            Ok(outcome) => outcome,
            Err(e) => {
                self.delete_rooms(&rooms).await;
                return Err(GenerationFailure::Store(e));
            }
        };
        self.delete_rooms(&outcome.unused).await;
        self.delete_rooms(&outcome.removed).await;
        Ok(GenerationReport {
            created: outcome.created,
            updated: outcome.updated,
            removed: u32::try_from(outcome.removed.len()).unwrap_or(u32::MAX),
        })
    }

    /// Best effort: a room left behind costs nothing but a log line.
    async fn delete_rooms(&self, rooms: &[Room]) {
        for room in rooms {
            if let Err(e) = self.video.delete_room(room).await {
                tracing::warn!(room = %room.external_id, error = %e, "a room was not deleted");
            }
        }
    }
}

#[async_trait]
impl Schedules for ScheduleService {
    fn policy(&self) -> SchedulePolicy {
        self.policy
    }

    /// Creates a schedule and generates its future classes.
    ///
    /// # Errors
    /// `Forbidden`, `Invalid`, `TooManyOccurrences`, `Video`, `Store`.
    async fn create(
        &self,
        caller: &Caller,
        spec: ScheduleSpec,
    ) -> Result<ScheduleView, CreateScheduleError> {
        if !caller.can_manage_classes() {
            return Err(CreateScheduleError::Forbidden);
        }
        self.policy.classes.check(spec.max_participants)?;
        spec.occurrences(self.policy.max_occurrences)?;
        let now = self.clock.now();
        let schedule = Schedule {
            id: self.ids.schedule_id(),
            tenant_id: caller.tenant_id.clone(),
            spec,
            created_by: caller.user_id.clone(),
            created_at: now,
            updated_at: now,
        };
        // Stored with its generation pending: should this request die before
        // the classes are written, `complete_pending` writes them.
        self.schedules
            .insert(&schedule, now + GENERATION_LEASE)
            .await?;
        let generation = self.generate(&schedule, now).await?;
        self.view(schedule, now, generation)
            .await
            .map_err(Into::into)
    }

    /// The caller's tenant's schedules, of one course when given.
    ///
    /// # Errors
    /// `Forbidden`, `Invalid` course id, `Store`.
    async fn list(
        &self,
        caller: &Caller,
        course: Option<CourseId>,
    ) -> Result<Vec<Schedule>, ListSchedulesError> {
        if !caller.can_manage_classes() {
            return Err(ListSchedulesError::Forbidden);
        }
        Ok(self.schedules.list(&caller.tenant_id, course).await?)
    }

    /// One schedule with its upcoming classes.
    ///
    /// # Errors
    /// `Forbidden`, `NotFound` (also another tenant's), `Store`.
    async fn get(&self, caller: &Caller, id: ScheduleId) -> Result<ScheduleView, GetScheduleError> {
        // Existence within the caller's tenant first: another tenant's
        // schedule is 404 whatever the caller's role.
        let schedule = self
            .schedules
            .find(&caller.tenant_id, id)
            .await?
            .ok_or(GetScheduleError::NotFound)?;
        if !caller.can_manage_classes() {
            return Err(GetScheduleError::Forbidden);
        }
        Ok(self
            .view(schedule, self.clock.now(), GenerationReport::default())
            .await?)
    }

    /// Changes a schedule and regenerates its future classes: those not
    /// started and without participants are moved, updated, created or
    /// removed to match; no other class is touched.
    ///
    /// # Errors
    /// `Forbidden`, `NotFound`, `Invalid`, `TooManyOccurrences`, `Video`,
    /// `Store`.
    async fn update(
        &self,
        caller: &Caller,
        id: ScheduleId,
        patch: SchedulePatch,
    ) -> Result<ScheduleView, UpdateScheduleError> {
        // Existence within the caller's tenant first: another tenant's
        // schedule is 404 whatever the caller's role.
        let mut schedule = self
            .schedules
            .find(&caller.tenant_id, id)
            .await?
            .ok_or(UpdateScheduleError::NotFound)?;
        if !caller.can_manage_classes() {
            return Err(UpdateScheduleError::Forbidden);
        }
        let input = apply_patch(schedule.spec.to_input(), patch);
        schedule.spec = ScheduleSpec::parse(&input, &caller.user_id, &self.policy)?;
        schedule.spec.occurrences(self.policy.max_occurrences)?;
        let now = self.clock.now();
        schedule.updated_at = now;
        if !self
            .schedules
            .update(&schedule, now + GENERATION_LEASE)
            .await?
        {
            return Err(UpdateScheduleError::NotFound);
        }
        let generation = self.generate(&schedule, now).await?;
        Ok(self.view(schedule, now, generation).await?)
    }

    /// Removes a schedule and its future classes that have not started and
    /// have no participants; every other class stays.
    ///
    /// # Errors
    /// `Forbidden`, `NotFound`, `Store`.
    async fn delete(
        &self,
        caller: &Caller,
        id: ScheduleId,
    ) -> Result<GenerationReport, DeleteScheduleError> {
        // Existence within the caller's tenant first: another tenant's
        // schedule is 404 whatever the caller's role.
        let schedule = self
            .schedules
            .find(&caller.tenant_id, id)
            .await?
            .ok_or(DeleteScheduleError::NotFound)?;
        if !caller.can_manage_classes() {
            return Err(DeleteScheduleError::Forbidden);
        }
        let now = self.clock.now();
        let plan = GenerationPlan {
            tenant_id: schedule.tenant_id.clone(),
            schedule_id: schedule.id,
            now,
            template: template(&schedule),
            occurrences: Vec::new(),
            new_classes: Vec::new(),
            version: None,
        };
        let report = self.apply(plan).await?;
        if !self.schedules.delete(&caller.tenant_id, id).await? {
            return Err(DeleteScheduleError::NotFound);
        }
        Ok(report)
    }

    /// Regenerates the classes of every schedule of every tenant (the seed's
    /// `build_live_classes`). Safe to run while servers run, and twice.
    ///
    /// # Errors
    /// The first failure; schedules before it were regenerated.
    async fn generate_all(&self) -> Result<GenerationReport, GenerateClassesError> {
        let now = self.clock.now();
        let mut total = GenerationReport::default();
        for schedule in self.schedules.list_all().await? {
            total += self.generate(&schedule, now).await?;
        }
        Ok(total)
    }

    /// Claims the schedules whose generation is overdue and generates them;
    /// generation is idempotent (one class per occurrence, by the
    /// database's key), so a schedule completed twice gets its classes once.
    ///
    /// # Errors
    /// The first failure, after every claimed schedule was tried; the
    /// schedules that failed are claimed again after the lease.
    async fn complete_pending(&self) -> Result<GenerationReport, GenerateClassesError> {
        let now = self.clock.now();
        let pending = self
            .schedules
            .claim_pending_generations(now, GENERATION_LEASE, GENERATION_BATCH)
            .await?;
        let mut total = GenerationReport::default();
        let mut first_failure = None;
        for schedule in pending {
            // One failing schedule does not hold the others back; it stays
            // pending and is claimed again after the lease.
            match self.generate(&schedule, now).await {
                Ok(report) => {
                    tracing::info!(
                        schedule_id = %schedule.id,
                        tenant = %schedule.tenant_id,
                        created = report.created,
                        "completed the generation of a schedule's classes"
                    );
                    total += report;
                }
                Err(e) => {
                    let e = GenerateClassesError::from(e);
                    tracing::warn!(
                        schedule_id = %schedule.id,
                        tenant = %schedule.tenant_id,
                        error = %e,
                        "a pending generation failed; it is retried after its lease"
                    );
                    first_failure.get_or_insert(e);
                }
            }
        }
        match first_failure {
            Some(e) => Err(e),
            None => Ok(total),
        }
    }
}

fn template(schedule: &Schedule) -> ClassTemplate {
    ClassTemplate {
        title: schedule.spec.title.clone(),
        teacher_id: schedule.spec.teacher_id.clone(),
        max_participants: schedule.spec.max_participants,
        course_id: schedule.spec.course_id.clone(),
        admission: schedule.spec.admission,
    }
}

fn apply_patch(mut input: ScheduleInput, patch: SchedulePatch) -> ScheduleInput {
    macro_rules! set {
        ($($field:ident),*) => { $( if let Some(v) = patch.$field { input.$field = v; } )* };
    }
    macro_rules! set_opt {
        ($($field:ident),*) => { $( if let Some(v) = patch.$field { input.$field = Some(v); } )* };
    }
    if let Some(f) = &patch.frequency
        && f != Frequency::Weekly.as_str()
        && patch.weekdays.is_none()
    {
        // Weekdays belong to weekly schedules only.
        input.weekdays = None;
    }
    set!(
        course_id,
        title,
        timezone,
        start_time,
        duration_minutes,
        frequency,
        starts_on
    );
    set_opt!(
        teacher_id,
        max_participants,
        interval,
        weekdays,
        ends_on,
        admission_policy
    );
    if input.frequency != Frequency::Weekly.as_str()
        && input.weekdays.as_ref().is_some_and(Vec::is_empty)
    {
        input.weekdays = None;
    }
    input
}

#[cfg(test)]
#[path = "service_tests.rs"]
mod tests;
