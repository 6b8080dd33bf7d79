-- Back to the admission of 2026-11-30-001000_class_events (no policy check).
CREATE OR REPLACE FUNCTION liveclass_admit(
    p_tenant TEXT, p_class TEXT, p_user TEXT, p_user_name TEXT, p_role TEXT,
    p_participation TEXT, p_at TIMESTAMP, p_event TEXT
) RETURNS TABLE (
    outcome TEXT, class_status TEXT, capacity INTEGER,
    participation_id TEXT, role TEXT, user_name TEXT, joined_at TIMESTAMP
) LANGUAGE plpgsql AS $$
DECLARE
    v_status TEXT;
    v_capacity INTEGER;
    v_seat INTEGER;
    v_from INTEGER;
    v_at TIMESTAMP;
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

    -- A stay starts no earlier than the user's previous stay in the class
    -- ended: instants come from each server's clock, and a rejoin handled by
    -- a server whose clock is behind the one that handled the leave would
    -- otherwise begin before that leave. Under the advisory lock above, so no
    -- join of the same user moves the last leave meanwhile; a leave of the
    -- active stay cannot commit unseen (there is none: it was checked above).
    SELECT GREATEST(p_at, max(p.left_at)) INTO v_at
    FROM participations p WHERE p.class_id = p_class AND p.user_id = p_user;

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
    VALUES (p_participation, p_class, p_tenant, p_user, p_user_name, p_role, v_at, v_seat)
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

    -- The join's event, in the same transaction (see the class_events
    -- table above). Its data is the one `NewEvent::participant_joined`
    -- builds (a persistence test compares both); activeCount is set when
    -- the event is numbered (counting here would scan the class's
    -- participants on every join).
    INSERT INTO class_events (id, tenant_id, class_id, event_type, occurred_at, data)
    VALUES (p_event, p_tenant, p_class, 'participant.joined', v_at, json_build_object(
        'participation', json_build_object(
            'id', p_participation, 'userId', p_user, 'userName', p_user_name, 'role', p_role,
            'joinedAt', to_char(v_at, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'leftAt', NULL),
        'role', p_role, 'activeCount', NULL, 'capacity', v_capacity)::TEXT);

    RETURN QUERY SELECT 'admitted'::TEXT, v_status, v_capacity, p_participation, p_role, p_user_name, v_at;
END
$$;

DROP TABLE course_rosters;
ALTER TABLE schedules DROP COLUMN admission_policy;
ALTER TABLE live_classes DROP COLUMN admission_policy;
