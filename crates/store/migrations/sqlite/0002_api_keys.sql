-- Keys for the read-only Content API: one per client, stored as a SHA-256 hash only.
CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    key_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

-- The Content API lists by last change as well as by publication time.
CREATE INDEX articles_modified ON articles (state, modified_at);
