//! The one application state: every service the handlers call, the token
//! verifier and the HTTP-only settings. [`crate::app`] registers it, so a
//! handler can never find a dependency missing at run time; leaving one out
//! of [`AppState`] does not compile.

use std::sync::Arc;

use liveclass_domain::LiveClassService;
use liveclass_domain::actual_times::ActualTimesService;
use liveclass_domain::calendar::CalendarService;
use liveclass_domain::join_link::JoinLinkService;
use liveclass_domain::schedule::ScheduleService;

use crate::auth::JwtVerifier;
use crate::ical::FeedSettings;

/// What every handler may use. Cheap to clone (all shared).
#[derive(Clone)]
pub struct AppState {
    pub classes: Arc<LiveClassService>,
    pub schedules: Arc<ScheduleService>,
    pub join_links: Arc<JoinLinkService>,
    pub actual_times: Arc<ActualTimesService>,
    pub calendar: Arc<CalendarService>,
    pub verifier: Arc<JwtVerifier>,
    pub feeds: FeedSettings,
}
