-- A tag's and an author's stories in publishing order, straight from their own rows: each row
-- carries when its story went live for readers (the story's published_at while it is published,
-- NULL otherwise), kept by the triggers below, so a tag or author page reads one index range of
-- its newest stories instead of sorting all of them or walking the whole archive for a few.
ALTER TABLE article_tags ADD COLUMN live_at BIGINT;
ALTER TABLE article_authors ADD COLUMN live_at BIGINT;

UPDATE article_tags SET live_at = (
    SELECT a.published_at FROM articles a WHERE a.id = article_tags.article_id AND a.state = 'published');
UPDATE article_authors SET live_at = (
    SELECT a.published_at FROM articles a WHERE a.id = article_authors.article_id AND a.state = 'published');

DROP INDEX article_tags_tag;
DROP INDEX article_authors_author;
CREATE INDEX article_tags_live ON article_tags (tag_id, live_at, article_id);
CREATE INDEX article_authors_live ON article_authors (author_id, live_at, article_id);

-- Whenever a story's state or publishing time is written, its tag and author rows follow.
CREATE FUNCTION articles_live_lists() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE article_tags SET live_at = CASE WHEN NEW.state = 'published' THEN NEW.published_at END
     WHERE article_id = NEW.id;
    UPDATE article_authors SET live_at = CASE WHEN NEW.state = 'published' THEN NEW.published_at END
     WHERE article_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER articles_live_lists AFTER UPDATE OF state, published_at ON articles
    FOR EACH ROW EXECUTE FUNCTION articles_live_lists();

-- A tag or author row added to a story takes the story's state at that moment.
CREATE FUNCTION article_rows_live() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.live_at := (SELECT CASE WHEN a.state = 'published' THEN a.published_at END
                      FROM articles a WHERE a.id = NEW.article_id);
    RETURN NEW;
END $$;
CREATE TRIGGER article_tags_live BEFORE INSERT ON article_tags
    FOR EACH ROW EXECUTE FUNCTION article_rows_live();
CREATE TRIGGER article_authors_live BEFORE INSERT ON article_authors
    FOR EACH ROW EXECUTE FUNCTION article_rows_live();
