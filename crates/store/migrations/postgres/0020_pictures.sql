-- Pictures as a newsroom needs them: what the picture's own metadata says (creator, copyright),
-- the editor's framing (focal point and hand-set crops, as core::picture::Framing JSON) and the
-- renditions made for it (core::picture::Rendered JSON). `framing_version` names the wanted set,
-- `rendered_version` the one made; the rendition job takes pictures where they differ, claiming
-- each with `rendering_since` so that one node makes it.
ALTER TABLE media ADD COLUMN creator TEXT;
ALTER TABLE media ADD COLUMN copyright TEXT;
ALTER TABLE media ADD COLUMN framing TEXT;
ALTER TABLE media ADD COLUMN framing_version TEXT NOT NULL DEFAULT '';
ALTER TABLE media ADD COLUMN renditions TEXT;
ALTER TABLE media ADD COLUMN rendered_version TEXT;
ALTER TABLE media ADD COLUMN rendering_since BIGINT;
ALTER TABLE media ADD COLUMN rendition_attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE media ADD COLUMN rendition_error TEXT;
CREATE INDEX media_to_render ON media (id) WHERE rendered_version IS DISTINCT FROM framing_version;
-- Pictures a wire item refers to are fetched by the wire photo job; a failed download waits
-- until `next_try_at` (a minute, then twice as long each time).
ALTER TABLE media_refs ADD COLUMN next_try_at BIGINT;
