//! Settings of the class event log: how long events are kept and how often
//! the sequencer numbers new ones.

use std::time::Duration;

use liveclass_domain::events::EventLogPolicy;

use crate::settings::{SettingsError, invalid, number};

/// The event log's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventSettings {
    /// Retention and sequencer batch.
    pub policy: EventLogPolicy,
    /// How often the sequencer runs (`LIVECLASS_EVENT_SEQUENCER_INTERVAL_MS`,
    /// default 100): the longest a committed event waits before readers
    /// see it, in the usual case.
    pub sequence_every: Duration,
    /// How often old events are pruned (hourly).
    pub prune_every: Duration,
}

impl EventSettings {
    pub(crate) fn from_lookup(
        lookup: &impl Fn(&str) -> Option<String>,
    ) -> Result<Self, SettingsError> {
        let retention = number(
            lookup,
            "LIVECLASS_EVENT_RETENTION_SECONDS",
            7 * 24 * 3600u64,
        )?;
        if retention == 0 {
            return Err(invalid(
                "LIVECLASS_EVENT_RETENTION_SECONDS",
                "must be at least 1",
            ));
        }
        let every = number(lookup, "LIVECLASS_EVENT_SEQUENCER_INTERVAL_MS", 100u64)?;
        if !(10..=10_000).contains(&every) {
            return Err(invalid(
                "LIVECLASS_EVENT_SEQUENCER_INTERVAL_MS",
                "must be between 10 and 10000",
            ));
        }
        Ok(Self {
            policy: EventLogPolicy {
                retention: Duration::from_secs(retention),
                ..EventLogPolicy::default()
            },
            sequence_every: Duration::from_millis(every),
            prune_every: Duration::from_secs(3600),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(vars: &[(&str, &str)]) -> Result<EventSettings, SettingsError> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        EventSettings::from_lookup(&|k: &str| {
            vars.iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn events_are_kept_a_week_and_sequenced_every_100_ms_by_default() {
        let s = parse(&[]).unwrap();
        assert_eq!(s.policy.retention, Duration::from_secs(604_800));
        assert_eq!(s.sequence_every, Duration::from_millis(100));
    }

    #[test]
    fn out_of_range_values_are_refused() {
        assert!(parse(&[("LIVECLASS_EVENT_RETENTION_SECONDS", "0")]).is_err());
        assert!(parse(&[("LIVECLASS_EVENT_SEQUENCER_INTERVAL_MS", "5")]).is_err());
        assert!(parse(&[("LIVECLASS_EVENT_SEQUENCER_INTERVAL_MS", "x")]).is_err());
        assert_eq!(
            parse(&[("LIVECLASS_EVENT_RETENTION_SECONDS", "60")])
                .unwrap()
                .policy
                .retention,
            Duration::from_secs(60)
        );
    }
}
