-- Recommended lists now leave out stories not alike enough (a floor on the likeness score):
-- every stored list is computed again, newest first, by the background backfill.
DELETE FROM related;
UPDATE articles SET related_at = NULL;
