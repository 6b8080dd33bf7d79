//! Keys from the identity provider's JWKS endpoint (`LIVECLASS_JWT_JWKS_URL`).
//!
//! - The key set is fetched on the first token, then kept for the
//!   `Cache-Control: max-age` the endpoint answers with (kept between
//!   [`JwksSource::min_refetch`] and a day; [`DEFAULT_TTL`] without one).
//! - A token's key is chosen by its `kid`. An unknown `kid` fetches the set
//!   again (the provider rotated its keys), but never twice within
//!   [`JwksSource::min_refetch`]: a flood of tokens with made-up `kid`s costs
//!   the provider one request per interval, not one per token.
//! - One fetch at a time: requests waiting for keys share it.
//! - When a fetch fails, the keys already held stay in use (logged).
//! - Keys are RSA (RS256/384/512, PS256/384/512), EC P-256 (ES256) and P-384
//!   (ES384), and Ed25519 (EdDSA). Symmetric (`oct`) keys and keys marked
//!   `use: enc` are ignored: a key from a URL never verifies an HMAC token.
//!
//! This cache is per process; each server process fetches on its own.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{
    AlgorithmParameters, EllipticCurve, Jwk, JwkSet, KeyAlgorithm, PublicKeyUse,
};
use jsonwebtoken::{Algorithm, DecodingKey};

/// How long keys are kept when the endpoint sends no `max-age`.
pub const DEFAULT_TTL: Duration = Duration::from_secs(300);
/// The longest keys are kept, whatever `max-age` says.
pub const MAX_TTL: Duration = Duration::from_secs(86_400);
/// The default of [`JwksSource::min_refetch`].
pub const DEFAULT_MIN_REFETCH: Duration = Duration::from_secs(30);

/// Where the key set comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwksSource {
    /// `LIVECLASS_JWT_JWKS_URL`.
    pub url: String,
    /// The shortest time between two fetches
    /// (`LIVECLASS_JWT_JWKS_MIN_REFETCH_SECONDS`).
    pub min_refetch: Duration,
    /// How long one fetch may take.
    pub timeout: Duration,
}

impl JwksSource {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            min_refetch: DEFAULT_MIN_REFETCH,
            timeout: Duration::from_secs(5),
        }
    }
}

/// A key from the set, with the algorithms it may verify.
pub(crate) struct CachedKey {
    pub key: DecodingKey,
    pub algorithms: Vec<Algorithm>,
}

#[derive(Default)]
struct Held {
    by_kid: HashMap<String, Arc<CachedKey>>,
    without_kid: Vec<Arc<CachedKey>>,
    expires: Option<Instant>,
    last_attempt: Option<Instant>,
    /// Counts fetch attempts: a waiter that sees it move knows another
    /// request fetched meanwhile.
    attempts: u64,
}

/// Why no key was found, for the operator's log line.
#[derive(Debug, thiserror::Error)]
pub(crate) enum KeyError {
    #[error(
        "no key with kid `{kid}` in the JWKS (refetched at most every {}s)",
        .min_refetch.as_secs()
    )]
    UnknownKid { kid: String, min_refetch: Duration },
    #[error("the token has no `kid` and the JWKS does not have exactly one key for {alg:?}")]
    NoKid { alg: Algorithm },
    #[error("the JWKS could not be fetched and no keys are held: {0}")]
    Unavailable(String),
}

pub(crate) struct JwksCache {
    source: JwksSource,
    client: reqwest::Client,
    held: RwLock<Held>,
    fetching: tokio::sync::Mutex<()>,
}

impl JwksCache {
    pub fn new(source: JwksSource) -> Result<Self, reqwest::Error> {
        // reqwest is built without a rustls crypto provider; ring is the
        // project's (see liveclass-video's client). Idempotent.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .timeout(source.timeout)
            .user_agent(concat!("liveclass/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            source,
            client,
            held: RwLock::new(Held::default()),
            fetching: tokio::sync::Mutex::new(()),
        })
    }

    pub fn url(&self) -> &str {
        &self.source.url
    }

    /// The key held for `kid`, without fetching (for synchronous callers).
    pub fn cached(&self, kid: Option<&str>, alg: Algorithm) -> Option<Arc<CachedKey>> {
        let held = self
            .held
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        find(&held, kid, alg).ok()
    }

    /// The key for a token's `kid` and `alg`, fetching the set when it is
    /// stale or does not know the `kid` (at most once per `min_refetch`).
    pub async fn key(&self, kid: Option<&str>, alg: Algorithm) -> Result<Arc<CachedKey>, KeyError> {
        self.lookup(kid, alg).await.map_err(|e| match e {
            KeyError::UnknownKid { kid, .. } => KeyError::UnknownKid {
                kid,
                min_refetch: self.source.min_refetch,
            },
            other => other,
        })
    }

    async fn lookup(&self, kid: Option<&str>, alg: Algorithm) -> Result<Arc<CachedKey>, KeyError> {
        let now = Instant::now();
        let seen = {
            let held = self
                .held
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let fresh = held.expires.is_some_and(|e| now < e);
            let found = find(&held, kid, alg);
            match found {
                Ok(key) if fresh => return Ok(key),
                _ if !self.may_fetch(&held, now) => return found,
                _ => held.attempts,
            }
        };
        let _guard = self.fetching.lock().await;
        let moved = {
            let held = self
                .held
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            held.attempts != seen
        };
        if !moved {
            self.fetch().await;
        }
        let held = self
            .held
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        find(&held, kid, alg)
    }

    fn may_fetch(&self, held: &Held, now: Instant) -> bool {
        held.last_attempt
            .is_none_or(|last| now.duration_since(last) >= self.source.min_refetch)
    }

    /// Fetches the set; on failure keeps what is held and logs why.
    async fn fetch(&self) {
        let started = Instant::now();
        let result = self.download().await;
        let mut held = self
            .held
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        held.last_attempt = Some(started);
        held.attempts += 1;
        match result {
            Ok((set, max_age)) => {
                let ttl = max_age
                    .unwrap_or(DEFAULT_TTL)
                    .clamp(self.source.min_refetch, MAX_TTL);
                let (by_kid, without_kid, skipped) = index(&set);
                tracing::info!(
                    url = %self.source.url,
                    keys = by_kid.len() + without_kid.len(),
                    skipped,
                    ttl_seconds = ttl.as_secs(),
                    "fetched the JWKS"
                );
                held.by_kid = by_kid;
                held.without_kid = without_kid;
                held.expires = Some(started + ttl);
            }
            Err(e) => {
                tracing::warn!(
                    url = %self.source.url,
                    error = %e,
                    keys_held = held.by_kid.len() + held.without_kid.len(),
                    "could not fetch the JWKS; keeping the keys held"
                );
            }
        }
    }

    async fn download(&self) -> Result<(JwkSet, Option<Duration>), String> {
        let response = self
            .client
            .get(&self.source.url)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|e| format!("request failed: {e}"))?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("the endpoint answered {status}"));
        }
        let max_age = response
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok())
            .and_then(max_age);
        let body = response
            .bytes()
            .await
            .map_err(|e| format!("reading the body failed: {e}"))?;
        let set: JwkSet =
            serde_json::from_slice(&body).map_err(|e| format!("the body is not a JWK set: {e}"))?;
        Ok((set, max_age))
    }
}

fn find(held: &Held, kid: Option<&str>, alg: Algorithm) -> Result<Arc<CachedKey>, KeyError> {
    match kid {
        Some(kid) => held
            .by_kid
            .get(kid)
            .cloned()
            .ok_or_else(|| KeyError::UnknownKid {
                kid: kid.to_owned(),
                min_refetch: Duration::ZERO,
            }),
        None => {
            let mut candidates = held
                .by_kid
                .values()
                .chain(held.without_kid.iter())
                .filter(|k| k.algorithms.contains(&alg));
            match (candidates.next(), candidates.next()) {
                (Some(only), None) => Ok(only.clone()),
                _ if held.expires.is_none() => {
                    Err(KeyError::Unavailable("no key set held yet".into()))
                }
                _ => Err(KeyError::NoKid { alg }),
            }
        }
    }
}

/// `max-age` of a `Cache-Control` value; `no-store`/`no-cache` count as 0.
pub(crate) fn max_age(value: &str) -> Option<Duration> {
    let mut age = None;
    for directive in value.split(',').map(str::trim) {
        let lower = directive.to_ascii_lowercase();
        if lower == "no-store" || lower == "no-cache" {
            return Some(Duration::ZERO);
        }
        if let Some(v) = lower.strip_prefix("max-age=") {
            age = v
                .trim_matches('"')
                .parse::<u64>()
                .ok()
                .map(Duration::from_secs);
        }
    }
    age
}

type Index = (HashMap<String, Arc<CachedKey>>, Vec<Arc<CachedKey>>, usize);

fn index(set: &JwkSet) -> Index {
    let mut by_kid = HashMap::new();
    let mut without_kid = Vec::new();
    let mut skipped = 0;
    for jwk in &set.keys {
        match cached_key(jwk) {
            Ok(key) => match &jwk.common.key_id {
                Some(kid) => {
                    by_kid.insert(kid.clone(), Arc::new(key));
                }
                None => without_kid.push(Arc::new(key)),
            },
            Err(why) => {
                skipped += 1;
                tracing::debug!(kid = ?jwk.common.key_id, why, "JWKS key ignored");
            }
        }
    }
    (by_kid, without_kid, skipped)
}

const RSA_ALGORITHMS: [Algorithm; 6] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
];

fn cached_key(jwk: &Jwk) -> Result<CachedKey, &'static str> {
    if matches!(jwk.common.public_key_use, Some(PublicKeyUse::Encryption)) {
        return Err("marked for encryption");
    }
    let by_type: Vec<Algorithm> = match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => RSA_ALGORITHMS.to_vec(),
        AlgorithmParameters::EllipticCurve(p) => match p.curve {
            EllipticCurve::P256 => vec![Algorithm::ES256],
            EllipticCurve::P384 => vec![Algorithm::ES384],
            _ => return Err("unsupported curve"),
        },
        AlgorithmParameters::OctetKeyPair(p) if p.curve == EllipticCurve::Ed25519 => {
            vec![Algorithm::EdDSA]
        }
        AlgorithmParameters::OctetKeyPair(_) => return Err("unsupported curve"),
        AlgorithmParameters::OctetKey(_) => return Err("symmetric keys are never accepted"),
        _ => return Err("unsupported key type"),
    };
    let algorithms = match jwk.common.key_algorithm {
        None => by_type,
        Some(alg) => {
            let alg = declared(alg).ok_or("unsupported `alg`")?;
            if !by_type.contains(&alg) {
                return Err("`alg` does not fit the key type");
            }
            vec![alg]
        }
    };
    let key = DecodingKey::from_jwk(jwk).map_err(|_| "malformed key parameters")?;
    Ok(CachedKey { key, algorithms })
}

fn declared(alg: KeyAlgorithm) -> Option<Algorithm> {
    Some(match alg {
        KeyAlgorithm::RS256 => Algorithm::RS256,
        KeyAlgorithm::RS384 => Algorithm::RS384,
        KeyAlgorithm::RS512 => Algorithm::RS512,
        KeyAlgorithm::PS256 => Algorithm::PS256,
        KeyAlgorithm::PS384 => Algorithm::PS384,
        KeyAlgorithm::PS512 => Algorithm::PS512,
        KeyAlgorithm::ES256 => Algorithm::ES256,
        KeyAlgorithm::ES384 => Algorithm::ES384,
        KeyAlgorithm::EdDSA => Algorithm::EdDSA,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_age_is_read_from_cache_control() {
        assert_eq!(
            max_age("public, max-age=600"),
            Some(Duration::from_secs(600))
        );
        assert_eq!(
            max_age("Max-Age=\"60\", must-revalidate"),
            Some(Duration::from_secs(60))
        );
        assert_eq!(max_age("no-store"), Some(Duration::ZERO));
        assert_eq!(
            max_age("private, no-cache, max-age=60"),
            Some(Duration::ZERO)
        );
        assert_eq!(max_age("public"), None);
        assert_eq!(max_age("max-age=soon"), None);
    }

    #[test]
    fn symmetric_and_encryption_keys_are_ignored() {
        let set: JwkSet = serde_json::from_value(serde_json::json!({"keys": [
            {"kty": "oct", "kid": "h", "k": "c2VjcmV0"},
            {"kty": "RSA", "kid": "enc", "use": "enc", "n": "AQAB", "e": "AQAB"},
            {"kty": "RSA", "kid": "bad-alg", "alg": "ES256", "n": "AQAB", "e": "AQAB"},
            {"kty": "RSA", "kid": "ok", "alg": "RS256", "n": "AQAB", "e": "AQAB"},
        ]}))
        .unwrap_or_else(|e| panic!("{e}"));
        let (by_kid, without_kid, skipped) = index(&set);
        assert_eq!(skipped, 3);
        assert!(without_kid.is_empty());
        assert_eq!(by_kid.keys().collect::<Vec<_>>(), vec!["ok"]);
        assert_eq!(by_kid["ok"].algorithms, vec![Algorithm::RS256]);
    }
}
