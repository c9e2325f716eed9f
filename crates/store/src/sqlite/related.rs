//! Recommended stories per article: the computed list and the editors' pins and exclusions.

use jiff::Timestamp;
use newsdesk_core::{Article, ArticleId};
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::{Store, load_people_many, lock, row_parts};
use crate::{Missing, StoreError};

/// Records that the RECOMMENDED block of `id` changed (computed list or editors' choices), for
/// the page cache. Not an `article.*` event: the story itself did not change, and the search
/// follower, which recomputes these lists, must not take it as a reason to recompute them.
fn related_changed(tx: &rusqlite::Transaction<'_>, id: ArticleId, now: Timestamp) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO events (created_at, kind, article_id, payload) VALUES ($1, 'related.updated', NULL, $2)",
    )?
    .execute(params![now.as_microsecond(), serde_json::json!({ "article": id.0 }).to_string()])?;
    Ok(())
}

impl Store {
    /// Replaces the computed list for `id` (best first), and notes when it was computed.
    pub fn set_related(&self, id: ArticleId, related: &[(i64, f32)], now: Timestamp) -> Result<(), StoreError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let before: Vec<i64> = tx
            .prepare_cached("SELECT related_id FROM related WHERE article_id = $1 ORDER BY rank")?
            .query_map([id.0], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        tx.execute("DELETE FROM related WHERE article_id = $1", [id.0])?;
        tx.execute("UPDATE articles SET related_at = $1 WHERE id = $2", params![now.as_microsecond(), id.0])?;
        if before.iter().copied().ne(related.iter().map(|(other, _)| *other)) {
            related_changed(&tx, id, now)?;
        }
        for (rank, (other, score)) in related.iter().enumerate() {
            tx.execute(
                "INSERT INTO related (article_id, related_id, rank, score, computed_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT DO NOTHING",
                params![id.0, other, rank as i64, *score as f64, now.as_microsecond()],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Up to `limit` published stories readers can see whose Recommended list has never been
    /// computed, newest first.
    pub fn related_pending(&self, limit: usize, now: Timestamp) -> Result<Vec<ArticleId>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT id FROM articles WHERE related_at IS NULL AND state = 'published' AND published_at <= $1 \
             ORDER BY published_at DESC LIMIT $2",
        )?;
        let rows = stmt.query_map(params![now.as_microsecond(), limit as i64], |r| r.get(0))?;
        Ok(rows.map(|r| r.map(ArticleId)).collect::<Result<_, _>>()?)
    }

    /// Sets the editors' choices for `id`: stories pinned (in this order) and excluded.
    pub fn set_related_pins(&self, id: ArticleId, pinned: &[i64], excluded: &[i64]) -> Result<(), StoreError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        set_related_pins_in(&tx, id, pinned, excluded, Timestamp::now())?;
        tx.commit()?;
        Ok(())
    }

    /// The editors' choices for `id`: (pinned, excluded) story ids.
    pub fn related_pins(&self, id: ArticleId) -> Result<(Vec<i64>, Vec<i64>), StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT related_id, kind FROM related_pins WHERE article_id = $1 ORDER BY kind, position",
        )?;
        let rows = stmt.query_map([id.0], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        let (mut pinned, mut excluded) = (vec![], vec![]);
        for row in rows {
            let (other, kind) = row?;
            if kind == "pin" { pinned.push(other) } else { excluded.push(other) }
        }
        Ok((pinned, excluded))
    }

    /// What readers see recommended with `id`: pinned stories first, then the computed ones,
    /// never an excluded one, only stories readers can see, at most `limit`.
    pub fn recommended(&self, id: ArticleId, limit: usize) -> Result<Vec<Article>, StoreError> {
        let conn = self.reader();
        let now = Timestamp::now().as_microsecond();
        let mut stmt = conn.prepare_cached(article_query!(
            from "(SELECT p.related_id AS rid, p.position AS ord FROM related_pins p WHERE p.article_id = $1 AND p.kind = 'pin' \
               UNION ALL \
               SELECT r.related_id, 1000 + r.rank FROM related r WHERE r.article_id = $1 \
                 AND NOT EXISTS (SELECT 1 FROM related_pins x WHERE x.article_id = $1 AND x.related_id = r.related_id)) c \
               CROSS JOIN articles a ON a.id = c.rid",
            "WHERE a.state = 'published' AND a.published_at <= $2 ORDER BY c.ord LIMIT $3"
        ))?;
        let rows = stmt.query_map(params![id.0, now, limit as i64], row_parts)?.collect::<Result<Vec<_>, _>>()?;
        load_people_many(&conn, rows)
    }
}

/// An author as their page shows them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuthorProfile {
    pub slug: String,
    pub name: String,
    pub bio: Option<String>,
    /// A file in the media library.
    pub photo: Option<String>,
}

impl Store {
    /// Pins `ids`, in this order, to the top of `front` ('' for the home page, else a section's
    /// slug), replacing what was pinned there; an event lets every node redraw the front.
    pub fn set_front_pins(&self, front: &str, ids: &[i64], now: Timestamp) -> Result<(), StoreError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM front_pins WHERE front = $1", [front])?;
        for (pos, id) in ids.iter().enumerate() {
            let exists: bool =
                tx.query_row("SELECT EXISTS (SELECT 1 FROM articles WHERE id = $1)", [id], |r| r.get(0))?;
            if !exists {
                return Err(StoreError::not_found(Missing::Story, id));
            }
            tx.execute(
                "INSERT INTO front_pins (front, article_id, position) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                params![front, id, pos as i64],
            )?;
        }
        let payload = serde_json::json!({ "front": front, "pins": ids }).to_string();
        tx.execute(
            "INSERT INTO events (created_at, kind, article_id, payload) VALUES ($1, 'front.updated', NULL, $2)",
            params![now.as_microsecond(), payload],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The ids pinned to `front`, in order (whatever their state).
    pub fn front_pin_ids(&self, front: &str) -> Result<Vec<i64>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached("SELECT article_id FROM front_pins WHERE front = $1 ORDER BY position")?;
        let rows = stmt.query_map([front], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The stories pinned to `front` that readers can see, in the editors' order.
    pub fn front_pins(&self, front: &str) -> Result<Vec<Article>, StoreError> {
        let conn = self.reader();
        let now = Timestamp::now().as_microsecond();
        let mut stmt = conn.prepare_cached(article_query!(
            from "front_pins fp CROSS JOIN articles a ON a.id = fp.article_id",
            "WHERE fp.front = $1 AND a.state = 'published' AND a.published_at <= $2 ORDER BY fp.position"
        ))?;
        let rows = stmt.query_map(params![front, now], row_parts)?.collect::<Result<Vec<_>, _>>()?;
        load_people_many(&conn, rows)
    }

    pub fn author_profile(&self, slug: &str) -> Result<Option<AuthorProfile>, StoreError> {
        let conn = self.reader();
        let row = conn
            .query_row("SELECT slug, name, bio, photo FROM authors WHERE slug = $1", [slug], |r| {
                Ok(AuthorProfile { slug: r.get(0)?, name: r.get(1)?, bio: r.get(2)?, photo: r.get(3)? })
            })
            .optional()?;
        Ok(row)
    }

    /// Every author, by name, for the newsroom.
    pub fn author_profiles(&self) -> Result<Vec<AuthorProfile>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached("SELECT slug, name, bio, photo FROM authors ORDER BY name")?;
        let rows = stmt.query_map([], |r| {
            Ok(AuthorProfile { slug: r.get(0)?, name: r.get(1)?, bio: r.get(2)?, photo: r.get(3)? })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Sets an author's bio and photo; the author page changes, so an event is written.
    pub fn set_author_profile(
        &self,
        slug: &str,
        bio: Option<&str>,
        photo: Option<&str>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let n = tx.execute("UPDATE authors SET bio = $1, photo = $2 WHERE slug = $3", params![bio, photo, slug])?;
        if n == 0 {
            return Err(StoreError::not_found(Missing::Author, slug));
        }
        let payload = serde_json::json!({ "author": slug }).to_string();
        tx.execute(
            "INSERT INTO events (created_at, kind, article_id, payload) VALUES ($1, 'author.updated', NULL, $2)",
            params![now.as_microsecond(), payload],
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// [`Store::set_related_pins`] inside `tx`: every id must be a story, or nothing is set.
pub(super) fn set_related_pins_in(
    tx: &rusqlite::Transaction<'_>,
    id: ArticleId,
    pinned: &[i64],
    excluded: &[i64],
    now: Timestamp,
) -> Result<(), StoreError> {
    let choices = |tx: &rusqlite::Transaction<'_>| -> Result<Vec<(i64, String, i64)>, StoreError> {
        Ok(tx
            .prepare_cached(
                "SELECT related_id, kind, position FROM related_pins WHERE article_id = $1 ORDER BY kind, position",
            )?
            .query_map([id.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?)
    };
    let before = choices(tx)?;
    tx.execute("DELETE FROM related_pins WHERE article_id = $1", [id.0])?;
    for (kind, ids) in [("pin", pinned), ("exclude", excluded)] {
        for (pos, other) in ids.iter().enumerate() {
            if *other == id.0 {
                continue;
            }
            let exists: bool =
                tx.query_row("SELECT EXISTS (SELECT 1 FROM articles WHERE id = $1)", [other], |r| r.get(0))?;
            if !exists {
                return Err(StoreError::not_found(Missing::Story, other));
            }
            tx.execute(
                "INSERT INTO related_pins (article_id, related_id, kind, position) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (article_id, related_id) DO UPDATE SET kind = excluded.kind, position = excluded.position",
                params![id.0, other, kind, pos as i64],
            )?;
        }
    }
    if choices(tx)? != before {
        related_changed(tx, id, now)?;
    }
    Ok(())
}
