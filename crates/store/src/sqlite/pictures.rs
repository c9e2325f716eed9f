//! Pictures' framing and renditions: the editor's focal point and crops, the rendition job's
//! queue (pictures whose wanted framing is not the one made, claimed by one node at a time), and
//! what pages read to point at the renditions.

use std::collections::HashMap;

use jiff::Timestamp;
use newsdesk_core::picture::{self, Framing, Rendered};
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::intake::MediaRef;
use super::{EventKind, Store, lock};
use crate::{Missing, StoreError};

/// A wire picture whose download failed this many times is left as a reference.
pub const MAX_FETCH_ATTEMPTS: i64 = 6;

/// A picture the rendition job is to make, claimed for it.
#[derive(Debug, Clone, PartialEq)]
pub struct ToRender {
    pub id: i64,
    pub file: String,
    pub framing: Framing,
    /// The framing as stored when claimed: the renditions are recorded only if it is unchanged.
    pub stored_framing: Option<String>,
    /// The version of the renditions pages point at now, if any.
    pub rendered_version: Option<String>,
    pub attempts: i64,
}

/// A claim older than this is taken to be a node that died while rendering.
pub const CLAIM_MICROS: i64 = 10 * 60 * 1_000_000;
/// A picture whose renditions failed this many times is left as it is (pages use the original).
pub const MAX_ATTEMPTS: i64 = 5;

impl Store {
    /// Claims the oldest picture whose renditions are missing or were made for another framing,
    /// and not claimed by a live job; `None` when there is none.
    pub fn claim_rendition(&self, now: Timestamp) -> Result<Option<ToRender>, StoreError> {
        // Only types the job can decode; others (AVIF, SVG) are served as they are.
        let sql = "UPDATE media SET rendering_since = $1 WHERE id = (SELECT id FROM media \
                   WHERE rendered_version IS NOT framing_version \
                   AND mime IN ('image/jpeg', 'image/png', 'image/gif', 'image/webp') AND rendition_attempts < $2 \
                   AND (rendering_since IS NULL OR rendering_since < $3) ORDER BY id LIMIT 1) \
                   RETURNING id, file, framing, rendition_attempts, rendered_version";
        let conn = lock(&self.writer);
        let now = now.as_microsecond();
        let row = conn
            .prepare_cached(sql)?
            .query_row(params![now, MAX_ATTEMPTS, now - CLAIM_MICROS], |r| {
                Ok(ToRender {
                    id: r.get(0)?,
                    file: r.get(1)?,
                    framing: parse_framing(r.get::<_, Option<String>>(2)?.as_deref()),
                    stored_framing: r.get(2)?,
                    attempts: r.get(3)?,
                    rendered_version: r.get(4)?,
                })
            })
            .optional()?;
        Ok(row)
    }

    /// Records a picture's renditions as made for `job`, and tells pages (`media.rendered`),
    /// unless its framing changed while they were being made (the job then takes it again).
    /// Returns whether they were recorded.
    pub fn rendered(&self, job: &ToRender, made: &Rendered, now: Timestamp) -> Result<bool, StoreError> {
        let json = serde_json::to_string(made).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // The wanted set is now the one made: a framing never set gets this version as its own.
        let file: Option<String> = tx
            .prepare_cached(
                // ?n: the parameters are used out of order (see migrations/README.md).
                "UPDATE media SET renditions = ?2, rendering_since = NULL, rendition_error = NULL, \
                 framing_version = CASE WHEN framing_version = '' THEN ?3 ELSE framing_version END, \
                 rendered_version = CASE WHEN framing_version = '' THEN ?3 ELSE framing_version END \
                 WHERE id = ?1 AND framing IS ?4 RETURNING file",
            )?
            .query_row(params![job.id, json, made.version, job.stored_framing], |r| r.get(0))
            .optional()?;
        let id = job.id;
        let Some(file) = file else {
            tx.execute("UPDATE media SET rendering_since = NULL WHERE id = $1", [id])?;
            tx.commit()?;
            return Ok(false);
        };
        tx.prepare_cached(
            "INSERT INTO events (created_at, kind, article_id, payload) VALUES ($1, 'media.rendered', NULL, $2)",
        )?
        .execute(params![now.as_microsecond(), serde_json::json!({ "file": file }).to_string()])?;
        tx.commit()?;
        Ok(true)
    }

    /// Records a failed attempt: the picture is taken again after a wait that doubles with each
    /// attempt (a minute, two, four…), up to [`MAX_ATTEMPTS`].
    pub fn rendition_failed(&self, id: i64, error: &str, now: Timestamp) -> Result<(), StoreError> {
        let conn = lock(&self.writer);
        // A claim counts as live for CLAIM_MICROS: dating it back makes it free after the wait.
        conn.prepare_cached(
            "UPDATE media SET rendition_attempts = rendition_attempts + 1, rendition_error = ?2, \
             rendering_since = ?3 - ?4 + (60000000 << MIN(rendition_attempts, 10)) WHERE id = ?1",
        )?
        .execute(params![id, error, now.as_microsecond(), CLAIM_MICROS])?;
        Ok(())
    }

    /// Sets a picture's focal point and hand-set crops; its renditions are made again (pages keep
    /// the ones they have until then).
    pub fn set_framing(&self, id: i64, framing: &Framing) -> Result<(), StoreError> {
        let json = serde_json::to_string(framing).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let conn = lock(&self.writer);
        let changed = conn
            .prepare_cached(
                "UPDATE media SET framing = ?2, framing_version = ?3, rendition_attempts = 0, rendition_error = NULL \
                 WHERE id = ?1",
            )?
            .execute(params![id, json, picture::version(framing)])?;
        if changed == 0 {
            return Err(StoreError::not_found(Missing::Picture, id));
        }
        Ok(())
    }

    /// A picture's framing (the default when none was set).
    pub fn framing(&self, id: i64) -> Result<Framing, StoreError> {
        let conn = self.reader();
        let framing: Option<Option<String>> =
            conn.prepare_cached("SELECT framing FROM media WHERE id = $1")?.query_row([id], |r| r.get(0)).optional()?;
        let framing = framing.ok_or_else(|| StoreError::not_found(Missing::Picture, id))?;
        Ok(parse_framing(framing.as_deref()))
    }

    /// The framing of each picture in `ids` (the default for those never framed), in one read.
    pub fn framings(&self, ids: &[i64]) -> Result<HashMap<i64, Framing>, StoreError> {
        let ids_json = serde_json::to_string(ids).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let conn = self.reader();
        let mut stmt =
            conn.prepare_cached("SELECT id, framing FROM media WHERE id IN (SELECT value FROM json_each($1))")?;
        let rows = stmt.query_map([ids_json], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?)))?;
        let mut out = HashMap::new();
        for row in rows {
            let (id, framing) = row?;
            out.insert(id, parse_framing(framing.as_deref()));
        }
        Ok(out)
    }

    /// The renditions of the pictures named `files` that have them, by file name: what pages
    /// point at (one query for a whole page).
    pub fn pictures(&self, files: &[&str]) -> Result<HashMap<String, Rendered>, StoreError> {
        if files.is_empty() {
            return Ok(HashMap::new());
        }
        let names = serde_json::to_string(files).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT file, renditions FROM media WHERE file IN (SELECT value FROM json_each($1)) AND renditions IS NOT NULL",
        )?;
        let rows = stmt.query_map([names], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = HashMap::new();
        for row in rows {
            let (file, json) = row?;
            // A record this version cannot read is skipped: the page uses the original.
            if let Ok(made) = serde_json::from_str::<Rendered>(&json) {
                out.insert(file, made);
            }
        }
        Ok(out)
    }
}

impl Store {
    /// Claims the oldest wire picture that is not yet in the media library and is due for a
    /// download (a claim holds it for [`CLAIM_MICROS`]).
    pub fn claim_media_ref(&self, now: Timestamp) -> Result<Option<MediaRef>, StoreError> {
        let conn = lock(&self.writer);
        let now = now.as_microsecond();
        let row = conn
            .prepare_cached(
                "UPDATE media_refs SET next_try_at = $1 WHERE id = (SELECT id FROM media_refs \
                 WHERE media_id IS NULL AND attempts < $2 AND (next_try_at IS NULL OR next_try_at <= $3) \
                 ORDER BY id LIMIT 1) \
                 RETURNING id, url, article_id, role, alt, caption, credit, media_id, attempts, last_error",
            )?
            .query_row(params![now + CLAIM_MICROS, MAX_FETCH_ATTEMPTS, now], super::intake::media_ref_row)
            .optional()?;
        Ok(row)
    }

    /// Records a failed download: tried again after a minute, then twice as long each time, up
    /// to [`MAX_FETCH_ATTEMPTS`]; the reference and its error stay for the desk to see.
    pub fn media_ref_failed(&self, id: i64, error: &str, now: Timestamp) -> Result<(), StoreError> {
        let conn = lock(&self.writer);
        conn.prepare_cached(
            "UPDATE media_refs SET attempts = attempts + 1, last_error = ?2, \
             next_try_at = ?3 + (60000000 << MIN(attempts, 10)) WHERE id = ?1",
        )?
        .execute(params![id, error, now.as_microsecond()])?;
        Ok(())
    }

    /// The picture a reference named is now `file` in the media library (`media_id`). A story
    /// whose lead picture named that address without a file of ours now shows it: its stored
    /// form and its current revision get the file (the same picture, now kept here: not an
    /// editorial change, so no new revision), and readers' pages are told when it is live.
    /// Returns whether a story changed.
    pub fn media_ref_fetched(
        &self,
        r: &MediaRef,
        media_id: i64,
        file: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.prepare_cached("UPDATE media_refs SET media_id = ?2, last_error = NULL WHERE id = ?1")?
            .execute(params![r.id, media_id])?;
        let (Some(article), true) = (r.article_id, r.role == "lead") else {
            tx.commit()?;
            return Ok(false);
        };
        let state: Option<String> = tx
            .prepare_cached(
                "UPDATE articles SET lead_image = json_set(lead_image, '$.asset', ?3) WHERE id = ?1 \
                 AND json_extract(lead_image, '$.source_url') = ?2 AND json_extract(lead_image, '$.asset') IS NULL \
                 RETURNING state",
            )?
            .query_row(params![article, r.url, file], |row| row.get(0))
            .optional()?;
        let Some(state) = state else {
            tx.commit()?;
            return Ok(false);
        };
        tx.prepare_cached(
            "UPDATE revisions SET snapshot = json_set(snapshot, '$.lead_image.asset', ?3) \
             WHERE article_id = ?1 AND number = (SELECT revision FROM articles WHERE id = ?1) \
             AND json_extract(snapshot, '$.lead_image.source_url') = ?2",
        )?
        .execute(params![article, r.url, file])?;
        if state == "published" {
            let shown = shown_article(&tx, article)?;
            super::write::write_event(&tx, EventKind::Updated, &shown, Some(&shown), now.as_microsecond())?;
        }
        tx.commit()?;
        Ok(true)
    }
}

/// A story as readers see it, read inside a write.
fn shown_article(conn: &rusqlite::Connection, id: i64) -> Result<newsdesk_core::Article, StoreError> {
    let parts = conn.prepare_cached(article_query!("WHERE a.id = $1"))?.query_row([id], super::rows::row_parts)?;
    super::rows::load_people(conn, parts)
}

fn parse_framing(json: Option<&str>) -> Framing {
    json.and_then(|j| serde_json::from_str(j).ok()).unwrap_or_default()
}
