use time::macros::datetime;

use std::sync::Arc;

use time::{Duration, OffsetDateTime};

use super::*;
use crate::class::ports::MockClassRepository;
use crate::class::{ClassStatus, TransitionOutcome};
use crate::clock::FixedClock;
use crate::ids::{ClassId, TenantId};

const NOW: OffsetDateTime = datetime!(2030-03-04 22:00 UTC);

fn id(n: u128) -> ClassId {
    ClassId::from_uuid(uuid::Uuid::from_u128(n))
}

#[tokio::test]
async fn overdue_classes_are_ended_through_the_teachers_end_path_at_now() {
    let mut overdue = MockAutoEndRepository::new();
    overdue
        .expect_claim_overdue_classes()
        .withf(|cutoff, now, lease, limit| {
            *cutoff == NOW - Duration::minutes(30)
                && *now == NOW
                && *lease == Duration::minutes(5)
                && *limit == 100
        })
        .returning(|_, _, _, _| {
            let t = TenantId::parse("t").unwrap();
            Ok(vec![(t.clone(), id(1)), (t, id(2))])
        });
    let mut classes = MockClassRepository::new();
    classes
        .expect_mark_ended()
        .withf(|_, class, at| *class == id(1) && *at == NOW)
        .times(1)
        .returning(|_, _, _| Ok(TransitionOutcome::StatusWas(ClassStatus::Ended)));
    classes
        .expect_mark_ended()
        .withf(|_, class, at| *class == id(2) && *at == NOW)
        .times(1)
        .returning(|_, _, _| Ok(TransitionOutcome::NotFound));
    let service = AutoEndService::new(
        Arc::new(overdue),
        Arc::new(classes),
        Arc::new(FixedClock::at(NOW)),
        AutoEndPolicy::default(),
    );
    // Both were handled by someone else first: nothing counted.
    assert_eq!(service.run_once().await.unwrap(), 0);
}
