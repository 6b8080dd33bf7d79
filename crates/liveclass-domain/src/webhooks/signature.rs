//! Standard Webhooks signatures (`v1`, HMAC-SHA256): the sender's
//! [`sign`], and [`verify`] for tests and embedders that receive them.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The prefix of a serialised symmetric secret.
pub const SECRET_PREFIX: &str = "whsec_";

/// `whsec_` + base64 of the key.
pub fn encode_secret(key: &[u8]) -> String {
    format!("{SECRET_PREFIX}{}", STANDARD.encode(key))
}

/// The key of a `whsec_…` secret (the prefix is optional, as in the
/// reference libraries); `None` when it is not base64.
pub fn decode_secret(secret: &str) -> Option<Vec<u8>> {
    let raw = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
    STANDARD.decode(raw).ok().filter(|k| !k.is_empty())
}

/// `v1,` + base64(HMAC-SHA256(key, `id.timestamp.body`)).
pub fn sign(key: &[u8], msg_id: &str, timestamp: i64, body: &[u8]) -> String {
    // HMAC accepts keys of any length: this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(msg_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// Why [`verify`] refused a webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The timestamp is more than the tolerance away from now.
    #[error("timestamp outside the tolerance")]
    Timestamp,
    /// No signature in the header matches.
    #[error("no matching signature")]
    Signature,
}

/// Checks a received webhook as the reference libraries do: the timestamp
/// within `tolerance_secs` of `now` (both directions), and one of the
/// space-separated `v1,` signatures matching, compared in constant time.
///
/// # Errors
/// [`VerifyError`].
pub fn verify(
    key: &[u8],
    msg_id: &str,
    timestamp: i64,
    signatures: &str,
    body: &[u8],
    now: i64,
    tolerance_secs: i64,
) -> Result<(), VerifyError> {
    if (now - timestamp).abs() > tolerance_secs {
        return Err(VerifyError::Timestamp);
    }
    for candidate in signatures.split(' ') {
        let Some(encoded) = candidate.strip_prefix("v1,") else {
            continue;
        };
        let Ok(given) = STANDARD.decode(encoded) else {
            continue;
        };
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(msg_id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        if mac.verify_slice(&given).is_ok() {
            return Ok(());
        }
    }
    Err(VerifyError::Signature)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    // Standard Webhooks' official vectors (reference file §1.6).
    const A_SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    const A_ID: &str = "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk";
    const A_TS: i64 = 1_649_367_553;
    const A_BODY: &str = r#"{"email":"test@example.com","username":"test_user"}"#;
    const A_SIG: &str = "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=";

    #[test]
    fn the_rust_reference_vector_is_reproduced_exactly() {
        let key = decode_secret(A_SECRET).unwrap();
        assert_eq!(key.len(), 24);
        assert_eq!(sign(&key, A_ID, A_TS, A_BODY.as_bytes()), A_SIG);
    }

    #[test]
    fn the_go_and_javascript_reference_vector_is_reproduced_exactly() {
        let key = decode_secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        assert_eq!(
            sign(
                &key,
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1_614_265_330,
                br#"{"test": 2432232314}"#
            ),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    fn check(sigs: &str, ts: i64, now: i64) -> Result<(), VerifyError> {
        let key = decode_secret(A_SECRET).unwrap();
        verify(&key, A_ID, ts, sigs, A_BODY.as_bytes(), now, 300)
    }

    #[test]
    fn the_reference_negative_vectors_are_refused() {
        assert_eq!(check(A_SIG, A_TS, A_TS), Ok(()));
        assert_eq!(
            check(
                "v1,R3PTzyfHASBKHH98a7yexTwaJ4yNIcGhFQc1yuN+BPU=",
                A_TS,
                A_TS
            ),
            Err(VerifyError::Signature)
        );
        assert_eq!(check("v1,", A_TS, A_TS), Err(VerifyError::Signature));
        assert_eq!(check(&A_SIG[..10], A_TS, A_TS), Err(VerifyError::Signature));
        assert_eq!(
            check(&format!("v1,{}", &A_SIG[4..]), A_TS, A_TS),
            Err(VerifyError::Signature)
        );
        assert_eq!(check("", A_TS, A_TS), Err(VerifyError::Signature));
        assert_eq!(check(A_SIG, A_TS, A_TS + 301), Err(VerifyError::Timestamp));
        assert_eq!(check(A_SIG, A_TS, A_TS - 301), Err(VerifyError::Timestamp));
        // Another body or id does not match.
        let key = decode_secret(A_SECRET).unwrap();
        assert!(verify(&key, "msg_other", A_TS, A_SIG, A_BODY.as_bytes(), A_TS, 300).is_err());
        assert!(verify(&key, A_ID, A_TS, A_SIG, b"{}", A_TS, 300).is_err());
    }

    #[test]
    fn a_header_with_several_signatures_passes_when_one_matches() {
        let header =
            format!("v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,abc {A_SIG} v1a,xyz");
        assert_eq!(check(&header, A_TS, A_TS), Ok(()));
    }
}
