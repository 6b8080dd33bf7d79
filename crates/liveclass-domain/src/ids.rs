//! Identifiers. Entity ids are UUIDs minted by the service through
//! [`IdGenerator`]; tenant and user ids are opaque strings from the caller's
//! identity provider.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use uuid::Uuid;

use crate::validation::{Field, ValidationError, opaque_id};

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Uuid);

        impl $name {
            /// The id of this UUID.
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }
            /// The UUID.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

uuid_id!(
    /// Identifies a live class.
    ClassId
);
uuid_id!(
    /// Identifies one participation: one user's stay in a class, from join to leave.
    ParticipationId
);
uuid_id!(
    /// Identifies a message of a class's chat.
    MessageId
);
uuid_id!(
    /// Identifies a poll of a class.
    PollId
);
uuid_id!(
    /// Identifies one reaction in a class.
    ReactionId
);
uuid_id!(
    /// Identifies a resource shared in a class.
    ResourceId
);

macro_rules! opaque_string_id {
    ($(#[$doc:meta])* $name:ident, $field:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// # Errors
            /// Empty, longer than 128 characters, or with control characters.
            pub fn parse(raw: &str) -> Result<Self, ValidationError> {
                opaque_id($field, raw).map(Self)
            }
            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

opaque_string_id!(
    /// A tenant (organisation). Every class belongs to exactly one.
    TenantId,
    Field::TenantId
);
opaque_string_id!(
    /// A user, as the identity provider names them (the JWT `sub`).
    UserId,
    Field::UserId
);

/// The public name of a class's room: `room-<uuid>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RoomId(String);

impl RoomId {
    const PREFIX: &'static str = "room-";

    /// The room id of this UUID (`room-<uuid>`).
    pub fn from_uuid(id: Uuid) -> Self {
        Self(format!("{}{}", Self::PREFIX, id))
    }

    /// # Errors
    /// When `raw` is not `room-` followed by a hyphenated UUID.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let valid = raw
            .strip_prefix(Self::PREFIX)
            .and_then(|rest| Uuid::try_parse(rest).ok())
            .is_some_and(|id| Self::from_uuid(id).0 == raw);
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err(ValidationError::new(
                Field::RoomId,
                "must be `room-` followed by a lower-case hyphenated UUID",
            ))
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RoomId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The name of a class's room at the video provider (a Jitsi or Daily room
/// name): `lc-` and 128 random bits in hex for new classes.
///
/// Unlike the public [`RoomId`], which every member of the tenant sees, the
/// room name reaches only those who may enter the room: the class's creator
/// and admitted participants, inside their join URL. With Jitsi the room's
/// name *is* the room, so it must not be derivable from anything public.
/// Classes made before this existed keep their room id as their room name
/// (stored with their room), so their join URLs stay valid.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RoomName(String);

impl RoomName {
    const PREFIX: &'static str = "lc-";

    /// The room name of these 128 bits: `lc-` and 32 lower-case hex digits.
    pub fn from_bits(bits: u128) -> Self {
        Self(format!("{}{bits:032x}", Self::PREFIX))
    }

    /// A room name as a provider stored it (any text), for a room that
    /// already exists.
    pub fn from_stored(name: impl Into<String>) -> Self {
        Self(name.into())
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RoomName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Mints identifiers. The service is the only place that creates ids, so tests
/// can make them predictable with [`SequentialIds`].
pub trait IdGenerator: Send + Sync {
    /// A new UUID: every other id derives from it.
    fn new_uuid(&self) -> Uuid;

    /// A new class id.
    fn class_id(&self) -> ClassId {
        ClassId::from_uuid(self.new_uuid())
    }
    /// A new participation id.
    fn participation_id(&self) -> ParticipationId {
        ParticipationId::from_uuid(self.new_uuid())
    }
    /// A new room id.
    fn room_id(&self) -> RoomId {
        RoomId::from_uuid(self.new_uuid())
    }
    /// A new provider room name: 128 uniformly random bits, from two v4
    /// UUIDs (whose six fixed bits fall on different positions once one is
    /// rotated by 64).
    fn room_name(&self) -> RoomName {
        let (a, b) = (self.new_uuid().as_u128(), self.new_uuid().as_u128());
        RoomName::from_bits(a ^ b.rotate_left(64))
    }
    /// A new schedule id.
    fn schedule_id(&self) -> crate::schedule::ScheduleId {
        crate::schedule::ScheduleId::from_uuid(self.new_uuid())
    }
    /// A class's join hash. Unguessable only when `new_uuid` is random.
    fn join_hash(&self) -> crate::join_link::JoinHash {
        crate::join_link::JoinHash::from_uuids(self.new_uuid(), self.new_uuid())
    }
}

/// Random (v4) UUIDs from the operating system's CSPRNG.
#[derive(Debug, Default, Clone, Copy)]
pub struct RandomIds;

impl IdGenerator for RandomIds {
    fn new_uuid(&self) -> Uuid {
        Uuid::new_v4()
    }
}

/// Predictable UUIDs `00000000-0000-0000-0000-000000000001`, `…002`, … for tests.
#[derive(Debug, Default)]
pub struct SequentialIds(AtomicU64);

impl IdGenerator for SequentialIds {
    fn new_uuid(&self) -> Uuid {
        Uuid::from_u128(u128::from(self.0.fetch_add(1, Ordering::Relaxed) + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_names_are_lc_and_32_hex_digits_unrelated_to_the_room_id() {
        let ids = RandomIds;
        let (room, name) = (ids.room_id(), ids.room_name());
        let hex = name.as_str().strip_prefix("lc-").unwrap();
        assert_eq!(hex.len(), 32);
        assert!(
            hex.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert!(!room.as_str().contains(hex) && !hex.contains(&room.as_str()[5..]));
        assert_ne!(ids.room_name(), name);
    }

    #[test]
    fn room_ids_round_trip_and_refuse_anything_else() {
        let room = RoomId::from_uuid(Uuid::from_u128(7));
        assert_eq!(RoomId::parse(room.as_str()), Ok(room.clone()));
        assert!(room.as_str().starts_with("room-"));
        for bad in [
            "",
            "room-",
            "room-xyz",
            "7",
            "ROOM-00000000-0000-0000-0000-000000000007",
        ] {
            assert!(RoomId::parse(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn opaque_ids_refuse_empty_long_and_control_characters() {
        assert!(UserId::parse("user-1").is_ok());
        assert!(UserId::parse("").is_err());
        assert!(UserId::parse(&"x".repeat(129)).is_err());
        assert!(TenantId::parse("a\nb").is_err());
        assert!(TenantId::parse(" padded").is_err());
    }

    #[test]
    fn sequential_ids_count_up_from_one() {
        let ids = SequentialIds::default();
        assert_eq!(ids.new_uuid(), Uuid::from_u128(1));
        assert_eq!(ids.class_id().as_uuid(), Uuid::from_u128(2));
    }
}
