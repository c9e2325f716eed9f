-- The sitemaps read indexes only. A story's row holds its body (kilobytes of JSON, often running
-- into overflow pages) before the columns a sitemap needs (its state and times), so reading those
-- from the row walks the body's pages: a page of 1,000 stories touched some 4 MB to answer
-- 100 KB. These two indexes carry what each sitemap shows, and a small table the lead picture's
-- file (the article sitemap's image entry), kept by the triggers below.
CREATE TABLE article_lead_assets (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    asset TEXT NOT NULL
);
INSERT INTO article_lead_assets (article_id, asset)
    SELECT id, json_extract(lead_image, '$.asset') FROM articles
     WHERE lead_image IS NOT NULL AND json_extract(lead_image, '$.asset') IS NOT NULL;

CREATE TRIGGER articles_lead_asset_insert AFTER INSERT ON articles
WHEN json_extract(NEW.lead_image, '$.asset') IS NOT NULL
BEGIN
    INSERT OR REPLACE INTO article_lead_assets (article_id, asset)
        VALUES (NEW.id, json_extract(NEW.lead_image, '$.asset'));
END;
CREATE TRIGGER articles_lead_asset_update AFTER UPDATE OF lead_image ON articles
BEGIN
    DELETE FROM article_lead_assets WHERE article_id = NEW.id;
    INSERT INTO article_lead_assets (article_id, asset)
        SELECT NEW.id, json_extract(NEW.lead_image, '$.asset')
         WHERE json_extract(NEW.lead_image, '$.asset') IS NOT NULL;
END;

-- An article sitemap page: a range of ids, with each story's state, times, section and slug.
CREATE INDEX articles_sitemap ON articles (id, state, published_at, section_id, slug, updated_at, modified_at);
-- The news sitemap: the newest published stories, with their headline and language.
CREATE INDEX articles_news ON articles (state, published_at, id, section_id, slug, headline, language, updated_at);
