//! Polls over real HTTP, on SQLite and on PostgreSQL: moderators create,
//! open and close; participants vote once, for good, under concurrency;
//! live counts; who chose what for moderators of named polls only.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use liveclass_tests::testing::TestDatabase;
use liveclass_tests::{TestApp, on_both_backends, spawn_app};
use serde_json::{Value, json};

const TENANT: &str = "acme";

async fn live_class(app: &TestApp) -> (String, String) {
    let manager = app.token("manager-1", TENANT, &["training_manager"]);
    let created = app
        .post_json(
            "/live-classes",
            &manager,
            &json!({"title": "Polls", "scheduledAt": "2030-11-20T14:00:00Z", "maxParticipants": 50}),
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

async fn open_poll(app: &TestApp, class: &str, manager: &str, body: Value) -> String {
    let created = app
        .post_json(&format!("/live-classes/{class}/polls"), manager, &body)
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    assert_eq!(created.body["status"], "draft");
    let poll = created.body["id"].as_str().unwrap().to_owned();
    let opened = app
        .post(&format!("/live-classes/{class}/polls/{poll}/open"), manager)
        .await;
    assert_eq!(
        (opened.status, opened.body["status"].as_str()),
        (200, Some("open"))
    );
    poll
}

async fn the_life_of_a_poll_and_who_sees_what(db: TestDatabase) {
    let app = spawn_app(db).await;
    let (class, manager) = live_class(&app).await;
    let student = app.token("student-1", TENANT, &[]);
    let outsider = app.token("student-2", TENANT, &[]);
    assert_eq!(
        app.post(&format!("/live-classes/{class}/join"), &student)
            .await
            .status,
        200
    );
    let polls = format!("/live-classes/{class}/polls");

    let body = json!({"question": "Pace?", "options": ["slower", "fine", "faster"]});
    let reply = app.post_json(&polls, &student, &body).await;
    assert_eq!(
        (reply.status, reply.body["code"].as_str()),
        (403, Some("not_moderator"))
    );
    for bad in [
        json!({"question": "Pace?", "options": ["only one"]}),
        json!({"question": "Pace?", "options": ["a", "a"]}),
        json!({"question": " ", "options": ["a", "b"]}),
        json!({"question": "Pace?", "options": (0..11).map(|i| i.to_string()).collect::<Vec<_>>()}),
    ] {
        let reply = app.post_json(&polls, &manager, &bad).await;
        assert_eq!(
            (reply.status, reply.body["code"].as_str()),
            (400, Some("validation_failed")),
            "{bad}"
        );
    }
    // A draft is the moderators'.
    let draft = app.post_json(&polls, &manager, &body).await;
    let draft_id = draft.body["id"].as_str().unwrap();
    assert_eq!(
        app.get(&format!("{polls}/{draft_id}"), &student)
            .await
            .status,
        404
    );
    assert_eq!(app.get(&polls, &student).await.body["data"], json!([]));
    assert_eq!(
        app.get(&polls, &manager).await.body["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let poll = open_poll(&app, &class, &manager, body).await;
    let vote = |token: String, options: Value| {
        let (app, url) = (&app, format!("{polls}/{poll}/votes"));
        async move {
            app.post_json(&url, &token, &json!({ "options": options }))
                .await
        }
    };
    for bad in [json!([0, 1]), json!([3]), json!([])] {
        let reply = vote(student.clone(), bad.clone()).await;
        assert_eq!(
            (reply.status, reply.body["code"].as_str()),
            (400, Some("validation_failed")),
            "{bad}"
        );
    }
    let reply = vote(outsider.clone(), json!([0])).await;
    assert_eq!(
        (reply.status, reply.body["code"].as_str()),
        (403, Some("not_admitted"))
    );
    let reply = vote(student.clone(), json!([1])).await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(
        (reply.body["counts"].clone(), reply.body["voters"].clone()),
        (json!([0, 1, 0]), json!(1))
    );
    assert!(reply.body.get("ballots").is_none());
    let reply = vote(student.clone(), json!([2])).await;
    assert_eq!(
        (reply.status, reply.body["code"].as_str()),
        (409, Some("already_voted"))
    );
    // Named: moderators see who chose what; participants do not.
    let seen = app.get(&format!("{polls}/{poll}"), &manager).await;
    assert_eq!(
        seen.body["ballots"],
        json!([{"userId": "student-1", "options": [1]}])
    );
    let seen = app.get(&format!("{polls}/{poll}"), &student).await;
    assert!(seen.body.get("ballots").is_none(), "{:?}", seen.body);
    assert_eq!(
        app.get(&format!("{polls}/{poll}"), &outsider).await.status,
        403
    );

    let closed = app.post(&format!("{polls}/{poll}/close"), &manager).await;
    assert_eq!(
        (closed.status, closed.body["status"].as_str()),
        (200, Some("closed"))
    );
    let again = app.post(&format!("{polls}/{poll}/close"), &manager).await;
    assert_eq!(
        (again.status, again.body["code"].as_str()),
        (400, Some("invalid_status_transition"))
    );
    let moderator_vote = vote(manager.clone(), json!([0])).await;
    assert_eq!(
        (moderator_vote.status, moderator_vote.body["code"].as_str()),
        (409, Some("poll_not_open"))
    );

    // Anonymous: nobody sees who chose what; no event names a voter.
    let anon = open_poll(
        &app,
        &class,
        &manager,
        json!({"question": "Mood?", "options": ["ok", "tired"], "isAnonymous": true, "multipleChoice": true}),
    )
    .await;
    let reply = app
        .post_json(
            &format!("{polls}/{anon}/votes"),
            &student,
            &json!({"options": [0, 1]}),
        )
        .await;
    assert_eq!(reply.body["counts"], json!([1, 1]));
    let seen = app.get(&format!("{polls}/{anon}"), &manager).await;
    assert!(seen.body.get("ballots").is_none(), "{:?}", seen.body);
    let mut voted = Vec::new();
    for _ in 0..100 {
        let events = app
            .get(
                &format!("/live-classes/{class}/events?limit=1000"),
                &manager,
            )
            .await;
        voted = events.body["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["type"] == "poll.voted")
            .cloned()
            .collect();
        if voted.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(voted.len(), 2);
    assert_eq!(voted[1]["data"]["poll"]["counts"], json!([1, 1]));
    for e in &voted {
        assert!(!e.to_string().contains("student-1"), "{e}");
    }
}

async fn one_vote_per_user_however_many_arrive_at_once(db: TestDatabase) {
    let app = spawn_app(db).await;
    let (class, manager) = live_class(&app).await;
    let poll = open_poll(
        &app,
        &class,
        &manager,
        json!({"question": "A or B?", "options": ["A", "B"]}),
    )
    .await;
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
    let url = app.url(&format!("/live-classes/{class}/polls/{poll}/votes"));
    let votes: Vec<_> = students
        .iter()
        .chain(students.iter())
        .enumerate()
        .map(|(i, token)| {
            let (client, url, token) = (app.client.clone(), url.clone(), token.clone());
            tokio::spawn(async move {
                let body = json!({"options": [u32::from(i >= 20)]});
                let response = client
                    .post(url)
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                response.status().as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for v in votes {
        statuses.push(v.await.unwrap());
    }
    let ok = statuses.iter().filter(|s| **s == 200).count();
    let again = statuses.iter().filter(|s| **s == 409).count();
    assert_eq!((ok, again), (20, 20), "{statuses:?}");
    let poll = app
        .get(&format!("/live-classes/{class}/polls/{poll}"), &manager)
        .await;
    assert_eq!(poll.body["voters"], 20);
    let counts: u64 = poll.body["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_u64().unwrap())
        .sum();
    assert_eq!(counts, 20);
}

on_both_backends!(
    the_life_of_a_poll_and_who_sees_what,
    one_vote_per_user_however_many_arrive_at_once,
);
