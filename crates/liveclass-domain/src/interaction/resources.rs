//! Shared resources (seed 003's `live_class_resources`): a moderator
//! ([`super::is_moderator`]) shares slides, documents, links and videos —
//! a title, an `https` URL and a type — while the class is scheduled or
//! live, and removes them (at any time). Those who may read the class's
//! chat (its moderators, the tenant's managers, anyone who is or was in
//! the class) list them, during and after the class. A removed resource is
//! no longer listed. Each change is an event (`resource.shared`,
//! `resource.removed`).

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::ids::{ClassId, ResourceId, TenantId, UserId};
use crate::store::RepoError;
use crate::validation::{ExternalUrl, Field, ValidationError, check_text};

/// What a resource is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceKind {
    /// A slide deck.
    Slides,
    /// A document.
    Document,
    /// A link.
    Link,
    /// A video.
    Video,
}

impl ResourceKind {
    /// Every kind.
    pub const ALL: &'static [Self] = &[Self::Slides, Self::Document, Self::Link, Self::Video];

    /// The name, as stored and shown.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Slides => "slides",
            Self::Document => "document",
            Self::Link => "link",
            Self::Video => "video",
        }
    }

    /// # Errors
    /// Not the name of a kind.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == raw)
            .ok_or_else(|| {
                ValidationError::new(
                    Field::ResourceType,
                    "must be `slides`, `document`, `link` or `video`",
                )
            })
    }
}

/// What a moderator shares: a title (1 to [`ResourceSpec::MAX_TITLE_CHARS`]
/// characters, single line, not blank), an `https` URL with a host (at
/// most [`ExternalUrl::MAX_CHARS`] characters, no white space) and a kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceSpec {
    /// The title.
    pub title: String,
    /// The URL, as given.
    pub url: String,
    /// The kind.
    pub kind: ResourceKind,
}

impl ResourceSpec {
    /// The longest title.
    pub const MAX_TITLE_CHARS: usize = 200;

    /// # Errors
    /// A blank, too long or multi-line title; a URL that is not `https`
    /// (or not absolute, too long, with white space); an unknown kind.
    pub fn parse(title: &str, url: &str, kind: &str) -> Result<Self, ValidationError> {
        if title.trim().is_empty() {
            return Err(ValidationError::new(Field::Title, "must not be blank"));
        }
        if title.chars().count() > Self::MAX_TITLE_CHARS {
            return Err(ValidationError::new(
                Field::Title,
                format!("must be at most {} characters", Self::MAX_TITLE_CHARS),
            ));
        }
        check_text(Field::Title, title, false)?;
        let parsed = ExternalUrl::parse(Field::ResourceUrl, url)?;
        if url::Url::parse(url).map_or(true, |u| u.scheme() != "https") {
            return Err(ValidationError::new(
                Field::ResourceUrl,
                "must be an https URL",
            ));
        }
        Ok(Self {
            title: title.to_owned(),
            url: parsed.as_str().to_owned(),
            kind: ResourceKind::parse(kind)?,
        })
    }
}

/// A shared resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// The id.
    pub id: ResourceId,
    /// The class's tenant.
    pub tenant_id: TenantId,
    /// The class.
    pub class_id: ClassId,
    /// What it is.
    pub spec: ResourceSpec,
    /// Who shared it.
    pub shared_by: UserId,
    /// Their display name, if their token had one.
    pub shared_by_name: Option<String>,
    /// When.
    pub shared_at: OffsetDateTime,
    /// When it was removed, if it was.
    pub removed_at: Option<OffsetDateTime>,
    /// Who removed it.
    pub removed_by: Option<UserId>,
}

/// What sharing came to; any outcome but `Shared` writes nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareOutcome {
    /// Stored, with its `resource.shared` event.
    Shared(Box<Resource>),
    /// No such class in the tenant.
    ClassNotFound,
    /// The class has ended or was cancelled (checked inside the write).
    ClassFinished,
}

/// Stores shared resources. Every write appends its class event in the
/// same transaction.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ResourceRepository: Send + Sync {
    /// Stores `resource` if, **inside the write**, its class is scheduled
    /// or live, and appends `resource.shared`.
    async fn share_resource(&self, resource: &Resource) -> Result<ShareOutcome, RepoError>;

    /// Marks the resource removed by `by` and appends `resource.removed`;
    /// `None` when there is no such resource (not removed) in the class.
    /// Of concurrent removals, one removes (one event).
    async fn remove_resource(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
        id: ResourceId,
        by: &UserId,
        at: OffsetDateTime,
    ) -> Result<Option<Resource>, RepoError>;

    /// The class's resources not removed, oldest first.
    async fn list_resources(
        &self,
        tenant: &TenantId,
        class_id: ClassId,
    ) -> Result<Vec<Resource>, RepoError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resource_needs_a_title_an_https_url_and_a_known_type() {
        let ok = ResourceSpec::parse("Slides, part 1", "https://cdn.example.com/s.pdf", "slides")
            .unwrap();
        assert_eq!(ok.kind, ResourceKind::Slides);
        assert_eq!(ok.url, "https://cdn.example.com/s.pdf");
        for (title, url, kind, field) in [
            ("", "https://a.example/x", "link", Field::Title),
            ("  ", "https://a.example/x", "link", Field::Title),
            ("a\nb", "https://a.example/x", "link", Field::Title),
            ("t", "http://a.example/x", "link", Field::ResourceUrl),
            ("t", "s3://bucket/key", "link", Field::ResourceUrl),
            ("t", "javascript:alert(1)", "link", Field::ResourceUrl),
            ("t", "https://", "link", Field::ResourceUrl),
            ("t", "https://a.example/a b", "link", Field::ResourceUrl),
            ("t", "/relative", "link", Field::ResourceUrl),
            ("t", "https://a.example/x", "pdf", Field::ResourceType),
        ] {
            let err = ResourceSpec::parse(title, url, kind).expect_err(url);
            assert_eq!(err.field, field, "{title:?} {url:?} {kind:?}");
        }
        let long_title = "é".repeat(ResourceSpec::MAX_TITLE_CHARS + 1);
        assert!(ResourceSpec::parse(&long_title, "https://a.example/", "link").is_err());
        let long_url = format!("https://a.example/{}", "a".repeat(ExternalUrl::MAX_CHARS));
        assert!(ResourceSpec::parse("t", &long_url, "link").is_err());
        for k in ResourceKind::ALL {
            assert_eq!(ResourceKind::parse(k.as_str()), Ok(*k));
        }
    }
}
