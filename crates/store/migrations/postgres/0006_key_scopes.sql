-- What a key may do: read the Content API ('content') or push wire items ('ingest').
ALTER TABLE api_keys ADD COLUMN scope TEXT NOT NULL DEFAULT 'content';
