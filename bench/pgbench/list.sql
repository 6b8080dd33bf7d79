-- The SQL of one GET /live-classes?limit=20&offset=N on PostgreSQL: the
-- tenant's total, then one page with each class's active and distinct
-- participant counts. Run with -M prepared and -D tenant=<tenant>; the page
-- is drawn at random from the ten pages of the list scenario's 200 classes.
\set offset 20 * random(0, 9)
SELECT COUNT(*) FROM live_classes WHERE tenant_id = :tenant;
SELECT id, tenant_id, created_by, title, description, room_id, video_provider, video_room_ref, join_url, host_url, room_password, status, scheduled_at, started_at, ended_at, max_participants, recording_url, created_at, updated_at, scheduled_end, course_id, schedule_id, occurrence_date, join_hash, ical_sequence, (SELECT COUNT(*) FROM participations p WHERE p.class_id = live_classes.id AND p.left_at IS NULL), (SELECT COUNT(DISTINCT p.user_id) FROM participations p WHERE p.class_id = live_classes.id) FROM live_classes WHERE tenant_id = :tenant ORDER BY scheduled_at ASC, id ASC LIMIT 20 OFFSET :offset;
