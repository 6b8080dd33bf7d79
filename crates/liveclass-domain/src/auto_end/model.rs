//! When a class counts as overdue.

use time::Duration;

/// When a class counts as overdue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AutoEndPolicy {
    /// How long after `scheduled_end` a live class is ended (default 30 min).
    pub grace: Duration,
    /// Classes handled per pass.
    pub batch: u32,
    /// How long a pass owns the classes it claimed; should a process die
    /// mid-pass, another takes them over after this.
    pub lease: Duration,
}

impl Default for AutoEndPolicy {
    fn default() -> Self {
        Self {
            grace: Duration::minutes(30),
            batch: 100,
            lease: Duration::minutes(5),
        }
    }
}
