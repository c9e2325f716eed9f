-- A tag's or an author's stories, found from the tag or the author (the primary keys start with
-- the article): tag and author pages of rare tags read their lists from these.
CREATE INDEX article_tags_tag ON article_tags (tag_id, article_id);
CREATE INDEX article_authors_author ON article_authors (author_id, article_id);
