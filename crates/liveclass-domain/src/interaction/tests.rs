#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use time::OffsetDateTime;
use time::macros::datetime;

use super::*;
use crate::caller::{Caller, Role};
use crate::class::ports::MockClassRepository;
use crate::class::{Capacity, ClassStatus, LiveClass, Title};
use crate::clock::FixedClock;
use crate::ids::{ClassId, MessageId, RoomId, SequentialIds, TenantId, UserId};
use crate::interaction::QuestionStatus;
use crate::join_link::JoinHash;
use crate::video::Room;

const NOW: OffsetDateTime = datetime!(2030-03-04 19:00 UTC);

fn class(status: ClassStatus) -> LiveClass {
    LiveClass {
        id: ClassId::from_uuid(uuid::Uuid::from_u128(1)),
        tenant_id: TenantId::parse("acme").unwrap(),
        created_by: UserId::parse("teacher").unwrap(),
        title: Title::parse("Rust").unwrap(),
        description: None,
        room_id: RoomId::from_uuid(uuid::Uuid::from_u128(2)),
        room: Room {
            provider: "jitsi".into(),
            external_id: "r".into(),
            join_url: "https://meet.example/r".into(),
            host_url: None,
            password: None,
        },
        status,
        scheduled_at: NOW,
        scheduled_end: None,
        course_id: None,
        occurrence: None,
        join_hash: JoinHash::from_uuids(uuid::Uuid::from_u128(3), uuid::Uuid::from_u128(4)),
        ical_sequence: 0,
        admission: crate::class::AdmissionPolicy::Open,
        co_hosts: Vec::new(),
        started_at: None,
        ended_at: None,
        max_participants: Capacity::from_stored(10),
        recording_url: None,
        created_at: NOW,
        updated_at: NOW,
    }
}

fn caller(user: &str, roles: Vec<Role>) -> Caller {
    Caller {
        user_id: UserId::parse(user).unwrap(),
        tenant_id: TenantId::parse("acme").unwrap(),
        roles,
        name: Some(format!("{user}'s name")),
    }
}

fn service(found: Option<LiveClass>, messages: MockMessageRepository) -> InteractionService {
    let mut classes = MockClassRepository::new();
    classes
        .expect_find()
        .returning(move |_, _| Ok(found.clone()));
    InteractionService::new(
        Arc::new(classes),
        Arc::new(messages),
        Arc::new(FixedClock::at(NOW)),
        Arc::new(SequentialIds::default()),
    )
}

fn stored(m: &NewMessage) -> Message {
    Message {
        id: m.id,
        tenant_id: m.tenant_id.clone(),
        class_id: m.class_id,
        position: 1,
        kind: m.kind,
        author_id: m.author_id.clone(),
        author_name: m.author_name.clone(),
        anonymous: m.anonymous,
        status: None,
        upvotes: 0,
        text: m.text.as_str().to_owned(),
        posted_at: m.posted_at,
        deleted_at: None,
        deleted_by: None,
    }
}

#[test]
fn the_creator_and_the_tenants_managers_moderate_a_class() {
    let c = class(ClassStatus::Live);
    assert!(is_moderator(&caller("teacher", vec![]), &c));
    assert!(is_moderator(
        &caller("boss", vec![Role::TrainingManager]),
        &c
    ));
    assert!(is_moderator(&caller("admin", vec![Role::OrgAdmin]), &c));
    assert!(!is_moderator(
        &caller("student", vec![Role::Other("teacher".into())]),
        &c
    ));
}

#[tokio::test]
async fn a_participant_posts_under_the_participant_guard_a_moderator_under_the_moderator_one() {
    let mut messages = MockMessageRepository::new();
    messages
        .expect_post_message()
        .withf(|m, g| m.author_id.as_str() == "student" && *g == PostGuard::Participant)
        .times(1)
        .returning(|m, _| Ok(PostOutcome::Posted(stored(m))));
    messages
        .expect_post_message()
        .withf(|m, g| m.author_id.as_str() == "teacher" && *g == PostGuard::Moderator)
        .times(1)
        .returning(|m, _| Ok(PostOutcome::Posted(stored(m))));
    let svc = service(Some(class(ClassStatus::Live)), messages);
    let text = MessageText::parse("hello").unwrap();
    let posted = svc
        .post_message(
            &caller("student", vec![]),
            ClassId::from_uuid(uuid::Uuid::from_u128(1)),
            text.clone(),
        )
        .await
        .unwrap();
    assert_eq!(posted.author_name.as_deref(), Some("student's name"));
    assert_eq!(posted.posted_at, NOW);
    svc.post_message(&caller("teacher", vec![]), posted.class_id, text)
        .await
        .unwrap();
}

#[tokio::test]
async fn posting_outside_a_live_class_or_as_an_outsider_is_refused() {
    let id = ClassId::from_uuid(uuid::Uuid::from_u128(1));
    let text = MessageText::parse("hello").unwrap();
    let student = caller("student", vec![]);
    for status in [
        ClassStatus::Scheduled,
        ClassStatus::Ended,
        ClassStatus::Cancelled,
    ] {
        let svc = service(Some(class(status)), MockMessageRepository::new());
        let err = svc
            .post_message(&student, id, text.clone())
            .await
            .unwrap_err();
        assert!(
            matches!(err, PostMessageError::NotLive),
            "{status:?}: {err:?}"
        );
    }
    let svc = service(None, MockMessageRepository::new());
    let err = svc
        .post_message(&student, id, text.clone())
        .await
        .unwrap_err();
    assert!(matches!(err, PostMessageError::ClassNotFound));
    for (outcome, check) in [
        (PostOutcome::NotAdmitted, "admitted"),
        (PostOutcome::Removed, "removed"),
        (PostOutcome::NotLive, "live"),
    ] {
        let mut messages = MockMessageRepository::new();
        messages
            .expect_post_message()
            .returning(move |_, _| Ok(outcome.clone()));
        let svc = service(Some(class(ClassStatus::Live)), messages);
        let err = svc
            .post_message(&student, id, text.clone())
            .await
            .unwrap_err();
        assert!(err.to_string().contains(check), "{err}");
    }
}

#[tokio::test]
async fn only_moderators_and_past_or_present_participants_read_the_chat() {
    let id = ClassId::from_uuid(uuid::Uuid::from_u128(1));
    let mut messages = MockMessageRepository::new();
    messages
        .expect_has_participated()
        .returning(|_, _, u| Ok(u.as_str() == "attendee"));
    messages.expect_list_messages().returning(|_, _, _, _, _| {
        Ok(MessagePage {
            messages: vec![],
            has_more: false,
        })
    });
    let svc = service(Some(class(ClassStatus::Ended)), messages);
    for reader in [
        caller("attendee", vec![]),
        caller("teacher", vec![]),
        caller("manager", vec![Role::OrgAdmin]),
    ] {
        svc.list_messages(&reader, id, MessageQuery::default())
            .await
            .unwrap();
    }
    let err = svc
        .list_messages(&caller("stranger", vec![]), id, MessageQuery::default())
        .await
        .unwrap_err();
    assert!(matches!(err, ListMessagesError::NotAdmitted));
}

#[tokio::test]
async fn pages_are_50_by_default_and_at_most_100() {
    let id = ClassId::from_uuid(uuid::Uuid::from_u128(1));
    let mut messages = MockMessageRepository::new();
    messages
        .expect_list_messages()
        .withf(|_, _, after, limit, _| *after == 0 && *limit == 50)
        .times(1)
        .returning(|_, _, _, _, _| {
            Ok(MessagePage {
                messages: vec![],
                has_more: false,
            })
        });
    let svc = service(Some(class(ClassStatus::Live)), messages);
    let teacher = caller("teacher", vec![]);
    svc.list_messages(&teacher, id, MessageQuery::default())
        .await
        .unwrap();
    for (after, limit) in [(Some(-1), None), (None, Some(0)), (None, Some(101))] {
        let err = svc
            .list_messages(
                &teacher,
                id,
                MessageQuery {
                    after,
                    limit,
                    kinds: vec![],
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(err, ListMessagesError::Invalid(_)), "{err:?}");
    }
}

#[tokio::test]
async fn a_moderator_deletes_any_message_others_only_their_own() {
    let id = ClassId::from_uuid(uuid::Uuid::from_u128(1));
    let mut messages = MockMessageRepository::new();
    messages
        .expect_delete_message()
        .withf(|_, _, _, by, any, _| by.as_str() == "teacher" && *any)
        .times(1)
        .returning(|_, _, _, _, _, _| Ok(DeleteOutcome::NotFound));
    messages
        .expect_delete_message()
        .withf(|_, _, _, by, any, _| by.as_str() == "student" && !*any)
        .times(1)
        .returning(|_, _, _, _, _, _| Ok(DeleteOutcome::NotAuthor));
    let svc = service(Some(class(ClassStatus::Live)), messages);
    let message = MessageId::from_uuid(uuid::Uuid::from_u128(9));
    let err = svc
        .delete_message(&caller("teacher", vec![]), id, message)
        .await
        .unwrap_err();
    assert!(matches!(err, DeleteMessageError::MessageNotFound));
    let err = svc
        .delete_message(&caller("student", vec![]), id, message)
        .await
        .unwrap_err();
    assert!(matches!(err, DeleteMessageError::NotAuthor));
}

#[test]
fn an_anonymous_messages_author_is_in_no_event() {
    let m = Message {
        id: MessageId::from_uuid(uuid::Uuid::from_u128(7)),
        tenant_id: TenantId::parse("acme").unwrap(),
        class_id: ClassId::from_uuid(uuid::Uuid::from_u128(1)),
        position: 3,
        kind: MessageKind::Question,
        author_id: UserId::parse("secret-author").unwrap(),
        author_name: Some("Secret Author".into()),
        anonymous: true,
        status: Some(QuestionStatus::Open),
        upvotes: 2,
        text: "why?".into(),
        posted_at: NOW,
        deleted_at: Some(NOW),
        deleted_by: Some(UserId::parse("secret-author").unwrap()),
    };
    for event in [
        crate::events::NewEvent::question_asked(&m),
        crate::events::NewEvent::question_upvoted(&m, NOW),
        crate::events::NewEvent::question_status_changed(&m, NOW),
        crate::events::NewEvent::message_deleted(&m),
    ] {
        let text = event.data.to_string();
        assert!(!text.contains("secret-author"), "{text}");
        assert!(!text.contains("Secret Author"), "{text}");
    }
    let named = Message {
        anonymous: false,
        ..m
    };
    let text = crate::events::NewEvent::question_asked(&named)
        .data
        .to_string();
    assert!(text.contains("secret-author"), "{text}");
}

#[tokio::test]
async fn only_moderators_set_a_questions_status() {
    let id = ClassId::from_uuid(uuid::Uuid::from_u128(1));
    let question = MessageId::from_uuid(uuid::Uuid::from_u128(9));
    let mut messages = MockMessageRepository::new();
    messages
        .expect_set_question_status()
        .times(1)
        .returning(|_, _, _, _, _| Ok(None));
    let svc = service(Some(class(ClassStatus::Ended)), messages);
    let err = svc
        .set_question_status(
            &caller("student", vec![]),
            id,
            question,
            QuestionStatus::Answered,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, SetQuestionStatusError::NotModerator));
    let err = svc
        .set_question_status(
            &caller("teacher", vec![]),
            id,
            question,
            QuestionStatus::Answered,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, SetQuestionStatusError::QuestionNotFound));
}

#[tokio::test]
async fn upvotes_follow_the_posting_rules() {
    let id = ClassId::from_uuid(uuid::Uuid::from_u128(1));
    let question = MessageId::from_uuid(uuid::Uuid::from_u128(9));
    let svc = service(
        Some(class(ClassStatus::Ended)),
        MockMessageRepository::new(),
    );
    let err = svc
        .upvote_question(&caller("student", vec![]), id, question)
        .await
        .unwrap_err();
    assert!(matches!(err, UpvoteQuestionError::NotLive));
    let mut messages = MockMessageRepository::new();
    messages
        .expect_upvote_question()
        .withf(|_, _, _, _, g, _| *g == PostGuard::Participant)
        .returning(|_, _, _, _, _, _| Ok(UpvoteOutcome::Refused(PostOutcome::Removed)));
    let svc = service(Some(class(ClassStatus::Live)), messages);
    let err = svc
        .upvote_question(&caller("student", vec![]), id, question)
        .await
        .unwrap_err();
    assert!(matches!(err, UpvoteQuestionError::Removed));
}

mod polls {
    use super::*;
    use crate::interaction::{
        MockPollRepository, Poll, PollError, PollService, PollSpec, PollStatus, Polls,
    };

    fn poll(multiple: bool) -> Poll {
        Poll {
            id: crate::ids::PollId::from_uuid(uuid::Uuid::from_u128(5)),
            tenant_id: TenantId::parse("acme").unwrap(),
            class_id: ClassId::from_uuid(uuid::Uuid::from_u128(1)),
            spec: PollSpec::parse("Pace?", &["a".into(), "b".into()], multiple, false).unwrap(),
            status: PollStatus::Open,
            created_by: UserId::parse("teacher").unwrap(),
            created_at: NOW,
            counts: vec![0, 0],
            voters: 0,
            ballots: None,
        }
    }

    fn service(class_status: ClassStatus, polls: MockPollRepository) -> PollService {
        let mut classes = MockClassRepository::new();
        let found = class(class_status);
        classes
            .expect_find()
            .returning(move |_, _| Ok(Some(found.clone())));
        PollService::new(
            Arc::new(classes),
            Arc::new(MockMessageRepository::new()),
            Arc::new(polls),
            Arc::new(FixedClock::at(NOW)),
            Arc::new(SequentialIds::default()),
        )
    }

    #[tokio::test]
    async fn only_moderators_create_polls_and_not_in_a_finished_class() {
        let id = ClassId::from_uuid(uuid::Uuid::from_u128(1));
        let spec = poll(false).spec;
        let svc = service(ClassStatus::Live, MockPollRepository::new());
        let err = svc
            .create(&caller("student", vec![]), id, spec.clone())
            .await
            .unwrap_err();
        assert!(matches!(err, PollError::NotModerator));
        let svc = service(ClassStatus::Ended, MockPollRepository::new());
        let err = svc
            .create(&caller("teacher", vec![]), id, spec)
            .await
            .unwrap_err();
        assert!(matches!(err, PollError::ClassFinished));
    }

    #[tokio::test]
    async fn a_vote_names_existing_options_and_one_for_a_single_choice_poll() {
        let id = ClassId::from_uuid(uuid::Uuid::from_u128(1));
        let mut polls = MockPollRepository::new();
        polls
            .expect_find_poll()
            .returning(|_, _, _, _| Ok(Some(poll(false))));
        let svc = service(ClassStatus::Live, polls);
        let student = caller("student", vec![]);
        let poll_id = poll(false).id;
        for bad in [vec![], vec![2], vec![0, 1]] {
            let err = svc
                .vote(&student, id, poll_id, bad.clone())
                .await
                .unwrap_err();
            assert!(matches!(err, PollError::Invalid(_)), "{bad:?}: {err:?}");
        }
    }
}

// Reactions.

fn reaction_service(
    found: Option<LiveClass>,
    messages: MockMessageRepository,
    reactions: MockReactionRepository,
) -> ReactionService {
    let mut classes = MockClassRepository::new();
    classes
        .expect_find()
        .returning(move |_, _| Ok(found.clone()));
    ReactionService::new(
        Arc::new(classes),
        Arc::new(messages),
        Arc::new(reactions),
        Arc::new(FixedClock::at(NOW)),
        Arc::new(SequentialIds::default()),
    )
}

fn reacted(r: &NewReaction) -> ReactOutcome {
    ReactOutcome::Posted(PostedReaction {
        reaction: r.clone(),
        counts: KindCounts::from_pairs([(r.kind, 1)]),
    })
}

#[tokio::test]
async fn a_reaction_is_posted_under_the_guard_of_the_caller() {
    let mut reactions = MockReactionRepository::new();
    reactions
        .expect_post_reaction()
        .withf(|r, g| {
            r.user_id.as_str() == "student"
                && *g == PostGuard::Participant
                && r.kind == ReactionKind::Clap
                && r.reacted_at == NOW
        })
        .times(1)
        .returning(|r, _| Ok(reacted(r)));
    reactions
        .expect_post_reaction()
        .withf(|r, g| r.user_id.as_str() == "boss" && *g == PostGuard::Moderator)
        .times(1)
        .returning(|r, _| Ok(reacted(r)));
    let svc = reaction_service(
        Some(class(ClassStatus::Live)),
        MockMessageRepository::new(),
        reactions,
    );
    let c = class(ClassStatus::Live);
    let posted = svc
        .react(&caller("student", vec![]), c.id, ReactionKind::Clap)
        .await
        .unwrap();
    assert_eq!(posted.counts.of(ReactionKind::Clap), 1);
    svc.react(
        &caller("boss", vec![Role::TrainingManager]),
        c.id,
        ReactionKind::Heart,
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_reaction_is_refused_outside_a_live_class_and_as_the_store_refuses() {
    for status in [
        ClassStatus::Scheduled,
        ClassStatus::Ended,
        ClassStatus::Cancelled,
    ] {
        let svc = reaction_service(
            Some(class(status)),
            MockMessageRepository::new(),
            MockReactionRepository::new(),
        );
        let err = svc
            .react(
                &caller("teacher", vec![]),
                class(status).id,
                ReactionKind::Clap,
            )
            .await
            .unwrap_err();
        assert!(matches!(err, ReactionError::NotLive), "{status:?}: {err:?}");
    }
    let svc = reaction_service(
        None,
        MockMessageRepository::new(),
        MockReactionRepository::new(),
    );
    let err = svc
        .react(
            &caller("teacher", vec![]),
            class(ClassStatus::Live).id,
            ReactionKind::Clap,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ReactionError::ClassNotFound));
    for (refusal, expected) in [
        (PostOutcome::NotAdmitted, "NotAdmitted"),
        (PostOutcome::Removed, "Removed"),
        (PostOutcome::NotLive, "NotLive"),
        (PostOutcome::ClassNotFound, "ClassNotFound"),
    ] {
        let mut reactions = MockReactionRepository::new();
        reactions
            .expect_post_reaction()
            .returning(move |_, _| Ok(ReactOutcome::Refused(refusal.clone())));
        let svc = reaction_service(
            Some(class(ClassStatus::Live)),
            MockMessageRepository::new(),
            reactions,
        );
        let err = svc
            .react(
                &caller("student", vec![]),
                class(ClassStatus::Live).id,
                ReactionKind::Clap,
            )
            .await
            .unwrap_err();
        assert_eq!(format!("{err:?}"), expected);
    }
}

#[tokio::test]
async fn reaction_counts_are_read_by_moderators_and_those_who_were_in_the_class() {
    let c = class(ClassStatus::Ended);
    let summary = ReactionSummary::from_rows(c.id, &[]);
    let mut messages = MockMessageRepository::new();
    messages
        .expect_has_participated()
        .withf(|_, _, u| u.as_str() == "attendee")
        .returning(|_, _, _| Ok(true));
    messages
        .expect_has_participated()
        .withf(|_, _, u| u.as_str() == "stranger")
        .returning(|_, _, _| Ok(false));
    let mut reactions = MockReactionRepository::new();
    reactions
        .expect_reaction_summary()
        .times(3)
        .returning(move |_, _| Ok(summary.clone()));
    let svc = reaction_service(Some(c.clone()), messages, reactions);
    for who in [
        caller("teacher", vec![]),
        caller("admin", vec![Role::OrgAdmin]),
        caller("attendee", vec![]),
    ] {
        svc.summary(&who, c.id).await.unwrap();
    }
    let err = svc
        .summary(&caller("stranger", vec![]), c.id)
        .await
        .unwrap_err();
    assert!(matches!(err, ReactionError::NotAdmitted));
}

// Shared resources.

fn resource_service(
    found: Option<LiveClass>,
    messages: MockMessageRepository,
    resources: MockResourceRepository,
) -> ResourceService {
    let mut classes = MockClassRepository::new();
    classes
        .expect_find()
        .returning(move |_, _| Ok(found.clone()));
    ResourceService::new(
        Arc::new(classes),
        Arc::new(messages),
        Arc::new(resources),
        Arc::new(FixedClock::at(NOW)),
        Arc::new(SequentialIds::default()),
    )
}

fn spec() -> ResourceSpec {
    ResourceSpec::parse("Deck", "https://cdn.example.com/d.pdf", "slides").unwrap()
}

#[tokio::test]
async fn only_moderators_share_and_remove_resources() {
    let c = class(ClassStatus::Live);
    let mut resources = MockResourceRepository::new();
    resources
        .expect_share_resource()
        .withf(|r| r.shared_by.as_str() == "teacher" && r.shared_at == NOW)
        .times(1)
        .returning(|r| Ok(ShareOutcome::Shared(Box::new(r.clone()))));
    resources
        .expect_remove_resource()
        .times(1)
        .returning(|_, _, _, _, _| Ok(None));
    let svc = resource_service(Some(c.clone()), MockMessageRepository::new(), resources);
    svc.share(&caller("teacher", vec![]), c.id, spec())
        .await
        .unwrap();
    let err = svc
        .share(&caller("student", vec![]), c.id, spec())
        .await
        .unwrap_err();
    assert!(matches!(err, ResourceError::NotModerator));
    let id = crate::ids::ResourceId::from_uuid(uuid::Uuid::from_u128(9));
    let err = svc
        .remove(&caller("student", vec![]), c.id, id)
        .await
        .unwrap_err();
    assert!(matches!(err, ResourceError::NotModerator));
    let err = svc
        .remove(&caller("boss", vec![Role::TrainingManager]), c.id, id)
        .await
        .unwrap_err();
    assert!(matches!(err, ResourceError::ResourceNotFound));
}

#[tokio::test]
async fn resources_are_not_shared_in_a_finished_class_nor_in_another_tenants() {
    for status in [ClassStatus::Ended, ClassStatus::Cancelled] {
        let svc = resource_service(
            Some(class(status)),
            MockMessageRepository::new(),
            MockResourceRepository::new(),
        );
        let err = svc
            .share(&caller("teacher", vec![]), class(status).id, spec())
            .await
            .unwrap_err();
        assert!(matches!(err, ResourceError::ClassFinished), "{status:?}");
    }
    let svc = resource_service(
        None,
        MockMessageRepository::new(),
        MockResourceRepository::new(),
    );
    let err = svc
        .share(
            &caller("teacher", vec![]),
            class(ClassStatus::Live).id,
            spec(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ResourceError::ClassNotFound));
    let err = svc
        .list(&caller("teacher", vec![]), class(ClassStatus::Live).id)
        .await
        .unwrap_err();
    assert!(matches!(err, ResourceError::ClassNotFound));
}

#[tokio::test]
async fn resources_are_listed_by_moderators_and_those_who_were_in_the_class() {
    let c = class(ClassStatus::Ended);
    let mut messages = MockMessageRepository::new();
    messages
        .expect_has_participated()
        .returning(|_, _, u| Ok(u.as_str() == "attendee"));
    let mut resources = MockResourceRepository::new();
    resources
        .expect_list_resources()
        .times(3)
        .returning(|_, _| Ok(vec![]));
    let svc = resource_service(Some(c.clone()), messages, resources);
    for who in [
        caller("teacher", vec![]),
        caller("boss", vec![Role::TrainingManager]),
        caller("attendee", vec![]),
    ] {
        svc.list(&who, c.id).await.unwrap();
    }
    let err = svc
        .list(&caller("stranger", vec![]), c.id)
        .await
        .unwrap_err();
    assert!(matches!(err, ResourceError::NotAdmitted));
}

// Read marks.

fn unread_service(
    found: Option<LiveClass>,
    messages: MockMessageRepository,
    reads: MockReadRepository,
) -> UnreadService {
    let mut classes = MockClassRepository::new();
    classes
        .expect_find()
        .returning(move |_, _| Ok(found.clone()));
    UnreadService::new(
        Arc::new(classes),
        Arc::new(messages),
        Arc::new(reads),
        Arc::new(FixedClock::at(NOW)),
    )
}

#[tokio::test]
async fn read_marks_are_for_those_who_may_read_the_chat_in_any_class_state() {
    for status in [
        ClassStatus::Live,
        ClassStatus::Ended,
        ClassStatus::Scheduled,
    ] {
        let c = class(status);
        let mut messages = MockMessageRepository::new();
        messages
            .expect_has_participated()
            .returning(|_, _, u| Ok(u.as_str() == "attendee"));
        let mut reads = MockReadRepository::new();
        reads
            .expect_mark_read()
            .withf(|_, _, _, up_to, at| *up_to == ReadUpTo::Position(4) && *at == NOW)
            .times(3)
            .returning(|_, _, _, _, _| Ok(Some(4)));
        let svc = unread_service(Some(c.clone()), messages, reads);
        for who in [
            caller("teacher", vec![]),
            caller("boss", vec![Role::OrgAdmin]),
            caller("attendee", vec![]),
        ] {
            assert_eq!(
                svc.mark_read(&who, c.id, ReadUpTo::Position(4))
                    .await
                    .unwrap(),
                4
            );
        }
        let err = svc
            .mark_read(&caller("stranger", vec![]), c.id, ReadUpTo::Position(4))
            .await
            .unwrap_err();
        assert!(matches!(err, MarkReadError::NotAdmitted), "{status:?}");
    }
}

#[tokio::test]
async fn a_read_mark_names_a_message_of_the_class_of_the_callers_tenant() {
    let c = class(ClassStatus::Live);
    let mut reads = MockReadRepository::new();
    reads.expect_mark_read().returning(|_, _, _, _, _| Ok(None));
    let svc = unread_service(Some(c.clone()), MockMessageRepository::new(), reads);
    let id = MessageId::from_uuid(uuid::Uuid::from_u128(7));
    let err = svc
        .mark_read(&caller("teacher", vec![]), c.id, ReadUpTo::Message(id))
        .await
        .unwrap_err();
    assert!(matches!(err, MarkReadError::MessageNotFound));
    let svc = unread_service(
        None,
        MockMessageRepository::new(),
        MockReadRepository::new(),
    );
    let err = svc
        .mark_read(&caller("teacher", vec![]), c.id, ReadUpTo::Position(1))
        .await
        .unwrap_err();
    assert!(matches!(err, MarkReadError::ClassNotFound));
}

#[tokio::test]
async fn unread_counts_of_a_page_are_one_store_call_and_none_for_no_class() {
    let c = class(ClassStatus::Live);
    let mut reads = MockReadRepository::new();
    reads
        .expect_unread_counts()
        .withf(|t, u, ids| t.as_str() == "acme" && u.as_str() == "ada" && ids.len() == 2)
        .times(1)
        .returning(|_, _, ids| Ok(vec![(ids[0], 3)]));
    let svc = unread_service(Some(c.clone()), MockMessageRepository::new(), reads);
    let other = ClassId::from_uuid(uuid::Uuid::from_u128(99));
    let counts = svc
        .unread_counts(&caller("ada", vec![]), &[c.id, other])
        .await
        .unwrap();
    assert_eq!(counts.get(&c.id), Some(&3));
    assert_eq!(counts.get(&other), None);
    assert!(
        svc.unread_counts(&caller("ada", vec![]), &[])
            .await
            .unwrap()
            .is_empty()
    );
}
