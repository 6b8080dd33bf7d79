//! Embedding the domain crate: another Rust service drives a class's life
//! with adapters of its own (an in-memory store, a video provider that makes
//! no calls) and the domain's `FixedClock`, without HTTP or a database.
//!
//! Run it with `cargo run -p liveclass-domain --example embed`; `cargo test`
//! runs it too.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use liveclass_domain::class::errors::JoinClassError;
use liveclass_domain::class::{
    AdmitOutcome, AdmitRequest, Capacity, ClassCounts, ClassFilter, ClassPage, ClassPolicy,
    ClassRepository, ClassStatus, CreateClass, DetailsUpdate, LiveClass, LiveClassService,
    LiveClasses, PageRequest, Participation, ParticipationRepository, RecordingOutcome,
    RecordingUrl, Title, TransitionOutcome, UpdateOutcome,
};
use liveclass_domain::clock::FixedClock;
use liveclass_domain::ids::{ClassId, SequentialIds, TenantId, UserId};
use liveclass_domain::store::RepoError;
use liveclass_domain::video::{
    JoinCredentials, JoinRequest, Room, RoomSpec, VideoError, VideoProvider,
};
use liveclass_domain::{Caller, Role};
use time::OffsetDateTime;
use time::macros::datetime;

/// Classes and participations in memory. One lock makes every port call
/// atomic, which is what the ports' contracts ask of a store.
#[derive(Default)]
struct InMemoryStore {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    classes: HashMap<ClassId, LiveClass>,
    participations: Vec<Participation>,
}

impl InMemoryStore {
    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl State {
    fn class(&self, tenant: &TenantId, id: ClassId) -> Option<&LiveClass> {
        self.classes.get(&id).filter(|c| &c.tenant_id == tenant)
    }

    /// Moves a class from `from` to `to` if it is still in `from`.
    fn transition(
        &mut self,
        tenant: &TenantId,
        id: ClassId,
        from: ClassStatus,
        to: ClassStatus,
        at: OffsetDateTime,
    ) -> TransitionOutcome {
        let Some(class) = self.classes.get_mut(&id).filter(|c| &c.tenant_id == tenant) else {
            return TransitionOutcome::NotFound;
        };
        if class.status != from {
            return TransitionOutcome::StatusWas(class.status);
        }
        class.status = to;
        class.updated_at = at;
        match to {
            ClassStatus::Live => class.started_at = Some(at),
            ClassStatus::Ended => class.ended_at = Some(at),
            ClassStatus::Scheduled | ClassStatus::Cancelled => {}
        }
        TransitionOutcome::Changed(Box::new(class.clone()))
    }

    fn active(&self, id: ClassId) -> impl Iterator<Item = &Participation> {
        self.participations
            .iter()
            .filter(move |p| p.class_id == id && p.is_active())
    }
}

#[async_trait]
impl ClassRepository for InMemoryStore {
    async fn insert(&self, class: &LiveClass) -> Result<(), RepoError> {
        self.with(|s| s.classes.insert(class.id, class.clone()));
        Ok(())
    }

    async fn find(&self, tenant: &TenantId, id: ClassId) -> Result<Option<LiveClass>, RepoError> {
        Ok(self.with(|s| s.class(tenant, id).cloned()))
    }

    async fn list(
        &self,
        tenant: &TenantId,
        _filter: &ClassFilter,
        page: PageRequest,
    ) -> Result<ClassPage, RepoError> {
        // Enough for this service: every class of the tenant, unfiltered.
        let classes: Vec<_> = self.with(|s| {
            s.classes
                .values()
                .filter(|c| &c.tenant_id == tenant)
                .map(|c| (c.clone(), ClassCounts::default()))
                .collect()
        });
        Ok(ClassPage {
            total: u64::try_from(classes.len()).unwrap_or(u64::MAX),
            page,
            classes,
        })
    }

    async fn mark_started(
        &self,
        tenant: &TenantId,
        id: ClassId,
        at: OffsetDateTime,
    ) -> Result<TransitionOutcome, RepoError> {
        Ok(self.with(|s| s.transition(tenant, id, ClassStatus::Scheduled, ClassStatus::Live, at)))
    }

    async fn mark_ended(
        &self,
        tenant: &TenantId,
        id: ClassId,
        at: OffsetDateTime,
    ) -> Result<TransitionOutcome, RepoError> {
        Ok(self.with(|s| {
            let outcome = s.transition(tenant, id, ClassStatus::Live, ClassStatus::Ended, at);
            if matches!(outcome, TransitionOutcome::Changed(_)) {
                // In the same critical section: no join slips in between.
                for p in s.participations.iter_mut() {
                    if p.class_id == id && p.is_active() {
                        p.left_at = Some(at);
                    }
                }
            }
            outcome
        }))
    }

    async fn mark_cancelled(
        &self,
        tenant: &TenantId,
        id: ClassId,
        at: OffsetDateTime,
    ) -> Result<TransitionOutcome, RepoError> {
        Ok(self.with(|s| {
            s.transition(
                tenant,
                id,
                ClassStatus::Scheduled,
                ClassStatus::Cancelled,
                at,
            )
        }))
    }

    async fn update_details(
        &self,
        _tenant: &TenantId,
        _id: ClassId,
        _update: &DetailsUpdate,
        _at: OffsetDateTime,
    ) -> Result<UpdateOutcome, RepoError> {
        // This service never edits classes.
        Ok(UpdateOutcome::NotFound)
    }

    async fn set_recording(
        &self,
        _tenant: &TenantId,
        _id: ClassId,
        _url: &RecordingUrl,
        _at: OffsetDateTime,
    ) -> Result<RecordingOutcome, RepoError> {
        // Nor records them.
        Ok(RecordingOutcome::NotFound)
    }

    async fn ping(&self) -> Result<(), RepoError> {
        Ok(())
    }
}

#[async_trait]
impl ParticipationRepository for InMemoryStore {
    async fn admit(&self, request: &AdmitRequest) -> Result<AdmitOutcome, RepoError> {
        Ok(self.with(|s| {
            let Some(class) = s.class(&request.tenant_id, request.class_id) else {
                return AdmitOutcome::NotFound;
            };
            if class.status != ClassStatus::Live {
                return AdmitOutcome::NotLive(class.status);
            }
            let capacity = class.max_participants.get();
            if let Some(mine) = s
                .active(request.class_id)
                .find(|p| p.user_id == request.user_id)
            {
                return AdmitOutcome::AlreadyActive(mine.clone());
            }
            // This store keeps no course rosters nor requests to join: a
            // `roster` or `approval` class admits its creator only.
            if class.created_by != request.user_id {
                match class.admission {
                    liveclass_domain::class::AdmissionPolicy::Roster => {
                        return AdmitOutcome::NotOnRoster;
                    }
                    liveclass_domain::class::AdmissionPolicy::Approval => {
                        return AdmitOutcome::NotApproved;
                    }
                    liveclass_domain::class::AdmissionPolicy::Open => {}
                }
            }
            // The port's capacity rule: one seat is held for the creator,
            // everyone else shares the others.
            let others = s
                .active(request.class_id)
                .filter(|p| p.user_id != class.created_by)
                .count();
            if class.created_by != request.user_id
                && others + 1 >= usize::try_from(capacity).unwrap_or(usize::MAX)
            {
                return AdmitOutcome::Full { capacity };
            }
            let participation = Participation {
                id: request.participation_id,
                class_id: request.class_id,
                tenant_id: request.tenant_id.clone(),
                user_id: request.user_id.clone(),
                user_name: request.user_name.clone(),
                role: request.role,
                joined_at: request.at,
                left_at: None,
            };
            s.participations.push(participation.clone());
            AdmitOutcome::Admitted(participation)
        }))
    }

    async fn release(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        user_id: &UserId,
        at: OffsetDateTime,
    ) -> Result<Option<Participation>, RepoError> {
        Ok(self.with(|s| {
            let p = s.participations.iter_mut().find(|p| {
                &p.tenant_id == tenant
                    && p.class_id == class_id
                    && &p.user_id == user_id
                    && p.is_active()
            })?;
            p.left_at = Some(at);
            Some(p.clone())
        }))
    }

    async fn is_removed(&self, _: &TenantId, _: ClassId, _: &UserId) -> Result<bool, RepoError> {
        // This store removes nobody (and keeps no waitlist: a full class
        // refuses even a join that asks to wait).
        Ok(false)
    }

    async fn roster(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        active_only: bool,
    ) -> Result<Option<(LiveClass, Vec<Participation>)>, RepoError> {
        let participations = self.list_for_class(tenant, class_id, active_only).await?;
        Ok(self
            .with(|s| s.class(tenant, class_id).cloned())
            .map(|class| (class, participations)))
    }

    async fn list_for_class(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        active_only: bool,
    ) -> Result<Vec<Participation>, RepoError> {
        Ok(self.with(|s| {
            s.participations
                .iter()
                .filter(|p| &p.tenant_id == tenant && p.class_id == class_id)
                .filter(|p| !active_only || p.is_active())
                .cloned()
                .collect()
        }))
    }

    async fn list_for_classes(
        &self,
        tenant: &TenantId,
        class_ids: &[ClassId],
    ) -> Result<Vec<Participation>, RepoError> {
        Ok(self.with(|s| {
            let mut found: Vec<Participation> = s
                .participations
                .iter()
                .filter(|p| &p.tenant_id == tenant && class_ids.contains(&p.class_id))
                .cloned()
                .collect();
            found.sort_by_key(|p| p.joined_at);
            found
        }))
    }
}

/// A provider that makes no calls: every room is a URL on our own host.
struct NoopVideo;

#[async_trait]
impl VideoProvider for NoopVideo {
    fn name(&self) -> &'static str {
        "noop"
    }

    async fn create_room(&self, spec: &RoomSpec) -> Result<Room, VideoError> {
        Ok(Room {
            provider: self.name().into(),
            external_id: spec.room_id.to_string(),
            join_url: format!("https://meet.example/{}", spec.room_id),
            host_url: None,
            password: None,
        })
    }

    async fn update_room(&self, room: &Room, _spec: &RoomSpec) -> Result<Room, VideoError> {
        Ok(room.clone())
    }

    async fn delete_room(&self, _room: &Room) -> Result<(), VideoError> {
        Ok(())
    }

    async fn join_credentials(
        &self,
        room: &Room,
        _who: &JoinRequest,
    ) -> Result<JoinCredentials, VideoError> {
        Ok(JoinCredentials {
            url: room.join_url.clone(),
            token: None,
            expires_at: None,
        })
    }
}

fn caller(user: &str, roles: Vec<Role>) -> Result<Caller, Box<dyn std::error::Error>> {
    Ok(Caller {
        user_id: UserId::parse(user)?,
        tenant_id: TenantId::parse("school-1")?,
        roles,
        name: None,
    })
}

/// The embedding service's own flow: create, start (which seats the
/// teacher), two joins against a capacity of two (the teacher's seat and
/// one more), leave, end.
async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let store = Arc::new(InMemoryStore::default());
    let classes: Arc<dyn LiveClasses> = Arc::new(LiveClassService::new(
        store.clone(),
        store,
        Arc::new(NoopVideo),
        Arc::new(FixedClock::at(datetime!(2030-03-04 9:00 UTC))),
        Arc::new(SequentialIds::default()),
        ClassPolicy::default(),
    ));

    let teacher = caller("teacher-1", vec![Role::TrainingManager])?;
    let ada = caller("student-ada", vec![])?;
    let bob = caller("student-bob", vec![])?;

    // Values are parsed before they reach the service.
    let class = classes
        .create(
            &teacher,
            CreateClass {
                tenant: None,
                title: Title::parse("Rust for embedders")?,
                description: None,
                scheduled_at: datetime!(2030-03-04 10:00 UTC),
                capacity: Some(Capacity::new(2)?),
                course_id: None,
                admission: None,
            },
        )
        .await?;
    assert_eq!(class.status, ClassStatus::Scheduled);

    classes.start(&teacher, class.id).await?;

    let joined = classes.join(&ada, class.id).await?;
    println!("ada joined at {}", joined.credentials.url);

    // Capacity 2, one seat held for the teacher: the second student is refused.
    match classes.join(&bob, class.id).await {
        Err(JoinClassError::Full { capacity }) => println!("bob refused: full ({capacity})"),
        other => return Err(format!("expected a full class, got {other:?}").into()),
    }

    classes.leave(&ada, class.id).await?;
    let ended = classes.end(&teacher, class.id).await?;
    assert_eq!(ended.status, ClassStatus::Ended);

    let details = classes.get(&teacher, class.id).await?;
    assert_eq!(details.counts.participants, 2, "the teacher and ada");
    assert_eq!(details.counts.active, 0);
    println!(
        "class {} ended with {} participants",
        class.id, details.counts.participants
    );
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    run().await
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn an_embedding_service_drives_a_class_through_its_life() {
        if let Err(e) = super::run().await {
            panic!("the embedded flow failed: {e}");
        }
    }
}
