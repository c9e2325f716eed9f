-- Page views for most-read lists: counts per article per hour and nothing else (no cookies, no
-- addresses, no user agents are stored).
CREATE TABLE article_views (
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    hour BIGINT NOT NULL,           -- hours since the Unix epoch, UTC
    count BIGINT NOT NULL,
    PRIMARY KEY (article_id, hour)
);
CREATE INDEX article_views_hour ON article_views (hour);
