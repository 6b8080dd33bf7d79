//! The whole domain wired from its ports: [`Ports`] is what an application
//! provides (a store, a video provider, a clock, an id generator, …),
//! [`Policies`] its deployment's limits, and [`Services::new`] builds every
//! use-case service from them, once. An application (the `server`, a test,
//! an embedding service) builds `Services` and hands it to its adapters;
//! a dependency it forgets does not compile.

use std::sync::Arc;

use crate::actual_times::{ActualTimes, ActualTimesPolicy, ActualTimesService};
use crate::admission::{AdmissionService, Admissions};
use crate::attendance::{
    AttendancePolicy, AttendanceReconciler, AttendanceService, AttendanceStores, Attendances,
    ReconcilePolicy,
};
use crate::auto_end::{AutoEndPolicy, AutoEndService};
use crate::calendar::{CalendarService, Calendars};
use crate::class::{ClassPolicy, LiveClassService, LiveClasses};
use crate::cleanup::{CleanupPolicy, CleanupQueue, ProviderCleanups};
use crate::clock::Clock;
use crate::controls::{ControlService, Controls};
use crate::events::{ClassEventService, ClassEvents, EventLogJobs, EventLogPolicy, EventWakeups};
use crate::idempotency::{Idempotency, IdempotencyPolicy, IdempotencyService};
use crate::ids::IdGenerator;
use crate::interaction::{
    InteractionService, Interactions, PollService, Polls, ReactionService, Reactions,
    ResourceService, Resources, Unread, UnreadService,
};
use crate::join_link::{JoinLinkPolicy, JoinLinkService, JoinLinks};
use crate::provider_accounts::{CredentialChecker, ProviderAccountService, ProviderAccounts};
use crate::provider_events::{
    ProviderEventJobs, ProviderEventPolicy, ProviderEventService, ProviderEventStores,
    ProviderEvents, ProviderPayloads,
};
use crate::recording::{RecordingService, Recordings};
use crate::roster::{RosterService, Rosters};
use crate::schedule::{SchedulePolicy, ScheduleService, Schedules};
use crate::store::Store;
use crate::video::VideoProvider;
use crate::webhooks::{
    SecretBox, WebhookDeliveryJobs, WebhookEndpoints, WebhookPolicy, WebhookSender, WebhookService,
};

/// What the domain needs from the world. A new capability that needs a new
/// kind of adapter adds a field here (its repository ports go into
/// [`Store`] instead).
#[derive(Clone)]
pub struct Ports {
    /// Every repository port, in one object (see [`Store`]).
    pub store: Arc<dyn Store>,
    /// Where classes meet.
    pub video: Arc<dyn VideoProvider>,
    /// The time every rule reads.
    pub clock: Arc<dyn Clock>,
    /// Mints every id.
    pub ids: Arc<dyn IdGenerator>,
    /// Stores provider clean-ups that failed, for a later retry. Without one,
    /// such failures are only logged and [`Services::cleanups`] is `None`.
    pub cleanups: Option<Arc<dyn CleanupQueue>>,
    /// Tells this process's live event streams that class logs grew
    /// ([`crate::events::NoWakeups`] when nothing streams).
    pub wakeups: Arc<dyn EventWakeups>,
    /// Makes and seals webhook signing secrets; seals provider credentials.
    pub secrets: Arc<dyn SecretBox>,
    /// Sends webhooks (and checks their targets).
    pub webhook_sender: Arc<dyn WebhookSender>,
    /// Checks provider-account credentials against their provider.
    pub credential_checker: Arc<dyn CredentialChecker>,
    /// Reads the bodies of provider webhooks (Daily, Zoom).
    pub provider_payloads: Arc<dyn ProviderPayloads>,
}

/// The deployment's limits, one per capability; `Default` gives the
/// documented defaults.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Policies {
    /// Class capacity bounds and default.
    pub class: ClassPolicy,
    /// Schedule limits (and the class policy of generated classes).
    pub schedule: SchedulePolicy,
    /// How early a teacher's join link starts a class.
    pub join_link: JoinLinkPolicy,
    /// Rules for recorded start and end times.
    pub actual_times: ActualTimesPolicy,
    /// When a live class is overdue, and how auto-end claims work.
    pub auto_end: AutoEndPolicy,
    /// How failed provider clean-ups are retried.
    pub cleanup: CleanupPolicy,
    /// How long `Idempotency-Key`s live.
    pub idempotency: IdempotencyPolicy,
    /// How long class events are kept; the sequencer's batch.
    pub event_log: EventLogPolicy,
    /// Webhook retries, secret rotation overlap, delivery leases.
    pub webhooks: WebhookPolicy,
    /// How provider webhooks are retried.
    pub provider_events: ProviderEventPolicy,
    /// The grace periods of the attendance statuses.
    pub attendance: AttendancePolicy,
    /// When and how often a class's attendance is reconciled with the
    /// provider's report.
    pub reconcile: ReconcilePolicy,
}

/// Every use-case service, built once from [`Ports`] and [`Policies`]. The
/// request-facing ones are trait objects, so an adapter's tests can replace
/// any of them with its `Mock*` (feature `mocks`); the background jobs are
/// the concrete services a worker runs periodically.
#[derive(Clone)]
pub struct Services {
    /// Live classes: create, list, start, join, leave, end, …
    pub live_classes: Arc<dyn LiveClasses>,
    /// Recurring schedules and the classes they generate.
    pub schedules: Arc<dyn Schedules>,
    /// `/join/{hash}` links.
    pub join_links: Arc<dyn JoinLinks>,
    /// Staff-recorded start and end times.
    pub actual_times: Arc<dyn ActualTimes>,
    /// Calendar tokens and feeds.
    pub calendars: Arc<dyn Calendars>,
    /// `Idempotency-Key`s of creating requests (also the pruning job).
    pub idempotency: Arc<dyn Idempotency>,
    /// Class event logs: replays.
    pub class_events: Arc<dyn ClassEvents>,
    /// Background jobs: the event sequencer and the event pruning.
    pub event_log: Arc<EventLogJobs>,
    /// Webhook endpoints and their deliveries.
    pub webhooks: Arc<dyn WebhookEndpoints>,
    /// Recordings: start, stop, list, access, delete.
    pub recordings: Arc<dyn Recordings>,
    /// In-class interaction: the chat and its questions.
    pub interactions: Arc<dyn Interactions>,
    /// In-class polls.
    pub polls: Arc<dyn Polls>,
    /// In-class reactions.
    pub reactions: Arc<dyn Reactions>,
    /// Resources shared in classes.
    pub resources: Arc<dyn Resources>,
    /// Read marks and unread counts.
    pub unread: Arc<dyn Unread>,
    /// Course rosters (who may join `roster` classes).
    pub rosters: Arc<dyn Rosters>,
    /// Requests to join, the waitlist, removals.
    pub admissions: Arc<dyn Admissions>,
    /// Co-hosts and participant controls (microphone, camera, hands).
    pub controls: Arc<dyn Controls>,
    /// Background job: delivers due webhooks.
    pub webhook_deliveries: Arc<WebhookDeliveryJobs>,
    /// The tenant's own video-provider accounts.
    pub provider_accounts: Arc<dyn ProviderAccounts>,
    /// Attendance reports.
    pub attendance: Arc<dyn Attendances>,
    /// Provider webhooks: receive, list, reprocess.
    pub provider_events: Arc<dyn ProviderEvents>,
    /// Background job: handles stored provider webhooks.
    pub provider_event_jobs: Arc<ProviderEventJobs>,
    /// Background job: reconciles ended classes' attendance with the video
    /// provider's report.
    pub attendance_reconciler: Arc<AttendanceReconciler>,
    /// Background job: ends overdue live classes.
    pub auto_end: Arc<AutoEndService>,
    /// Background job: retries failed provider clean-ups; `None` without a
    /// clean-up queue.
    pub cleanups: Option<Arc<ProviderCleanups>>,
}

impl Services {
    /// Builds every service from the same ports.
    pub fn new(ports: Ports, policies: Policies) -> Self {
        let Ports {
            store,
            video,
            clock,
            ids,
            cleanups,
            wakeups,
            secrets,
            webhook_sender,
            credential_checker,
            provider_payloads,
        } = ports;
        let mut classes = LiveClassService::new(
            store.clone(),
            store.clone(),
            video.clone(),
            clock.clone(),
            ids.clone(),
            policies.class,
        )
        .with_controls(store.clone());
        if let Some(queue) = &cleanups {
            classes = classes.with_cleanup_queue(queue.clone());
        }
        let live_classes: Arc<dyn LiveClasses> = Arc::new(classes);
        let attendance_stores = AttendanceStores {
            classes: store.clone(),
            participations: store.clone(),
            sessions: store.clone(),
            rosters: store.clone(),
            admissions: store.clone(),
            attendance: store.clone(),
        };
        let mut recordings = RecordingService::new(
            store.clone(),
            store.clone(),
            store.clone(),
            video.clone(),
            clock.clone(),
            ids.clone(),
        );
        if let Some(queue) = &cleanups {
            recordings = recordings.with_cleanup_queue(queue.clone());
        }
        Self {
            recordings: Arc::new(recordings),
            polls: Arc::new(PollService::new(
                store.clone(),
                store.clone(),
                store.clone(),
                clock.clone(),
                ids.clone(),
            )),
            unread: Arc::new(UnreadService::new(
                store.clone(),
                store.clone(),
                store.clone(),
                clock.clone(),
            )),
            resources: Arc::new(ResourceService::new(
                store.clone(),
                store.clone(),
                store.clone(),
                clock.clone(),
                ids.clone(),
            )),
            reactions: Arc::new(ReactionService::new(
                store.clone(),
                store.clone(),
                store.clone(),
                clock.clone(),
                ids.clone(),
            )),
            interactions: Arc::new(InteractionService::new(
                store.clone(),
                store.clone(),
                clock.clone(),
                ids.clone(),
            )),
            rosters: Arc::new(RosterService::new(store.clone(), clock.clone())),
            admissions: Arc::new(AdmissionService::new(
                store.clone(),
                store.clone(),
                store.clone(),
                video.clone(),
                clock.clone(),
                ids.clone(),
            )),
            controls: Arc::new(ControlService::new(
                store.clone(),
                store.clone(),
                clock.clone(),
            )),
            attendance: Arc::new(AttendanceService::new(
                attendance_stores.clone(),
                clock.clone(),
                policies.attendance,
            )),
            attendance_reconciler: Arc::new(AttendanceReconciler::new(
                attendance_stores,
                video.clone(),
                provider_payloads.clone(),
                clock.clone(),
                (policies.attendance, policies.reconcile),
            )),
            provider_events: Arc::new(ProviderEventService::new(store.clone(), clock.clone())),
            provider_event_jobs: Arc::new(ProviderEventJobs::new(
                store.clone(),
                ProviderEventStores {
                    classes: store.clone(),
                    participations: store.clone(),
                    controls: store.clone(),
                    recordings: store.clone(),
                },
                provider_payloads,
                clock.clone(),
                ids.clone(),
                policies.provider_events,
            )),
            provider_accounts: Arc::new(ProviderAccountService::new(
                store.clone(),
                secrets.clone(),
                credential_checker,
                clock.clone(),
                ids.clone(),
            )),
            webhooks: Arc::new(WebhookService::new(
                store.clone(),
                secrets.clone(),
                webhook_sender.clone(),
                clock.clone(),
                ids.clone(),
                policies.webhooks,
            )),
            webhook_deliveries: Arc::new(WebhookDeliveryJobs::new(
                store.clone(),
                secrets,
                webhook_sender,
                clock.clone(),
                ids.clone(),
                policies.webhooks,
            )),
            class_events: Arc::new(ClassEventService::new(store.clone(), store.clone())),
            event_log: Arc::new(EventLogJobs::new(
                store.clone(),
                wakeups,
                clock.clone(),
                policies.event_log,
            )),
            schedules: Arc::new(ScheduleService::new(
                store.clone(),
                video.clone(),
                clock.clone(),
                ids.clone(),
                policies.schedule,
            )),
            join_links: Arc::new(JoinLinkService::new(
                store.clone(),
                live_classes.clone(),
                clock.clone(),
                policies.join_link,
            )),
            actual_times: Arc::new(ActualTimesService::new(
                store.clone(),
                clock.clone(),
                policies.actual_times,
            )),
            calendars: Arc::new(CalendarService::new(
                store.clone(),
                store.clone(),
                clock.clone(),
                ids,
            )),
            idempotency: Arc::new(IdempotencyService::new(
                store.clone(),
                clock.clone(),
                policies.idempotency,
            )),
            auto_end: Arc::new(AutoEndService::new(
                store.clone(),
                store,
                clock.clone(),
                policies.auto_end,
            )),
            cleanups: cleanups.map(|queue| {
                Arc::new(ProviderCleanups::new(queue, video, clock, policies.cleanup))
            }),
            live_classes,
        }
    }
}
