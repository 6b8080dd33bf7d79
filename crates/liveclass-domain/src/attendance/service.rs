//! The per-class attendance report.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;

use time::OffsetDateTime;

use super::course::{CourseAttendance, MAX_COURSE_CLASSES, course_matrix};
use super::errors::{AttendanceError, CourseAttendanceError};
use super::model::{AttendancePolicy, AttendanceReport, compute};
use super::ports::AttendanceRepository;
use super::settings::{
    AttendanceSettings, AttendanceSettingsError, TenantAttendancePolicy, grace_periods,
};
use crate::admission::{AdmissionRepository, RequestStatus};
use crate::caller::{Caller, Role};
use crate::class::{
    AdmissionPolicy, ClassFilter, ClassRepository, ClassStatus, LiveClass, PageRequest,
    Participation, ParticipationRepository, is_moderator,
};
use crate::clock::Clock;
use crate::ids::{ClassId, TenantId, UserId};
use crate::provider_events::{ProviderEventRepository, ProviderSession};
use crate::roster::RosterRepository;
use crate::schedule::CourseId;
use crate::store::RepoError;

/// Attendance reports, as the HTTP layer calls them. [`AttendanceService`]
/// is the implementation; with the `mocks` feature, `MockAttendances`
/// replaces it in tests.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait Attendances: Send + Sync {
    /// The class's attendance, as of now.
    ///
    /// # Errors
    /// `NotFound` (another tenant's class too), `Forbidden` unless the
    /// caller moderates the class, `Store`.
    async fn for_class(
        &self,
        caller: &Caller,
        class_id: ClassId,
    ) -> Result<AttendanceReport, AttendanceError>;

    /// The course's classes scheduled in `[from, to]` (not cancelled),
    /// soonest first, side by side: one row per student.
    ///
    /// # Errors
    /// `Forbidden` unless a manager; `Invalid` (`from` after `to`);
    /// `TooManyClasses`; `Store`.
    async fn for_course(
        &self,
        caller: &Caller,
        course: &CourseId,
        from: Option<OffsetDateTime>,
        to: Option<OffsetDateTime>,
    ) -> Result<CourseAttendance, CourseAttendanceError>;

    /// The caller's own attendance in the course's classes (those they may
    /// see) scheduled in `[from, to]`: every class's report holds only the
    /// caller's row, and the one course row is theirs.
    ///
    /// # Errors
    /// `Invalid`, `TooManyClasses`, `Store`.
    async fn for_me(
        &self,
        caller: &Caller,
        course: &CourseId,
        from: Option<OffsetDateTime>,
        to: Option<OffsetDateTime>,
    ) -> Result<CourseAttendance, CourseAttendanceError>;

    /// The grace periods the tenant's reports use (its own, else the
    /// server's).
    ///
    /// # Errors
    /// `Forbidden` unless a manager; `Store`.
    async fn settings(
        &self,
        caller: &Caller,
    ) -> Result<AttendanceSettings, AttendanceSettingsError>;

    /// Sets the tenant's own grace periods, in whole minutes.
    ///
    /// # Errors
    /// `Forbidden` unless an organisation admin; `Invalid` above
    /// [`super::MAX_GRACE_MINUTES`]; `Store`.
    async fn set_settings(
        &self,
        caller: &Caller,
        late_after_minutes: u32,
        left_early_minutes: u32,
    ) -> Result<AttendanceSettings, AttendanceSettingsError>;

    /// Drops the tenant's own grace periods: the server's apply again.
    ///
    /// # Errors
    /// `Forbidden` unless an organisation admin; `Store`.
    async fn reset_settings(
        &self,
        caller: &Caller,
    ) -> Result<AttendanceSettings, AttendanceSettingsError>;
}

/// The stores attendance is read from.
#[derive(Clone)]
pub struct AttendanceStores {
    /// The classes (a course's, for the course reports).
    pub classes: Arc<dyn ClassRepository>,
    /// LiveClass's own stays.
    pub participations: Arc<dyn ParticipationRepository>,
    /// The provider's sessions.
    pub sessions: Arc<dyn ProviderEventRepository>,
    /// Who a `roster` class expects.
    pub rosters: Arc<dyn RosterRepository>,
    /// Who an `approval` class expects.
    pub admissions: Arc<dyn AdmissionRepository>,
    /// Engagement counts and reconciliations.
    pub attendance: Arc<dyn AttendanceRepository>,
}

/// Builds attendance reports from the stores.
pub struct AttendanceService {
    classes: Arc<dyn ClassRepository>,
    participations: Arc<dyn ParticipationRepository>,
    sessions: Arc<dyn ProviderEventRepository>,
    rosters: Arc<dyn RosterRepository>,
    admissions: Arc<dyn AdmissionRepository>,
    attendance: Arc<dyn AttendanceRepository>,
    clock: Arc<dyn Clock>,
    policy: AttendancePolicy,
}

impl AttendanceService {
    /// The service over its stores, a clock and the grace periods.
    pub fn new(stores: AttendanceStores, clock: Arc<dyn Clock>, policy: AttendancePolicy) -> Self {
        Self {
            classes: stores.classes,
            participations: stores.participations,
            sessions: stores.sessions,
            rosters: stores.rosters,
            admissions: stores.admissions,
            attendance: stores.attendance,
            clock,
            policy,
        }
    }

    /// Who was expected: the course's roster for a `roster` class, the
    /// approved users for an `approval` class, nobody for an `open` one.
    async fn expected(&self, class: &LiveClass) -> Result<Vec<UserId>, RepoError> {
        match (class.admission, &class.course_id) {
            (AdmissionPolicy::Roster, Some(course)) => {
                self.rosters.list(&class.tenant_id, course).await
            }
            (AdmissionPolicy::Approval, _) => Ok(self
                .admissions
                .list_requests(&class.tenant_id, class.id)
                .await?
                .into_iter()
                .filter(|r| r.status == RequestStatus::Approved)
                .map(|r| r.user_id)
                .collect()),
            _ => Ok(Vec::new()),
        }
    }
}

impl AttendanceService {
    /// The class's whole report as of now (anyone's: the caller checks who
    /// may read it): stays, expected users, engagement, reconciliation.
    pub(crate) async fn class_report(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
    ) -> Result<Option<AttendanceReport>, RepoError> {
        // Every stay, on one connection with the class (an end in between
        // cannot leave stays open on an ended class).
        let Some((class, participations)) =
            self.participations.roster(tenant, class_id, false).await?
        else {
            return Ok(None);
        };
        let sessions = self.sessions.provider_sessions_of_class(class.id).await?;
        let expected = self.expected(&class).await?;
        let engagement = self
            .attendance
            .engagement_of_class(tenant, class.id)
            .await?;
        let reconciliation = self
            .attendance
            .reconciliations(tenant, &[class.id])
            .await?
            .pop();
        let policy = self.policy_for(tenant).await?;
        Ok(Some(
            compute(
                &class,
                &participations,
                &sessions,
                &expected,
                self.clock.now(),
                &policy,
            )
            .with_engagement(&engagement)
            .with_reconciliation(reconciliation),
        ))
    }

    /// The grace periods of `tenant`'s reports: its own, else the server's.
    async fn policy_for(&self, tenant: &TenantId) -> Result<AttendancePolicy, RepoError> {
        Ok(self.current_settings(tenant).await?.policy)
    }

    async fn current_settings(&self, tenant: &TenantId) -> Result<AttendanceSettings, RepoError> {
        let tenant = self.attendance.tenant_attendance_policy(tenant).await?;
        Ok(AttendanceSettings {
            policy: tenant.as_ref().map_or(self.policy, |t| t.policy),
            tenant,
        })
    }

    /// The course's classes in the range that `caller` may see, soonest
    /// first, cancelled ones left out.
    async fn course_classes(
        &self,
        caller: &Caller,
        course: &CourseId,
        (from, to): (Option<OffsetDateTime>, Option<OffsetDateTime>),
    ) -> Result<Vec<LiveClass>, CourseAttendanceError> {
        let filter = ClassFilter {
            course_id: Some(course.clone()),
            from,
            to,
            ..ClassFilter::default()
        }
        .seen_by(caller);
        filter.check()?;
        let mut classes = Vec::new();
        let mut offset = 0_i64;
        loop {
            let page = PageRequest::new(Some(i64::from(PageRequest::MAX_LIMIT)), Some(offset))?;
            let found = self.classes.list(&caller.tenant_id, &filter, page).await?;
            let count = found.classes.len();
            classes.extend(
                found
                    .classes
                    .into_iter()
                    .map(|(c, _)| c)
                    .filter(|c| c.status != ClassStatus::Cancelled),
            );
            if classes.len() > MAX_COURSE_CLASSES {
                return Err(CourseAttendanceError::TooManyClasses(MAX_COURSE_CLASSES));
            }
            if count < PageRequest::MAX_LIMIT as usize {
                return Ok(classes);
            }
            offset += i64::from(PageRequest::MAX_LIMIT);
        }
    }

    /// Each class's report, `expected` being the course's roster.
    async fn reports(
        &self,
        caller: &Caller,
        classes: Vec<LiveClass>,
        roster: &[UserId],
    ) -> Result<Vec<AttendanceReport>, RepoError> {
        let ids: Vec<ClassId> = classes.iter().map(|c| c.id).collect();
        let mut reconciliations = self
            .attendance
            .reconciliations(&caller.tenant_id, &ids)
            .await?;
        let policy = self.policy_for(&caller.tenant_id).await?;
        // Every stay of every class in two queries (not two per class),
        // then grouped by class.
        let mut stays: HashMap<ClassId, Vec<Participation>> = HashMap::new();
        for p in self
            .participations
            .list_for_classes(&caller.tenant_id, &ids)
            .await?
        {
            stays.entry(p.class_id).or_default().push(p);
        }
        let mut sessions: HashMap<ClassId, Vec<ProviderSession>> = HashMap::new();
        for s in self.sessions.provider_sessions_of_classes(&ids).await? {
            sessions.entry(s.class_id).or_default().push(s);
        }
        let now = self.clock.now();
        let mut reports = Vec::with_capacity(classes.len());
        for class in classes {
            let reconciliation = reconciliations
                .iter()
                .position(|r| r.class_id == class.id)
                .map(|i| reconciliations.swap_remove(i));
            let stays = stays.remove(&class.id).unwrap_or_default();
            let sessions = sessions.remove(&class.id).unwrap_or_default();
            reports.push(
                compute(&class, &stays, &sessions, roster, now, &policy)
                    .with_reconciliation(reconciliation),
            );
        }
        Ok(reports)
    }
}

#[async_trait]
impl Attendances for AttendanceService {
    async fn for_course(
        &self,
        caller: &Caller,
        course: &CourseId,
        from: Option<OffsetDateTime>,
        to: Option<OffsetDateTime>,
    ) -> Result<CourseAttendance, CourseAttendanceError> {
        if !caller.can_manage_classes() {
            return Err(CourseAttendanceError::Forbidden);
        }
        let classes = self.course_classes(caller, course, (from, to)).await?;
        let roster = self.rosters.list(&caller.tenant_id, course).await?;
        let reports = self.reports(caller, classes, &roster).await?;
        Ok(course_matrix(course.clone(), reports, &roster))
    }

    async fn for_me(
        &self,
        caller: &Caller,
        course: &CourseId,
        from: Option<OffsetDateTime>,
        to: Option<OffsetDateTime>,
    ) -> Result<CourseAttendance, CourseAttendanceError> {
        let me = caller.user_id.clone();
        let classes = self.course_classes(caller, course, (from, to)).await?;
        let mine = std::slice::from_ref(&me);
        let mut reports = self.reports(caller, classes, mine).await?;
        for report in &mut reports {
            report.rows.retain(|r| r.user_id == me);
        }
        Ok(course_matrix(course.clone(), reports, mine))
    }

    async fn for_class(
        &self,
        caller: &Caller,
        class_id: ClassId,
    ) -> Result<AttendanceReport, AttendanceError> {
        let report = self
            .class_report(&caller.tenant_id, class_id)
            .await?
            .ok_or(AttendanceError::NotFound)?;
        if !is_moderator(caller, &report.class) {
            return Err(AttendanceError::Forbidden);
        }
        Ok(report)
    }

    async fn settings(
        &self,
        caller: &Caller,
    ) -> Result<AttendanceSettings, AttendanceSettingsError> {
        if !caller.can_manage_classes() {
            return Err(AttendanceSettingsError::Forbidden(READ_SETTINGS));
        }
        Ok(self.current_settings(&caller.tenant_id).await?)
    }

    async fn set_settings(
        &self,
        caller: &Caller,
        late_after_minutes: u32,
        left_early_minutes: u32,
    ) -> Result<AttendanceSettings, AttendanceSettingsError> {
        if !caller.roles.contains(&Role::OrgAdmin) {
            return Err(AttendanceSettingsError::Forbidden(CHANGE_SETTINGS));
        }
        let policy = grace_periods(late_after_minutes, left_early_minutes)?;
        let own = TenantAttendancePolicy {
            policy,
            updated_at: self.clock.now(),
            updated_by: caller.user_id.clone(),
        };
        self.attendance
            .set_tenant_attendance_policy(&caller.tenant_id, Some(own))
            .await?;
        Ok(self.current_settings(&caller.tenant_id).await?)
    }

    async fn reset_settings(
        &self,
        caller: &Caller,
    ) -> Result<AttendanceSettings, AttendanceSettingsError> {
        if !caller.roles.contains(&Role::OrgAdmin) {
            return Err(AttendanceSettingsError::Forbidden(CHANGE_SETTINGS));
        }
        self.attendance
            .set_tenant_attendance_policy(&caller.tenant_id, None)
            .await?;
        Ok(self.current_settings(&caller.tenant_id).await?)
    }
}

const READ_SETTINGS: &str =
    "Only training managers and organisation admins can see the attendance settings";
const CHANGE_SETTINGS: &str = "Only organisation admins can change the attendance settings";
