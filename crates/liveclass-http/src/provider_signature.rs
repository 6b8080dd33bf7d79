//! Signatures of the webhooks Daily and Zoom send to LiveClass, checked over
//! the raw body bytes (never a re-serialised JSON value), with a
//! constant-time comparison (`hmac`'s `verify_slice`) and a freshness window.
//!
//! - Zoom: `x-zm-signature = "v0=" + hex(HMAC-SHA256(secret, "v0:{ts}:{body}"))`,
//!   `ts` = `x-zm-request-timestamp` (unix seconds).
//! - Daily: `X-Webhook-Signature = base64(HMAC-SHA256(base64decode(secret), "{ts}.{body}"))`,
//!   `ts` = `X-Webhook-Timestamp` (unix seconds; a value in milliseconds is
//!   accepted too, since Daily documents no unit).
//!
//! A timestamp more than [`MAX_SKEW_SECONDS`] away from now, in the past or
//! the future, is refused: a captured delivery cannot be replayed later.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// How far a delivery's timestamp may be from now (5 minutes).
pub const MAX_SKEW_SECONDS: i64 = 300;

/// The server-wide secrets of the incoming provider webhooks; `None` when the
/// setting is unset, and the endpoint then answers 503
/// `provider_webhook_not_configured`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ProviderWebhookSecrets {
    /// `DAILY_WEBHOOK_SECRET`, already base64-decoded (the HMAC key).
    pub daily: Option<Vec<u8>>,
    /// `ZOOM_WEBHOOK_SECRET`: the app's secret token, used as is.
    pub zoom: Option<Vec<u8>>,
}

impl std::fmt::Debug for ProviderWebhookSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderWebhookSecrets")
            .field("daily", &self.daily.as_ref().map(|_| "<redacted>"))
            .field("zoom", &self.zoom.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl ProviderWebhookSecrets {
    /// Decodes `DAILY_WEBHOOK_SECRET` (base64, as Daily issues it).
    ///
    /// # Errors
    /// Not base64, or empty once decoded.
    pub fn decode_daily(secret: &str) -> Result<Vec<u8>, &'static str> {
        match BASE64.decode(secret.trim()) {
            Ok(key) if !key.is_empty() => Ok(key),
            _ => Err("must be the base64 secret Daily issued (the webhook's `hmac`)"),
        }
    }
}

/// Why a delivery's signature is refused (all answered 401 `invalid_signature`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the {0} header is missing")]
    Missing(&'static str),
    #[error("the {0} header is malformed")]
    Malformed(&'static str),
    #[error("the timestamp is more than 5 minutes away from now")]
    Stale,
    #[error("the signature does not match the body")]
    Mismatch,
}

fn mac(key: &[u8]) -> HmacSha256 {
    HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length")
}

/// Parses a unix timestamp header and checks it is within the window.
fn fresh(raw: &str, header: &'static str, now: i64, millis_ok: bool) -> Result<(), SignatureError> {
    let mut ts: i64 = raw
        .trim()
        .parse()
        .map_err(|_| SignatureError::Malformed(header))?;
    if millis_ok && ts > 100_000_000_000 {
        ts /= 1000;
    }
    if (now - ts).abs() > MAX_SKEW_SECONDS {
        return Err(SignatureError::Stale);
    }
    Ok(())
}

/// Checks a Zoom delivery: `signature` and `timestamp` are the
/// `x-zm-signature` and `x-zm-request-timestamp` headers, `now` unix seconds.
///
/// # Errors
/// See [`SignatureError`].
pub fn verify_zoom(
    secret: &[u8],
    signature: Option<&str>,
    timestamp: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    let signature = signature.ok_or(SignatureError::Missing("x-zm-signature"))?;
    let timestamp = timestamp.ok_or(SignatureError::Missing("x-zm-request-timestamp"))?;
    fresh(timestamp, "x-zm-request-timestamp", now, false)?;
    let expected = signature
        .strip_prefix("v0=")
        .and_then(hex_decode)
        .ok_or(SignatureError::Malformed("x-zm-signature"))?;
    let mut mac = mac(secret);
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    mac.verify_slice(&expected)
        .map_err(|_| SignatureError::Mismatch)
}

/// Zoom's `endpoint.url_validation` answer: `hex(HMAC-SHA256(secret, plainToken))`.
/// Only ever computed for a request whose own signature was verified: an
/// unsigned challenge would make the endpoint a signing oracle (the CRC and
/// the signature share key and format).
pub fn zoom_encrypted_token(secret: &[u8], plain_token: &str) -> String {
    let mut mac = mac(secret);
    mac.update(plain_token.as_bytes());
    hex_encode(&mac.finalize().into_bytes())
}

/// Checks a Daily delivery: `signature` and `timestamp` are the
/// `X-Webhook-Signature` and `X-Webhook-Timestamp` headers, `key` the
/// decoded secret, `now` unix seconds.
///
/// # Errors
/// See [`SignatureError`].
pub fn verify_daily(
    key: &[u8],
    signature: Option<&str>,
    timestamp: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    let signature = signature.ok_or(SignatureError::Missing("X-Webhook-Signature"))?;
    let timestamp = timestamp.ok_or(SignatureError::Missing("X-Webhook-Timestamp"))?;
    fresh(timestamp, "X-Webhook-Timestamp", now, true)?;
    let expected = BASE64
        .decode(signature.trim())
        .map_err(|_| SignatureError::Malformed("X-Webhook-Signature"))?;
    let mut mac = mac(key);
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&expected)
        .map_err(|_| SignatureError::Mismatch)
}

/// Signs like Zoom does (tests and local tooling).
pub fn sign_zoom(secret: &[u8], timestamp: &str, body: &[u8]) -> String {
    let mut mac = mac(secret);
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    format!("v0={}", hex_encode(&mac.finalize().into_bytes()))
}

/// Signs like Daily does (tests and local tooling); `key` is decoded.
pub fn sign_daily(key: &[u8], timestamp: &str, body: &[u8]) -> String {
    let mut mac = mac(key);
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    BASE64.encode(mac.finalize().into_bytes())
}

pub(crate) fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hex_decode(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) || !hex.is_ascii() {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Vectors of the reference (providers.md §1–2,
    // events-webhooks-attendance.md §4.1, §5.1), computed with Python and
    // openssl there.
    const ZOOM_BODY: &str = r#"{"event":"meeting.started","event_ts":1700000000123,"payload":{"account_id":"acc1","object":{"id":"85746065432","uuid":"4444AAAiAAAAAiAiAiiAii==","host_id":"h1","topic":"Class","type":2,"start_time":"2023-11-14T22:13:20Z","duration":60,"timezone":"UTC"}}}"#;
    const ZOOM_SIG: &str = "v0=21d212cbfe686d4cf0d22e73f4cc0855c897701d1a5ed78f5cd81bda8c5d0250";
    const DAILY_SECRET: &str = "ZGFpbHktdGVzdC1zZWNyZXQtMzItYnl0ZXMtbG9uZyE=";
    const DAILY_BODY: &str = r#"{"version":"1.0.0","type":"meeting.started","id":"ev1","payload":{"start_ts":1700000000,"meeting_id":"m1","room":"class-1"},"event_ts":1700000001}"#;
    const DAILY_SIG: &str = "TM6F+i4uHYg0JaVDZZaINzZWmXQS3JJUBu6/HoBUnRk=";

    #[test]
    fn zoom_reference_vectors() {
        let secret = b"test_secret_token";
        let now = 1_700_000_000;
        assert_eq!(ZOOM_BODY.len(), 255);
        assert_eq!(
            verify_zoom(
                secret,
                Some(ZOOM_SIG),
                Some("1700000000"),
                ZOOM_BODY.as_bytes(),
                now
            ),
            Ok(())
        );
        assert_eq!(
            sign_zoom(secret, "1700000000", ZOOM_BODY.as_bytes()),
            ZOOM_SIG
        );
        assert_eq!(
            zoom_encrypted_token(secret, "qgg8vlvZRS6UYooatFL8Aw"),
            "4efea922935c335d972476de138d2208a0d46ab28c79ee592d497a1b216419b8"
        );
        // The second vector (§4.1), over Zoom's own doc example.
        let body = r#"{"event":"session.started","payload":{"account_id":"{ACCOUNT_ID}","object":{"start_time":"2022-07-27T16:56:34Z","id":"{SESSION_ID}"}},"event_ts":1658940994914}"#;
        assert_eq!(
            verify_zoom(
                b"test_zoom_secret",
                Some("v0=7a3d03052ee896c31c2f21fe6437e954a83adae630b5d610c305aecde6a9ff61"),
                Some("1658940994"),
                body.as_bytes(),
                1_658_940_994 + 299,
            ),
            Ok(())
        );
    }

    #[test]
    fn zoom_refusals() {
        let secret = b"test_secret_token";
        let body = ZOOM_BODY.as_bytes();
        let now = 1_700_000_000;
        let check = |sig: Option<&str>, ts: Option<&str>, body: &[u8], now: i64| {
            verify_zoom(secret, sig, ts, body, now)
        };
        assert_eq!(
            check(None, Some("1700000000"), body, now),
            Err(SignatureError::Missing("x-zm-signature"))
        );
        assert_eq!(
            check(Some(ZOOM_SIG), None, body, now),
            Err(SignatureError::Missing("x-zm-request-timestamp"))
        );
        // One byte more in the body, a signature for another timestamp,
        // another secret, a truncated or non-hex signature.
        let mut longer = body.to_vec();
        longer.push(b' ');
        assert_eq!(
            check(Some(ZOOM_SIG), Some("1700000000"), &longer, now),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            check(Some(ZOOM_SIG), Some("1700000001"), body, now),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_zoom(b"other", Some(ZOOM_SIG), Some("1700000000"), body, now),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            check(Some(&ZOOM_SIG[..21]), Some("1700000000"), body, now),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            check(Some("v0=zz"), Some("1700000000"), body, now),
            Err(SignatureError::Malformed("x-zm-signature"))
        );
        assert_eq!(
            check(Some(&ZOOM_SIG[3..]), Some("1700000000"), body, now),
            Err(SignatureError::Malformed("x-zm-signature"))
        );
        assert_eq!(
            check(Some(ZOOM_SIG), Some("soon"), body, now),
            Err(SignatureError::Malformed("x-zm-request-timestamp"))
        );
        // Correctly signed but older than 5 minutes (or that far ahead).
        assert_eq!(
            check(Some(ZOOM_SIG), Some("1700000000"), body, now + 301),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            check(Some(ZOOM_SIG), Some("1700000000"), body, now - 301),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            check(Some(ZOOM_SIG), Some("1700000000"), body, now + 300),
            Ok(())
        );
    }

    #[test]
    fn daily_reference_vectors() {
        let key = ProviderWebhookSecrets::decode_daily(DAILY_SECRET).unwrap();
        assert_eq!(
            verify_daily(
                &key,
                Some(DAILY_SIG),
                Some("1700000001"),
                DAILY_BODY.as_bytes(),
                1_700_000_001
            ),
            Ok(())
        );
        assert_eq!(
            sign_daily(&key, "1700000001", DAILY_BODY.as_bytes()),
            DAILY_SIG
        );
        // The second vector (§5.1).
        let key =
            ProviderWebhookSecrets::decode_daily("dGVzdF9kYWlseV9zZWNyZXRfMzJfYnl0ZXNfbG9uZyE=")
                .unwrap();
        let body = r#"{"version":"1.0.0","type":"participant.joined","id":"ptcpt-join-1","payload":{"room":"test","session_id":"0c0d2dda","joined_at":1708972279.96},"event_ts":1708972279.961}"#;
        assert_eq!(
            verify_daily(
                &key,
                Some("JYVfn3KSQWS+IdPX5cpMe/LCPfy5OLXl/1SfDs91u3A="),
                Some("1708972279"),
                body.as_bytes(),
                1_708_972_279,
            ),
            Ok(())
        );
    }

    #[test]
    fn daily_refusals() {
        let key = ProviderWebhookSecrets::decode_daily(DAILY_SECRET).unwrap();
        let body = DAILY_BODY.as_bytes();
        let now = 1_700_000_001;
        // The secret used without decoding it is another key.
        assert_eq!(
            verify_daily(
                DAILY_SECRET.as_bytes(),
                Some(DAILY_SIG),
                Some("1700000001"),
                body,
                now
            ),
            Err(SignatureError::Mismatch)
        );
        // Signed over the body only (not `ts.body`).
        let body_only = {
            let mut mac = mac(&key);
            mac.update(body);
            BASE64.encode(mac.finalize().into_bytes())
        };
        assert_eq!(
            verify_daily(&key, Some(&body_only), Some("1700000001"), body, now),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_daily(&key, Some("%%%"), Some("1700000001"), body, now),
            Err(SignatureError::Malformed("X-Webhook-Signature"))
        );
        assert_eq!(
            verify_daily(&key, None, Some("1700000001"), body, now),
            Err(SignatureError::Missing("X-Webhook-Signature"))
        );
        assert_eq!(
            verify_daily(&key, Some(DAILY_SIG), None, body, now),
            Err(SignatureError::Missing("X-Webhook-Timestamp"))
        );
        assert_eq!(
            verify_daily(&key, Some(DAILY_SIG), Some("1700000001"), body, now + 301),
            Err(SignatureError::Stale)
        );
        // A timestamp in milliseconds is read as such.
        let ms = sign_daily(&key, "1700000001000", body);
        assert_eq!(
            verify_daily(&key, Some(&ms), Some("1700000001000"), body, now),
            Ok(())
        );
        assert!(ProviderWebhookSecrets::decode_daily("not base64!").is_err());
        assert!(ProviderWebhookSecrets::decode_daily("").is_err());
    }
}
