//! Settings of the class event log: how long events are kept and how often
//! the sequencer numbers new ones.

use std::time::Duration;

use liveclass_domain::events::EventLogPolicy;

use crate::settings::{SettingsError, invalid, number};

/// The key stream tokens are signed with (`LIVECLASS_STREAM_TOKEN_SECRET`);
/// never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct StreamTokenSecret(pub Vec<u8>);

impl std::fmt::Debug for StreamTokenSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StreamTokenSecret(<redacted>)")
    }
}

/// The event log's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSettings {
    /// Retention and sequencer batch.
    pub policy: EventLogPolicy,
    /// How often the sequencer runs (`LIVECLASS_EVENT_SEQUENCER_INTERVAL_MS`,
    /// default 100): the longest a committed event waits before readers
    /// see it, in the usual case.
    pub sequence_every: Duration,
    /// How often old events are pruned (hourly).
    pub prune_every: Duration,
    /// Signs stream tokens (`LIVECLASS_STREAM_TOKEN_SECRET`, at least 32
    /// bytes). Unset: derived from an HS256 `LIVECLASS_JWT_SECRET` (or the
    /// development secret); with a public JWT key, a random key per process
    /// (a token then opens streams only on the process that issued it).
    pub stream_token_secret: Option<StreamTokenSecret>,
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
        let stream_token_secret = lookup("LIVECLASS_STREAM_TOKEN_SECRET");
        if stream_token_secret.as_ref().is_some_and(|s| s.len() < 32) {
            return Err(invalid(
                "LIVECLASS_STREAM_TOKEN_SECRET",
                "must be at least 32 bytes long",
            ));
        }
        Ok(Self {
            stream_token_secret: stream_token_secret.map(|s| StreamTokenSecret(s.into_bytes())),
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
        assert!(parse(&[("LIVECLASS_STREAM_TOKEN_SECRET", "short")]).is_err());
        let secret = "a-stream-token-secret-of-32-bytes-at-least";
        let s = parse(&[("LIVECLASS_STREAM_TOKEN_SECRET", secret)]).unwrap();
        assert_eq!(
            s.stream_token_secret,
            Some(StreamTokenSecret(secret.as_bytes().to_vec()))
        );
        assert!(!format!("{s:?}").contains(secret));
        assert_eq!(
            parse(&[("LIVECLASS_EVENT_RETENTION_SECONDS", "60")])
                .unwrap()
                .policy
                .retention,
            Duration::from_secs(60)
        );
    }
}
