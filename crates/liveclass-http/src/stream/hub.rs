//! Wakes this process's open streams when a class's log grows.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use actix_web::web::Bytes;
use liveclass_domain::events::{EventPage, EventWakeups, Sequenced};
use liveclass_domain::ids::ClassId;
use tokio::sync::watch;

/// One wake-up channel per class that has an open stream in this process.
/// The sequencer wakes it in-process; on PostgreSQL the server's listener
/// wakes it for events sequenced by other processes.
#[derive(Debug)]
pub struct EventHub {
    classes: Mutex<HashMap<ClassId, ClassEntry>>,
    /// Turns `true` when the server stops: open streams end, so a graceful
    /// shutdown does not wait for them.
    closing: watch::Sender<bool>,
}

impl Default for EventHub {
    fn default() -> Self {
        Self {
            classes: Mutex::default(),
            closing: watch::channel(false).0,
        }
    }
}

/// A class with open streams here: its wake-up counter, and the page its
/// streams read last, shared so that a thousand streams woken together
/// cost one read of the log, not a thousand.
#[derive(Debug)]
struct ClassEntry {
    tx: watch::Sender<u64>,
    last_read: Arc<tokio::sync::Mutex<Option<SharedRead>>>,
}

/// A read of the log shared by the streams of one class.
#[derive(Debug)]
struct SharedRead {
    after: u64,
    /// The wake-up counter seen before the read started: the read saw every
    /// event whose wake-up this counter counts.
    version: u64,
    at: Instant,
    page: Arc<SharedPage>,
}

/// A page of the log as the streams of a class share it: read once, and
/// rendered once into the frames every stream at the same position sends
/// (streams share a page only at the same position, so their frames are
/// the same bytes: a thousand streams hold one copy).
#[derive(Debug)]
pub struct SharedPage {
    /// The page.
    pub page: EventPage,
    frames: OnceLock<(Bytes, u64)>,
}

impl SharedPage {
    /// A page not rendered yet.
    pub fn new(page: EventPage) -> Self {
        Self {
            page,
            frames: OnceLock::new(),
        }
    }

    /// The page's frames and the position after them, rendered by the first
    /// stream that asks (`render` gets the page).
    pub fn frames(&self, render: impl FnOnce(&EventPage) -> (Bytes, u64)) -> (Bytes, u64) {
        self.frames.get_or_init(|| render(&self.page)).clone()
    }
}

/// A shared read is reused only this long (the safety poll re-reads).
const SHARED_READ_FRESH: Duration = Duration::from_secs(1);

/// A stream's subscription to its class's wake-ups; unsubscribes on drop.
#[derive(Debug)]
pub struct Subscription {
    hub: Arc<EventHub>,
    class_id: ClassId,
    rx: watch::Receiver<u64>,
    last_read: Arc<tokio::sync::Mutex<Option<SharedRead>>>,
}

impl EventHub {
    /// An empty hub.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<ClassId, ClassEntry>> {
        self.classes.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Subscribes to `class_id`'s wake-ups. Subscribe *before* reading the
    /// log: a wake-up that comes between the read and the wait is kept.
    pub fn subscribe(self: &Arc<Self>, class_id: ClassId) -> Subscription {
        let mut map = self.lock();
        let entry = map.entry(class_id).or_insert_with(|| ClassEntry {
            tx: watch::channel(0).0,
            last_read: Arc::default(),
        });
        Subscription {
            hub: self.clone(),
            class_id,
            rx: entry.tx.subscribe(),
            last_read: entry.last_read.clone(),
        }
    }

    /// Wakes the streams of one class (none open: nothing to do).
    pub fn wake_class(&self, class_id: ClassId) {
        if let Some(entry) = self.lock().get(&class_id) {
            entry.tx.send_modify(|n| *n = n.wrapping_add(1));
        }
    }

    /// Wakes every open stream (after the listener reconnected: whatever
    /// was notified in the gap is read now).
    pub fn wake_all(&self) {
        for entry in self.lock().values() {
            entry.tx.send_modify(|n| *n = n.wrapping_add(1));
        }
    }

    /// Ends every open stream (the server is stopping); streams opened
    /// after it end at once.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// What a stream watches to end when the server stops.
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// How many classes have open streams here.
    pub fn classes_watched(&self) -> usize {
        self.lock().len()
    }

    /// How many streams are open here.
    pub fn open_streams(&self) -> usize {
        self.lock().values().map(|e| e.tx.receiver_count()).sum()
    }
}

impl EventWakeups for EventHub {
    fn wake(&self, classes: &[Sequenced]) {
        let map = self.lock();
        for grown in classes {
            if let Some(entry) = map.get(&grown.class_id) {
                entry.tx.send_modify(|n| *n = n.wrapping_add(1));
            }
        }
    }
}

impl Subscription {
    /// Waits for the next wake-up (returns at once if one came since the
    /// last call).
    pub async fn changed(&mut self) {
        if self.rx.changed().await.is_err() {
            // The sender is never dropped while a receiver is subscribed;
            // should it be, fall back to the stream's safety poll.
            std::future::pending::<()>().await;
        }
    }

    /// The class's events after `after`, read once for all the streams of
    /// the class woken by the same wake-up: a stream takes the page another
    /// stream read if that read started after the latest wake-up this
    /// stream saw (so it contains every event that wake-up announced) and
    /// is less than a second old; otherwise it reads (`fetch`) and shares.
    ///
    /// # Errors
    /// `fetch`'s.
    pub async fn read_shared<F, Fut, E>(&self, after: u64, fetch: F) -> Result<Arc<SharedPage>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<EventPage, E>>,
    {
        let mut last = self.last_read.lock().await;
        // Read after taking the lock: a wake-up during another stream's
        // read is not covered by that read.
        let version = *self.rx.borrow();
        if let Some(read) = last.as_ref()
            && read.after == after
            && read.version == version
            && read.at.elapsed() < SHARED_READ_FRESH
        {
            return Ok(read.page.clone());
        }
        let page = Arc::new(SharedPage::new(fetch().await?));
        *last = Some(SharedRead {
            after,
            version,
            at: Instant::now(),
            page: page.clone(),
        });
        Ok(page)
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let mut map = self.hub.lock();
        // This receiver is still alive here: the last one counts 1.
        if map
            .get(&self.class_id)
            .is_some_and(|e| e.tx.receiver_count() <= 1)
        {
            map.remove(&self.class_id);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use liveclass_domain::ids::TenantId;
    use uuid::Uuid;

    use super::*;

    fn class() -> ClassId {
        ClassId::from_uuid(Uuid::new_v4())
    }

    #[tokio::test]
    async fn a_wake_up_before_the_wait_is_kept_and_others_classes_stay_asleep() {
        let hub = Arc::new(EventHub::new());
        let (a, b) = (class(), class());
        let mut sub_a = hub.subscribe(a);
        let mut sub_b = hub.subscribe(b);
        hub.wake(&[Sequenced {
            tenant_id: TenantId::parse("t").unwrap(),
            class_id: a,
            last_seq: 3,
        }]);
        tokio::time::timeout(Duration::from_secs(1), sub_a.changed())
            .await
            .expect("the wake-up was lost");
        assert!(
            tokio::time::timeout(Duration::from_millis(50), sub_b.changed())
                .await
                .is_err()
        );
        hub.wake_all();
        tokio::time::timeout(Duration::from_secs(1), sub_b.changed())
            .await
            .expect("wake_all reached every class");
    }

    fn page(last_seq: u64) -> EventPage {
        EventPage {
            events: vec![],
            last_seq,
            reset: false,
        }
    }

    #[tokio::test]
    async fn streams_woken_together_share_one_read_and_a_new_wake_up_reads_again() {
        let hub = Arc::new(EventHub::new());
        let c = class();
        let (first, second) = (hub.subscribe(c), hub.subscribe(c));
        let reads = AtomicUsize::new(0);
        let fetch = |n| {
            reads.fetch_add(1, Ordering::Relaxed);
            async move { Ok::<_, ()>(page(n)) }
        };
        assert_eq!(
            first
                .read_shared(0, || fetch(1))
                .await
                .unwrap()
                .page
                .last_seq,
            1
        );
        assert_eq!(
            second
                .read_shared(0, || fetch(2))
                .await
                .unwrap()
                .page
                .last_seq,
            1
        );
        assert_eq!(
            reads.load(Ordering::Relaxed),
            1,
            "the second stream shared the read"
        );
        // Another position reads for itself.
        assert_eq!(
            second
                .read_shared(5, || fetch(3))
                .await
                .unwrap()
                .page
                .last_seq,
            3
        );
        // A wake-up after a read: that read may miss what it announces.
        assert_eq!(
            first
                .read_shared(5, || fetch(4))
                .await
                .unwrap()
                .page
                .last_seq,
            3
        );
        hub.wake_class(c);
        assert_eq!(
            first
                .read_shared(5, || fetch(6))
                .await
                .unwrap()
                .page
                .last_seq,
            6
        );
        assert_eq!(
            second
                .read_shared(5, || fetch(7))
                .await
                .unwrap()
                .page
                .last_seq,
            6
        );
        assert_eq!(reads.load(Ordering::Relaxed), 3);
    }

    #[test]
    fn the_last_subscription_dropped_forgets_the_class() {
        let hub = Arc::new(EventHub::new());
        let c = class();
        let first = hub.subscribe(c);
        let second = hub.subscribe(c);
        assert_eq!((hub.classes_watched(), hub.open_streams()), (1, 2));
        drop(first);
        assert_eq!((hub.classes_watched(), hub.open_streams()), (1, 1));
        drop(second);
        assert_eq!(hub.classes_watched(), 0);
        hub.wake_class(c);
    }

    #[tokio::test]
    async fn streams_sharing_a_page_share_one_rendering_of_it() {
        let hub = Arc::new(EventHub::new());
        let c = class();
        let (first, second) = (hub.subscribe(c), hub.subscribe(c));
        let a = first
            .read_shared(0, || async { Ok::<_, ()>(page(4)) })
            .await
            .unwrap();
        let b = second
            .read_shared(0, || async { Ok::<_, ()>(page(9)) })
            .await
            .unwrap();
        let renders = AtomicUsize::new(0);
        let render = |p: &EventPage| {
            renders.fetch_add(1, Ordering::Relaxed);
            (Bytes::from(format!("up to {}", p.last_seq)), p.last_seq)
        };
        let (x, next) = a.frames(render);
        let (y, _) = b.frames(render);
        assert_eq!((x.as_ptr(), next), (y.as_ptr(), 4), "one buffer for both");
        assert_eq!(renders.load(Ordering::Relaxed), 1);
    }
}
