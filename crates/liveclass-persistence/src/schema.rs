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
        scheduled_end -> Nullable<Timestamp>,
        course_id -> Nullable<Text>,
        schedule_id -> Nullable<Text>,
        occurrence_date -> Nullable<Text>,
        join_hash -> Text,
        ical_sequence -> Integer,
        auto_end_claimed_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    schedules (id) {
        id -> Text,
        tenant_id -> Text,
        course_id -> Text,
        title -> Text,
        teacher_id -> Text,
        max_participants -> Integer,
        timezone -> Text,
        start_time -> Text,
        duration_minutes -> Integer,
        frequency -> Text,
        interval_count -> Integer,
        weekdays -> Text,
        starts_on -> Text,
        ends_on -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        generation_due_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    idempotency_keys (tenant_id, user_id, idempotency_key) {
        tenant_id -> Text,
        user_id -> Text,
        idempotency_key -> Text,
        request_hash -> Text,
        response_status -> Nullable<Integer>,
        response_body -> Nullable<Text>,
        response_location -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    calendar_tokens (token_hash) {
        token_hash -> Text,
        tenant_id -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
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

diesel::table! {
    /// The class event log (see the `class_events` migration).
    class_events (position) {
        position -> BigInt,
        id -> Text,
        tenant_id -> Text,
        class_id -> Text,
        /// The place in the class's log; NULL until the sequencer numbers it.
        seq -> Nullable<BigInt>,
        event_type -> Text,
        occurred_at -> Timestamp,
        /// A JSON object.
        data -> Text,
    }
}

diesel::table! {
    /// Per class: the last sequence number given and the last one pruned.
    class_event_heads (class_id) {
        class_id -> Text,
        tenant_id -> Text,
        last_seq -> BigInt,
        pruned_through -> BigInt,
        /// Active participants after the last numbered event.
        active_count -> BigInt,
    }
}

diesel::table! {
    /// Webhook endpoints per tenant (secrets sealed).
    webhook_endpoints (id) {
        id -> Text,
        tenant_id -> Text,
        url -> Text,
        event_types -> Text,
        description -> Text,
        enabled -> Bool,
        secret_key_id -> Text,
        secret_sealed -> Text,
        previous_secret_key_id -> Nullable<Text>,
        previous_secret_sealed -> Nullable<Text>,
        previous_secret_expires_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// The webhook outbox: one row per (endpoint, event), written by a
    /// trigger on `class_events`.
    webhook_deliveries (id) {
        id -> BigInt,
        tenant_id -> Text,
        endpoint_id -> Text,
        event_id -> Text,
        event_type -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Nullable<Timestamp>,
        last_attempt_at -> Nullable<Timestamp>,
        last_status_code -> Nullable<Integer>,
        last_latency_ms -> Nullable<BigInt>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// A tenant's own video-provider accounts (secrets sealed; see the
    /// `provider_accounts` migration).
    provider_accounts (id) {
        id -> Text,
        tenant_id -> Text,
        kind -> Text,
        label -> Text,
        zoom_account_id -> Nullable<Text>,
        zoom_client_id -> Nullable<Text>,
        app_id -> Nullable<Text>,
        domain -> Nullable<Text>,
        secret_key_id -> Text,
        secret_sealed -> Text,
        secret_hint -> Nullable<Text>,
        webhook_secret_key_id -> Nullable<Text>,
        webhook_secret_sealed -> Nullable<Text>,
        webhook_secret_hint -> Nullable<Text>,
        active -> Bool,
        last_success_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        last_error_at -> Nullable<Timestamp>,
        last_token_renewal_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(participations -> live_classes (class_id));
diesel::joinable!(class_seats -> live_classes (class_id));
diesel::allow_tables_to_appear_in_same_query!(
    live_classes,
    class_events,
    class_event_heads,
    participations,
    class_seats,
    video_cleanups,
    schedules,
    calendar_tokens,
    webhook_endpoints,
    webhook_deliveries,
    provider_accounts
);
