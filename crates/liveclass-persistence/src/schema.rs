//! The shared schema of migrations/postgres and migrations/sqlite.

diesel::table! {
    live_classes (id) {
        id -> Text,
        tenant_id -> Text,
        created_by -> Text,
        title -> Text,
        description -> Nullable<Text>,
        room_id -> Text,
        video_provider -> Text,
        video_room_ref -> Text,
        join_url -> Text,
        host_url -> Nullable<Text>,
        room_password -> Nullable<Text>,
        status -> Text,
        scheduled_at -> Timestamp,
        started_at -> Nullable<Timestamp>,
        ended_at -> Nullable<Timestamp>,
        max_participants -> Integer,
        recording_url -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    participations (id) {
        id -> Text,
        class_id -> Text,
        tenant_id -> Text,
        user_id -> Text,
        user_name -> Nullable<Text>,
        role -> Text,
        joined_at -> Timestamp,
        left_at -> Nullable<Timestamp>,
        /// The seat an active participation holds; NULL once it has left.
        seat_no -> Nullable<Integer>,
    }
}

diesel::table! {
    /// One row per place of a live class (1..max_participants).
    class_seats (class_id, seat_no) {
        class_id -> Text,
        seat_no -> Integer,
        participation_id -> Nullable<Text>,
    }
}

diesel::table! {
    video_cleanups (id) {
        id -> Text,
        tenant_id -> Text,
        class_id -> Text,
        action -> Text,
        video_provider -> Text,
        video_room_ref -> Text,
        join_url -> Text,
        host_url -> Nullable<Text>,
        room_password -> Nullable<Text>,
        attempts -> Integer,
        last_error -> Nullable<Text>,
        due_at -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::joinable!(participations -> live_classes (class_id));
diesel::joinable!(class_seats -> live_classes (class_id));
diesel::allow_tables_to_appear_in_same_query!(
    live_classes,
    participations,
    class_seats,
    video_cleanups
);
