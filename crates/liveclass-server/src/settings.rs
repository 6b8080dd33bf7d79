//! Settings, read from `LIVECLASS_*` environment variables (and the video
//! providers' own variables). Every error names the variable to fix.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::time::Duration;

use liveclass_domain::class::ClassPolicy;
use liveclass_http::{JwtConfig, JwtKey};
use liveclass_persistence::PoolOptions;
use liveclass_video::{DailyConfig, JitsiTokenAuth, Secret, ZoomConfig};

mod identity;
mod rate_limits;

pub use crate::ops_settings::OpsSettings;
pub use crate::schedule_settings::ScheduleSettings;

/// The HS256 secret development mode uses. Public by design: a server that
/// accepts it accepts tokens anyone can mint, so it is used only when
/// `LIVECLASS_DEV_MODE` is set and no key is configured.
pub const DEV_JWT_SECRET: &str = "liveclass-development-secret-not-for-production";

#[derive(Debug, Clone)]
pub struct Settings {
    /// `postgres://…` for PostgreSQL, anything else is a SQLite path.
    pub database_url: String,
    pub bind: BindAddress,
    pub jwt: JwtSettings,
    pub video: VideoSettings,
    /// How often failed video-provider clean-ups are retried
    /// (`LIVECLASS_VIDEO_CLEANUP_INTERVAL_SECS`, default 30).
    pub video_cleanup_interval: Duration,
    pub policy: ClassPolicy,
    pub pool: PoolOptions,
    /// actix worker threads; default: one per core.
    pub workers: Option<usize>,
    pub log_json: bool,
    /// Schedules, join links and the auto-end worker.
    pub schedules: ScheduleSettings,
    /// `LIVECLASS_RATE_LIMIT_*`: writes and joins per user and per tenant.
    pub rate_limits: liveclass_http::rate_limit::RateLimitSettings,
    /// The class event log.
    pub events: crate::event_settings::EventSettings,
    /// Outgoing webhooks: secrets key, retries, SSRF guard.
    pub webhooks: crate::webhooks::WebhookSettings,
    /// The metrics token and CORS origins.
    pub ops: OpsSettings,
    /// Where tenants' own provider accounts are called.
    pub provider_endpoints: crate::provider_accounts::ProviderEndpoints,
}

/// `LIVECLASS_BIND`: an IP address and port (`127.0.0.1:8080`, `[::1]:8080`)
/// or a host name and port (`localhost:8080`), resolved when the server binds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindAddress {
    /// An IP address (IPv6 without brackets) or a host name.
    host: String,
    port: u16,
}

impl BindAddress {
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The addresses the host resolves to (just itself for an IP address).
    ///
    /// # Errors
    /// When a host name cannot be resolved.
    pub fn resolve(&self) -> std::io::Result<Vec<SocketAddr>> {
        Ok((self.host.as_str(), self.port).to_socket_addrs()?.collect())
    }
}

impl std::str::FromStr for BindAddress {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        if let Ok(addr) = s.parse::<SocketAddr>() {
            return Ok(Self {
                host: addr.ip().to_string(),
                port: addr.port(),
            });
        }
        let (host, port) = s
            .rsplit_once(':')
            .ok_or_else(|| format!("expected host:port, got `{s}`"))?;
        let port = port
            .parse::<u16>()
            .map_err(|_| format!("expected host:port with a port from 0 to 65535, got `{s}`"))?;
        let host_name = !host.is_empty()
            && host.split('.').all(|label| {
                !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if !host_name {
            return Err(format!(
                "expected an IP address or a host name before the port \
                 (IPv6 in brackets: [::1]:8080), got `{s}`"
            ));
        }
        Ok(Self {
            host: host.to_owned(),
            port,
        })
    }
}

impl std::fmt::Display for BindAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

#[derive(Debug, Clone)]
pub struct JwtSettings {
    pub config: JwtConfig,
    /// The key is the public development secret.
    pub development: bool,
}

/// The video provider and its settings. Secrets are [`Secret`]s: `Debug`
/// (and so the start-up log line) never shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VideoSettings {
    /// `auth` when `JITSI_APP_ID` and `JITSI_APP_SECRET` are set.
    Jitsi {
        domain: String,
        auth: Option<JitsiTokenAuth>,
    },
    Daily(DailyConfig),
    Zoom(ZoomConfig),
    None,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("{var}: {message}")]
    Invalid { var: &'static str, message: String },
    #[error(
        "no JWT key is configured: set LIVECLASS_JWT_SECRET (HS256), LIVECLASS_JWT_PUBLIC_KEY_FILE \
         (RS256/ES256 PEM) or LIVECLASS_JWT_JWKS_URL (the identity provider's keys), or set LIVECLASS_DEV_MODE=1 to accept development tokens \
         (never in production)"
    )]
    NoJwtKey,
}

pub(crate) fn invalid(var: &'static str, message: impl Into<String>) -> SettingsError {
    SettingsError::Invalid {
        var,
        message: message.into(),
    }
}

impl Settings {
    /// Reads the process environment.
    ///
    /// # Errors
    /// A variable that does not parse, or no JWT key outside development mode.
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// Reads the process environment for a command-line job, which verifies
    /// no tokens: without a configured JWT key the development key stands in
    /// (and is never used).
    ///
    /// # Errors
    /// A variable that does not parse.
    pub fn from_env_for_jobs() -> Result<Self, SettingsError> {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let has_key = env("LIVECLASS_JWT_SECRET").is_some()
            || env("LIVECLASS_JWT_PUBLIC_KEY_FILE").is_some()
            || env("LIVECLASS_JWT_JWKS_URL").is_some();
        Self::from_lookup(|name| match name {
            "LIVECLASS_DEV_MODE" if !has_key => Some("1".to_owned()),
            _ => env(name),
        })
    }

    /// Reads settings through `lookup` (the environment, or a map in tests).
    ///
    /// # Errors
    /// As [`Settings::from_env`].
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let database_url =
            lookup("LIVECLASS_DATABASE_URL").unwrap_or_else(|| "liveclass.db".into());
        let bind = lookup("LIVECLASS_BIND")
            .unwrap_or_else(|| "127.0.0.1:8080".into())
            .parse::<BindAddress>()
            .map_err(|e| invalid("LIVECLASS_BIND", e))?;
        let development = flag(&lookup, "LIVECLASS_DEV_MODE")?;
        let jwt = jwt_settings(&lookup, development)?;
        let video = video_settings(&lookup)?;
        let video_cleanup_interval = Duration::from_secs(number(
            &lookup,
            "LIVECLASS_VIDEO_CLEANUP_INTERVAL_SECS",
            30u64,
        )?);
        if video_cleanup_interval.is_zero() {
            return Err(invalid(
                "LIVECLASS_VIDEO_CLEANUP_INTERVAL_SECS",
                "must be at least 1",
            ));
        }
        let max_capacity = number(&lookup, "LIVECLASS_MAX_PARTICIPANTS_LIMIT", 500u32)?;
        let default_capacity = number(
            &lookup,
            "LIVECLASS_DEFAULT_MAX_PARTICIPANTS",
            200u32.min(max_capacity),
        )?;
        if max_capacity == 0 || default_capacity == 0 || default_capacity > max_capacity {
            return Err(invalid(
                "LIVECLASS_DEFAULT_MAX_PARTICIPANTS",
                format!("must be between 1 and LIVECLASS_MAX_PARTICIPANTS_LIMIT ({max_capacity})"),
            ));
        }
        let pool_size = number(&lookup, "LIVECLASS_DB_POOL_SIZE", 10u32)?;
        if pool_size == 0 {
            return Err(invalid("LIVECLASS_DB_POOL_SIZE", "must be at least 1"));
        }
        let acquire_ms = number(&lookup, "LIVECLASS_DB_ACQUIRE_TIMEOUT_MS", 5000u64)?;
        let workers = lookup("LIVECLASS_WORKERS")
            .map(|v| {
                v.parse::<usize>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| invalid("LIVECLASS_WORKERS", "must be a positive integer"))
            })
            .transpose()?;
        let log_json = match lookup("LIVECLASS_LOG_FORMAT").as_deref() {
            None | Some("text") => false,
            Some("json") => true,
            Some(other) => {
                return Err(invalid(
                    "LIVECLASS_LOG_FORMAT",
                    format!("expected text or json, got `{other}`"),
                ));
            }
        };
        Ok(Self {
            database_url,
            bind: bind.clone(),
            jwt,
            video,
            video_cleanup_interval,
            policy: ClassPolicy {
                max_capacity,
                default_capacity,
            },
            pool: PoolOptions {
                max_size: pool_size,
                acquire_timeout: Duration::from_millis(acquire_ms),
            },
            workers,
            log_json,
            schedules: ScheduleSettings::from_lookup(
                &lookup,
                max_capacity,
                default_capacity,
                &bind,
            )?,
            rate_limits: rate_limits::rate_limits(&lookup)?,
            events: crate::event_settings::EventSettings::from_lookup(&lookup)?,
            webhooks: crate::webhooks::WebhookSettings::from_lookup(&lookup)?,
            ops: OpsSettings::from_lookup(&lookup)?,
            provider_endpoints: crate::provider_accounts::ProviderEndpoints::from_lookup(&lookup),
        })
    }
}

/// `LIVECLASS_VIDEO_PROVIDER` and the chosen provider's own variables. A
/// provider whose required variables are missing is refused, naming them all.
fn video_settings(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<VideoSettings, SettingsError> {
    const VAR: &str = "LIVECLASS_VIDEO_PROVIDER";
    let require = |provider: &str, names: &[&str]| -> Result<Vec<String>, SettingsError> {
        let missing: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| lookup(n).is_none())
            .collect();
        if missing.is_empty() {
            Ok(names.iter().filter_map(|n| lookup(n)).collect())
        } else {
            Err(invalid(
                VAR,
                format!("{provider} needs {} to be set", missing.join(", ")),
            ))
        }
    };
    Ok(match lookup(VAR).as_deref() {
        None | Some("jitsi") => {
            let auth = match (lookup("JITSI_APP_ID"), lookup("JITSI_APP_SECRET")) {
                (None, None) => None,
                (Some(id), Some(secret)) => Some(JitsiTokenAuth::new(id, Secret::new(secret))),
                (Some(_), None) => {
                    return Err(invalid("JITSI_APP_SECRET", "must be set with JITSI_APP_ID"));
                }
                (None, Some(_)) => {
                    return Err(invalid("JITSI_APP_ID", "must be set with JITSI_APP_SECRET"));
                }
            };
            VideoSettings::Jitsi {
                domain: lookup("JITSI_DOMAIN").unwrap_or_else(|| "meet.jit.si".into()),
                auth,
            }
        }
        Some("daily") => {
            let values = require("daily", &["DAILY_API_KEY"])?;
            let mut config = DailyConfig::new(Secret::new(values.concat()));
            if let Some(url) = lookup("DAILY_API_URL") {
                config.base_url = url;
            }
            config.recording = one_of(
                lookup,
                "DAILY_ENABLE_RECORDING",
                &["cloud", "cloud-audio-only", "local", "raw-tracks"],
            )?;
            VideoSettings::Daily(config)
        }
        Some("zoom") => {
            let v = require(
                "zoom",
                &["ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET"],
            )?;
            let [account, client, secret] = <[String; 3]>::try_from(v)
                .map_err(|_| invalid(VAR, "zoom settings could not be read"))?;
            let mut config = ZoomConfig::new(account, client, Secret::new(secret));
            if let Some(url) = lookup("ZOOM_API_URL") {
                config.api_url = url;
            }
            if let Some(url) = lookup("ZOOM_OAUTH_URL") {
                config.oauth_url = url;
            }
            if let Some(user) = lookup("ZOOM_USER_ID") {
                config.user_id = user;
            }
            if let Some(mode) = one_of(lookup, "ZOOM_AUTO_RECORDING", &["none", "local", "cloud"])?
            {
                config.auto_recording = mode;
            }
            VideoSettings::Zoom(config)
        }
        Some("none") => VideoSettings::None,
        Some(other) => {
            return Err(invalid(
                VAR,
                format!("expected jitsi, daily, zoom or none, got `{other}`"),
            ));
        }
    })
}

/// The variable's value if it is one of `allowed`; `None` when unset.
fn one_of(
    lookup: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    allowed: &[&str],
) -> Result<Option<String>, SettingsError> {
    match lookup(var) {
        None => Ok(None),
        Some(v) if allowed.contains(&v.as_str()) => Ok(Some(v)),
        Some(v) => Err(invalid(
            var,
            format!("expected one of {}, got `{v}`", allowed.join(", ")),
        )),
    }
}

fn jwt_settings(
    lookup: &impl Fn(&str) -> Option<String>,
    development: bool,
) -> Result<JwtSettings, SettingsError> {
    let issuer = lookup("LIVECLASS_JWT_ISSUER");
    let audience = lookup("LIVECLASS_JWT_AUDIENCE");
    let leeway_seconds = number(
        lookup,
        "LIVECLASS_JWT_LEEWAY_SECONDS",
        liveclass_http::auth::DEFAULT_LEEWAY_SECONDS,
    )?;
    if leeway_seconds > 3600 {
        return Err(invalid(
            "LIVECLASS_JWT_LEEWAY_SECONDS",
            format!("must be at most 3600, got `{leeway_seconds}`"),
        ));
    }
    let secret = lookup("LIVECLASS_JWT_SECRET");
    let key_file = lookup("LIVECLASS_JWT_PUBLIC_KEY_FILE").map(PathBuf::from);
    let jwks = identity::jwks_source(lookup)?;
    let (key, is_dev_key) = match (secret, key_file, jwks) {
        (Some(secret), None, None) => {
            if secret.len() < 32 {
                return Err(invalid(
                    "LIVECLASS_JWT_SECRET",
                    "must be at least 32 bytes long",
                ));
            }
            (JwtKey::Hs256Secret(secret.into_bytes()), false)
        }
        (None, Some(path), None) => {
            let pem = std::fs::read(&path).map_err(|e| {
                invalid(
                    "LIVECLASS_JWT_PUBLIC_KEY_FILE",
                    format!("cannot read {}: {e}", path.display()),
                )
            })?;
            (JwtKey::PublicKeyPem(pem), false)
        }
        (None, None, Some(source)) => (JwtKey::Jwks(source), false),
        (None, None, None) if development => (
            JwtKey::Hs256Secret(DEV_JWT_SECRET.as_bytes().to_vec()),
            true,
        ),
        (None, None, None) => return Err(SettingsError::NoJwtKey),
        _ => {
            return Err(invalid(
                "LIVECLASS_JWT_SECRET",
                "set only one of LIVECLASS_JWT_SECRET, LIVECLASS_JWT_PUBLIC_KEY_FILE and \
                 LIVECLASS_JWT_JWKS_URL",
            ));
        }
    };
    Ok(JwtSettings {
        config: JwtConfig {
            key,
            issuer,
            audience,
            leeway_seconds,
            claims: identity::claim_mapping(lookup)?,
        },
        development: is_dev_key,
    })
}

pub(crate) fn flag(
    lookup: &impl Fn(&str) -> Option<String>,
    var: &'static str,
) -> Result<bool, SettingsError> {
    match lookup(var).as_deref() {
        None | Some("0" | "false" | "no") => Ok(false),
        Some("1" | "true" | "yes") => Ok(true),
        Some(other) => Err(invalid(
            var,
            format!("expected 1/true or 0/false, got `{other}`"),
        )),
    }
}

pub(crate) fn number<T: std::str::FromStr>(
    lookup: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: T,
) -> Result<T, SettingsError> {
    match lookup(var) {
        None => Ok(default),
        Some(raw) => raw
            .parse()
            .map_err(|_| invalid(var, format!("expected a non-negative integer, got `{raw}`"))),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Settings::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn without_a_key_the_server_refuses_to_start() {
        let err = settings(&[]).unwrap_err();
        assert!(matches!(err, SettingsError::NoJwtKey));
        assert!(err.to_string().contains("LIVECLASS_DEV_MODE"));
    }

    #[test]
    fn development_mode_uses_the_public_development_secret() {
        let s = settings(&[("LIVECLASS_DEV_MODE", "1")]).unwrap();
        assert!(s.jwt.development);
        assert_eq!(s.database_url, "liveclass.db");
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(
            s.video,
            VideoSettings::Jitsi {
                domain: "meet.jit.si".into(),
                auth: None,
            }
        );
        assert_eq!(s.video_cleanup_interval, Duration::from_secs(30));
        assert_eq!(s.policy, ClassPolicy::default());
    }

    #[test]
    fn the_jwt_leeway_defaults_to_60_seconds_and_is_configurable() {
        let secret = "s".repeat(32);
        let s = settings(&[("LIVECLASS_JWT_SECRET", &secret)]).unwrap();
        assert_eq!(s.jwt.config.leeway_seconds, 60);
        let s = settings(&[
            ("LIVECLASS_JWT_SECRET", &secret),
            ("LIVECLASS_JWT_LEEWAY_SECONDS", "5"),
        ])
        .unwrap();
        assert_eq!(s.jwt.config.leeway_seconds, 5);
    }

    #[test]
    fn a_configured_secret_wins_over_development_mode() {
        let secret = "s".repeat(32);
        let s = settings(&[
            ("LIVECLASS_DEV_MODE", "1"),
            ("LIVECLASS_JWT_SECRET", &secret),
        ])
        .unwrap();
        assert!(!s.jwt.development);
    }

    #[test]
    fn bad_values_name_their_variable() {
        let secret = "s".repeat(32);
        for (var, value) in [
            ("LIVECLASS_BIND", "nowhere"),
            ("LIVECLASS_DEV_MODE", "maybe"),
            ("LIVECLASS_VIDEO_PROVIDER", "skype"),
            ("LIVECLASS_MAX_PARTICIPANTS_LIMIT", "-3"),
            ("LIVECLASS_DB_POOL_SIZE", "0"),
            ("LIVECLASS_LOG_FORMAT", "xml"),
            ("LIVECLASS_JWT_LEEWAY_SECONDS", "-1"),
            ("LIVECLASS_JWT_LEEWAY_SECONDS", "3601"),
            ("LIVECLASS_JWT_PUBLIC_KEY_FILE", "/nonexistent/key.pem"),
        ] {
            let vars = [(var, value), ("LIVECLASS_JWT_SECRET", secret.as_str())];
            let vars: Vec<_> = if var == "LIVECLASS_JWT_PUBLIC_KEY_FILE" {
                vec![(var, value)]
            } else {
                vars.to_vec()
            };
            let err = settings(&vars).unwrap_err();
            assert!(err.to_string().starts_with(var), "{var}: {err}");
        }
    }

    #[test]
    fn the_bind_address_may_be_a_host_name_or_an_ipv6_address() {
        let bind = |value: &str| {
            settings(&[("LIVECLASS_DEV_MODE", "1"), ("LIVECLASS_BIND", value)]).map(|s| s.bind)
        };
        let localhost = bind("localhost:8080").unwrap();
        assert_eq!(localhost.to_string(), "localhost:8080");
        assert!(
            localhost
                .resolve()
                .unwrap()
                .iter()
                .all(|a| a.ip().is_loopback() && a.port() == 8080)
        );
        let v6 = bind("[::1]:8080").unwrap();
        assert_eq!(v6.to_string(), "[::1]:8080");
        assert_eq!(v6.resolve().unwrap(), ["[::1]:8080".parse().unwrap()]);
        assert_eq!(bind("0.0.0.0:0").unwrap().to_string(), "0.0.0.0:0");
        for bad in [
            "nowhere",
            "::1:8080",
            "localhost:http",
            "local host:80",
            ":80",
            "a..b:80",
        ] {
            let err = bind(bad).unwrap_err();
            assert!(
                err.to_string().starts_with("LIVECLASS_BIND: "),
                "{bad}: {err}"
            );
        }
        let s = settings(&[
            ("LIVECLASS_DEV_MODE", "1"),
            ("LIVECLASS_BIND", "[::1]:9000"),
        ])
        .unwrap();
        assert_eq!(s.schedules.feeds.public_url, "http://[::1]:9000");
    }

    #[test]
    fn a_short_secret_is_refused() {
        let err = settings(&[("LIVECLASS_JWT_SECRET", "short")]).unwrap_err();
        assert!(err.to_string().contains("at least 32 bytes"));
    }

    #[test]
    fn a_default_capacity_above_the_limit_is_refused() {
        let err = settings(&[
            ("LIVECLASS_DEV_MODE", "1"),
            ("LIVECLASS_MAX_PARTICIPANTS_LIMIT", "100"),
            ("LIVECLASS_DEFAULT_MAX_PARTICIPANTS", "150"),
        ])
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("LIVECLASS_DEFAULT_MAX_PARTICIPANTS")
        );
        let s = settings(&[
            ("LIVECLASS_DEV_MODE", "1"),
            ("LIVECLASS_MAX_PARTICIPANTS_LIMIT", "100"),
        ])
        .unwrap();
        assert_eq!(s.policy.default_capacity, 100);
    }

    #[test]
    fn a_provider_with_missing_settings_is_refused_naming_them() {
        let err = settings(&[
            ("LIVECLASS_DEV_MODE", "1"),
            ("LIVECLASS_VIDEO_PROVIDER", "daily"),
        ])
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "LIVECLASS_VIDEO_PROVIDER: daily needs DAILY_API_KEY to be set"
        );
        let err = settings(&[
            ("LIVECLASS_DEV_MODE", "1"),
            ("LIVECLASS_VIDEO_PROVIDER", "zoom"),
            ("ZOOM_CLIENT_ID", "cid"),
        ])
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "LIVECLASS_VIDEO_PROVIDER: zoom needs ZOOM_ACCOUNT_ID, ZOOM_CLIENT_SECRET to be set"
        );
        let err = settings(&[("LIVECLASS_DEV_MODE", "1"), ("JITSI_APP_ID", "app")]).unwrap_err();
        assert!(err.to_string().starts_with("JITSI_APP_SECRET"), "{err}");
    }

    #[test]
    fn each_provider_reads_its_settings_and_base_url_overrides() {
        let s = settings(&[
            ("LIVECLASS_DEV_MODE", "1"),
            ("LIVECLASS_VIDEO_PROVIDER", "daily"),
            ("DAILY_API_KEY", "dk"),
            ("DAILY_API_URL", "http://127.0.0.1:9/v1"),
        ])
        .unwrap();
        let VideoSettings::Daily(daily) = &s.video else {
            panic!("{:?}", s.video)
        };
        assert_eq!(daily.api_key.expose(), "dk");
        assert_eq!(daily.recording, None);
        let s = settings(&[
            ("LIVECLASS_DEV_MODE", "1"),
            ("LIVECLASS_VIDEO_PROVIDER", "daily"),
            ("DAILY_API_KEY", "dk"),
            ("DAILY_ENABLE_RECORDING", "cloud"),
        ])
        .unwrap();
        assert!(
            matches!(&s.video, VideoSettings::Daily(d) if d.recording.as_deref() == Some("cloud"))
        );
        let err = settings(&[
            ("LIVECLASS_DEV_MODE", "1"),
            ("LIVECLASS_VIDEO_PROVIDER", "zoom"),
            ("ZOOM_ACCOUNT_ID", "a"),
            ("ZOOM_CLIENT_ID", "c"),
            ("ZOOM_CLIENT_SECRET", "s"),
            ("ZOOM_AUTO_RECORDING", "always"),
        ])
        .unwrap_err();
        assert!(err.to_string().starts_with("ZOOM_AUTO_RECORDING"), "{err}");
        assert_eq!(daily.base_url, "http://127.0.0.1:9/v1");

        let s = settings(&[
            ("LIVECLASS_DEV_MODE", "1"),
            ("LIVECLASS_VIDEO_PROVIDER", "zoom"),
            ("ZOOM_ACCOUNT_ID", "acc"),
            ("ZOOM_CLIENT_ID", "cid"),
            ("ZOOM_CLIENT_SECRET", "zoom-secret-value"),
        ])
        .unwrap();
        let VideoSettings::Zoom(zoom) = &s.video else {
            panic!("{:?}", s.video)
        };
        assert_eq!(
            (
                zoom.account_id.as_str(),
                zoom.client_id.as_str(),
                zoom.client_secret.expose()
            ),
            ("acc", "cid", "zoom-secret-value")
        );
        assert_eq!(zoom.api_url, "https://api.zoom.us/v2");
        assert_eq!(zoom.oauth_url, "https://zoom.us/oauth/token");
        assert!(!format!("{s:?}").contains("zoom-secret-value"));

        let s = settings(&[
            ("LIVECLASS_DEV_MODE", "1"),
            ("JITSI_DOMAIN", "meet.example.org"),
            ("JITSI_APP_ID", "app"),
            ("JITSI_APP_SECRET", "jitsi-secret-value"),
        ])
        .unwrap();
        let VideoSettings::Jitsi { domain, auth } = &s.video else {
            panic!("{:?}", s.video)
        };
        assert_eq!(domain, "meet.example.org");
        assert_eq!(auth.as_ref().map(|a| a.app_id.as_str()), Some("app"));
        assert!(!format!("{s:?}").contains("jitsi-secret-value"));
    }
}
