//! Renders classes as an RFC 5545 calendar.
//!
//! - One `VEVENT` per class, `UID:<class id>@liveclass`: stable for the
//!   class's life, also when its schedule moves it.
//! - `SEQUENCE` is the class's iCal sequence, which grows each time a
//!   schedule change moves or changes the class, so calendar apps update it.
//! - `STATUS:CANCELLED` for cancelled classes, `CONFIRMED` otherwise.
//! - Times are UTC (`…Z`); `DTEND` is the planned end, else the actual end,
//!   else one hour after the start.
//! - `SUMMARY` and `DESCRIPTION` carry no control character RFC 5545 forbids
//!   in TEXT (all but the tab; line breaks are escaped as `\n` by the
//!   writer): the domain refuses them on input, and any that a stored value
//!   still holds are dropped here.
//! - The join link (`<public URL>/join/<joinHash>`) is in `DESCRIPTION` and
//!   `URL`. With a [`LinkSigner`] (`LIVECLASS_JOIN_LINK_SECRET`) it is the
//!   feed token owner's personal link (`?access=…`, see
//!   [`crate::join_page`]); without one it needs the viewer's own login.

use icalendar::{Calendar, Component, Event, EventLike, EventStatus};
use liveclass_domain::calendar::CalendarTokenHash;
use liveclass_domain::class::{ClassStatus, LiveClass};
use liveclass_domain::instant;
use time::OffsetDateTime;

pub use crate::join_page::LinkSigner;

/// Where the API is reachable from outside, for links in feeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedSettings {
    /// E.g. `https://liveclass.example.com`, without a trailing slash.
    pub public_url: String,
    /// Signs personal join links (`LIVECLASS_JOIN_LINK_SECRET`); `None`:
    /// feeds carry plain links.
    pub links: Option<LinkSigner>,
}

/// `raw` with the control characters RFC 5545 forbids in TEXT dropped; line
/// breaks are kept (the writer escapes them) and a tab is allowed.
fn ical_text(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect()
}

fn utc(t: OffsetDateTime) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(t.unix_timestamp(), 0).unwrap_or_default()
}

/// The calendar named `name` with one event per class; `viewer` is the hash
/// of the feed token it is rendered for (personal join links).
pub fn render(
    name: &str,
    classes: &[LiveClass],
    settings: &FeedSettings,
    viewer: Option<&CalendarTokenHash>,
) -> String {
    let mut calendar = Calendar::new();
    calendar.name(name);
    for class in classes {
        let mut link = format!("{}/join/{}", settings.public_url, class.join_hash);
        if let (Some(signer), Some(viewer)) = (&settings.links, viewer) {
            link.push_str("?access=");
            link.push_str(&signer.access(viewer, class));
        }
        let end = class
            .scheduled_end
            .or(class.ended_at)
            .unwrap_or_else(|| instant::later(class.scheduled_at, time::Duration::hours(1)));
        let mut description = String::new();
        if let Some(d) = &class.description {
            description.push_str(&ical_text(d.as_str()));
            description.push_str("\n\n");
        }
        description.push_str(&format!("Join: {link}"));
        let event = Event::new()
            .uid(&format!("{}@liveclass", class.id))
            .summary(&ical_text(class.title.as_str()))
            .description(&description)
            .url(&link)
            .starts(utc(class.scheduled_at))
            .ends(utc(end))
            .sequence(class.ical_sequence)
            .timestamp(utc(class.updated_at))
            .last_modified(utc(class.updated_at))
            .status(if class.status == ClassStatus::Cancelled {
                EventStatus::Cancelled
            } else {
                EventStatus::Confirmed
            })
            .done();
        calendar.push(event);
    }
    calendar.done().to_string()
}

#[cfg(test)]
mod tests {
    use icalendar::parser::{read_calendar, unfold};
    use liveclass_domain::class::{Capacity, Title};
    use liveclass_domain::ids::{ClassId, RoomId, TenantId, UserId};
    use liveclass_domain::join_link::JoinHash;
    use liveclass_domain::video::Room;
    use time::macros::datetime;

    use super::*;

    fn class(status: ClassStatus) -> LiveClass {
        LiveClass {
            id: ClassId::from_uuid(uuid::Uuid::from_u128(1)),
            tenant_id: TenantId::parse("t").unwrap(),
            created_by: UserId::parse("u").unwrap(),
            title: Title::parse("Rust, ownership; and; commas").unwrap(),
            description: None,
            room_id: RoomId::from_uuid(uuid::Uuid::from_u128(2)),
            room: Room {
                provider: "jitsi".into(),
                external_id: "r".into(),
                join_url: "https://meet.example/r".into(),
                host_url: None,
                password: None,
            },
            status,
            scheduled_at: datetime!(2030-03-04 19:00 UTC),
            scheduled_end: None,
            course_id: None,
            occurrence: None,
            join_hash: JoinHash::from_uuids(uuid::Uuid::from_u128(3), uuid::Uuid::from_u128(4)),
            ical_sequence: 3,
            admission: liveclass_domain::class::AdmissionPolicy::Open,
            co_hosts: Vec::new(),
            started_at: None,
            ended_at: None,
            max_participants: Capacity::from_stored(5),
            recording_url: None,
            created_at: datetime!(2030-01-01 0:00 UTC),
            updated_at: datetime!(2030-01-02 0:00 UTC),
        }
    }

    #[test]
    fn cancelled_classes_are_cancelled_events_and_an_unknown_end_is_an_hour_later() {
        let settings = FeedSettings {
            public_url: "https://lc.example".into(),
            links: None,
        };
        let text = render("c", &[class(ClassStatus::Cancelled)], &settings, None);
        let unfolded = unfold(&text);
        let calendar = read_calendar(&unfolded).unwrap();
        let event = &calendar.components[0];
        let prop = |name: &str| event.find_prop(name).unwrap().val.as_str().to_owned();
        assert_eq!(prop("STATUS"), "CANCELLED");
        assert_eq!(prop("SEQUENCE"), "3");
        assert_eq!(prop("DTEND"), "20300304T200000Z");
        assert_eq!(
            prop("UID"),
            "00000000-0000-0000-0000-000000000001@liveclass"
        );
        assert!(prop("URL").starts_with("https://lc.example/join/"));
    }

    #[test]
    fn text_drops_what_rfc_5545_forbids() {
        assert_eq!(ical_text("a\0b\u{7}c\u{7f}d\u{85}e"), "abcde");
        assert_eq!(ical_text("line 1\nline\t2"), "line 1\nline\t2");
    }

    #[test]
    fn an_event_at_the_end_of_time_renders_without_panicking() {
        let settings = FeedSettings {
            public_url: "https://lc.example".into(),
            links: None,
        };
        let mut late = class(ClassStatus::Scheduled);
        late.scheduled_at = liveclass_domain::instant::LATEST;
        late.scheduled_end = None;
        late.ended_at = None;
        let text = render("c", &[late], &settings, None);
        assert!(text.contains("DTSTART:99981231T235959Z"), "{text}");
    }
}
