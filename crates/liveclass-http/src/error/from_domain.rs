//! Each operation's domain error, mapped to a status and a code. The only
//! place where domain errors meet HTTP: video-provider and store failures map
//! the same way for every operation.

use actix_web::http::StatusCode;
use liveclass_domain::actual_times::RecordActualTimeError;
use liveclass_domain::admission::errors::{
    DecideRequestError, LeaveWaitlistError, ReadRequestsError, ReadWaitlistError,
    RemoveParticipantError, RequestToJoinError,
};
use liveclass_domain::calendar::CalendarFeedError;
use liveclass_domain::class::TransitionError;
use liveclass_domain::class::errors::{
    CreateClassError, GetClassError, IssueTokenError, JoinClassError, LeaveClassError,
    ListClassesError, SetRecordingError, TransitionClassError, UpdateClassError,
};
use liveclass_domain::events::ListEventsError;
use liveclass_domain::join_link::FollowJoinLinkError;
use liveclass_domain::roster::errors::{ChangeRosterError, GetRosterError};
use liveclass_domain::schedule::errors::{
    CreateScheduleError, DeleteScheduleError, GetScheduleError, ListSchedulesError,
    UpdateScheduleError,
};
use liveclass_domain::store::RepoError;
use liveclass_domain::validation::ValidationError;
use liveclass_domain::video::VideoError;

use super::{ApiError, ChainDisplay, ErrorCode as C};

impl From<ValidationError> for ApiError {
    fn from(e: ValidationError) -> Self {
        Self::new(
            C::ValidationFailed,
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
                    C::DatabaseUnavailable,
                    "The database is unavailable; try again shortly",
                )
                .retry_after(std::time::Duration::from_secs(1))
            }
            RepoError::Unexpected(_) => Self::internal(&e),
        }
    }
}

impl From<liveclass_domain::idempotency::IdempotencyError> for ApiError {
    fn from(e: liveclass_domain::idempotency::IdempotencyError) -> Self {
        use liveclass_domain::idempotency::IdempotencyError as E;
        match e {
            E::Reused => Self::new(
                C::IdempotencyKeyReused,
                "This Idempotency-Key was used for a different request",
            ),
            E::InProgress => Self::new(
                C::IdempotencyKeyInProgress,
                "A request with this Idempotency-Key is still in progress; retry later",
            )
            .retry_after(std::time::Duration::from_secs(1)),
            E::Store(e) => e.into(),
        }
    }
}

/// Every video-provider failure: logged with its cause, never echoed to the
/// client (provider messages can carry account details). A provider that
/// rate-limits us is 503 with its `Retry-After`; anything else is 502.
impl From<VideoError> for ApiError {
    fn from(e: VideoError) -> Self {
        tracing::warn!(error = %ChainDisplay(&e), "video provider call failed");
        match e {
            VideoError::RateLimited { retry_after } => Self::new(
                C::VideoProviderRateLimited,
                "The video provider is busy; try again shortly",
            )
            .retry_after(retry_after.unwrap_or(std::time::Duration::from_secs(5))),
            _ => Self::new(
                C::VideoProviderUnavailable,
                "The video provider failed; try again shortly",
            ),
        }
    }
}

fn class_not_found() -> ApiError {
    ApiError::new(C::ClassNotFound, "Live class not found")
}

fn schedule_not_found() -> ApiError {
    ApiError::new(C::ScheduleNotFound, "Schedule not found")
}

impl From<CreateClassError> for ApiError {
    fn from(e: CreateClassError) -> Self {
        match e {
            CreateClassError::Invalid(v) => v.into(),
            CreateClassError::Forbidden => Self::new(C::Forbidden, e.to_string()),
            CreateClassError::TenantMismatch => Self::new(C::TenantMismatch, e.to_string()),
            CreateClassError::Video(v) => v.into(),
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

impl From<ListEventsError> for ApiError {
    fn from(e: ListEventsError) -> Self {
        match e {
            ListEventsError::Invalid(v) => v.into(),
            ListEventsError::NotFound => class_not_found(),
            ListEventsError::Store(s) => s.into(),
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
                Self::new(C::NotClassCreator, r.to_string())
            }
            TransitionClassError::Refused(r @ TransitionError::InvalidTransition { .. }) => {
                Self::new(C::InvalidStatusTransition, r.to_string())
            }
            TransitionClassError::Store(s) => s.into(),
        }
    }
}

impl From<JoinClassError> for ApiError {
    fn from(e: JoinClassError) -> Self {
        match e {
            JoinClassError::NotFound => class_not_found(),
            JoinClassError::NotLive(_) => Self::new(C::ClassNotLive, e.to_string()),
            JoinClassError::Full { .. } => Self::new(C::ClassFull, e.to_string()),
            JoinClassError::NotOnRoster => Self::new(C::NotOnRoster, e.to_string()),
            JoinClassError::NotApproved => Self::new(C::ApprovalRequired, e.to_string()),
            JoinClassError::Removed => Self::new(C::RemovedFromClass, e.to_string()),
            JoinClassError::Video(v) => v.into(),
            JoinClassError::Store(s) => s.into(),
        }
    }
}

impl From<GetRosterError> for ApiError {
    fn from(e: GetRosterError) -> Self {
        match e {
            GetRosterError::Forbidden => Self::new(C::Forbidden, e.to_string()),
            GetRosterError::Store(s) => s.into(),
        }
    }
}

impl From<ChangeRosterError> for ApiError {
    fn from(e: ChangeRosterError) -> Self {
        match e {
            ChangeRosterError::Forbidden => Self::new(C::Forbidden, e.to_string()),
            ChangeRosterError::Store(s) => s.into(),
        }
    }
}

impl From<LeaveClassError> for ApiError {
    fn from(e: LeaveClassError) -> Self {
        match e {
            LeaveClassError::NotFound => class_not_found(),
            LeaveClassError::NotParticipating => Self::new(C::NotParticipating, e.to_string()),
            LeaveClassError::Store(s) => s.into(),
        }
    }
}

impl From<SetRecordingError> for ApiError {
    fn from(e: SetRecordingError) -> Self {
        match e {
            SetRecordingError::Invalid(v) => v.into(),
            SetRecordingError::Forbidden => Self::new(C::Forbidden, e.to_string()),
            SetRecordingError::NotFound => class_not_found(),
            SetRecordingError::NotEnded(_) => Self::new(C::ClassNotEnded, e.to_string()),
            SetRecordingError::AlreadySet => Self::new(C::RecordingAlreadySet, e.to_string()),
            SetRecordingError::Store(s) => s.into(),
        }
    }
}

impl From<UpdateClassError> for ApiError {
    fn from(e: UpdateClassError) -> Self {
        match e {
            UpdateClassError::Invalid(v) => v.into(),
            UpdateClassError::NotFound => class_not_found(),
            UpdateClassError::NotCreator => Self::new(C::NotClassCreator, e.to_string()),
            UpdateClassError::Finished(_) => Self::new(C::ClassFinished, e.to_string()),
            UpdateClassError::BelowActive { .. } => {
                Self::new(C::CapacityBelowActive, e.to_string())
            }
            UpdateClassError::Video(v) => v.into(),
            UpdateClassError::Store(s) => s.into(),
        }
    }
}

impl From<IssueTokenError> for ApiError {
    fn from(e: IssueTokenError) -> Self {
        match e {
            IssueTokenError::NotFound => class_not_found(),
            IssueTokenError::NotLive(_) => Self::new(C::ClassNotLive, e.to_string()),
            IssueTokenError::NotAdmitted => Self::new(C::NotAdmitted, e.to_string()),
            IssueTokenError::Removed => Self::new(C::RemovedFromClass, e.to_string()),
            IssueTokenError::Video(v) => v.into(),
            IssueTokenError::Store(s) => s.into(),
        }
    }
}

impl From<CreateScheduleError> for ApiError {
    fn from(e: CreateScheduleError) -> Self {
        match e {
            CreateScheduleError::Invalid(v) => v.into(),
            CreateScheduleError::Forbidden => Self::new(C::Forbidden, e.to_string()),
            CreateScheduleError::TooManyOccurrences(_) => {
                Self::new(C::TooManyOccurrences, e.to_string())
            }
            CreateScheduleError::Video(v) => v.into(),
            CreateScheduleError::Store(s) => s.into(),
        }
    }
}

impl From<ListSchedulesError> for ApiError {
    fn from(e: ListSchedulesError) -> Self {
        match e {
            ListSchedulesError::Invalid(v) => v.into(),
            ListSchedulesError::Forbidden => Self::new(C::Forbidden, e.to_string()),
            ListSchedulesError::Store(s) => s.into(),
        }
    }
}

impl From<GetScheduleError> for ApiError {
    fn from(e: GetScheduleError) -> Self {
        match e {
            GetScheduleError::Forbidden => Self::new(C::Forbidden, e.to_string()),
            GetScheduleError::NotFound => schedule_not_found(),
            GetScheduleError::Store(s) => s.into(),
        }
    }
}

impl From<UpdateScheduleError> for ApiError {
    fn from(e: UpdateScheduleError) -> Self {
        match e {
            UpdateScheduleError::Invalid(v) => v.into(),
            UpdateScheduleError::Forbidden => Self::new(C::Forbidden, e.to_string()),
            UpdateScheduleError::NotFound => schedule_not_found(),
            UpdateScheduleError::TooManyOccurrences(_) => {
                Self::new(C::TooManyOccurrences, e.to_string())
            }
            UpdateScheduleError::Video(v) => v.into(),
            UpdateScheduleError::Store(s) => s.into(),
        }
    }
}

impl From<DeleteScheduleError> for ApiError {
    fn from(e: DeleteScheduleError) -> Self {
        match e {
            DeleteScheduleError::Forbidden => Self::new(C::Forbidden, e.to_string()),
            DeleteScheduleError::NotFound => schedule_not_found(),
            DeleteScheduleError::Store(s) => s.into(),
        }
    }
}

impl From<RecordActualTimeError> for ApiError {
    fn from(e: RecordActualTimeError) -> Self {
        use RecordActualTimeError as E;
        let code = match &e {
            E::Store(_) => {
                let E::Store(s) = e else {
                    return Self::internal(&e);
                };
                return s.into();
            }
            // Recorded times answer 400 for a cancelled class (the seed's
            // slugs), unlike join links where it is 410.
            E::Cancelled => {
                return Self::with_status(
                    StatusCode::BAD_REQUEST,
                    C::ClassCancelled,
                    e.to_string(),
                );
            }
            E::Forbidden => C::Forbidden,
            E::NotFound => C::ClassNotFound,
            E::StartedAtAlreadySet => C::StartedAtAlreadySet,
            E::StartedAtNotNow => C::StartedAtNotNow,
            E::StartedAtNotSet => C::StartedAtNotSet,
            E::EndedAtAlreadySet => C::EndedAtAlreadySet,
            E::EndedAtBeforeStart => C::EndedAtBeforeStartedAt,
            E::EndedAtTooSoon { .. } => C::EndedAtTooSoon,
            E::EndedAtTooOld => C::EndedAtTooOld,
            E::EndedAtInFuture => C::EndedAtInFuture,
        };
        Self::new(code, e.to_string())
    }
}

impl From<FollowJoinLinkError> for ApiError {
    fn from(e: FollowJoinLinkError) -> Self {
        match e {
            FollowJoinLinkError::NotFound => Self::new(C::JoinLinkNotFound, e.to_string()),
            FollowJoinLinkError::Ended => Self::new(C::ClassEnded, e.to_string()),
            FollowJoinLinkError::Cancelled => Self::new(C::ClassCancelled, e.to_string()),
            FollowJoinLinkError::Join(j) => j.into(),
            FollowJoinLinkError::Start(s) => s.into(),
            FollowJoinLinkError::Store(s) => s.into(),
        }
    }
}

impl From<CalendarFeedError> for ApiError {
    fn from(e: CalendarFeedError) -> Self {
        match e {
            CalendarFeedError::NotFound => Self::new(C::CalendarNotFound, e.to_string()),
            CalendarFeedError::Invalid(v) => v.into(),
            CalendarFeedError::Store(s) => s.into(),
        }
    }
}

impl From<liveclass_domain::webhooks::WebhookError> for ApiError {
    fn from(e: liveclass_domain::webhooks::WebhookError) -> Self {
        use liveclass_domain::webhooks::WebhookError as W;
        match e {
            W::Invalid(v) => v.into(),
            W::TargetRefused(_) => Self::new(C::WebhookTargetRefused, e.to_string()),
            W::Forbidden => Self::new(C::Forbidden, e.to_string()),
            W::NotFound => Self::new(C::WebhookEndpointNotFound, e.to_string()),
            W::DeliveryNotFound => Self::new(C::WebhookDeliveryNotFound, e.to_string()),
            W::SecretsUnavailable(_) => Self::new(C::WebhookSecretsUnavailable, e.to_string()),
            W::Store(s) => s.into(),
        }
    }
}

impl From<liveclass_domain::recording::RecordingError> for ApiError {
    fn from(e: liveclass_domain::recording::RecordingError) -> Self {
        use liveclass_domain::recording::RecordingError as R;
        match e {
            R::Invalid(v) => v.into(),
            R::ClassNotFound => class_not_found(),
            R::NotFound => Self::new(C::RecordingNotFound, e.to_string()),
            R::NotCreator => Self::new(C::NotClassCreator, e.to_string()),
            R::Forbidden => Self::new(C::Forbidden, e.to_string()),
            R::NotSupported(_) => Self::new(C::RecordingNotEnabled, e.to_string()),
            R::ClassFinished(_) => Self::new(C::ClassFinished, e.to_string()),
            R::AlreadyRunning => Self::new(C::RecordingAlreadyRunning, e.to_string()),
            R::NotRunning(_) => Self::new(C::RecordingNotRunning, e.to_string()),
            R::External => Self::new(C::RecordingExternal, e.to_string()),
            R::NotReady => Self::new(C::RecordingNotReady, e.to_string()),
            R::Video(v) => v.into(),
            R::Store(s) => s.into(),
        }
    }
}

impl From<liveclass_domain::interaction::PostMessageError> for ApiError {
    fn from(e: liveclass_domain::interaction::PostMessageError) -> Self {
        use liveclass_domain::interaction::PostMessageError as E;
        match e {
            E::ClassNotFound => Self::new(C::ClassNotFound, e.to_string()),
            E::NotLive => Self::new(C::ClassNotLive, e.to_string()),
            E::NotAdmitted => Self::new(C::NotAdmitted, e.to_string()),
            E::Removed => Self::new(C::RemovedFromClass, e.to_string()),
            E::Store(s) => s.into(),
        }
    }
}

impl From<liveclass_domain::interaction::ListMessagesError> for ApiError {
    fn from(e: liveclass_domain::interaction::ListMessagesError) -> Self {
        use liveclass_domain::interaction::ListMessagesError as E;
        match e {
            E::Invalid(v) => v.into(),
            E::ClassNotFound => Self::new(C::ClassNotFound, e.to_string()),
            E::NotAdmitted => Self::new(C::NotAdmitted, e.to_string()),
            E::Store(s) => s.into(),
        }
    }
}

impl From<liveclass_domain::interaction::DeleteMessageError> for ApiError {
    fn from(e: liveclass_domain::interaction::DeleteMessageError) -> Self {
        use liveclass_domain::interaction::DeleteMessageError as E;
        match e {
            E::ClassNotFound => Self::new(C::ClassNotFound, e.to_string()),
            E::MessageNotFound => Self::new(C::MessageNotFound, e.to_string()),
            E::NotAuthor => Self::new(C::NotMessageAuthor, e.to_string()),
            E::Store(s) => s.into(),
        }
    }
}

impl From<liveclass_domain::interaction::UpvoteQuestionError> for ApiError {
    fn from(e: liveclass_domain::interaction::UpvoteQuestionError) -> Self {
        use liveclass_domain::interaction::UpvoteQuestionError as E;
        match e {
            E::ClassNotFound => Self::new(C::ClassNotFound, e.to_string()),
            E::QuestionNotFound => Self::new(C::QuestionNotFound, e.to_string()),
            E::NotLive => Self::new(C::ClassNotLive, e.to_string()),
            E::NotAdmitted => Self::new(C::NotAdmitted, e.to_string()),
            E::Removed => Self::new(C::RemovedFromClass, e.to_string()),
            E::AlreadyUpvoted => Self::new(C::AlreadyUpvoted, e.to_string()),
            E::Store(s) => s.into(),
        }
    }
}

impl From<liveclass_domain::interaction::SetQuestionStatusError> for ApiError {
    fn from(e: liveclass_domain::interaction::SetQuestionStatusError) -> Self {
        use liveclass_domain::interaction::SetQuestionStatusError as E;
        match e {
            E::ClassNotFound => Self::new(C::ClassNotFound, e.to_string()),
            E::QuestionNotFound => Self::new(C::QuestionNotFound, e.to_string()),
            E::NotModerator => Self::new(C::NotModerator, e.to_string()),
            E::Store(s) => s.into(),
        }
    }
}

impl From<liveclass_domain::interaction::PollError> for ApiError {
    fn from(e: liveclass_domain::interaction::PollError) -> Self {
        use liveclass_domain::interaction::PollError as E;
        match e {
            E::Invalid(v) => v.into(),
            E::ClassNotFound => Self::new(C::ClassNotFound, e.to_string()),
            E::PollNotFound => Self::new(C::PollNotFound, e.to_string()),
            E::NotModerator => Self::new(C::NotModerator, e.to_string()),
            E::NotAdmitted => Self::new(C::NotAdmitted, e.to_string()),
            E::Removed => Self::new(C::RemovedFromClass, e.to_string()),
            E::NotLive => Self::new(C::ClassNotLive, e.to_string()),
            E::ClassFinished => Self::new(C::ClassFinished, e.to_string()),
            E::PollNotOpen => Self::new(C::PollNotOpen, e.to_string()),
            E::InvalidTransition { .. } => Self::new(C::InvalidStatusTransition, e.to_string()),
            E::AlreadyVoted => Self::new(C::AlreadyVoted, e.to_string()),
            E::Store(s) => s.into(),
        }
    }
}

impl From<liveclass_domain::interaction::ReactionError> for ApiError {
    fn from(e: liveclass_domain::interaction::ReactionError) -> Self {
        use liveclass_domain::interaction::ReactionError as E;
        match e {
            E::Invalid(v) => v.into(),
            E::ClassNotFound => Self::new(C::ClassNotFound, e.to_string()),
            E::NotLive => Self::new(C::ClassNotLive, e.to_string()),
            E::NotAdmitted => Self::new(C::NotAdmitted, e.to_string()),
            E::Removed => Self::new(C::RemovedFromClass, e.to_string()),
            E::Store(s) => s.into(),
        }
    }
}

impl From<liveclass_domain::interaction::ResourceError> for ApiError {
    fn from(e: liveclass_domain::interaction::ResourceError) -> Self {
        use liveclass_domain::interaction::ResourceError as E;
        match e {
            E::Invalid(v) => v.into(),
            E::ClassNotFound => Self::new(C::ClassNotFound, e.to_string()),
            E::ResourceNotFound => Self::new(C::ResourceNotFound, e.to_string()),
            E::NotModerator => Self::new(C::NotModerator, e.to_string()),
            E::NotAdmitted => Self::new(C::NotAdmitted, e.to_string()),
            E::ClassFinished => Self::new(C::ClassFinished, e.to_string()),
            E::Store(s) => s.into(),
        }
    }
}

impl From<liveclass_domain::interaction::MarkReadError> for ApiError {
    fn from(e: liveclass_domain::interaction::MarkReadError) -> Self {
        use liveclass_domain::interaction::MarkReadError as E;
        match e {
            E::Invalid(v) => v.into(),
            E::ClassNotFound => Self::new(C::ClassNotFound, e.to_string()),
            E::NotAdmitted => Self::new(C::NotAdmitted, e.to_string()),
            E::MessageNotFound => Self::new(C::MessageNotFound, e.to_string()),
            E::Store(s) => s.into(),
        }
    }
}

impl From<liveclass_domain::provider_accounts::ProviderAccountError> for ApiError {
    fn from(e: liveclass_domain::provider_accounts::ProviderAccountError) -> Self {
        use liveclass_domain::provider_accounts::ProviderAccountError as P;
        match e {
            P::Invalid(v) => v.into(),
            P::Forbidden => Self::new(C::Forbidden, e.to_string()),
            P::NotFound => Self::new(C::ProviderAccountNotFound, e.to_string()),
            P::ActiveExists(_) => Self::new(C::ActiveProviderAccountExists, e.to_string()),
            P::SecretsUnavailable(_) => Self::new(C::ProviderSecretsUnavailable, e.to_string()),
            P::Store(s) => s.into(),
        }
    }
}

impl From<liveclass_domain::provider_events::ListProviderEventsError> for ApiError {
    fn from(e: liveclass_domain::provider_events::ListProviderEventsError) -> Self {
        use liveclass_domain::provider_events::ListProviderEventsError as L;
        match e {
            L::Forbidden => Self::new(C::Forbidden, e.to_string()),
            L::Store(s) => s.into(),
        }
    }
}

impl From<liveclass_domain::provider_events::ReprocessProviderEventError> for ApiError {
    fn from(e: liveclass_domain::provider_events::ReprocessProviderEventError) -> Self {
        use liveclass_domain::provider_events::ReprocessProviderEventError as R;
        match e {
            R::Forbidden => Self::new(C::Forbidden, e.to_string()),
            R::NotFound => Self::new(C::ProviderEventNotFound, e.to_string()),
            R::Store(s) => s.into(),
        }
    }
}

impl From<liveclass_domain::attendance::AttendanceError> for ApiError {
    fn from(e: liveclass_domain::attendance::AttendanceError) -> Self {
        use liveclass_domain::attendance::AttendanceError as A;
        match e {
            A::NotFound => class_not_found(),
            A::Forbidden => Self::new(C::NotModerator, e.to_string()),
            A::Store(s) => s.into(),
        }
    }
}

impl From<liveclass_domain::attendance::CourseAttendanceError> for ApiError {
    fn from(e: liveclass_domain::attendance::CourseAttendanceError) -> Self {
        use liveclass_domain::attendance::CourseAttendanceError as A;
        match e {
            A::Invalid(v) => v.into(),
            A::Forbidden => Self::new(C::Forbidden, e.to_string()),
            A::TooManyClasses(_) => Self::new(C::ValidationFailed, e.to_string()),
            A::Store(s) => s.into(),
        }
    }
}

impl From<liveclass_domain::attendance::AttendanceSettingsError> for ApiError {
    fn from(e: liveclass_domain::attendance::AttendanceSettingsError) -> Self {
        use liveclass_domain::attendance::AttendanceSettingsError as A;
        match e {
            A::Invalid(v) => v.into(),
            A::Forbidden(_) => Self::new(C::Forbidden, e.to_string()),
            A::Store(s) => s.into(),
        }
    }
}

impl From<RequestToJoinError> for ApiError {
    fn from(e: RequestToJoinError) -> Self {
        match e {
            RequestToJoinError::NotFound => class_not_found(),
            RequestToJoinError::ApprovalNotRequired => {
                Self::new(C::ApprovalNotRequired, e.to_string())
            }
            RequestToJoinError::ClassOver(_) => Self::new(C::ClassOver, e.to_string()),
            RequestToJoinError::Removed => Self::new(C::RemovedFromClass, e.to_string()),
            RequestToJoinError::Store(s) => s.into(),
        }
    }
}

impl From<ReadRequestsError> for ApiError {
    fn from(e: ReadRequestsError) -> Self {
        match e {
            ReadRequestsError::NotFound => class_not_found(),
            ReadRequestsError::Forbidden => Self::new(C::NotModerator, e.to_string()),
            ReadRequestsError::NoRequest => Self::new(C::JoinRequestNotFound, e.to_string()),
            ReadRequestsError::Store(s) => s.into(),
        }
    }
}

impl From<DecideRequestError> for ApiError {
    fn from(e: DecideRequestError) -> Self {
        match e {
            DecideRequestError::NotFound => class_not_found(),
            DecideRequestError::Forbidden => Self::new(C::NotModerator, e.to_string()),
            DecideRequestError::RequestNotFound => Self::new(C::JoinRequestNotFound, e.to_string()),
            DecideRequestError::Store(s) => s.into(),
        }
    }
}

impl From<RemoveParticipantError> for ApiError {
    fn from(e: RemoveParticipantError) -> Self {
        match e {
            RemoveParticipantError::NotFound => class_not_found(),
            RemoveParticipantError::Forbidden => Self::new(C::NotModerator, e.to_string()),
            RemoveParticipantError::CannotRemoveHost => {
                Self::new(C::CannotRemoveHost, e.to_string())
            }
            RemoveParticipantError::ClassOver(_) => Self::new(C::ClassOver, e.to_string()),
            RemoveParticipantError::Store(s) => s.into(),
        }
    }
}

impl From<ReadWaitlistError> for ApiError {
    fn from(e: ReadWaitlistError) -> Self {
        match e {
            ReadWaitlistError::NotFound => class_not_found(),
            ReadWaitlistError::Forbidden => Self::new(C::NotModerator, e.to_string()),
            ReadWaitlistError::NotWaiting => Self::new(C::NotWaiting, e.to_string()),
            ReadWaitlistError::Store(s) => s.into(),
        }
    }
}

impl From<LeaveWaitlistError> for ApiError {
    fn from(e: LeaveWaitlistError) -> Self {
        match e {
            LeaveWaitlistError::NotFound => class_not_found(),
            LeaveWaitlistError::NotWaiting => Self::new(C::NotWaiting, e.to_string()),
            LeaveWaitlistError::Store(s) => s.into(),
        }
    }
}

impl From<liveclass_domain::controls::CoHostError> for ApiError {
    fn from(e: liveclass_domain::controls::CoHostError) -> Self {
        use liveclass_domain::controls::CoHostError as E;
        match e {
            E::Invalid(v) => v.into(),
            E::ClassNotFound => Self::new(C::ClassNotFound, e.to_string()),
            E::NotHost => Self::new(C::NotClassHost, e.to_string()),
            E::Finished(_) => Self::new(C::ClassFinished, e.to_string()),
            E::TooMany(_) => Self::new(C::TooManyCoHosts, e.to_string()),
            E::Store(s) => s.into(),
        }
    }
}

impl From<liveclass_domain::controls::ControlsError> for ApiError {
    fn from(e: liveclass_domain::controls::ControlsError) -> Self {
        use liveclass_domain::controls::ControlsError as E;
        match e {
            E::Invalid(v) => v.into(),
            E::ClassNotFound => Self::new(C::ClassNotFound, e.to_string()),
            E::NotModerator => Self::new(C::NotModerator, e.to_string()),
            E::NotParticipating => Self::new(C::ParticipantNotActive, e.to_string()),
            E::NotLive(_) => Self::new(C::ClassNotInSession, e.to_string()),
            E::Store(s) => s.into(),
        }
    }
}

impl From<liveclass_domain::controls::HandsError> for ApiError {
    fn from(e: liveclass_domain::controls::HandsError) -> Self {
        use liveclass_domain::controls::HandsError as E;
        match e {
            E::ClassNotFound => Self::new(C::ClassNotFound, e.to_string()),
            E::NotAdmitted => Self::new(C::NotAdmitted, e.to_string()),
            E::Store(s) => s.into(),
        }
    }
}
