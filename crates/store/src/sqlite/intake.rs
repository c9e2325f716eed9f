//! What intake keeps: routing rules, the sources newsdesk polls (with their conditional-GET
//! state, backoff and status), the wire queue's versions, fingerprints and near-duplicate
//! groups, and references to pictures a source named.

use jiff::{SignedDuration, Timestamp};
use newsdesk_core::Article;
use newsdesk_core::routing::{RoutingRule, RuleAction, RuleField};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use super::{Store, is_newer, lock, opt_ts, ts};
use crate::{Missing, StoreError};

/// How long an identical text counts as a re-delivery of an item already queued.
const REDELIVERY_WINDOW: SignedDuration = SignedDuration::from_hours(7 * 24);

/// A wire item arriving for the queue.
#[derive(Debug, Clone)]
pub struct QueueEntry<'a> {
    pub external_id: &'a str,
    pub article: &'a Article,
    pub version: Option<&'a str>,
    pub format: &'a str,
    pub urgency: Option<i64>,
    pub simhash: u64,
    pub content_hash: u64,
    /// The near-duplicate group it joins (the id of the group's first item), if any.
    pub cluster: Option<i64>,
    pub feed_source: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueStatus {
    /// New to the queue.
    Queued,
    /// A newer version of an item already queued.
    Updated,
    /// The same item or the same text again: counted on the item it repeats, nothing added.
    Duplicate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Queued {
    pub id: i64,
    pub status: QueueStatus,
    pub cluster: i64,
}

/// A source newsdesk polls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedSource {
    pub id: i64,
    pub url: String,
    pub name: String,
    pub every_secs: i64,
    pub allow_private: bool,
    pub section: Option<String>,
    /// Items no routing rule decides for are published (else queued).
    pub publish: bool,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub next_poll_at: Timestamp,
    pub last_polled_at: Option<Timestamp>,
    pub last_status: Option<String>,
    pub last_error: Option<String>,
    pub failures: i64,
    pub items_total: i64,
}

#[derive(Debug, Clone)]
pub struct NewSource<'a> {
    pub url: &'a str,
    pub name: &'a str,
    pub every_secs: i64,
    pub allow_private: bool,
    pub section: Option<&'a str>,
    pub publish: bool,
}

/// What one poll found.
#[derive(Debug, Clone)]
pub struct PollResult {
    pub status: String,
    pub error: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub items: i64,
    pub next_poll_at: Timestamp,
    /// Consecutive failures after this poll (0 on success).
    pub failures: i64,
}

/// A picture a source referred to, kept until it is fetched into the media library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MediaRef {
    pub id: i64,
    pub url: String,
    pub article_id: Option<i64>,
    pub role: String,
    pub alt: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub media_id: Option<i64>,
    pub attempts: i64,
    /// Why the last download failed, while it is still a reference.
    pub last_error: Option<String>,
}

// The columns every source query reads, in `source_row`'s order; the caller appends the rest.
macro_rules! source_query {
    ($tail:literal) => {
        concat!(
            "SELECT id, url, name, every_secs, allow_private, section, publish, etag, last_modified, next_poll_at, \
             last_polled_at, last_status, last_error, failures, items_total FROM feed_sources ",
            $tail
        )
    };
}

fn source_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(FeedSource, i64, Option<i64>)> {
    let source = FeedSource {
        id: r.get(0)?,
        url: r.get(1)?,
        name: r.get(2)?,
        every_secs: r.get(3)?,
        allow_private: r.get(4)?,
        section: r.get(5)?,
        publish: r.get(6)?,
        etag: r.get(7)?,
        last_modified: r.get(8)?,
        next_poll_at: Timestamp::UNIX_EPOCH,
        last_polled_at: None,
        last_status: r.get(11)?,
        last_error: r.get(12)?,
        failures: r.get(13)?,
        items_total: r.get(14)?,
    };
    Ok((source, r.get(9)?, r.get(10)?))
}

fn with_times((s, next, last): (FeedSource, i64, Option<i64>)) -> Result<FeedSource, StoreError> {
    Ok(FeedSource { next_poll_at: ts(next)?, last_polled_at: opt_ts(last)?, ..s })
}

/// A routing rule as stored; its names (field, action) and tags are checked as it is read.
fn rule_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<RoutingRule, StoreError>> {
    let (id, field, tags, action): (i64, String, String, String) = (r.get(0)?, r.get(2)?, r.get(5)?, r.get(6)?);
    let corrupt = |what: &str, value: &str| StoreError::Corrupt(format!("routing rule {id}: {what} {value:?}"));
    let rule = (|| {
        Ok(RoutingRule {
            id,
            name: r.get(1)?,
            field: RuleField::parse(&field).ok_or_else(|| corrupt("field", &field))?,
            pattern: r.get(3)?,
            section: r.get(4)?,
            tags: serde_json::from_str(&tags)?,
            action: RuleAction::parse(&action).ok_or_else(|| corrupt("action", &action))?,
            enabled: r.get(7)?,
        })
    })();
    Ok(rule)
}

/// A picture a source referred to, for [`Store::add_media_refs`].
#[derive(Debug, Clone, Copy)]
pub struct NewMediaRef<'a> {
    pub url: &'a str,
    /// `lead` (the story's picture) or `attachment`.
    pub role: &'a str,
    pub alt: Option<&'a str>,
    pub caption: Option<&'a str>,
    pub credit: Option<&'a str>,
}

impl Store {
    // -- Routing rules -------------------------------------------------------------------------

    /// Every routing rule, in the order they are tried.
    pub fn routing_rules(&self) -> Result<Vec<RoutingRule>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT id, name, field, pattern, section, tags, action, enabled FROM routing_rules ORDER BY position, id",
        )?;
        let rows = stmt.query_map([], rule_row)?;
        rows.map(|row| row?).collect()
    }

    /// Stores a rule: a new one (`id` 0) goes last; returns its id.
    pub fn save_routing_rule(&self, rule: &RoutingRule, now: Timestamp) -> Result<i64, StoreError> {
        let conn = lock(&self.writer);
        let tags = serde_json::to_string(&rule.tags)?;
        if rule.id == 0 {
            conn.execute(
                "INSERT INTO routing_rules (position, name, field, pattern, section, tags, action, enabled, updated_at) \
                 VALUES ((SELECT COALESCE(MAX(position), 0) + 1 FROM routing_rules), $1, $2, $3, $4, $5, $6, $7, $8)",
                params![
                    rule.name.trim(),
                    rule.field.as_str(),
                    rule.pattern.trim(),
                    rule.section,
                    tags,
                    rule.action.as_str(),
                    rule.enabled,
                    now.as_microsecond()
                ],
            )?;
            return Ok(conn.last_insert_rowid());
        }
        let changed = conn.execute(
            "UPDATE routing_rules SET name = $1, field = $2, pattern = $3, section = $4, tags = $5, action = $6, \
             enabled = $7, updated_at = $8 WHERE id = $9",
            params![
                rule.name.trim(),
                rule.field.as_str(),
                rule.pattern.trim(),
                rule.section,
                tags,
                rule.action.as_str(),
                rule.enabled,
                now.as_microsecond(),
                rule.id
            ],
        )?;
        if changed == 0 {
            return Err(StoreError::not_found(Missing::RoutingRule, rule.id));
        }
        Ok(rule.id)
    }

    pub fn delete_routing_rule(&self, id: i64) -> Result<(), StoreError> {
        let conn = lock(&self.writer);
        if conn.execute("DELETE FROM routing_rules WHERE id = $1", [id])? == 0 {
            return Err(StoreError::not_found(Missing::RoutingRule, id));
        }
        Ok(())
    }

    /// Moves a rule one place earlier (`up`) or later in the order rules are tried.
    pub fn move_routing_rule(&self, id: i64, up: bool) -> Result<(), StoreError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let order: Vec<i64> = {
            let mut stmt = tx.prepare("SELECT id FROM routing_rules ORDER BY position, id")?;
            stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?
        };
        let at = order.iter().position(|x| *x == id).ok_or_else(|| StoreError::not_found(Missing::RoutingRule, id))?;
        let other = if up { at.checked_sub(1) } else { Some(at + 1).filter(|o| *o < order.len()) };
        let mut order = order;
        if let Some(o) = other {
            order.swap(at, o);
        }
        for (position, rule) in order.iter().enumerate() {
            tx.execute("UPDATE routing_rules SET position = $1 WHERE id = $2", params![position as i64 + 1, rule])?;
        }
        tx.commit()?;
        Ok(())
    }

    // -- Sources -------------------------------------------------------------------------------

    pub fn add_feed_source(&self, s: &NewSource<'_>, now: Timestamp) -> Result<FeedSource, StoreError> {
        let conn = lock(&self.writer);
        let exists: bool =
            conn.query_row("SELECT EXISTS (SELECT 1 FROM feed_sources WHERE url = $1)", [s.url], |r| r.get(0))?;
        if exists {
            return Err(StoreError::Conflict(format!("{} is already a source", s.url)));
        }
        conn.execute(
            "INSERT INTO feed_sources (url, name, every_secs, allow_private, section, publish, next_poll_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
            params![s.url, s.name, s.every_secs, s.allow_private, s.section, s.publish, now.as_microsecond()],
        )?;
        let id = conn.last_insert_rowid();
        drop(conn);
        self.feed_source(id)
    }

    pub fn feed_source(&self, id: i64) -> Result<FeedSource, StoreError> {
        let conn = self.reader();
        let row = conn.prepare_cached(source_query!("WHERE id = $1"))?.query_row([id], source_row).optional()?;
        with_times(row.ok_or_else(|| StoreError::not_found(Missing::Source, id))?)
    }

    pub fn feed_sources(&self) -> Result<Vec<FeedSource>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(source_query!("ORDER BY name, id"))?;
        let rows = stmt.query_map([], source_row)?;
        rows.map(|r| with_times(r?)).collect()
    }

    pub fn remove_feed_source(&self, id: i64) -> Result<(), StoreError> {
        let conn = lock(&self.writer);
        if conn.execute("DELETE FROM feed_sources WHERE id = $1", [id])? == 0 {
            return Err(StoreError::not_found(Missing::Source, id));
        }
        Ok(())
    }

    /// Asks for a source to be polled at the next pass.
    pub fn poll_source_now(&self, id: i64, now: Timestamp) -> Result<(), StoreError> {
        let conn = lock(&self.writer);
        if conn.execute("UPDATE feed_sources SET next_poll_at = $1 WHERE id = $2", params![now.as_microsecond(), id])?
            == 0
        {
            return Err(StoreError::not_found(Missing::Source, id));
        }
        Ok(())
    }

    /// Takes the next source due for a poll, holding it for `lease` so no other node polls it
    /// meanwhile.
    pub fn claim_due_source(&self, now: Timestamp, lease: SignedDuration) -> Result<Option<FeedSource>, StoreError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now_us = now.as_microsecond();
        let id: Option<i64> = tx
            .query_row(
                "SELECT id FROM feed_sources WHERE next_poll_at <= $1 AND (lease_until IS NULL OR lease_until < $1) \
                 ORDER BY next_poll_at, id LIMIT 1",
                [now_us],
                |r| r.get(0),
            )
            .optional()?;
        let Some(id) = id else { return Ok(None) };
        tx.execute(
            "UPDATE feed_sources SET lease_until = $1 WHERE id = $2",
            params![(now + lease).as_microsecond(), id],
        )?;
        let row = tx.query_row(source_query!("WHERE id = $1"), [id], source_row)?;
        tx.commit()?;
        with_times(row).map(Some)
    }

    /// Records what a poll found and when to poll next, and lets the source go.
    pub fn finish_poll(&self, id: i64, r: &PollResult, now: Timestamp) -> Result<(), StoreError> {
        let conn = lock(&self.writer);
        conn.execute(
            "UPDATE feed_sources SET etag = COALESCE($1, etag), last_modified = COALESCE($2, last_modified), \
             next_poll_at = $3, last_polled_at = $4, last_status = $5, last_error = $6, failures = $7, \
             items_total = items_total + $8, lease_until = NULL WHERE id = $9",
            params![
                r.etag,
                r.last_modified,
                r.next_poll_at.as_microsecond(),
                now.as_microsecond(),
                r.status,
                r.error,
                r.failures,
                r.items,
                id
            ],
        )?;
        Ok(())
    }

    // -- The wire queue ------------------------------------------------------------------------

    /// Fingerprints of items queued since `since`: (id, group, SimHash), for near-duplicate
    /// candidates.
    pub fn wire_fingerprints(&self, since: Timestamp) -> Result<Vec<(i64, i64, u64)>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT id, COALESCE(cluster_id, id), simhash FROM wire_items WHERE received_at >= $1 AND simhash != 0",
        )?;
        let rows =
            stmt.query_map([since.as_microsecond()], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? as u64)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The stories queued as `ids`, with their groups.
    pub fn wire_articles(&self, ids: &[i64]) -> Result<Vec<(i64, i64, Article)>, StoreError> {
        let conn = self.reader();
        let mut stmt =
            conn.prepare_cached("SELECT id, COALESCE(cluster_id, id), item FROM wire_items WHERE id = $1")?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some((id, cluster, item)) = stmt
                .query_row([id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?)))
                .optional()?
            {
                out.push((id, cluster, serde_json::from_str(&item)?));
            }
        }
        Ok(out)
    }

    /// Puts an item in the queue. The same identity again is a newer version (updated) or a
    /// re-delivery (counted); the same text under another identity within a week is a
    /// re-delivery too.
    pub fn queue_item(&self, e: &QueueEntry<'_>, now: Timestamp) -> Result<Queued, StoreError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now_us = now.as_microsecond();
        let content = e.content_hash as i64;
        let existing: Option<(i64, Option<String>, i64, i64)> = tx
            .query_row(
                "SELECT id, version, content_hash, COALESCE(cluster_id, id) FROM wire_items WHERE external_id = $1",
                [e.external_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let outcome = if let Some((id, stored, stored_hash, cluster)) = existing {
            let newer = match (e.version, stored.as_deref()) {
                (Some(incoming), Some(stored)) => is_newer(incoming, stored),
                _ => stored_hash != content,
            };
            if newer && stored_hash != content {
                tx.execute(
                    "UPDATE wire_items SET source = $1, headline = $2, language = $3, received_at = $4, item = $5, \
                     version = $6, urgency = $7, simhash = $8, content_hash = $9 WHERE id = $10",
                    params![
                        e.article.source,
                        e.article.headline,
                        e.article.language,
                        now_us,
                        serde_json::to_string(e.article)?,
                        e.version,
                        e.urgency,
                        e.simhash as i64,
                        content,
                        id
                    ],
                )?;
                Queued { id, status: QueueStatus::Updated, cluster }
            } else {
                tx.execute("UPDATE wire_items SET redeliveries = redeliveries + 1 WHERE id = $1", [id])?;
                Queued { id, status: QueueStatus::Duplicate, cluster }
            }
        } else {
            let same_text: Option<(i64, i64)> = tx
                .query_row(
                    "SELECT id, COALESCE(cluster_id, id) FROM wire_items WHERE content_hash = $1 AND received_at >= $2 \
                     ORDER BY id LIMIT 1",
                    params![content, (now - REDELIVERY_WINDOW).as_microsecond()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            match same_text {
                Some((id, cluster)) if content != 0 => {
                    tx.execute("UPDATE wire_items SET redeliveries = redeliveries + 1 WHERE id = $1", [id])?;
                    Queued { id, status: QueueStatus::Duplicate, cluster }
                }
                _ => {
                    tx.execute(
                        "INSERT INTO wire_items (external_id, source, headline, language, received_at, item, version, \
                         format, urgency, simhash, content_hash, cluster_id, feed_source_id) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                        params![
                            e.external_id,
                            e.article.source,
                            e.article.headline,
                            e.article.language,
                            now_us,
                            serde_json::to_string(e.article)?,
                            e.version,
                            e.format,
                            e.urgency,
                            e.simhash as i64,
                            content,
                            e.cluster,
                            e.feed_source
                        ],
                    )?;
                    let id = tx.last_insert_rowid();
                    Queued { id, status: QueueStatus::Queued, cluster: e.cluster.unwrap_or(id) }
                }
            }
        };
        tx.commit()?;
        Ok(outcome)
    }

    /// A story that a new item replaces (NewsML-G2 `irel:previousVersion`) takes the new item's
    /// identity (and forgets the old item's version numbering), so the new item updates it
    /// rather than making a second story. False when there is no such story or the new identity
    /// is already taken.
    pub fn rekey_article(&self, old_external_id: &str, new_external_id: &str) -> Result<bool, StoreError> {
        rekey_in(&lock(&self.writer), old_external_id, new_external_id)
    }

    // -- Media references ----------------------------------------------------------------------

    /// Remembers pictures an article's source referred to (the same address once per article).
    pub fn add_media_refs(&self, article: i64, refs: &[NewMediaRef<'_>], now: Timestamp) -> Result<(), StoreError> {
        add_media_refs_in(&lock(&self.writer), article, refs, now)
    }

    pub fn media_refs(&self, article: i64) -> Result<Vec<MediaRef>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT id, url, article_id, role, alt, caption, credit, media_id, attempts, last_error FROM media_refs \
             WHERE article_id = $1 ORDER BY role DESC, id",
        )?;
        let rows = stmt.query_map([article], media_ref_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// A `media_refs` row read as `id, url, article_id, role, alt, caption, credit, media_id,
/// attempts, last_error`.
pub(super) fn media_ref_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<MediaRef> {
    Ok(MediaRef {
        id: r.get(0)?,
        url: r.get(1)?,
        article_id: r.get(2)?,
        role: r.get(3)?,
        alt: r.get(4)?,
        caption: r.get(5)?,
        credit: r.get(6)?,
        media_id: r.get(7)?,
        attempts: r.get(8)?,
        last_error: r.get(9)?,
    })
}

pub(super) fn rekey_in(conn: &Connection, old_external_id: &str, new_external_id: &str) -> Result<bool, StoreError> {
    let changed = conn
        .prepare_cached(
            "UPDATE articles SET external_id = $1, source_version = NULL WHERE external_id = $2 \
         AND NOT EXISTS (SELECT 1 FROM articles WHERE external_id = $1)",
        )?
        .execute(params![new_external_id, old_external_id])?;
    Ok(changed > 0)
}

pub(super) fn add_media_refs_in(
    conn: &Connection,
    article: i64,
    refs: &[NewMediaRef<'_>],
    now: Timestamp,
) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO media_refs (url, article_id, role, alt, caption, credit, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (url, article_id) DO UPDATE SET \
         role = excluded.role, alt = excluded.alt, caption = excluded.caption, credit = excluded.credit",
    )?;
    for m in refs {
        stmt.execute(params![m.url, article, m.role, m.alt, m.caption, m.credit, now.as_microsecond()])?;
    }
    Ok(())
}
