-- Embeds of known providers (YouTube, Vimeo, X, Instagram), by the URL as the story has it: what
-- their oEmbed endpoint said (title, author) and the thumbnail fetched once into the media
-- store. A row is made, unfetched, when a story with the embed is saved; the fetcher tries
-- each a few times, further apart each time, and after that the embed stays a plain card.
CREATE TABLE embeds (
    url         TEXT PRIMARY KEY,
    title       TEXT,
    author      TEXT,
    thumbnail   TEXT,
    fetched_at  BIGINT,
    attempts    BIGINT NOT NULL DEFAULT 0,
    next_try_at BIGINT NOT NULL DEFAULT 0,
    error       TEXT
);
CREATE INDEX embeds_due ON embeds (next_try_at) WHERE fetched_at IS NULL;
-- Embeds in stories saved before this table.
-- (The fetcher marks those of no known provider done without asking anyone.)
INSERT INTO embeds (url)
    SELECT DISTINCT b.value ->> 'url' FROM articles a, jsonb_array_elements(a.body::jsonb) b
     WHERE b.value ->> 'type' = 'embed' AND b.value ->> 'url' IS NOT NULL
    ON CONFLICT DO NOTHING;
