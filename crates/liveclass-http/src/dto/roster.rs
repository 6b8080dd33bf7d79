//! Course roster bodies.

use liveclass_domain::ids::UserId;
use liveclass_domain::roster::RosterUsers;
use liveclass_domain::schedule::CourseId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;

/// `PUT /courses/{courseId}/roster`: the whole roster.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RosterBody {
    /// Every user on the roster afterwards: at most 5000 user ids (1 to 128
    /// characters, no surrounding white space or control characters);
    /// duplicates count once; `[]` empties the roster.
    #[schema(
        max_items = 5000,
        example = json!(["student-1", "student-2"])
    )]
    pub user_ids: Vec<RosterUserId>,
}

/// A user id in a roster: 1 to 128 characters, no surrounding white space or
/// control characters (documented by hand: utoipa takes no length or pattern
/// on a newtype).
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct RosterUserId(String);

impl utoipa::PartialSchema for RosterUserId {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .min_length(Some(1))
            .max_length(Some(128))
            .pattern(Some(
                r"^[^\s\u0000-\u001f\u007f-\u009f]([^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f])?$",
            ))
            .into()
    }
}

impl ToSchema for RosterUserId {}

impl RosterBody {
    /// The users, parsed.
    ///
    /// # Errors
    /// More than 5000, or an invalid user id (400 `validation_failed`,
    /// naming its position in `userIds`).
    pub fn parse(self) -> Result<RosterUsers, ApiError> {
        let raw: Vec<String> = self.user_ids.into_iter().map(|u| u.0).collect();
        Ok(RosterUsers::parse(&raw)?)
    }
}

/// A course's roster.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RosterResponse {
    #[schema(example = "web-dev-ft-2030")]
    pub course_id: String,
    /// The users on the roster, sorted.
    #[schema(example = json!(["student-1", "student-2"]))]
    pub user_ids: Vec<String>,
}

impl RosterResponse {
    pub fn new(course: &CourseId, users: &[UserId]) -> Self {
        Self {
            course_id: course.as_str().to_owned(),
            user_ids: users.iter().map(|u| u.as_str().to_owned()).collect(),
        }
    }
}
