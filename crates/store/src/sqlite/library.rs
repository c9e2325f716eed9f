//! The media library (pictures, deduplicated by their SHA-256) and the wire queue (items
//! waiting for the desk, and "Take", which makes one a draft).

use jiff::Timestamp;
use newsdesk_core::{Article, ArticleId, WorkflowState};
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use super::write::{self, StoryMeta};
use super::{SaveOutcome, SaveStatus, Store, lock, ts};
use crate::{Missing, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Media {
    pub id: i64,
    pub file: String,
    pub mime: String,
    pub width: i64,
    pub height: i64,
    pub bytes: i64,
    pub original_name: Option<String>,
    pub alt: String,
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub created_at: Timestamp,
    /// Who made the picture and who holds its copyright, as its own metadata says.
    pub creator: Option<String>,
    pub copyright: Option<String>,
}

/// A new file for the media library, already checked and written to the media directory.
#[derive(Debug, Clone)]
pub struct NewMedia<'a> {
    pub file: &'a str,
    pub sha256: &'a str,
    pub mime: &'a str,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    pub original_name: Option<&'a str>,
    pub alt: &'a str,
    pub caption: Option<&'a str>,
    pub credit: Option<&'a str>,
    pub creator: Option<&'a str>,
    pub copyright: Option<&'a str>,
    pub uploaded_by: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WireItem {
    pub id: i64,
    pub external_id: String,
    pub source: Option<String>,
    pub headline: String,
    pub language: String,
    pub received_at: Timestamp,
    pub taken_article_id: Option<i64>,
    pub version: Option<String>,
    pub format: Option<String>,
    pub urgency: Option<i64>,
    /// The near-duplicate group: the id of its first item.
    pub cluster: i64,
    /// How many times the same item or text came again.
    pub redeliveries: i64,
}

impl Store {
    /// Adds a picture to the media library; the same bytes again give the existing entry.
    pub fn add_media(&self, m: &NewMedia<'_>, now: Timestamp) -> Result<Media, StoreError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO media (file, sha256, mime, width, height, bytes, original_name, alt, caption, credit, \
             uploaded_by, created_at, creator, copyright) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
             ON CONFLICT (sha256) DO NOTHING",
            params![
                m.file,
                m.sha256,
                m.mime,
                m.width,
                m.height,
                m.bytes as i64,
                m.original_name,
                m.alt,
                m.caption,
                m.credit,
                m.uploaded_by,
                now.as_microsecond(),
                m.creator,
                m.copyright
            ],
        )?;
        let media = tx.query_row(MEDIA_BY_HASH, [m.sha256], media_row)??;
        tx.commit()?;
        Ok(media)
    }

    pub fn media_list(&self, limit: usize, offset: usize) -> Result<Vec<Media>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT id, file, mime, width, height, bytes, original_name, alt, caption, credit, created_at, creator, copyright \
             FROM media ORDER BY id DESC LIMIT $1 OFFSET $2",
        )?;
        let rows = stmt.query_map(params![limit as i64, offset as i64], media_row)?;
        rows.map(|r| r?).collect()
    }

    /// Pictures whose name, alt text, caption or credit hold `query` (any case), newest first.
    pub fn media_search(&self, query: &str, limit: usize) -> Result<Vec<Media>, StoreError> {
        let conn = self.reader();
        let pattern = format!("%{}%", query.trim().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        let mut stmt = conn.prepare_cached(
            "SELECT id, file, mime, width, height, bytes, original_name, alt, caption, credit, created_at, creator, copyright \
             FROM media WHERE COALESCE(original_name, '') || ' ' || alt || ' ' || COALESCE(caption, '') || ' ' || \
             COALESCE(credit, '') || ' ' || file LIKE $1 ESCAPE '\\' ORDER BY id DESC LIMIT $2",
        )?;
        let rows = stmt.query_map(params![pattern, limit as i64], media_row)?;
        rows.map(|r| r?).collect()
    }

    /// Changes what the library says about a picture: alt text, caption, credit.
    pub fn update_media(
        &self,
        id: i64,
        alt: &str,
        caption: Option<&str>,
        credit: Option<&str>,
    ) -> Result<Media, StoreError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let n = tx.execute(
            "UPDATE media SET alt = $1, caption = $2, credit = $3 WHERE id = $4",
            params![alt, caption, credit, id],
        )?;
        if n == 0 {
            return Err(StoreError::not_found(Missing::Picture, id));
        }
        let media = tx.query_row(
            "SELECT id, file, mime, width, height, bytes, original_name, alt, caption, credit, created_at, creator, copyright \
                 FROM media WHERE id = $1",
            [id],
            media_row,
        )??;
        tx.commit()?;
        Ok(media)
    }

    /// The stories readers can see now or soon (published, scheduled) that show the picture
    /// `file`, as lead image or in an image block: (id, headline).
    pub fn stories_showing(&self, file: &str) -> Result<Vec<(i64, String)>, StoreError> {
        let conn = self.reader();
        // The body is JSON; a picture in it is `"asset":"FILE"`.
        let in_body = format!("%\"asset\":{}%", serde_json::to_string(file)?);
        let mut stmt = conn.prepare_cached(
            "SELECT id, headline FROM articles WHERE state IN ('published', 'scheduled') \
             AND (json_extract(lead_image, '$.asset') = $1 OR body LIKE $2) ORDER BY id",
        )?;
        let rows = stmt.query_map(params![file, in_body], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Removes a picture from the library (not its file: the caller does that once this is
    /// committed). Refused, naming the stories, while a published or scheduled story shows it.
    pub fn delete_media(&self, id: i64) -> Result<Media, StoreError> {
        let media = {
            let conn = self.reader();
            conn.query_row(
                "SELECT id, file, mime, width, height, bytes, original_name, alt, caption, credit, created_at, creator, copyright \
                 FROM media WHERE id = $1",
                [id],
                media_row,
            )
            .optional()?
            .transpose()?
            .ok_or_else(|| StoreError::not_found(Missing::Picture, id))?
        };
        let users = self.stories_showing(&media.file)?;
        if !users.is_empty() {
            let names: Vec<String> = users.iter().map(|(id, h)| format!("#{id} {h:?}")).collect();
            return Err(StoreError::Conflict(format!(
                "the picture is shown by {} published or scheduled {}: {}",
                users.len(),
                if users.len() == 1 { "story" } else { "stories" },
                names.join(", ")
            )));
        }
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM media WHERE id = $1", [id])?;
        // Caches holding the file (the node's, a CDN's) are told it is gone.
        tx.execute(
            "INSERT INTO events (created_at, kind, article_id, payload) VALUES ($1, 'media.deleted', NULL, $2)",
            rusqlite::params![Timestamp::now().as_microsecond(), serde_json::json!({ "file": media.file }).to_string()],
        )?;
        tx.commit()?;
        Ok(media)
    }

    pub fn media_by_file(&self, file: &str) -> Result<Option<Media>, StoreError> {
        let conn = self.reader();
        let row = conn
            .query_row(
                "SELECT id, file, mime, width, height, bytes, original_name, alt, caption, credit, created_at, creator, copyright \
                 FROM media WHERE file = $1",
                [file],
                media_row,
            )
            .optional()?;
        row.transpose()
    }

    pub fn wire_items(
        &self,
        source: Option<&str>,
        query: Option<&str>,
        limit: usize,
    ) -> Result<Vec<WireItem>, StoreError> {
        let conn = self.reader();
        let pattern = query
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(|q| format!("%{}%", q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
        let mut stmt = conn.prepare_cached(
            "SELECT id, external_id, source, headline, language, received_at, taken_article_id, version, format, \
             urgency, COALESCE(cluster_id, id), redeliveries FROM wire_items \
             WHERE ($1 IS NULL OR source = $1) AND ($2 IS NULL OR headline LIKE $2 ESCAPE '\\') \
             ORDER BY received_at DESC, id DESC LIMIT $3",
        )?;
        let rows = stmt.query_map(params![source, pattern, limit as i64], wire_row)?;
        rows.map(|r| r?).collect()
    }

    /// One wire item as it came in (the story the agency sent), with the other items of its
    /// near-duplicate group (the same story from other agencies, or other versions), newest first.
    pub fn wire_item(&self, id: i64) -> Result<Option<(WireItem, Article, Vec<WireItem>)>, StoreError> {
        let conn = self.reader();
        let row = conn
            .query_row(
                "SELECT id, external_id, source, headline, language, received_at, taken_article_id, version, format, \
                 urgency, COALESCE(cluster_id, id), redeliveries, item FROM wire_items WHERE id = $1",
                [id],
                |r| Ok((wire_row(r)?, r.get::<_, String>(12)?)),
            )
            .optional()?;
        let Some((item, json)) = row else { return Ok(None) };
        let item = item?;
        let article: Article = serde_json::from_str(&json)?;
        let mut stmt = conn.prepare_cached(
            "SELECT id, external_id, source, headline, language, received_at, taken_article_id, version, format, \
             urgency, COALESCE(cluster_id, id), redeliveries FROM wire_items \
             WHERE COALESCE(cluster_id, id) = $1 AND id <> $2 ORDER BY received_at DESC, id DESC LIMIT 50",
        )?;
        let others = stmt.query_map(params![item.cluster, item.id], wire_row)?.map(|r| r?).collect::<Result<_, _>>()?;
        Ok(Some((item, article, others)))
    }

    /// "Take": the wire item becomes a draft owned by `user`, keeping the agency's credit and
    /// a link back to the item. Taking an item twice gives the same draft.
    pub fn take_wire_item(
        &self,
        item_id: i64,
        user: i64,
        actor: &str,
        now: Timestamp,
    ) -> Result<SaveOutcome, StoreError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (external_id, item, taken): (String, String, Option<i64>) = tx
            .query_row("SELECT external_id, item, taken_article_id FROM wire_items WHERE id = $1", [item_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?
            .ok_or_else(|| StoreError::not_found(Missing::WireItem, item_id))?;
        if let Some(existing) = taken {
            let path: String = tx.query_row(
                "SELECT '/' || s.slug || '/' || a.slug FROM articles a JOIN sections s ON s.id = a.section_id WHERE a.id = $1",
                [existing],
                |r| r.get(0),
            )?;
            return Ok(SaveOutcome { id: ArticleId(existing), path, status: SaveStatus::Unchanged, revision: 0 });
        }
        let item: Article = serde_json::from_str(&item)?;
        let draft = Article {
            id: None,
            state: WorkflowState::Draft,
            published_at: None,
            updated_at: None,
            based_on: item.based_on.clone().or(Some(external_id)),
            ..item
        };
        let meta = StoryMeta { desk: None, owner: Some(user) };
        let outcome = write::insert_article(&tx, &draft, None, &meta, actor, now)?;
        tx.execute(
            "UPDATE wire_items SET taken_article_id = $1, taken_by = $2 WHERE id = $3",
            params![outcome.id.0, user, item_id],
        )?;
        // The agency's picture, named by its address, is fetched for the draft (the wire photo job).
        if let Some(img) = draft.lead_image.as_ref().filter(|i| i.asset.is_none())
            && let Some(url) = img.source_url.as_deref()
        {
            let r = super::intake::NewMediaRef {
                url,
                role: "lead",
                alt: Some(img.alt.as_str()).filter(|a| !a.is_empty()),
                caption: img.caption.as_deref(),
                credit: img.credit.as_deref(),
            };
            super::intake::add_media_refs_in(&tx, outcome.id.0, &[r], now)?;
        }
        tx.commit()?;
        Ok(outcome)
    }
}

const MEDIA_BY_HASH: &str = "SELECT id, file, mime, width, height, bytes, original_name, alt, caption, credit, created_at, creator, copyright \
                             FROM media WHERE sha256 = $1";

fn media_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<Media, StoreError>> {
    let created: i64 = r.get(10)?;
    let media = Media {
        id: r.get(0)?,
        file: r.get(1)?,
        mime: r.get(2)?,
        width: r.get(3)?,
        height: r.get(4)?,
        bytes: r.get(5)?,
        original_name: r.get(6)?,
        alt: r.get(7)?,
        caption: r.get(8)?,
        credit: r.get(9)?,
        created_at: Timestamp::UNIX_EPOCH,
        creator: r.get(11)?,
        copyright: r.get(12)?,
    };
    Ok(ts(created).map(|created_at| Media { created_at, ..media }))
}

fn wire_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<WireItem, StoreError>> {
    let received: i64 = r.get(5)?;
    let item = WireItem {
        id: r.get(0)?,
        external_id: r.get(1)?,
        source: r.get(2)?,
        headline: r.get(3)?,
        language: r.get(4)?,
        received_at: Timestamp::UNIX_EPOCH,
        taken_article_id: r.get(6)?,
        version: r.get(7)?,
        format: r.get(8)?,
        urgency: r.get(9)?,
        cluster: r.get(10)?,
        redeliveries: r.get(11)?,
    };
    Ok(ts(received).map(|received_at| WireItem { received_at, ..item }))
}
