//! Settings of schedules, join links and the auto-end worker.

use liveclass_domain::actual_times::ActualTimesPolicy;
use liveclass_domain::attendance::{AttendancePolicy, ReconcilePolicy};
use liveclass_domain::auto_end::AutoEndPolicy;
use liveclass_domain::class::ClassPolicy;
use liveclass_domain::join_link::JoinLinkPolicy;
use liveclass_domain::schedule::SchedulePolicy;
use liveclass_http::ical::FeedSettings;
use time::Duration;

use crate::settings::{SettingsError, invalid, number};

/// | variable | default | meaning |
/// | --- | --- | --- |
/// | `LIVECLASS_SCHEDULE_MAX_OCCURRENCES` | 500 | most classes one schedule may generate |
/// | `LIVECLASS_JOIN_START_WINDOW_MINUTES` | 15 | how early the teacher's join link starts a class |
/// | `LIVECLASS_MIN_CLASS_MINUTES` | 30 | shortest class staff may record (`endedAt - startedAt`) |
/// | `LIVECLASS_AUTO_END_AFTER_MINUTES` | 30 | live classes are ended this long after their planned end |
/// | `LIVECLASS_AUTO_END_INTERVAL_SECONDS` | 60 | how often the auto-end worker looks; 0 turns it off |
/// | `LIVECLASS_SCHEDULE_GENERATION_INTERVAL_SECONDS` | 30 | how often the worker completing interrupted schedule generations looks; 0 turns it off |
/// | `LIVECLASS_PUBLIC_URL` | `http://<LIVECLASS_BIND>` | the API's outside address, for links in calendar feeds |
/// | `LIVECLASS_ATTENDANCE_LATE_AFTER_MINUTES` | 5 | a first join later than this after the start is `late` |
/// | `LIVECLASS_ATTENDANCE_LEFT_EARLY_MINUTES` | 5 | a last leave earlier than this before the end is `left_early` |
/// | `LIVECLASS_ATTENDANCE_RECONCILE_AFTER_SECONDS` | 120 | how long after a class's end the provider's participant report is first fetched |
/// | `LIVECLASS_ATTENDANCE_RECONCILE_INTERVAL_SECONDS` | 30 | how often the reconciliation worker looks; 0 turns it off |
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleSettings {
    pub feeds: FeedSettings,
    pub auto_end: AutoEndPolicy,
    /// `None`: the worker does not run.
    pub auto_end_every: Option<std::time::Duration>,
    /// How often pending schedule generations are completed; `None`: the
    /// worker does not run.
    pub generation_every: Option<std::time::Duration>,
    pub policy: SchedulePolicy,
    pub join_links: JoinLinkPolicy,
    pub actual_times: ActualTimesPolicy,
    /// The attendance statuses' grace periods (server-wide).
    pub attendance: AttendancePolicy,
    /// When a class's attendance is reconciled with the provider's report.
    pub reconcile: ReconcilePolicy,
    /// How often the reconciliation worker looks; `None`: it does not run.
    pub reconcile_every: Option<std::time::Duration>,
}

impl ScheduleSettings {
    pub(crate) fn from_lookup(
        lookup: &impl Fn(&str) -> Option<String>,
        max_capacity: u32,
        default_capacity: u32,
        bind: &crate::settings::BindAddress,
    ) -> Result<Self, SettingsError> {
        let public_url = lookup("LIVECLASS_PUBLIC_URL").unwrap_or_else(|| format!("http://{bind}"));
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(invalid(
                "LIVECLASS_PUBLIC_URL",
                format!("expected an http:// or https:// URL, got `{public_url}`"),
            ));
        }
        let max_occurrences = number(lookup, "LIVECLASS_SCHEDULE_MAX_OCCURRENCES", 500u32)?;
        if max_occurrences == 0 {
            return Err(invalid(
                "LIVECLASS_SCHEDULE_MAX_OCCURRENCES",
                "must be at least 1",
            ));
        }
        let window = number(lookup, "LIVECLASS_JOIN_START_WINDOW_MINUTES", 15u32)?;
        let min_class = number(lookup, "LIVECLASS_MIN_CLASS_MINUTES", 30u32)?;
        let grace = number(lookup, "LIVECLASS_AUTO_END_AFTER_MINUTES", 30u32)?;
        let every = number(lookup, "LIVECLASS_AUTO_END_INTERVAL_SECONDS", 60u64)?;
        let generation_every = number(
            lookup,
            "LIVECLASS_SCHEDULE_GENERATION_INTERVAL_SECONDS",
            30u64,
        )?;
        let late_after = number(lookup, "LIVECLASS_ATTENDANCE_LATE_AFTER_MINUTES", 5u32)?;
        let left_early = number(lookup, "LIVECLASS_ATTENDANCE_LEFT_EARLY_MINUTES", 5u32)?;
        let settle = number(
            lookup,
            "LIVECLASS_ATTENDANCE_RECONCILE_AFTER_SECONDS",
            120u32,
        )?;
        let reconcile_every = number(
            lookup,
            "LIVECLASS_ATTENDANCE_RECONCILE_INTERVAL_SECONDS",
            30u64,
        )?;
        Ok(Self {
            feeds: FeedSettings {
                public_url: public_url.trim_end_matches('/').to_owned(),
                links: join_link_signer(lookup)?,
            },
            auto_end: AutoEndPolicy {
                grace: Duration::minutes(i64::from(grace)),
                ..AutoEndPolicy::default()
            },
            auto_end_every: (every > 0).then(|| std::time::Duration::from_secs(every)),
            generation_every: (generation_every > 0)
                .then(|| std::time::Duration::from_secs(generation_every)),
            actual_times: ActualTimesPolicy {
                min_duration: Duration::minutes(i64::from(min_class)),
            },
            attendance: AttendancePolicy {
                late_after: Duration::minutes(i64::from(late_after)),
                left_early_before: Duration::minutes(i64::from(left_early)),
            },
            reconcile: ReconcilePolicy {
                settle: Duration::seconds(i64::from(settle)),
                ..ReconcilePolicy::default()
            },
            reconcile_every: (reconcile_every > 0)
                .then(|| std::time::Duration::from_secs(reconcile_every)),
            join_links: JoinLinkPolicy {
                start_window: Duration::minutes(i64::from(window)),
            },
            policy: SchedulePolicy {
                max_occurrences,
                classes: ClassPolicy {
                    max_capacity,
                    default_capacity,
                },
            },
        })
    }
}

/// Signs personal join links when not set, in development mode only.
const DEV_JOIN_LINK_SECRET: &str = "liveclass-development-join-link-secret-not-for-production";

/// `LIVECLASS_JOIN_LINK_SECRET` (at least 32 bytes): feeds carry personal
/// join links signed with it. Unset: plain links, except in development
/// mode, which signs with a public secret.
fn join_link_signer(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<Option<liveclass_http::ical::LinkSigner>, SettingsError> {
    let development = matches!(
        lookup("LIVECLASS_DEV_MODE").as_deref(),
        Some("1" | "true" | "yes")
    );
    match lookup("LIVECLASS_JOIN_LINK_SECRET") {
        Some(secret) if secret.len() < 32 => Err(invalid(
            "LIVECLASS_JOIN_LINK_SECRET",
            "must be at least 32 bytes long",
        )),
        Some(secret) => Ok(Some(liveclass_http::ical::LinkSigner::new(
            secret.as_bytes(),
        ))),
        None if development => Ok(Some(liveclass_http::ical::LinkSigner::new(
            DEV_JOIN_LINK_SECRET.as_bytes(),
        ))),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<ScheduleSettings, SettingsError> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        ScheduleSettings::from_lookup(
            &|name: &str| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()),
            500,
            200,
            &"127.0.0.1:8080".parse().unwrap(),
        )
    }

    #[test]
    fn personal_join_links_are_signed_with_a_configured_or_development_secret_only() {
        assert_eq!(read(&[]).unwrap().feeds.links, None);
        let secret = "j".repeat(32);
        let set = read(&[("LIVECLASS_JOIN_LINK_SECRET", &secret)]).unwrap();
        assert_eq!(
            set.feeds.links,
            Some(liveclass_http::ical::LinkSigner::new(secret.as_bytes()))
        );
        assert!(
            read(&[("LIVECLASS_DEV_MODE", "1")])
                .unwrap()
                .feeds
                .links
                .is_some()
        );
        let err = read(&[("LIVECLASS_JOIN_LINK_SECRET", "short")]).unwrap_err();
        assert!(
            err.to_string().starts_with("LIVECLASS_JOIN_LINK_SECRET"),
            "{err}"
        );
    }

    #[test]
    fn schedules_default_to_500_occurrences_and_a_15_minute_start_window() {
        let s = read(&[]).unwrap();
        assert_eq!(s.policy.max_occurrences, 500);
        assert_eq!(s.join_links.start_window, Duration::minutes(15));
        assert_eq!(s.actual_times.min_duration, Duration::minutes(30));
        assert_eq!(s.auto_end.grace, Duration::minutes(30));
        assert_eq!(s.auto_end_every, Some(std::time::Duration::from_secs(60)));
        assert_eq!(s.generation_every, Some(std::time::Duration::from_secs(30)));
        assert_eq!(s.feeds.public_url, "http://127.0.0.1:8080");
        let url = read(&[("LIVECLASS_PUBLIC_URL", "https://lc.example.com/")]).unwrap();
        assert_eq!(url.feeds.public_url, "https://lc.example.com");
        assert!(read(&[("LIVECLASS_PUBLIC_URL", "lc.example.com")]).is_err());
        let off = read(&[("LIVECLASS_AUTO_END_INTERVAL_SECONDS", "0")]).unwrap();
        assert_eq!(off.auto_end_every, None);
        let off = read(&[("LIVECLASS_SCHEDULE_GENERATION_INTERVAL_SECONDS", "0")]).unwrap();
        assert_eq!(off.generation_every, None);
        let s = read(&[("LIVECLASS_JOIN_START_WINDOW_MINUTES", "5")]).unwrap();
        assert_eq!(s.join_links.start_window, Duration::minutes(5));
    }

    #[test]
    fn a_bad_occurrence_cap_names_its_variable() {
        for bad in ["0", "many", "-1"] {
            let err = read(&[("LIVECLASS_SCHEDULE_MAX_OCCURRENCES", bad)]).unwrap_err();
            assert!(
                err.to_string()
                    .starts_with("LIVECLASS_SCHEDULE_MAX_OCCURRENCES"),
                "{err}"
            );
        }
    }
}
