use time::macros::{date, datetime};

use super::*;
use crate::ids::UserId;
use crate::schedule::model::{ScheduleInput, SchedulePolicy, format_date};
use crate::validation::Field;

fn input(tz: &str, start: &str, frequency: &str, weekdays: &[&str]) -> ScheduleInput {
    ScheduleInput {
        course_id: "web-dev-ft-2030".into(),
        title: "Web Dev live class".into(),
        teacher_id: None,
        max_participants: Some(120),
        timezone: tz.into(),
        start_time: start.into(),
        duration_minutes: 120,
        frequency: frequency.into(),
        interval: None,
        weekdays: (!weekdays.is_empty()).then(|| weekdays.iter().map(|d| (*d).into()).collect()),
        starts_on: "2030-03-01".into(),
        ends_on: Some("2030-12-31".into()),
        admission_policy: None,
    }
}

fn spec(input: &ScheduleInput) -> ScheduleSpec {
    ScheduleSpec::parse(
        input,
        &UserId::parse("teacher-1").unwrap(),
        &SchedulePolicy::default(),
    )
    .unwrap()
}

fn on(spec: &ScheduleSpec, day: Date) -> OffsetDateTime {
    spec.occurrence_on(day).unwrap().starts_at
}

#[test]
fn a_new_york_class_keeps_its_local_time_across_spring_forward() {
    let s = spec(&input("America/New_York", "14:00", "weekly", &["MO", "WE"]));
    let all = s.occurrences(500).unwrap();
    // Monday 03-04 and Wednesday 03-06 before the change (EST, UTC-5),
    // Monday 03-11 after it (EDT, UTC-4).
    assert_eq!(all[0].date, date!(2030 - 03 - 04));
    assert_eq!(all[1].date, date!(2030 - 03 - 06));
    assert_eq!(all[1].starts_at, datetime!(2030-03-06 19:00 UTC));
    assert_eq!(all[2].date, date!(2030 - 03 - 11));
    assert_eq!(all[2].starts_at, datetime!(2030-03-11 18:00 UTC));
    assert_eq!(all[2].ends_at, datetime!(2030-03-11 20:00 UTC));
    // And back to UTC-5 after fall-back (Monday 2030-11-04).
    assert_eq!(
        on(&s, date!(2030 - 11 - 04)),
        datetime!(2030-11-04 19:00 UTC)
    );
    assert!(all.iter().all(|o| matches!(
        o.date.weekday(),
        time::Weekday::Monday | time::Weekday::Wednesday
    )));
}

#[test]
fn a_start_in_the_new_york_spring_gap_moves_forward_by_the_gap() {
    let s = spec(&input("America/New_York", "02:30", "daily", &[]));
    // 02:30 does not exist on 2030-03-10: read as 03:30 EDT.
    assert_eq!(
        on(&s, date!(2030 - 03 - 10)),
        datetime!(2030-03-10 07:30 UTC)
    );
}

#[test]
fn a_start_in_the_new_york_fall_fold_takes_the_first_instant() {
    let s = spec(&input("America/New_York", "01:30", "daily", &[]));
    // 01:30 happens twice on 2030-11-03: the first (EDT, UTC-4) is chosen.
    assert_eq!(
        on(&s, date!(2030 - 11 - 03)),
        datetime!(2030-11-03 05:30 UTC)
    );
    assert_eq!(
        on(&s, date!(2030 - 11 - 04)),
        datetime!(2030-11-04 06:30 UTC)
    );
}

#[test]
fn madrid_classes_follow_central_european_summer_time() {
    let s = spec(&input("Europe/Madrid", "10:00", "daily", &[]));
    assert_eq!(
        on(&s, date!(2030 - 03 - 30)),
        datetime!(2030-03-30 09:00 UTC)
    );
    assert_eq!(
        on(&s, date!(2030 - 03 - 31)),
        datetime!(2030-03-31 08:00 UTC)
    );
    let gap = spec(&input("Europe/Madrid", "02:30", "daily", &[]));
    assert_eq!(
        on(&gap, date!(2030 - 03 - 31)),
        datetime!(2030-03-31 01:30 UTC)
    );
    assert_eq!(
        on(&gap, date!(2030 - 10 - 27)),
        datetime!(2030-10-27 00:30 UTC)
    );
}

#[test]
fn sydney_classes_follow_southern_hemisphere_daylight_time() {
    let s = spec(&input("Australia/Sydney", "09:00", "weekly", &["SU"]));
    // AEDT (UTC+11) ends on the first Sunday of April; AEST is UTC+10.
    assert_eq!(
        on(&s, date!(2030 - 03 - 31)),
        datetime!(2030-03-30 22:00 UTC)
    );
    assert_eq!(
        on(&s, date!(2030 - 04 - 07)),
        datetime!(2030-04-06 23:00 UTC)
    );
    let edge = spec(&input("Australia/Sydney", "02:30", "daily", &[]));
    // Spring-forward gap in October, fall-back fold in April.
    assert_eq!(
        on(&edge, date!(2030 - 10 - 06)),
        datetime!(2030-10-05 16:30 UTC)
    );
    assert_eq!(
        on(&edge, date!(2030 - 04 - 07)),
        datetime!(2030-04-06 15:30 UTC)
    );
}

#[test]
fn kolkata_classes_keep_their_half_hour_offset_all_year() {
    let s = spec(&input("Asia/Kolkata", "14:00", "weekly", &["SU"]));
    for o in s.occurrences(500).unwrap() {
        assert_eq!(
            (o.starts_at.hour(), o.starts_at.minute()),
            (8, 30),
            "{}",
            o.date
        );
    }
}

#[test]
fn a_class_ending_after_midnight_lasts_its_duration() {
    let mut i = input("Europe/Madrid", "23:30", "once", &[]);
    i.ends_on = None;
    let s = spec(&i);
    let all = s.occurrences(500).unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].ends_at - all[0].starts_at, Duration::minutes(120));
    assert_eq!(all[0].ends_at, datetime!(2030-03-02 00:30 UTC));
}

#[test]
fn monthly_on_the_31st_skips_months_without_one() {
    let mut i = input("America/New_York", "09:00", "monthly", &[]);
    i.starts_on = "2030-01-31".into();
    i.ends_on = Some("2030-12-31".into());
    let dates: Vec<String> = spec(&i)
        .occurrences(500)
        .unwrap()
        .into_iter()
        .map(|o| format_date(o.date))
        .collect();
    assert_eq!(
        dates,
        [
            "2030-01-31",
            "2030-03-31",
            "2030-05-31",
            "2030-07-31",
            "2030-08-31",
            "2030-10-31",
            "2030-12-31"
        ]
    );
}

#[test]
fn monthly_schedules_never_drift_after_a_short_month() {
    let mut i = input("UTC", "09:00", "monthly", &[]);
    i.starts_on = "2030-01-30".into();
    i.ends_on = Some("2030-04-30".into());
    i.interval = Some(1);
    let dates: Vec<Date> = spec(&i)
        .occurrences(500)
        .unwrap()
        .into_iter()
        .map(|o| o.date)
        .collect();
    assert_eq!(
        dates,
        [
            date!(2030 - 01 - 30),
            date!(2030 - 03 - 30),
            date!(2030 - 04 - 30)
        ]
    );
}

#[test]
fn intervals_skip_days_weeks_and_months() {
    let mut daily = input("UTC", "09:00", "daily", &[]);
    daily.interval = Some(3);
    daily.ends_on = Some("2030-03-10".into());
    let d: Vec<u8> = spec(&daily)
        .occurrences(500)
        .unwrap()
        .iter()
        .map(|o| o.date.day())
        .collect();
    assert_eq!(d, [1, 4, 7, 10]);

    // Every other week, from the week of Friday 2030-03-01 (Monday 02-25).
    let mut weekly = input("UTC", "09:00", "weekly", &["MO", "FR"]);
    weekly.interval = Some(2);
    weekly.ends_on = Some("2030-03-31".into());
    let w: Vec<String> = spec(&weekly)
        .occurrences(500)
        .unwrap()
        .iter()
        .map(|o| format_date(o.date))
        .collect();
    assert_eq!(
        w,
        [
            "2030-03-01",
            "2030-03-11",
            "2030-03-15",
            "2030-03-25",
            "2030-03-29"
        ]
    );

    let mut monthly = input("UTC", "09:00", "monthly", &[]);
    monthly.interval = Some(5);
    let m: Vec<u8> = spec(&monthly)
        .occurrences(500)
        .unwrap()
        .iter()
        .map(|o| u8::from(o.date.month()))
        .collect();
    assert_eq!(m, [3, 8]);
}

#[test]
fn generation_is_deterministic() {
    let s = spec(&input("America/New_York", "14:00", "weekly", &["MO", "WE"]));
    assert_eq!(s.occurrences(500), s.occurrences(500));
}

#[test]
fn more_occurrences_than_the_cap_are_refused() {
    let mut i = input("UTC", "09:00", "daily", &[]);
    i.ends_on = Some("2031-12-31".into());
    assert_eq!(
        spec(&i).occurrences(500),
        Err(TooManyOccurrences { max: 500 })
    );
    i.ends_on = Some("2030-03-10".into());
    assert_eq!(spec(&i).occurrences(10).unwrap().len(), 10);
    assert_eq!(spec(&i).occurrences(9), Err(TooManyOccurrences { max: 9 }));
}

#[test]
fn invalid_schedules_name_the_field_at_fault() {
    let teacher = UserId::parse("t").unwrap();
    let policy = SchedulePolicy::default();
    let base = input("America/New_York", "14:00", "weekly", &["MO"]);
    type Change = Box<dyn Fn(&mut ScheduleInput)>;
    let cases: Vec<(Field, Change)> = vec![
        (
            Field::TimeZone,
            Box::new(|i| i.timezone = "Mars/Olympus".into()),
        ),
        (
            Field::StartTime,
            Box::new(|i| i.start_time = "25:00".into()),
        ),
        (Field::StartTime, Box::new(|i| i.start_time = "2pm".into())),
        (Field::Duration, Box::new(|i| i.duration_minutes = 0)),
        (Field::Duration, Box::new(|i| i.duration_minutes = 1441)),
        (
            Field::Frequency,
            Box::new(|i| i.frequency = "hourly".into()),
        ),
        (Field::Weekdays, Box::new(|i| i.weekdays = None)),
        (
            Field::Weekdays,
            Box::new(|i| i.weekdays = Some(vec!["XX".into()])),
        ),
        (Field::Interval, Box::new(|i| i.interval = Some(0))),
        (Field::EndsOn, Box::new(|i| i.ends_on = None)),
        (
            Field::EndsOn,
            Box::new(|i| i.ends_on = Some("2030-02-01".into())),
        ),
        (
            Field::StartsOn,
            Box::new(|i| i.starts_on = "2030-02-30".into()),
        ),
        (Field::CourseId, Box::new(|i| i.course_id = String::new())),
        (
            Field::Capacity,
            Box::new(|i| i.max_participants = Some(501)),
        ),
        (Field::Title, Box::new(|i| i.title = " ".into())),
    ];
    for (field, change) in cases {
        let mut i = base.clone();
        change(&mut i);
        assert_eq!(
            ScheduleSpec::parse(&i, &teacher, &policy)
                .unwrap_err()
                .field,
            field
        );
    }
    let mut daily_with_days = input("UTC", "09:00", "daily", &["MO"]);
    assert_eq!(
        ScheduleSpec::parse(&daily_with_days, &teacher, &policy)
            .unwrap_err()
            .field,
        Field::Weekdays
    );
    daily_with_days.weekdays = None;
    assert!(ScheduleSpec::parse(&daily_with_days, &teacher, &policy).is_ok());
}

#[test]
fn a_spec_survives_a_round_trip_through_its_input_form() {
    let s = spec(&input(
        "america/new_york",
        "14:00",
        "weekly",
        &["WE", "MO", "MO"],
    ));
    assert_eq!(s.timezone.name(), "America/New_York");
    assert_eq!(s.recurrence.weekdays().len(), 2);
    let again = ScheduleSpec::parse(
        &s.to_input(),
        &UserId::parse("other").unwrap(),
        &SchedulePolicy::default(),
    )
    .unwrap();
    assert_eq!(again, s);
}

#[test]
fn the_time_zone_database_is_embedded() {
    // These resolve without reading /usr/share/zoneinfo (tzdb-bundle-always).
    for name in [
        "America/New_York",
        "Europe/Madrid",
        "Australia/Sydney",
        "Asia/Kolkata",
    ] {
        assert!(
            super::super::model::ScheduleTimeZone::parse(name).is_ok(),
            "{name}"
        );
    }
}

#[test]
fn dates_outside_the_supported_range_are_refused() {
    let mut i = input("UTC", "10:00", "daily", &[]);
    i.starts_on = "1969-12-31".into();
    let err = ScheduleSpec::parse(
        &i,
        &UserId::parse("teacher-1").unwrap(),
        &SchedulePolicy::default(),
    )
    .unwrap_err();
    assert_eq!(err.field, Field::StartsOn);
    i.starts_on = "9998-12-01".into();
    i.ends_on = Some("9999-01-01".into());
    let err = ScheduleSpec::parse(
        &i,
        &UserId::parse("teacher-1").unwrap(),
        &SchedulePolicy::default(),
    )
    .unwrap_err();
    assert_eq!(err.field, Field::EndsOn);
}

#[test]
fn occurrences_whose_instants_leave_the_range_are_not_generated() {
    // 00:30 on 1970-01-01 in Tokyo (UTC+9) is 1969-12-31T15:30Z: before the range.
    let mut i = input("Asia/Tokyo", "00:30", "daily", &[]);
    i.starts_on = "1970-01-01".into();
    i.ends_on = Some("1970-01-02".into());
    let s = spec(&i);
    assert!(s.occurrence_on(date!(1970 - 01 - 01)).is_none());
    assert_eq!(
        s.occurrence_on(date!(1970 - 01 - 02)).map(|o| o.date),
        Some(date!(1970 - 01 - 02))
    );
    // 23:00 on 9998-12-31 plus 120 minutes ends in 9999: past the range.
    let mut i = input("UTC", "23:00", "once", &[]);
    i.starts_on = "9998-12-31".into();
    i.ends_on = None;
    assert!(spec(&i).occurrence_on(date!(9998 - 12 - 31)).is_none());
}
