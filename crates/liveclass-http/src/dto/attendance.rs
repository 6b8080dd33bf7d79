//! `GET /live-classes/{id}/attendance`: the report as JSON, and as CSV.

use liveclass_domain::attendance::{
    AttendanceReport, AttendanceRow, CourseAttendance, CourseRow, Engagement, Reconciliation, Stay,
};
use liveclass_domain::class::ParticipantRole;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::{IntoParams, ToSchema};

use super::class::instant;
use crate::error::{ApiError, ErrorCode};

/// `GET /live-classes/{id}/attendance` query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AttendanceQuery {
    /// `segments`: each attendee's stays too (in CSV, one row per stay
    /// instead of one per person).
    #[param(value_type = Option<String>, example = "segments")]
    pub detail: Option<String>,
    /// `json` (default) or `csv`; `Accept: text/csv` also asks for CSV.
    #[param(value_type = Option<String>, example = "csv")]
    pub format: Option<String>,
    /// An IANA time zone (`Europe/Paris`) for the CSV's times, written with
    /// their offset; default UTC. JSON times are always UTC.
    #[param(value_type = Option<String>, example = "Europe/Paris")]
    pub tz: Option<String>,
}

/// The query, checked.
#[derive(Debug, Clone)]
pub struct AttendanceOptions {
    /// One row per stay.
    pub segments: bool,
    /// CSV rather than JSON (`None`: as `Accept` says).
    pub csv: Option<bool>,
    /// The CSV's time zone.
    pub tz: jiff::tz::TimeZone,
}

impl AttendanceQuery {
    /// The options.
    ///
    /// # Errors
    /// 400 `validation_failed` for an unknown `detail`, `format` or `tz`.
    pub fn options(&self) -> Result<AttendanceOptions, ApiError> {
        let invalid = |field: &str, what: &str, raw: &str| {
            ApiError::new(
                ErrorCode::ValidationFailed,
                format!(
                    "{field}: {what} (got `{}`)",
                    liveclass_domain::validation::strip_controls(raw)
                ),
            )
        };
        let segments = match self.detail.as_deref() {
            None => false,
            Some("segments") => true,
            Some(other) => return Err(invalid("detail", "must be `segments`", other)),
        };
        let csv = match self.format.as_deref() {
            None => None,
            Some("json") => Some(false),
            Some("csv") => Some(true),
            Some(other) => return Err(invalid("format", "must be `json` or `csv`", other)),
        };
        let tz = match self.tz.as_deref() {
            None => jiff::tz::TimeZone::UTC,
            Some(name) => jiff::tz::TimeZone::get(name).map_err(|_| {
                invalid("tz", "must be an IANA time zone such as Europe/Paris", name)
            })?,
        };
        Ok(AttendanceOptions { segments, csv, tz })
    }
}

/// Whether to answer CSV: `format` when given, else whether `Accept`
/// names `text/csv`.
pub fn wants_csv(req: &actix_web::HttpRequest, options: &AttendanceOptions) -> bool {
    options.csv.unwrap_or_else(|| {
        req.headers()
            .get(actix_web::http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/csv"))
    })
}

/// A CSV report as an attachment named `filename`.
pub fn csv_attachment(body: Vec<u8>, filename: &str) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(body)
}

/// One stay.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttendanceSegment {
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub joined_at: OffsetDateTime,
    /// `null` while the stay is open.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime, required = true)]
    pub left_at: Option<OffsetDateTime>,
    /// Its length so far, in whole seconds.
    pub seconds: i64,
    /// `app` (LiveClass's join and leave) or `provider` (the video
    /// provider's session).
    #[schema(example = "app")]
    pub source: &'static str,
}

impl From<&Stay> for AttendanceSegment {
    fn from(s: &Stay) -> Self {
        Self {
            joined_at: s.from,
            left_at: (!s.open).then_some(s.to),
            seconds: (s.to - s.from).whole_seconds(),
            source: s.source.as_str(),
        }
    }
}

/// What an attendee did in class (BigBlueButton's learning-dashboard
/// columns).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttendeeEngagement {
    /// Chat messages still in the chat (deleted ones do not count).
    pub messages: u32,
    /// Questions asked under their name; anonymous questions are never
    /// counted (the count would tell who asked).
    pub questions: u32,
    /// Questions they upvoted.
    pub upvotes: u32,
    /// Polls they voted in (one per poll; anonymous polls too, never what
    /// they chose).
    pub poll_votes: u32,
    /// Reactions they sent.
    pub reactions: u32,
    /// Times they raised their hand.
    pub hand_raises: u32,
}

impl From<&Engagement> for AttendeeEngagement {
    fn from(e: &Engagement) -> Self {
        Self {
            messages: e.messages,
            questions: e.questions,
            upvotes: e.upvotes,
            poll_votes: e.poll_votes,
            reactions: e.reactions,
            hand_raises: e.hand_raises,
        }
    }
}

/// One person's attendance.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Attendee {
    pub user_id: String,
    #[schema(required = true)]
    pub name: Option<String>,
    /// `teacher` or `participant`; `null` for someone who never came.
    #[schema(required = true, example = "participant")]
    pub role: Option<&'static str>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime, required = true)]
    pub first_join: Option<OffsetDateTime>,
    /// `null` while they are in, or if they never came.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime, required = true)]
    pub last_leave: Option<OffsetDateTime>,
    /// The union of their stays (rejoins merged, overlaps counted once).
    pub seconds_present: i64,
    pub joins: u32,
    /// `secondsPresent` as a whole percentage of the class's duration.
    #[schema(minimum = 0, maximum = 100)]
    pub percent: u8,
    /// `present`, `late`, `left_early` or `absent`.
    #[schema(example = "present")]
    pub status: &'static str,
    /// Who saw them: `app`, `provider`.
    pub sources: Vec<&'static str>,
    /// What they did in class.
    pub engagement: AttendeeEngagement,
    /// Their stays, with `?detail=segments`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segments: Option<Vec<AttendanceSegment>>,
}

const fn role_name(role: ParticipantRole) -> &'static str {
    match role {
        ParticipantRole::Teacher => "teacher",
        ParticipantRole::Participant => "participant",
    }
}

impl Attendee {
    fn new(r: &AttendanceRow, segments: bool) -> Self {
        Self {
            user_id: r.user_id.as_str().to_owned(),
            name: r.name.clone(),
            role: r.role.map(role_name),
            first_join: r.first_join,
            last_leave: r.last_leave,
            seconds_present: r.seconds_present,
            joins: r.joins,
            percent: r.percent,
            status: r.status.as_str(),
            sources: r.sources.iter().map(|s| s.as_str()).collect(),
            engagement: (&r.engagement).into(),
            segments: segments.then(|| r.stays.iter().map(Into::into).collect()),
        }
    }
}

/// Where reconciling a class's attendance with the video provider's own
/// participant report stands.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttendanceReconciliation {
    /// `pending` (the report is fetched a couple of minutes after the end,
    /// and retried while the provider fails) or `final`.
    #[schema(example = "final")]
    pub status: &'static str,
    /// Once final: `fetched` (merged), `unsupported` (the provider keeps
    /// no such report) or `unavailable` (it kept failing: the attendance is
    /// LiveClass's own).
    #[schema(required = true, example = "fetched")]
    pub provider_report: Option<&'static str>,
    /// The presences the provider reported.
    #[schema(required = true)]
    pub provider_rows: Option<u32>,
    /// Failed attempts to fetch the report.
    pub attempts: u32,
    /// The last failure.
    #[schema(required = true)]
    pub last_error: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime, required = true)]
    pub finalized_at: Option<OffsetDateTime>,
}

impl From<&Reconciliation> for AttendanceReconciliation {
    fn from(r: &Reconciliation) -> Self {
        Self {
            status: r.status.as_str(),
            provider_report: r.outcome.map(|o| o.report.as_str()),
            provider_rows: r.outcome.map(|o| o.rows),
            attempts: r.attempts,
            last_error: r.last_error.clone(),
            finalized_at: r.outcome.map(|o| o.at),
        }
    }
}

/// A class's attendance.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttendanceResponse {
    #[schema(format = Uuid)]
    pub live_class_id: String,
    /// `not_started`, `live` (times run to now), `provisional` (ended; the
    /// provider's own report, or late provider webhooks, may still add
    /// time) or `final` (reconciled with the provider's report).
    #[schema(example = "final")]
    pub state: &'static str,
    /// The reconciliation with the provider's report; `null` before the
    /// class ends (and for classes ended before reconciliation existed).
    #[schema(required = true)]
    pub reconciliation: Option<AttendanceReconciliation>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime, required = true)]
    pub started_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime, required = true)]
    pub ended_at: Option<OffsetDateTime>,
    /// The class's actual duration so far.
    pub duration_seconds: i64,
    /// Everyone who came, in order of first joining, then everyone expected
    /// (on the roster, or approved) who did not.
    pub attendees: Vec<Attendee>,
}

impl AttendanceResponse {
    /// The report as JSON.
    pub fn new(report: &AttendanceReport, segments: bool) -> Self {
        Self {
            live_class_id: report.class.id.to_string(),
            state: report.state.as_str(),
            reconciliation: report.reconciliation.as_ref().map(Into::into),
            started_at: report.class.started_at,
            ended_at: report.class.ended_at,
            duration_seconds: report.duration_seconds,
            attendees: report
                .rows
                .iter()
                .map(|r| Attendee::new(r, segments))
                .collect(),
        }
    }
}

/// A text cell that a spreadsheet would read as a formula (`=`, `+`, `-`,
/// `@`, or a tab or carriage return first) gets a leading `'`, OWASP's
/// advice against CSV injection; anything else is written as is (the CSV
/// writer quotes what needs quoting).
pub fn neutralised(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

fn instant_in(at: Option<OffsetDateTime>, tz: &jiff::tz::TimeZone) -> String {
    let Some(at) = at else {
        return String::new();
    };
    let utc = at.format(&Rfc3339).unwrap_or_default();
    if *tz == jiff::tz::TimeZone::UTC {
        return utc;
    }
    utc.parse::<jiff::Timestamp>()
        .map(|ts| {
            ts.to_zoned(tz.clone())
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string()
        })
        .unwrap_or(utc)
}

/// The report as CSV (RFC 4180, UTF-8, a header row): one row per person,
/// or per stay with `segments`; times in ISO 8601 with their offset in `tz`.
///
/// # Errors
/// None in practice (the writer writes into memory).
pub fn attendance_csv(
    report: &AttendanceReport,
    options: &AttendanceOptions,
) -> Result<Vec<u8>, csv::Error> {
    let tz = &options.tz;
    let mut out = csv::Writer::from_writer(Vec::new());
    if options.segments {
        out.write_record([
            "user_id",
            "name",
            "role",
            "source",
            "joined_at",
            "left_at",
            "seconds",
        ])?;
        for r in &report.rows {
            for s in &r.stays {
                out.write_record([
                    neutralised(r.user_id.as_str()).as_ref(),
                    &neutralised(r.name.as_deref().unwrap_or_default()),
                    r.role.map_or("", role_name),
                    s.source.as_str(),
                    &instant_in(Some(s.from), tz),
                    &instant_in((!s.open).then_some(s.to), tz),
                    &(s.to - s.from).whole_seconds().to_string(),
                ])?;
            }
        }
    } else {
        out.write_record([
            "user_id",
            "name",
            "role",
            "status",
            "first_join",
            "last_leave",
            "seconds_present",
            "joins",
            "percent",
            "sources",
            "messages",
            "questions",
            "upvotes",
            "poll_votes",
            "reactions",
            "hand_raises",
        ])?;
        for r in &report.rows {
            let sources: Vec<&str> = r.sources.iter().map(|s| s.as_str()).collect();
            let e = &r.engagement;
            out.write_record([
                neutralised(r.user_id.as_str()).as_ref(),
                &neutralised(r.name.as_deref().unwrap_or_default()),
                r.role.map_or("", role_name),
                r.status.as_str(),
                &instant_in(r.first_join, tz),
                &instant_in(r.last_leave, tz),
                &r.seconds_present.to_string(),
                &r.joins.to_string(),
                &r.percent.to_string(),
                &sources.join(" "),
                &e.messages.to_string(),
                &e.questions.to_string(),
                &e.upvotes.to_string(),
                &e.poll_votes.to_string(),
                &e.reactions.to_string(),
                &e.hand_raises.to_string(),
            ])?;
        }
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

/// `GET /courses/{courseId}/attendance` query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CourseAttendanceQuery {
    /// Only classes scheduled at or after this instant (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<String>,
    /// Only classes scheduled at or before this instant (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub to: Option<String>,
    /// `json` (default) or `csv`; `Accept: text/csv` also asks for CSV.
    #[param(value_type = Option<String>, example = "csv")]
    pub format: Option<String>,
    /// An IANA time zone for the CSV's times; default UTC.
    #[param(value_type = Option<String>, example = "Europe/Paris")]
    pub tz: Option<String>,
}

/// `GET /me/attendance` query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct MyAttendanceQuery {
    /// The course (required).
    #[param(value_type = String, min_length = 1, max_length = 128)]
    pub course_id: Option<String>,
    /// Only classes scheduled at or after this instant (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<String>,
    /// Only classes scheduled at or before this instant (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub to: Option<String>,
    /// `json` (default) or `csv`; `Accept: text/csv` also asks for CSV.
    #[param(value_type = Option<String>, example = "csv")]
    pub format: Option<String>,
    /// An IANA time zone for the CSV's times; default UTC.
    #[param(value_type = Option<String>, example = "Europe/Paris")]
    pub tz: Option<String>,
}

/// A range and the rendering options, checked.
pub type RangeOptions = (
    Option<OffsetDateTime>,
    Option<OffsetDateTime>,
    AttendanceOptions,
);

fn range_options(
    from: Option<&str>,
    to: Option<&str>,
    format: Option<&String>,
    tz: Option<&String>,
) -> Result<RangeOptions, ApiError> {
    let options = AttendanceQuery {
        detail: None,
        format: format.cloned(),
        tz: tz.cloned(),
    }
    .options()?;
    Ok((instant("from", from)?, instant("to", to)?, options))
}

impl CourseAttendanceQuery {
    /// `from`, `to` and the options.
    ///
    /// # Errors
    /// 400 `validation_failed` for a value that does not parse.
    pub fn checked(&self) -> Result<RangeOptions, ApiError> {
        range_options(
            self.from.as_deref(),
            self.to.as_deref(),
            self.format.as_ref(),
            self.tz.as_ref(),
        )
    }
}

impl MyAttendanceQuery {
    /// The course, `from`, `to` and the options.
    ///
    /// # Errors
    /// 400 `validation_failed` without a `courseId`, or for a value that
    /// does not parse.
    pub fn checked(
        &self,
    ) -> Result<(liveclass_domain::schedule::CourseId, RangeOptions), ApiError> {
        let course = self
            .course_id
            .as_deref()
            .ok_or_else(|| ApiError::new(ErrorCode::ValidationFailed, "courseId: is required"))?;
        let course = liveclass_domain::schedule::CourseId::parse(course)?;
        let rest = range_options(
            self.from.as_deref(),
            self.to.as_deref(),
            self.format.as_ref(),
            self.tz.as_ref(),
        )?;
        Ok((course, rest))
    }
}

/// One class of a course report (a column).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CourseAttendanceClass {
    #[schema(format = Uuid)]
    pub live_class_id: String,
    pub title: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub scheduled_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime, required = true)]
    pub started_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime, required = true)]
    pub ended_at: Option<OffsetDateTime>,
    /// `not_started`, `live`, `provisional` or `final` (reconciled with the
    /// provider's report).
    pub state: &'static str,
    pub duration_seconds: i64,
}

/// One student's line of a course report.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CourseAttendanceStudent {
    pub user_id: String,
    #[schema(required = true)]
    pub name: Option<String>,
    /// Their status in each class, in `classes`' order: `present`, `late`,
    /// `left_early`, `absent`, or `null` for a class not started yet.
    #[schema(value_type = Vec<Option<String>>)]
    pub statuses: Vec<Option<&'static str>>,
    /// Their seconds present in each class (`null` where the status is).
    #[schema(value_type = Vec<Option<i64>>)]
    pub seconds_per_class: Vec<Option<i64>>,
    /// Classes attended (present, late or left early).
    pub attended: u32,
    pub seconds_present: i64,
    /// `secondsPresent` as a whole percentage of the classes' durations.
    #[schema(minimum = 0, maximum = 100)]
    pub percent: u8,
}

impl From<&CourseRow> for CourseAttendanceStudent {
    fn from(r: &CourseRow) -> Self {
        Self {
            user_id: r.user_id.as_str().to_owned(),
            name: r.name.clone(),
            statuses: r.statuses.iter().map(|s| s.map(|s| s.as_str())).collect(),
            seconds_per_class: r.seconds_per_class.clone(),
            attended: r.attended,
            seconds_present: r.seconds_present,
            percent: r.percent,
        }
    }
}

/// A course's attendance (or one's own in it): its classes, soonest first,
/// and one line per student.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CourseAttendanceResponse {
    pub course_id: String,
    pub classes: Vec<CourseAttendanceClass>,
    pub students: Vec<CourseAttendanceStudent>,
}

impl From<&CourseAttendance> for CourseAttendanceResponse {
    fn from(c: &CourseAttendance) -> Self {
        Self {
            course_id: c.course_id.as_str().to_owned(),
            classes: c
                .classes
                .iter()
                .map(|r| CourseAttendanceClass {
                    live_class_id: r.class.id.to_string(),
                    title: r.class.title.as_str().to_owned(),
                    scheduled_at: r.class.scheduled_at,
                    started_at: r.class.started_at,
                    ended_at: r.class.ended_at,
                    state: r.state.as_str(),
                    duration_seconds: r.duration_seconds,
                })
                .collect(),
            students: c.rows.iter().map(Into::into).collect(),
        }
    }
}

/// Rows rendered per chunk of a streamed course report.
const ROWS_PER_CHUNK: usize = 200;

/// A course report as CSV (RFC 4180, UTF-8): a header row (user id, name,
/// one column per class headed by its scheduled time in `tz` and title,
/// then attended, seconds present, percent), then one row per student.
/// Streamed: rendered [`ROWS_PER_CHUNK`] rows at a time as the client
/// reads, so the whole text is never held (the report itself is).
pub struct CourseCsvBody {
    report: CourseAttendance,
    tz: jiff::tz::TimeZone,
    /// The next row to render; `None` before the header.
    next: Option<usize>,
}

impl CourseCsvBody {
    /// The body of `report`, times in `options.tz`.
    pub fn new(report: CourseAttendance, options: &AttendanceOptions) -> Self {
        Self {
            report,
            tz: options.tz.clone(),
            next: None,
        }
    }

    fn header(&self) -> Vec<String> {
        let mut header: Vec<String> = vec!["user_id".into(), "name".into()];
        header.extend(self.report.classes.iter().map(|c| {
            neutralised(&format!(
                "{} {}",
                instant_in(Some(c.class.scheduled_at), &self.tz),
                c.class.title.as_str()
            ))
            .into_owned()
        }));
        header.extend([
            "attended".into(),
            "seconds_present".into(),
            "percent".into(),
        ]);
        header
    }

    fn record(r: &CourseRow) -> Vec<String> {
        let mut record: Vec<String> = vec![
            neutralised(r.user_id.as_str()).into_owned(),
            neutralised(r.name.as_deref().unwrap_or_default()).into_owned(),
        ];
        record.extend(
            r.statuses
                .iter()
                .map(|s| s.map_or(String::new(), |s| s.as_str().to_owned())),
        );
        record.extend([
            r.attended.to_string(),
            r.seconds_present.to_string(),
            r.percent.to_string(),
        ]);
        record
    }

    /// The next chunk: the header, then rows; `None` at the end.
    fn chunk(&mut self) -> Option<Result<actix_web::web::Bytes, csv::Error>> {
        let mut out = csv::Writer::from_writer(Vec::new());
        let written = match self.next {
            None => {
                self.next = Some(0);
                out.write_record(self.header())
            }
            Some(from) if from < self.report.rows.len() => {
                let to = (from + ROWS_PER_CHUNK).min(self.report.rows.len());
                self.next = Some(to);
                self.report.rows[from..to]
                    .iter()
                    .try_for_each(|r| out.write_record(Self::record(r)))
            }
            Some(_) => return None,
        };
        Some(
            written
                .and_then(|()| out.into_inner().map_err(|e| e.into_error().into()))
                .map(actix_web::web::Bytes::from),
        )
    }
}

impl actix_web::body::MessageBody for CourseCsvBody {
    type Error = csv::Error;

    fn size(&self) -> actix_web::body::BodySize {
        actix_web::body::BodySize::Stream
    }

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<actix_web::web::Bytes, Self::Error>>> {
        std::task::Poll::Ready(self.get_mut().chunk())
    }
}

/// A course report streamed as a CSV attachment named `filename`.
pub fn course_csv_attachment(
    report: CourseAttendance,
    options: &AttendanceOptions,
    filename: &str,
) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(CourseCsvBody::new(report, options))
}

/// `PUT /attendance-settings`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AttendanceSettingsBody {
    /// A first join more than this many minutes after the start is `late`.
    #[schema(minimum = 0, maximum = 1440, example = 10)]
    pub late_after_minutes: u32,
    /// A last leave more than this many minutes before the end is
    /// `left_early`.
    #[schema(minimum = 0, maximum = 1440, example = 5)]
    pub left_early_minutes: u32,
}

/// The attendance grace periods that apply to the tenant.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttendanceSettingsResponse {
    #[schema(minimum = 0, maximum = 1440, example = 10)]
    pub late_after_minutes: i64,
    #[schema(minimum = 0, maximum = 1440, example = 5)]
    pub left_early_minutes: i64,
    /// `tenant` (set by an organisation admin) or `server` (the server's
    /// `LIVECLASS_ATTENDANCE_*` settings).
    #[schema(example = "tenant")]
    pub source: &'static str,
    /// When the tenant's own were set; `null` for the server's.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime, required = true)]
    pub updated_at: Option<OffsetDateTime>,
    /// Who set them; `null` for the server's.
    #[schema(required = true)]
    pub updated_by: Option<String>,
}

impl From<&liveclass_domain::attendance::AttendanceSettings> for AttendanceSettingsResponse {
    fn from(s: &liveclass_domain::attendance::AttendanceSettings) -> Self {
        Self {
            late_after_minutes: s.policy.late_after.whole_minutes(),
            left_early_minutes: s.policy.left_early_before.whole_minutes(),
            source: if s.tenant.is_some() {
                "tenant"
            } else {
                "server"
            },
            updated_at: s.tenant.as_ref().map(|t| t.updated_at),
            updated_by: s.tenant.as_ref().map(|t| t.updated_by.as_str().to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use liveclass_domain::attendance::{CourseAttendance, CourseRow};
    use liveclass_domain::ids::UserId;
    use liveclass_domain::schedule::CourseId;

    use super::*;

    #[test]
    fn a_course_csv_streams_its_header_then_blocks_of_rows() {
        let row = |i: usize| CourseRow {
            user_id: UserId::parse(&format!("s-{i:03}")).unwrap(),
            name: (i == 0).then(|| "=cmd".to_owned()),
            statuses: vec![],
            seconds_per_class: vec![],
            attended: 0,
            seconds_present: 0,
            percent: 0,
        };
        let report = CourseAttendance {
            course_id: CourseId::parse("lab").unwrap(),
            classes: vec![],
            rows: (0..450).map(row).collect(),
        };
        let options = AttendanceQuery {
            detail: None,
            format: None,
            tz: None,
        }
        .options()
        .unwrap();
        let mut body = CourseCsvBody::new(report, &options);
        let mut chunks = Vec::new();
        while let Some(chunk) = body.chunk() {
            chunks.push(String::from_utf8(chunk.unwrap().to_vec()).unwrap());
        }
        assert_eq!(chunks.len(), 1 + 3, "the header, then 200 + 200 + 50 rows");
        assert_eq!(chunks[0], "user_id,name,attended,seconds_present,percent\n");
        assert!(
            chunks[1].starts_with("s-000,'=cmd,0,0,0\n"),
            "{}",
            chunks[1]
        );
        assert_eq!(chunks[3].lines().count(), 50);
        assert!(chunks[3].ends_with("s-449,,0,0,0\n"));
    }
}
