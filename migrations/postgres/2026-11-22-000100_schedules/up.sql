-- Recurring schedules (seed 001) and what classes need to be generated from
-- them, joined by link, filtered and published as calendars.

CREATE TABLE schedules (
    id               TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL,
    course_id        TEXT NOT NULL,
    title            TEXT NOT NULL,
    teacher_id       TEXT NOT NULL,
    max_participants INTEGER NOT NULL CHECK (max_participants >= 1),
    timezone         TEXT NOT NULL,
    -- Local wall-clock start, HH:MM.
    start_time       TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 1 AND 1440),
    frequency        TEXT NOT NULL CHECK (frequency IN ('once', 'daily', 'weekly', 'monthly')),
    interval_count   INTEGER NOT NULL CHECK (interval_count >= 1),
    -- Comma-separated RFC 5545 day codes (MO,WE); empty unless weekly.
    weekdays         TEXT NOT NULL,
    -- Local dates, YYYY-MM-DD (they sort as text).
    starts_on        TEXT NOT NULL,
    ends_on          TEXT,
    created_by       TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX schedules_tenant_course ON schedules (tenant_id, course_id, created_at);

ALTER TABLE live_classes ADD COLUMN scheduled_end TIMESTAMP;
ALTER TABLE live_classes ADD COLUMN course_id TEXT;
ALTER TABLE live_classes ADD COLUMN schedule_id TEXT;
-- The local date of the schedule occurrence the class was generated for.
ALTER TABLE live_classes ADD COLUMN occurrence_date TEXT;
ALTER TABLE live_classes ADD COLUMN join_hash TEXT;
ALTER TABLE live_classes ADD COLUMN ical_sequence INTEGER NOT NULL DEFAULT 0;
-- Existing classes get a random 256-bit hash.
UPDATE live_classes
   SET join_hash = replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '');
ALTER TABLE live_classes ALTER COLUMN join_hash SET NOT NULL;
ALTER TABLE live_classes ADD CONSTRAINT live_classes_occurrence_complete
    CHECK ((schedule_id IS NULL) = (occurrence_date IS NULL));

CREATE UNIQUE INDEX live_classes_join_hash ON live_classes (join_hash);
-- Generation is idempotent because of this key: one class per schedule and
-- occurrence, whoever generates and however often.
CREATE UNIQUE INDEX live_classes_schedule_occurrence ON live_classes (schedule_id, occurrence_date);
-- GET /live-classes filters, each ordered by scheduled_at.
CREATE INDEX live_classes_tenant_course_scheduled ON live_classes (tenant_id, course_id, scheduled_at, id);
CREATE INDEX live_classes_tenant_schedule_scheduled ON live_classes (tenant_id, schedule_id, scheduled_at, id);
CREATE INDEX live_classes_tenant_creator_scheduled ON live_classes (tenant_id, created_by, scheduled_at, id);
-- The auto-end worker: live classes by planned end.
CREATE INDEX live_classes_status_scheduled_end ON live_classes (status, scheduled_end);

-- Calendar feed tokens: calendar apps cannot send bearer headers, so feeds
-- take a per-user token in the URL. Only its SHA-256 is stored.
CREATE TABLE calendar_tokens (
    token_hash  TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP
);
CREATE INDEX calendar_tokens_user ON calendar_tokens (tenant_id, user_id);
