//! `/live-classes/{id}/resources`: resources shared in a class.

use liveclass_domain::interaction::{Resource, ResourceKind, ResourceSpec};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::error::ApiError;

/// What a shared resource is.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ResourceType)]
pub enum ResourceTypeDto {
    Slides,
    Document,
    Link,
    Video,
}

impl From<ResourceKind> for ResourceTypeDto {
    fn from(k: ResourceKind) -> Self {
        match k {
            ResourceKind::Slides => Self::Slides,
            ResourceKind::Document => Self::Document,
            ResourceKind::Link => Self::Link,
            ResourceKind::Video => Self::Video,
        }
    }
}

/// `POST /live-classes/{liveClassId}/resources`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ShareResourceBody {
    /// 1 to 200 characters, single line, not blank.
    #[schema(example = "Week 3 slides", min_length = 1, max_length = 200)]
    pub title: String,
    /// An absolute `https` URL with a host, at most 2048 characters, no
    /// white space.
    #[schema(example = "https://cdn.example.com/week3.pdf", max_length = 2048)]
    pub url: String,
    /// `slides`, `document`, `link` or `video`.
    #[serde(rename = "type")]
    #[schema(example = "slides")]
    pub kind: String,
}

impl ShareResourceBody {
    /// # Errors
    /// `validation_failed`.
    pub fn parse(&self) -> Result<ResourceSpec, ApiError> {
        Ok(ResourceSpec::parse(&self.title, &self.url, &self.kind)?)
    }
}

/// A shared resource.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResourceResponse {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub live_class_id: String,
    pub title: String,
    pub url: String,
    #[serde(rename = "type")]
    pub kind: ResourceTypeDto,
    pub shared_by: String,
    #[schema(required = true)]
    pub shared_by_name: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub shared_at: OffsetDateTime,
    /// Set on the answer to a removal only (listed resources are not
    /// removed).
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime, required = true)]
    pub removed_at: Option<OffsetDateTime>,
    #[schema(required = true)]
    pub removed_by: Option<String>,
}

impl From<Resource> for ResourceResponse {
    fn from(r: Resource) -> Self {
        Self {
            id: r.id.to_string(),
            live_class_id: r.class_id.to_string(),
            title: r.spec.title,
            url: r.spec.url,
            kind: r.spec.kind.into(),
            shared_by: r.shared_by.to_string(),
            shared_by_name: r.shared_by_name,
            shared_at: r.shared_at,
            removed_at: r.removed_at,
            removed_by: r.removed_by.map(|u| u.to_string()),
        }
    }
}

/// The class's resources, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResourceListResponse {
    pub data: Vec<ResourceResponse>,
}
