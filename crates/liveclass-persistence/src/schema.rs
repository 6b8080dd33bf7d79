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
        admission_policy -> Text,
        /// The co-hosts' user ids, a JSON array of strings.
        co_hosts -> Text,
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
        admission_policy -> Text,
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
        mic_allowed -> Bool,
        camera_allowed -> Bool,
        /// When the participant raised their hand; NULL when it is down.
        hand_raised_at -> Nullable<Timestamp>,
        screen_sharing -> Bool,
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
        /// The provider's recording id, for `delete_recording`.
        recording_ref -> Nullable<Text>,
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
    /// Recordings of classes (see the `recordings` migration).
    recordings (id) {
        id -> Text,
        tenant_id -> Text,
        class_id -> Text,
        provider -> Text,
        provider_recording_id -> Nullable<Text>,
        status -> Text,
        visibility -> Text,
        started_by -> Nullable<Text>,
        started_at -> Nullable<Timestamp>,
        stopped_at -> Nullable<Timestamp>,
        duration_seconds -> Nullable<BigInt>,
        failure -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
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

diesel::table! {
    /// Chat messages of classes (see the `chat` migration).
    class_messages (id) {
        id -> Text,
        tenant_id -> Text,
        class_id -> Text,
        /// 1, 2, 3, … per class, in commit order.
        position -> BigInt,
        kind -> Text,
        author_id -> Text,
        author_name -> Nullable<Text>,
        body -> Text,
        posted_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
        deleted_by -> Nullable<Text>,
        /// The author is never shown.
        anonymous -> Bool,
        /// A question's status (`open`, `answered`, `dismissed`).
        question_status -> Nullable<Text>,
        upvotes -> Integer,
    }
}

diesel::table! {
    /// A recording's files, as its provider reported them.
    recording_files (recording_id, provider_file_id) {
        recording_id -> Text,
        provider_file_id -> Text,
        tenant_id -> Text,
        kind -> Text,
        recording_type -> Nullable<Text>,
        format -> Nullable<Text>,
        size_bytes -> Nullable<BigInt>,
        started_at -> Nullable<Timestamp>,
        ended_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Per-user grants on a recording.
    recording_grants (recording_id, user_id) {
        recording_id -> Text,
        tenant_id -> Text,
        user_id -> Text,
        level -> Text,
        expires_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// One upvote per user and question (the key decides).
    question_votes (question_id, user_id) {
        question_id -> Text,
        user_id -> Text,
        tenant_id -> Text,
        class_id -> Text,
        voted_at -> Timestamp,
    }
}

diesel::table! {
    /// Per class: the last chat position given.
    class_message_heads (class_id) {
        class_id -> Text,
        tenant_id -> Text,
        last_position -> BigInt,
    }
}

diesel::table! {
    /// Reactions of classes, one row each (see the `reactions` migration).
    class_reactions (id) {
        id -> Text,
        tenant_id -> Text,
        class_id -> Text,
        user_id -> Text,
        kind -> Text,
        reacted_at -> Timestamp,
    }
}

diesel::table! {
    /// Reaction counts per class, minute and kind.
    class_reaction_counts (class_id, minute, kind) {
        class_id -> Text,
        tenant_id -> Text,
        minute -> BigInt,
        kind -> Text,
        count -> BigInt,
    }
}

diesel::table! {
    /// Per class: how many reactions it has had.
    class_reaction_heads (class_id) {
        class_id -> Text,
        tenant_id -> Text,
        total -> BigInt,
    }
}

diesel::table! {
    /// Resources shared in classes (see the `resources` migration).
    class_resources (id) {
        id -> Text,
        tenant_id -> Text,
        class_id -> Text,
        title -> Text,
        url -> Text,
        kind -> Text,
        shared_by -> Text,
        shared_by_name -> Nullable<Text>,
        shared_at -> Timestamp,
        removed_at -> Nullable<Timestamp>,
        removed_by -> Nullable<Text>,
    }
}

diesel::table! {
    /// Per user and class: the last chat position read.
    class_message_reads (class_id, user_id) {
        class_id -> Text,
        user_id -> Text,
        tenant_id -> Text,
        last_position -> BigInt,
        read_at -> Timestamp,
    }
}

diesel::table! {
    /// Polls of classes (see the `polls` migration).
    polls (id) {
        id -> Text,
        tenant_id -> Text,
        class_id -> Text,
        question -> Text,
        multiple -> Bool,
        anonymous -> Bool,
        status -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    poll_options (poll_id, idx) {
        poll_id -> Text,
        idx -> Integer,
        label -> Text,
    }
}

diesel::table! {
    /// One final ballot per user and poll (the key decides).
    poll_ballots (poll_id, user_id) {
        poll_id -> Text,
        user_id -> Text,
        tenant_id -> Text,
        voted_at -> Timestamp,
    }
}

diesel::table! {
    poll_choices (poll_id, user_id, idx) {
        poll_id -> Text,
        user_id -> Text,
        idx -> Integer,
    }
}

diesel::table! {
    /// Course rosters (issue 12): who may join the course's `roster` classes.
    course_rosters (tenant_id, course_id, user_id) {
        tenant_id -> Text,
        course_id -> Text,
        user_id -> Text,
        added_at -> Timestamp,
    }
}

diesel::table! {
    /// Requests to join `approval` classes (issue 12).
    join_requests (id) {
        id -> Text,
        tenant_id -> Text,
        class_id -> Text,
        user_id -> Text,
        user_name -> Nullable<Text>,
        status -> Text,
        requested_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<Text>,
    }
}

diesel::table! {
    /// Users removed from a class (issue 12): refused by its admissions.
    class_bans (class_id, user_id) {
        class_id -> Text,
        user_id -> Text,
        tenant_id -> Text,
        banned_at -> Timestamp,
        banned_by -> Text,
    }
}

diesel::table! {
    /// The waitlists of full classes (issue 12).
    waitlist_entries (id) {
        id -> Text,
        tenant_id -> Text,
        class_id -> Text,
        user_id -> Text,
        user_name -> Nullable<Text>,
        seq -> BigInt,
        status -> Text,
        entered_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
        participation_id -> Nullable<Text>,
    }
}

diesel::table! {
    /// The provider webhooks' inbox (see the `provider_events` migration).
    provider_events (id) {
        id -> Text,
        provider -> Text,
        external_id -> Text,
        event_type -> Text,
        body -> Text,
        received_at -> Timestamp,
        status -> Text,
        attempts -> Integer,
        last_error -> Nullable<Text>,
        due_at -> Nullable<Timestamp>,
        processed_at -> Nullable<Timestamp>,
        tenant_id -> Nullable<Text>,
        class_id -> Nullable<Text>,
    }
}

diesel::table! {
    /// Presences in a class's provider meeting, per provider session.
    provider_sessions (class_id, provider, session_key) {
        class_id -> Text,
        provider -> Text,
        session_key -> Text,
        tenant_id -> Text,
        user_id -> Nullable<Text>,
        user_name -> Nullable<Text>,
        joined_at -> Nullable<Timestamp>,
        left_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(participations -> live_classes (class_id));
diesel::joinable!(class_seats -> live_classes (class_id));
diesel::table! {
    /// Per ended class: where reconciling its attendance with the video
    /// provider's report stands.
    attendance_reconciliations (class_id) {
        class_id -> Text,
        tenant_id -> Text,
        status -> Text,
        attempts -> Integer,
        due_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        provider_report -> Nullable<Text>,
        provider_rows -> Nullable<Integer>,
        finalized_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// A tenant's own attendance grace periods.
    tenant_attendance_settings (tenant_id) {
        tenant_id -> Text,
        late_after_minutes -> Integer,
        left_early_minutes -> Integer,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

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
    recordings,
    recording_grants,
    recording_files,
    class_messages,
    class_message_heads,
    class_reactions,
    class_reaction_counts,
    class_reaction_heads,
    class_resources,
    class_message_reads,
    question_votes,
    polls,
    poll_options,
    poll_ballots,
    poll_choices,
    course_rosters,
    provider_accounts,
    join_requests,
    class_bans,
    waitlist_entries,
    provider_events,
    provider_sessions,
    attendance_reconciliations,
    tenant_attendance_settings
);
