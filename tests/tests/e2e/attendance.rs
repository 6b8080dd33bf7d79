//! `GET /live-classes/{id}/attendance` through the real server, on both
//! backends, with the server's clock moved by the test: rejoins merged,
//! late arrivals, the roster's absentees, who may read it, and the CSV
//! (header, time zones, formula injection neutralised, one row per stay);
//! then the course's matrix and a student's own line.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use liveclass_domain::clock::FixedClock;
use liveclass_tests::testing::TestDatabase;
use liveclass_tests::{TestApp, on_both_backends, spawn_app_at};
use serde_json::{Value, json};
use time::Duration;
use time::macros::datetime;

async fn csv(app: &TestApp, path: &str, token: &str, accept: Option<&str>) -> (u16, String) {
    let mut req = app.client.get(app.url(path)).bearer_auth(token);
    if let Some(accept) = accept {
        req = req.header("Accept", accept);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let kind = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    let text = resp.text().await.unwrap();
    if status == 200 {
        assert_eq!(kind.as_deref(), Some("text/csv; charset=utf-8"));
    }
    (status, text)
}

fn attendee<'a>(report: &'a Value, who: &str) -> &'a Value {
    report["attendees"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["userId"] == who)
        .unwrap_or_else(|| panic!("no {who} in {report}"))
}

async fn a_classes_attendance_merges_rejoins_and_names_the_late_and_the_absent(db: TestDatabase) {
    let clock = Arc::new(FixedClock::at(datetime!(2030-03-04 13:55 UTC)));
    let app = spawn_app_at(db, &[], clock.clone()).await;
    let tenant = "acme";
    let teacher = app.token("teacher-1", tenant, &["training_manager"]);
    let ada = app.token("ada", tenant, &[]);
    let mallory = app.token_named("mallory", tenant, &[], "=HYPERLINK(\"http://evil\")");
    let roster = app
        .client
        .put(app.url("/courses/lab/roster"))
        .bearer_auth(&teacher)
        .json(&json!({"userIds": ["ada", "mallory", "absent-1"]}))
        .send()
        .await
        .unwrap();
    assert!(
        roster.status().is_success(),
        "{}",
        roster.text().await.unwrap()
    );
    let created = app
        .post_json(
            "/live-classes",
            &teacher,
            &json!({"title": "Lab", "scheduledAt": "2030-03-04T14:00:00Z", "courseId": "lab",
                    "admissionPolicy": "roster", "maxParticipants": 10}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let class = format!("/live-classes/{id}");
    let path = format!("{class}/attendance");

    let at = |minute: i64| {
        let target = datetime!(2030-03-04 14:00 UTC) + Duration::minutes(minute);
        clock.advance(target - clock_now(&clock));
    };
    at(0);
    assert_eq!(
        app.post(&format!("{class}/start"), &teacher).await.status,
        200
    );
    at(2);
    assert_eq!(app.post(&format!("{class}/join"), &ada).await.status, 200);
    at(8);
    assert_eq!(
        app.post(&format!("{class}/join"), &mallory).await.status,
        200
    );
    at(20);
    assert_eq!(app.post(&format!("{class}/leave"), &ada).await.status, 200);
    at(25);
    assert_eq!(app.post(&format!("{class}/join"), &ada).await.status, 200);

    // While live: times run to now, nobody has left.
    at(30);
    let live = app.get(&path, &teacher).await;
    assert_eq!(live.status, 200, "{}", live.body);
    assert_eq!(live.body["state"], "live");
    assert_eq!(live.body["durationSeconds"], 1800);
    assert_eq!(attendee(&live.body, "ada")["lastLeave"], Value::Null);
    assert_eq!(attendee(&live.body, "ada")["secondsPresent"], (18 + 5) * 60);

    at(60);
    assert_eq!(
        app.post(&format!("{class}/end"), &teacher).await.status,
        200
    );
    at(90);
    let report = app.get(&format!("{path}?detail=segments"), &teacher).await;
    assert_eq!(report.status, 200, "{}", report.body);
    assert_eq!(report.body["state"], "provisional");
    assert_eq!(report.body["durationSeconds"], 3600);
    let t = attendee(&report.body, "teacher-1");
    assert_eq!(
        (&t["role"], &t["status"], &t["secondsPresent"]),
        (&json!("teacher"), &json!("present"), &json!(3600))
    );
    let a = attendee(&report.body, "ada");
    assert_eq!(a["secondsPresent"], (18 + 35) * 60, "rejoin merged");
    assert_eq!(
        (&a["joins"], &a["percent"], &a["status"]),
        (&json!(2), &json!(88), &json!("present"))
    );
    assert_eq!(a["firstJoin"], "2030-03-04T14:02:00Z");
    assert_eq!(a["lastLeave"], "2030-03-04T15:00:00Z");
    assert_eq!(a["sources"], json!(["app"]));
    assert_eq!(a["segments"].as_array().unwrap().len(), 2);
    assert_eq!(a["segments"][0]["seconds"], 18 * 60);
    let m = attendee(&report.body, "mallory");
    assert_eq!(
        (&m["status"], &m["secondsPresent"]),
        (&json!("late"), &json!(52 * 60))
    );
    let absent = attendee(&report.body, "absent-1");
    assert_eq!(
        (&absent["status"], &absent["role"]),
        (&json!("absent"), &Value::Null)
    );
    let order: Vec<&str> = report.body["attendees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["userId"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["teacher-1", "ada", "mallory", "absent-1"]);

    // Who may read it.
    assert_eq!(app.get(&path, &ada).await.body["code"], "not_moderator");
    let stranger = app.token("teacher-2", "other", &["training_manager"]);
    assert_eq!(app.get(&path, &stranger).await.status, 404);
    assert_eq!(
        app.get(&format!("{path}?format=xml"), &teacher)
            .await
            .status,
        400
    );
    assert_eq!(
        app.get(&format!("{path}?tz=Mars/Olympus"), &teacher)
            .await
            .status,
        400
    );
    assert_eq!(
        app.get(&format!("{path}?detail=all"), &teacher)
            .await
            .status,
        400
    );

    // CSV, asked for by Accept: a header row, UTC times, the formula defused.
    let (status, text) = csv(&app, &path, &teacher, Some("text/csv")).await;
    assert_eq!(status, 200, "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "user_id,name,role,status,first_join,last_leave,seconds_present,joins,percent,sources,\
         messages,questions,upvotes,poll_votes,reactions,hand_raises"
    );
    assert_eq!(lines.len(), 5);
    assert_eq!(
        lines[2],
        "ada,ada's name,participant,present,2030-03-04T14:02:00Z,2030-03-04T15:00:00Z,3180,2,88,app,0,0,0,0,0,0"
    );
    assert_eq!(
        lines[3],
        "mallory,\"'=HYPERLINK(\"\"http://evil\"\")\",participant,late,2030-03-04T14:08:00Z,2030-03-04T15:00:00Z,3120,1,86,app,0,0,0,0,0,0"
    );
    assert_eq!(lines[4], "absent-1,,,absent,,,0,0,0,,0,0,0,0,0,0");
    // Local times on request; one row per stay.
    let (_, text) = csv(
        &app,
        &format!("{path}?format=csv&tz=Europe/Paris&detail=segments"),
        &teacher,
        None,
    )
    .await;
    let ada_rows: Vec<&str> = text.lines().filter(|l| l.starts_with("ada,")).collect();
    assert_eq!(
        ada_rows,
        [
            "ada,ada's name,participant,app,2030-03-04T15:02:00+01:00,2030-03-04T15:20:00+01:00,1080",
            "ada,ada's name,participant,app,2030-03-04T15:25:00+01:00,2030-03-04T16:00:00+01:00,2100",
        ]
    );
    course_report(&app, &teacher, &ada).await;
}

/// The course view of the same class, with a second one not started yet.
async fn course_report(app: &TestApp, teacher: &str, ada: &str) {
    let later = app
        .post_json(
            "/live-classes",
            teacher,
            &json!({"title": "Lab 2", "scheduledAt": "2030-03-11T14:00:00Z", "courseId": "lab",
                    "admissionPolicy": "roster"}),
        )
        .await;
    assert_eq!(later.status, 201, "{}", later.body);
    let report = app.get("/courses/lab/attendance", teacher).await;
    assert_eq!(report.status, 200, "{}", report.body);
    let states: Vec<&str> = report.body["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["provisional", "not_started"]);
    let students = report.body["students"].as_array().unwrap();
    let ids: Vec<&str> = students
        .iter()
        .map(|s| s["userId"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["absent-1", "ada", "mallory"],
        "the teacher is no student"
    );
    assert_eq!(students[1]["statuses"], json!(["present", null]));
    assert_eq!(students[1]["secondsPerClass"], json!([3180, null]));
    assert_eq!(
        (
            &students[1]["attended"],
            &students[1]["secondsPresent"],
            &students[1]["percent"]
        ),
        (&json!(1), &json!(3180), &json!(88))
    );
    assert_eq!(students[0]["statuses"], json!(["absent", null]));
    // A range that holds only the second class.
    let ranged = app
        .get("/courses/lab/attendance?from=2030-03-05T00:00:00Z", teacher)
        .await;
    assert_eq!(ranged.body["classes"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.get("/courses/lab/attendance?from=yesterday", teacher)
            .await
            .status,
        400
    );
    assert_eq!(app.get("/courses/lab/attendance", ada).await.status, 403);
    let (status, text) = csv(app, "/courses/lab/attendance?format=csv", teacher, None).await;
    assert_eq!(status, 200);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "user_id,name,2030-03-04T14:00:00Z Lab,2030-03-11T14:00:00Z Lab 2,attended,seconds_present,percent"
    );
    assert_eq!(lines[2], "ada,ada's name,present,,1,3180,88");

    // A student's own line, and nobody else's.
    let mine = app.get("/me/attendance?courseId=lab", ada).await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    let rows = mine.body["students"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["userId"], "ada");
    assert_eq!(rows[0]["statuses"], json!(["present", null]));
    assert_eq!(app.get("/me/attendance", ada).await.status, 400);
}

/// The grace periods are server settings: with 10 minutes, a join 8
/// minutes late is on time, and a leave 8 minutes early is early.
async fn the_grace_periods_follow_the_servers_settings(db: TestDatabase) {
    let clock = Arc::new(FixedClock::at(datetime!(2030-03-04 13:55 UTC)));
    let app = spawn_app_at(
        db,
        &[
            ("LIVECLASS_ATTENDANCE_LATE_AFTER_MINUTES", "10"),
            ("LIVECLASS_ATTENDANCE_LEFT_EARLY_MINUTES", "7"),
        ],
        clock.clone(),
    )
    .await;
    let teacher = app.token("teacher-1", "acme", &["training_manager"]);
    let ada = app.token("ada", "acme", &[]);
    let created = app
        .post_json(
            "/live-classes",
            &teacher,
            &json!({"title": "Lab", "scheduledAt": "2030-03-04T14:00:00Z"}),
        )
        .await;
    let class = format!("/live-classes/{}", created.body["id"].as_str().unwrap());
    let at = |minute: i64| {
        let target = datetime!(2030-03-04 14:00 UTC) + Duration::minutes(minute);
        clock.advance(target - clock_now(&clock));
    };
    at(0);
    assert_eq!(
        app.post(&format!("{class}/start"), &teacher).await.status,
        200
    );
    at(8);
    assert_eq!(app.post(&format!("{class}/join"), &ada).await.status, 200);
    at(52);
    assert_eq!(app.post(&format!("{class}/leave"), &ada).await.status, 200);
    at(60);
    assert_eq!(
        app.post(&format!("{class}/end"), &teacher).await.status,
        200
    );
    let report = app.get(&format!("{class}/attendance"), &teacher).await;
    assert_eq!(
        attendee(&report.body, "ada")["status"],
        "left_early",
        "{}",
        report.body
    );
}

fn clock_now(clock: &FixedClock) -> time::OffsetDateTime {
    use liveclass_domain::clock::Clock;
    clock.now()
}

/// Each attendee's engagement: chat messages still in the chat, questions
/// under their name (never an anonymous one), upvotes, polls voted in,
/// reactions and hand raises, in JSON and in the CSV.
async fn the_report_counts_what_each_attendee_did(db: TestDatabase) {
    let clock = Arc::new(FixedClock::at(datetime!(2030-03-04 14:00 UTC)));
    let app = spawn_app_at(db, &[], clock.clone()).await;
    let teacher = app.token("teacher-1", "acme", &["training_manager"]);
    let (ada, bob) = (app.token("ada", "acme", &[]), app.token("bob", "acme", &[]));
    let created = app
        .post_json(
            "/live-classes",
            &teacher,
            &json!({"title": "Engaged", "scheduledAt": "2030-03-04T14:00:00Z", "maxParticipants": 10}),
        )
        .await;
    let class = format!("/live-classes/{}", created.body["id"].as_str().unwrap());
    assert_eq!(
        app.post(&format!("{class}/start"), &teacher).await.status,
        200
    );
    for who in [&ada, &bob] {
        assert_eq!(app.post(&format!("{class}/join"), who).await.status, 200);
    }
    let ok = |reply: &liveclass_tests::Reply| {
        assert!(
            (200..300).contains(&reply.status),
            "{} {}",
            reply.status,
            reply.body
        );
        reply.body["id"].as_str().map(str::to_owned)
    };
    let gone = |path: String, token: String| {
        let app = &app;
        async move {
            let reply = app
                .client
                .delete(app.url(&path))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            assert!(reply.status().is_success(), "{path}: {}", reply.status());
        }
    };
    let say = |token: String, text: &'static str| {
        let (app, url) = (&app, format!("{class}/messages"));
        async move {
            app.post_json(&url, &token, &json!({ "content": text }))
                .await
        }
    };
    let ask = |token: String, anonymous: bool| {
        let (app, url) = (&app, format!("{class}/questions"));
        async move {
            app.post_json(
                &url,
                &token,
                &json!({"content": "Why?", "isAnonymous": anonymous}),
            )
            .await
        }
    };
    // ada: three messages, deletes one; bob: one, deleted by the teacher.
    ok(&say(ada.clone(), "one").await);
    ok(&say(ada.clone(), "two").await);
    let mine = ok(&say(ada.clone(), "three").await).unwrap();
    gone(format!("{class}/messages/{mine}"), ada.clone()).await;
    let bobs = ok(&say(bob.clone(), "spam").await).unwrap();
    gone(format!("{class}/messages/{bobs}"), teacher.clone()).await;
    // ada asks under her name, bob anonymously; each upvotes the other's.
    let q_ada = ok(&ask(ada.clone(), false).await).unwrap();
    let q_bob = ok(&ask(bob.clone(), true).await).unwrap();
    ok(&app
        .post(&format!("{class}/questions/{q_bob}/upvote"), &ada)
        .await);
    ok(&app
        .post(&format!("{class}/questions/{q_ada}/upvote"), &bob)
        .await);
    // One poll, both vote.
    let poll = ok(&app
        .post_json(
            &format!("{class}/polls"),
            &teacher,
            &json!({"question": "Pace?", "options": ["slower", "faster"], "isAnonymous": true}),
        )
        .await)
    .unwrap();
    ok(&app
        .post(&format!("{class}/polls/{poll}/open"), &teacher)
        .await);
    for who in [&ada, &bob] {
        ok(&app
            .post_json(
                &format!("{class}/polls/{poll}/votes"),
                who,
                &json!({"options": [1]}),
            )
            .await);
    }
    // ada: two reactions, raises her hand twice.
    for reaction in ["heart", "clap"] {
        ok(&app
            .post_json(
                &format!("{class}/reactions"),
                &ada,
                &json!({ "reaction": reaction }),
            )
            .await);
    }
    for _ in 0..2 {
        ok(&app.post(&format!("{class}/hand"), &ada).await);
        gone(format!("{class}/hand"), ada.clone()).await;
    }

    let report = app.get(&format!("{class}/attendance"), &teacher).await;
    assert_eq!(report.status, 200, "{}", report.body);
    assert_eq!(
        attendee(&report.body, "ada")["engagement"],
        json!({"messages": 2, "questions": 1, "upvotes": 1, "pollVotes": 1,
               "reactions": 2, "handRaises": 2})
    );
    assert_eq!(
        attendee(&report.body, "bob")["engagement"],
        json!({"messages": 0, "questions": 0, "upvotes": 1, "pollVotes": 1,
               "reactions": 0, "handRaises": 0}),
        "bob's anonymous question is not his in any count"
    );
    assert_eq!(
        attendee(&report.body, "teacher-1")["engagement"]["messages"],
        0
    );
    let (status, text) = csv(
        &app,
        &format!("{class}/attendance?format=csv"),
        &teacher,
        None,
    )
    .await;
    assert_eq!(status, 200);
    let mut lines = text.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .ends_with(",messages,questions,upvotes,poll_votes,reactions,hand_raises"),
        "{text}"
    );
    let ada_line = text.lines().find(|l| l.starts_with("ada,")).unwrap();
    assert!(ada_line.ends_with(",2,1,1,1,2,2"), "{ada_line}");
}

/// A tenant's own grace periods: read by managers, set and reset by
/// organisation admins, checked, used by the tenant's reports (of classes
/// already ended too) and by no other tenant's.
async fn a_tenants_own_grace_periods_apply_to_its_reports_only(db: TestDatabase) {
    let clock = Arc::new(FixedClock::at(datetime!(2030-03-04 13:55 UTC)));
    let app = spawn_app_at(db, &[], clock.clone()).await;
    let admin = app.token("admin-1", "acme", &["org_admin"]);
    let teacher = app.token("teacher-1", "acme", &["training_manager"]);
    let ada = app.token("ada", "acme", &[]);
    let other_admin = app.token("admin-9", "globex", &["org_admin"]);
    let settings = "/attendance-settings";

    let server = app.get(settings, &teacher).await;
    assert_eq!(server.status, 200, "{}", server.body);
    assert_eq!(
        (
            &server.body["lateAfterMinutes"],
            &server.body["leftEarlyMinutes"],
            &server.body["source"]
        ),
        (&json!(5), &json!(5), &json!("server"))
    );
    assert_eq!(app.get(settings, &ada).await.status, 403);
    let refused = app
        .put_json(
            settings,
            &teacher,
            &json!({"lateAfterMinutes": 1, "leftEarlyMinutes": 1}),
        )
        .await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (403, Some("forbidden"))
    );
    let invalid = app
        .put_json(
            settings,
            &admin,
            &json!({"lateAfterMinutes": 2000, "leftEarlyMinutes": 1}),
        )
        .await;
    assert_eq!(invalid.status, 400, "{}", invalid.body);
    assert_eq!(invalid.body["code"], "validation_failed");
    assert!(
        invalid.body["message"]
            .as_str()
            .unwrap()
            .starts_with("lateAfterMinutes")
    );

    // A class where Ada comes 8 minutes late and leaves 8 minutes early:
    // `late` by the server's 5 minutes.
    let created = app
        .post_json(
            "/live-classes",
            &teacher,
            &json!({"title": "Lab", "scheduledAt": "2030-03-04T14:00:00Z"}),
        )
        .await;
    let class = format!("/live-classes/{}", created.body["id"].as_str().unwrap());
    let at = |minute: i64| {
        let target = datetime!(2030-03-04 14:00 UTC) + Duration::minutes(minute);
        clock.advance(target - clock_now(&clock));
    };
    at(0);
    assert_eq!(
        app.post(&format!("{class}/start"), &teacher).await.status,
        200
    );
    at(8);
    assert_eq!(app.post(&format!("{class}/join"), &ada).await.status, 200);
    at(52);
    assert_eq!(app.post(&format!("{class}/leave"), &ada).await.status, 200);
    at(60);
    assert_eq!(
        app.post(&format!("{class}/end"), &teacher).await.status,
        200
    );
    let status = || async {
        let report = app.get(&format!("{class}/attendance"), &teacher).await;
        attendee(&report.body, "ada")["status"].clone()
    };
    assert_eq!(status().await, "late");

    // 10 minutes late are allowed, 7 early are not: `left_early`.
    let set = app
        .put_json(
            settings,
            &admin,
            &json!({"lateAfterMinutes": 10, "leftEarlyMinutes": 7}),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.body);
    assert_eq!(
        (
            &set.body["lateAfterMinutes"],
            &set.body["leftEarlyMinutes"],
            &set.body["source"]
        ),
        (&json!(10), &json!(7), &json!("tenant"))
    );
    assert_eq!(set.body["updatedBy"], "admin-1");
    assert_eq!(status().await, "left_early");
    // Another tenant keeps the server's.
    assert_eq!(
        app.get(settings, &other_admin).await.body["source"],
        "server"
    );

    let reset = app
        .client
        .delete(app.url(settings))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status().as_u16(), 200);
    assert_eq!(app.get(settings, &teacher).await.body["source"], "server");
    assert_eq!(status().await, "late");
}

on_both_backends!(
    a_classes_attendance_merges_rejoins_and_names_the_late_and_the_absent,
    the_grace_periods_follow_the_servers_settings,
    the_report_counts_what_each_attendee_did,
    a_tenants_own_grace_periods_apply_to_its_reports_only,
);
