-- The newsroom: people and their roles, sessions, the audit log, and what the desk needs on a
-- story (desk, owner, embargo, corrections, the wire item it came from), scheduled jobs, the
-- media library, soft locks and the wire queue.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,     -- lower-cased
    name TEXT NOT NULL,
    role TEXT NOT NULL,             -- contributor | reporter | editor | admin
    password_hash TEXT,             -- argon2id PHC string; NULL until an invite is accepted
    created_at BIGINT NOT NULL,
    disabled_at BIGINT
);

CREATE TABLE invites (
    token_hash TEXT PRIMARY KEY,    -- SHA-256 of the one-time token
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,    -- SHA-256 of the cookie value; the value itself is never stored
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,             -- bound to this session only
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT,
    address TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed logins, by account ('email:…') and by address ('addr:…'), for throttling.
CREATE TABLE login_failures (
    key TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    user_id INTEGER REFERENCES users (id),
    actor TEXT NOT NULL,            -- email, or 'system', 'scheduler', 'cli'
    action TEXT NOT NULL,
    target TEXT,
    detail TEXT
);

-- Admin API tokens: one or more per user, acting with that user's role.
CREATE TABLE user_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

ALTER TABLE articles ADD COLUMN desk TEXT;
ALTER TABLE articles ADD COLUMN owner_id INTEGER REFERENCES users (id);
ALTER TABLE articles ADD COLUMN embargo_until BIGINT;
ALTER TABLE articles ADD COLUMN based_on TEXT;
ALTER TABLE articles ADD COLUMN corrections TEXT;   -- JSON [Correction], NULL when none
CREATE INDEX articles_modified_all ON articles (modified_at);

-- A revision saved against an older one than the current (a lost race) is kept, not applied.
ALTER TABLE revisions ADD COLUMN applied INTEGER NOT NULL DEFAULT 1;

-- Actions due at a time: a scheduled story going live, an embargo ending. A job runs inside the
-- transaction that marks it done, so two nodes never run one twice.
CREATE TABLE scheduled_jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,             -- 'publish' | 'release'
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    run_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    done_at BIGINT,
    done_by TEXT,
    outcome TEXT
);
CREATE INDEX scheduled_jobs_due ON scheduled_jobs (done_at, run_at);

CREATE TABLE media (
    id INTEGER PRIMARY KEY,
    file TEXT NOT NULL UNIQUE,      -- name in the media directory: sha256 prefix + extension
    sha256 TEXT NOT NULL UNIQUE,
    mime TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    original_name TEXT,
    alt TEXT NOT NULL DEFAULT '',
    caption TEXT,
    credit TEXT,
    uploaded_by INTEGER REFERENCES users (id),
    created_at BIGINT NOT NULL
);

-- Who has a story open in the editor, until when (refreshed while the page stays open).
CREATE TABLE story_locks (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    until BIGINT NOT NULL,
    PRIMARY KEY (article_id, user_id)
);

-- Wire items waiting for the desk; "Take" turns one into a draft.
CREATE TABLE wire_items (
    id INTEGER PRIMARY KEY,
    external_id TEXT NOT NULL UNIQUE,
    source TEXT,
    headline TEXT NOT NULL,
    language TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    item TEXT NOT NULL,             -- JSON Article as the wire delivered it
    taken_article_id INTEGER REFERENCES articles (id) ON DELETE SET NULL,
    taken_by INTEGER REFERENCES users (id)
);
CREATE INDEX wire_items_received ON wire_items (received_at);
