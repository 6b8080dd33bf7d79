//! Reactions, shared resources, seed 003's `/interactions` and unread
//! counts over real HTTP, on SQLite and on PostgreSQL: each endpoint's
//! refusals (wrong role, another tenant, a removed user, the wrong class
//! state), the events, the rate limit, and unread counts that only move
//! forward.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use liveclass_tests::testing::TestDatabase;
use liveclass_tests::{TestApp, on_both_backends, spawn_app, spawn_app_with};
use serde_json::{Value, json};

const TENANT: &str = "acme";

/// A live class and its creator's token (a training manager's).
struct Class {
    id: String,
    teacher: String,
}

async fn class(app: &TestApp, start: bool) -> Class {
    let manager = app.token("manager-1", TENANT, &["training_manager"]);
    let created = app
        .post_json(
            "/live-classes",
            &manager,
            &json!({"title": "Extras", "scheduledAt": "2030-11-20T14:00:00Z", "maxParticipants": 10}),
        )
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    if start {
        let started = app
            .post(&format!("/live-classes/{id}/start"), &manager)
            .await;
        assert_eq!(started.status, 200, "{:?}", started.body);
    }
    Class {
        id,
        teacher: manager,
    }
}

async fn join(app: &TestApp, class: &str, token: &str) {
    let reply = app
        .post(&format!("/live-classes/{class}/join"), token)
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
}

async fn end(app: &TestApp, class: &Class) {
    let reply = app
        .post(&format!("/live-classes/{}/end", class.id), &class.teacher)
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
}

/// A DELETE: its status and body (204 has none).
async fn delete(app: &TestApp, path: &str, token: &str) -> (u16, String) {
    let response = app
        .client
        .delete(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

fn code(reply: &liveclass_tests::Reply) -> (u16, Option<&str>) {
    (reply.status, reply.body["code"].as_str())
}

/// A moderator removes `user` from the class (a ban for the class).
async fn remove_from_class(app: &TestApp, class: &str, user: &str) {
    let admin = app.token("admin-1", TENANT, &["org_admin"]);
    let removed = app
        .post(
            &format!("/live-classes/{class}/participants/{user}/remove"),
            &admin,
        )
        .await;
    assert_eq!(removed.status, 200, "{:?}", removed.body);
}

/// Polls the class's event log until `want` events of `event_type` are there.
async fn events_of(
    app: &TestApp,
    token: &str,
    class: &str,
    event_type: &str,
    want: usize,
) -> Vec<Value> {
    for _ in 0..100 {
        let reply = app
            .get(&format!("/live-classes/{class}/events?limit=1000"), token)
            .await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        let found: Vec<Value> = reply.body["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["type"] == event_type)
            .cloned()
            .collect();
        if found.len() >= want {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("fewer than {want} {event_type} events within 5 s");
}

fn count_of(counts: &Value, reaction: &str) -> u64 {
    counts
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["reaction"] == reaction)
        .unwrap()["count"]
        .as_u64()
        .unwrap()
}

async fn reactions_follow_the_posting_rules_and_are_counted(db: TestDatabase) {
    let app = spawn_app(db).await;
    let class = class(&app, true).await;
    let id = &class.id;
    let url = format!("/live-classes/{id}/reactions");
    let student = app.token("student-1", TENANT, &["student"]);
    let outsider = app.token("student-2", TENANT, &["student"]);
    let removed = app.token("student-3", TENANT, &["student"]);
    let stranger = app.token("admin-9", "other-tenant", &["org_admin"]);
    let react = |token: String, reaction: &'static str| {
        let (app, url) = (&app, url.clone());
        async move {
            app.post_json(&url, &token, &json!({ "reaction": reaction }))
                .await
        }
    };

    // Not joined: refused; joined: sent, with the class's counts.
    assert_eq!(
        code(&react(student.clone(), "thumbs_up").await),
        (403, Some("not_admitted"))
    );
    join(&app, id, &student).await;
    let sent = react(student.clone(), "thumbs_up").await;
    assert_eq!(sent.status, 201, "{:?}", sent.body);
    assert_eq!(sent.body["reaction"], "thumbs_up");
    assert_eq!(sent.body["emoji"], "👍");
    assert_eq!(count_of(&sent.body["counts"], "thumbs_up"), 1);
    // By emoji too; a moderator without joining.
    let sent = react(class.teacher.clone(), "👏").await;
    assert_eq!(
        (sent.status, sent.body["reaction"].as_str()),
        (201, Some("clap"))
    );
    assert_eq!(sent.body["total"], 2);
    // Outside the set.
    assert_eq!(
        code(&react(student.clone(), "thumbs_down").await),
        (400, Some("validation_failed"))
    );
    // Another tenant: no such class.
    assert_eq!(
        code(&react(stranger.clone(), "heart").await),
        (404, Some("class_not_found"))
    );
    // Removed by a moderator.
    join(&app, id, &removed).await;
    remove_from_class(&app, id, "student-3").await;
    assert_eq!(
        code(&react(removed.clone(), "heart").await),
        (403, Some("removed_from_class"))
    );

    // Counts: per kind and per minute; for those who are or were in it.
    let summary = app.get(&url, &student).await;
    assert_eq!(summary.status, 200, "{:?}", summary.body);
    assert_eq!(count_of(&summary.body["counts"], "thumbs_up"), 1);
    assert_eq!(count_of(&summary.body["counts"], "clap"), 1);
    assert_eq!(count_of(&summary.body["counts"], "raised_hand"), 0);
    assert_eq!(summary.body["total"], 2);
    let minutes = summary.body["minutes"].as_array().unwrap();
    let per_minute: u64 = minutes.iter().map(|m| m["total"].as_u64().unwrap()).sum();
    assert_eq!(per_minute, 2);
    assert!(minutes[0]["minute"].as_str().unwrap().ends_with(":00Z"));
    assert_eq!(
        code(&app.get(&url, &outsider).await),
        (403, Some("not_admitted"))
    );
    assert_eq!(
        code(&app.get(&url, &stranger).await),
        (404, Some("class_not_found"))
    );

    let events = events_of(&app, &student, id, "reaction.posted", 2).await;
    assert_eq!(events[1]["data"]["reaction"]["reaction"], "clap");
    assert_eq!(events[1]["data"]["total"], 2);

    // Ended: no more reactions, even a moderator's; the counts stay readable.
    end(&app, &class).await;
    assert_eq!(
        code(&react(class.teacher.clone(), "heart").await),
        (400, Some("class_not_live"))
    );
    assert_eq!(app.get(&url, &student).await.status, 200);
    // Scheduled: not yet.
    let later = self::class(&app, false).await;
    let reply = app
        .post_json(
            &format!("/live-classes/{}/reactions", later.id),
            &later.teacher,
            &json!({"reaction": "heart"}),
        )
        .await;
    assert_eq!(code(&reply), (400, Some("class_not_live")));
}

async fn reactions_are_rate_limited_per_user(db: TestDatabase) {
    let app = spawn_app_with(
        db,
        &[("LIVECLASS_RATE_LIMIT_INTERACTIONS_PER_USER", "3/min")],
    )
    .await;
    let class = class(&app, true).await;
    let url = format!("/live-classes/{}/reactions", class.id);
    for _ in 0..3 {
        let reply = app
            .post_json(&url, &class.teacher, &json!({"reaction": "heart"}))
            .await;
        assert_eq!(reply.status, 201, "{:?}", reply.body);
    }
    let reply = app
        .post_json(&url, &class.teacher, &json!({"reaction": "heart"}))
        .await;
    assert_eq!(code(&reply), (429, Some("rate_limited")));
    let admin = app.token("admin-1", TENANT, &["org_admin"]);
    let reply = app
        .post_json(&url, &admin, &json!({"reaction": "heart"}))
        .await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
}

async fn moderators_share_and_remove_resources_readers_list_them(db: TestDatabase) {
    let app = spawn_app(db).await;
    let class = class(&app, true).await;
    let id = &class.id;
    let url = format!("/live-classes/{id}/resources");
    let student = app.token("student-1", TENANT, &["student"]);
    let outsider = app.token("student-2", TENANT, &["student"]);
    let admin = app.token("admin-1", TENANT, &["org_admin"]);
    let stranger = app.token("admin-9", "other-tenant", &["org_admin"]);
    join(&app, id, &student).await;
    let deck = json!({"title": "Week 3 slides", "url": "https://cdn.example.com/w3.pdf", "type": "slides"});

    let shared = app.post_json(&url, &class.teacher, &deck).await;
    assert_eq!(shared.status, 201, "{:?}", shared.body);
    assert_eq!(shared.body["type"], "slides");
    assert_eq!(shared.body["sharedBy"], "manager-1");
    let resource = shared.body["id"].as_str().unwrap().to_owned();
    // A participant is not a moderator; another tenant has no such class.
    assert_eq!(
        code(&app.post_json(&url, &student, &deck).await),
        (403, Some("not_moderator"))
    );
    assert_eq!(
        code(&app.post_json(&url, &stranger, &deck).await),
        (404, Some("class_not_found"))
    );
    // https only, a known type, a title.
    for bad in [
        json!({"title": "x", "url": "http://cdn.example.com/a", "type": "link"}),
        json!({"title": "x", "url": "javascript:alert(1)", "type": "link"}),
        json!({"title": "x", "url": "https://cdn.example.com/a", "type": "pdf"}),
        json!({"title": " ", "url": "https://cdn.example.com/a", "type": "link"}),
    ] {
        assert_eq!(
            code(&app.post_json(&url, &class.teacher, &bad).await),
            (400, Some("validation_failed")),
            "{bad}"
        );
    }
    let video = app
        .post_json(
            &url,
            &admin,
            &json!({"title": "Recap", "url": "https://video.example.com/v/1", "type": "video"}),
        )
        .await;
    assert_eq!(video.status, 201, "{:?}", video.body);

    // Listed by participants and moderators, not by others.
    let listed = app.get(&url, &student).await;
    assert_eq!(listed.status, 200, "{:?}", listed.body);
    assert_eq!(listed.body["data"].as_array().unwrap().len(), 2);
    assert_eq!(listed.body["data"][0]["title"], "Week 3 slides");
    assert_eq!(
        code(&app.get(&url, &outsider).await),
        (403, Some("not_admitted"))
    );
    assert_eq!(
        code(&app.get(&url, &stranger).await),
        (404, Some("class_not_found"))
    );

    // Removal: moderators only, once.
    let one = format!("{url}/{resource}");
    let (status, body) = delete(&app, &one, &student).await;
    assert!(status == 403 && body.contains("not_moderator"), "{body}");
    assert_eq!(delete(&app, &one, &class.teacher).await.0, 204);
    let (status, body) = delete(&app, &one, &class.teacher).await;
    assert!(
        status == 404 && body.contains("resource_not_found"),
        "{body}"
    );
    let (status, body) = delete(&app, &format!("{url}/nope"), &class.teacher).await;
    assert!(status == 400 && body.contains("invalid_id"), "{body}");
    events_of(&app, &student, id, "resource.shared", 2).await;
    let removed = events_of(&app, &student, id, "resource.removed", 1).await;
    assert_eq!(removed[0]["data"]["resource"]["id"], resource);

    // After the class: listed by those who attended and the managers; not
    // shared any more.
    end(&app, &class).await;
    let listed = app.get(&url, &student).await;
    assert_eq!(listed.body["data"].as_array().unwrap().len(), 1);
    let boss = app.token("boss-1", TENANT, &["training_manager"]);
    assert_eq!(app.get(&url, &boss).await.status, 200);
    assert_eq!(
        code(&app.post_json(&url, &class.teacher, &deck).await),
        (400, Some("class_finished"))
    );
}

async fn seed_003_interactions_map_onto_the_richer_resources(db: TestDatabase) {
    let app = spawn_app(db).await;
    let class = class(&app, true).await;
    let id = &class.id;
    let url = format!("/live-classes/{id}/interactions");
    let student = app.token("student-1", TENANT, &["student"]);
    let outsider = app.token("student-2", TENANT, &["student"]);
    let removed = app.token("student-3", TENANT, &["student"]);
    let stranger = app.token("admin-9", "other-tenant", &["org_admin"]);
    join(&app, id, &student).await;
    let post = |token: String, body: Value| {
        let (app, url) = (&app, url.clone());
        async move { app.post_json(&url, &token, &body).await }
    };

    let chat = post(
        student.clone(),
        json!({"interactionType": "chat", "content": "hello"}),
    )
    .await;
    assert_eq!(chat.status, 201, "{:?}", chat.body);
    assert_eq!(
        (
            chat.body["interactionType"].as_str(),
            chat.body["userId"].as_str()
        ),
        (Some("chat"), Some("student-1"))
    );
    let question = post(
        student.clone(),
        json!({"interactionType": "question", "content": "why?", "isAnonymous": true}),
    )
    .await;
    assert_eq!(question.status, 201, "{:?}", question.body);
    assert_eq!(question.body["userId"], Value::Null);
    assert_eq!(question.body["isAnonymous"], true);
    let reaction = post(
        student.clone(),
        json!({"interactionType": "reaction", "content": "🎉"}),
    )
    .await;
    assert_eq!(reaction.status, 201, "{:?}", reaction.body);
    assert_eq!(reaction.body["content"], "celebrate");
    assert_eq!(count_of(&reaction.body["reactionCounts"], "celebrate"), 1);
    // A poll response: `{pollId}:{options}`.
    let created = app
        .post_json(
            &format!("/live-classes/{id}/polls"),
            &class.teacher,
            &json!({"question": "Pace?", "options": ["slower", "fine", "faster"]}),
        )
        .await;
    let poll = created.body["id"].as_str().unwrap().to_owned();
    let vote = json!({"interactionType": "poll_response", "content": format!("{poll}:1")});
    // A draft is the moderators' only.
    assert_eq!(
        code(&post(student.clone(), vote.clone()).await),
        (404, Some("poll_not_found"))
    );
    app.post(
        &format!("/live-classes/{id}/polls/{poll}/open"),
        &class.teacher,
    )
    .await;
    let voted = post(student.clone(), vote.clone()).await;
    assert_eq!(voted.status, 201, "{:?}", voted.body);
    assert_eq!(voted.body["poll"]["counts"], json!([0, 1, 0]));
    assert_eq!(
        code(&post(student.clone(), vote.clone()).await),
        (409, Some("already_voted"))
    );

    // Unsupported combinations and content: 400 naming the field.
    for (bad, field) in [
        (
            json!({"interactionType": "chat", "content": "x", "isAnonymous": true}),
            "isAnonymous",
        ),
        (
            json!({"interactionType": "reaction", "content": "heart", "isAnonymous": true}),
            "isAnonymous",
        ),
        (json!({"interactionType": "poll", "content": "x"}), "type"),
        (
            json!({"interactionType": "poll_response", "content": "1"}),
            "content",
        ),
        (
            json!({"interactionType": "reaction", "content": "thumbs_down"}),
            "content",
        ),
        (
            json!({"interactionType": "chat", "content": "  "}),
            "content",
        ),
    ] {
        let reply = post(student.clone(), bad.clone()).await;
        assert_eq!(code(&reply), (400, Some("validation_failed")), "{bad}");
        assert!(
            reply.body.to_string().contains(field),
            "{bad}: {:?}",
            reply.body
        );
    }
    // The posting rules of what it maps onto.
    let hi = json!({"interactionType": "chat", "content": "hi"});
    assert_eq!(
        code(&post(outsider.clone(), hi.clone()).await),
        (403, Some("not_admitted"))
    );
    assert_eq!(
        code(&post(stranger.clone(), hi.clone()).await),
        (404, Some("class_not_found"))
    );
    join(&app, id, &removed).await;
    remove_from_class(&app, id, "student-3").await;
    assert_eq!(
        code(&post(removed.clone(), hi.clone()).await),
        (403, Some("removed_from_class"))
    );

    // The list: chat and questions, type filter, limit and cursor.
    let page = app.get(&format!("{url}?limit=1"), &student).await;
    assert_eq!(page.status, 200, "{:?}", page.body);
    assert_eq!(page.body["data"][0]["content"], "hello");
    assert_eq!(page.body["hasMore"], true);
    let cursor = page.body["nextCursor"].as_str().unwrap().to_owned();
    let next = app
        .get(&format!("{url}?limit=1&cursor={cursor}"), &student)
        .await;
    assert_eq!(next.body["data"][0]["interactionType"], "question");
    assert_eq!(next.body["data"][0]["userId"], Value::Null);
    let questions = app.get(&format!("{url}?type=question"), &student).await;
    assert_eq!(questions.body["data"].as_array().unwrap().len(), 1);
    // The anonymous asker is nowhere in what the endpoint answers.
    assert!(
        !questions.body.to_string().contains("student-1"),
        "{:?}",
        questions.body
    );
    assert!(
        !question.body.to_string().contains("student-1"),
        "{:?}",
        question.body
    );
    for bad in [
        "type=reaction",
        "type=poll_response",
        "limit=101",
        "limit=0",
        "cursor=x",
    ] {
        let reply = app.get(&format!("{url}?{bad}"), &student).await;
        assert_eq!(code(&reply), (400, Some("validation_failed")), "{bad}");
    }
    assert_eq!(
        code(&app.get(&url, &outsider).await),
        (403, Some("not_admitted"))
    );
    assert_eq!(
        code(&app.get(&url, &stranger).await),
        (404, Some("class_not_found"))
    );
    // Ended: no more posts; the history stays readable by those who attended.
    end(&app, &class).await;
    assert_eq!(
        code(&post(class.teacher.clone(), hi.clone()).await),
        (400, Some("class_not_live"))
    );
    assert_eq!(app.get(&url, &student).await.status, 200);
}

fn unread_in(list: &Value, class: &str) -> u64 {
    list["liveClasses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == class)
        .unwrap()["unreadMessages"]
        .as_u64()
        .unwrap()
}

async fn unread_counts_follow_the_read_mark_which_only_moves_forward(db: TestDatabase) {
    let app = spawn_app(db).await;
    let class = class(&app, true).await;
    let other = self::class(&app, true).await;
    let id = &class.id;
    let ada = app.token("ada", TENANT, &[]);
    let bob = app.token("bob", TENANT, &[]);
    let outsider = app.token("cy", TENANT, &[]);
    let stranger = app.token("admin-9", "other-tenant", &["org_admin"]);
    join(&app, id, &ada).await;
    join(&app, id, &bob).await;
    let mut ids = Vec::new();
    for text in ["one", "two", "three"] {
        let reply = app
            .post_json(
                &format!("/live-classes/{id}/messages"),
                &bob,
                &json!({"content": text}),
            )
            .await;
        ids.push(reply.body["id"].as_str().unwrap().to_owned());
    }
    // Ada's own message is never unread to her.
    app.post_json(
        &format!("/live-classes/{id}/messages"),
        &ada,
        &json!({"content": "mine"}),
    )
    .await;

    let list = app.get("/live-classes", &ada).await;
    assert_eq!(list.status, 200, "{:?}", list.body);
    assert_eq!(unread_in(&list.body, id), 3);
    assert_eq!(unread_in(&list.body, &other.id), 0);
    assert_eq!(unread_in(&list.body, id), 3);
    let read = format!("/live-classes/{id}/interactions/read");
    let mark = |token: String, body: Value| {
        let (app, read) = (&app, read.clone());
        async move { app.post_json(&read, &token, &body).await }
    };
    let marked = mark(ada.clone(), json!({"lastPosition": 2})).await;
    assert_eq!(marked.status, 200, "{:?}", marked.body);
    assert_eq!(
        (
            marked.body["lastReadPosition"].as_u64(),
            marked.body["unreadMessages"].as_u64()
        ),
        (Some(2), Some(1))
    );
    // Backwards: nothing moves.
    let marked = mark(ada.clone(), json!({"lastPosition": 1})).await;
    assert_eq!(marked.body["lastReadPosition"], 2);
    let details = app.get(&format!("/live-classes/{id}"), &ada).await;
    assert_eq!(details.body["unreadMessages"], 1);
    // By message id; past the end is capped at the last message.
    let marked = mark(ada.clone(), json!({"lastMessageId": ids[2]})).await;
    assert_eq!(marked.body["lastReadPosition"], 3);
    assert_eq!(marked.body["unreadMessages"], 0);
    let marked = mark(bob.clone(), json!({"lastPosition": 1000})).await;
    assert_eq!(marked.body["lastReadPosition"], 4);
    // A deleted message is no longer unread.
    let fifth = app
        .post_json(
            &format!("/live-classes/{id}/messages"),
            &bob,
            &json!({"content": "oops"}),
        )
        .await;
    assert_eq!(unread_in(&app.get("/live-classes", &ada).await.body, id), 1);
    let fifth = fifth.body["id"].as_str().unwrap();
    let deleted = delete(&app, &format!("/live-classes/{id}/messages/{fifth}"), &bob).await;
    assert_eq!(deleted.0, 204, "{}", deleted.1);
    assert_eq!(unread_in(&app.get("/live-classes", &ada).await.body, id), 0);

    // Refusals.
    for bad in [
        json!({}),
        json!({"lastPosition": -1}),
        json!({"lastPosition": 1, "lastMessageId": ids[0]}),
        json!({"lastMessageId": "x"}),
    ] {
        assert_eq!(
            code(&mark(ada.clone(), bad.clone()).await),
            (400, Some("validation_failed")),
            "{bad}"
        );
    }
    assert_eq!(
        code(
            &mark(
                ada.clone(),
                json!({"lastMessageId": uuid::Uuid::new_v4().to_string()})
            )
            .await
        ),
        (404, Some("message_not_found"))
    );
    assert_eq!(
        code(&mark(outsider.clone(), json!({"lastPosition": 1})).await),
        (403, Some("not_admitted"))
    );
    assert_eq!(
        code(&mark(stranger.clone(), json!({"lastPosition": 1})).await),
        (404, Some("class_not_found"))
    );
    // After the class, those who attended still mark.
    end(&app, &class).await;
    assert_eq!(
        mark(ada.clone(), json!({"lastPosition": 5})).await.status,
        200
    );
}

on_both_backends!(
    reactions_follow_the_posting_rules_and_are_counted,
    reactions_are_rate_limited_per_user,
    moderators_share_and_remove_resources_readers_list_them,
    seed_003_interactions_map_onto_the_richer_resources,
    unread_counts_follow_the_read_mark_which_only_moves_forward,
);
