-- Articles and what they are filed under, every saved revision, and the event log that
-- everything derived (page cache, search, feeds, webhooks) follows.
CREATE TABLE sections (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE authors (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    section_id INTEGER NOT NULL REFERENCES sections (id),
    slug TEXT NOT NULL,
    headline TEXT NOT NULL,
    deck TEXT,
    lead_image TEXT,            -- JSON LeadImage
    body TEXT NOT NULL,         -- JSON [Block]
    source_id INTEGER REFERENCES sources (id),
    language TEXT NOT NULL,
    canonical_url TEXT,
    state TEXT NOT NULL,
    published_at BIGINT,        -- microseconds since the Unix epoch, UTC
    updated_at BIGINT,
    created_at BIGINT NOT NULL,
    modified_at BIGINT NOT NULL,
    external_id TEXT UNIQUE,    -- identity at the source (wire GUID, capture key)
    revision INTEGER NOT NULL,
    UNIQUE (section_id, slug)
);
CREATE INDEX articles_public ON articles (state, published_at);
CREATE INDEX articles_section ON articles (section_id, state, published_at);
CREATE INDEX articles_headline ON articles (headline);

CREATE TABLE article_authors (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    author_id INTEGER NOT NULL REFERENCES authors (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (article_id, author_id)
);

CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (article_id, tag_id)
);

CREATE TABLE revisions (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    snapshot TEXT NOT NULL,     -- JSON Article as saved
    UNIQUE (article_id, number)
);

CREATE TABLE events (
    id INTEGER PRIMARY KEY,     -- monotonically increasing; followers keep the last one they saw
    created_at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    article_id INTEGER,
    payload TEXT NOT NULL       -- JSON
);
