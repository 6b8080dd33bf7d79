//! `/join/{joinHash}`: join links (seed 001).

pub mod follow;

use actix_web::http::StatusCode;
use liveclass_domain::join_link::FollowJoinLinkError;

use crate::error::ApiError;

impl From<FollowJoinLinkError> for ApiError {
    fn from(e: FollowJoinLinkError) -> Self {
        match e {
            FollowJoinLinkError::NotFound => Self::not_found("join_link_not_found", e.to_string()),
            FollowJoinLinkError::Ended => Self::new(StatusCode::GONE, "class_ended", e.to_string()),
            FollowJoinLinkError::Cancelled => {
                Self::new(StatusCode::GONE, "class_cancelled", e.to_string())
            }
            FollowJoinLinkError::Join(j) => j.into(),
            FollowJoinLinkError::Start(s) => s.into(),
            FollowJoinLinkError::Store(s) => s.into(),
        }
    }
}
