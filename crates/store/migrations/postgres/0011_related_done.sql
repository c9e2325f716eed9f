-- When each article's Recommended list was last computed (NULL: never). A rebuilt search index
-- computes the newest stories' lists at once and the rest in the background, oldest last; the
-- partial index finds the next ones without reading the articles already done.
ALTER TABLE articles ADD COLUMN related_at BIGINT;
CREATE INDEX articles_related_pending ON articles (published_at) WHERE related_at IS NULL AND state = 'published';
