//! The instants LiveClass accepts, stores and renders.
//!
//! Every instant that enters the domain (a class's planned start, recorded
//! actual times, list filters, a schedule's dates) must lie in
//! [`EARLIEST`]`..=`[`LATEST`] **once normalised to UTC**: from the Unix epoch
//! to the end of year 9998. The year of headroom below the limits of the
//! types involved (the `time` crate and RFC 3339 stop at year 9999, chrono,
//! SQLite text and PostgreSQL `timestamp` go further) keeps every instant the
//! domain derives from an accepted one representable: a planned end (start
//! plus at most a day), a video room's expiry (+12 h), the auto-end grace
//! (+30 min), a calendar event's default end (+1 h). Those derivations use
//! [`later`] and [`earlier`], which saturate instead of panicking.

use time::macros::datetime;
use time::{Date, Duration, OffsetDateTime, UtcOffset};

use crate::validation::{Field, ValidationError};

/// The earliest instant accepted: 1970-01-01T00:00:00Z.
pub const EARLIEST: OffsetDateTime = datetime!(1970-01-01 00:00:00 UTC);

/// The latest instant accepted: 9998-12-31T23:59:59.999999Z.
pub const LATEST: OffsetDateTime = datetime!(9998-12-31 23:59:59.999999 UTC);

/// The supported range in words, for messages and API documentation.
pub const RANGE: &str = "between 1970-01-01T00:00:00Z and 9998-12-31T23:59:59Z (UTC)";

/// Whether `at` (in any offset) lies in the supported range once in UTC.
pub fn is_supported(at: OffsetDateTime) -> bool {
    at.checked_to_offset(UtcOffset::UTC)
        .is_some_and(|utc| (EARLIEST..=LATEST).contains(&utc))
}

/// Parses an instant given for `field`: normalised to UTC, truncated to
/// whole microseconds (what both databases store) and within the supported
/// range.
///
/// # Errors
/// The instant lies outside [`EARLIEST`]`..=`[`LATEST`] once in UTC.
pub fn parse(field: Field, at: OffsetDateTime) -> Result<OffsetDateTime, ValidationError> {
    match at.checked_to_offset(UtcOffset::UTC) {
        Some(utc) if (EARLIEST..=LATEST).contains(&utc) => {
            Ok(crate::clock::truncate_to_micros(utc))
        }
        _ => Err(ValidationError::new(field, format!("must be {RANGE}"))),
    }
}

/// Parses a calendar date given for `field`: its year must lie in the
/// supported range (1970..=9998).
///
/// # Errors
/// The date's year is before 1970 or after 9998.
pub fn parse_date(field: Field, date: Date) -> Result<Date, ValidationError> {
    if (EARLIEST.year()..=LATEST.year()).contains(&date.year()) {
        Ok(date)
    } else {
        Err(ValidationError::new(
            field,
            "must be a date between 1970-01-01 and 9998-12-31",
        ))
    }
}

/// `at` in UTC; an instant the type cannot hold in UTC saturates to the
/// nearest one it can (such an instant never passes [`parse`]).
pub fn to_utc(at: OffsetDateTime) -> OffsetDateTime {
    at.checked_to_offset(UtcOffset::UTC).unwrap_or_else(|| {
        if at > EARLIEST {
            OffsetDateTime::new_utc(Date::MAX, time::Time::MAX)
        } else {
            OffsetDateTime::new_utc(Date::MIN, time::Time::MIDNIGHT)
        }
    })
}

/// `at + by`, saturating at the limits of the type instead of panicking.
pub fn later(at: OffsetDateTime, by: Duration) -> OffsetDateTime {
    at.saturating_add(by)
}

/// The wait after failed attempt number `attempts` (1-based) of a retried
/// job: `first · 2^(attempts-1)`, at most `max` (the backoff every queue
/// here uses).
pub fn doubling_delay(first: Duration, max: Duration, attempts: u32) -> Duration {
    let doublings = attempts.saturating_sub(1).min(20);
    (first * 2_i32.pow(doublings)).min(max)
}

/// `at - by`, saturating at the limits of the type instead of panicking.
pub fn earlier(at: OffsetDateTime, by: Duration) -> OffsetDateTime {
    at.saturating_sub(by)
}

#[cfg(test)]
mod tests {
    use time::format_description::well_known::Rfc3339;

    use super::*;

    fn rfc(raw: &str) -> OffsetDateTime {
        OffsetDateTime::parse(raw, &Rfc3339).expect("valid RFC 3339")
    }

    #[test]
    fn the_limits_are_accepted_and_normalised_to_utc() {
        assert_eq!(
            parse(Field::ScheduledAt, rfc("1970-01-01T00:00:00Z")),
            Ok(EARLIEST)
        );
        assert_eq!(
            parse(Field::ScheduledAt, rfc("9998-12-31T23:59:59.999999Z")),
            Ok(LATEST)
        );
        let parsed = parse(Field::ScheduledAt, rfc("2030-03-01T10:00:00+02:00")).expect("in range");
        assert_eq!(parsed.offset(), UtcOffset::UTC);
        assert_eq!(parsed, rfc("2030-03-01T08:00:00Z"));
    }

    #[test]
    fn instants_outside_the_range_are_refused_naming_the_field() {
        for raw in [
            "1969-12-31T23:59:59Z",
            "0000-01-01T00:00:00Z",
            "9999-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            // In range as written, outside once in UTC.
            "1970-01-01T00:30:00+01:00",
            "9998-12-31T23:30:00-01:00",
            // Outside what the type can even hold once in UTC.
            "9999-12-31T23:59:59-23:59",
            "0000-01-01T00:00:00+23:59",
        ] {
            let err = parse(Field::From, rfc(raw)).expect_err(raw);
            assert_eq!(err.field, Field::From, "{raw}");
            assert!(err.message.contains("1970-01-01T00:00:00Z"), "{raw}");
            assert!(!is_supported(rfc(raw)), "{raw}");
        }
    }

    #[test]
    fn sub_microsecond_digits_are_dropped() {
        let parsed =
            parse(Field::ScheduledAt, rfc("2030-03-01T10:00:00.123456789Z")).expect("in range");
        assert_eq!(parsed, rfc("2030-03-01T10:00:00.123456Z"));
    }

    #[test]
    fn dates_outside_the_range_are_refused() {
        let ok = Date::from_calendar_date(9998, time::Month::December, 31).expect("date");
        assert_eq!(parse_date(Field::StartsOn, ok), Ok(ok));
        for year in [1969, 9999, -5, 0] {
            let d = Date::from_calendar_date(year, time::Month::June, 1).expect("date");
            assert_eq!(
                parse_date(Field::EndsOn, d).expect_err("out").field,
                Field::EndsOn
            );
        }
    }

    #[test]
    fn derived_instants_saturate_instead_of_panicking() {
        let max = OffsetDateTime::new_utc(Date::MAX, time::Time::MAX);
        assert_eq!(later(max, Duration::hours(12)), max);
        let min = OffsetDateTime::new_utc(Date::MIN, time::Time::MIDNIGHT);
        assert_eq!(earlier(min, Duration::minutes(30)), min);
        // Within the range there is room for every derivation.
        assert!(later(LATEST, Duration::days(2)).year() == 9999);
    }
}
