-- Outbound notifications driven by the event log: webhooks registered by admins and WebSub hub
-- pings. Each (hook, event) pair becomes one delivery job; a worker claims a job with a lease so
-- that several nodes never send the same delivery twice, and every attempt is logged.
CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,             -- 'webhook' or 'websub'
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    events TEXT NOT NULL,           -- comma-separated: published,updated,corrected,unpublished
    allow_private INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    removed_at BIGINT
);

-- How far each follower of the event log has read.
CREATE TABLE followers (
    name TEXT PRIMARY KEY,
    last_event_id BIGINT NOT NULL
);

CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    webhook_id INTEGER NOT NULL REFERENCES webhooks (id),
    event_id BIGINT NOT NULL REFERENCES events (id),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    claimed_until BIGINT,
    delivered_at BIGINT,
    failed_at BIGINT,
    last_status INTEGER,
    last_error TEXT,
    UNIQUE (webhook_id, event_id)
);
CREATE INDEX deliveries_due ON deliveries (delivered_at, failed_at, next_attempt_at);

CREATE TABLE delivery_attempts (
    id INTEGER PRIMARY KEY,
    delivery_id INTEGER NOT NULL REFERENCES deliveries (id),
    at BIGINT NOT NULL,
    status INTEGER,
    error TEXT
);
