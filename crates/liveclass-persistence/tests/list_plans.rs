//! The class list at the database: for each of its main filters, the SQL the
//! store really sends (captured through diesel's instrumentation) is
//! planned on an index led by `tenant_id` — never a sequential scan of
//! `live_classes` or of `participations` — and stays prepared in the
//! connection's statement cache, on SQLite and on PostgreSQL.
//!
//! PostgreSQL plans the statement the way it runs once prepared: generic
//! (`plan_cache_mode = force_generic_plan`), so the plan does not depend on
//! the values and the test needs none.
//!
//! Its own test binary: it installs diesel's process-wide default
//! instrumentation, which would capture every other test's statements too.

#![allow(clippy::unwrap_used)]

use std::sync::Mutex;

use diesel::connection::{Instrumentation, InstrumentationEvent, SimpleConnection};
use diesel::prelude::*;
use diesel::sql_types::Text;
use liveclass_domain::class::{ClassFilter, ClassRepository, ClassStatus, PageRequest, SortOrder};
use liveclass_domain::ids::{TenantId, UserId};
use liveclass_domain::schedule::CourseId;
use liveclass_persistence::testing::TestDatabase;
use liveclass_persistence::{AnyConnection, DieselStore, PoolOptions, connect, on_both_backends};
use time::macros::datetime;

/// Every statement started (`sql -- binds: […]`) and every statement the
/// statement cache kept (its SQL), by every connection of this process.
static STARTED: Mutex<Vec<String>> = Mutex::new(Vec::new());
static CACHED: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture;

impl Instrumentation for Capture {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartQuery { query, .. } => {
                STARTED.lock().unwrap().push(query.to_string());
            }
            InstrumentationEvent::CacheQuery { sql, .. } => {
                CACHED.lock().unwrap().push(sql.to_owned());
            }
            _ => {}
        }
    }
}

fn capture() -> Option<Box<dyn Instrumentation>> {
    Some(Box::new(Capture))
}

/// 50 tenants × 100 classes: statuses, courses, teachers and schedules
/// spread over them, ten participations in each live class (closed ones:
/// an open one needs a seat, and the plan is the same).
const POSTGRES_ROWS: &str = "
    INSERT INTO live_classes (id, tenant_id, created_by, title, room_id, video_provider,
        video_room_ref, join_url, status, scheduled_at, max_participants, created_at,
        updated_at, course_id, join_hash, ical_sequence)
    SELECT 'c' || g, 'tenant-' || (g % 50), 'teacher-' || (g % 7), 'Class ' || g, 'room-' || g,
        'jitsi', 'room-' || g, 'https://meet.example/room-' || g,
        (ARRAY['scheduled', 'live', 'ended', 'cancelled'])[1 + g % 4],
        TIMESTAMP '2030-01-01 00:00' + g * INTERVAL '1 hour', 50, now(), now(),
        'course-' || (g % 13), 'hash-' || g, 0
    FROM generate_series(1, 5000) AS g;
    INSERT INTO participations (id, class_id, tenant_id, user_id, user_name, role, joined_at, left_at)
    SELECT 'p' || c.id || '-' || u, c.id, c.tenant_id, 'student-' || u, 'Student', 'participant', now(), now()
    FROM live_classes c, generate_series(1, 10) AS u WHERE c.status = 'live';
    ANALYZE live_classes; ANALYZE participations;";

const SQLITE_ROWS: &str = "
    WITH RECURSIVE n(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM n WHERE g < 5000)
    INSERT INTO live_classes (id, tenant_id, created_by, title, room_id, video_provider,
        video_room_ref, join_url, status, scheduled_at, max_participants, created_at,
        updated_at, course_id, join_hash, ical_sequence)
    SELECT 'c' || g, 'tenant-' || (g % 50), 'teacher-' || (g % 7), 'Class ' || g, 'room-' || g,
        'jitsi', 'room-' || g, 'https://meet.example/room-' || g,
        CASE g % 4 WHEN 0 THEN 'scheduled' WHEN 1 THEN 'live' WHEN 2 THEN 'ended' ELSE 'cancelled' END,
        datetime('2030-01-01 00:00:00', '+' || g || ' hours'), 50,
        datetime('now'), datetime('now'), 'course-' || (g % 13), 'hash-' || g, 0
    FROM n;
    WITH RECURSIVE u(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM u WHERE x < 10)
    INSERT INTO participations (id, class_id, tenant_id, user_id, user_name, role, joined_at, left_at)
    SELECT 'p' || c.id || '-' || x, c.id, c.tenant_id, 'student-' || x, 'Student', 'participant',
        datetime('now'), datetime('now')
    FROM live_classes c, u WHERE c.status = 'live';
    ANALYZE;";

/// The main filters of `GET /live-classes`.
fn filters() -> Vec<(&'static str, ClassFilter)> {
    let base = ClassFilter::default;
    vec![
        ("tenant only", base()),
        (
            "status",
            ClassFilter {
                status: Some(ClassStatus::Live),
                ..base()
            },
        ),
        (
            "course",
            ClassFilter {
                course_id: Some(CourseId::parse("course-3").unwrap()),
                ..base()
            },
        ),
        (
            "teacher",
            ClassFilter {
                created_by: Some(UserId::parse("teacher-2").unwrap()),
                ..base()
            },
        ),
        (
            "time window, newest first",
            ClassFilter {
                from: Some(datetime!(2030-02-01 00:00 UTC)),
                to: Some(datetime!(2030-03-01 00:00 UTC)),
                sort: SortOrder::Descending,
                ..base()
            },
        ),
        (
            "upcoming",
            ClassFilter {
                upcoming: true,
                ..base()
            },
        ),
    ]
}

#[derive(QueryableByName)]
struct PlanLine {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    line: String,
}

#[derive(QueryableByName)]
struct SqlitePlanLine {
    #[diesel(sql_type = Text)]
    detail: String,
}

/// The plan of `sql` (placeholders unbound), one line per node.
fn plan(conn: &mut AnyConnection, sql: &str) -> String {
    match conn {
        AnyConnection::Postgresql(pg) => {
            let params = (1..).take_while(|n| sql.contains(&format!("${n}"))).count();
            pg.batch_execute("SET plan_cache_mode = force_generic_plan; DEALLOCATE ALL")
                .unwrap();
            pg.batch_execute(&format!("PREPARE list_plan AS {sql}"))
                .unwrap();
            let nulls = vec!["NULL"; params].join(", ");
            let lines: Vec<PlanLine> =
                diesel::sql_query(format!("EXPLAIN EXECUTE list_plan({nulls})"))
                    .load(pg)
                    .unwrap();
            pg.batch_execute("DEALLOCATE list_plan").unwrap();
            lines
                .into_iter()
                .map(|l| l.line)
                .collect::<Vec<_>>()
                .join("\n")
        }
        AnyConnection::Sqlite(lite) => {
            let lines: Vec<SqlitePlanLine> = diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
                .load(lite)
                .unwrap();
            lines
                .into_iter()
                .map(|l| l.detail)
                .collect::<Vec<_>>()
                .join("\n")
        }
    }
}

async fn every_main_filter_is_served_by_an_index_and_stays_prepared(db: TestDatabase) {
    diesel::connection::set_default_instrumentation(capture).unwrap();
    let mut admin = db.pool.get().unwrap();
    let postgres = matches!(&*admin, AnyConnection::Postgresql(_));
    admin
        .batch_execute(if postgres { POSTGRES_ROWS } else { SQLITE_ROWS })
        .unwrap();
    // A pool opened now: its connections report to `Capture`.
    let store = DieselStore::new(connect(&db.url, PoolOptions::default()).unwrap());
    let tenant = TenantId::parse("tenant-7").unwrap();
    let page = PageRequest::new(Some(20), Some(20)).unwrap();
    for (name, filter) in filters() {
        let before = STARTED.lock().unwrap().len();
        // Twice: the second run must find the statements in the cache.
        let first = store.list(&tenant, &filter, page).await.unwrap();
        let second = store.list(&tenant, &filter, page).await.unwrap();
        assert_eq!(first.total, second.total, "{name}");
        let statements: Vec<String> = STARTED.lock().unwrap()[before..]
            .iter()
            .filter(|s| s.contains("live_classes") && s.contains("binds: [\"tenant-7\""))
            .filter(|s| s.contains(if postgres { "$1" } else { "?" }))
            .map(|s| s.split(" -- binds: ").next().unwrap().to_owned())
            .collect();
        assert_eq!(
            statements.len(),
            4,
            "{name}: two statements per list, twice: {statements:#?}"
        );
        for sql in &statements[..2] {
            let plan = plan(&mut admin, sql);
            assert!(
                plan.contains("live_classes_tenant_"),
                "{name}: no index led by tenant_id in\n{plan}\nfor {sql}"
            );
            for scanned in ["Seq Scan on live_classes", "Seq Scan on participations"] {
                assert!(!plan.contains(scanned), "{name}: {scanned} in\n{plan}");
            }
            if !postgres {
                assert!(
                    !plan.lines().any(|l| l.starts_with("SCAN live_classes")
                        || l.contains("SCAN p ")
                        || l.ends_with("SCAN p")),
                    "{name}: a full scan in\n{plan}"
                );
            }
            assert!(
                CACHED.lock().unwrap().iter().any(|cached| cached == sql),
                "{name}: not kept prepared: {sql}"
            );
        }
    }
}

on_both_backends!(every_main_filter_is_served_by_an_index_and_stays_prepared);
