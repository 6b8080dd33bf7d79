//! Who gets in and who stays (issue 12): requests to join `approval`
//! classes, the waitlist of full classes, and removal as a ban.

pub mod decide_requests;
pub mod join_waitlist;
pub mod leave_waitlist;
pub mod list_requests;
pub mod list_waitlist;
pub mod my_request;
pub mod my_waitlist;
pub mod remove_participant;
pub mod request_to_join;
pub mod single_decision;

use liveclass_domain::admission::RequestId;

use crate::error::{ApiError, ErrorCode};

/// Parses the `{requestId}` path segment.
pub(crate) fn request_id(raw: &str) -> Result<RequestId, ApiError> {
    uuid::Uuid::try_parse(raw)
        .map(RequestId::from_uuid)
        .map_err(|_| {
            ApiError::new(
                ErrorCode::InvalidId,
                format!("requestId must be a UUID (got `{raw}`)"),
            )
        })
}
