//! Co-hosts and participant controls over real HTTP, on SQLite and on
//! PostgreSQL (issue 12): who may do what (wrong role 403, another tenant
//! 404, wrong class state 409/400), co-hosts moderating without ending the
//! class, flags in the participants list, "mute all", raised hands in order.

#![allow(clippy::unwrap_used)]

use liveclass_tests::testing::TestDatabase;
use liveclass_tests::{Reply, TestApp, on_both_backends, spawn_app};
use serde_json::json;

const TENANT: &str = "acme";

/// A class created by `manager-1` (its host), live when `start`.
async fn class(app: &TestApp, start: bool) -> (String, String) {
    let manager = app.token("manager-1", TENANT, &["training_manager"]);
    let created = app
        .post_json(
            "/live-classes",
            &manager,
            &json!({"title": "Controls", "scheduledAt": "2030-11-20T14:00:00Z", "maxParticipants": 50}),
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
    (id, manager)
}

fn refused(reply: &Reply, status: u16, code: &str) {
    assert_eq!(
        (reply.status, reply.body["code"].as_str()),
        (status, Some(code)),
        "{:?}",
        reply.body
    );
}

async fn co_hosts_are_named_by_the_host_moderate_and_cannot_end_the_class(db: TestDatabase) {
    let app = spawn_app(db).await;
    let (class, host) = class(&app, true).await;
    let assistant = app.token("assistant", TENANT, &[]);
    let student = app.token("student-1", TENANT, &[]);
    let stranger = app.token("manager-9", "other-tenant", &["training_manager"]);
    let url = |user: &str| format!("/live-classes/{class}/co-hosts/{user}");

    // Wrong role, another tenant, the host itself.
    refused(
        &app.put(&url("assistant"), &student).await,
        403,
        "not_class_host",
    );
    refused(
        &app.put(&url("assistant"), &stranger).await,
        404,
        "class_not_found",
    );
    refused(
        &app.put(&url("manager-1"), &host).await,
        400,
        "validation_failed",
    );

    let granted = app.put(&url("assistant"), &host).await;
    assert_eq!(granted.status, 200, "{:?}", granted.body);
    assert_eq!(granted.body["coHosts"], json!(["assistant"]));
    assert_eq!(granted.body["hostId"], "manager-1");
    // Idempotent.
    assert_eq!(
        app.put(&url("assistant"), &host).await.body["coHosts"],
        json!(["assistant"])
    );
    // Shown in the class's details and the list of co-hosts.
    let details = app.get(&format!("/live-classes/{class}"), &student).await;
    assert_eq!(details.body["coHosts"], json!(["assistant"]));
    let listed = app
        .get(&format!("/live-classes/{class}/co-hosts"), &student)
        .await;
    assert_eq!(listed.body["coHosts"], json!(["assistant"]));
    refused(
        &app.get(&format!("/live-classes/{class}/co-hosts"), &stranger)
            .await,
        404,
        "class_not_found",
    );

    // A co-host moderates (polls are for moderators)…
    let poll = json!({"question": "Pace?", "options": ["slower", "faster"]});
    let created = app
        .post_json(&format!("/live-classes/{class}/polls"), &assistant, &poll)
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    // …but names no co-host and does not end the class.
    refused(
        &app.put(&url("student-1"), &assistant).await,
        403,
        "not_class_host",
    );
    refused(
        &app.delete(&url("assistant"), &assistant).await,
        403,
        "not_class_host",
    );
    let ended = app
        .post(&format!("/live-classes/{class}/end"), &assistant)
        .await;
    assert_eq!(ended.status, 403, "{:?}", ended.body);

    // Revoked: moderates no more.
    let revoked = app.delete(&url("assistant"), &host).await;
    assert_eq!(
        (revoked.status, revoked.body["coHosts"].clone()),
        (200, json!([]))
    );
    refused(
        &app.post_json(&format!("/live-classes/{class}/polls"), &assistant, &poll)
            .await,
        403,
        "not_moderator",
    );

    // An ended class's co-hosts do not change.
    assert_eq!(
        app.post(&format!("/live-classes/{class}/end"), &host)
            .await
            .status,
        200
    );
    refused(
        &app.put(&url("assistant"), &host).await,
        400,
        "class_finished",
    );

    // The events, in the class's log (numbered about every 100 ms).
    let mut types = Vec::new();
    for _ in 0..100 {
        let events = app
            .get(&format!("/live-classes/{class}/events"), &host)
            .await;
        types = events.body["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["type"].as_str().map(str::to_owned))
            .filter(|t| t.starts_with("co_host.") || t == "class.ended")
            .collect();
        if types.iter().any(|t| t == "class.ended") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(types, ["co_host.granted", "co_host.revoked", "class.ended"]);
}

async fn moderators_set_flags_mute_all_and_lower_hands_participants_raise_their_own(
    db: TestDatabase,
) {
    let app = spawn_app(db).await;
    let (class, host) = class(&app, true).await;
    let assistant = app.token("assistant", TENANT, &[]);
    let ada = app.token("ada", TENANT, &[]);
    let bob = app.token("bob", TENANT, &[]);
    let outsider = app.token("outsider", TENANT, &[]);
    let stranger = app.token("manager-9", "other-tenant", &["training_manager"]);
    assert_eq!(
        app.put(&format!("/live-classes/{class}/co-hosts/assistant"), &host)
            .await
            .status,
        200
    );
    for who in [&assistant, &ada, &bob] {
        let joined = app.post(&format!("/live-classes/{class}/join"), who).await;
        assert_eq!(joined.status, 200, "{:?}", joined.body);
    }
    let participant = |user: &str| format!("/live-classes/{class}/participants/{user}");

    // PATCH: refusals.
    let mute = json!({"micAllowed": false});
    refused(
        &app.patch_json(&participant("bob"), &ada, &mute).await,
        403,
        "not_moderator",
    );
    refused(
        &app.patch_json(&participant("bob"), &stranger, &mute).await,
        404,
        "class_not_found",
    );
    refused(
        &app.patch_json(&participant("outsider"), &host, &mute).await,
        409,
        "participant_not_active",
    );
    refused(
        &app.patch_json(&participant("bob"), &host, &json!({"handRaised": true}))
            .await,
        400,
        "validation_failed",
    );
    refused(
        &app.patch_json(&participant("bob"), &host, &json!({})).await,
        400,
        "validation_failed",
    );
    refused(
        &app.patch_json(&participant("bob"), &host, &json!({"micAllowed": "no"}))
            .await,
        400,
        "invalid_body",
    );

    // A co-host mutes ada.
    let muted = app.patch_json(&participant("ada"), &assistant, &mute).await;
    assert_eq!(muted.status, 200, "{:?}", muted.body);
    assert_eq!(muted.body["micAllowed"], false);
    assert_eq!(muted.body["cameraAllowed"], true);
    let list = app
        .get(&format!("/live-classes/{class}/participants"), &ada)
        .await;
    let ada_row = list.body["participants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["userId"] == "ada")
        .unwrap()
        .clone();
    assert_eq!(
        (
            ada_row["micAllowed"].clone(),
            ada_row["cameraAllowed"].clone(),
            ada_row["handRaised"].clone(),
            ada_row["screenSharing"].clone()
        ),
        (json!(false), json!(true), json!(false), json!(false))
    );

    // Mute all: moderators only; spares the host and co-hosts.
    let all = format!("/live-classes/{class}/participants/mute-all");
    refused(
        &app.post_json(&all, &bob, &json!({})).await,
        403,
        "not_moderator",
    );
    refused(
        &app.post_json(&all, &stranger, &json!({})).await,
        404,
        "class_not_found",
    );
    let everyone = app.post_json(&all, &host, &json!({"camera": true})).await;
    assert_eq!(everyone.status, 200, "{:?}", everyone.body);
    let mut names: Vec<&str> = everyone.body["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["userId"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["ada", "bob"]);
    let list = app
        .get(&format!("/live-classes/{class}/participants"), &host)
        .await;
    for p in list.body["participants"].as_array().unwrap() {
        // Moderators keep their microphones: the co-host and the teacher
        // (seated by the start).
        let spared = p["userId"] == "assistant" || p["role"] == "teacher";
        assert_eq!(p["micAllowed"], json!(spared), "{p}");
    }

    // Hands.
    let hand = format!("/live-classes/{class}/hand");
    let hands = format!("/live-classes/{class}/hands");
    refused(
        &app.post(&hand, &outsider).await,
        409,
        "participant_not_active",
    );
    refused(&app.post(&hand, &stranger).await, 404, "class_not_found");
    assert_eq!(app.post(&hand, &bob).await.body["handRaised"], true);
    assert_eq!(app.post(&hand, &ada).await.status, 200);
    let listed = app.get(&hands, &ada).await;
    let order: Vec<&str> = listed.body["hands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["userId"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["bob", "ada"]);
    refused(&app.get(&hands, &outsider).await, 403, "not_admitted");
    refused(&app.get(&hands, &stranger).await, 404, "class_not_found");
    // A moderator lowers bob's; ada lowers her own.
    let lowered = app
        .patch_json(&participant("bob"), &host, &json!({"handRaised": false}))
        .await;
    assert_eq!(lowered.body["handRaised"], false);
    let own = app.delete(&hand, &ada).await;
    assert_eq!(
        (own.status, own.body["handRaised"].clone()),
        (200, json!(false))
    );
    assert_eq!(app.get(&hands, &host).await.body["hands"], json!([]));

    // Once the class ended: 409 class_not_in_session.
    assert_eq!(
        app.post(&format!("/live-classes/{class}/end"), &host)
            .await
            .status,
        200
    );
    refused(&app.post(&hand, &ada).await, 409, "class_not_in_session");
    refused(
        &app.patch_json(&participant("ada"), &host, &mute).await,
        409,
        "class_not_in_session",
    );
    refused(
        &app.post_json(&all, &host, &json!({})).await,
        409,
        "class_not_in_session",
    );
}

async fn nothing_is_controlled_before_the_class_starts(db: TestDatabase) {
    let app = spawn_app(db).await;
    let (class, host) = class(&app, false).await;
    let ada = app.token("ada", TENANT, &[]);
    refused(
        &app.post(&format!("/live-classes/{class}/hand"), &ada).await,
        409,
        "class_not_in_session",
    );
    refused(
        &app.patch_json(
            &format!("/live-classes/{class}/participants/ada"),
            &host,
            &json!({"cameraAllowed": false}),
        )
        .await,
        409,
        "class_not_in_session",
    );
    // Co-hosts may be named ahead of the class.
    assert_eq!(
        app.put(&format!("/live-classes/{class}/co-hosts/ada"), &host)
            .await
            .status,
        200
    );
}

on_both_backends!(
    co_hosts_are_named_by_the_host_moderate_and_cannot_end_the_class,
    moderators_set_flags_mute_all_and_lower_hands_participants_raise_their_own,
    nothing_is_controlled_before_the_class_starts,
);
