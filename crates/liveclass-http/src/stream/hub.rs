//! Wakes this process's open streams when a class's log grows.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use liveclass_domain::events::{EventWakeups, Sequenced};
use liveclass_domain::ids::ClassId;
use tokio::sync::watch;

/// One wake-up channel per class that has an open stream in this process.
/// The sequencer wakes it in-process; on PostgreSQL the server's listener
/// wakes it for events sequenced by other processes.
#[derive(Debug)]
pub struct EventHub {
    classes: Mutex<HashMap<ClassId, watch::Sender<u64>>>,
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

/// A stream's subscription to its class's wake-ups; unsubscribes on drop.
#[derive(Debug)]
pub struct Subscription {
    hub: Arc<EventHub>,
    class_id: ClassId,
    rx: watch::Receiver<u64>,
}

impl EventHub {
    /// An empty hub.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<ClassId, watch::Sender<u64>>> {
        self.classes.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Subscribes to `class_id`'s wake-ups. Subscribe *before* reading the
    /// log: a wake-up that comes between the read and the wait is kept.
    pub fn subscribe(self: &Arc<Self>, class_id: ClassId) -> Subscription {
        let rx = self
            .lock()
            .entry(class_id)
            .or_insert_with(|| watch::channel(0).0)
            .subscribe();
        Subscription {
            hub: self.clone(),
            class_id,
            rx,
        }
    }

    /// Wakes the streams of one class (none open: nothing to do).
    pub fn wake_class(&self, class_id: ClassId) {
        if let Some(tx) = self.lock().get(&class_id) {
            tx.send_modify(|n| *n = n.wrapping_add(1));
        }
    }

    /// Wakes every open stream (after the listener reconnected: whatever
    /// was notified in the gap is read now).
    pub fn wake_all(&self) {
        for tx in self.lock().values() {
            tx.send_modify(|n| *n = n.wrapping_add(1));
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
        self.lock()
            .values()
            .map(watch::Sender::receiver_count)
            .sum()
    }
}

impl EventWakeups for EventHub {
    fn wake(&self, classes: &[Sequenced]) {
        let map = self.lock();
        for grown in classes {
            if let Some(tx) = map.get(&grown.class_id) {
                tx.send_modify(|n| *n = n.wrapping_add(1));
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
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let mut map = self.hub.lock();
        // This receiver is still alive here: the last one counts 1.
        if map
            .get(&self.class_id)
            .is_some_and(|tx| tx.receiver_count() <= 1)
        {
            map.remove(&self.class_id);
        }
    }
}

#[cfg(test)]
mod tests {
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
}
