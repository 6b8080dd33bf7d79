//! A course's attendance in Moodle's shape: one row per student, one
//! column per class (its status for them), then the classes attended, the
//! total time and its percentage.

use std::collections::BTreeMap;

use super::model::{AttendanceReport, AttendanceState, AttendanceStatus};
use crate::class::ParticipantRole;
use crate::ids::UserId;
use crate::schedule::CourseId;

/// The most classes one course report covers: narrow `from`/`to` beyond it.
pub const MAX_COURSE_CLASSES: usize = 500;

/// One student's line of a course report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseRow {
    /// Who.
    pub user_id: UserId,
    /// Their name, as a join gave it.
    pub name: Option<String>,
    /// Their status in each class of the report, in the report's order;
    /// `None` for a class that has not started.
    pub statuses: Vec<Option<AttendanceStatus>>,
    /// Their time present in each class, in the same order (`None` where
    /// the status is).
    pub seconds_per_class: Vec<Option<i64>>,
    /// The classes they attended (present, late or left early).
    pub attended: u32,
    /// Their time present, over every class.
    pub seconds_present: i64,
    /// `seconds_present` as a whole percentage of the classes' durations.
    pub percent: u8,
}

/// A course's attendance over a range of classes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseAttendance {
    /// The course.
    pub course_id: CourseId,
    /// Each class's own report, soonest first (the columns).
    pub classes: Vec<AttendanceReport>,
    /// One row per student: everyone on the course's roster, and everyone
    /// else who attended one of its classes (teachers are not students:
    /// a class's teacher row is left out), by user id.
    pub rows: Vec<CourseRow>,
}

/// The course matrix of `classes` (the course's class reports, soonest
/// first), its `roster` counted as expected everywhere.
pub fn course_matrix(
    course_id: CourseId,
    classes: Vec<AttendanceReport>,
    roster: &[UserId],
) -> CourseAttendance {
    let mut names: BTreeMap<UserId, Option<String>> =
        roster.iter().map(|u| (u.clone(), None)).collect();
    for report in &classes {
        for row in &report.rows {
            if row.role == Some(ParticipantRole::Teacher) {
                continue;
            }
            let name = names.entry(row.user_id.clone()).or_default();
            if name.is_none() {
                name.clone_from(&row.name);
            }
        }
    }
    let total_duration: i64 = classes
        .iter()
        .filter(|c| c.state != AttendanceState::NotStarted)
        .map(|c| c.duration_seconds)
        .sum();
    let rows = names
        .into_iter()
        .map(|(user_id, name)| {
            let mut seconds = 0;
            let mut attended = 0;
            let (statuses, seconds_per_class) = classes
                .iter()
                .map(|report| {
                    if report.state == AttendanceState::NotStarted {
                        return (None, None);
                    }
                    let found = report.rows.iter().find(|r| r.user_id == user_id);
                    let status = found.map_or(AttendanceStatus::Absent, |r| r.status);
                    let present = found.map_or(0, |r| r.seconds_present);
                    seconds += present;
                    if status != AttendanceStatus::Absent {
                        attended += 1;
                    }
                    (Some(status), Some(present))
                })
                .unzip();
            let percent = if total_duration > 0 {
                u8::try_from((seconds.min(total_duration) * 100) / total_duration).unwrap_or(100)
            } else {
                0
            };
            CourseRow {
                user_id,
                name,
                statuses,
                seconds_per_class,
                attended,
                seconds_present: seconds,
                percent,
            }
        })
        .collect();
    CourseAttendance {
        course_id,
        classes,
        rows,
    }
}
