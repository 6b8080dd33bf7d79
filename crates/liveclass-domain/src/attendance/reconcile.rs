//! Reconciliation: after a class ends, the video provider's own
//! participant report (Daily's meeting participants, Zoom's meeting
//! participants report) is fetched and merged into the class's provider
//! sessions, and the class's attendance becomes `final`.
//!
//! - Ending a class stores a `pending` reconciliation, due at the end, in
//!   the end's own transaction (every way a class ends goes through
//!   `ClassRepository::mark_ended`).
//! - [`AttendanceReconciler::run_once`] claims due ones (a lease: one
//!   process works on each), waits [`ReconcilePolicy::settle`] after the end
//!   (the providers publish their reports a little after the meeting),
//!   fetches the report, and merges each presence through
//!   `ProviderEventRepository::record_provider_session`, the upsert the
//!   webhooks use (earliest join, latest leave per key): fetching twice
//!   changes nothing, and a presence the webhooks saw too counts once, as
//!   overlapping stays do.
//! - It then makes the reconciliation `final` and appends
//!   `attendance.finalized` (the summary) in one transaction.
//! - A provider that fails is asked again after a doubling delay; after
//!   [`ReconcilePolicy::max_attempts`] the attendance becomes final on what
//!   LiveClass saw itself, marked `unavailable`. A provider without a report
//!   (Jitsi, none), or a class whose room is another provider's than the
//!   server's, is final at once, marked `unsupported`.

use std::sync::Arc;

use time::{Duration, OffsetDateTime};

use super::model::{AttendanceReport, AttendanceStatus};
use super::service::{AttendanceService, AttendanceStores};
use crate::class::LiveClass;
use crate::clock::Clock;
use crate::events::NewEvent;
use crate::ids::{ClassId, TenantId};
use crate::provider_events::{ProviderPayloads, SessionRef};
use crate::store::RepoError;
use crate::video::{AttendanceRecord, VideoError, VideoProvider};

/// Where a class's reconciliation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReconciliationStatus {
    /// Not done yet: the attendance is provisional.
    Pending,
    /// Done: the attendance is final.
    Final,
}

impl ReconciliationStatus {
    /// The status's name, as stored.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Final => "final",
        }
    }

    /// The status named `raw`.
    ///
    /// # Errors
    /// Not a status's name.
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw {
            "pending" => Ok(Self::Pending),
            "final" => Ok(Self::Final),
            other => Err(format!("`{other}` is not a reconciliation status")),
        }
    }
}

/// What the provider's report gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderReport {
    /// Fetched and merged.
    Fetched,
    /// The provider keeps no such report (Jitsi, none), or the class's room
    /// is not the server's provider's.
    Unsupported,
    /// The provider kept failing; the attendance is LiveClass's own.
    Unavailable,
}

impl ProviderReport {
    /// The name, as stored and shown.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Fetched => "fetched",
            Self::Unsupported => "unsupported",
            Self::Unavailable => "unavailable",
        }
    }

    /// The report named `raw`.
    ///
    /// # Errors
    /// Not a name.
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw {
            "fetched" => Ok(Self::Fetched),
            "unsupported" => Ok(Self::Unsupported),
            "unavailable" => Ok(Self::Unavailable),
            other => Err(format!("`{other}` is not a provider report")),
        }
    }
}

/// How a reconciliation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FinalOutcome {
    /// What the provider gave.
    pub report: ProviderReport,
    /// The presences it reported.
    pub rows: u32,
    /// When.
    pub at: OffsetDateTime,
}

/// A class's reconciliation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconciliation {
    /// The class.
    pub class_id: ClassId,
    /// Its tenant.
    pub tenant_id: TenantId,
    /// Where it stands.
    pub status: ReconciliationStatus,
    /// Failed attempts so far.
    pub attempts: u32,
    /// The last failure.
    pub last_error: Option<String>,
    /// How it ended, once final.
    pub outcome: Option<FinalOutcome>,
}

/// The reconciler's timings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReconcilePolicy {
    /// How long after a class's end its report is first asked for (Zoom's
    /// report lags the meeting's end; Daily's meeting stays `ongoing` until
    /// its last participant's session closes).
    pub settle: Duration,
    /// How long a claimed reconciliation belongs to its claimer.
    pub lease: Duration,
    /// Reconciliations per run.
    pub batch: u32,
    /// The delay after the first failure; it doubles per attempt.
    pub first_delay: Duration,
    /// The longest delay between attempts.
    pub max_delay: Duration,
    /// After this many failed attempts the attendance becomes final as
    /// `unavailable`.
    pub max_attempts: u32,
}

impl Default for ReconcilePolicy {
    fn default() -> Self {
        // Eight attempts from a minute, doubling to at most an hour, span
        // about four hours: a provider outage longer than that is rare,
        // and a teacher should not wait longer for a final report.
        Self {
            settle: Duration::minutes(2),
            lease: Duration::minutes(5),
            batch: 20,
            first_delay: Duration::minutes(1),
            max_delay: Duration::hours(1),
            max_attempts: 8,
        }
    }
}

impl ReconcilePolicy {
    /// The wait after failed attempt number `attempts` (1-based).
    pub fn delay_after(&self, attempts: u32) -> Duration {
        crate::instant::doubling_delay(self.first_delay, self.max_delay, attempts)
    }
}

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReconcileRun {
    /// Made final.
    pub finalized: u32,
    /// Failed; asked again later.
    pub retried: u32,
    /// Not due yet (within the settle time).
    pub postponed: u32,
}

/// One reconciliation's result.
enum Step {
    Finalized,
    Postponed(OffsetDateTime),
}

/// The reconciliation worker.
pub struct AttendanceReconciler {
    stores: AttendanceStores,
    reports: AttendanceService,
    video: Arc<dyn VideoProvider>,
    payloads: Arc<dyn ProviderPayloads>,
    clock: Arc<dyn Clock>,
    policy: ReconcilePolicy,
}

impl AttendanceReconciler {
    /// The worker over the attendance stores, the server's video provider,
    /// the provider payload reader (its user keys), a clock and timings.
    pub fn new(
        stores: AttendanceStores,
        video: Arc<dyn VideoProvider>,
        payloads: Arc<dyn ProviderPayloads>,
        clock: Arc<dyn Clock>,
        policy: (super::AttendancePolicy, ReconcilePolicy),
    ) -> Self {
        Self {
            reports: AttendanceService::new(stores.clone(), clock.clone(), policy.0),
            stores,
            video,
            payloads,
            clock,
            policy: policy.1,
        }
    }

    /// Claims the due reconciliations and works on each once.
    ///
    /// # Errors
    /// The store's own errors (claiming, recording an outcome); a provider
    /// failure is recorded on its reconciliation instead.
    pub async fn run_once(&self) -> Result<ReconcileRun, RepoError> {
        let store = &self.stores.attendance;
        let claimed = store
            .claim_reconciliations(self.clock.now(), self.policy.lease, self.policy.batch)
            .await?;
        let mut run = ReconcileRun::default();
        for r in claimed {
            match self.reconcile(&r).await {
                Ok(Step::Finalized) => run.finalized += 1,
                Ok(Step::Postponed(due)) => {
                    store
                        .reschedule_reconciliation(r.class_id, due, None)
                        .await?;
                    run.postponed += 1;
                }
                Err(error) if r.attempts + 1 < self.policy.max_attempts => {
                    let due = crate::instant::later(
                        self.clock.now(),
                        self.policy.delay_after(r.attempts + 1),
                    );
                    tracing::warn!(class_id = %r.class_id, attempts = r.attempts + 1, %error, "attendance not reconciled; will retry");
                    store
                        .reschedule_reconciliation(r.class_id, due, Some(error))
                        .await?;
                    run.retried += 1;
                }
                Err(error) => {
                    tracing::error!(class_id = %r.class_id, attempts = r.attempts + 1, %error, "the provider's attendance report stayed unavailable; the attendance is final without it");
                    store
                        .reschedule_reconciliation(r.class_id, self.clock.now(), Some(error))
                        .await?;
                    self.finalize(&r, ProviderReport::Unavailable, 0).await?;
                    run.finalized += 1;
                }
            }
        }
        Ok(run)
    }

    async fn reconcile(&self, r: &Reconciliation) -> Result<Step, String> {
        let now = self.clock.now();
        let class = self
            .stores
            .classes
            .find(&r.tenant_id, r.class_id)
            .await
            .map_err(|e| e.to_string())?;
        let Some(class) = class else {
            // Deleted since it ended: nothing left to report.
            self.outcome(r.class_id, ProviderReport::Unsupported, 0, None)
                .await
                .map_err(|e| e.to_string())?;
            return Ok(Step::Finalized);
        };
        let (Some(start), Some(end)) = (class.started_at, class.ended_at) else {
            self.finalize(r, ProviderReport::Unsupported, 0)
                .await
                .map_err(|e| e.to_string())?;
            return Ok(Step::Finalized);
        };
        let settled = crate::instant::later(end, self.policy.settle);
        if now < settled {
            return Ok(Step::Postponed(settled));
        }
        let supported =
            self.video.capabilities().attendance && class.room.provider == self.video.name();
        let (report, rows) = if supported {
            let records = self
                .video
                .attendance(&class.room, (start, end))
                .await
                .map_err(|e| describe(&e))?;
            self.merge(&class, &records)
                .await
                .map_err(|e| e.to_string())?;
            (
                ProviderReport::Fetched,
                u32::try_from(records.len()).unwrap_or(u32::MAX),
            )
        } else {
            (ProviderReport::Unsupported, 0)
        };
        self.finalize(r, report, rows)
            .await
            .map_err(|e| e.to_string())?;
        Ok(Step::Finalized)
    }

    /// Stores each presence as a provider session of the class.
    async fn merge(
        &self,
        class: &LiveClass,
        records: &[AttendanceRecord],
    ) -> Result<(), RepoError> {
        let provider = class.room.provider.as_str();
        let mut people = vec![class.created_by.clone()];
        people.extend(
            self.stores
                .participations
                .list_for_class(&class.tenant_id, class.id, false)
                .await?
                .into_iter()
                .map(|p| p.user_id),
        );
        for record in records {
            // A hint nobody of the class matches maps to nobody, as for
            // webhooks: a report never names a user of another class.
            let user = record.user_hint.as_deref().and_then(|hint| {
                people
                    .iter()
                    .find(|u| self.payloads.user_key(provider, u) == hint)
                    .cloned()
            });
            let session = SessionRef {
                key: record.key.clone(),
                user_hint: record.user_hint.clone(),
                name: record.name.clone(),
            };
            self.stores
                .sessions
                .record_provider_session(
                    class,
                    provider,
                    &session,
                    user,
                    Some(crate::clock::truncate_to_micros(record.joined_at)),
                    Some(crate::clock::truncate_to_micros(record.left_at)),
                )
                .await?;
        }
        Ok(())
    }

    /// Makes `r` final with the summary of the class's attendance as it
    /// now stands.
    async fn finalize(
        &self,
        r: &Reconciliation,
        report: ProviderReport,
        rows: u32,
    ) -> Result<(), RepoError> {
        let summary = self.reports.class_report(&r.tenant_id, r.class_id).await?;
        let event = summary.map(|s| {
            NewEvent::attendance_finalized(&s.class, &summarise(&s), report, rows, self.clock.now())
        });
        self.outcome(r.class_id, report, rows, event).await
    }

    async fn outcome(
        &self,
        class_id: ClassId,
        report: ProviderReport,
        rows: u32,
        event: Option<NewEvent>,
    ) -> Result<(), RepoError> {
        let outcome = FinalOutcome {
            report,
            rows,
            at: self.clock.now(),
        };
        self.stores
            .attendance
            .finalize_reconciliation(class_id, outcome, event)
            .await
            .map(drop)
    }
}

/// A provider failure as kept on the reconciliation.
fn describe(e: &VideoError) -> String {
    let text = format!("{e:#}");
    text.chars().take(500).collect()
}

/// The counts `attendance.finalized` carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AttendanceSummary {
    /// The class's actual duration, in seconds.
    pub duration_seconds: i64,
    /// Everyone who came.
    pub attended: u32,
    /// Of them, `present`.
    pub present: u32,
    /// `late`.
    pub late: u32,
    /// `left_early`.
    pub left_early: u32,
    /// Expected and never came.
    pub absent: u32,
}

/// The report's counts.
pub fn summarise(report: &AttendanceReport) -> AttendanceSummary {
    let mut s = AttendanceSummary {
        duration_seconds: report.duration_seconds,
        ..AttendanceSummary::default()
    };
    for row in &report.rows {
        match row.status {
            AttendanceStatus::Present => s.present += 1,
            AttendanceStatus::Late => s.late += 1,
            AttendanceStatus::LeftEarly => s.left_early += 1,
            AttendanceStatus::Absent => s.absent += 1,
        }
    }
    s.attended = s.present + s.late + s.left_early;
    s
}
