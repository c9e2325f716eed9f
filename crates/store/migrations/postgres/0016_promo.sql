-- A story's search and social presentation (SEO title and description, social title and
-- picture), as JSON; NULL when it has none and falls back to its headline, deck and lead picture.
ALTER TABLE articles ADD COLUMN promo TEXT;
