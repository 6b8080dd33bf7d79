//! The attendance rules, pure: stays in, a report out.
//!
//! A person's **stays** are their LiveClass participations (join to leave;
//! still open: to the class's end, or to now while it is live) and their
//! provider sessions mapped to them (the provider's own join and leave).
//! Each stay is clipped to the class's actual window (its start to its end,
//! or to now while live). Their **union** is the time present: rejoins are
//! merged, two browser tabs or the app and the provider seeing the same
//! minutes count those minutes once.

use std::collections::BTreeMap;

use time::{Duration, OffsetDateTime};

use super::ports::Engagement;
use super::reconcile::{Reconciliation, ReconciliationStatus};
use crate::class::{ClassStatus, LiveClass, ParticipantRole, Participation};
use crate::ids::UserId;
use crate::provider_events::ProviderSession;

/// Who saw a stay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// LiveClass's own join and leave.
    App,
    /// The video provider's session (from its webhooks).
    Provider,
}

impl Source {
    /// The source's name, as shown.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::App => "app",
            Self::Provider => "provider",
        }
    }
}

/// One stay, clipped to the class's window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stay {
    /// When it began.
    pub from: OffsetDateTime,
    /// When it ended (the class's end, or now while live, if still open).
    pub to: OffsetDateTime,
    /// Whether it is still open (the person is in now).
    pub open: bool,
    /// Who saw it.
    pub source: Source,
}

/// How a person's attendance counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttendanceStatus {
    /// There from (nearly) the start to (nearly) the end.
    Present,
    /// First came more than [`AttendancePolicy::late_after`] after the start.
    Late,
    /// Came on time, but last left more than
    /// [`AttendancePolicy::left_early_before`] before the end (an ended class).
    LeftEarly,
    /// Expected (on the roster, or approved), never came.
    Absent,
}

impl AttendanceStatus {
    /// The status's name, as shown.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Present => "present",
            Self::Late => "late",
            Self::LeftEarly => "left_early",
            Self::Absent => "absent",
        }
    }
}

/// The grace periods of the statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttendancePolicy {
    /// A first join later than this after the start is `late` (default 5
    /// minutes, Moodle's and most trainers' habit).
    pub late_after: Duration,
    /// A last leave earlier than this before the end is `left_early`
    /// (default 5 minutes).
    pub left_early_before: Duration,
}

impl Default for AttendancePolicy {
    fn default() -> Self {
        Self {
            late_after: Duration::minutes(5),
            left_early_before: Duration::minutes(5),
        }
    }
}

/// Where the report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttendanceState {
    /// The class has not started: nobody attended yet.
    NotStarted,
    /// The class is live: times run to now.
    Live,
    /// The class ended; the provider's own report is not reconciled yet, so
    /// it (or late provider webhooks) may still add time.
    Provisional,
    /// The class ended and its attendance was reconciled with the
    /// provider's report (or the provider has none).
    Final,
}

impl AttendanceState {
    /// The state's name, as shown.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "not_started",
            Self::Live => "live",
            Self::Provisional => "provisional",
            Self::Final => "final",
        }
    }
}

/// One person's attendance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendanceRow {
    /// Who.
    pub user_id: UserId,
    /// Their name, as their join (or the provider) gave it.
    pub name: Option<String>,
    /// Their role in the class; `None` for someone who never came.
    pub role: Option<ParticipantRole>,
    /// Their first join.
    pub first_join: Option<OffsetDateTime>,
    /// Their last leave; `None` while they are in, or if they never came.
    pub last_leave: Option<OffsetDateTime>,
    /// The union of their stays, in whole seconds.
    pub seconds_present: i64,
    /// How many times they joined (LiveClass's joins, else the provider's).
    pub joins: u32,
    /// `seconds_present` as a whole percentage of the class's duration.
    pub percent: u8,
    /// How it counts.
    pub status: AttendanceStatus,
    /// Who saw them, in order (`app`, `provider`).
    pub sources: Vec<Source>,
    /// Their stays, in order of joining.
    pub stays: Vec<Stay>,
    /// What they did in class (zero until [`AttendanceReport::with_engagement`]
    /// fills it in: only the per-class report carries it).
    pub engagement: Engagement,
}

/// A class's attendance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendanceReport {
    /// The class.
    pub class: LiveClass,
    /// Where the report stands.
    pub state: AttendanceState,
    /// The class's actual duration so far, in whole seconds.
    pub duration_seconds: i64,
    /// Everyone who came, in order of first joining, then everyone expected
    /// who did not, by user id.
    pub rows: Vec<AttendanceRow>,
    /// The reconciliation with the provider's report, once the class ended
    /// (none for a class ended before reconciliation existed).
    pub reconciliation: Option<Reconciliation>,
}

impl AttendanceReport {
    /// The report with its reconciliation: `final` once that is.
    #[must_use]
    pub fn with_reconciliation(mut self, reconciliation: Option<Reconciliation>) -> Self {
        if self.state == AttendanceState::Provisional
            && reconciliation
                .as_ref()
                .is_some_and(|r| r.status == ReconciliationStatus::Final)
        {
            self.state = AttendanceState::Final;
        }
        self.reconciliation = reconciliation;
        self
    }

    /// The report with each row's engagement from `counts` (by user id);
    /// activity of someone with no row (never in the class, not expected)
    /// is left out.
    #[must_use]
    pub fn with_engagement(mut self, counts: &[(UserId, Engagement)]) -> Self {
        let counts: BTreeMap<&UserId, &Engagement> = counts.iter().map(|(u, e)| (u, e)).collect();
        for row in &mut self.rows {
            if let Some(e) = counts.get(&row.user_id) {
                row.engagement = **e;
            }
        }
        self
    }
}

/// The total length of the union of `stays` (overlaps counted once), in
/// whole seconds.
pub fn union_seconds(stays: &[Stay]) -> i64 {
    let mut spans: Vec<(OffsetDateTime, OffsetDateTime)> =
        stays.iter().map(|s| (s.from, s.to)).collect();
    spans.sort();
    let mut total = Duration::ZERO;
    let mut current: Option<(OffsetDateTime, OffsetDateTime)> = None;
    for (from, to) in spans {
        current = match current {
            Some((start, end)) if from <= end => Some((start, end.max(to))),
            Some((start, end)) => {
                total += end - start;
                Some((from, to))
            }
            None => Some((from, to)),
        };
    }
    if let Some((start, end)) = current {
        total += end - start;
    }
    total.whole_seconds()
}

/// A stay clipped to `[start, end]`; `None` when nothing of it is inside.
fn clipped(
    from: OffsetDateTime,
    to: OffsetDateTime,
    open: bool,
    source: Source,
    (start, end): (OffsetDateTime, OffsetDateTime),
) -> Option<Stay> {
    let (from, to) = (from.max(start), to.min(end));
    (from < to || (open && from <= to)).then_some(Stay {
        from,
        to,
        open,
        source,
    })
}

#[derive(Default)]
struct Person {
    name: Option<String>,
    role: Option<ParticipantRole>,
    app_joins: u32,
    provider_joins: u32,
    stays: Vec<Stay>,
}

/// The attendance of `class`, from its participations, the provider
/// sessions mapped to users, and the users `expected` (roster, approvals),
/// at `now`.
pub fn compute(
    class: &LiveClass,
    participations: &[Participation],
    sessions: &[ProviderSession],
    expected: &[UserId],
    now: OffsetDateTime,
    policy: &AttendancePolicy,
) -> AttendanceReport {
    let ended = class.status == ClassStatus::Ended;
    let state = match (class.started_at, ended) {
        (None, _) => AttendanceState::NotStarted,
        (Some(_), false) => AttendanceState::Live,
        (Some(_), true) => AttendanceState::Provisional,
    };
    let window = class
        .started_at
        .map(|start| (start, class.ended_at.unwrap_or(now).max(start)));
    let mut people: BTreeMap<UserId, Person> = BTreeMap::new();
    if let Some(window) = window {
        for p in participations {
            let person = people.entry(p.user_id.clone()).or_default();
            person.app_joins += 1;
            person.role = Some(p.role);
            if p.user_name.is_some() {
                person.name.clone_from(&p.user_name);
            }
            let open = p.left_at.is_none() && !ended;
            let to = p.left_at.unwrap_or(window.1);
            person
                .stays
                .extend(clipped(p.joined_at, to, open, Source::App, window));
        }
        for s in sessions {
            // Unmapped sessions belong to nobody; a session whose join was
            // never reported has no start to count from (the app's own stays
            // still count).
            let (Some(user), Some(from)) = (&s.user_id, s.joined_at) else {
                continue;
            };
            let to = s.left_at;
            let person = people.entry(user.clone()).or_default();
            person.provider_joins += 1;
            if person.name.is_none() {
                person.name.clone_from(&s.name);
            }
            let open = to.is_none() && !ended;
            person.stays.extend(clipped(
                from,
                to.unwrap_or(window.1),
                open,
                Source::Provider,
                window,
            ));
        }
    }
    let duration = window.map_or(0, |(start, end)| (end - start).whole_seconds());
    let mut rows: Vec<AttendanceRow> = people
        .into_iter()
        .filter(|(_, p)| !p.stays.is_empty())
        .map(|(user_id, mut p)| {
            p.stays.sort_by_key(|s| (s.from, s.to, s.source));
            row(user_id, p, window, duration, ended, policy)
        })
        .collect();
    rows.sort_by(|a, b| (a.first_join, &a.user_id).cmp(&(b.first_join, &b.user_id)));
    let mut absent: Vec<&UserId> = expected
        .iter()
        .filter(|u| !rows.iter().any(|r| &r.user_id == *u))
        .collect();
    absent.sort();
    absent.dedup();
    rows.extend(absent.into_iter().map(|user_id| AttendanceRow {
        user_id: user_id.clone(),
        name: None,
        role: None,
        first_join: None,
        last_leave: None,
        seconds_present: 0,
        joins: 0,
        percent: 0,
        status: AttendanceStatus::Absent,
        sources: Vec::new(),
        stays: Vec::new(),
        engagement: Engagement::default(),
    }));
    AttendanceReport {
        class: class.clone(),
        state,
        duration_seconds: duration,
        rows,
        reconciliation: None,
    }
}

fn row(
    user_id: UserId,
    p: Person,
    window: Option<(OffsetDateTime, OffsetDateTime)>,
    duration: i64,
    ended: bool,
    policy: &AttendancePolicy,
) -> AttendanceRow {
    let seconds = union_seconds(&p.stays);
    let first_join = p.stays.iter().map(|s| s.from).min();
    let in_now = p.stays.iter().any(|s| s.open);
    let last_leave = if in_now {
        None
    } else {
        p.stays.iter().map(|s| s.to).max()
    };
    let percent = if duration > 0 {
        u8::try_from((seconds.min(duration) * 100) / duration).unwrap_or(100)
    } else {
        0
    };
    let status = match (window, first_join) {
        (Some((start, _)), Some(first)) if first > start + policy.late_after => {
            AttendanceStatus::Late
        }
        (Some((_, end)), Some(_))
            if ended && last_leave.is_some_and(|l| l < end - policy.left_early_before) =>
        {
            AttendanceStatus::LeftEarly
        }
        (_, Some(_)) => AttendanceStatus::Present,
        (_, None) => AttendanceStatus::Absent,
    };
    let mut sources: Vec<Source> = p.stays.iter().map(|s| s.source).collect();
    sources.sort();
    sources.dedup();
    AttendanceRow {
        user_id,
        name: p.name,
        role: p.role,
        first_join,
        last_leave,
        seconds_present: seconds,
        joins: if p.app_joins > 0 {
            p.app_joins
        } else {
            p.provider_joins
        },
        percent,
        status,
        sources,
        stays: p.stays,
        engagement: Engagement::default(),
    }
}
