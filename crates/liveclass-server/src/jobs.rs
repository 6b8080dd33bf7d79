//! One-off jobs run from the command line.

use std::sync::Arc;

use liveclass_domain::clock::SystemClock;
use liveclass_domain::ids::RandomIds;
use liveclass_domain::schedule::errors::GenerateClassesError;
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

/// Why a command-line job failed; the cause chain is kept.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error(transparent)]
    Startup(#[from] StartupError),
    #[error("cannot generate the classes")]
    GenerateClasses(#[from] GenerateClassesError),
}

/// `server generate-classes`: regenerates the future classes of every
/// schedule of every tenant (the seed's `build_live_classes`). Idempotent,
/// and safe while servers run.
///
/// # Errors
/// When the database cannot be opened or a generation fails.
pub async fn generate_classes(settings: &Settings) -> Result<GenerationReport, JobError> {
    let pool = open_database(&settings.database_url, settings.pool).await?;
    let store = Arc::new(DieselStore::new(pool));
    let video = crate::startup::video_provider(&settings.video)?;
    let service = schedule_service(store, video, settings);
    Ok(service.generate_all().await?)
}
