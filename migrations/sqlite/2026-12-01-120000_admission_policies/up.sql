-- Issue 12: admission policies and course rosters (see the PostgreSQL
-- migration of the same name). The admission's policy check is in
-- `admit_sqlite` (liveclass-persistence/src/admission.rs), inside its
-- immediate transaction.
ALTER TABLE live_classes ADD COLUMN admission_policy TEXT NOT NULL DEFAULT 'open'
    CHECK (admission_policy IN ('open', 'roster')
           AND (admission_policy <> 'roster' OR course_id IS NOT NULL));
ALTER TABLE schedules ADD COLUMN admission_policy TEXT NOT NULL DEFAULT 'open'
    CHECK (admission_policy IN ('open', 'roster'));

CREATE TABLE course_rosters (
    tenant_id TEXT NOT NULL,
    course_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    added_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, course_id, user_id)
);
