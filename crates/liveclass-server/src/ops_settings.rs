//! Settings for operators and browsers: the metrics endpoint's token and the
//! origins allowed to call the API cross-origin.

use liveclass_http::cors::Cors;
use liveclass_http::provider_signature::ProviderWebhookSecrets;
use liveclass_video::Secret;

use crate::settings::{SettingsError, invalid};

/// | variable | default | meaning |
/// | --- | --- | --- |
/// | `LIVECLASS_METRICS_TOKEN` | none | bearer token `GET /metrics` requires; unset: open |
/// | `LIVECLASS_CORS_ORIGINS` | none | comma-separated exact origins browsers may call the API from |
/// | `DAILY_WEBHOOK_SECRET` | none | base64 secret of Daily's webhook (`POST /webhooks/daily`) |
/// | `ZOOM_WEBHOOK_SECRET` | none | the Zoom app's webhook secret token (`POST /webhooks/zoom`) |
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpsSettings {
    pub metrics_token: Option<Secret>,
    pub cors: Cors,
    /// The secrets incoming provider webhooks are verified with.
    pub provider_webhooks: ProviderWebhookSecrets,
}

impl OpsSettings {
    pub(crate) fn from_lookup(
        lookup: &impl Fn(&str) -> Option<String>,
    ) -> Result<Self, SettingsError> {
        let metrics_token = lookup("LIVECLASS_METRICS_TOKEN").map(Secret::new);
        if let Some(token) = &metrics_token
            && (token.expose().len() < 16 || token.expose().chars().any(char::is_whitespace))
        {
            return Err(invalid(
                "LIVECLASS_METRICS_TOKEN",
                "must be at least 16 characters, without white space",
            ));
        }
        let cors = match lookup("LIVECLASS_CORS_ORIGINS") {
            None => Cors::disabled(),
            Some(list) => Cors::parse(&list).map_err(|e| invalid("LIVECLASS_CORS_ORIGINS", e))?,
        };
        let daily = lookup("DAILY_WEBHOOK_SECRET")
            .map(|s| {
                ProviderWebhookSecrets::decode_daily(&s)
                    .map_err(|e| invalid("DAILY_WEBHOOK_SECRET", e))
            })
            .transpose()?;
        let zoom = lookup("ZOOM_WEBHOOK_SECRET").map(String::into_bytes);
        if zoom.as_ref().is_some_and(|z| z.len() < 8) {
            return Err(invalid(
                "ZOOM_WEBHOOK_SECRET",
                "must be the app's secret token (at least 8 characters)",
            ));
        }
        Ok(Self {
            metrics_token,
            cors,
            provider_webhooks: ProviderWebhookSecrets { daily, zoom },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<OpsSettings, SettingsError> {
        OpsSettings::from_lookup(&|name: &str| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn provider_webhook_secrets_are_decoded_or_refused() {
        let none = read(&[]).unwrap().provider_webhooks;
        assert_eq!((none.daily, none.zoom), (None, None));
        let both = read(&[
            (
                "DAILY_WEBHOOK_SECRET",
                "ZGFpbHktdGVzdC1zZWNyZXQtMzItYnl0ZXMtbG9uZyE=",
            ),
            ("ZOOM_WEBHOOK_SECRET", "test_secret_token"),
        ])
        .unwrap()
        .provider_webhooks;
        assert_eq!(
            both.daily.as_deref(),
            Some(&b"daily-test-secret-32-bytes-long!"[..])
        );
        assert_eq!(both.zoom.as_deref(), Some(&b"test_secret_token"[..]));
        assert!(!format!("{both:?}").contains("test_secret_token"));
        let bad = read(&[("DAILY_WEBHOOK_SECRET", "not base64!")]).unwrap_err();
        assert!(bad.to_string().starts_with("DAILY_WEBHOOK_SECRET"), "{bad}");
        let short = read(&[("ZOOM_WEBHOOK_SECRET", "abc")]).unwrap_err();
        assert!(
            short.to_string().starts_with("ZOOM_WEBHOOK_SECRET"),
            "{short}"
        );
    }
}
