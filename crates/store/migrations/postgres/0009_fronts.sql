-- Fronts: stories editors pin, in order, to the top of the home page ('') or a section front
-- (its slug); the rest of a front fills by time. Authors get a bio and a photo.
CREATE TABLE front_pins (
    front TEXT NOT NULL,
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    PRIMARY KEY (front, article_id)
);

ALTER TABLE authors ADD COLUMN bio TEXT;
ALTER TABLE authors ADD COLUMN photo TEXT;   -- a file in the media library
