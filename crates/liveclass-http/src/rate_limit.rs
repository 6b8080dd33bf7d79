//! Rate limits per user and per tenant, on writes and, separately, on joins.
//!
//! - A **write** is an authenticated `POST`, `PUT`, `PATCH` or `DELETE`; a
//!   **join** is `POST /live-classes/{id}/join` or `GET /join/{hash}`, and
//!   counts against the join limits only; an **interaction** (a `POST` or
//!   `DELETE` under `/live-classes/{id}/messages`, `…/questions`, `…/polls`,
//!   `…/reactions`, `…/resources` or `…/interactions`) counts
//!   against the
//!   interaction limit only ([`kind_of`]).
//! - Each limit is a [`Quota`]: `requests` per `period`, as a burst of
//!   `requests` that refills evenly over the period (GCRA). A request over
//!   any of its limits is answered 429 `rate_limited` with `Retry-After`,
//!   and uses none of them.
//! - The counters live in this process's memory: behind a load balancer
//!   with N processes a client may get up to N times a limit. Configure the
//!   limits per process accordingly.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::http::Method;
use liveclass_domain::caller::Caller;

use crate::error::{ApiError, ErrorCode};

/// `requests` per `period`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub requests: u32,
    pub period: Duration,
}

impl Quota {
    /// `off` (or `0`) for none, else `N/s`, `N/min` or `N/h`
    /// (`second`, `minute`, `hour` also spelt out).
    ///
    /// # Errors
    /// Anything else.
    pub fn parse(raw: &str) -> Result<Option<Self>, String> {
        let raw = raw.trim();
        if raw.eq_ignore_ascii_case("off") || raw == "0" {
            return Ok(None);
        }
        let expected =
            || format!("expected `off` or `N/s`, `N/min`, `N/h` (e.g. `120/min`), got `{raw}`");
        let (count, unit) = raw.split_once('/').ok_or_else(expected)?;
        let requests: u32 = count.trim().parse().map_err(|_| expected())?;
        let period = match unit.trim() {
            "s" | "sec" | "second" => Duration::from_secs(1),
            "m" | "min" | "minute" => Duration::from_secs(60),
            "h" | "hour" => Duration::from_secs(3600),
            _ => return Err(expected()),
        };
        if requests == 0 {
            return Ok(None);
        }
        Ok(Some(Self { requests, period }))
    }

    fn interval(self) -> Duration {
        self.period / self.requests
    }
}

impl fmt::Display for Quota {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.period.as_secs() {
            1 => "s".to_owned(),
            60 => "min".to_owned(),
            3600 => "h".to_owned(),
            other => format!("{other}s"),
        };
        write!(f, "{}/{unit}", self.requests)
    }
}

/// The limits; `None` is no limit (the default for each here; the server's
/// settings give interactions a limit by default).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateLimitSettings {
    /// `LIVECLASS_RATE_LIMIT_WRITES_PER_USER`.
    pub writes_per_user: Option<Quota>,
    /// `LIVECLASS_RATE_LIMIT_WRITES_PER_TENANT`.
    pub writes_per_tenant: Option<Quota>,
    /// `LIVECLASS_RATE_LIMIT_JOINS_PER_USER`.
    pub joins_per_user: Option<Quota>,
    /// `LIVECLASS_RATE_LIMIT_JOINS_PER_TENANT`.
    pub joins_per_tenant: Option<Quota>,
    /// `LIVECLASS_RATE_LIMIT_INTERACTIONS_PER_USER`: chat posts and
    /// deletions per user.
    pub interactions_per_user: Option<Quota>,
}

/// What a request counts as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Write,
    Join,
    Interaction,
}

/// The collections under a class whose writes are interactions.
const INTERACTION_PATHS: &[&str] = &[
    "/live-classes/{liveClassId}/messages",
    "/live-classes/{liveClassId}/questions",
    "/live-classes/{liveClassId}/polls",
    "/live-classes/{liveClassId}/reactions",
    "/live-classes/{liveClassId}/resources",
    "/live-classes/{liveClassId}/interactions",
];

/// What a request to the route `pattern` (its template, e.g.
/// `/live-classes/{liveClassId}/join`) with `method` counts as, if anything.
pub fn kind_of(method: &Method, pattern: &str) -> Option<Kind> {
    // Joining through the waitlist is a join too.
    let join = (method == Method::POST
        && (pattern.ends_with("/join") || pattern.ends_with("/{liveClassId}/waitlist")))
        || (method == Method::GET && pattern.starts_with("/join/"));
    let writes = [Method::POST, Method::PUT, Method::PATCH, Method::DELETE].contains(method);
    if join {
        Some(Kind::Join)
    } else if writes && INTERACTION_PATHS.iter().any(|p| pattern.starts_with(p)) {
        Some(Kind::Interaction)
    } else if writes {
        Some(Kind::Write)
    } else {
        None
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    User(Kind, String, String),
    Tenant(Kind, String),
}

/// How many checks pass between two sweeps of expired counters.
const SWEEP_EVERY: u32 = 4096;

#[derive(Default)]
struct Cells {
    /// Per key, the theoretical arrival time of the next request (GCRA).
    tat: HashMap<Key, Instant>,
    checks: u32,
}

/// The per-process counters. Shared by every request.
pub struct RateLimiter {
    settings: RateLimitSettings,
    cells: Mutex<Cells>,
}

impl RateLimiter {
    pub fn new(settings: RateLimitSettings) -> Self {
        Self {
            settings,
            cells: Mutex::new(Cells::default()),
        }
    }

    /// No limits.
    pub fn disabled() -> Self {
        Self::new(RateLimitSettings::default())
    }

    /// Counts a request of `kind` by `caller` at `now`.
    ///
    /// # Errors
    /// 429 `rate_limited` with `Retry-After` when a limit is used up; the
    /// request then counts against none.
    pub fn check(&self, kind: Kind, caller: &Caller, now: Instant) -> Result<(), ApiError> {
        let (per_user, per_tenant) = match kind {
            Kind::Write => (
                self.settings.writes_per_user,
                self.settings.writes_per_tenant,
            ),
            Kind::Join => (self.settings.joins_per_user, self.settings.joins_per_tenant),
            Kind::Interaction => (self.settings.interactions_per_user, None),
        };
        if per_user.is_none() && per_tenant.is_none() {
            return Ok(());
        }
        let tenant = caller.tenant_id.as_str();
        let limits = [
            per_user.map(|q| {
                (
                    q,
                    Key::User(kind, tenant.to_owned(), caller.user_id.as_str().to_owned()),
                    "this user",
                )
            }),
            per_tenant.map(|q| (q, Key::Tenant(kind, tenant.to_owned()), "this tenant")),
        ];
        let mut cells = self
            .cells
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        cells.checks = cells.checks.wrapping_add(1);
        if cells.checks.is_multiple_of(SWEEP_EVERY) {
            cells.tat.retain(|_, tat| *tat > now);
        }
        let mut updates = Vec::with_capacity(2);
        for (quota, key, whose) in limits.into_iter().flatten() {
            let tat = cells.tat.get(&key).copied().unwrap_or(now).max(now);
            let next = tat + quota.interval();
            let allowed_until = now + quota.period;
            if next > allowed_until {
                let wait = next - allowed_until;
                let what = match kind {
                    Kind::Write => "writes",
                    Kind::Join => "joins",
                    Kind::Interaction => "chat posts, questions, polls, votes and reactions",
                };
                return Err(ApiError::new(
                    ErrorCode::RateLimited,
                    format!("Too many {what} by {whose} (limit {quota}); retry later"),
                )
                .retry_after(wait));
            }
            updates.push((key, next));
        }
        cells.tat.extend(updates);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use liveclass_domain::caller::Caller;
    use liveclass_domain::ids::{TenantId, UserId};

    use super::*;

    fn caller(user: &str, tenant: &str) -> Caller {
        Caller {
            user_id: UserId::parse(user).unwrap(),
            tenant_id: TenantId::parse(tenant).unwrap(),
            roles: vec![],
            name: None,
        }
    }

    #[test]
    fn quotas_parse() {
        assert_eq!(Quota::parse("off").unwrap(), None);
        assert_eq!(Quota::parse("0").unwrap(), None);
        assert_eq!(
            Quota::parse(" 120/min ").unwrap(),
            Some(Quota {
                requests: 120,
                period: Duration::from_secs(60)
            })
        );
        assert_eq!(Quota::parse("5/s").unwrap().unwrap().to_string(), "5/s");
        for bad in ["", "120", "x/min", "120/day", "-1/s", "1.5/s"] {
            assert!(Quota::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn joins_and_writes_are_told_apart() {
        assert_eq!(
            kind_of(&Method::POST, "/live-classes/{liveClassId}/join"),
            Some(Kind::Join)
        );
        assert_eq!(kind_of(&Method::GET, "/join/{joinHash}"), Some(Kind::Join));
        assert_eq!(
            kind_of(&Method::POST, "/live-classes/{liveClassId}/leave"),
            Some(Kind::Write)
        );
        assert_eq!(
            kind_of(&Method::DELETE, "/schedules/{id}"),
            Some(Kind::Write)
        );
        assert_eq!(kind_of(&Method::GET, "/live-classes"), None);
        assert_eq!(
            kind_of(&Method::POST, "/live-classes/{liveClassId}/messages"),
            Some(Kind::Interaction)
        );
        assert_eq!(
            kind_of(
                &Method::DELETE,
                "/live-classes/{liveClassId}/messages/{messageId}"
            ),
            Some(Kind::Interaction)
        );
        assert_eq!(
            kind_of(&Method::GET, "/live-classes/{liveClassId}/messages"),
            None
        );
        for pattern in [
            "/live-classes/{liveClassId}/reactions",
            "/live-classes/{liveClassId}/resources",
            "/live-classes/{liveClassId}/interactions",
            "/live-classes/{liveClassId}/interactions/read",
        ] {
            assert_eq!(
                kind_of(&Method::POST, pattern),
                Some(Kind::Interaction),
                "{pattern}"
            );
        }
        assert_eq!(
            kind_of(
                &Method::DELETE,
                "/live-classes/{liveClassId}/resources/{resourceId}"
            ),
            Some(Kind::Interaction)
        );
        assert_eq!(
            kind_of(&Method::GET, "/live-classes/{liveClassId}/reactions"),
            None
        );
    }

    #[test]
    fn a_burst_is_allowed_then_refills_evenly_and_limits_are_separate() {
        let limiter = RateLimiter::new(RateLimitSettings {
            writes_per_user: Some(Quota {
                requests: 3,
                period: Duration::from_secs(60),
            }),
            writes_per_tenant: Some(Quota {
                requests: 5,
                period: Duration::from_secs(60),
            }),
            ..RateLimitSettings::default()
        });
        let t0 = Instant::now();
        let (ada, bob) = (caller("ada", "acme"), caller("bob", "acme"));
        for _ in 0..3 {
            limiter.check(Kind::Write, &ada, t0).unwrap();
        }
        let err = limiter.check(Kind::Write, &ada, t0).unwrap_err();
        assert_eq!(err.code, ErrorCode::RateLimited);
        assert_eq!(err.retry_after, Some(Duration::from_secs(20)));
        assert!(err.message.contains("this user"), "{}", err.message);
        // Joins are not writes; another tenant is not this one.
        limiter.check(Kind::Join, &ada, t0).unwrap();
        limiter
            .check(Kind::Write, &caller("ada", "other"), t0)
            .unwrap();
        // The tenant's limit: 5 writes, of which ada used 3.
        limiter.check(Kind::Write, &bob, t0).unwrap();
        limiter.check(Kind::Write, &bob, t0).unwrap();
        let err = limiter.check(Kind::Write, &bob, t0).unwrap_err();
        assert!(err.message.contains("this tenant"), "{}", err.message);
        // 20 s later one write of each user's is back; the tenant's too.
        let later = t0 + Duration::from_secs(20);
        limiter.check(Kind::Write, &ada, later).unwrap();
        limiter.check(Kind::Write, &ada, later).unwrap_err();
        // A period later, bob's whole allowance is back.
        let much_later = t0 + Duration::from_secs(60);
        for _ in 0..3 {
            limiter.check(Kind::Write, &bob, much_later).unwrap();
        }
    }

    #[test]
    fn without_limits_nothing_is_counted() {
        let limiter = RateLimiter::disabled();
        let ada = caller("ada", "acme");
        for _ in 0..10_000 {
            limiter.check(Kind::Write, &ada, Instant::now()).unwrap();
        }
        assert!(limiter.cells.lock().unwrap().tat.is_empty());
    }
}
