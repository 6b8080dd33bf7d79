//! One open Server-Sent Events stream: the framing (a few lines, written
//! here rather than pulling in `actix-web-lab` and its dependencies for
//! them) and the task that catches up from the log, then waits for
//! wake-ups.

use std::convert::Infallible;
use std::fmt::Write as _;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::{BodySize, MessageBody};
use actix_web::web::Bytes;
use liveclass_domain::caller::Caller;
use liveclass_domain::events::service::MAX_EVENT_PAGE;
use liveclass_domain::events::{ClassEvents, EventPage, ListEventsError};
use liveclass_domain::ids::ClassId;
use serde_json::json;
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};

use super::hub::{SharedPage, Subscription};
use crate::dto::ClassEventResponse;

/// The rhythm of a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamSettings {
    /// A comment line this often keeps proxies from closing an idle stream
    /// (15 s).
    pub keep_alive: Duration,
    /// Read the log this often even without a wake-up (5 s): covers a
    /// listener's reconnect gap.
    pub safety_poll: Duration,
    /// The `retry:` hint: how long a browser waits before reconnecting (3 s).
    pub retry: Duration,
}

impl Default for StreamSettings {
    fn default() -> Self {
        Self {
            keep_alive: Duration::from_secs(15),
            safety_poll: Duration::from_secs(5),
            retry: Duration::from_secs(3),
        }
    }
}

/// The body of a stream response: the frames its task sends. Dropped when
/// the client goes away, which ends the task.
#[derive(Debug)]
pub struct SseBody {
    rx: mpsc::Receiver<Bytes>,
}

impl MessageBody for SseBody {
    type Error = Infallible;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        self.rx.poll_recv(cx).map(|frame| frame.map(Ok))
    }
}

/// Opens a stream of `class_id`'s events after `after` for `caller`: checks
/// now that the caller may read the class's log (one event read as the
/// caller, so a missing class is an ordinary 404), reads the first page
/// through the class's shared read (streams opened together at the same
/// position — a class's students arriving — share one read and one
/// rendering of it), then feeds the body from a task until the client
/// leaves or `closing` turns true.
///
/// # Errors
/// The first read's: `NotFound`, `Store`.
pub async fn open_stream(
    events: Arc<dyn ClassEvents>,
    caller: Caller,
    class_id: ClassId,
    after: u64,
    subscription: Subscription,
    closing: tokio::sync::watch::Receiver<bool>,
    settings: StreamSettings,
) -> Result<SseBody, ListEventsError> {
    // The caller's own access check: another tenant's class is a 404 here,
    // before any shared page (read for the class's tenant) is handed out.
    read(&*events, &caller, class_id, after, 1).await?;
    // Subscribed before this read: a wake-up in between is not lost.
    let first = subscription
        .read_shared(after, || {
            read(&*events, &caller, class_id, after, MAX_EVENT_PAGE)
        })
        .await?;
    let (tx, rx) = mpsc::channel(16);
    let stream = Stream {
        events,
        caller,
        class_id,
        after,
        subscription,
        closing,
        settings,
        tx,
    };
    actix_web::rt::spawn(stream.run(first));
    Ok(SseBody { rx })
}

async fn read(
    events: &dyn ClassEvents,
    caller: &Caller,
    class_id: ClassId,
    after: u64,
    limit: u32,
) -> Result<EventPage, ListEventsError> {
    let after = i64::try_from(after).unwrap_or(i64::MAX);
    events
        .list(caller, class_id, Some(after), Some(i64::from(limit)))
        .await
}

struct Stream {
    events: Arc<dyn ClassEvents>,
    caller: Caller,
    class_id: ClassId,
    /// The last sequence number sent (or asked to resume after).
    after: u64,
    subscription: Subscription,
    closing: tokio::sync::watch::Receiver<bool>,
    settings: StreamSettings,
    tx: mpsc::Sender<Bytes>,
}

/// Why a stream stops.
struct Gone;

impl Stream {
    async fn run(mut self, first: Arc<SharedPage>) {
        let retry = format!("retry: {}\n\n", self.settings.retry.as_millis());
        if self.send(retry).await.is_err() {
            return;
        }
        let mut page = Some(first);
        let mut keep_alive = Instant::now() + self.settings.keep_alive;
        loop {
            // Catch up: every page until the log has nothing more.
            loop {
                let current = match page.take() {
                    Some(p) => p,
                    None => {
                        let (events, caller, class_id, after) =
                            (&self.events, &self.caller, self.class_id, self.after);
                        let shared = self
                            .subscription
                            .read_shared(after, || {
                                read(&**events, caller, class_id, after, MAX_EVENT_PAGE)
                            })
                            .await;
                        match shared {
                            Ok(p) => p,
                            Err(e) => {
                                // Retried at the next wake-up or safety poll.
                                tracing::warn!(class_id = %self.class_id, error = %e, "a live stream could not read the log");
                                break;
                            }
                        }
                    }
                };
                let full = current.page.events.len() >= MAX_EVENT_PAGE as usize;
                match self.send_page(&current).await {
                    Ok(true) => keep_alive = Instant::now() + self.settings.keep_alive,
                    Ok(false) => {}
                    Err(Gone) => return,
                }
                if !full {
                    break;
                }
            }
            let poll = Instant::now() + self.settings.safety_poll;
            loop {
                let keep_alive_due = tokio::select! {
                    () = self.subscription.changed() => false,
                    () = sleep_until(poll) => false,
                    () = sleep_until(keep_alive) => true,
                    () = self.tx.closed() => return,
                    _ = self.closing.wait_for(|closing| *closing) => return,
                };
                if !keep_alive_due {
                    break;
                }
                if self.send(": keep-alive\n\n".to_owned()).await.is_err() {
                    return;
                }
                keep_alive = Instant::now() + self.settings.keep_alive;
            }
        }
    }

    /// Sends a page's frames (a `reset` first when events were pruned) in
    /// one write, rendered once for every stream at this position; whether
    /// anything was sent.
    async fn send_page(&mut self, shared: &SharedPage) -> Result<bool, Gone> {
        let after = self.after;
        let (frames, next) = shared.frames(|page| render(page, after));
        self.after = next;
        if frames.is_empty() {
            return Ok(false);
        }
        self.tx.send(frames).await.map_err(|_| Gone)?;
        Ok(true)
    }

    async fn send(&self, frame: String) -> Result<(), Gone> {
        self.tx.send(Bytes::from(frame)).await.map_err(|_| Gone)
    }
}

/// The frames of `page` for a stream after `after`, and its position after
/// them.
fn render(page: &EventPage, mut after: u64) -> (Bytes, u64) {
    let mut out = String::new();
    // An id beyond the log's head was never sent by this log (a restored
    // database, another deployment): the client's state cannot be trusted
    // either, so it is a reset too, then live events.
    let beyond_head = !page.reset && page.events.is_empty() && after > page.last_seq;
    if page.reset || beyond_head {
        let data = json!({
            "reason": "The events after the requested id are no longer kept: reload the class, then continue with the events that follow",
            "reload": true,
            "requestedAfter": after,
            "lastSeq": page.last_seq,
        });
        out.push_str("event: reset\n");
        let _ = writeln!(out, "data: {data}\n");
        if page.events.is_empty() {
            // Everything up to the head is gone (or the id is beyond it):
            // continue after the head.
            after = page.last_seq;
        }
    }
    for event in &page.events {
        // Defensive: a page is read at its streams' position.
        if event.seq <= after {
            continue;
        }
        frame(&mut out, ClassEventResponse::from(event.clone()));
        after = event.seq;
    }
    (Bytes::from(out), after)
}

/// Appends one event's frame: `id:` its seq, `event:` its type, `data:`
/// the same JSON as an element of the JSON page's `events`.
fn frame(out: &mut String, event: ClassEventResponse) {
    let event_type = serde_json::to_value(event.event_type)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let _ = writeln!(out, "id: {}", event.seq);
    let _ = writeln!(out, "event: {event_type}");
    // serde_json writes no raw newlines, so the data is one `data:` line.
    match serde_json::to_string(&event) {
        Ok(data) => {
            let _ = writeln!(out, "data: {data}\n");
        }
        Err(_) => out.push_str("data: {}\n\n"),
    }
}

#[cfg(test)]
mod tests {
    use liveclass_domain::events::{ClassEvent, EventId, EventType};
    use liveclass_domain::ids::TenantId;
    use time::macros::datetime;
    use uuid::Uuid;

    use super::*;

    #[test]
    fn an_event_frame_has_its_seq_type_and_json_on_one_data_line() {
        let class = Uuid::nil();
        let event = ClassEvent {
            seq: 7,
            id: EventId::from_uuid(Uuid::nil()),
            tenant_id: TenantId::parse("acme").unwrap(),
            class_id: ClassId::from_uuid(class),
            event_type: EventType::ParticipantJoined,
            occurred_at: datetime!(2030-01-01 10:00 UTC),
            data: json!({"activeCount": 1, "note": "two\nlines"}),
        };
        let mut out = String::new();
        frame(&mut out, event.into());
        let lines: Vec<&str> = out.split('\n').collect();
        assert_eq!(lines[0], "id: 7");
        assert_eq!(lines[1], "event: participant.joined");
        let data: serde_json::Value =
            serde_json::from_str(lines[2].strip_prefix("data: ").unwrap()).unwrap();
        assert_eq!(data["seq"], 7);
        assert_eq!(data["type"], "participant.joined");
        assert_eq!(data["data"]["note"], "two\nlines");
        assert_eq!(&lines[3..], &["", ""]);
    }
}
