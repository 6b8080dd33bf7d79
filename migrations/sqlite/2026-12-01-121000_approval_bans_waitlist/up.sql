-- Issue 12: the `approval` policy with join requests, removal as a ban for
-- the class, and a waitlist (see the PostgreSQL migration of the same name).
-- The admission's checks are in `admit_sqlite`
-- (liveclass-persistence/src/admission.rs), inside its immediate
-- transaction; SQLite has one writer at a time, so no row lock is needed.
--
-- SQLite cannot change a CHECK: the policy columns are rebuilt (a column's
-- own CHECK goes with it when it is dropped).
ALTER TABLE live_classes ADD COLUMN admission_policy_new TEXT NOT NULL DEFAULT 'open'
    CHECK (admission_policy_new IN ('open', 'approval', 'roster')
           AND (admission_policy_new <> 'roster' OR course_id IS NOT NULL));
UPDATE live_classes SET admission_policy_new = admission_policy;
ALTER TABLE live_classes DROP COLUMN admission_policy;
ALTER TABLE live_classes RENAME COLUMN admission_policy_new TO admission_policy;
ALTER TABLE schedules ADD COLUMN admission_policy_new TEXT NOT NULL DEFAULT 'open'
    CHECK (admission_policy_new IN ('open', 'approval', 'roster'));
UPDATE schedules SET admission_policy_new = admission_policy;
ALTER TABLE schedules DROP COLUMN admission_policy;
ALTER TABLE schedules RENAME COLUMN admission_policy_new TO admission_policy;

CREATE TABLE join_requests (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    class_id TEXT NOT NULL REFERENCES live_classes (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    user_name TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    requested_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    decided_by TEXT,
    UNIQUE (class_id, user_id)
);
CREATE INDEX join_requests_by_class ON join_requests (tenant_id, class_id, requested_at);

CREATE TABLE class_bans (
    class_id TEXT NOT NULL REFERENCES live_classes (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    banned_at TIMESTAMP NOT NULL,
    banned_by TEXT NOT NULL,
    PRIMARY KEY (class_id, user_id)
);

CREATE TABLE waitlist_entries (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    class_id TEXT NOT NULL REFERENCES live_classes (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    user_name TEXT,
    seq BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('waiting', 'admitted', 'left', 'removed', 'closed')),
    entered_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP,
    participation_id TEXT,
    UNIQUE (class_id, seq),
    CHECK ((status = 'admitted') = (participation_id IS NOT NULL)),
    CHECK ((status = 'waiting') = (resolved_at IS NULL))
);
CREATE UNIQUE INDEX waitlist_one_waiting_per_user
    ON waitlist_entries (class_id, user_id) WHERE status = 'waiting';
CREATE INDEX waitlist_line ON waitlist_entries (class_id, seq) WHERE status = 'waiting';
