//! The scenarios. Each starts its own database and server, runs, reads the
//! invariants back from the database, and compares with pgbench where the
//! issue asks for it.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use liveclass_http::TokenIssuer;
use serde_json::{Value, json};
use tokio::sync::{Barrier, Semaphore};

use crate::Args;
use crate::db::{ScenarioDb, snapshot};
use crate::pgbench::{self, Length};
use crate::polling::{against_pgbench, poll};
use crate::report::{Check, Ratio, ScenarioResult};
use crate::server::ServerProcess;
use crate::stats::Recorder;

pub async fn run(name: &str, args: &Args) -> anyhow::Result<ScenarioResult> {
    match name {
        "burst" => burst(args, name, 1, 500, 500).await,
        "burst-over" => burst(args, name, 1, 500, 200).await,
        "mixed-tenants" => burst(args, name, 100, 60, 50).await,
        "hot" => hot(args).await,
        "participants" => participants(args).await,
        "steady" => steady(args).await,
        "fanout" => crate::fanout::run(args).await,
        "chat" => crate::chat::run(args).await,
        "course" => crate::course::run(args).await,
        "list" => crate::list::run(args).await,
        other => bail!("unknown scenario `{other}`"),
    }
}

#[derive(serde::Deserialize)]
struct IdOnly {
    id: String,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct ActiveCountOnly {
    active_count: u64,
}

pub(crate) fn json(body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap_or(Value::Null)
}

/// The API as a client sees it.
#[derive(Clone)]
pub(crate) struct Api {
    base: String,
    pub(crate) http: reqwest::Client,
    issuer: TokenIssuer,
}

pub(crate) const TEACHER: &str = "bench-teacher";

impl Api {
    pub(crate) fn new(server: &ServerProcess) -> anyhow::Result<Self> {
        // reqwest is built without a default TLS provider (see liveclass-video).
        liveclass_video::install_crypto_provider();
        Ok(Self {
            base: server.base_url(),
            http: reqwest::Client::builder()
                .pool_max_idle_per_host(1024)
                .timeout(Duration::from_secs(60))
                .build()?,
            issuer: TokenIssuer::hs256(liveclass_server::DEV_JWT_SECRET.as_bytes(), None, None),
        })
    }

    pub(crate) fn token(&self, sub: &str, tenant: &str, roles: &[&str]) -> String {
        self.issuer
            .mint(sub, tenant, roles, None, 3600)
            .unwrap_or_default()
    }

    /// Sends and times one request; the body is read whole (the clock stops
    /// after it) and returned unparsed: the load generator shares the CPU with
    /// the server, so callers parse only the fields they check.
    pub(crate) async fn timed(
        &self,
        request: reqwest::RequestBuilder,
    ) -> (u16, Duration, bytes::Bytes) {
        let started = Instant::now();
        match request.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                let body = response.bytes().await.unwrap_or_default();
                (status, started.elapsed(), body)
            }
            // Transport failures count as status 0.
            Err(_) => (0, started.elapsed(), bytes::Bytes::new()),
        }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Joins; returns the status, the latency and the participation id.
    pub(crate) async fn join(&self, class: &str, token: &str) -> (u16, Duration, Option<String>) {
        let (status, latency, body) = self
            .timed(
                self.http
                    .post(self.url(&format!("/live-classes/{class}/join")))
                    .bearer_auth(token),
            )
            .await;
        let id = serde_json::from_slice::<IdOnly>(&body).ok().map(|b| b.id);
        (status, latency, id)
    }

    /// Creates and starts a class with `capacity` seats for students; returns
    /// its id. Its `maxParticipants` is one more: the start seats the teacher
    /// in the seat held for them.
    pub(crate) async fn live_class(&self, tenant: &str, capacity: usize) -> anyhow::Result<String> {
        let capacity = capacity + 1;
        let teacher = self.token(TEACHER, tenant, &["training_manager"]);
        let (status, _, body) = self
            .timed(
                self.http
                    .post(self.url("/live-classes"))
                    .bearer_auth(&teacher)
                    .json(&json!({"title": "Bench class", "scheduledAt": "2030-01-01T10:00:00Z", "maxParticipants": capacity})),
            )
            .await;
        let body = json(&body);
        if status != 201 {
            bail!("creating a class answered {status}: {body}");
        }
        let id = body["id"]
            .as_str()
            .ok_or_else(|| anyhow!("no id in {body}"))?
            .to_owned();
        let (status, _, body) = self
            .timed(
                self.http
                    .post(self.url(&format!("/live-classes/{id}/start")))
                    .bearer_auth(&teacher),
            )
            .await;
        if status != 200 {
            bail!("starting a class answered {status}: {}", json(&body));
        }
        Ok(id)
    }
}

pub(crate) struct Setup {
    pub(crate) db: ScenarioDb,
    pub(crate) server: ServerProcess,
    pub(crate) api: Api,
}

pub(crate) fn setup(args: &Args, name: &str, max_capacity: usize) -> anyhow::Result<Setup> {
    let db = ScenarioDb::create(&args.postgres_url, name)?;
    let pool = (args.concurrency / 2).clamp(8, 48);
    let server = ServerProcess::start(
        &args.server_bin,
        &db.url,
        &[
            (
                "LIVECLASS_MAX_PARTICIPANTS_LIMIT",
                // Student seats, and the teacher's (see `Api::live_class`).
                (max_capacity.max(500) + 1).to_string(),
            ),
            ("LIVECLASS_DB_POOL_SIZE", pool.to_string()),
        ],
    )?;
    let api = Api::new(&server)?;
    Ok(Setup { db, server, api })
}

pub(crate) fn check(name: &str, ok: bool, detail: String) -> Check {
    Check {
        name: name.to_owned(),
        ok,
        detail,
    }
}

pub(crate) fn mib(bytes: Option<u64>) -> Option<f64> {
    bytes.map(|b| b as f64 / 1024.0 / 1024.0)
}

pub(crate) fn script(name: &str) -> PathBuf {
    PathBuf::from("bench/pgbench").join(name)
}

/// One outcome of a join: (class, user, status, participation id).
type JoinOutcome = (String, String, u16, Option<String>);

/// `classes` classes of `capacity`, `students` joining each, all at once.
async fn burst(
    args: &Args,
    name: &str,
    classes: usize,
    students: usize,
    capacity: usize,
) -> anyhow::Result<ScenarioResult> {
    let s = setup(args, name, capacity)?;
    let tenants = if classes > 1 { 20 } else { 1 };
    let mut class_ids = Vec::new();
    for c in 0..classes {
        let tenant = format!("tenant-{}", c % tenants);
        class_ids.push((tenant.clone(), s.api.live_class(&tenant, capacity).await?));
    }
    // Tokens are minted before the clock starts.
    let mut work = Vec::new();
    for (c, (tenant, class)) in class_ids.iter().enumerate() {
        for i in 0..students {
            let user = format!("student-{c}-{i}");
            let token = s.api.token(&user, tenant, &[]);
            work.push((class.clone(), user, token));
        }
    }
    let total = work.len();
    // At most 512 requests in flight: the barrier releases them together.
    let in_flight = total.min(512);
    let barrier = Arc::new(Barrier::new(in_flight + 1));
    let gate = Arc::new(Semaphore::new(in_flight));
    let mut tasks = Vec::with_capacity(total);
    for (n, (class, user, token)) in work.into_iter().enumerate() {
        let (api, barrier, gate) = (s.api.clone(), barrier.clone(), gate.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = gate.acquire_owned().await;
            if n < in_flight {
                barrier.wait().await;
            }
            let (status, latency, id) = api.join(&class, &token).await;
            ((class, user, status, id), latency)
        }));
    }
    s.db.checkpoint()?;
    barrier.wait().await;
    let started = Instant::now();
    let mut recorder = Recorder::default();
    let mut outcomes: Vec<JoinOutcome> = Vec::with_capacity(total);
    for task in tasks {
        let (outcome, latency) = task.await?;
        recorder.record("join", outcome.2, latency);
        outcomes.push(outcome);
    }
    let wall = started.elapsed();
    let peak = s.server.peak_rss_bytes();

    let mut conn = s.db.connect()?;
    let mut checks = join_checks(&outcomes, &mut conn)?;
    let expected = students.min(capacity) * classes;
    let admitted = outcomes.iter().filter(|o| o.2 == 200).count();
    checks.push(check(
        "exactly the capacity is admitted",
        admitted == expected,
        format!("{admitted} admitted, {expected} expected"),
    ));
    let refused = outcomes.iter().filter(|o| o.2 == 409).count();
    checks.push(check(
        "everyone else gets 409",
        refused == total - expected,
        format!("{refused} refused with 409 of {total}"),
    ));
    Ok(ScenarioResult {
        name: name.to_owned(),
        description: format!(
            "{classes} class(es) of capacity {capacity} in {tenants} tenant(s), {students} students each join at once ({total} joins, {in_flight} in flight)"
        ),
        wall_seconds: wall.as_secs_f64(),
        ops: recorder.summaries(wall),
        peak_rss_mib: mib(peak),
        ratios: vec![],
        checks,
    })
}

/// The database agrees with what the API answered: no class above its
/// capacity, one active row per 200 (with the id returned), none per 409, and
/// no 5xx or transport failure.
fn join_checks(
    outcomes: &[JoinOutcome],
    conn: &mut diesel::PgConnection,
) -> anyhow::Result<Vec<Check>> {
    let snap = snapshot(conn)?;
    let over: Vec<_> = snap
        .occupancy
        .iter()
        .filter(|(_, (capacity, active))| active > capacity)
        .map(|(id, (c, a))| format!("{id}: {a} > {c}"))
        .collect();
    let mut bad_200 = 0;
    let mut bad_409 = 0;
    for (class, user, status, id) in outcomes {
        let rows = snap.active.get(&(class.clone(), user.clone()));
        match status {
            200 => {
                let ok = matches!((rows, id), (Some(r), Some(id)) if r.len() == 1 && &r[0] == id);
                bad_200 += usize::from(!ok);
            }
            409 => bad_409 += usize::from(rows.is_some()),
            _ => {}
        }
    }
    let failures = outcomes.iter().filter(|o| o.2 == 0 || o.2 >= 500).count();
    Ok(vec![
        check(
            "no class above capacity",
            over.is_empty(),
            format!("{over:?}"),
        ),
        check(
            "every 200 has exactly its one row",
            bad_200 == 0,
            format!("{bad_200} without"),
        ),
        check(
            "no 409 has a row",
            bad_409 == 0,
            format!("{bad_409} with a row"),
        ),
        check(
            "no 5xx or transport error",
            failures == 0,
            format!("{failures} failed"),
        ),
    ])
}

/// Sustained joins into one hot class, then pgbench on the same SQL.
///
/// The class has 8 seats per join made, so the run measures the join path at
/// a steady state rather than the search for the last free seats of a full
/// class (which the burst scenarios cover at real capacities).
async fn hot(args: &Args) -> anyhow::Result<ScenarioResult> {
    let joins = args.hot_joins;
    let capacity = joins * HOT_SEATS_PER_JOIN;
    let s = setup(args, "hot", capacity)?;
    let class = s.api.live_class("hot", capacity).await?;
    // pgbench's class, made now so the server can stop before pgbench runs.
    let pg_class = s.api.live_class("hot", capacity).await?;
    let tokens: Arc<Vec<(String, String)>> = Arc::new(
        (0..joins)
            .map(|i| {
                let user = format!("hot-{i}");
                let token = s.api.token(&user, "hot", &[]);
                (user, token)
            })
            .collect(),
    );
    let next = Arc::new(AtomicUsize::new(0));
    s.db.checkpoint()?;
    let started = Instant::now();
    let workers: Vec<_> = (0..args.concurrency)
        .map(|_| {
            let (api, tokens, next, class) =
                (s.api.clone(), tokens.clone(), next.clone(), class.clone());
            tokio::spawn(async move {
                let mut recorder = Recorder::default();
                let mut outcomes = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((user, token)) = tokens.get(i) else {
                        break;
                    };
                    let (status, latency, id) = api.join(&class, token).await;
                    recorder.record("join", status, latency);
                    outcomes.push((class.clone(), user.clone(), status, id));
                }
                (recorder, outcomes)
            })
        })
        .collect();
    let mut recorder = Recorder::default();
    let mut outcomes = Vec::new();
    for w in workers {
        let (r, o) = w.await?;
        recorder.merge(&r);
        outcomes.extend(o);
    }
    let wall = started.elapsed();
    let peak = s.server.peak_rss_bytes();
    let mut conn = s.db.connect()?;
    let mut checks = join_checks(&outcomes, &mut conn)?;
    let admitted = outcomes.iter().filter(|o| o.2 == 200).count();
    checks.push(check(
        "every join is admitted",
        admitted == joins,
        format!("{admitted} of {joins}"),
    ));
    // While the server still runs: its sequencer numbers every event.
    let log = crate::db::event_log(&mut conn, &class, Duration::from_secs(10))?;
    // One more join event: the teacher's, seated by the start.
    checks.push(check(
        "every admitted join (and the teacher's) has one event, numbered without gaps",
        log.joined == admitted as i64 + 1 && log.unsequenced == 0 && log.gapless,
        format!(
            "{} join events for {admitted} joins and the teacher's, {} unsequenced, seq 1..{} gapless: {}",
            log.joined, log.unsequenced, log.max_seq, log.gapless
        ),
    ));

    let http_rate = joins as f64 / wall.as_secs_f64();
    let mut ratios = Vec::new();
    if !args.no_pgbench {
        // The same SQL into a second class of the same capacity, with the
        // server stopped: the two never share the machine or the connections.
        let Setup { db, server, .. } = s;
        drop(server);
        db.checkpoint()?;
        let per_client = joins / args.concurrency.max(1);
        let tps = pgbench::tps(
            &db.url,
            &script("join.sql"),
            args.concurrency,
            Length::Transactions(per_client),
            &[("class", &pg_class), ("tenant", "hot")],
        )
        .context("pgbench join")?;
        ratios.push(Ratio {
            name: format!("join into one hot class ({joins} joins)"),
            http_per_second: http_rate,
            pgbench_tps: tps,
            ratio: http_rate / tps,
        });
        let snap = snapshot(&mut conn)?;
        let (capacity, active) = snap.occupancy.get(&pg_class).copied().unwrap_or((0, 0));
        checks.push(check(
            "pgbench's class is within capacity",
            active <= capacity,
            format!("{active} of {capacity}"),
        ));
    }
    Ok(ScenarioResult {
        name: "hot".into(),
        description: format!(
            "{joins} joins into one class of capacity {capacity} by {} clients",
            args.concurrency
        ),
        wall_seconds: wall.as_secs_f64(),
        ops: recorder.summaries(wall),
        peak_rss_mib: mib(peak),
        ratios,
        checks,
    })
}

const HOT_SEATS_PER_JOIN: usize = 8;

/// Fills a class of 500 and joins `users` into it; returns the class id.
async fn full_class(api: &Api, tenant: &str, users: &[String]) -> anyhow::Result<String> {
    let class = api.live_class(tenant, 500).await?;
    let gate = Arc::new(Semaphore::new(64));
    let tasks: Vec<_> = users
        .iter()
        .map(|user| {
            let (api, gate, class) = (api.clone(), gate.clone(), class.clone());
            let token = api.token(user, tenant, &[]);
            tokio::spawn(async move {
                let _permit = gate.acquire_owned().await;
                api.join(&class, &token).await.0
            })
        })
        .collect();
    for t in tasks {
        let status = t.await?;
        if status != 200 {
            bail!("filling the class: join answered {status}");
        }
    }
    Ok(class)
}

/// Everyone polls the participant list of a full class.
async fn participants(args: &Args) -> anyhow::Result<ScenarioResult> {
    let s = setup(args, "participants", 500)?;
    let users: Vec<String> = (0..500).map(|i| format!("p-{i}")).collect();
    let class = full_class(&s.api, "poll", &users).await?;
    s.db.checkpoint()?;
    let tokens = (0..args.concurrency)
        .map(|w| s.api.token(&format!("p-{w}"), "poll", &[]))
        .collect();
    let path = format!("/live-classes/{class}/participants");
    let polled = poll(
        &s.api,
        "participants",
        tokens,
        args.duration(),
        Arc::new(move |_, _| path.clone()),
        // 500 students and the teacher.
        |body| serde_json::from_slice::<ActiveCountOnly>(body).is_ok_and(|b| b.active_count == 501),
    )
    .await?;
    let peak = s.server.peak_rss_bytes();
    let mut checks = polled.checks("sees the 500 participants");
    let snap = snapshot(&mut s.db.connect()?)?;
    let (capacity, active) = snap.occupancy.get(&class).copied().unwrap_or((0, 0));
    checks.push(check(
        "the class holds 501 of 501 (500 students and the teacher)",
        active == 501 && capacity == 501,
        format!("{active} of {capacity}"),
    ));
    let mut ratios = Vec::new();
    if !args.no_pgbench {
        ratios.push(against_pgbench(
            s,
            "participant list of a class of 500".into(),
            "participants.sql",
            args.concurrency,
            args.duration(),
            &[("class", &class), ("tenant", "poll")],
            polled.rate(),
        )?);
    }
    let (recorder, wall) = (polled.recorder, polled.wall);
    Ok(ScenarioResult {
        name: "participants".into(),
        description: format!(
            "{} clients poll GET /participants of a class with 500 active for {} s",
            args.concurrency, args.seconds
        ),
        wall_seconds: wall.as_secs_f64(),
        ops: recorder.summaries(wall),
        peak_rss_mib: mib(peak),
        ratios,
        checks,
    })
}

/// A running class: polling, reads, and join/leave churn, for a fixed time.
async fn steady(args: &Args) -> anyhow::Result<ScenarioResult> {
    let s = setup(args, "steady", 500)?;
    let workers_n = args.concurrency;
    let per_worker = (480 / workers_n).max(1);
    // Each worker owns its users, so it knows which of them are in.
    let owned: Vec<Vec<String>> = (0..workers_n)
        .map(|w| (0..per_worker).map(|i| format!("s-{w}-{i}")).collect())
        .collect();
    let first_half: Vec<String> = owned
        .iter()
        .flat_map(|u| u[..u.len() / 2].to_vec())
        .collect();
    let class = full_class(&s.api, "steady", &first_half).await?;
    s.db.checkpoint()?;
    let deadline = Instant::now() + args.duration();
    let started = Instant::now();
    let workers: Vec<_> = owned
        .into_iter()
        .enumerate()
        .map(|(w, users)| {
            let (api, class) = (s.api.clone(), class.clone());
            tokio::spawn(async move {
                let tokens: Vec<String> =
                    users.iter().map(|u| api.token(u, "steady", &[])).collect();
                let mut inside: Vec<bool> = (0..users.len()).map(|i| i < users.len() / 2).collect();
                let mut rng = 0x9E37_79B9_7F4A_7C15_u64 ^ (w as u64 + 1);
                let mut recorder = Recorder::default();
                let mut unexpected = 0usize;
                while Instant::now() < deadline {
                    rng ^= rng << 13;
                    rng ^= rng >> 7;
                    rng ^= rng << 17;
                    let pick = (rng % 100) as usize;
                    let u = (rng >> 32) as usize % users.len();
                    let token = &tokens[u];
                    let (op, request) = match pick {
                        0..70 => (
                            "participants",
                            api.http
                                .get(api.url(&format!("/live-classes/{class}/participants"))),
                        ),
                        70..80 => (
                            "get",
                            api.http.get(api.url(&format!("/live-classes/{class}"))),
                        ),
                        80..90 => (
                            "list",
                            api.http.get(api.url("/live-classes?status=live&limit=20")),
                        ),
                        _ if inside[u] => (
                            "leave",
                            api.http
                                .post(api.url(&format!("/live-classes/{class}/leave"))),
                        ),
                        _ => (
                            "join",
                            api.http
                                .post(api.url(&format!("/live-classes/{class}/join"))),
                        ),
                    };
                    let (status, latency, _) = api.timed(request.bearer_auth(token)).await;
                    recorder.record(op, status, latency);
                    match (op, status) {
                        ("join", 200) => inside[u] = true,
                        ("leave", 200) => inside[u] = false,
                        (_, 200) => {}
                        _ => unexpected += 1,
                    }
                }
                let in_count = inside.iter().filter(|i| **i).count();
                (recorder, in_count, unexpected)
            })
        })
        .collect();
    let mut recorder = Recorder::default();
    let (mut expected_in, mut unexpected) = (0usize, 0usize);
    for w in workers {
        let (r, n, u) = w.await?;
        recorder.merge(&r);
        expected_in += n;
        unexpected += u;
    }
    let wall = started.elapsed();
    let peak = s.server.peak_rss_bytes();
    let snap = snapshot(&mut s.db.connect()?)?;
    let (capacity, active) = snap.occupancy.get(&class).copied().unwrap_or((0, 0));
    let checks = vec![
        check(
            "every request answers 200",
            unexpected == 0,
            format!("{unexpected} did not"),
        ),
        check(
            "the database holds exactly who the clients think is in (and the teacher)",
            usize::try_from(active).unwrap_or(usize::MAX) == expected_in + 1,
            format!("{active} active, {expected_in} students and the teacher expected"),
        ),
        check(
            "no class above capacity",
            active <= capacity,
            format!("{active} of {capacity}"),
        ),
    ];
    let description = format!(
        "{workers_n} clients for {} s on a class of 500: 70% participant polls, 10% get, 10% list, 10% join/leave churn",
        args.seconds
    );
    Ok(ScenarioResult {
        name: "steady".into(),
        description,
        wall_seconds: wall.as_secs_f64(),
        ops: recorder.summaries(wall),
        peak_rss_mib: mib(peak),
        ratios: vec![],
        checks,
    })
}
