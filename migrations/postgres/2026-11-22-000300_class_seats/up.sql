-- Seats: while a class is live it has one row per place (1..max_participants).
-- A join takes a free seat with FOR UPDATE SKIP LOCKED, so concurrent joins
-- of one class lock different rows and commit side by side instead of queueing
-- behind one counter row. The database enforces the capacity: an active
-- participation must hold a seat (CHECK + foreign key), and a seat holds at most
-- one active participation (unique index), so active <= seats = capacity.
-- Seats exist only while the class is live: start makes them, end drops them.

CREATE TABLE class_seats (
    class_id          TEXT NOT NULL REFERENCES live_classes (id) ON DELETE CASCADE,
    seat_no           INTEGER NOT NULL CHECK (seat_no >= 1),
    participation_id  TEXT UNIQUE,
    PRIMARY KEY (class_id, seat_no)
);

-- Finds a free seat without walking past the taken ones.
CREATE INDEX class_seats_free ON class_seats (class_id, seat_no) WHERE participation_id IS NULL;

ALTER TABLE participations ADD COLUMN seat_no INTEGER;

-- Live classes that exist already get their seats, and their active
-- participations are seated in join order.
INSERT INTO class_seats (class_id, seat_no)
SELECT c.id, s FROM live_classes c, generate_series(1, c.max_participants) AS s
WHERE c.status = 'live';
WITH seated AS (
    SELECT id, class_id, row_number() OVER (PARTITION BY class_id ORDER BY joined_at, id) AS n
    FROM participations WHERE left_at IS NULL
)
UPDATE participations p SET seat_no = seated.n FROM seated WHERE p.id = seated.id;
UPDATE class_seats s SET participation_id = p.id
FROM participations p WHERE p.class_id = s.class_id AND p.seat_no = s.seat_no AND p.left_at IS NULL;

ALTER TABLE participations
    ADD CONSTRAINT participations_seat_fk FOREIGN KEY (class_id, seat_no)
        REFERENCES class_seats (class_id, seat_no),
    ADD CONSTRAINT participations_active_holds_a_seat CHECK ((left_at IS NULL) = (seat_no IS NOT NULL));
CREATE UNIQUE INDEX participations_one_per_seat ON participations (class_id, seat_no) WHERE left_at IS NULL;

-- The counters are derived from the rows now; keeping them would put every
-- join back in one queue.
ALTER TABLE live_classes DROP COLUMN active_count, DROP COLUMN participant_count;

-- The whole admission in one round trip. Outcomes: admitted, already_active,
-- full, not_live, not_found. The class row is read FOR SHARE: joins do not
-- block each other, while an end (which updates the row) waits for the joins
-- under way and the joins after it see the class ended.
CREATE FUNCTION liveclass_admit(
    p_tenant TEXT, p_class TEXT, p_user TEXT, p_user_name TEXT, p_role TEXT,
    p_participation TEXT, p_at TIMESTAMP
) RETURNS TABLE (
    outcome TEXT, class_status TEXT, capacity INTEGER,
    participation_id TEXT, role TEXT, user_name TEXT, joined_at TIMESTAMP
) LANGUAGE plpgsql AS $$
DECLARE
    v_status TEXT;
    v_capacity INTEGER;
    v_seat INTEGER;
    v_from INTEGER;
BEGIN
    -- Joins of the same user to the same class take turns: otherwise each of
    -- them would hold a seat until all but one gave theirs back, and others
    -- would meet a class that looks full. Different users do not contend
    -- (a hash collision only makes two joins take turns).
    PERFORM pg_advisory_xact_lock(hashtextextended(p_class || '/' || p_user, 0));

    SELECT c.status, c.max_participants INTO v_status, v_capacity
    FROM live_classes c WHERE c.id = p_class AND c.tenant_id = p_tenant
    FOR SHARE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'not_found'::TEXT, NULL::TEXT, NULL::INTEGER, NULL::TEXT, NULL::TEXT, NULL::TEXT, NULL::TIMESTAMP;
        RETURN;
    END IF;

    RETURN QUERY SELECT 'already_active'::TEXT, v_status, v_capacity, p.id, p.role, p.user_name, p.joined_at
    FROM participations p
    WHERE p.class_id = p_class AND p.user_id = p_user AND p.left_at IS NULL;
    IF FOUND THEN RETURN; END IF;

    IF v_status <> 'live' THEN
        RETURN QUERY SELECT 'not_live'::TEXT, v_status, v_capacity, NULL::TEXT, NULL::TEXT, NULL::TEXT, NULL::TIMESTAMP;
        RETURN;
    END IF;

    -- Start the search at a random seat so that concurrent joins spread over
    -- the free seats instead of all contending for the lowest one; wrap once.
    v_from := 1 + floor(random() * v_capacity)::INTEGER;
    UPDATE class_seats s SET participation_id = p_participation
    WHERE s.class_id = p_class AND s.seat_no = (
        SELECT f.seat_no FROM class_seats f
        WHERE f.class_id = p_class AND f.participation_id IS NULL AND f.seat_no >= v_from
        ORDER BY f.seat_no LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING s.seat_no INTO v_seat;
    IF v_seat IS NULL AND v_from > 1 THEN
        UPDATE class_seats s SET participation_id = p_participation
        WHERE s.class_id = p_class AND s.seat_no = (
            SELECT f.seat_no FROM class_seats f
            WHERE f.class_id = p_class AND f.participation_id IS NULL AND f.seat_no < v_from
            ORDER BY f.seat_no LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING s.seat_no INTO v_seat;
    END IF;
    IF v_seat IS NULL THEN
        RETURN QUERY SELECT 'full'::TEXT, v_status, v_capacity, NULL::TEXT, NULL::TEXT, NULL::TEXT, NULL::TIMESTAMP;
        RETURN;
    END IF;

    INSERT INTO participations (id, class_id, tenant_id, user_id, user_name, role, joined_at, seat_no)
    VALUES (p_participation, p_class, p_tenant, p_user, p_user_name, p_role, p_at, v_seat)
    ON CONFLICT (class_id, user_id) WHERE left_at IS NULL DO NOTHING;
    IF NOT FOUND THEN
        -- Defence in depth (the advisory lock prevents it): the same user
        -- joined concurrently and won; give the seat back and answer with
        -- their participation.
        UPDATE class_seats SET participation_id = NULL WHERE class_id = p_class AND seat_no = v_seat;
        RETURN QUERY SELECT 'already_active'::TEXT, v_status, v_capacity, p.id, p.role, p.user_name, p.joined_at
        FROM participations p
        WHERE p.class_id = p_class AND p.user_id = p_user AND p.left_at IS NULL;
        RETURN;
    END IF;

    RETURN QUERY SELECT 'admitted'::TEXT, v_status, v_capacity, p_participation, p_role, p_user_name, p_at;
END
$$;
