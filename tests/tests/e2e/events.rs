//! The class event log over real HTTP: changes made through the API appear,
//! numbered in order, in `GET /live-classes/{id}/events`, on SQLite and on
//! PostgreSQL.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use liveclass_tests::testing::TestDatabase;
use liveclass_tests::{TestApp, on_both_backends, spawn_app};
use serde_json::{Value, json};

const TENANT: &str = "acme";

/// Polls the replay until `want` events are there (the sequencer numbers
/// them about every 100 ms).
async fn events_after(app: &TestApp, token: &str, class: &str, after: u64, want: usize) -> Value {
    for _ in 0..100 {
        let reply = app
            .get(
                &format!("/live-classes/{class}/events?after={after}"),
                token,
            )
            .await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        if reply.body["events"].as_array().unwrap().len() >= want {
            return reply.body;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("fewer than {want} events after {after} within 5 s");
}

async fn the_api_reports_a_class_life_as_ordered_events(db: TestDatabase) {
    let app = spawn_app(db).await;
    let teacher = app.token("teacher-1", TENANT, &["training_manager"]);
    let student = app.token("student-1", TENANT, &["student"]);
    let created = app
        .post_json(
            "/live-classes",
            &teacher,
            &json!({
                "tenantId": TENANT,
                "title": "Events",
                "scheduledAt": "2030-11-20T14:00:00Z",
                "maxParticipants": 10
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let class = created.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.post(&format!("/live-classes/{class}/start"), &teacher)
            .await
            .status,
        200
    );
    assert_eq!(
        app.post(&format!("/live-classes/{class}/join"), &student)
            .await
            .status,
        200
    );

    // Any user of the tenant may read them. The start seats the teacher.
    let page = events_after(&app, &student, &class, 0, 4).await;
    let events = page["events"].as_array().unwrap();
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "class.created",
            "class.started",
            "participant.joined",
            "participant.joined"
        ]
    );
    let seqs: Vec<u64> = events.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, [1, 2, 3, 4]);
    assert_eq!(page["lastSeq"], 4);
    assert_eq!(page["reset"], false);
    let seated = &events[2];
    assert_eq!(seated["data"]["participation"]["userId"], "teacher-1");
    assert_eq!(seated["data"]["role"], "teacher");
    assert_eq!(seated["occurredAt"], events[1]["occurredAt"]);
    assert_eq!(seated["data"]["activeCount"], 1);
    let joined = &events[3];
    assert_eq!(joined["liveClassId"], class.as_str());
    assert_eq!(joined["data"]["participation"]["userId"], "student-1");
    assert_eq!(
        joined["data"]["participation"]["userName"],
        "student-1's name"
    );
    assert_eq!(joined["data"]["activeCount"], 2);
    assert_eq!(joined["data"]["capacity"], 10);
    assert_eq!(events[1]["data"]["class"]["status"], "live");

    assert_eq!(
        app.post(&format!("/live-classes/{class}/end"), &teacher)
            .await
            .status,
        200
    );
    let page = events_after(&app, &teacher, &class, 4, 3).await;
    let events = page["events"].as_array().unwrap();
    for left in &events[..2] {
        assert_eq!(left["type"], "participant.left");
        assert_eq!(left["data"]["reason"], "class_ended");
    }
    assert_eq!(events[2]["type"], "class.ended");
    let mut attendees: Vec<&str> = events[2]["data"]["attendees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["userId"].as_str().unwrap())
        .collect();
    attendees.sort_unstable();
    assert_eq!(attendees, ["student-1", "teacher-1"]);

    // Paging: `limit` bounds the page, `after` continues it.
    let first = app
        .get(&format!("/live-classes/{class}/events?limit=2"), &teacher)
        .await;
    assert_eq!(first.body["events"].as_array().unwrap().len(), 2);
    assert_eq!(first.body["lastSeq"], 7);
}

async fn event_reads_refuse_bad_windows_and_other_tenants(db: TestDatabase) {
    let app = spawn_app(db).await;
    let teacher = app.token("teacher-1", TENANT, &["training_manager"]);
    let created = app
        .post_json(
            "/live-classes",
            &teacher,
            &json!({"tenantId": TENANT, "title": "x", "scheduledAt": "2030-11-20T14:00:00Z"}),
        )
        .await;
    let class = created.body["id"].as_str().unwrap().to_owned();
    for (query, field) in [
        ("after=-1", "after"),
        ("after=x", "after"),
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("lastEventId=9223372036854775808", "lastEventId"),
        ("lastEventId=-1", "lastEventId"),
    ] {
        let reply = app
            .get(&format!("/live-classes/{class}/events?{query}"), &teacher)
            .await;
        assert_eq!(reply.status, 400, "{query}: {:?}", reply.body);
        assert_eq!(reply.body["code"], "validation_failed");
        assert!(
            reply.body["message"].as_str().unwrap().starts_with(field),
            "{:?}",
            reply.body
        );
    }
    let stranger = app.token("teacher-9", "other-tenant", &["org_admin"]);
    let reply = app
        .get(&format!("/live-classes/{class}/events"), &stranger)
        .await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.body["code"], "class_not_found");
}

on_both_backends!(
    the_api_reports_a_class_life_as_ordered_events,
    event_reads_refuse_bad_windows_and_other_tenants,
);
