//! Expanding a schedule into occurrences.
//!
//! Recurrence is computed on **local calendar dates** (never by adding days
//! or weeks to UTC instants); each date's start is then the schedule's local
//! start time on that date, localised in the schedule's time zone. A 14:00
//! America/New_York class is 14:00 in New York all year; its UTC instant
//! moves when the clocks change.
//!
//! Rules:
//! - **DST gap** (the local start does not exist, e.g. 02:30 on a
//!   spring-forward night): the time is read with the offset in force before
//!   the gap, which moves it forward by the gap's length (02:30 → 03:30).
//!   This is RFC 5545's rule (3.3.5) and Temporal's `compatible`.
//! - **DST fold** (the local start exists twice, e.g. 01:30 on a fall-back
//!   night): the first of the two instants (the earlier, daylight-time one).
//! - **End**: start + duration as elapsed time, so a 120-minute class lasts
//!   120 minutes even when the clocks change during it, and a class may run
//!   past midnight.
//! - **Month end**: a monthly schedule repeats on the day of the month of
//!   `startsOn`; months without that day (the 31st in April, the 30th in
//!   February) are **skipped**, as RFC 5545's `BYMONTHDAY` does. Occurrences
//!   never drift (no chained "+1 month").
//! - **Weekly**: weeks start on Monday (RFC 5545 `WKST=MO`); with an interval
//!   of n, every n-th week counted from the week of `startsOn` has classes,
//!   on each chosen weekday between `startsOn` and `endsOn`.
//! - Every occurrence lies between `startsOn` and `endsOn`, both inclusive.

use time::{Date, Duration, Month, OffsetDateTime};

use super::model::{Frequency, Occurrence, ScheduleSpec};

/// The schedule would make more classes than allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("The schedule would create more than {max} classes; shorten it or repeat less often")]
pub struct TooManyOccurrences {
    /// The most allowed.
    pub max: u32,
}

impl ScheduleSpec {
    /// Every occurrence of the schedule, in order, at most `max` of them.
    ///
    /// # Errors
    /// `TooManyOccurrences` when there would be more than `max`.
    pub fn occurrences(&self, max: u32) -> Result<Vec<Occurrence>, TooManyOccurrences> {
        let limit = usize::try_from(max).unwrap_or(usize::MAX);
        let dates = self.local_dates(limit.saturating_add(1));
        if dates.len() > limit {
            return Err(TooManyOccurrences { max });
        }
        Ok(dates
            .into_iter()
            .filter_map(|d| self.occurrence_on(d))
            .collect())
    }

    /// The local dates of the schedule, in order, at most `limit`.
    fn local_dates(&self, limit: usize) -> Vec<Date> {
        let first = self.starts_on;
        let last = self.ends_on.unwrap_or(first);
        let step = i64::from(self.recurrence.interval());
        let mut out = Vec::new();
        match self.recurrence.frequency() {
            Frequency::Once => out.push(first),
            Frequency::Daily => {
                let mut day = Some(first);
                while let Some(d) = day.filter(|d| *d <= last && out.len() < limit) {
                    out.push(d);
                    day = d.checked_add(Duration::days(step));
                }
            }
            Frequency::Weekly => {
                let monday = first.saturating_sub(Duration::days(i64::from(
                    first.weekday().number_days_from_monday(),
                )));
                let mut week = Some(monday);
                'weeks: while let Some(w) = week.filter(|w| *w <= last) {
                    for day in self.recurrence.weekdays() {
                        let Some(d) =
                            w.checked_add(Duration::days(i64::from(day.number_days_from_monday())))
                        else {
                            break 'weeks;
                        };
                        if d >= first && d <= last {
                            if out.len() >= limit {
                                break 'weeks;
                            }
                            out.push(d);
                        }
                    }
                    week = w.checked_add(Duration::weeks(step));
                }
            }
            Frequency::Monthly => {
                let day_of_month = first.day();
                let mut k: i64 = 0;
                while let Some((year, month)) = add_months(first.year(), first.month(), k * step) {
                    let Ok(month_start) = Date::from_calendar_date(year, month, 1) else {
                        break;
                    };
                    if month_start > last || out.len() >= limit {
                        break;
                    }
                    // Skipped when the month has no such day (see the module docs).
                    if let Ok(d) = Date::from_calendar_date(year, month, day_of_month)
                        && d <= last
                    {
                        out.push(d);
                    }
                    k += 1;
                }
            }
        }
        out
    }

    /// The occurrence on local date `date`: the start time localised with the
    /// gap and fold rules of the module docs. `None` for dates whose start
    /// or end falls outside the supported range of instants
    /// ([`crate::instant`]).
    pub fn occurrence_on(&self, date: Date) -> Option<Occurrence> {
        let t = self.start_time.get();
        let civil = jiff::civil::DateTime::new(
            i16::try_from(date.year()).ok()?,
            i8::try_from(u8::from(date.month())).ok()?,
            i8::try_from(date.day()).ok()?,
            i8::try_from(t.hour()).ok()?,
            i8::try_from(t.minute()).ok()?,
            0,
            0,
        )
        .ok()?;
        // `compatible`: gap → offset before the gap (later wall time); fold →
        // the earlier instant.
        let instant = self
            .timezone
            .zone()
            .to_ambiguous_timestamp(civil)
            .compatible()
            .ok()?;
        let starts_at = OffsetDateTime::from_unix_timestamp(instant.as_second()).ok()?;
        let ends_at =
            starts_at.checked_add(Duration::minutes(i64::from(self.duration.minutes())))?;
        if !crate::instant::is_supported(starts_at) || !crate::instant::is_supported(ends_at) {
            return None;
        }
        Some(Occurrence {
            date,
            starts_at,
            ends_at,
        })
    }
}

fn add_months(year: i32, month: Month, months: i64) -> Option<(i32, Month)> {
    let index = i64::from(year) * 12 + i64::from(u8::from(month)) - 1 + months;
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    let month = u8::try_from(index.rem_euclid(12) + 1).ok()?;
    Some((year, Month::try_from(month).ok()?))
}

#[cfg(test)]
#[path = "expand_tests.rs"]
mod tests;
