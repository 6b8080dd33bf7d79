//! A database per scenario, and the invariants read back from it.

use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use liveclass_persistence::with_database;

/// A fresh database, dropped with this value.
pub struct ScenarioDb {
    admin_url: String,
    name: String,
    pub url: String,
}

impl ScenarioDb {
    pub fn create(admin_url: &str, scenario: &str) -> anyhow::Result<Self> {
        let name = format!(
            "liveclass_bench_{}_{}",
            scenario.replace('-', "_"),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        let mut admin = PgConnection::establish(admin_url).context("cannot reach PostgreSQL")?;
        admin.batch_execute(&format!("CREATE DATABASE {name}"))?;
        Ok(Self {
            admin_url: admin_url.to_owned(),
            url: with_database(admin_url, &name),
            name,
        })
    }

    pub fn connect(&self) -> anyhow::Result<PgConnection> {
        PgConnection::establish(&self.url).context("cannot reach the scenario database")
    }

    /// Flushes PostgreSQL's dirty pages, so every timed phase starts from the
    /// same I/O state. Without it, a phase that follows a bulk write (seats
    /// for a big class, another scenario) pays for full-page WAL images and
    /// ran up to 4 times slower than the same SQL a minute later.
    pub fn checkpoint(&self) -> anyhow::Result<()> {
        self.connect()?
            .batch_execute("CHECKPOINT")
            .context("CHECKPOINT (the bench needs a superuser)")
    }
}

impl Drop for ScenarioDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&self.admin_url) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

#[derive(QueryableByName)]
struct ClassOccupancy {
    #[diesel(sql_type = Text)]
    class_id: String,
    #[diesel(sql_type = BigInt)]
    capacity: i64,
    #[diesel(sql_type = BigInt)]
    active: i64,
}

#[derive(QueryableByName)]
struct ActiveRow {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    class_id: String,
    #[diesel(sql_type = Text)]
    user_id: String,
}

/// What the database holds after a scenario.
pub struct Snapshot {
    /// class id → (capacity, active participations)
    pub occupancy: std::collections::HashMap<String, (i64, i64)>,
    /// (class id, user id) → participation ids, active ones only
    pub active: std::collections::HashMap<(String, String), Vec<String>>,
}

pub fn snapshot(conn: &mut PgConnection) -> anyhow::Result<Snapshot> {
    let occupancy: Vec<ClassOccupancy> = diesel::sql_query(
        "SELECT c.id AS class_id, c.max_participants::BIGINT AS capacity, \
         (SELECT COUNT(*) FROM participations p WHERE p.class_id = c.id AND p.left_at IS NULL) AS active \
         FROM live_classes c",
    )
    .load(conn)?;
    let rows: Vec<ActiveRow> =
        diesel::sql_query("SELECT id, class_id, user_id FROM participations WHERE left_at IS NULL")
            .load(conn)?;
    let mut active: std::collections::HashMap<(String, String), Vec<String>> = Default::default();
    for r in rows {
        active
            .entry((r.class_id, r.user_id))
            .or_default()
            .push(r.id);
    }
    Ok(Snapshot {
        occupancy: occupancy
            .into_iter()
            .map(|o| (o.class_id, (o.capacity, o.active)))
            .collect(),
        active,
    })
}

/// A class's event log after a scenario.
pub struct EventLog {
    /// `participant.joined` events of the class.
    pub joined: i64,
    /// Events not numbered yet.
    pub unsequenced: i64,
    /// The highest sequence number.
    pub max_seq: i64,
    /// Sequence numbers are exactly 1..=max_seq.
    pub gapless: bool,
}

#[derive(QueryableByName)]
struct EventCounts {
    #[diesel(sql_type = BigInt)]
    joined: i64,
    #[diesel(sql_type = BigInt)]
    unsequenced: i64,
    #[diesel(sql_type = BigInt)]
    sequenced: i64,
    #[diesel(sql_type = BigInt)]
    max_seq: i64,
}

/// Reads the class's event log, waiting up to `patience` for the server's
/// sequencer to number every event.
pub fn event_log(
    conn: &mut PgConnection,
    class: &str,
    patience: std::time::Duration,
) -> anyhow::Result<EventLog> {
    let deadline = std::time::Instant::now() + patience;
    loop {
        let c: EventCounts = diesel::sql_query(
            "SELECT count(*) FILTER (WHERE event_type = 'participant.joined') AS joined, \
                    count(*) FILTER (WHERE seq IS NULL) AS unsequenced, \
                    count(seq) AS sequenced, COALESCE(max(seq), 0) AS max_seq \
             FROM class_events WHERE class_id = $1",
        )
        .bind::<Text, _>(class)
        .get_result(conn)
        .context("reading the class event log")?;
        if c.unsequenced == 0 || std::time::Instant::now() > deadline {
            return Ok(EventLog {
                joined: c.joined,
                unsequenced: c.unsequenced,
                max_seq: c.max_seq,
                // seq is unique per class: as many numbers as the maximum
                // means 1..=max without a gap.
                gapless: c.sequenced == c.max_seq,
            });
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}
