//! The one error shape: `{statusCode, error, message, code}` for every
//! failure, with a stable snake_case `code` clients can switch on.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use liveclass_domain::class::TransitionError;
use liveclass_domain::class::errors::{
    CreateClassError, GetClassError, IssueTokenError, JoinClassError, LeaveClassError,
    ListClassesError, SetRecordingError, TransitionClassError, UpdateClassError,
};
use liveclass_domain::store::RepoError;
use liveclass_domain::validation::ValidationError;
use liveclass_domain::video::VideoError;
use serde::Serialize;
use utoipa::ToSchema;

/// Every error response has this body.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    /// The HTTP status code, repeated.
    #[schema(example = 409)]
    pub status_code: u16,
    /// The status code's reason phrase.
    #[schema(example = "Conflict")]
    pub error: String,
    /// What went wrong, for people.
    #[schema(example = "Live class is at maximum capacity (150 participants)")]
    pub message: String,
    /// What went wrong, for programs: stable across releases.
    #[schema(example = "class_full")]
    pub code: String,
}

/// An error answered over HTTP.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{status} {code}: {message}")]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn unauthorized(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, message)
    }

    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }

    /// Logs the cause chain and answers an opaque 500: internals never leak.
    pub fn internal(cause: &(dyn std::error::Error + 'static)) -> Self {
        tracing::error!(error = %ChainDisplay(cause), "request failed unexpectedly");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "Internal server error",
        )
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            status_code: self.status.as_u16(),
            error: self.status.canonical_reason().unwrap_or("Error").to_owned(),
            message: self.message.clone(),
            code: self.code.to_owned(),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if self.status == StatusCode::UNAUTHORIZED {
            response.insert_header((
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"liveclass\""),
            ));
        }
        response.json(self.body())
    }
}

/// `a: b: c` for an error and its sources.
struct ChainDisplay<'a>(&'a (dyn std::error::Error + 'static));

impl std::fmt::Display for ChainDisplay<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(s) = source {
            write!(f, ": {s}")?;
            source = s.source();
        }
        Ok(())
    }
}

impl From<ValidationError> for ApiError {
    fn from(e: ValidationError) -> Self {
        Self::bad_request(
            "validation_failed",
            format!("{}: {}", crate::dto::json_name(e.field), e.message),
        )
    }
}

impl From<RepoError> for ApiError {
    fn from(e: RepoError) -> Self {
        match &e {
            RepoError::Unavailable(_) => {
                tracing::warn!(error = %ChainDisplay(&e), "database unavailable");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "database_unavailable",
                    "The database is unavailable; try again shortly",
                )
            }
            RepoError::Unexpected(_) => Self::internal(&e),
        }
    }
}

fn video_error(e: &VideoError) -> ApiError {
    tracing::warn!(error = %ChainDisplay(e), "video provider call failed");
    ApiError::new(
        StatusCode::BAD_GATEWAY,
        "video_provider_unavailable",
        format!("The video provider failed: {e}"),
    )
}

fn class_not_found() -> ApiError {
    ApiError::not_found("class_not_found", "Live class not found")
}

impl From<CreateClassError> for ApiError {
    fn from(e: CreateClassError) -> Self {
        match e {
            CreateClassError::Invalid(v) => v.into(),
            CreateClassError::Forbidden => {
                Self::new(StatusCode::FORBIDDEN, "forbidden", e.to_string())
            }
            CreateClassError::TenantMismatch => {
                Self::new(StatusCode::FORBIDDEN, "tenant_mismatch", e.to_string())
            }
            CreateClassError::Video(v) => video_error(&v),
            CreateClassError::Store(s) => s.into(),
        }
    }
}

impl From<ListClassesError> for ApiError {
    fn from(e: ListClassesError) -> Self {
        match e {
            ListClassesError::Invalid(v) => v.into(),
            ListClassesError::Store(s) => s.into(),
        }
    }
}

impl From<GetClassError> for ApiError {
    fn from(e: GetClassError) -> Self {
        match e {
            GetClassError::NotFound => class_not_found(),
            GetClassError::Store(s) => s.into(),
        }
    }
}

impl From<TransitionClassError> for ApiError {
    fn from(e: TransitionClassError) -> Self {
        match e {
            TransitionClassError::NotFound => class_not_found(),
            TransitionClassError::Refused(r @ TransitionError::NotCreator { .. }) => {
                Self::new(StatusCode::FORBIDDEN, "not_class_creator", r.to_string())
            }
            TransitionClassError::Refused(r @ TransitionError::InvalidTransition { .. }) => {
                Self::bad_request("invalid_status_transition", r.to_string())
            }
            TransitionClassError::Store(s) => s.into(),
        }
    }
}

impl From<JoinClassError> for ApiError {
    fn from(e: JoinClassError) -> Self {
        match e {
            JoinClassError::NotFound => class_not_found(),
            JoinClassError::NotLive(_) => Self::bad_request("class_not_live", e.to_string()),
            JoinClassError::Full { .. } => {
                Self::new(StatusCode::CONFLICT, "class_full", e.to_string())
            }
            JoinClassError::Video(v) => video_error(&v),
            JoinClassError::Store(s) => s.into(),
        }
    }
}

impl From<LeaveClassError> for ApiError {
    fn from(e: LeaveClassError) -> Self {
        match e {
            LeaveClassError::NotFound => class_not_found(),
            LeaveClassError::NotParticipating => {
                Self::not_found("not_participating", e.to_string())
            }
            LeaveClassError::Store(s) => s.into(),
        }
    }
}

impl From<SetRecordingError> for ApiError {
    fn from(e: SetRecordingError) -> Self {
        match e {
            SetRecordingError::Invalid(v) => v.into(),
            SetRecordingError::Forbidden => {
                Self::new(StatusCode::FORBIDDEN, "forbidden", e.to_string())
            }
            SetRecordingError::NotFound => class_not_found(),
            SetRecordingError::NotEnded(_) => Self::bad_request("class_not_ended", e.to_string()),
            SetRecordingError::AlreadySet => {
                Self::new(StatusCode::CONFLICT, "recording_already_set", e.to_string())
            }
            SetRecordingError::Store(s) => s.into(),
        }
    }
}

impl From<UpdateClassError> for ApiError {
    fn from(e: UpdateClassError) -> Self {
        match e {
            UpdateClassError::Invalid(v) => v.into(),
            UpdateClassError::NotFound => class_not_found(),
            UpdateClassError::NotCreator => {
                Self::new(StatusCode::FORBIDDEN, "not_class_creator", e.to_string())
            }
            UpdateClassError::Finished(_) => Self::bad_request("class_finished", e.to_string()),
            UpdateClassError::BelowActive { .. } => {
                Self::new(StatusCode::CONFLICT, "capacity_below_active", e.to_string())
            }
            UpdateClassError::Video(v) => video_error(&v),
            UpdateClassError::Store(s) => s.into(),
        }
    }
}

impl From<IssueTokenError> for ApiError {
    fn from(e: IssueTokenError) -> Self {
        match e {
            IssueTokenError::NotFound => class_not_found(),
            IssueTokenError::NotLive(_) => Self::bad_request("class_not_live", e.to_string()),
            IssueTokenError::NotAdmitted => {
                Self::new(StatusCode::FORBIDDEN, "not_admitted", e.to_string())
            }
            IssueTokenError::Video(v) => video_error(&v),
            IssueTokenError::Store(s) => s.into(),
        }
    }
}
