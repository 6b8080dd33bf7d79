//! The PostgreSQL wake-up listener: one dedicated connection per process
//! (never a pooled one: a pool would hand the `LISTEN` session to someone
//! else, or a transaction pooler would drop it silently) that `LISTEN`s on
//! [`EVENTS_CHANNEL`] and reports which classes' logs grew.
//!
//! Diesel's `notifications_iter` does not block, so a std thread polls it
//! every [`POLL_EVERY`]; a `SELECT 1` now and then notices a connection that
//! died without a word. When the connection drops, the thread reconnects
//! (backing off up to 5 s) and reports [`ListenerSignal::CatchUp`]: whatever
//! was notified in the gap is lost, so every open stream reads the log again.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection, RunQueryDsl};
use liveclass_domain::ids::ClassId;
use uuid::Uuid;

use crate::events::EVENTS_CHANNEL;

/// How often the listener looks for notifications (the most a wake-up from
/// another process waits here).
pub const POLL_EVERY: Duration = Duration::from_millis(50);
/// How often it checks that its connection is alive.
const PING_EVERY: Duration = Duration::from_secs(2);
/// Its connections' `application_name` (visible in `pg_stat_activity`).
pub const LISTENER_APPLICATION_NAME: &str = "liveclass-event-listener";

/// What the listener reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListenerSignal {
    /// This class's log grew (in some process).
    Class(ClassId),
    /// The listener (re)connected: notifications may have been missed, read
    /// every open stream's log again.
    CatchUp,
}

/// The running listener thread; stops when dropped.
#[derive(Debug)]
pub struct EventListener {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl EventListener {
    /// Starts listening on the PostgreSQL database at `url`, calling
    /// `signal` from the listener's thread.
    ///
    /// # Errors
    /// Only when the thread cannot be started; a database that cannot be
    /// reached is retried in the background.
    pub fn start(
        url: &str,
        signal: impl Fn(ListenerSignal) + Send + 'static,
    ) -> std::io::Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let url = url.to_owned();
        let stopping = stop.clone();
        let thread = std::thread::Builder::new()
            .name("event-listener".into())
            .spawn(move || run(&url, &stopping, &signal))?;
        Ok(Self {
            stop,
            thread: Some(thread),
        })
    }

    /// Stops the thread (within one poll).
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for EventListener {
    fn drop(&mut self) {
        self.stop();
    }
}

fn run(url: &str, stop: &AtomicBool, signal: &dyn Fn(ListenerSignal)) {
    let mut backoff = Duration::from_millis(100);
    let mut connected_before = false;
    while !stop.load(Ordering::Relaxed) {
        let mut conn = match connect(url) {
            Ok(conn) => conn,
            Err(e) => {
                tracing::warn!(error = %e, retry_in = ?backoff, "the event listener cannot connect to PostgreSQL");
                sleep_unless_stopped(backoff, stop);
                backoff = (backoff * 2).min(Duration::from_secs(5));
                continue;
            }
        };
        backoff = Duration::from_millis(100);
        if connected_before {
            tracing::info!("the event listener reconnected; open streams catch up");
        } else {
            tracing::debug!("the event listener is listening");
        }
        connected_before = true;
        // LISTEN is committed before this: anything after it is notified,
        // anything before it is read by the catch-up.
        signal(ListenerSignal::CatchUp);
        if let Err(e) = listen(&mut conn, stop, signal) {
            tracing::warn!(error = %e, "the event listener lost its connection; reconnecting");
        }
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn connect(url: &str) -> Result<PgConnection, BoxError> {
    let mut conn = PgConnection::establish(url)?;
    diesel::sql_query(format!(
        "SET application_name = '{LISTENER_APPLICATION_NAME}'"
    ))
    .execute(&mut conn)?;
    diesel::sql_query(format!("LISTEN {EVENTS_CHANNEL}")).execute(&mut conn)?;
    Ok(conn)
}

/// Polls until the connection fails or the thread is stopped.
fn listen(
    conn: &mut PgConnection,
    stop: &AtomicBool,
    signal: &dyn Fn(ListenerSignal),
) -> Result<(), BoxError> {
    let mut pinged = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        for notification in conn.notifications_iter() {
            let notification = notification?;
            match Uuid::parse_str(&notification.payload) {
                Ok(id) => signal(ListenerSignal::Class(ClassId::from_uuid(id))),
                Err(_) => tracing::warn!(
                    payload = %notification.payload,
                    "ignoring a class-events notification that is not a class id"
                ),
            }
        }
        if pinged.elapsed() >= PING_EVERY {
            diesel::sql_query("SELECT 1").execute(conn)?;
            pinged = Instant::now();
        }
        std::thread::sleep(POLL_EVERY);
    }
    Ok(())
}

fn sleep_unless_stopped(total: Duration, stop: &AtomicBool) {
    let until = Instant::now() + total;
    while !stop.load(Ordering::Relaxed) && Instant::now() < until {
        std::thread::sleep(POLL_EVERY.min(until.saturating_duration_since(Instant::now())));
    }
}
