-- The SQL of one GET /live-classes/{id}/participants on PostgreSQL: the class
-- lookup, then its active participations in join order. Run with -M prepared
-- and -D class=<id> -D tenant=<tenant>.
SELECT id, tenant_id, created_by, title, description, room_id, video_provider, video_room_ref, join_url, host_url, room_password, status, scheduled_at, started_at, ended_at, max_participants, recording_url, created_at, updated_at, scheduled_end, course_id, schedule_id, occurrence_date, join_hash, ical_sequence FROM live_classes WHERE id = :class AND tenant_id = :tenant LIMIT 1;
SELECT id, class_id, tenant_id, user_id, user_name, role, joined_at, left_at FROM participations WHERE class_id = :class AND tenant_id = :tenant AND left_at IS NULL ORDER BY joined_at, id;
