//! The LiveClass server: configuration from the environment, telemetry, and
//! the wiring of the domain service to its adapters and the HTTP shell.

pub mod config;
pub mod event_settings;
pub mod jobs;
pub mod metrics;
mod ops_settings;
pub mod provider_accounts;
mod schedule_settings;
pub mod settings;
pub mod startup;
pub mod supervisor;
pub mod telemetry;
pub mod transport;
pub mod webhooks;
pub mod workers;

pub use settings::{
    BindAddress, DEV_JWT_SECRET, JwtSettings, OpsSettings, ScheduleSettings, Settings,
    SettingsError, VideoSettings,
};
pub use startup::{Application, StartupError};
