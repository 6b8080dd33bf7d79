//! One-off jobs run from the command line.

use std::sync::Arc;

use liveclass_domain::clock::SystemClock;
use liveclass_domain::ids::RandomIds;
use liveclass_domain::schedule::{
    GenerationReport, ScheduleRepository, ScheduleService, Schedules,
};
use liveclass_domain::video::VideoProvider;
use liveclass_persistence::DieselStore;

use crate::settings::Settings;
use crate::startup::{StartupError, open_database};

/// The schedule service over `store`.
pub(crate) fn schedule_service(
    store: Arc<DieselStore>,
    video: Arc<dyn VideoProvider>,
    settings: &Settings,
) -> ScheduleService {
    ScheduleService::new(
        store as Arc<dyn ScheduleRepository>,
        video,
        Arc::new(SystemClock),
        Arc::new(RandomIds),
        settings.schedules.policy,
    )
}

/// `server generate-classes`: regenerates the future classes of every
/// schedule of every tenant (the seed's `build_live_classes`). Idempotent,
/// and safe while servers run.
///
/// # Errors
/// When the database cannot be opened or a generation fails.
pub async fn generate_classes(settings: &Settings) -> Result<GenerationReport, String> {
    let pool = open_database(&settings.database_url, settings.pool)
        .await
        .map_err(|e: StartupError| e.to_string())?;
    let store = Arc::new(DieselStore::new(pool));
    let video = crate::startup::video_provider(&settings.video).map_err(|e| e.to_string())?;
    let service = schedule_service(store, video, settings);
    service.generate_all().await.map_err(|e| {
        let mut message = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            message.push_str(&format!(": {s}"));
            source = s.source();
        }
        message
    })
}
