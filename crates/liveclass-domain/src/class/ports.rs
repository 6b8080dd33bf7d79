//! Repository ports. The persistence adapter implements both traits over one
//! database; the contracts below are what its tests assert.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::capacity::Capacity;
use super::model::{ClassCounts, ClassStatus, Description, LiveClass, RecordingUrl, Title};
use super::participation::{ParticipantRole, Participation};
use crate::ids::{ClassId, ParticipationId, TenantId, UserId};
use crate::schedule::{CourseId, ScheduleId};
use crate::store::RepoError;
use crate::validation::{Field, ValidationError};
use crate::video::Room;

/// Which classes to list. Every criterion given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClassFilter {
    pub status: Option<ClassStatus>,
    pub course_id: Option<CourseId>,
    pub schedule_id: Option<ScheduleId>,
    /// The teacher (seed 002's "instructor sessions").
    pub created_by: Option<UserId>,
    /// `scheduled_at >= from`.
    pub from: Option<OffsetDateTime>,
    /// `scheduled_at <= to`.
    pub to: Option<OffsetDateTime>,
    /// Only classes neither ended nor cancelled.
    pub upcoming: bool,
    pub sort: SortOrder,
}

impl ClassFilter {
    /// # Errors
    /// `from` after `to`.
    pub fn check(&self) -> Result<(), ValidationError> {
        match (self.from, self.to) {
            (Some(from), Some(to)) if from > to => {
                Err(ValidationError::new(Field::From, "must not be after `to`"))
            }
            _ => Ok(()),
        }
    }
}

/// The order of a class list by `scheduled_at` (then id).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortOrder {
    #[default]
    Ascending,
    Descending,
}

impl SortOrder {
    /// `scheduledAt` (ascending) or `-scheduledAt` (descending).
    ///
    /// # Errors
    /// Anything else.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        match raw {
            "scheduledAt" => Ok(Self::Ascending),
            "-scheduledAt" => Ok(Self::Descending),
            other => Err(ValidationError::new(
                Field::Sort,
                format!("must be scheduledAt or -scheduledAt (got `{other}`)"),
            )),
        }
    }
}

/// A page window: `limit` 1..=100 (default 50), `offset` ≥ 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    limit: u32,
    offset: u64,
}

impl PageRequest {
    pub const DEFAULT_LIMIT: u32 = 50;
    pub const MAX_LIMIT: u32 = 100;

    /// # Errors
    /// `limit` outside 1..=100 or a negative `offset`.
    pub fn new(limit: Option<i64>, offset: Option<i64>) -> Result<Self, ValidationError> {
        let limit = match limit {
            None => Self::DEFAULT_LIMIT,
            Some(l) => u32::try_from(l)
                .ok()
                .filter(|l| (1..=Self::MAX_LIMIT).contains(l))
                .ok_or_else(|| {
                    ValidationError::new(
                        Field::Limit,
                        format!("must be between 1 and {}", Self::MAX_LIMIT),
                    )
                })?,
        };
        let offset = u64::try_from(offset.unwrap_or(0))
            .map_err(|_| ValidationError::new(Field::Offset, "must be 0 or more"))?;
        Ok(Self { limit, offset })
    }

    pub const fn limit(self) -> u32 {
        self.limit
    }
    pub const fn offset(self) -> u64 {
        self.offset
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            limit: Self::DEFAULT_LIMIT,
            offset: 0,
        }
    }
}

/// One page of classes, each with its counts, and the number of classes
/// matching the filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassPage {
    pub total: u64,
    pub page: PageRequest,
    pub classes: Vec<(LiveClass, ClassCounts)>,
}

/// The result of a conditional status change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitionOutcome {
    /// The change was made; the class as it is now.
    Changed(Box<LiveClass>),
    /// Another request changed the status first; the status it found.
    StatusWas(ClassStatus),
    NotFound,
}

/// The result of setting a recording URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordingOutcome {
    Set(Box<LiveClass>),
    /// A recording URL was set before; it never changes.
    AlreadySet,
    /// Recordings are set on ended classes only; the status found.
    NotEnded(ClassStatus),
    NotFound,
}

/// A class's editable details as they should be after an update: every
/// field is written, so the service fills in the unchanged ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailsUpdate {
    pub title: Title,
    pub description: Option<Description>,
    pub scheduled_at: OffsetDateTime,
    pub max_participants: Capacity,
    /// The room as the provider returned it after its own update.
    pub room: Room,
}

/// The result of a conditional details update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateOutcome {
    Updated(Box<LiveClass>),
    /// The class is ended or cancelled (the status found); nothing changed.
    StatusWas(ClassStatus),
    /// More participants are in the class right now than the new capacity.
    TooManyActive {
        active: u32,
    },
    NotFound,
}

/// Everything the repository needs to admit a user into a class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdmitRequest {
    pub tenant_id: TenantId,
    pub class_id: ClassId,
    pub user_id: UserId,
    pub user_name: Option<String>,
    pub role: ParticipantRole,
    /// The id to use if a new participation is created.
    pub participation_id: ParticipationId,
    pub at: OffsetDateTime,
}

/// The result of an admission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdmitOutcome {
    /// A new participation was created.
    Admitted(Participation),
    /// The user already had an active participation; it is returned unchanged.
    AlreadyActive(Participation),
    /// The class has `capacity` active participants already.
    Full {
        capacity: u32,
    },
    /// The class is not live; its status.
    NotLive(ClassStatus),
    NotFound,
}

/// Stores classes.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ClassRepository: Send + Sync {
    /// Stores a new class.
    ///
    /// # Errors
    /// `Unexpected` (also when the id or room id is already taken).
    async fn insert(&self, class: &LiveClass) -> Result<(), RepoError>;

    /// The class with this id in this tenant; `None` for another tenant's class.
    async fn find(&self, tenant: &TenantId, id: ClassId) -> Result<Option<LiveClass>, RepoError>;

    /// The tenant's classes matching `filter`, ordered by `scheduled_at` then
    /// id, ascending or descending as `filter.sort` says.
    async fn list(
        &self,
        tenant: &TenantId,
        filter: &ClassFilter,
        page: PageRequest,
    ) -> Result<ClassPage, RepoError>;

    /// `scheduled → live`, setting `started_at`, only if the class is still
    /// scheduled when the write happens.
    async fn mark_started(
        &self,
        tenant: &TenantId,
        id: ClassId,
        at: OffsetDateTime,
    ) -> Result<TransitionOutcome, RepoError>;

    /// `live → ended`, setting `ended_at` and closing every active
    /// participation with the same instant, in one transaction, only if the
    /// class is still live when the write happens. No join can slip in between.
    async fn mark_ended(
        &self,
        tenant: &TenantId,
        id: ClassId,
        at: OffsetDateTime,
    ) -> Result<TransitionOutcome, RepoError>;

    /// `scheduled → cancelled`, only if the class is still scheduled when the
    /// write happens.
    async fn mark_cancelled(
        &self,
        tenant: &TenantId,
        id: ClassId,
        at: OffsetDateTime,
    ) -> Result<TransitionOutcome, RepoError>;

    /// Writes `update` atomically, only if the class is scheduled or live and
    /// no more than `update.max_participants` participants are active when
    /// the write happens (a join racing the update cannot overfill it).
    async fn update_details(
        &self,
        tenant: &TenantId,
        id: ClassId,
        update: &DetailsUpdate,
        at: OffsetDateTime,
    ) -> Result<UpdateOutcome, RepoError>;

    /// Sets the recording URL of an ended class that has none yet, atomically.
    async fn set_recording(
        &self,
        tenant: &TenantId,
        id: ClassId,
        url: &RecordingUrl,
        at: OffsetDateTime,
    ) -> Result<RecordingOutcome, RepoError>;

    /// Succeeds when the database answers.
    async fn ping(&self) -> Result<(), RepoError>;
}

/// Stores participations.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ParticipationRepository: Send + Sync {
    /// Admits a user into a live class, **atomically**: the status check, the
    /// capacity check (`active < max_participants`) and the insert happen in one
    /// transaction, so the number of active participations never exceeds the
    /// capacity under any number of concurrent calls, from any number of
    /// processes. A user with an active participation gets it back
    /// (`AlreadyActive`) and takes no second seat; the database enforces at most
    /// one active participation per user and class.
    async fn admit(&self, request: &AdmitRequest) -> Result<AdmitOutcome, RepoError>;

    /// Closes the user's active participation in the class (sets `left_at`)
    /// and frees the seat, atomically. `None` when the user had none.
    async fn release(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        user_id: &UserId,
        at: OffsetDateTime,
    ) -> Result<Option<Participation>, RepoError>;

    /// The class with its participations ordered by `joined_at` (only active
    /// ones when `active_only`), read together on one connection; `None` for
    /// an unknown class or another tenant's.
    async fn roster(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        active_only: bool,
    ) -> Result<Option<(LiveClass, Vec<Participation>)>, RepoError>;

    /// The class's participations ordered by `joined_at`; only active ones
    /// when `active_only`.
    async fn list_for_class(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        active_only: bool,
    ) -> Result<Vec<Participation>, RepoError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_that_ends_before_it_starts_is_refused() {
        use time::macros::datetime;
        let filter = ClassFilter {
            from: Some(datetime!(2030-01-02 0:00 UTC)),
            to: Some(datetime!(2030-01-01 0:00 UTC)),
            ..ClassFilter::default()
        };
        assert_eq!(filter.check().unwrap_err().field, Field::From);
        let same = ClassFilter {
            to: filter.from,
            ..filter
        };
        assert!(same.check().is_ok());
    }

    #[test]
    fn sort_orders_parse_from_the_field_name_with_an_optional_minus() {
        assert_eq!(SortOrder::parse("scheduledAt"), Ok(SortOrder::Ascending));
        assert_eq!(SortOrder::parse("-scheduledAt"), Ok(SortOrder::Descending));
        assert_eq!(SortOrder::parse("title").unwrap_err().field, Field::Sort);
    }

    #[test]
    fn pages_default_to_fifty_and_refuse_out_of_range_values() {
        assert_eq!(PageRequest::new(None, None), Ok(PageRequest::default()));
        let p = PageRequest::new(Some(100), Some(20)).unwrap();
        assert_eq!((p.limit(), p.offset()), (100, 20));
        assert_eq!(
            PageRequest::new(Some(0), None).unwrap_err().field,
            Field::Limit
        );
        assert_eq!(
            PageRequest::new(Some(101), None).unwrap_err().field,
            Field::Limit
        );
        assert_eq!(
            PageRequest::new(None, Some(-1)).unwrap_err().field,
            Field::Offset
        );
    }
}
