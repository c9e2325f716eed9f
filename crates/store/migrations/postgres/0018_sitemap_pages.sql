-- The stories' ids by state, in id order, with when each goes live: the sitemap index walks
-- the published ones one seek per page of a thousand ids, never reading a story's row.
CREATE INDEX articles_state_ids ON articles (state, id, published_at);
