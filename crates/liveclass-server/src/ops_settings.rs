//! Settings for operators and browsers: the metrics endpoint's token and the
//! origins allowed to call the API cross-origin.

use liveclass_http::cors::Cors;
use liveclass_video::Secret;

use crate::settings::{SettingsError, invalid};

/// | variable | default | meaning |
/// | --- | --- | --- |
/// | `LIVECLASS_METRICS_TOKEN` | none | bearer token `GET /metrics` requires; unset: open |
/// | `LIVECLASS_CORS_ORIGINS` | none | comma-separated exact origins browsers may call the API from |
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpsSettings {
    pub metrics_token: Option<Secret>,
    pub cors: Cors,
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
        Ok(Self {
            metrics_token,
            cors,
        })
    }
}
