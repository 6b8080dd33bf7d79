use std::sync::Arc;

use time::macros::datetime;

use super::*;
use time::{Duration, OffsetDateTime};

use crate::caller::Caller;
use crate::caller::Role;
use crate::class::ClassPage;
use crate::class::ports::MockClassRepository;
use crate::clock::FixedClock;
use crate::ids::{RandomIds, SequentialIds};
use crate::ids::{TenantId, UserId};
use crate::schedule::CourseId;

const NOW: OffsetDateTime = datetime!(2030-03-04 12:00 UTC);

fn caller() -> Caller {
    Caller {
        user_id: UserId::parse("teacher-1").unwrap(),
        tenant_id: TenantId::parse("tenant-a").unwrap(),
        roles: vec![Role::Other("student".into())],
        name: None,
    }
}

fn service(tokens: MockCalendarTokenRepository, classes: MockClassRepository) -> CalendarService {
    CalendarService::new(
        Arc::new(tokens),
        Arc::new(classes),
        Arc::new(FixedClock::at(NOW)),
        Arc::new(SequentialIds::default()),
    )
}

#[test]
fn tokens_are_long_random_and_stored_only_as_hashes() {
    let a = CalendarToken::generate(&RandomIds);
    let b = CalendarToken::generate(&RandomIds);
    assert_ne!(a, b);
    assert_eq!(a.as_str().len(), 64);
    assert_eq!(a.hash().as_str().len(), 64);
    assert_ne!(a.hash().as_str(), a.as_str());
    assert_eq!(CalendarToken::parse(a.as_str()).unwrap().hash(), a.hash());
    assert!(CalendarToken::parse("short").is_none());
    assert_eq!(format!("{a:?}"), "CalendarToken(<redacted>)");
}

#[tokio::test]
async fn an_issued_token_is_stored_by_its_hash_for_the_caller() {
    let mut tokens = MockCalendarTokenRepository::new();
    let stored = Arc::new(std::sync::Mutex::new(None));
    let seen = stored.clone();
    tokens
        .expect_insert()
        .times(1)
        .returning(move |hash, owner, at| {
            assert_eq!(owner.user_id.as_str(), "teacher-1");
            assert_eq!(at, NOW);
            *seen.lock().unwrap() = Some(hash.clone());
            Ok(())
        });
    let token = service(tokens, MockClassRepository::new())
        .issue_token(&caller())
        .await
        .unwrap();
    assert_eq!(stored.lock().unwrap().clone(), Some(token.hash()));
}

#[tokio::test]
async fn a_personal_join_link_stands_for_its_live_token_owner_until_it_expires() {
    let token = CalendarToken::generate(&RandomIds);
    let hash = token.hash();
    let mut tokens = MockCalendarTokenRepository::new();
    let known = hash.clone();
    tokens.expect_owner().returning(move |h| {
        Ok((h == &known).then(|| TokenOwner {
            tenant_id: TenantId::parse("tenant-a").unwrap(),
            user_id: UserId::parse("teacher-1").unwrap(),
        }))
    });
    let svc = service(tokens, MockClassRepository::new());
    let later = NOW + Duration::hours(1);
    let owner = svc.link_owner(&hash, later).await.unwrap().unwrap();
    assert_eq!(owner.user_id.as_str(), "teacher-1");
    // Expired: the store is not even asked.
    let earlier = NOW - Duration::seconds(1);
    assert_eq!(svc.link_owner(&hash, earlier).await.unwrap(), None);
    // Revoked (or unknown): no owner.
    let other = CalendarToken::generate(&RandomIds).hash();
    assert_eq!(svc.link_owner(&other, later).await.unwrap(), None);
    assert_eq!(CalendarTokenHash::parse(hash.as_str()), Some(hash));
    assert_eq!(CalendarTokenHash::parse("short"), None);
}

#[tokio::test]
async fn unknown_revoked_or_malformed_tokens_open_no_feed() {
    let mut tokens = MockCalendarTokenRepository::new();
    tokens.expect_owner().returning(|_| Ok(None));
    let svc = service(tokens, MockClassRepository::new());
    let unknown = CalendarToken::parse(&"a".repeat(64)).unwrap();
    assert!(matches!(
        svc.user_feed(&unknown).await,
        Err(CalendarFeedError::NotFound)
    ));
    // A malformed token is refused by its parser: it never reaches the store.
    assert!(CalendarToken::parse("nope").is_none());
}

#[tokio::test]
async fn a_course_feed_lists_the_course_in_the_owners_tenant_from_90_days_ago() {
    let mut tokens = MockCalendarTokenRepository::new();
    tokens.expect_owner().returning(|_| {
        Ok(Some(TokenOwner {
            tenant_id: TenantId::parse("tenant-a").unwrap(),
            user_id: UserId::parse("student-1").unwrap(),
        }))
    });
    let mut classes = MockClassRepository::new();
    classes
        .expect_list()
        .withf(|tenant, filter, _| {
            tenant.as_str() == "tenant-a"
                && filter.course_id.as_ref().map(CourseId::as_str) == Some("web-dev")
                && filter.from == Some(NOW - Duration::days(90))
                && !filter.upcoming
        })
        .times(1)
        .returning(|_, _, page| {
            Ok(ClassPage {
                total: 0,
                page,
                classes: vec![],
            })
        });
    let feed = service(tokens, classes)
        .course_feed(
            &CalendarToken::parse(&"b".repeat(64)).unwrap(),
            &CourseId::parse("web-dev").unwrap(),
        )
        .await
        .unwrap();
    assert!(feed.is_empty());
}
