//! What the providers' webhook bodies mean: [`WebhookPayloads`], the
//! domain's `ProviderPayloads`. Bodies are read loosely (unknown members are
//! ignored, ids may be strings or numbers) but every member a signal needs
//! must be there.
//!
//! Daily (`{version, type, id, payload, event_ts}`, times in float seconds):
//! - `meeting.started` / `meeting.ended`: `payload.room`, `start_ts` / `end_ts`;
//! - `participant.joined` / `participant.left`: `payload.room`, `session_id`
//!   (one per join), `user_id` (the meeting token's: LiveClass's user key),
//!   `user_name`, `joined_at`; a leave is dated `joined_at + duration`, else
//!   the envelope's `event_ts`, and carries its `joined_at` too.
//!
//! Zoom (`{event, event_ts (ms), payload: {account_id, object}}`):
//! - `meeting.started` / `meeting.ended`: `object.id` (the meeting id, string
//!   or number), `start_time` / `end_time`;
//! - `meeting.participant_joined` / `meeting.participant_left`:
//!   `object.participant`: its `id` (else `user_id`) is the session key,
//!   `customer_key` the LiveClass user key when the join carried one,
//!   `user_name`, `join_time` / `leave_time` (a leave's `join_time` too,
//!   when given);
//! - `meeting.sharing_started` / `meeting.sharing_ended`: the sharer's
//!   `object.participant` key, dated by `participant.sharing_details.date_time`.
//!
//! - Daily `recording.ready-to-download` / `recording.error`:
//!   `payload.room_name`, `recording_id`, `start_ts`, `duration` (seconds),
//!   `error_msg`; Zoom `recording.completed`: the meeting `object.id`, the
//!   instance's `uuid` (the recording's id), `start_time`, `duration`
//!   (minutes).
//!
//! Any other type is `Unhandled`; a missing date falls back to the envelope's
//! `event_ts`.

use liveclass_domain::ids::UserId;
use liveclass_domain::provider_events::{ProviderPayloads, ProviderSignal, RoomRef, SessionRef};
use liveclass_domain::recording::{FileKind, RecordingFile};
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::daily::daily_user_id;

/// Reads Daily's and Zoom's webhook bodies.
#[derive(Debug, Clone, Copy, Default)]
pub struct WebhookPayloads;

impl ProviderPayloads for WebhookPayloads {
    fn decode(&self, provider: &str, body: &str) -> Result<ProviderSignal, String> {
        let envelope: Map<String, Value> = serde_json::from_str(body)
            .map_err(|e| format!("the body is not a JSON object: {e}"))?;
        match provider {
            "daily" => daily(&envelope),
            "zoom" => zoom(&envelope),
            other => Err(format!("no decoder for provider `{other}`")),
        }
    }

    fn user_key(&self, provider: &str, user: &UserId) -> String {
        match provider {
            "daily" => daily_user_id(user.as_str()),
            _ => user.as_str().to_owned(),
        }
    }
}

fn member<'a>(object: &'a Map<String, Value>, key: &str, at: &str) -> Result<&'a Value, String> {
    object
        .get(key)
        .filter(|v| !v.is_null())
        .ok_or_else(|| format!("`{at}{key}` is missing"))
}

fn object<'a>(
    parent: &'a Map<String, Value>,
    key: &str,
    at: &str,
) -> Result<&'a Map<String, Value>, String> {
    member(parent, key, at)?
        .as_object()
        .ok_or_else(|| format!("`{at}{key}` must be an object"))
}

/// A non-empty string or a number, as a string (ids come as either).
fn id(parent: &Map<String, Value>, key: &str, at: &str) -> Result<String, String> {
    match member(parent, key, at)? {
        Value::String(s) if !s.is_empty() && s.len() <= 512 => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(format!(
            "`{at}{key}` must be a non-empty string (at most 512 characters) or a number"
        )),
    }
}

fn optional_string(parent: &Map<String, Value>, key: &str) -> Option<String> {
    parent
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty() && s.len() <= 512)
        .map(str::to_owned)
}

/// Seconds since the epoch (integer or fraction) as an instant, to the
/// microsecond (a float of 10^9 seconds carries no finer digits).
fn from_seconds(seconds: f64) -> Option<OffsetDateTime> {
    // Beyond ±10^11 s (±3,000 years) no provider dates anything.
    if !seconds.is_finite() || seconds.abs() > 1e11 {
        return None;
    }
    let whole = seconds.floor();
    #[allow(clippy::cast_possible_truncation)]
    let micros = ((seconds - whole) * 1e6).round() as i64;
    #[allow(clippy::cast_possible_truncation)]
    let at = OffsetDateTime::from_unix_timestamp(whole as i64).ok()?;
    at.checked_add(time::Duration::microseconds(micros))
}

fn seconds(parent: &Map<String, Value>, key: &str) -> Option<OffsetDateTime> {
    parent
        .get(key)
        .and_then(Value::as_f64)
        .and_then(from_seconds)
}

fn rfc3339(parent: &Map<String, Value>, key: &str) -> Option<OffsetDateTime> {
    parent
        .get(key)
        .and_then(Value::as_str)
        .and_then(|s| OffsetDateTime::parse(s, &Rfc3339).ok())
}

fn required_type<'a>(envelope: &'a Map<String, Value>, key: &str) -> Result<&'a str, String> {
    envelope
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("`{key}` must be a string"))
}

fn daily(envelope: &Map<String, Value>) -> Result<ProviderSignal, String> {
    let kind = required_type(envelope, "type")?;
    let sent = seconds(envelope, "event_ts");
    let known = matches!(
        kind,
        "meeting.started" | "meeting.ended" | "participant.joined" | "participant.left"
    );
    if kind == "recording.ready-to-download" || kind == "recording.error" {
        return daily_recording(kind, envelope, sent);
    }
    if !known {
        return Ok(ProviderSignal::Unhandled);
    }
    let payload = object(envelope, "payload", "")?;
    let room = RoomRef {
        provider: "daily".to_owned(),
        external_id: id(payload, "room", "payload.")?,
    };
    let dated = |found: Option<OffsetDateTime>, what: &str| {
        found
            .or(sent)
            .ok_or_else(|| format!("`payload.{what}` (or `event_ts`) must be a time in seconds"))
    };
    Ok(match kind {
        "meeting.started" => ProviderSignal::MeetingStarted {
            room,
            at: dated(seconds(payload, "start_ts"), "start_ts")?,
        },
        "meeting.ended" => ProviderSignal::MeetingEnded {
            room,
            at: dated(seconds(payload, "end_ts"), "end_ts")?,
        },
        _ => {
            let session = SessionRef {
                key: id(payload, "session_id", "payload.")?,
                user_hint: optional_string(payload, "user_id"),
                name: optional_string(payload, "user_name"),
            };
            let joined = seconds(payload, "joined_at");
            if kind == "participant.joined" {
                ProviderSignal::ParticipantJoined {
                    room,
                    session,
                    at: dated(joined, "joined_at")?,
                }
            } else {
                let duration = payload
                    .get("duration")
                    .and_then(Value::as_f64)
                    .filter(|d| d.is_finite() && (0.0..1e9).contains(d))
                    .map(time::Duration::seconds_f64);
                let left = joined
                    .zip(duration)
                    .and_then(|(start, d)| start.checked_add(d));
                ProviderSignal::ParticipantLeft {
                    room,
                    session,
                    joined,
                    at: dated(left, "joined_at` + `duration")?,
                }
            }
        }
    })
}

/// Daily's recording reports name the room as `payload.room_name`.
fn daily_recording(
    kind: &str,
    envelope: &Map<String, Value>,
    sent: Option<OffsetDateTime>,
) -> Result<ProviderSignal, String> {
    let payload = object(envelope, "payload", "")?;
    let room = RoomRef {
        provider: "daily".to_owned(),
        external_id: id(payload, "room_name", "payload.")?,
    };
    let at = sent
        .or_else(|| seconds(payload, "timestamp"))
        .ok_or("`event_ts` must be a time in seconds")?;
    if kind == "recording.error" {
        return Ok(ProviderSignal::RecordingFailed {
            room,
            recording_id: optional_string(payload, "recording_id"),
            reason: optional_string(payload, "error_msg")
                .unwrap_or_else(|| "the provider reported a recording error".to_owned()),
            at,
        });
    }
    Ok(ProviderSignal::RecordingReady {
        room,
        recording_id: id(payload, "recording_id", "payload.")?,
        started: seconds(payload, "start_ts"),
        duration_seconds: whole_seconds(payload, "duration"),
        // Daily's report names no files (one MP4 behind its access link).
        files: Vec::new(),
        at,
    })
}

/// A non-negative number of seconds (integer or fraction), whole.
fn whole_seconds(parent: &Map<String, Value>, key: &str) -> Option<i64> {
    parent
        .get(key)
        .and_then(Value::as_f64)
        .filter(|d| d.is_finite() && (0.0..1e9).contains(d))
        .map(|d| {
            #[allow(clippy::cast_possible_truncation)]
            let whole = d.round() as i64;
            whole
        })
}

/// Zoom's `recording_files` (and `participant_audio_files`): each needs its
/// `id`; its `file_type` (`MP4`, `M4A`, `TRANSCRIPT`, `CC`, `CHAT`, …)
/// gives its kind and format.
fn zoom_files(meeting: &Map<String, Value>) -> Result<Vec<RecordingFile>, String> {
    let mut files = Vec::new();
    for list in ["recording_files", "participant_audio_files"] {
        let Some(items) = meeting.get(list).and_then(Value::as_array) else {
            continue;
        };
        for (i, item) in items.iter().enumerate() {
            let at = format!("payload.object.{list}[{i}].");
            let file = item
                .as_object()
                .ok_or_else(|| format!("`{at}` must be an object"))?;
            let file_type = optional_string(file, "file_type").map(|t| t.to_ascii_uppercase());
            let kind = match file_type.as_deref() {
                Some("MP4") => FileKind::Video,
                Some("M4A") => FileKind::Audio,
                Some("TRANSCRIPT" | "CC" | "VTT") => FileKind::Transcript,
                Some("CHAT") => FileKind::Chat,
                _ => FileKind::Other,
            };
            files.push(RecordingFile {
                provider_file_id: id(file, "id", &at)?,
                kind,
                recording_type: optional_string(file, "recording_type"),
                format: optional_string(file, "file_extension")
                    .or(file_type)
                    .map(|f| f.to_ascii_lowercase()),
                size_bytes: file.get("file_size").and_then(Value::as_u64),
                started_at: rfc3339(file, "recording_start"),
                ended_at: rfc3339(file, "recording_end"),
            });
        }
    }
    Ok(files)
}

fn zoom(envelope: &Map<String, Value>) -> Result<ProviderSignal, String> {
    let kind = required_type(envelope, "event")?;
    let sent = envelope
        .get("event_ts")
        .and_then(Value::as_f64)
        .and_then(|ms| from_seconds(ms / 1000.0));
    let known = matches!(
        kind,
        "meeting.started"
            | "meeting.ended"
            | "meeting.participant_joined"
            | "meeting.participant_left"
            | "meeting.sharing_started"
            | "meeting.sharing_ended"
            | "recording.completed"
    );
    if !known {
        return Ok(ProviderSignal::Unhandled);
    }
    let meeting = object(object(envelope, "payload", "")?, "object", "payload.")?;
    let room = RoomRef {
        provider: "zoom".to_owned(),
        external_id: id(meeting, "id", "payload.object.")?,
    };
    let dated = |found: Option<OffsetDateTime>, what: &str| {
        found
            .or(sent)
            .ok_or_else(|| format!("`{what}` (or `event_ts`) must be a time"))
    };
    if kind == "meeting.started" {
        let at = dated(rfc3339(meeting, "start_time"), "payload.object.start_time")?;
        return Ok(ProviderSignal::MeetingStarted { room, at });
    }
    if kind == "meeting.ended" {
        let at = dated(rfc3339(meeting, "end_time"), "payload.object.end_time")?;
        return Ok(ProviderSignal::MeetingEnded { room, at });
    }
    if kind == "recording.completed" {
        // One recording per meeting instance: its `uuid`. `duration` is in
        // minutes.
        return Ok(ProviderSignal::RecordingReady {
            recording_id: id(meeting, "uuid", "payload.object.")?,
            started: rfc3339(meeting, "start_time"),
            duration_seconds: whole_seconds(meeting, "duration").map(|m| m * 60),
            files: zoom_files(meeting)?,
            at: dated(None, "event_ts")?,
            room,
        });
    }
    let participant = object(meeting, "participant", "payload.object.")?;
    let key = id(participant, "id", "payload.object.participant.")
        .or_else(|_| id(participant, "user_id", "payload.object.participant."))
        .map_err(|_| "`payload.object.participant` needs an `id` or a `user_id`".to_owned())?;
    let at_of = |key: &str| {
        dated(
            rfc3339(participant, key),
            &format!("payload.object.participant.{key}"),
        )
    };
    let session = || SessionRef {
        key: key.clone(),
        user_hint: optional_string(participant, "customer_key"),
        name: optional_string(participant, "user_name"),
    };
    Ok(match kind {
        "meeting.participant_joined" => ProviderSignal::ParticipantJoined {
            room,
            session: session(),
            at: at_of("join_time")?,
        },
        "meeting.participant_left" => ProviderSignal::ParticipantLeft {
            room,
            session: session(),
            joined: rfc3339(participant, "join_time"),
            at: at_of("leave_time")?,
        },
        _ => {
            let details_time = participant
                .get("sharing_details")
                .and_then(Value::as_object)
                .and_then(|d| rfc3339(d, "date_time"));
            ProviderSignal::Sharing {
                room,
                session_key: key.clone(),
                sharing: kind == "meeting.sharing_started",
                at: dated(
                    details_time,
                    "payload.object.participant.sharing_details.date_time",
                )?,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn decode(provider: &str, body: &str) -> Result<ProviderSignal, String> {
        WebhookPayloads.decode(provider, body)
    }

    // Real captured Daily payloads (reference §5.3, from Monadical-SAS/reflector).
    const DAILY_JOINED: &str = r#"{"version":"1.0.0","type":"participant.joined","id":"ptcpt-join-6497c79b-f326-4942-aef8-c36a29140ad1-1708972279961","payload":{"room":"test","user_id":"6497c79b-f326-4942-aef8-c36a29140ad1","user_name":"testuser","session_id":"0c0d2dda-f21d-4cf9-ab56-86bf3c407ffa","joined_at":1708972279.96,"will_eject_at":1708972299.541,"owner":false,"permissions":{"hasPresence":true,"canSend":true,"canReceive":{"base":true},"canAdmin":false}},"event_ts":1708972279.961}"#;
    const DAILY_LEFT: &str = r#"{"version":"1.0.0","type":"participant.left","id":"ptcpt-left-16168c97-f973-4eae-9642-020fe3fda5db-1708972302986","payload":{"room":"test","user_id":"16168c97-f973-4eae-9642-020fe3fda5db","user_name":"bipol","session_id":"0c0d2dda-f21d-4cf9-ab56-86bf3c407ffa","joined_at":1708972291.567,"will_eject_at":null,"owner":false,"duration":11.419000148773193},"event_ts":1708972302.986}"#;

    // Real captured Zoom payloads (reference §4.4, from Strix-CZ/kancl-online).
    const ZOOM_JOINED: &str = r#"{"payload":{"account_id":"PX5yQAcnT5azdXF5ma2Apw","object":{"uuid":"hwkAADUySwyG3GyUkqc0vA==","participant":{"user_id":"16778240","user_name":"Jan Šimonek","registrant_id":null,"participant_user_id":"tUo7WohjTs6ELvl9WR3JAA","id":"tUo7WohjTs6ELvl9WR3JAA","join_time":"2022-03-23T12:33:26Z","email":"jan.simonek@gmail.com"},"id":"86431910364","type":1,"topic":"Jan Šimonek's Zoom Meeting","host_id":"tUo7WohjTs6ELvl9WR3JAA","duration":0,"start_time":"2022-03-23T12:33:26Z","timezone":""}},"event_ts":1648038809439,"event":"meeting.participant_joined"}"#;
    const ZOOM_ENDED: &str = r#"{"event":"meeting.ended","payload":{"account_id":"PX5yQAcnT5azdXF5ma2Apw","object":{"duration":0,"start_time":"2022-03-23T12:33:26Z","timezone":"","end_time":"2022-03-23T12:33:39Z","topic":"Jan Šimonek's Zoom Meeting","id":"86431910364","type":1,"uuid":"hwkAADUySwyG3GyUkqc0vA==","host_id":"tUo7WohjTs6ELvl9WR3JAA"}},"event_ts":1648038819111}"#;

    fn daily_room(name: &str) -> RoomRef {
        RoomRef {
            provider: "daily".into(),
            external_id: name.into(),
        }
    }

    fn zoom_room() -> RoomRef {
        RoomRef {
            provider: "zoom".into(),
            external_id: "86431910364".into(),
        }
    }

    #[test]
    fn dailys_captured_join_and_leave_decode_to_one_session() {
        let ProviderSignal::ParticipantJoined { room, session, at } =
            decode("daily", DAILY_JOINED).unwrap()
        else {
            panic!("not a join");
        };
        assert_eq!(room, daily_room("test"));
        assert_eq!(session.key, "0c0d2dda-f21d-4cf9-ab56-86bf3c407ffa");
        assert_eq!(
            session.user_hint.as_deref(),
            Some("6497c79b-f326-4942-aef8-c36a29140ad1")
        );
        assert_eq!(at, datetime!(2024-02-26 18:31:19.96 UTC));
        let ProviderSignal::ParticipantLeft {
            session,
            joined,
            at,
            ..
        } = decode("daily", DAILY_LEFT).unwrap()
        else {
            panic!("not a leave");
        };
        assert_eq!(joined, Some(datetime!(2024-02-26 18:31:31.567 UTC)));
        assert_eq!(session.name.as_deref(), Some("bipol"));
        // joined_at + duration (1708972291.567 + 11.419000148…).
        let expected = datetime!(2024-02-26 18:31:42.986 UTC);
        assert!(
            (at - expected).abs() < time::Duration::milliseconds(1),
            "{at}"
        );
    }

    #[test]
    fn zooms_captured_join_and_end_decode() {
        let ProviderSignal::ParticipantJoined { room, session, at } =
            decode("zoom", ZOOM_JOINED).unwrap()
        else {
            panic!("not a join");
        };
        assert_eq!(room, zoom_room());
        assert_eq!(session.key, "tUo7WohjTs6ELvl9WR3JAA");
        assert_eq!(session.user_hint, None, "no customer_key in this join");
        assert_eq!(session.name.as_deref(), Some("Jan Šimonek"));
        assert_eq!(at, datetime!(2022-03-23 12:33:26 UTC));
        assert_eq!(
            decode("zoom", ZOOM_ENDED).unwrap(),
            ProviderSignal::MeetingEnded {
                room: zoom_room(),
                at: datetime!(2022-03-23 12:33:39 UTC)
            }
        );
    }

    #[test]
    fn zoom_sharing_is_keyed_like_the_join_and_a_numeric_meeting_id_is_read() {
        let body = r#"{"event":"meeting.sharing_started","event_ts":1706177700000,"payload":{"account_id":"a","object":{"id":86431910364,"uuid":"u","participant":{"id":"tUo7WohjTs6ELvl9WR3JAA","user_id":"16778240","user_name":"Jan","sharing_details":{"content":"application","date_time":"2024-01-25T10:15:00Z"}}}}}"#;
        assert_eq!(
            decode("zoom", body).unwrap(),
            ProviderSignal::Sharing {
                room: zoom_room(),
                session_key: "tUo7WohjTs6ELvl9WR3JAA".into(),
                sharing: true,
                at: datetime!(2024-01-25 10:15 UTC),
            }
        );
        // No sharing details: dated by event_ts (ms).
        let ended = r#"{"event":"meeting.sharing_ended","event_ts":1706177700000,"payload":{"object":{"id":"86431910364","participant":{"user_id":"16778240"}}}}"#;
        let ProviderSignal::Sharing {
            session_key,
            sharing,
            at,
            ..
        } = decode("zoom", ended).unwrap()
        else {
            panic!("not sharing");
        };
        assert_eq!(
            (session_key.as_str(), sharing, at),
            ("16778240", false, datetime!(2024-01-25 10:15 UTC))
        );
    }

    #[test]
    fn a_customer_key_is_the_zoom_user_hint() {
        let body = r#"{"event":"meeting.participant_left","event_ts":1,"payload":{"object":{"id":"1","participant":{"id":"p","customer_key":"ada","leave_time":"2024-01-25T10:45:00Z"}}}}"#;
        let ProviderSignal::ParticipantLeft { session, .. } = decode("zoom", body).unwrap() else {
            panic!("not a leave");
        };
        assert_eq!(session.user_hint.as_deref(), Some("ada"));
    }

    #[test]
    fn other_types_are_unhandled_and_broken_bodies_say_what_is_wrong() {
        assert_eq!(
            decode("daily", r#"{"type":"transcript.started","payload":{}}"#).unwrap(),
            ProviderSignal::Unhandled
        );
        assert_eq!(
            decode("zoom", r#"{"event":"meeting.created","payload":{}}"#).unwrap(),
            ProviderSignal::Unhandled
        );
        for (provider, body, says) in [
            ("daily", "[1]", "JSON object"),
            ("daily", r#"{"payload":{}}"#, "`type`"),
            (
                "daily",
                r#"{"type":"meeting.started","payload":{"start_ts":1}}"#,
                "payload.room",
            ),
            (
                "daily",
                r#"{"type":"meeting.started","payload":{"room":"r"}}"#,
                "start_ts",
            ),
            (
                "daily",
                r#"{"type":"participant.joined","payload":{"room":"r","joined_at":1}}"#,
                "session_id",
            ),
            (
                "zoom",
                r#"{"event":"meeting.started","payload":{"object":{}}}"#,
                "payload.object.id",
            ),
            (
                "zoom",
                r#"{"event":"meeting.sharing_started","event_ts":1,"payload":{"object":{"id":1,"participant":{}}}}"#,
                "`id` or a `user_id`",
            ),
            (
                "zoom",
                r#"{"event":"meeting.ended","payload":{"object":{"id":1,"end_time":"yesterday"}}}"#,
                "end_time",
            ),
            ("jitsi", "{}", "no decoder"),
        ] {
            let error = decode(provider, body).unwrap_err();
            assert!(error.contains(says), "{body}: {error}");
        }
    }

    // Real captured Daily payload (reference §5.3, reflector).
    const DAILY_READY: &str = r#"{"version":"1.0.0","type":"recording.ready-to-download","id":"rec-rtd-c3df927c-f738-4471-a2b7-066fa7e95a6b-1692124192","payload":{"recording_id":"08fa0b24-9220-44c5-846c-3f116cf8e738","room_name":"Xcm97xRZ08b2dePKb78g","start_ts":1692124183,"status":"finished","max_participants":1,"duration":9,"share_token":"ntDCL5k98Ulq","s3_key":"api-test-1j8fizhzd30c/Xcm97xRZ08b2dePKb78g/1692124183028"},"event_ts":1692124192}"#;
    // Zoom's documented example (reference §4.4), trimmed of its files.
    const ZOOM_COMPLETED: &str = r#"{"event":"recording.completed","event_ts":1626230691572,"payload":{"account_id":"AAAAAABBBB","object":{"id":1234567890,"uuid":"4444AAAiAAAAAiAiAiiAii==","host_id":"x1yCzABCDEfg23HiJKl4mN","account_id":"x1yCzABCDEfg23HiJKl4mN","topic":"My Personal Recording","type":4,"start_time":"2021-07-13T21:44:51Z","timezone":"America/Los_Angeles","host_email":"user@example.com","duration":60,"password":"132456","share_url":"https://example.com","total_size":3328371,"recording_count":2,"thumbnail_links":["..."],"recording_files":[{"id":"ed6c2f27-2ae7-42f4-b3d0-835b493e4fa8","meeting_id":"098765ABCD","recording_start":"2021-03-23T22:14:57Z","recording_end":"2021-03-23T23:15:41Z","file_type":"M4A","file_size":246560,"file_extension":"M4A","play_url":"https://example.com/recording/play/Qg75t7xZBtEbAkjdlgbfdngBBBB","download_url":"https://example.com/recording/download/Qg75t7xZBtEbAkjdlgbfdngBBBB","status":"completed","recording_type":"audio_only"},{"id":"388ffb46-1541-460d-8447-4624451a1db7","meeting_id":"098765ABCD","recording_start":"2021-03-23T22:14:57Z","recording_end":"2021-03-23T23:15:41Z","file_type":"MP4","file_size":282825,"file_extension":"MP4","play_url":"https://example.com/recording/play/Qg75t7xZBtEbAkjdlgbfdngCCCC","download_url":"https://example.com/recording/download/Qg75t7xZBtEbAkjdlgbfdngCCCC","status":"completed","recording_type":"shared_screen_with_speaker_view"}]}},"download_token":"abJhbGciOiJIUzUxMiJ9"}"#;

    #[test]
    fn recording_reports_decode() {
        assert_eq!(
            decode("daily", DAILY_READY).unwrap(),
            ProviderSignal::RecordingReady {
                room: daily_room("Xcm97xRZ08b2dePKb78g"),
                recording_id: "08fa0b24-9220-44c5-846c-3f116cf8e738".into(),
                started: Some(datetime!(2023-08-15 18:29:43 UTC)),
                duration_seconds: Some(9),
                files: Vec::new(),
                at: datetime!(2023-08-15 18:29:52 UTC),
            }
        );
        assert_eq!(
            decode("zoom", ZOOM_COMPLETED).unwrap(),
            ProviderSignal::RecordingReady {
                room: RoomRef {
                    provider: "zoom".into(),
                    external_id: "1234567890".into()
                },
                recording_id: "4444AAAiAAAAAiAiAiiAii==".into(),
                started: Some(datetime!(2021-07-13 21:44:51 UTC)),
                duration_seconds: Some(3600),
                files: vec![
                    RecordingFile {
                        provider_file_id: "ed6c2f27-2ae7-42f4-b3d0-835b493e4fa8".into(),
                        kind: FileKind::Audio,
                        recording_type: Some("audio_only".into()),
                        format: Some("m4a".into()),
                        size_bytes: Some(246_560),
                        started_at: Some(datetime!(2021-03-23 22:14:57 UTC)),
                        ended_at: Some(datetime!(2021-03-23 23:15:41 UTC)),
                    },
                    RecordingFile {
                        provider_file_id: "388ffb46-1541-460d-8447-4624451a1db7".into(),
                        kind: FileKind::Video,
                        recording_type: Some("shared_screen_with_speaker_view".into()),
                        format: Some("mp4".into()),
                        size_bytes: Some(282_825),
                        started_at: Some(datetime!(2021-03-23 22:14:57 UTC)),
                        ended_at: Some(datetime!(2021-03-23 23:15:41 UTC)),
                    },
                ],
                at: datetime!(2021-07-14 02:44:51.572 UTC),
            }
        );
        let error = r#"{"type":"recording.error","id":"e1","payload":{"action":"cloud-recording-err","error_msg":"disk full","instance_id":"i","room_name":"r1","timestamp":1692124192},"event_ts":1692124193}"#;
        assert_eq!(
            decode("daily", error).unwrap(),
            ProviderSignal::RecordingFailed {
                room: daily_room("r1"),
                recording_id: None,
                reason: "disk full".into(),
                at: datetime!(2023-08-15 18:29:53 UTC),
            }
        );
        let nameless = r#"{"type":"recording.ready-to-download","id":"x","payload":{"recording_id":"r"},"event_ts":1}"#;
        assert!(
            decode("daily", nameless)
                .unwrap_err()
                .contains("payload.room_name")
        );
    }

    #[test]
    fn dailys_user_key_is_the_meeting_tokens_user_id() {
        let short = UserId::parse("ada").unwrap();
        assert_eq!(WebhookPayloads.user_key("daily", &short), "ada");
        let long = UserId::parse(&"u".repeat(100)).unwrap();
        let key = WebhookPayloads.user_key("daily", &long);
        assert_eq!(key.len(), 36);
        assert_eq!(key, daily_user_id(long.as_str()));
        assert_eq!(WebhookPayloads.user_key("zoom", &long), "u".repeat(100));
    }
}
