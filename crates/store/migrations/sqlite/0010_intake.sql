-- Intake: routing rules an editor keeps, the sources newsdesk polls, near-duplicate groups in the
-- wire queue, and pictures a source referred to (fetched into the media library later).
CREATE TABLE routing_rules (
    id INTEGER PRIMARY KEY,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    field TEXT NOT NULL,            -- subject | tag | source | keyword | format | urgency
    pattern TEXT NOT NULL,
    section TEXT,                   -- section name; NULL keeps the item's own
    tags TEXT NOT NULL,             -- JSON [String]
    action TEXT NOT NULL,           -- queue | publish | skip
    enabled INTEGER NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE feed_sources (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    every_secs BIGINT NOT NULL,
    allow_private INTEGER NOT NULL,
    section TEXT,                   -- default section for its items (routing rules come first)
    publish INTEGER NOT NULL,       -- items no rule routes: publish (1) or queue (0)
    etag TEXT,                      -- for conditional GET
    last_modified TEXT,
    next_poll_at BIGINT NOT NULL,
    lease_until BIGINT,             -- a node polling it holds it until then
    last_polled_at BIGINT,
    last_status TEXT,               -- 'ok', 'not modified', or what went wrong
    last_error TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    items_total INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX feed_sources_due ON feed_sources (next_poll_at);

ALTER TABLE wire_items ADD COLUMN version TEXT;
ALTER TABLE wire_items ADD COLUMN format TEXT;
ALTER TABLE wire_items ADD COLUMN urgency INTEGER;
ALTER TABLE wire_items ADD COLUMN simhash BIGINT NOT NULL DEFAULT 0;
ALTER TABLE wire_items ADD COLUMN content_hash BIGINT NOT NULL DEFAULT 0;
ALTER TABLE wire_items ADD COLUMN cluster_id INTEGER;         -- the first item of its story
ALTER TABLE wire_items ADD COLUMN redeliveries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE wire_items ADD COLUMN feed_source_id INTEGER REFERENCES feed_sources (id) ON DELETE SET NULL;
CREATE INDEX wire_items_content ON wire_items (content_hash);
CREATE INDEX wire_items_cluster ON wire_items (cluster_id);

CREATE TABLE media_refs (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    article_id INTEGER REFERENCES articles (id) ON DELETE CASCADE,
    role TEXT NOT NULL,             -- 'lead' | 'attachment'
    alt TEXT,
    caption TEXT,
    credit TEXT,
    media_id INTEGER REFERENCES media (id) ON DELETE SET NULL,   -- once fetched
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (url, article_id)
);
CREATE INDEX media_refs_pending ON media_refs (media_id, attempts);
