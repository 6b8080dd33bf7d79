DROP INDEX schedules_generation_due;
ALTER TABLE schedules DROP COLUMN generation_due_at;
