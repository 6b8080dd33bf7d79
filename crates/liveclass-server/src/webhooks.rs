//! Outgoing webhooks on the server's side: their settings, the AEAD secret
//! box that seals signing secrets at rest, and the HTTP sender with its
//! SSRF guard.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, Generate, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use liveclass_domain::webhooks::{
    RetrySchedule, SealedSecret, SecretBox, SecretError, SendResult, TargetRefused, WebhookPolicy,
    WebhookRequest, WebhookSender,
};

use crate::settings::{SettingsError, flag, invalid, number};

/// The development key (`LIVECLASS_DEV_MODE` without `LIVECLASS_SECRETS_KEY`):
/// public, so secrets sealed with it are not protected.
const DEV_KEY: [u8; 32] = *b"liveclass-development-secretskey";
/// The key id of [`DEV_KEY`].
const DEV_KEY_ID: &str = "dev";
/// Bound into every webhook signing secret (AEAD associated data).
const AAD: &[u8] = b"liveclass webhook secret v1";
/// Prefixed to the context of a value sealed with `seal_for` (provider
/// credentials: `provider-account:<id>:<field>`).
const BOUND_AAD_PREFIX: &[u8] = b"liveclass sealed v1:";
const NONCE_LEN: usize = 12;
/// Standard Webhooks: "somewhere between 15 and 30s".
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(15);

/// The webhooks' settings.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSettings {
    /// Retries, rotation overlap, leases.
    pub policy: WebhookPolicy,
    /// How often the delivery job runs (`LIVECLASS_WEBHOOK_DELIVERY_INTERVAL_MS`, 1000).
    pub deliver_every: Duration,
    /// `LIVECLASS_WEBHOOK_ALLOW_PRIVATE`: targets on loopback, private,
    /// link-local or metadata addresses are allowed (default: on in
    /// development mode only).
    pub allow_private: bool,
    /// The sealing key and its id, and older keys by id (for opening only).
    keys: Option<(String, [u8; 32])>,
    old_keys: HashMap<String, [u8; 32]>,
    /// The development key is in use.
    pub development_key: bool,
}

impl std::fmt::Debug for WebhookSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookSettings")
            .field("policy", &self.policy)
            .field("deliver_every", &self.deliver_every)
            .field("allow_private", &self.allow_private)
            .field("key_id", &self.keys.as_ref().map(|k| &k.0))
            .field("development_key", &self.development_key)
            .finish_non_exhaustive()
    }
}

fn parse_key(var: &'static str, raw: &str) -> Result<[u8; 32], SettingsError> {
    STANDARD
        .decode(raw.trim())
        .ok()
        .and_then(|k| <[u8; 32]>::try_from(k).ok())
        .ok_or_else(|| {
            invalid(
                var,
                "must be 32 bytes, base64-encoded (openssl rand -base64 32)",
            )
        })
}

impl WebhookSettings {
    pub(crate) fn from_lookup(
        lookup: &impl Fn(&str) -> Option<String>,
    ) -> Result<Self, SettingsError> {
        let development = flag(lookup, "LIVECLASS_DEV_MODE")?;
        let allow_private = match lookup("LIVECLASS_WEBHOOK_ALLOW_PRIVATE") {
            None => development,
            Some(_) => flag(lookup, "LIVECLASS_WEBHOOK_ALLOW_PRIVATE")?,
        };
        let key_id = lookup("LIVECLASS_SECRETS_KEY_ID").unwrap_or_else(|| "k1".into());
        if key_id.is_empty()
            || key_id.len() > 64
            || !key_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(invalid(
                "LIVECLASS_SECRETS_KEY_ID",
                "must be 1 to 64 letters, digits, - or _",
            ));
        }
        let (keys, development_key) = match lookup("LIVECLASS_SECRETS_KEY") {
            Some(raw) => (
                Some((key_id, parse_key("LIVECLASS_SECRETS_KEY", &raw)?)),
                false,
            ),
            None if development => (Some((DEV_KEY_ID.to_owned(), DEV_KEY)), true),
            None => (None, false),
        };
        let mut old_keys = HashMap::new();
        if let Some(raw) = lookup("LIVECLASS_SECRETS_OLD_KEYS") {
            for entry in raw.split(',').filter(|e| !e.trim().is_empty()) {
                let (id, key) = entry.trim().split_once(':').ok_or_else(|| {
                    invalid(
                        "LIVECLASS_SECRETS_OLD_KEYS",
                        "expected id:base64key,id:base64key",
                    )
                })?;
                old_keys.insert(id.to_owned(), parse_key("LIVECLASS_SECRETS_OLD_KEYS", key)?);
            }
        }
        let schedule = match lookup("LIVECLASS_WEBHOOK_RETRY_SCHEDULE_SECONDS") {
            None => RetrySchedule::default(),
            Some(raw) => raw
                .split(',')
                .map(|d| d.trim().parse::<u32>().ok())
                .collect::<Option<Vec<u32>>>()
                .and_then(|d| RetrySchedule::new(&d))
                .ok_or_else(|| {
                    invalid(
                        "LIVECLASS_WEBHOOK_RETRY_SCHEDULE_SECONDS",
                        format!(
                            "expected 1 to {} comma-separated delays in seconds (0,5,300,…)",
                            RetrySchedule::MAX
                        ),
                    )
                })?,
        };
        let overlap = number(
            lookup,
            "LIVECLASS_WEBHOOK_SECRET_OVERLAP_SECONDS",
            86_400u64,
        )?;
        let every = number(lookup, "LIVECLASS_WEBHOOK_DELIVERY_INTERVAL_MS", 1000u64)?;
        if !(10..=3_600_000).contains(&every) {
            return Err(invalid(
                "LIVECLASS_WEBHOOK_DELIVERY_INTERVAL_MS",
                "must be between 10 and 3600000",
            ));
        }
        Ok(Self {
            policy: WebhookPolicy {
                schedule,
                rotation_overlap: Duration::from_secs(overlap),
                ..WebhookPolicy::default()
            },
            deliver_every: Duration::from_millis(every),
            allow_private,
            keys,
            old_keys,
            development_key,
        })
    }

    /// The secret box of these keys.
    pub fn secret_box(&self) -> AeadSecretBox {
        AeadSecretBox {
            current: self.keys.clone(),
            old: self.old_keys.clone(),
        }
    }
}

/// Seals signing secrets with ChaCha20-Poly1305: a random 96-bit nonce per
/// secret, stored before the ciphertext; the key id is kept beside it.
pub struct AeadSecretBox {
    current: Option<(String, [u8; 32])>,
    old: HashMap<String, [u8; 32]>,
}

impl SecretBox for AeadSecretBox {
    fn generate(&self) -> Result<Vec<u8>, SecretError> {
        if self.current.is_none() {
            return Err(SecretError::NoKey);
        }
        let mut key = vec![0u8; 32];
        getrandom::fill(&mut key).map_err(|e| SecretError::Corrupt(anyhow::anyhow!("{e}")))?;
        Ok(key)
    }

    fn seal(&self, plain: &[u8]) -> Result<SealedSecret, SecretError> {
        self.seal_with(plain, AAD)
    }

    fn open(&self, sealed: &SealedSecret) -> Result<Vec<u8>, SecretError> {
        self.open_with(sealed, AAD)
    }

    fn seal_for(&self, plain: &[u8], context: &str) -> Result<SealedSecret, SecretError> {
        self.seal_with(plain, &bound_aad(context))
    }

    fn open_for(&self, sealed: &SealedSecret, context: &str) -> Result<Vec<u8>, SecretError> {
        self.open_with(sealed, &bound_aad(context))
    }
}

/// The associated data of a value sealed for `context`.
fn bound_aad(context: &str) -> Vec<u8> {
    let mut aad = BOUND_AAD_PREFIX.to_vec();
    aad.extend_from_slice(context.as_bytes());
    aad
}

impl AeadSecretBox {
    fn seal_with(&self, plain: &[u8], aad: &[u8]) -> Result<SealedSecret, SecretError> {
        let (id, key) = self.current.as_ref().ok_or(SecretError::NoKey)?;
        let cipher = ChaCha20Poly1305::new_from_slice(key)
            .map_err(|e| SecretError::Corrupt(anyhow::anyhow!("{e}")))?;
        let nonce = Nonce::generate();
        let ct = cipher
            .encrypt(&nonce, Payload { msg: plain, aad })
            .map_err(|e| SecretError::Corrupt(anyhow::anyhow!("seal: {e}")))?;
        let mut sealed = nonce.to_vec();
        sealed.extend_from_slice(&ct);
        Ok(SealedSecret {
            key_id: id.clone(),
            sealed,
        })
    }

    fn open_with(&self, sealed: &SealedSecret, aad: &[u8]) -> Result<Vec<u8>, SecretError> {
        let key = match &self.current {
            Some((id, key)) if *id == sealed.key_id => key,
            _ => self.old.get(&sealed.key_id).ok_or_else(|| {
                SecretError::Corrupt(anyhow::anyhow!(
                    "sealed with key `{}`, which is not configured",
                    sealed.key_id
                ))
            })?,
        };
        if sealed.sealed.len() < NONCE_LEN {
            return Err(SecretError::Corrupt(anyhow::anyhow!(
                "sealed secret too short"
            )));
        }
        let (nonce, ct) = sealed.sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_from(nonce)
            .map_err(|_| SecretError::Corrupt(anyhow::anyhow!("bad nonce")))?;
        let cipher = ChaCha20Poly1305::new_from_slice(key)
            .map_err(|e| SecretError::Corrupt(anyhow::anyhow!("{e}")))?;
        cipher
            .decrypt(&nonce, Payload { msg: ct, aad })
            .map_err(|e| SecretError::Corrupt(anyhow::anyhow!("open: {e}")))
    }
}

/// Whether webhooks may not reach `ip`: loopback, private (RFC 1918, ULA),
/// link-local (the 169.254.169.254 metadata address included), CGNAT,
/// multicast, unspecified, broadcast and reserved ranges, and IPv6 forms
/// that embed such an IPv4 address.
pub fn is_forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> bool {
    let [a, b, _, _] = ip.octets();
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // CGNAT 100.64.0.0/10
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // IETF 192.0.0.0/24
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240 // reserved
}

fn forbidden_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return forbidden_v4(v4);
    }
    let s = ip.segments();
    // NAT64 (64:ff9b::/96) embeds an IPv4 address.
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
        return forbidden_v4(Ipv4Addr::new(
            (s[6] >> 8) as u8,
            s[6] as u8,
            (s[7] >> 8) as u8,
            s[7] as u8,
        ));
    }
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // ULA fc00::/7 (fd00:ec2::254 included)
        || (s[0] & 0xffc0) == 0xfe80 // link-local
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
        || s[0..6] == [0, 0, 0, 0, 0, 0] // IPv4-compatible ::a.b.c.d
}

/// Sends webhooks with reqwest: redirects never followed, a 15 s timeout,
/// and the host resolved here, checked, and connected to at exactly the
/// checked addresses (so a DNS answer that changes between the check and
/// the connection cannot bypass it).
pub struct HttpWebhookSender {
    allow_private: bool,
}

impl HttpWebhookSender {
    /// A sender; `allow_private` lifts the address check.
    pub fn new(allow_private: bool) -> Self {
        Self { allow_private }
    }

    /// The URL's host, port and checked addresses.
    async fn resolve(&self, raw: &str) -> Result<(String, Vec<SocketAddr>), TargetRefused> {
        let url = url::Url::parse(raw).map_err(|_| TargetRefused("not a URL".into()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(TargetRefused("only http and https URLs are allowed".into()));
        }
        let host = url
            .host_str()
            .ok_or_else(|| TargetRefused("the URL has no host".into()))?
            .to_owned();
        let port = url
            .port_or_known_default()
            .ok_or_else(|| TargetRefused("the URL has no port".into()))?;
        let bare = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let addrs: Vec<SocketAddr> = match bare.parse::<IpAddr>() {
            Ok(ip) => vec![SocketAddr::new(ip, port)],
            Err(_) => tokio::net::lookup_host((bare.as_str(), port))
                .await
                .map_err(|e| TargetRefused(format!("the host `{bare}` does not resolve ({e})")))?
                .collect(),
        };
        if addrs.is_empty() {
            return Err(TargetRefused(format!("the host `{bare}` does not resolve")));
        }
        if !self.allow_private
            && let Some(bad) = addrs.iter().find(|a| is_forbidden(a.ip()))
        {
            return Err(TargetRefused(format!(
                "the host `{bare}` resolves to {}, a loopback, private, link-local or \
                 otherwise non-public address",
                bad.ip()
            )));
        }
        Ok((bare, addrs))
    }
}

#[async_trait]
impl WebhookSender for HttpWebhookSender {
    async fn check_target(&self, url: &str) -> Result<(), TargetRefused> {
        self.resolve(url).await.map(|_| ())
    }

    async fn send(&self, request: WebhookRequest) -> SendResult {
        let started = Instant::now();
        let no_answer = |error: String| SendResult::NoAnswer {
            error,
            latency: started.elapsed(),
        };
        let (host, addrs) = match self.resolve(&request.url).await {
            Ok(r) => r,
            Err(e) => return no_answer(format!("refused: {e}")),
        };
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // A proxy would connect elsewhere than the checked address.
            .no_proxy()
            .timeout(ATTEMPT_TIMEOUT)
            .user_agent("LiveClass-Webhooks/1");
        if host.parse::<IpAddr>().is_err() {
            builder = builder.resolve_to_addrs(&host, &addrs);
        }
        let client = match builder.build() {
            Ok(c) => c,
            Err(e) => return no_answer(format!("client: {e}")),
        };
        let mut call = client
            .post(&request.url)
            .header("content-type", "application/json")
            .body(request.body);
        for (name, value) in &request.headers {
            call = call.header(name.as_str(), value.as_str());
        }
        match call.send().await {
            Ok(response) => {
                let retry_after = response
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs);
                SendResult::Answered {
                    status: response.status().as_u16(),
                    retry_after,
                    latency: started.elapsed(),
                }
            }
            Err(e) => {
                let kind = if e.is_timeout() {
                    "timeout"
                } else {
                    "connection"
                };
                no_answer(format!("{kind}: {e}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn settings(vars: &[(&str, &str)]) -> Result<WebhookSettings, SettingsError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        WebhookSettings::from_lookup(&|k: &str| vars.get(k).cloned())
    }

    #[test]
    fn non_public_addresses_are_forbidden_and_public_ones_allowed() {
        for bad in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fd00:ec2::254",
            "fc00::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
        ] {
            assert!(
                is_forbidden(bad.parse().unwrap()),
                "{bad} must be forbidden"
            );
        }
        for good in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700:4700::1111",
            "172.32.0.1",
        ] {
            assert!(
                !is_forbidden(good.parse().unwrap()),
                "{good} must be allowed"
            );
        }
    }

    #[tokio::test]
    async fn targets_on_loopback_and_metadata_are_refused_unless_allowed() {
        let strict = HttpWebhookSender::new(false);
        for url in [
            "http://127.0.0.1:9/x",
            "http://localhost:9/x",
            "http://169.254.169.254/latest/meta-data",
            "http://[fd00:ec2::254]/",
            "http://[::1]:8080/",
        ] {
            assert!(strict.check_target(url).await.is_err(), "{url}");
        }
        assert!(
            HttpWebhookSender::new(true)
                .check_target("http://127.0.0.1:9/x")
                .await
                .is_ok()
        );
        // A refused target is never contacted.
        let SendResult::NoAnswer { error, .. } = strict
            .send(WebhookRequest {
                url: "http://127.0.0.1:9/x".into(),
                headers: vec![],
                body: vec![],
            })
            .await
        else {
            panic!("expected a refusal")
        };
        assert!(error.starts_with("refused"), "{error}");
    }

    #[test]
    fn secrets_round_trip_and_a_wrong_key_cannot_open_them() {
        let key = STANDARD.encode([7u8; 32]);
        let s = settings(&[("LIVECLASS_SECRETS_KEY", &key)]).unwrap();
        let b = s.secret_box();
        let secret = b.generate().unwrap();
        assert_eq!(secret.len(), 32);
        let sealed = b.seal(&secret).unwrap();
        assert_eq!(sealed.key_id, "k1");
        assert!(!sealed.sealed.windows(32).any(|w| w == secret.as_slice()));
        assert_eq!(b.open(&sealed).unwrap(), secret);
        // After a key rotation, the old key still opens it.
        let other = STANDARD.encode([8u8; 32]);
        let rotated = settings(&[
            ("LIVECLASS_SECRETS_KEY", &other),
            ("LIVECLASS_SECRETS_KEY_ID", "k2"),
            ("LIVECLASS_SECRETS_OLD_KEYS", &format!("k1:{key}")),
        ])
        .unwrap();
        assert_eq!(rotated.secret_box().open(&sealed).unwrap(), secret);
        let wrong = settings(&[("LIVECLASS_SECRETS_KEY", &other)]).unwrap();
        assert!(wrong.secret_box().open(&sealed).is_err());
    }

    #[test]
    fn a_value_sealed_for_one_context_opens_only_in_that_context_and_after_rotation() {
        let key = STANDARD.encode([7u8; 32]);
        let b = settings(&[("LIVECLASS_SECRETS_KEY", &key)])
            .unwrap()
            .secret_box();
        let sealed = b
            .seal_for(b"client-secret-value", "provider-account:a:secret")
            .unwrap();
        assert_eq!(sealed.key_id, "k1");
        assert!(!sealed.sealed.windows(6).any(|w| w == b"client"));
        assert_eq!(
            b.open_for(&sealed, "provider-account:a:secret").unwrap(),
            b"client-secret-value"
        );
        // Moved to another row or field, or opened as a webhook secret: refused.
        assert!(b.open_for(&sealed, "provider-account:b:secret").is_err());
        assert!(b.open_for(&sealed, "provider-account:a:webhook").is_err());
        assert!(b.open(&sealed).is_err());
        let rotated = settings(&[
            ("LIVECLASS_SECRETS_KEY", &STANDARD.encode([8u8; 32])),
            ("LIVECLASS_SECRETS_KEY_ID", "k2"),
            ("LIVECLASS_SECRETS_OLD_KEYS", &format!("k1:{key}")),
        ])
        .unwrap()
        .secret_box();
        assert_eq!(
            rotated
                .open_for(&sealed, "provider-account:a:secret")
                .unwrap(),
            b"client-secret-value"
        );
        assert_eq!(rotated.seal_for(b"x", "c").unwrap().key_id, "k2");
    }

    #[test]
    fn without_a_key_secrets_are_refused_except_in_development_mode() {
        let none = settings(&[]).unwrap();
        assert!(matches!(
            none.secret_box().generate(),
            Err(SecretError::NoKey)
        ));
        assert!(!none.allow_private);
        let dev = settings(&[("LIVECLASS_DEV_MODE", "1")]).unwrap();
        assert!(dev.development_key && dev.allow_private);
        assert!(dev.secret_box().seal(b"x").is_ok());
        assert!(settings(&[("LIVECLASS_SECRETS_KEY", "short")]).is_err());
        assert!(settings(&[("LIVECLASS_WEBHOOK_RETRY_SCHEDULE_SECONDS", "0,x")]).is_err());
        let s = settings(&[("LIVECLASS_WEBHOOK_RETRY_SCHEDULE_SECONDS", "0,1,1")]).unwrap();
        assert_eq!(s.policy.schedule.attempts(), 3);
        assert_eq!(settings(&[]).unwrap().policy.schedule.attempts(), 10);
    }
}
