-- The SQL of one HTTP join (POST /live-classes/{id}/join) on PostgreSQL:
-- the class lookup, then the admission in one call (which also checks the
-- class's admission policy and appends
-- the join's event; the last argument is the event's id). Run with -M prepared and
-- -D class=<id> -D tenant=<tenant>.
\set uid random(1, 1000000000)
SELECT id, tenant_id, created_by, title, description, room_id, video_provider, video_room_ref, join_url, host_url, room_password, status, scheduled_at, started_at, ended_at, max_participants, recording_url, created_at, updated_at, scheduled_end, course_id, schedule_id, occurrence_date, join_hash, ical_sequence, admission_policy FROM live_classes WHERE id = :class AND tenant_id = :tenant LIMIT 1;
SELECT * FROM liveclass_admit(:tenant, :class, 'pgbench-' || :uid, NULL, 'participant', gen_random_uuid()::text, now()::timestamp, gen_random_uuid()::text);
