-- Issue 12, seed 004: the creator's seat. Seat 1 of every live class is
-- held for its creator (who is seated there when the class starts, by the
-- store, and takes it again on a rejoin); everyone else is admitted into
-- seats 2..max_participants, and waitlist promotions fill only those. So
-- `maxParticipants` still counts everyone in the room, teacher included,
-- `active <= maxParticipants` still holds, and a full class never refuses
-- its own teacher. Only the seat search of `liveclass_admit` changes.
CREATE OR REPLACE FUNCTION liveclass_admit(
    p_tenant TEXT, p_class TEXT, p_user TEXT, p_user_name TEXT, p_role TEXT,
    p_participation TEXT, p_at TIMESTAMP, p_event TEXT, p_wait BOOLEAN DEFAULT FALSE
) RETURNS TABLE (
    outcome TEXT, class_status TEXT, capacity INTEGER,
    participation_id TEXT, role TEXT, user_name TEXT, joined_at TIMESTAMP,
    waitlist_position BIGINT
) LANGUAGE plpgsql AS $$
DECLARE
    v_status TEXT;
    v_capacity INTEGER;
    v_seat INTEGER;
    v_from INTEGER;
    v_at TIMESTAMP;
    v_policy TEXT;
    v_course TEXT;
    v_creator TEXT;
    v_banned BOOLEAN;
    v_waiting BIGINT;
    v_seq BIGINT;
    v_entry TEXT;
BEGIN
    -- Joins of the same user to the same class take turns: otherwise each of
    -- them would hold a seat until all but one gave theirs back, and others
    -- would meet a class that looks full. Different users do not contend
    -- (a hash collision only makes two joins take turns).
    PERFORM pg_advisory_xact_lock(hashtextextended(p_class || '/' || p_user, 0));

    SELECT c.status, c.max_participants, c.admission_policy, c.course_id, c.created_by
    INTO v_status, v_capacity, v_policy, v_course, v_creator
    FROM live_classes c WHERE c.id = p_class AND c.tenant_id = p_tenant
    FOR SHARE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'not_found'::TEXT, NULL::TEXT, NULL::INTEGER, NULL::TEXT, NULL::TEXT, NULL::TEXT, NULL::TIMESTAMP, NULL::BIGINT;
        RETURN;
    END IF;

    RETURN QUERY SELECT 'already_active'::TEXT, v_status, v_capacity, p.id, p.role, p.user_name, p.joined_at, NULL::BIGINT
    FROM participations p
    WHERE p.class_id = p_class AND p.user_id = p_user AND p.left_at IS NULL;
    IF FOUND THEN RETURN; END IF;

    -- A ban, and a place in line, in one statement (two index probes).
    SELECT EXISTS (SELECT 1 FROM class_bans b WHERE b.class_id = p_class AND b.user_id = p_user),
           (SELECT w.seq FROM waitlist_entries w
            WHERE w.class_id = p_class AND w.user_id = p_user AND w.status = 'waiting')
    INTO v_banned, v_waiting;
    IF v_banned THEN
        RETURN QUERY SELECT 'removed'::TEXT, v_status, v_capacity, NULL::TEXT, NULL::TEXT, NULL::TEXT, NULL::TIMESTAMP, NULL::BIGINT;
        RETURN;
    END IF;
    IF v_waiting IS NOT NULL THEN
        -- In line already: the first in line takes the next freed seat (in
        -- the transaction that frees it); nobody in line jumps ahead.
        RETURN QUERY SELECT 'waiting'::TEXT, v_status, v_capacity, NULL::TEXT, NULL::TEXT, NULL::TEXT, NULL::TIMESTAMP, count(*)
        FROM waitlist_entries w
        WHERE w.class_id = p_class AND w.status = 'waiting' AND w.seq <= v_waiting;
        RETURN;
    END IF;

    -- A stay starts no earlier than the user's previous stay in the class
    -- ended: instants come from each server's clock, and a rejoin handled by
    -- a server whose clock is behind the one that handled the leave would
    -- otherwise begin before that leave. Under the advisory lock above, so no
    -- join of the same user moves the last leave meanwhile; a leave of the
    -- active stay cannot commit unseen (there is none: it was checked above).
    SELECT GREATEST(p_at, max(p.left_at)) INTO v_at
    FROM participations p WHERE p.class_id = p_class AND p.user_id = p_user;

    IF v_status <> 'live' THEN
        RETURN QUERY SELECT 'not_live'::TEXT, v_status, v_capacity, NULL::TEXT, NULL::TEXT, NULL::TEXT, NULL::TIMESTAMP, NULL::BIGINT;
        RETURN;
    END IF;

    -- The admission policy, in the same statement as the seat. The creator
    -- passes every policy (never locked out of their own class). A removal
    -- from the roster only refuses later joins (it does not eject), so a
    -- join that read the roster before a removal committed is simply ordered
    -- before it; no row lock is needed. An approval, in contrast, is read
    -- `FOR SHARE`: a withdrawal (which ejects) waits for this admission and
    -- then finds its participation, or this admission waits for the
    -- withdrawal and finds no approval.
    IF v_policy = 'roster' AND p_user <> v_creator THEN
        PERFORM 1 FROM course_rosters r
        WHERE r.tenant_id = p_tenant AND r.course_id = v_course AND r.user_id = p_user;
        IF NOT FOUND THEN
            RETURN QUERY SELECT 'not_on_roster'::TEXT, v_status, v_capacity, NULL::TEXT, NULL::TEXT, NULL::TEXT, NULL::TIMESTAMP, NULL::BIGINT;
            RETURN;
        END IF;
    END IF;
    IF v_policy = 'approval' AND p_user <> v_creator THEN
        PERFORM 1 FROM join_requests j
        WHERE j.class_id = p_class AND j.user_id = p_user AND j.status = 'approved'
        FOR SHARE;
        IF NOT FOUND THEN
            RETURN QUERY SELECT 'not_approved'::TEXT, v_status, v_capacity, NULL::TEXT, NULL::TEXT, NULL::TEXT, NULL::TIMESTAMP, NULL::BIGINT;
            RETURN;
        END IF;
    END IF;

    -- Seat 1 is the creator's, held for them whether or not they are in:
    -- they are never locked out of their own class, and everyone else shares
    -- seats 2..capacity, so active <= capacity still holds. (A class live
    -- before this rule may have someone else in seat 1: the creator then
    -- takes any free seat, like everyone did then.)
    IF p_user = v_creator THEN
        UPDATE class_seats s SET participation_id = p_participation
        WHERE s.class_id = p_class AND s.seat_no = 1 AND s.participation_id IS NULL
        RETURNING s.seat_no INTO v_seat;
    END IF;
    -- Start the search at a random seat so that concurrent joins spread over
    -- the free seats instead of all contending for the lowest one; wrap once.
    IF v_seat IS NULL AND v_capacity > 1 THEN
        v_from := 2 + floor(random() * (v_capacity - 1))::INTEGER;
        UPDATE class_seats s SET participation_id = p_participation
        WHERE s.class_id = p_class AND s.seat_no = (
            SELECT f.seat_no FROM class_seats f
            WHERE f.class_id = p_class AND f.participation_id IS NULL AND f.seat_no >= v_from
            ORDER BY f.seat_no LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING s.seat_no INTO v_seat;
        IF v_seat IS NULL AND v_from > 2 THEN
            UPDATE class_seats s SET participation_id = p_participation
            WHERE s.class_id = p_class AND s.seat_no = (
                SELECT f.seat_no FROM class_seats f
                WHERE f.class_id = p_class AND f.participation_id IS NULL
                  AND f.seat_no >= 2 AND f.seat_no < v_from
                ORDER BY f.seat_no LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING s.seat_no INTO v_seat;
        END IF;
    END IF;
    IF v_seat IS NULL AND NOT p_wait THEN
        RETURN QUERY SELECT 'full'::TEXT, v_status, v_capacity, NULL::TEXT, NULL::TEXT, NULL::TEXT, NULL::TIMESTAMP, NULL::BIGINT;
        RETURN;
    END IF;
    IF v_seat IS NULL THEN
        -- Full, and the caller waits. Take the class's line lock (a
        -- transaction-level advisory lock that every transaction freeing a
        -- seat of the class also takes before it frees it, and holds until
        -- it commits, having handed the seat to the first in line). Under
        -- it, look again: a seat freed by a transaction that finished before
        -- (and found nobody in line) is visible now and taken here; any later
        -- one will see this entry. So no seat stays free while someone
        -- waits, and the entries of one class are numbered one at a time.
        -- Seats being taken by joins under way are skipped (they are not
        -- free).
        PERFORM pg_advisory_xact_lock(hashtextextended('waitlist/' || p_class, 0));
        UPDATE class_seats s SET participation_id = p_participation
        WHERE s.class_id = p_class AND s.seat_no = (
            SELECT f.seat_no FROM class_seats f
            WHERE f.class_id = p_class AND f.participation_id IS NULL AND f.seat_no >= 2
            ORDER BY f.seat_no LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING s.seat_no INTO v_seat;
        IF v_seat IS NULL THEN
            SELECT COALESCE(max(w.seq), 0) + 1 INTO v_seq
            FROM waitlist_entries w WHERE w.class_id = p_class;
            v_entry := gen_random_uuid()::TEXT;
            INSERT INTO waitlist_entries (id, tenant_id, class_id, user_id, user_name, seq, status, entered_at)
            VALUES (v_entry, p_tenant, p_class, p_user, p_user_name, v_seq, 'waiting', p_at);
            -- Its event (`NewEvent::waitlist_entered` builds the same data).
            INSERT INTO class_events (id, tenant_id, class_id, event_type, occurred_at, data)
            VALUES (p_event, p_tenant, p_class, 'waitlist.entered', p_at, json_build_object(
                'entry', json_build_object(
                    'id', v_entry, 'userId', p_user, 'userName', p_user_name,
                    'enteredAt', to_char(p_at, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
                )::TEXT);
            RETURN QUERY SELECT 'waiting'::TEXT, v_status, v_capacity, NULL::TEXT, NULL::TEXT, NULL::TEXT, NULL::TIMESTAMP, count(*)
            FROM waitlist_entries w
            WHERE w.class_id = p_class AND w.status = 'waiting' AND w.seq <= v_seq;
            RETURN;
        END IF;
    END IF;

    INSERT INTO participations (id, class_id, tenant_id, user_id, user_name, role, joined_at, seat_no)
    VALUES (p_participation, p_class, p_tenant, p_user, p_user_name, p_role, v_at, v_seat)
    ON CONFLICT (class_id, user_id) WHERE left_at IS NULL DO NOTHING;
    IF NOT FOUND THEN
        -- Defence in depth (the advisory lock prevents it): the same user
        -- joined concurrently and won; give the seat back and answer with
        -- their participation.
        UPDATE class_seats SET participation_id = NULL WHERE class_id = p_class AND seat_no = v_seat;
        RETURN QUERY SELECT 'already_active'::TEXT, v_status, v_capacity, p.id, p.role, p.user_name, p.joined_at, NULL::BIGINT
        FROM participations p
        WHERE p.class_id = p_class AND p.user_id = p_user AND p.left_at IS NULL;
        RETURN;
    END IF;

    -- The join's event, in the same transaction (see the class_events
    -- table). Its data is the one `NewEvent::participant_joined` builds (a
    -- persistence test compares both); activeCount is set when the event is
    -- numbered (counting here would scan the class's participants on every
    -- join).
    INSERT INTO class_events (id, tenant_id, class_id, event_type, occurred_at, data)
    VALUES (p_event, p_tenant, p_class, 'participant.joined', v_at, json_build_object(
        'participation', json_build_object(
            'id', p_participation, 'userId', p_user, 'userName', p_user_name, 'role', p_role,
            'joinedAt', to_char(v_at, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'leftAt', NULL),
        'role', p_role, 'activeCount', NULL, 'capacity', v_capacity)::TEXT);

    RETURN QUERY SELECT 'admitted'::TEXT, v_status, v_capacity, p_participation, p_role, p_user_name, v_at, NULL::BIGINT;
END
$$;
