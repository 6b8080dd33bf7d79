//! Questions over real HTTP, on SQLite and on PostgreSQL: anonymity (the
//! author's id is in no response and no event), one upvote per user under
//! concurrency, moderators' answers, and the lists.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use liveclass_tests::testing::TestDatabase;
use liveclass_tests::{TestApp, on_both_backends, spawn_app};
use serde_json::{Value, json};

const TENANT: &str = "acme";

/// A live class created and started by a training manager; its id and the
/// manager's token.
async fn live_class(app: &TestApp) -> (String, String) {
    let manager = app.token("manager-1", TENANT, &["training_manager"]);
    let created = app
        .post_json(
            "/live-classes",
            &manager,
            &json!({"title": "Questions", "scheduledAt": "2030-11-20T14:00:00Z", "maxParticipants": 50}),
        )
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.post(&format!("/live-classes/{id}/start"), &manager)
            .await
            .status,
        200
    );
    (id, manager)
}

async fn ask(app: &TestApp, class: &str, token: &str, content: &str, anonymous: bool) -> Value {
    let reply = app
        .post_json(
            &format!("/live-classes/{class}/questions"),
            token,
            &json!({"content": content, "isAnonymous": anonymous}),
        )
        .await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    reply.body
}

/// Every event of the class once the sequencer has numbered `want`.
async fn all_events(app: &TestApp, token: &str, class: &str, want: usize) -> Vec<Value> {
    for _ in 0..100 {
        let reply = app
            .get(&format!("/live-classes/{class}/events?limit=1000"), token)
            .await;
        let events = reply.body["events"].as_array().unwrap().clone();
        if events.len() >= want {
            return events;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("fewer than {want} events within 5 s");
}

async fn an_anonymous_authors_id_is_in_no_response_and_no_event(db: TestDatabase) {
    let app = spawn_app(db).await;
    let (class, manager) = live_class(&app).await;
    // The author: an admin who moderates without joining, so no event at all
    // may carry their id.
    const AUTHOR: &str = "anon-author-7";
    let author = app.token(AUTHOR, TENANT, &["org_admin"]);
    let student = app.token("student-1", TENANT, &[]);
    assert_eq!(
        app.post(&format!("/live-classes/{class}/join"), &student)
            .await
            .status,
        200
    );

    let mut bodies: Vec<Value> = Vec::new();
    let asked = ask(&app, &class, &author, "Is this graded?", true).await;
    assert_eq!(
        (asked["authorId"].clone(), asked["authorName"].clone()),
        (Value::Null, Value::Null)
    );
    assert_eq!(asked["isAnonymous"], true);
    let q = asked["id"].as_str().unwrap().to_owned();
    bodies.push(asked);
    let second = ask(&app, &class, &author, "And this one?", true).await;
    let q2 = second["id"].as_str().unwrap().to_owned();
    bodies.push(second);
    let upvoted = app
        .post(
            &format!("/live-classes/{class}/questions/{q}/upvote"),
            &student,
        )
        .await;
    assert_eq!(upvoted.status, 200, "{:?}", upvoted.body);
    assert_eq!(upvoted.body["upvotes"], 1);
    bodies.push(upvoted.body);
    let answered = app
        .patch_json(
            &format!("/live-classes/{class}/questions/{q}"),
            &manager,
            &json!({"status": "answered"}),
        )
        .await;
    assert_eq!(answered.status, 200, "{:?}", answered.body);
    assert_eq!(answered.body["status"], "answered");
    bodies.push(answered.body);
    // The author deletes their second question.
    let deleted = app
        .client
        .delete(app.url(&format!("/live-classes/{class}/messages/{q2}")))
        .bearer_auth(&author)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    for reader in [&author, &manager, &student] {
        for path in [
            format!("/live-classes/{class}/questions"),
            format!("/live-classes/{class}/questions?sort=time"),
            format!("/live-classes/{class}/questions?status=answered"),
            format!("/live-classes/{class}/messages"),
            format!("/live-classes/{class}/messages?type=question"),
            format!("/live-classes/{class}"),
            "/live-classes".to_owned(),
        ] {
            let reply = app.get(&path, reader).await;
            assert_eq!(reply.status, 200, "{path}: {:?}", reply.body);
            bodies.push(reply.body);
        }
    }
    let listed = app
        .get(&format!("/live-classes/{class}/questions"), &manager)
        .await;
    assert_eq!(listed.body["data"].as_array().unwrap().len(), 1);
    // class.created, class.started, 2 × participant.joined (the teacher,
    // seated by the start, and the student), 2 × question.asked,
    // question.upvoted, question.answered, message.deleted: wait for all 9
    // (8 could be counted before the deletion is sequenced).
    let events = all_events(&app, &manager, &class, 9).await;
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    for t in [
        "question.asked",
        "question.upvoted",
        "question.answered",
        "message.deleted",
    ] {
        assert!(types.contains(&t), "{types:?}");
    }
    let deleted = events
        .iter()
        .find(|e| e["type"] == "message.deleted")
        .unwrap();
    assert_eq!(deleted["data"]["deletedBy"], Value::Null);
    bodies.extend(events);

    for body in &bodies {
        let text = body.to_string();
        assert!(
            !text.contains(AUTHOR),
            "the anonymous author's id shows in {text}"
        );
    }
    // The same search finds a named question's author.
    let named = ask(&app, &class, &author, "Signed", false).await;
    assert!(named.to_string().contains(AUTHOR));
}

async fn a_participants_anonymous_question_shows_them_only_as_present(db: TestDatabase) {
    let app = spawn_app(db).await;
    let (class, manager) = live_class(&app).await;
    const AUTHOR: &str = "shy-student-3";
    let shy = app.token(AUTHOR, TENANT, &[]);
    assert_eq!(
        app.post(&format!("/live-classes/{class}/join"), &shy)
            .await
            .status,
        200
    );
    let asked = ask(&app, &class, &shy, "I am lost", true).await;
    let mut bodies = vec![asked];
    for path in [
        format!("/live-classes/{class}/questions"),
        format!("/live-classes/{class}/messages"),
    ] {
        bodies.push(app.get(&path, &manager).await.body);
        bodies.push(app.get(&path, &shy).await.body);
    }
    let events = all_events(&app, &manager, &class, 4).await;
    // Their presence is public (participant.joined); nothing else names them.
    assert!(
        events
            .iter()
            .any(|e| e["type"] == "participant.joined" && e.to_string().contains(AUTHOR))
    );
    bodies.extend(
        events
            .into_iter()
            .filter(|e| !e["type"].as_str().unwrap().starts_with("participant.")),
    );
    for body in &bodies {
        let text = body.to_string();
        assert!(
            !text.contains(AUTHOR),
            "the anonymous author's id shows in {text}"
        );
    }
}

async fn one_upvote_per_user_however_many_arrive_at_once(db: TestDatabase) {
    let app = spawn_app(db).await;
    let (class, manager) = live_class(&app).await;
    let q = ask(&app, &class, &manager, "Pace ok?", false).await;
    let q = q["id"].as_str().unwrap().to_owned();
    let students: Vec<String> = (0..20)
        .map(|i| app.token(&format!("s{i}"), TENANT, &[]))
        .collect();
    for s in &students {
        assert_eq!(
            app.post(&format!("/live-classes/{class}/join"), s)
                .await
                .status,
            200
        );
    }
    // Every student twice, all at once.
    let url = app.url(&format!("/live-classes/{class}/questions/{q}/upvote"));
    let votes: Vec<_> = students
        .iter()
        .chain(students.iter())
        .map(|token| {
            let (client, url, token) = (app.client.clone(), url.clone(), token.clone());
            tokio::spawn(async move {
                let response = client.post(url).bearer_auth(token).send().await.unwrap();
                let status = response.status().as_u16();
                (status, response.json::<Value>().await.unwrap())
            })
        })
        .collect();
    let mut replies = Vec::new();
    for vote in votes {
        replies.push(vote.await.unwrap());
    }
    let ok = replies.iter().filter(|(s, _)| *s == 200).count();
    let again: Vec<_> = replies.iter().filter(|(s, _)| *s == 409).collect();
    assert_eq!((ok, again.len()), (20, 20), "{replies:?}");
    assert_eq!(again[0].1["code"], "already_upvoted");
    let listed = app
        .get(&format!("/live-classes/{class}/questions"), &manager)
        .await;
    assert_eq!(listed.body["data"][0]["upvotes"], 20);
}

async fn who_may_upvote_and_handle_questions(db: TestDatabase) {
    let app = spawn_app(db).await;
    let (class, manager) = live_class(&app).await;
    let student = app.token("student-1", TENANT, &[]);
    let outsider = app.token("student-2", TENANT, &[]);
    let stranger = app.token("x", "other-tenant", &["org_admin"]);
    assert_eq!(
        app.post(&format!("/live-classes/{class}/join"), &student)
            .await
            .status,
        200
    );
    let q = ask(&app, &class, &student, "Why?", false).await;
    assert_eq!(q["authorId"], "student-1");
    assert_eq!(q["status"], "open");
    let q = q["id"].as_str().unwrap().to_owned();
    let upvote = |token: String, question: String| {
        let app = &app;
        let class = class.clone();
        async move {
            app.post(
                &format!("/live-classes/{class}/questions/{question}/upvote"),
                &token,
            )
            .await
        }
    };
    let reply = upvote(outsider.clone(), q.clone()).await;
    assert_eq!(
        (reply.status, reply.body["code"].as_str()),
        (403, Some("not_admitted"))
    );
    let reply = upvote(stranger.clone(), q.clone()).await;
    assert_eq!(
        (reply.status, reply.body["code"].as_str()),
        (404, Some("class_not_found"))
    );
    let reply = upvote(student.clone(), uuid::Uuid::new_v4().to_string()).await;
    assert_eq!(
        (reply.status, reply.body["code"].as_str()),
        (404, Some("question_not_found"))
    );
    let chat = app
        .post_json(
            &format!("/live-classes/{class}/messages"),
            &student,
            &json!({"content": "hi"}),
        )
        .await;
    let reply = upvote(
        student.clone(),
        chat.body["id"].as_str().unwrap().to_owned(),
    )
    .await;
    assert_eq!(reply.status, 404, "a chat message is not a question");
    // Only moderators set a status; a bad status is refused.
    let status_path = format!("/live-classes/{class}/questions/{q}");
    let reply = app
        .patch_json(&status_path, &student, &json!({"status": "answered"}))
        .await;
    assert_eq!(
        (reply.status, reply.body["code"].as_str()),
        (403, Some("not_moderator"))
    );
    let reply = app
        .patch_json(&status_path, &manager, &json!({"status": "closed"}))
        .await;
    assert_eq!(
        (reply.status, reply.body["code"].as_str()),
        (400, Some("invalid_body"))
    );
    let reply = app
        .patch_json(&status_path, &manager, &json!({"status": "dismissed"}))
        .await;
    assert_eq!(
        (reply.status, reply.body["status"].as_str()),
        (200, Some("dismissed"))
    );
    for query in ["sort=loud", "status=closed", "limit=0", "offset=-1"] {
        let reply = app
            .get(
                &format!("/live-classes/{class}/questions?{query}"),
                &manager,
            )
            .await;
        assert_eq!(reply.status, 400, "{query}: {:?}", reply.body);
    }
    let reply = app
        .get(&format!("/live-classes/{class}/questions"), &outsider)
        .await;
    assert_eq!(reply.status, 403);
    // After the class: no more upvotes, but moderators still handle questions.
    assert_eq!(
        app.post(&format!("/live-classes/{class}/end"), &manager)
            .await
            .status,
        200
    );
    let reply = upvote(student.clone(), q.clone()).await;
    assert_eq!(
        (reply.status, reply.body["code"].as_str()),
        (400, Some("class_not_live"))
    );
    let reply = app
        .patch_json(&status_path, &manager, &json!({"status": "open"}))
        .await;
    assert_eq!(reply.status, 200);
}

on_both_backends!(
    an_anonymous_authors_id_is_in_no_response_and_no_event,
    a_participants_anonymous_question_shows_them_only_as_present,
    one_upvote_per_user_however_many_arrive_at_once,
    who_may_upvote_and_handle_questions,
);
