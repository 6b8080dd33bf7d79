//! The background jobs of the server process, run by the
//! [`Supervisor`](crate::supervisor::Supervisor): each is a closure that
//! runs one pass, and a [`Report`] that logs what the pass did.

use std::sync::Arc;

use liveclass_domain::attendance::{AttendanceReconciler, ReconcileRun};
use liveclass_domain::auto_end::AutoEndService;
use liveclass_domain::cleanup::{CleanupReport, ProviderCleanups};
use liveclass_domain::events::EventLogJobs;
use liveclass_domain::idempotency::Idempotency;
use liveclass_domain::provider_events::{ProviderEventJobs, ProviderEventReport};
use liveclass_domain::schedule::{GenerationReport, Schedules};
use liveclass_domain::webhooks::WebhookDeliveryJobs;

use liveclass_domain::Services;
use liveclass_http::metrics::Metrics;
use liveclass_persistence::DieselStore;

use crate::settings::Settings;
use crate::supervisor::{Job, Report, Supervisor};

/// Every background job of this process, under one supervisor (which counts
/// their passes in `metrics`). A new worker is one `every` line here.
pub fn start(
    services: &Services,
    settings: &Settings,
    metrics: &Metrics,
    store: &DieselStore,
) -> Supervisor {
    let mut supervisor = Supervisor::new().with_metrics(metrics.clone());
    if let Some(every) = settings.schedules.auto_end_every {
        supervisor.every("auto-end", every, auto_end(services.auto_end.clone()));
    }
    if let Some(every) = settings.schedules.generation_every {
        supervisor.every(
            "schedule-generation",
            every,
            schedule_generation(services.schedules.clone()),
        );
    }
    supervisor.every(
        "idempotency-prune",
        IDEMPOTENCY_PRUNE_EVERY,
        idempotency_prune(services.idempotency.clone()),
    );
    supervisor.every(
        "event-sequencer",
        settings.events.sequence_every,
        event_sequencer(services.event_log.clone()),
    );
    supervisor.every(
        "event-prune",
        settings.events.prune_every,
        event_prune(services.event_log.clone()),
    );
    supervisor.every(
        "webhook-deliveries",
        settings.webhooks.deliver_every,
        webhook_deliveries(services.webhook_deliveries.clone()),
    );
    supervisor.every(
        "provider-events",
        PROVIDER_EVENTS_EVERY,
        provider_events(services.provider_event_jobs.clone()),
    );
    if let Some(every) = settings.schedules.reconcile_every {
        supervisor.every(
            "attendance-reconcile",
            every,
            attendance_reconcile(services.attendance_reconciler.clone()),
        );
    }
    if let Some(cleanups) = &services.cleanups {
        supervisor.every(
            "video-cleanups",
            settings.video_cleanup_interval,
            video_cleanups(cleanups.clone()),
        );
    }
    supervisor.every(
        "queue-depths",
        crate::metrics::QUEUE_DEPTH_EVERY,
        crate::metrics::queue_depths(metrics, store.clone()),
    );
    supervisor
}

/// The auto-end pass: ends live classes long past their planned end. Safe
/// with several server processes (see `liveclass_domain::auto_end`).
pub fn auto_end(service: Arc<AutoEndService>) -> impl Job {
    move || {
        let service = service.clone();
        async move { service.run_once().await.map(AutoEnded) }
    }
}

/// How many classes an auto-end pass ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AutoEnded(pub u32);

impl Report for AutoEnded {
    fn log(&self, job: &'static str) {
        if self.0 > 0 {
            tracing::info!(job, ended = self.0, "auto-end pass ended overdue classes");
        }
    }
}

/// Completes the schedules whose creation or change was interrupted before
/// their classes were written (see `liveclass_domain::schedule`). Every
/// process does this; the schedules' claims keep them from colliding.
pub fn schedule_generation(schedules: Arc<dyn Schedules>) -> impl Job {
    move || {
        let schedules = schedules.clone();
        async move { schedules.complete_pending().await.map(Completed) }
    }
}

/// What a schedule-generation pass wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Completed(pub GenerationReport);

impl Report for Completed {
    fn log(&self, job: &'static str) {
        let r = self.0;
        if r.created + r.updated + r.removed > 0 {
            tracing::info!(
                job,
                created = r.created,
                updated = r.updated,
                removed = r.removed,
                "completed pending schedule generations"
            );
        }
    }
}

/// How often expired `Idempotency-Key`s are deleted. An expired key is
/// already free for reuse (the claim ignores it), so pruning only keeps the
/// table small; every process may do it (a plain `DELETE`).
pub const IDEMPOTENCY_PRUNE_EVERY: std::time::Duration = std::time::Duration::from_secs(600);

/// Deletes the `Idempotency-Key`s past their 24 hours.
pub fn idempotency_prune(keys: Arc<dyn Idempotency>) -> impl Job {
    move || {
        let keys = keys.clone();
        async move { keys.prune().await.map(Pruned) }
    }
}

/// How many keys a pass deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pruned(pub u64);

impl Report for Pruned {
    fn log(&self, job: &'static str) {
        if self.0 > 0 {
            tracing::info!(job, pruned = self.0, "expired idempotency keys deleted");
        }
    }
}

/// Numbers newly appended class events and wakes their live readers (see
/// `liveclass_domain::events`). Every process runs it; passes take turns.
pub fn event_sequencer(log: Arc<EventLogJobs>) -> impl Job {
    move || {
        let log = log.clone();
        async move { log.sequence().await.map(|_| Quiet) }
    }
}

/// Deletes class events past their retention.
pub fn event_prune(log: Arc<EventLogJobs>) -> impl Job {
    move || {
        let log = log.clone();
        async move { log.prune().await.map(EventsPruned) }
    }
}

/// Delivers the due webhooks (see `liveclass_domain::webhooks`). Every
/// process runs it; deliveries are claimed, so each attempt is made once.
pub fn webhook_deliveries(jobs: Arc<WebhookDeliveryJobs>) -> impl Job {
    move || {
        let jobs = jobs.clone();
        async move { jobs.deliver_due().await.map(|_| Quiet) }
    }
}

/// How often each process handles the provider webhooks stored since its
/// last pass: a webhook answered at once takes effect within this.
pub const PROVIDER_EVENTS_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

/// Handles stored provider webhooks (see `liveclass_domain::provider_events`).
/// Every process runs it; deliveries are claimed, so each is handled once.
pub fn provider_events(jobs: Arc<ProviderEventJobs>) -> impl Job {
    move || {
        let jobs = jobs.clone();
        async move {
            jobs.run_once().await.map_err(|e| {
                anyhow::Error::new(e).context("could not read the provider-event inbox")
            })
        }
    }
}

impl Report for ProviderEventReport {
    fn log(&self, job: &'static str) {
        if self.processed + self.ignored + self.retried + self.failed > 0 {
            tracing::info!(
                job,
                processed = self.processed,
                ignored = self.ignored,
                retried = self.retried,
                failed = self.failed,
                "provider webhooks handled"
            );
        }
    }
}

/// Reconciles ended classes' attendance with the video provider's report
/// (see `liveclass_domain::attendance`). Every process runs it; the
/// reconciliations are claimed, so each is worked on by one.
pub fn attendance_reconcile(jobs: Arc<AttendanceReconciler>) -> impl Job {
    move || {
        let jobs = jobs.clone();
        async move {
            jobs.run_once().await.map_err(|e| {
                anyhow::Error::new(e).context("could not read the attendance reconciliations")
            })
        }
    }
}

impl Report for ReconcileRun {
    fn log(&self, job: &'static str) {
        if self.finalized + self.retried > 0 {
            tracing::info!(
                job,
                finalized = self.finalized,
                retried = self.retried,
                postponed = self.postponed,
                "attendance reconciled"
            );
        }
    }
}

/// A pass with nothing to log (it runs ten times a second).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quiet;

impl Report for Quiet {
    fn log(&self, _job: &'static str) {}
}

/// How many events a pruning pass deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventsPruned(pub u64);

impl Report for EventsPruned {
    fn log(&self, job: &'static str) {
        if self.0 > 0 {
            tracing::info!(
                job,
                pruned = self.0,
                "class events past their retention deleted"
            );
        }
    }
}

/// Retries the due video-provider clean-ups. Every process does this; the
/// queue's claims keep them from colliding.
pub fn video_cleanups(cleanups: Arc<ProviderCleanups>) -> impl Job {
    move || {
        let cleanups = cleanups.clone();
        async move {
            cleanups.run_once().await.map_err(|e| {
                anyhow::Error::new(e).context("could not read the video clean-up queue")
            })
        }
    }
}

impl Report for CleanupReport {
    fn log(&self, job: &'static str) {
        if self.done + self.failed + self.abandoned > 0 {
            tracing::info!(
                job,
                done = self.done,
                failed = self.failed,
                abandoned = self.abandoned,
                "video clean-ups run"
            );
        }
    }
}
