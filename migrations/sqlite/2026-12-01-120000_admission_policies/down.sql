DROP TABLE course_rosters;
ALTER TABLE schedules DROP COLUMN admission_policy;
ALTER TABLE live_classes DROP COLUMN admission_policy;
