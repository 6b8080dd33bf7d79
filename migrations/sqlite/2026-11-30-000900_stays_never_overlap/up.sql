-- One user's stays in one class never overlap in time: a stay
-- [joined_at, left_at) (left_at NULL while it lasts) starts no earlier than
-- the end of every earlier stay of the same user in the same class.
-- The admission clamps a new stay's joined_at up to the user's last left_at
-- (crates/liveclass-persistence/src/admission.rs); these triggers refuse, at
-- write time, anything that would still overlap. Two active stays are left to
-- the unique index participations_one_active_per_user. SQLite has one writer
-- at a time, so the check and the write cannot race.

CREATE TRIGGER participations_stays_do_not_overlap_insert
BEFORE INSERT ON participations
WHEN EXISTS (
    SELECT 1 FROM participations p
    WHERE p.class_id = NEW.class_id AND p.user_id = NEW.user_id AND p.id <> NEW.id
      AND NOT (p.left_at IS NULL AND NEW.left_at IS NULL)
      AND (NEW.left_at IS NULL OR p.joined_at < NEW.left_at)
      AND (p.left_at IS NULL OR NEW.joined_at < p.left_at)
)
BEGIN
    SELECT RAISE(ABORT, 'a participation overlaps another stay of the same user in the class');
END;

CREATE TRIGGER participations_stays_do_not_overlap_update
BEFORE UPDATE OF joined_at, left_at ON participations
WHEN EXISTS (
    SELECT 1 FROM participations p
    WHERE p.class_id = NEW.class_id AND p.user_id = NEW.user_id AND p.id <> NEW.id
      AND NOT (p.left_at IS NULL AND NEW.left_at IS NULL)
      AND (NEW.left_at IS NULL OR p.joined_at < NEW.left_at)
      AND (p.left_at IS NULL OR NEW.joined_at < p.left_at)
)
BEGIN
    SELECT RAISE(ABORT, 'a participation overlaps another stay of the same user in the class');
END;
