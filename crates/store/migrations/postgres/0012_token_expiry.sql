-- Admin API tokens expire. Tokens made before this migration get 90 days from their making
-- (the default for new ones); revoked ones stay revoked.
ALTER TABLE user_tokens ADD COLUMN expires_at BIGINT;
UPDATE user_tokens SET expires_at = created_at + 7776000000000;
CREATE INDEX user_tokens_user ON user_tokens (user_id);
