//! The `list` scenario: a catalogue page under load. 32 clients page through
//! `GET /live-classes` (20 per page) of a tenant with 200 classes, half of
//! them live with participants, as a manager's dashboard or a student's
//! timetable does; then pgbench runs the same SQL (`bench/pgbench/list.sql`)
//! with as many clients.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use serde_json::json;
use tokio::sync::Semaphore;

use crate::Args;
use crate::polling::{PathOf, against_pgbench, poll};
use crate::report::ScenarioResult;
use crate::scenarios::{Api, TEACHER, mib, setup};

/// The figures: 32 clients, pages of 20, 200 classes.
const CLIENTS: usize = 32;
const PAGE: usize = 20;
const CLASSES: usize = 200;
/// Students in each live class.
const PER_LIVE_CLASS: usize = 10;
const TENANT: &str = "catalog";

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageOnly {
    total: u64,
    live_classes: Vec<serde_json::Value>,
}

pub async fn run(args: &Args) -> anyhow::Result<ScenarioResult> {
    let s = setup(args, "list", 500)?;
    populate(&s.api).await?;
    s.db.checkpoint()?;
    let manager = s.api.token(TEACHER, TENANT, &["training_manager"]);
    let pages = CLASSES / PAGE;
    // Client c starts on page c and moves one page on per request.
    let path: PathOf = Arc::new(move |c, n| {
        format!(
            "/live-classes?limit={PAGE}&offset={}",
            (c + n) % pages * PAGE
        )
    });
    let polled = poll(
        &s.api,
        "list",
        vec![manager; CLIENTS],
        args.duration(),
        path,
        |body| {
            serde_json::from_slice::<PageOnly>(body)
                .is_ok_and(|p| p.total == CLASSES as u64 && p.live_classes.len() == PAGE)
        },
    )
    .await?;
    let peak = s.server.peak_rss_bytes();
    let checks = polled.checks("holds 20 classes of 200");
    let mut ratios = Vec::new();
    if !args.no_pgbench {
        ratios.push(against_pgbench(
            s,
            format!("class list, page of {PAGE} of {CLASSES}, {CLIENTS} clients"),
            "list.sql",
            CLIENTS,
            args.duration(),
            &[("tenant", TENANT)],
            polled.rate(),
        )?);
    }
    let (recorder, wall) = (polled.recorder, polled.wall);
    Ok(ScenarioResult {
        name: "list".into(),
        description: format!(
            "{CLIENTS} clients page through GET /live-classes ({PAGE} per page) of a tenant \
             with {CLASSES} classes, {} live with {PER_LIVE_CLASS} participants each, for {} s",
            CLASSES / 2,
            args.seconds
        ),
        wall_seconds: wall.as_secs_f64(),
        ops: recorder.summaries(wall),
        peak_rss_mib: mib(peak),
        ratios,
        checks,
    })
}

/// 200 classes an hour apart; every other one started and joined by
/// [`PER_LIVE_CLASS`] students.
async fn populate(api: &Api) -> anyhow::Result<()> {
    let teacher = api.token(TEACHER, TENANT, &["training_manager"]);
    let start = time::macros::datetime!(2030-01-01 08:00 UTC);
    let mut live = Vec::new();
    for i in 0..CLASSES {
        let at = start + Duration::from_secs(3600 * i as u64);
        let at = at
            .format(&time::format_description::well_known::Rfc3339)
            .context("formatting a time")?;
        let (status, _, body) = api
            .timed(
                api.http
                    .post(api.url("/live-classes"))
                    .bearer_auth(&teacher)
                    .json(&json!({"title": format!("Catalogue class {i}"), "scheduledAt": at, "maxParticipants": 50})),
            )
            .await;
        let body = crate::scenarios::json(&body);
        if status != 201 {
            bail!("creating a class answered {status}: {body}");
        }
        let id = body["id"].as_str().unwrap_or_default().to_owned();
        if i % 2 == 0 {
            let (status, _, _) = api
                .timed(
                    api.http
                        .post(api.url(&format!("/live-classes/{id}/start")))
                        .bearer_auth(&teacher),
                )
                .await;
            if status != 200 {
                bail!("starting a class answered {status}");
            }
            live.push(id);
        }
    }
    let gate = Arc::new(Semaphore::new(32));
    let mut joins = Vec::new();
    for (c, class) in live.iter().enumerate() {
        for n in 0..PER_LIVE_CLASS {
            let (api, gate, class) = (api.clone(), gate.clone(), class.clone());
            let token = api.token(&format!("student-{c}-{n}"), TENANT, &[]);
            joins.push(tokio::spawn(async move {
                let _permit = gate.acquire_owned().await;
                api.join(&class, &token).await.0
            }));
        }
    }
    for j in joins {
        let status = j.await?;
        if status != 200 {
            bail!("joining a catalogue class answered {status}");
        }
    }
    Ok(())
}
