-- Seats: while a class is live it has one row per place (1..max_participants);
-- see the PostgreSQL migration for the why. SQLite runs one writer at a time,
-- so it needs no SKIP LOCKED, but it enforces the same constraints:
-- an active participation holds a seat, a seat holds at most one.

CREATE TABLE class_seats (
    class_id          TEXT NOT NULL REFERENCES live_classes (id) ON DELETE CASCADE,
    seat_no           INTEGER NOT NULL CHECK (seat_no >= 1),
    participation_id  TEXT UNIQUE,
    PRIMARY KEY (class_id, seat_no)
);
CREATE INDEX class_seats_free ON class_seats (class_id, seat_no) WHERE participation_id IS NULL;

WITH RECURSIVE n(x) AS (
    SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < (SELECT max(max_participants) FROM live_classes WHERE status = 'live')
)
INSERT INTO class_seats (class_id, seat_no)
SELECT c.id, n.x FROM live_classes c JOIN n ON n.x <= c.max_participants WHERE c.status = 'live';

-- SQLite cannot add a CHECK to an existing table: rebuild participations.
CREATE TABLE participations_new (
    id          TEXT PRIMARY KEY NOT NULL,
    class_id    TEXT NOT NULL REFERENCES live_classes (id) ON DELETE CASCADE,
    tenant_id   TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    user_name   TEXT,
    role        TEXT NOT NULL CHECK (role IN ('teacher', 'participant')),
    joined_at   TIMESTAMP NOT NULL,
    left_at     TIMESTAMP,
    seat_no     INTEGER,
    CHECK (left_at IS NULL OR left_at >= joined_at),
    CHECK ((left_at IS NULL) = (seat_no IS NOT NULL)),
    FOREIGN KEY (class_id, seat_no) REFERENCES class_seats (class_id, seat_no)
);
INSERT INTO participations_new (id, class_id, tenant_id, user_id, user_name, role, joined_at, left_at, seat_no)
SELECT id, class_id, tenant_id, user_id, user_name, role, joined_at, left_at,
       CASE WHEN left_at IS NULL THEN
           (SELECT count(*) FROM participations q
            WHERE q.class_id = p.class_id AND q.left_at IS NULL
              AND (q.joined_at < p.joined_at OR (q.joined_at = p.joined_at AND q.id <= p.id)))
       END
FROM participations p;
DROP TABLE participations;
ALTER TABLE participations_new RENAME TO participations;
CREATE UNIQUE INDEX participations_one_active_per_user ON participations (class_id, user_id) WHERE left_at IS NULL;
CREATE UNIQUE INDEX participations_one_per_seat ON participations (class_id, seat_no) WHERE left_at IS NULL;
CREATE INDEX participations_class_joined ON participations (class_id, joined_at);
CREATE INDEX participations_class_user ON participations (class_id, user_id);

UPDATE class_seats SET participation_id = (
    SELECT p.id FROM participations p
    WHERE p.class_id = class_seats.class_id AND p.seat_no = class_seats.seat_no AND p.left_at IS NULL);

ALTER TABLE live_classes DROP COLUMN active_count;
ALTER TABLE live_classes DROP COLUMN participant_count;
