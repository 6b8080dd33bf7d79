use mockall::predicate::eq;
use time::macros::datetime;

use std::sync::Arc;

use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::*;
use crate::clock::FixedClock;
use crate::ids::{ClassId, TenantId};
use crate::video::MockVideoProvider;
use crate::video::{Room, VideoError};

const NOW: OffsetDateTime = datetime!(2030-01-01 10:00 UTC);

fn pending(attempts: u32) -> PendingCleanup {
    PendingCleanup {
        id: Uuid::from_u128(7),
        tenant_id: TenantId::parse("acme").unwrap(),
        class_id: ClassId::from_uuid(Uuid::from_u128(1)),
        action: CleanupAction::DeleteRoom,
        room: Room {
            provider: "daily".into(),
            external_id: "room-1".into(),
            join_url: "https://x.daily.co/room-1".into(),
            host_url: None,
            password: None,
        },
        recording: None,
        attempts,
        last_error: None,
    }
}

fn video(result: fn() -> Result<(), VideoError>) -> MockVideoProvider {
    let mut video = MockVideoProvider::new();
    video.expect_name().return_const("daily");
    video
        .expect_delete_room()
        .times(1)
        .returning(move |_| result());
    video
}

fn cleanups(queue: MockCleanupQueue, video: MockVideoProvider) -> ProviderCleanups {
    ProviderCleanups::new(
        Arc::new(queue),
        Arc::new(video),
        Arc::new(FixedClock::at(NOW)),
        CleanupPolicy::default(),
    )
}

#[tokio::test]
async fn a_clean_up_that_succeeds_is_removed_from_the_queue() {
    let mut queue = MockCleanupQueue::new();
    queue
        .expect_claim_due()
        .with(eq(NOW), eq(Duration::minutes(5)), eq(5))
        .returning(|_, _, _| Ok(vec![pending(2)]));
    queue
        .expect_complete()
        .with(eq(Uuid::from_u128(7)))
        .times(1)
        .returning(|_| Ok(()));
    let report = cleanups(queue, video(|| Ok(()))).run_once().await.unwrap();
    assert_eq!(
        report,
        CleanupReport {
            done: 1,
            ..CleanupReport::default()
        }
    );
}

#[tokio::test]
async fn a_room_the_provider_no_longer_has_counts_as_cleaned_up() {
    let mut queue = MockCleanupQueue::new();
    queue
        .expect_claim_due()
        .returning(|_, _, _| Ok(vec![pending(1)]));
    queue.expect_complete().times(1).returning(|_| Ok(()));
    let report = cleanups(queue, video(|| Err(VideoError::NotFound)))
        .run_once()
        .await
        .unwrap();
    assert_eq!(report.done, 1);
}

#[tokio::test]
async fn a_clean_up_that_fails_again_is_rescheduled_with_a_doubled_delay() {
    let mut queue = MockCleanupQueue::new();
    queue
        .expect_claim_due()
        .returning(|_, _, _| Ok(vec![pending(3)]));
    queue
        .expect_reschedule()
        .withf(|id, due, error| {
            *id == Uuid::from_u128(7)
                && *due == NOW + Duration::minutes(2)
                && error.contains("unavailable")
        })
        .times(1)
        .returning(|_, _, _| Ok(()));
    let report = cleanups(
        queue,
        video(|| Err(VideoError::Unavailable("Daily answered 503".into()))),
    )
    .run_once()
    .await
    .unwrap();
    assert_eq!(
        report,
        CleanupReport {
            failed: 1,
            ..CleanupReport::default()
        }
    );
}

#[tokio::test]
async fn a_clean_up_failing_for_its_last_allowed_attempt_is_given_up() {
    let mut queue = MockCleanupQueue::new();
    queue
        .expect_claim_due()
        .returning(|_, _, _| Ok(vec![pending(36)]));
    queue.expect_complete().times(1).returning(|_| Ok(()));
    let report = cleanups(queue, video(|| Err(VideoError::Invalid("no".into()))))
        .run_once()
        .await
        .unwrap();
    assert_eq!(report.abandoned, 1);
}

#[test]
fn the_retry_delay_doubles_per_attempt_up_to_an_hour() {
    let p = CleanupPolicy::default();
    assert_eq!(p.delay_after(1), Duration::seconds(30));
    assert_eq!(p.delay_after(2), Duration::seconds(60));
    assert_eq!(p.delay_after(4), Duration::seconds(240));
    assert_eq!(p.delay_after(30), Duration::hours(1));
}
