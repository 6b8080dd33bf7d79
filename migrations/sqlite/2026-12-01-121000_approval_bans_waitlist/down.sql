DROP TABLE waitlist_entries;
DROP TABLE class_bans;
DROP TABLE join_requests;
ALTER TABLE live_classes ADD COLUMN admission_policy_old TEXT NOT NULL DEFAULT 'open'
    CHECK (admission_policy_old IN ('open', 'roster')
           AND (admission_policy_old <> 'roster' OR course_id IS NOT NULL));
UPDATE live_classes SET admission_policy_old = CASE admission_policy WHEN 'approval' THEN 'open' ELSE admission_policy END;
ALTER TABLE live_classes DROP COLUMN admission_policy;
ALTER TABLE live_classes RENAME COLUMN admission_policy_old TO admission_policy;
ALTER TABLE schedules ADD COLUMN admission_policy_old TEXT NOT NULL DEFAULT 'open'
    CHECK (admission_policy_old IN ('open', 'roster'));
UPDATE schedules SET admission_policy_old = CASE admission_policy WHEN 'approval' THEN 'open' ELSE admission_policy END;
ALTER TABLE schedules DROP COLUMN admission_policy;
ALTER TABLE schedules RENAME COLUMN admission_policy_old TO admission_policy;
