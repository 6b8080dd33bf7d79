//! The `course` scenario (issue 15): the attendance report of a course of
//! 200 students × 60 ended classes — 12,000 LiveClass stays and 12,000
//! provider sessions — read by a manager, as JSON and as streamed CSV:
//! time to the first byte, total time, size, and the server's memory.
//!
//! The classes and the roster are made through the API; the stays and the
//! sessions (what 12,000 joins and 12,000 webhooks would have left) are
//! written straight into the database, which takes seconds instead of
//! minutes and is not what is measured.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use diesel::prelude::*;
use liveclass_persistence::schema::{live_classes, participations, provider_sessions};
use serde_json::json;
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::Args;
use crate::report::ScenarioResult;
use crate::scenarios::{Api, TEACHER, check, mib, setup};
use crate::stats::Recorder;

const STUDENTS: usize = 200;
const CLASSES: usize = 60;
const TENANT: &str = "school";
const COURSE: &str = "bench-course";
/// Reads of each form, one after another.
const READS: usize = 10;

fn utc(at: OffsetDateTime) -> PrimitiveDateTime {
    PrimitiveDateTime::new(at.date(), at.time())
}

/// The 60 classes, a week apart, through the API; returns their ids and
/// scheduled starts.
async fn classes(api: &Api) -> anyhow::Result<Vec<(String, OffsetDateTime)>> {
    let manager = api.token(TEACHER, TENANT, &["training_manager"]);
    let students: Vec<String> = (0..STUDENTS).map(|i| format!("student-{i:03}")).collect();
    let (status, _, body) = api
        .timed(
            api.http
                .put(api.url(&format!("/courses/{COURSE}/roster")))
                .bearer_auth(&manager)
                .json(&json!({ "userIds": students })),
        )
        .await;
    if status != 200 {
        bail!(
            "setting the roster answered {status}: {}",
            crate::scenarios::json(&body)
        );
    }
    let first = time::macros::datetime!(2030-01-07 09:00 UTC);
    let mut made = Vec::with_capacity(CLASSES);
    for i in 0..CLASSES {
        let at = first + time::Duration::weeks(i as i64);
        let when = at
            .format(&time::format_description::well_known::Rfc3339)
            .context("formatting a time")?;
        let (status, _, body) = api
            .timed(
                api.http
                    .post(api.url("/live-classes"))
                    .bearer_auth(&manager)
                    .json(&json!({
                        "title": format!("Week {i}"), "scheduledAt": when, "courseId": COURSE,
                        "admissionPolicy": "roster", "maxParticipants": STUDENTS + 1,
                    })),
            )
            .await;
        let body = crate::scenarios::json(&body);
        if status != 201 {
            bail!("creating a class answered {status}: {body}");
        }
        made.push((body["id"].as_str().unwrap_or_default().to_owned(), at));
    }
    Ok(made)
}

/// Each class ended after an hour; each student in it from a few minutes
/// after the start to a few before the end (LiveClass), and seen by the
/// provider a little longer.
fn seed(conn: &mut PgConnection, classes: &[(String, OffsetDateTime)]) -> anyhow::Result<()> {
    for (id, at) in classes {
        diesel::update(live_classes::table.find(id))
            .set((
                live_classes::status.eq("ended"),
                live_classes::started_at.eq(Some(utc(*at))),
                live_classes::ended_at.eq(Some(utc(*at + time::Duration::hours(1)))),
            ))
            .execute(conn)?;
        let mut stays = Vec::with_capacity(STUDENTS);
        let mut sessions = Vec::with_capacity(STUDENTS);
        for s in 0..STUDENTS {
            let user = format!("student-{s:03}");
            let joined = *at + time::Duration::minutes((s % 12) as i64);
            let left = *at + time::Duration::minutes(60 - (s % 9) as i64);
            stays.push((
                participations::id.eq(uuid::Uuid::new_v4().to_string()),
                participations::class_id.eq(id.clone()),
                participations::tenant_id.eq(TENANT),
                participations::user_id.eq(user.clone()),
                participations::user_name.eq(Some(format!("Student {s}"))),
                participations::role.eq("participant"),
                participations::joined_at.eq(utc(joined)),
                participations::left_at.eq(Some(utc(left))),
                participations::seat_no.eq(None::<i32>),
            ));
            sessions.push((
                provider_sessions::class_id.eq(id.clone()),
                provider_sessions::provider.eq("daily"),
                provider_sessions::session_key.eq(format!("session-{s}")),
                provider_sessions::tenant_id.eq(TENANT),
                provider_sessions::user_id.eq(Some(user)),
                provider_sessions::user_name.eq(None::<String>),
                provider_sessions::joined_at.eq(Some(utc(joined + time::Duration::minutes(1)))),
                provider_sessions::left_at.eq(Some(utc(left + time::Duration::minutes(2)))),
            ));
        }
        diesel::insert_into(participations::table)
            .values(&stays)
            .execute(conn)?;
        diesel::insert_into(provider_sessions::table)
            .values(&sessions)
            .execute(conn)?;
    }
    Ok(())
}

/// One read: (status, time to the first body byte, total time, body).
async fn read(api: &Api, token: &str, path: &str) -> (u16, Duration, Duration, Vec<u8>) {
    let started = Instant::now();
    let Ok(mut response) = api.http.get(api.url(path)).bearer_auth(token).send().await else {
        return (0, started.elapsed(), started.elapsed(), Vec::new());
    };
    let status = response.status().as_u16();
    let mut body = Vec::new();
    let mut first = None;
    while let Ok(Some(chunk)) = response.chunk().await {
        first.get_or_insert_with(|| started.elapsed());
        body.extend_from_slice(&chunk);
    }
    let total = started.elapsed();
    (status, first.unwrap_or(total), total, body)
}

pub async fn run(args: &Args) -> anyhow::Result<ScenarioResult> {
    let s = setup(args, "course", STUDENTS + 1)?;
    let classes = classes(&s.api).await?;
    seed(&mut s.db.connect()?, &classes)?;
    s.db.checkpoint()?;
    let manager = s.api.token(TEACHER, TENANT, &["training_manager"]);
    let before = s.server.rss_bytes();
    let mut recorder = Recorder::default();
    let (mut json_ok, mut csv_ok) = (0, 0);
    let (mut json_bytes, mut csv_bytes) = (0, 0);
    let started = Instant::now();
    for _ in 0..READS {
        let path = format!("/courses/{COURSE}/attendance");
        let (status, first, total, body) = read(&s.api, &manager, &path).await;
        recorder.record("JSON: first byte", status, first);
        recorder.record("JSON: whole report", status, total);
        let value = crate::scenarios::json(&body);
        json_ok += usize::from(
            status == 200
                && value["students"]
                    .as_array()
                    .is_some_and(|a| a.len() == STUDENTS)
                && value["classes"]
                    .as_array()
                    .is_some_and(|a| a.len() == CLASSES),
        );
        json_bytes = body.len();
        let (status, first, total, body) = read(
            &s.api,
            &manager,
            &format!("{path}?format=csv&tz=Europe/Paris"),
        )
        .await;
        recorder.record("CSV: first byte", status, first);
        recorder.record("CSV: whole report", status, total);
        let text = String::from_utf8_lossy(&body);
        csv_ok += usize::from(
            status == 200
                && text.lines().count() == STUDENTS + 1
                && text
                    .lines()
                    .next()
                    .is_some_and(|h| h.split(',').count() == CLASSES + 5),
        );
        csv_bytes = body.len();
    }
    let wall = started.elapsed();
    let peak = s.server.peak_rss_bytes();
    Ok(ScenarioResult {
        name: "course".into(),
        description: format!(
            "the attendance report of a course of {STUDENTS} students × {CLASSES} ended classes \
             ({} LiveClass stays and as many provider sessions), read {READS} times as JSON \
             ({:.0} KiB) and {READS} times as streamed CSV ({:.0} KiB) by one manager; server RSS \
             {:.1} MiB before the reads",
            STUDENTS * CLASSES,
            json_bytes as f64 / 1024.0,
            csv_bytes as f64 / 1024.0,
            before.unwrap_or(0) as f64 / 1048576.0,
        ),
        wall_seconds: wall.as_secs_f64(),
        ops: recorder.summaries(wall),
        peak_rss_mib: mib(peak),
        ratios: Vec::new(),
        checks: vec![
            check(
                "every JSON report has 200 students and 60 classes",
                json_ok == READS,
                format!("{json_ok} of {READS}"),
            ),
            check(
                "every CSV report has a header and 200 rows of 65 columns",
                csv_ok == READS,
                format!("{csv_ok} of {READS}"),
            ),
        ],
    })
}
