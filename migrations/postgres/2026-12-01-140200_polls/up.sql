-- Polls (crates/liveclass-domain/src/interaction/polls.rs): a moderator
-- creates a poll (draft), opens and closes it; each user votes once, and
-- the vote is final. The keys decide: one ballot per (poll, user), each
-- chosen option once per ballot.
CREATE TABLE polls (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    class_id TEXT NOT NULL,
    question TEXT NOT NULL,
    -- Several options per vote, or exactly one.
    multiple BOOLEAN NOT NULL,
    -- Anonymous: who chose what is shown to nobody; named: to moderators.
    anonymous BOOLEAN NOT NULL,
    -- `draft`, `open` or `closed`.
    status TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX polls_class ON polls (tenant_id, class_id, created_at);

CREATE TABLE poll_options (
    poll_id TEXT NOT NULL,
    idx INTEGER NOT NULL CHECK (idx >= 0 AND idx < 10),
    label TEXT NOT NULL,
    PRIMARY KEY (poll_id, idx)
);

CREATE TABLE poll_ballots (
    poll_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    voted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (poll_id, user_id)
);

CREATE TABLE poll_choices (
    poll_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    PRIMARY KEY (poll_id, user_id, idx)
);
