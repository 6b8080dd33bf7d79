//! The class chat over real HTTP, on SQLite and on PostgreSQL: who may
//! post, read and delete; pages; the events on the class's log; the rate
//! limit; and text that stays text.

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

async fn live_class(app: &TestApp) -> Class {
    let manager = app.token("manager-1", TENANT, &["training_manager"]);
    let created = app
        .post_json(
            "/live-classes",
            &manager,
            &json!({"title": "Chat", "scheduledAt": "2030-11-20T14:00:00Z", "maxParticipants": 10}),
        )
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let started = app
        .post(&format!("/live-classes/{id}/start"), &manager)
        .await;
    assert_eq!(started.status, 200, "{:?}", started.body);
    Class {
        id,
        teacher: manager,
    }
}

async fn say(app: &TestApp, class: &str, token: &str, content: &str) -> (u16, Value) {
    let reply = app
        .post_json(
            &format!("/live-classes/{class}/messages"),
            token,
            &json!({ "content": content }),
        )
        .await;
    (reply.status, reply.body)
}

async fn delete(app: &TestApp, class: &str, message: &str, token: &str) -> (u16, String) {
    let response = app
        .client
        .delete(app.url(&format!("/live-classes/{class}/messages/{message}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
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

async fn who_may_post_and_read_the_chat(db: TestDatabase) {
    let app = spawn_app(db).await;
    let class = live_class(&app).await;
    let id = &class.id;
    let student = app.token("student-1", TENANT, &["student"]);
    let outsider = app.token("student-2", TENANT, &["student"]);
    let admin = app.token("admin-1", TENANT, &["org_admin"]);
    let stranger = app.token("teacher-9", "other-tenant", &["org_admin"]);

    // Not joined: refused; joined: posted.
    let (status, body) = say(&app, id, &student, "hi").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (403, Some("not_admitted")),
        "{body:?}"
    );
    assert_eq!(
        app.post(&format!("/live-classes/{id}/join"), &student)
            .await
            .status,
        200
    );
    let (status, posted) = say(&app, id, &student, "<script>alert(1)</script> & hi").await;
    assert_eq!(status, 201, "{posted:?}");
    assert_eq!(posted["content"], "<script>alert(1)</script> & hi");
    assert_eq!(posted["authorId"], "student-1");
    assert_eq!(posted["authorName"], "student-1's name");
    assert_eq!(posted["type"], "chat");
    assert_eq!(posted["position"], 1);
    assert_eq!(posted["liveClassId"], id.as_str());
    // Moderators (the creator, the tenant's managers) post without joining.
    assert_eq!(say(&app, id, &class.teacher, "welcome").await.0, 201);
    assert_eq!(say(&app, id, &admin, "hello all").await.0, 201);
    // Another tenant: the class does not exist.
    let (status, body) = say(&app, id, &stranger, "hi").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("class_not_found"))
    );

    // Reading: participants and moderators; not someone never in the class.
    let page = app
        .get(&format!("/live-classes/{id}/messages"), &student)
        .await;
    assert_eq!(page.status, 200, "{:?}", page.body);
    let contents: Vec<&str> = page.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert_eq!(
        contents,
        ["<script>alert(1)</script> & hi", "welcome", "hello all"]
    );
    assert_eq!(page.body["hasMore"], false);
    assert_eq!(page.body["nextAfter"], 3);
    let reply = app
        .get(&format!("/live-classes/{id}/messages"), &outsider)
        .await;
    assert_eq!(
        (reply.status, reply.body["code"].as_str()),
        (403, Some("not_admitted"))
    );
    let reply = app
        .get(&format!("/live-classes/{id}/messages"), &stranger)
        .await;
    assert_eq!(reply.status, 404);

    // A participant who left cannot post but still reads.
    assert_eq!(
        app.post(&format!("/live-classes/{id}/leave"), &student)
            .await
            .status,
        200
    );
    assert_eq!(say(&app, id, &student, "bye").await.0, 403);
    assert_eq!(
        app.get(&format!("/live-classes/{id}/messages"), &student)
            .await
            .status,
        200
    );

    // After the class: nobody posts; attendees and managers read.
    assert_eq!(
        app.post(&format!("/live-classes/{id}/end"), &class.teacher)
            .await
            .status,
        200
    );
    let (status, body) = say(&app, id, &class.teacher, "late").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("class_not_live"))
    );
    for reader in [&student, &admin, &class.teacher] {
        let page = app
            .get(&format!("/live-classes/{id}/messages"), reader)
            .await;
        assert_eq!(page.status, 200);
        assert_eq!(page.body["data"].as_array().unwrap().len(), 3);
    }
    assert_eq!(
        app.get(&format!("/live-classes/{id}/messages"), &outsider)
            .await
            .status,
        403
    );

    // Before the class: nobody posts.
    let manager = &class.teacher;
    let created = app
        .post_json(
            "/live-classes",
            manager,
            &json!({"title": "Later", "scheduledAt": "2030-11-21T14:00:00Z"}),
        )
        .await;
    let later = created.body["id"].as_str().unwrap();
    assert_eq!(say(&app, later, manager, "early").await.0, 400);
}

async fn deletions_and_posts_are_events_on_the_class_log(db: TestDatabase) {
    let app = spawn_app(db).await;
    let class = live_class(&app).await;
    let id = &class.id;
    let ada = app.token("ada", TENANT, &[]);
    let bob = app.token("bob", TENANT, &[]);
    for who in [&ada, &bob] {
        assert_eq!(
            app.post(&format!("/live-classes/{id}/join"), who)
                .await
                .status,
            200
        );
    }
    let (_, from_ada) = say(&app, id, &ada, "first").await;
    let (_, from_bob) = say(&app, id, &bob, "second").await;
    let (ada_msg, bob_msg) = (
        from_ada["id"].as_str().unwrap(),
        from_bob["id"].as_str().unwrap(),
    );

    // Not someone else's; one's own, once; a moderator's, anyone's.
    let (status, body) = delete(&app, id, ada_msg, &bob).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("not_message_author"), "{body}");
    assert_eq!(delete(&app, id, ada_msg, &ada).await.0, 204);
    let (status, body) = delete(&app, id, ada_msg, &ada).await;
    assert_eq!(status, 404);
    assert!(body.contains("message_not_found"), "{body}");
    assert_eq!(delete(&app, id, bob_msg, &class.teacher).await.0, 204);
    assert_eq!(delete(&app, id, "not-a-uuid", &class.teacher).await.0, 400);
    let page = app.get(&format!("/live-classes/{id}/messages"), &ada).await;
    assert_eq!(page.body["data"], json!([]));

    let posted = events_of(&app, &ada, id, "message.posted", 2).await;
    assert_eq!(posted[0]["data"]["message"]["id"], ada_msg);
    assert_eq!(posted[0]["data"]["message"]["content"], "first");
    assert_eq!(posted[1]["data"]["message"]["authorId"], "bob");
    let deleted = events_of(&app, &ada, id, "message.deleted", 2).await;
    assert_eq!(deleted[0]["data"]["message"]["id"], ada_msg);
    assert_eq!(deleted[0]["data"]["deletedBy"], "ada");
    assert_eq!(deleted[1]["data"]["message"]["id"], bob_msg);
    assert_eq!(deleted[1]["data"]["deletedBy"], "manager-1");
    assert!(deleted[1]["data"]["message"].get("content").is_none());
}

async fn chat_pages_take_after_limit_and_type_and_refuse_bad_input(db: TestDatabase) {
    let app = spawn_app_with(db, &[("LIVECLASS_RATE_LIMIT_INTERACTIONS_PER_USER", "off")]).await;
    let class = live_class(&app).await;
    let (id, teacher) = (&class.id, &class.teacher);
    for i in 0..55 {
        assert_eq!(say(&app, id, teacher, &format!("m{i}")).await.0, 201);
    }
    let page = app
        .get(&format!("/live-classes/{id}/messages"), teacher)
        .await;
    assert_eq!(page.body["data"].as_array().unwrap().len(), 50);
    assert_eq!(
        (page.body["hasMore"].clone(), page.body["nextAfter"].clone()),
        (json!(true), json!(50))
    );
    let page = app
        .get(
            &format!("/live-classes/{id}/messages?after=50&limit=100&type=chat"),
            teacher,
        )
        .await;
    let positions: Vec<u64> = page.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["position"].as_u64().unwrap())
        .collect();
    assert_eq!(positions, [51, 52, 53, 54, 55]);
    assert_eq!(page.body["hasMore"], false);
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=x", "limit"),
        ("after=-1", "after"),
        ("type=poll", "type"),
    ] {
        let reply = app
            .get(&format!("/live-classes/{id}/messages?{query}"), teacher)
            .await;
        assert_eq!(reply.status, 400, "{query}: {:?}", reply.body);
        assert!(
            reply.body["message"].as_str().unwrap().starts_with(field),
            "{:?}",
            reply.body
        );
    }
    for (body, code) in [
        (json!({"content": ""}), "validation_failed"),
        (json!({"content": " \n "}), "validation_failed"),
        (json!({"content": "a\u{0}b"}), "validation_failed"),
        (json!({"content": "x".repeat(2001)}), "validation_failed"),
        (json!({"content": "hi", "html": true}), "invalid_body"),
        (json!({}), "invalid_body"),
    ] {
        let reply = app
            .post_json(&format!("/live-classes/{id}/messages"), teacher, &body)
            .await;
        assert_eq!(
            (reply.status, reply.body["code"].as_str()),
            (400, Some(code)),
            "{body}"
        );
    }
    let (status, _) = say(&app, id, teacher, &"é".repeat(2000)).await;
    assert_eq!(status, 201);
    let reply = app.get("/live-classes/nope/messages", teacher).await;
    assert_eq!(
        (reply.status, reply.body["code"].as_str()),
        (400, Some("invalid_id"))
    );
}

async fn chat_posts_are_rate_limited_per_user(db: TestDatabase) {
    let app = spawn_app_with(
        db,
        &[("LIVECLASS_RATE_LIMIT_INTERACTIONS_PER_USER", "3/min")],
    )
    .await;
    let class = live_class(&app).await;
    let (id, teacher) = (&class.id, &class.teacher);
    for _ in 0..3 {
        assert_eq!(say(&app, id, teacher, "hi").await.0, 201);
    }
    let (status, body) = say(&app, id, teacher, "hi").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (429, Some("rate_limited")),
        "{body:?}"
    );
    // Another user has their own allowance.
    let admin = app.token("admin-1", TENANT, &["org_admin"]);
    assert_eq!(say(&app, id, &admin, "hi").await.0, 201);
}

on_both_backends!(
    who_may_post_and_read_the_chat,
    deletions_and_posts_are_events_on_the_class_log,
    chat_pages_take_after_limit_and_type_and_refuse_bad_input,
    chat_posts_are_rate_limited_per_user,
);
