DROP FUNCTION liveclass_admit(TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TIMESTAMP);
ALTER TABLE live_classes ADD COLUMN active_count INTEGER NOT NULL DEFAULT 0
    CHECK (active_count >= 0 AND active_count <= max_participants);
ALTER TABLE live_classes ADD COLUMN participant_count INTEGER NOT NULL DEFAULT 0 CHECK (participant_count >= 0);
UPDATE live_classes c SET
    active_count = (SELECT count(*) FROM participations p WHERE p.class_id = c.id AND p.left_at IS NULL),
    participant_count = (SELECT count(DISTINCT user_id) FROM participations p WHERE p.class_id = c.id);
DROP INDEX participations_one_per_seat;
ALTER TABLE participations DROP CONSTRAINT participations_active_holds_a_seat;
ALTER TABLE participations DROP CONSTRAINT participations_seat_fk;
ALTER TABLE participations DROP COLUMN seat_no;
DROP TABLE class_seats;
