//! `LIVECLASS_RATE_LIMIT_*`: the rate limits on writes and joins, per user
//! and per tenant, and on interactions (chat) per user
//! (`liveclass_http::rate_limit`). Each is `off` by default but the
//! interactions', which is [`DEFAULT_INTERACTIONS_PER_USER`].

use liveclass_http::rate_limit::{Quota, RateLimitSettings};

use super::{SettingsError, invalid};

/// Chat posts and deletions per user per process unless configured: a
/// burst of 60, one more per second, so a class's chat stays readable.
pub const DEFAULT_INTERACTIONS_PER_USER: &str = "60/min";

pub(super) fn rate_limits(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<RateLimitSettings, SettingsError> {
    let quota = |var: &'static str| match lookup(var) {
        None => Ok(None),
        Some(raw) => Quota::parse(&raw).map_err(|e| invalid(var, e)),
    };
    Ok(RateLimitSettings {
        writes_per_user: quota("LIVECLASS_RATE_LIMIT_WRITES_PER_USER")?,
        writes_per_tenant: quota("LIVECLASS_RATE_LIMIT_WRITES_PER_TENANT")?,
        joins_per_user: quota("LIVECLASS_RATE_LIMIT_JOINS_PER_USER")?,
        joins_per_tenant: quota("LIVECLASS_RATE_LIMIT_JOINS_PER_TENANT")?,
        interactions_per_user: {
            let var = "LIVECLASS_RATE_LIMIT_INTERACTIONS_PER_USER";
            let raw = lookup(var).unwrap_or_else(|| DEFAULT_INTERACTIONS_PER_USER.to_owned());
            Quota::parse(&raw).map_err(|e| invalid(var, e))?
        },
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::time::Duration;

    use super::*;

    #[test]
    fn limits_are_off_by_default_but_interactions_and_parsed_when_set() {
        assert_eq!(
            rate_limits(&|_| None).unwrap(),
            RateLimitSettings {
                interactions_per_user: Some(Quota {
                    requests: 60,
                    period: Duration::from_secs(60)
                }),
                ..RateLimitSettings::default()
            }
        );
        let off = rate_limits(&|name| {
            (name == "LIVECLASS_RATE_LIMIT_INTERACTIONS_PER_USER").then(|| "off".to_owned())
        })
        .unwrap();
        assert_eq!(off, RateLimitSettings::default());
        let limits = rate_limits(&|name| match name {
            "LIVECLASS_RATE_LIMIT_WRITES_PER_USER" => Some("120/min".into()),
            "LIVECLASS_RATE_LIMIT_JOINS_PER_TENANT" => Some("50/s".into()),
            "LIVECLASS_RATE_LIMIT_JOINS_PER_USER" => Some("off".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(
            limits.writes_per_user,
            Some(Quota {
                requests: 120,
                period: Duration::from_secs(60)
            })
        );
        assert_eq!(limits.joins_per_user, None);
        assert_eq!(limits.joins_per_tenant.unwrap().requests, 50);
        let err = rate_limits(&|name| {
            (name == "LIVECLASS_RATE_LIMIT_WRITES_PER_TENANT").then(|| "lots".to_owned())
        })
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("LIVECLASS_RATE_LIMIT_WRITES_PER_TENANT"),
            "{err}"
        );
    }
}
