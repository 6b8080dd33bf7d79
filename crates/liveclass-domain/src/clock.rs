//! Time as a port: the service asks a [`Clock`], never the system directly.

use std::sync::Mutex;

use time::{Duration, OffsetDateTime};

/// The current instant, in UTC, truncated to whole microseconds: the precision
/// both databases store, so what is written is exactly what is read back.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> OffsetDateTime;
}

/// The operating system's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        truncate_to_micros(OffsetDateTime::now_utc())
    }
}

/// A clock that stands still until told to move; for tests.
#[derive(Debug)]
pub struct FixedClock(Mutex<OffsetDateTime>);

impl FixedClock {
    /// A clock stopped at `instant`.
    pub fn at(instant: OffsetDateTime) -> Self {
        Self(Mutex::new(truncate_to_micros(instant)))
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut now = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *now = crate::instant::later(*now, by);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Drops sub-microsecond digits and normalises the offset to UTC.
pub fn truncate_to_micros(instant: OffsetDateTime) -> OffsetDateTime {
    let utc = crate::instant::to_utc(instant);
    let micros = utc.microsecond();
    utc.replace_microsecond(micros).unwrap_or(utc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_fixed_clock_moves_only_when_advanced() {
        let clock = FixedClock::at(datetime!(2030-01-01 10:00 UTC));
        assert_eq!(clock.now(), datetime!(2030-01-01 10:00 UTC));
        clock.advance(Duration::minutes(5));
        assert_eq!(clock.now(), datetime!(2030-01-01 10:05 UTC));
    }

    #[test]
    fn instants_are_truncated_to_microseconds_in_utc() {
        let t = datetime!(2030-01-01 10:00:00.123456789 +02:00);
        assert_eq!(
            truncate_to_micros(t),
            datetime!(2030-01-01 08:00:00.123456 UTC)
        );
    }
}
