-- The provider's version of the item an article was made from (ninjs `version`), so an older
-- or repeated delivery never overwrites a newer one.
ALTER TABLE articles ADD COLUMN source_version TEXT;
