-- Creating or changing a schedule is self-completing: the schedule row is
-- written with a due instant for its generation, and the transaction that
-- writes its classes clears it. A process that dies between the two leaves
-- the due instant behind; once it has passed, the schedule-generation worker
-- of any server claims the schedule (moving the instant forward as a lease)
-- and generates its classes. NULL: the classes match the definition.
ALTER TABLE schedules ADD COLUMN generation_due_at TIMESTAMP;
CREATE INDEX schedules_generation_due ON schedules (generation_due_at)
    WHERE generation_due_at IS NOT NULL;
