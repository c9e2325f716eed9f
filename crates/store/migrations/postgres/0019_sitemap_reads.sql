-- The sitemaps read indexes only: these two indexes carry what each sitemap shows, and a small
-- table the lead picture's file (the article sitemap's image entry), kept by the triggers below.
-- (See sqlite/0019_sitemap_reads.sql for why; the lead picture is JSON text, read here with a
-- cast: no statement queries inside it at read time.)
CREATE TABLE article_lead_assets (
    article_id BIGINT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    asset TEXT NOT NULL
);
INSERT INTO article_lead_assets (article_id, asset)
    SELECT id, lead_image::jsonb ->> 'asset' FROM articles
     WHERE lead_image IS NOT NULL AND lead_image::jsonb ->> 'asset' IS NOT NULL;

CREATE FUNCTION articles_lead_asset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM article_lead_assets WHERE article_id = NEW.id;
    INSERT INTO article_lead_assets (article_id, asset)
        SELECT NEW.id, NEW.lead_image::jsonb ->> 'asset'
         WHERE NEW.lead_image IS NOT NULL AND NEW.lead_image::jsonb ->> 'asset' IS NOT NULL;
    RETURN NULL;
END $$;
CREATE TRIGGER articles_lead_asset_insert AFTER INSERT ON articles
    FOR EACH ROW EXECUTE FUNCTION articles_lead_asset();
CREATE TRIGGER articles_lead_asset_update AFTER UPDATE OF lead_image ON articles
    FOR EACH ROW EXECUTE FUNCTION articles_lead_asset();

-- An article sitemap page: a range of ids, with each story's state, times, section and slug.
CREATE INDEX articles_sitemap ON articles (id, state, published_at, section_id, slug, updated_at, modified_at);
-- The news sitemap: the newest published stories, with their headline and language.
CREATE INDEX articles_news ON articles (state, published_at, id, section_id, slug, headline, language, updated_at);
