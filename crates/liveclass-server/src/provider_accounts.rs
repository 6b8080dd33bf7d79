//! Tenants' own provider accounts on the server's side: where their
//! providers' APIs are, and the credential check over the video adapters.

use async_trait::async_trait;
use liveclass_domain::provider_accounts::{
    CheckResult, CredentialChecker, ProviderCredentials, ProviderSettings,
};
use liveclass_domain::video::VideoError;
use liveclass_video::{DailyConfig, DailyVideoProvider, Secret, ZoomConfig, ZoomVideoProvider};

/// Where tenants' provider accounts are called: the same API addresses as
/// the server's own provider (`DAILY_API_URL`, `ZOOM_API_URL`,
/// `ZOOM_OAUTH_URL`), read whichever provider the server itself uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderEndpoints {
    /// Daily's API (default `https://api.daily.co/v1`).
    pub daily_api_url: String,
    /// Zoom's API (default `https://api.zoom.us/v2`).
    pub zoom_api_url: String,
    /// Zoom's token endpoint (default `https://zoom.us/oauth/token`).
    pub zoom_oauth_url: String,
}

impl ProviderEndpoints {
    pub(crate) fn from_lookup(lookup: &impl Fn(&str) -> Option<String>) -> Self {
        Self {
            daily_api_url: lookup("DAILY_API_URL")
                .unwrap_or_else(|| DailyConfig::DEFAULT_BASE_URL.to_owned()),
            zoom_api_url: lookup("ZOOM_API_URL")
                .unwrap_or_else(|| ZoomConfig::DEFAULT_API_URL.to_owned()),
            zoom_oauth_url: lookup("ZOOM_OAUTH_URL")
                .unwrap_or_else(|| ZoomConfig::DEFAULT_OAUTH_URL.to_owned()),
        }
    }
}

/// Checks credentials with the video adapters: a Zoom access token, Daily's
/// `GET /`. Jitsi has no API to ask.
pub struct VideoCredentialChecker {
    endpoints: ProviderEndpoints,
}

impl VideoCredentialChecker {
    /// A checker calling `endpoints`.
    pub fn new(endpoints: ProviderEndpoints) -> Self {
        Self { endpoints }
    }

    async fn ask(&self, credentials: &ProviderCredentials) -> Result<CheckResult, VideoError> {
        let secret = Secret::new(credentials.secret.expose());
        match &credentials.settings {
            ProviderSettings::Zoom {
                account_id,
                client_id,
            } => {
                let mut config = ZoomConfig::new(account_id.as_str(), client_id.as_str(), secret);
                config.api_url.clone_from(&self.endpoints.zoom_api_url);
                config.oauth_url.clone_from(&self.endpoints.zoom_oauth_url);
                ZoomVideoProvider::new(config)
                    .map_err(VideoError::Unexpected)?
                    .check_credentials()
                    .await?;
                Ok(CheckResult::Passed {
                    remote: true,
                    token_renewed: true,
                })
            }
            ProviderSettings::Daily { domain } => {
                let mut config = DailyConfig::new(secret);
                config.base_url.clone_from(&self.endpoints.daily_api_url);
                let answered = DailyVideoProvider::new(config)
                    .map_err(VideoError::Unexpected)?
                    .check_credentials()
                    .await?;
                // The key works; it should be the key of the domain given.
                let expected = domain.as_str().trim_end_matches(".daily.co");
                if !answered.eq_ignore_ascii_case(expected) {
                    return Ok(CheckResult::Failed {
                        error: format!(
                            "Daily accepted the API key, but it belongs to the domain `{answered}`, \
                             not `{}`",
                            domain.as_str()
                        ),
                    });
                }
                Ok(CheckResult::Passed {
                    remote: true,
                    token_renewed: false,
                })
            }
            ProviderSettings::Jitsi { .. } => Ok(CheckResult::Passed {
                remote: false,
                token_renewed: false,
            }),
        }
    }
}

/// The reason shown to an admin: what to do, never a secret.
fn reason(provider: &str, e: &VideoError) -> String {
    match e {
        VideoError::Unauthorized => format!("{provider} refused the credentials"),
        VideoError::RateLimited { .. } => {
            format!("{provider} is rate limiting these credentials; try again later")
        }
        VideoError::Unavailable(detail) | VideoError::Invalid(detail) => {
            format!("{provider} could not be used: {detail}")
        }
        VideoError::NotFound | VideoError::Unsupported | VideoError::Unexpected(_) => {
            format!("{provider} gave an unexpected answer")
        }
    }
}

#[async_trait]
impl CredentialChecker for VideoCredentialChecker {
    async fn check(&self, credentials: &ProviderCredentials) -> CheckResult {
        let provider = match credentials.settings {
            ProviderSettings::Zoom { .. } => "Zoom",
            ProviderSettings::Daily { .. } => "Daily",
            ProviderSettings::Jitsi { .. } => "Jitsi",
        };
        match self.ask(credentials).await {
            Ok(result) => result,
            Err(e) => {
                tracing::warn!(provider, error = %format!("{e:#}"), "provider account check failed");
                CheckResult::Failed {
                    error: reason(provider, &e),
                }
            }
        }
    }
}
