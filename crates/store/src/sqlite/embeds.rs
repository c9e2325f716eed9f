//! Embed cards: what a provider's oEmbed endpoint said about a pasted post, fetched once in the
//! background (see the web crate's `embeds`) and read when a page is drawn.

use jiff::Timestamp;
use newsdesk_core::embed::EmbedTarget;
use newsdesk_core::{Article, Block};
use rusqlite::{Connection, TransactionBehavior, params};

use super::{Store, lock};
use crate::{Missing, StoreError};

/// Tries before an embed is left as a card without title and picture.
pub const EMBED_ATTEMPTS: i64 = 5;

/// What is known about an embed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EmbedRecord {
    pub url: String,
    pub title: Option<String>,
    pub author: Option<String>,
    /// A file in the media directory.
    pub thumbnail: Option<String>,
    pub fetched: bool,
    pub error: Option<String>,
}

/// Notes, unfetched, the embeds of known providers `article` has that are not known yet.
pub(super) fn note_embeds(tx: &Connection, article: &Article) -> Result<(), StoreError> {
    for block in &article.body {
        if let Block::Embed { url } = block
            && EmbedTarget::recognise(url).is_some()
        {
            tx.prepare_cached("INSERT INTO embeds (url) VALUES ($1) ON CONFLICT DO NOTHING")?.execute([url.trim()])?;
        }
    }
    Ok(())
}

impl Store {
    /// Up to `limit` embeds waiting to be fetched whose time has come, oldest try first.
    pub fn embeds_due(&self, limit: usize, now: Timestamp) -> Result<Vec<String>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT url FROM embeds WHERE fetched_at IS NULL AND next_try_at <= $1 ORDER BY next_try_at LIMIT $2",
        )?;
        let rows = stmt.query_map(params![now.as_microsecond(), limit as i64], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records what the provider said; an event makes every node draw the pages again.
    pub fn embed_fetched(
        &self,
        url: &str,
        title: Option<&str>,
        author: Option<&str>,
        thumbnail: Option<&str>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now_us = now.as_microsecond();
        let changed = tx.execute(
            "UPDATE embeds SET title = ?2, author = ?3, thumbnail = ?4, fetched_at = ?5, error = NULL WHERE url = ?1",
            params![url, title, author, thumbnail, now_us],
        )?;
        if changed == 0 {
            return Err(StoreError::not_found(Missing::Embed, url));
        }
        tx.execute(
            "INSERT INTO events (created_at, kind, article_id, payload) VALUES ($1, 'embed.fetched', NULL, $2)",
            params![now_us, serde_json::json!({ "url": url }).to_string()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Records a failed try: the next is due later (1, 4, 16, 64 minutes); after
    /// [`EMBED_ATTEMPTS`] the embed is done, without title or picture, and the error kept.
    /// `final_` ends it at once (an answer that will not change: no such post, no provider).
    pub fn embed_failed(&self, url: &str, error: &str, final_: bool, now: Timestamp) -> Result<(), StoreError> {
        let conn = lock(&self.writer);
        let now_us = now.as_microsecond();
        conn.execute(
            "UPDATE embeds SET attempts = attempts + 1, error = ?2, \
             next_try_at = ?3 + 60000000 * (1 << (2 * attempts)), \
             fetched_at = CASE WHEN ?4 OR attempts + 1 >= ?5 THEN ?3 END WHERE url = ?1",
            params![url, error, now_us, final_, EMBED_ATTEMPTS],
        )?;
        Ok(())
    }

    /// What is known about each of `urls` (those with a row).
    pub fn embeds(&self, urls: &[&str]) -> Result<Vec<EmbedRecord>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT url, title, author, thumbnail, fetched_at IS NOT NULL, error FROM embeds WHERE url = $1",
        )?;
        let mut out = Vec::new();
        for url in urls {
            let mut rows = stmt.query_map([url.trim()], |r| {
                Ok(EmbedRecord {
                    url: r.get(0)?,
                    title: r.get(1)?,
                    author: r.get(2)?,
                    thumbnail: r.get(3)?,
                    fetched: r.get(4)?,
                    error: r.get(5)?,
                })
            })?;
            if let Some(row) = rows.next() {
                out.push(row?);
            }
        }
        Ok(out)
    }
}
