-- Recommended stories: what the index finds most similar to each article (computed when the
-- article changes, never per request), and what editors pin or exclude.
CREATE TABLE related (
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    related_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    rank BIGINT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    computed_at BIGINT NOT NULL,
    PRIMARY KEY (article_id, related_id)
);

CREATE TABLE related_pins (
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    related_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,             -- 'pin' (shown first, in position order) | 'exclude' (never shown)
    position BIGINT NOT NULL,
    PRIMARY KEY (article_id, related_id)
);
