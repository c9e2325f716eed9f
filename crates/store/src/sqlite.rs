//! The SQLite backend. One writer connection (WAL allows one writer at a time anyway) and one
//! reader, each behind a mutex; callers on an async runtime use `spawn_blocking`.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use jiff::Timestamp;
use newsdesk_core::{Article, ArticleId};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use crate::{Missing, StoreError, migrate};
use rows::{load_people, load_people_many, row_parts};
pub use write::StoryMeta;

pub struct Store {
    path: PathBuf,
    writer: Mutex<Connection>,
    /// Reading connections: WAL lets readers work beside each other and beside the writer, so
    /// readers are several, each behind its own lock, taken by whoever finds one free.
    readers: Vec<Mutex<Connection>>,
    /// Where the next search for a free reader starts (spreads the waiting when all are busy).
    next_reader: std::sync::atomic::AtomicUsize,
}

/// How many reading connections a store keeps: pages render on the blocking pool, and more
/// readers than cores only add memory (each keeps its own page cache and statements).
const READERS: usize = 4;

/// Each reader's page cache, in KiB (SQLite's default is 2 MiB). A reader page touches a few
/// hundred to a thousand pages (an article sitemap page reads a thousand stories' rows); with
/// 2 MiB each render read them again from the operating system, a system call a page.
const READER_CACHE_KIB: i64 = 16 * 1024;

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SaveStatus {
    Created,
    Updated,
    Unchanged,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SaveOutcome {
    pub id: ArticleId,
    pub path: String,
    pub status: SaveStatus,
    pub revision: i64,
}

/// Which published articles a list wants; `None` fields do not filter.
#[derive(Debug, Clone, Copy, Default)]
pub struct ArticleFilter<'a> {
    pub section: Option<&'a str>,
    pub tag: Option<&'a str>,
    pub author: Option<&'a str>,
    /// Published at or after this time (the news sitemap's 48 hours).
    pub since: Option<Timestamp>,
    /// Changed (saved) at or after this time.
    pub updated_since: Option<Timestamp>,
    /// Keyset pagination: only articles after this (published_at, id) in newest-first order.
    pub before: Option<(Timestamp, i64)>,
    /// Published before this time (with `since`, a date archive's range).
    pub until: Option<Timestamp>,
    /// Stories left out (a front's pinned stories, shown before the list by time).
    pub exclude: &'a [i64],
}

impl<'a> ArticleFilter<'a> {
    pub fn section(slug: &'a str) -> Self {
        ArticleFilter { section: Some(slug), ..Default::default() }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SitemapEntry {
    pub path: String,
    pub modified: Timestamp,
    /// The lead picture's file in the media library, if it has one there.
    pub image_asset: Option<String>,
}

/// A story as the Google News sitemap lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewsEntry {
    pub id: i64,
    pub path: String,
    pub headline: String,
    pub language: String,
    pub published: Timestamp,
    /// The later of publication and the last update readers were told of.
    pub modified: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionInfo {
    pub name: String,
    pub slug: String,
    pub published: i64,
}

/// A section's name and slug.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionName {
    pub name: String,
    pub slug: String,
}

/// What an event in the log records. Stored as its name (`article.published`); the names are
/// the event log's format, read by other nodes and kept in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum EventKind {
    /// A story readers can now see for the first time (or again).
    Published,
    /// A story readers see changed.
    Updated,
    /// A story readers see got a dated correction.
    Corrected,
    /// A story readers saw is gone.
    Unpublished,
    /// A story's Recommended list changed.
    RelatedUpdated,
    /// A front's pinned stories changed.
    FrontUpdated,
    /// An author's profile changed.
    AuthorUpdated,
    /// An embed's card was fetched.
    EmbedFetched,
    /// A media file was deleted.
    MediaDeleted,
    /// A picture's renditions were made (or made again for a new framing).
    MediaRendered,
    /// A kind this version does not know: written by a newer one sharing the database. Readers
    /// of the log treat it as "anything may have changed".
    Unknown,
}

impl EventKind {
    pub const ALL: [EventKind; 10] = [
        EventKind::Published,
        EventKind::Updated,
        EventKind::Corrected,
        EventKind::Unpublished,
        EventKind::RelatedUpdated,
        EventKind::FrontUpdated,
        EventKind::AuthorUpdated,
        EventKind::EmbedFetched,
        EventKind::MediaDeleted,
        EventKind::MediaRendered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Published => "article.published",
            EventKind::Updated => "article.updated",
            EventKind::Corrected => "article.corrected",
            EventKind::Unpublished => "article.unpublished",
            EventKind::RelatedUpdated => "related.updated",
            EventKind::FrontUpdated => "front.updated",
            EventKind::AuthorUpdated => "author.updated",
            EventKind::EmbedFetched => "embed.fetched",
            EventKind::MediaDeleted => "media.deleted",
            EventKind::MediaRendered => "media.rendered",
            EventKind::Unknown => "unknown",
        }
    }

    /// The kind a stored name stands for ([`EventKind::Unknown`] for one this version lacks).
    pub fn parse(s: &str) -> EventKind {
        EventKind::ALL.into_iter().find(|k| k.as_str() == s).unwrap_or(EventKind::Unknown)
    }

    /// Whether the event is about one story (its id is the event's `article_id`).
    pub fn is_article(self) -> bool {
        matches!(self, EventKind::Published | EventKind::Updated | EventKind::Corrected | EventKind::Unpublished)
    }

    /// The name webhooks subscribe to and receive ("published" for `article.published`).
    pub fn hook_name(self) -> &'static str {
        let name = self.as_str();
        name.strip_prefix("article.").unwrap_or(name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    pub id: i64,
    pub created_at: Timestamp,
    pub kind: EventKind,
    pub article_id: Option<i64>,
    pub payload: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revision {
    pub number: i64,
    pub created_at: Timestamp,
    pub actor: String,
    /// False for a version saved against an older revision (a lost race): kept, never applied.
    pub applied: bool,
    pub article: Article,
}

fn lock(m: &Mutex<Connection>) -> std::sync::MutexGuard<'_, Connection> {
    // A panic while holding the lock leaves SQLite itself consistent (the transaction rolls back
    // on drop), so a poisoned mutex is safe to keep using.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Store {
    /// A reading connection: the first free one, or (all busy) a turn at one of them.
    fn reader(&self) -> std::sync::MutexGuard<'_, Connection> {
        let start = self.next_reader.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let n = self.readers.len();
        for i in 0..n {
            match self.readers[(start + i) % n].try_lock() {
                Ok(guard) => return guard,
                Err(std::sync::TryLockError::Poisoned(p)) => return p.into_inner(),
                Err(std::sync::TryLockError::WouldBlock) => {}
            }
        }
        lock(&self.readers[start % n])
    }
}

pub(crate) fn ts(us: i64) -> Result<Timestamp, StoreError> {
    Timestamp::from_microsecond(us).map_err(|e| StoreError::Corrupt(format!("timestamp {us}: {e}")))
}

fn opt_ts(us: Option<i64>) -> Result<Option<Timestamp>, StoreError> {
    us.map(ts).transpose()
}

// The FROM clause every article query shares; the caller appends WHERE/ORDER with placeholders.
macro_rules! article_query {
    ($tail:expr) => {
        article_query!(from "articles a", $tail)
    };
    // `from` names what comes before the sections join and must bind `a`: a short list of ids
    // joined to articles with CROSS JOIN, which SQLite never reorders, so the list is read first
    // and each story is looked up by id (left to the planner, SQLite without statistics read
    // every published story and matched it against the list: 300 ms a page at 100,000).
    (from $from:literal, $tail:expr) => {
        article_query!(body "a.body", from $from, $tail)
    };
    // `body` is what stands for the body column: `'[]'` for lists that never read it.
    (body $body:literal, from $from:literal, $tail:expr) => {
        concat!(
            "SELECT a.id, s.name, s.slug, a.slug, a.headline, a.deck, a.lead_image, ",
            $body,
            ", src.name, \
             a.language, a.canonical_url, a.state, a.published_at, a.updated_at, a.embargo_until, a.based_on, \
             a.corrections, a.promo \
             FROM ",
            $from,
            " JOIN sections s ON s.id = a.section_id \
             LEFT JOIN sources src ON src.id = a.source_id ",
            $tail
        )
    };
}

impl Store {
    /// Opens (creating if needed) `DATA_DIR/newsdesk.db`, in WAL mode with `synchronous=FULL`,
    /// and runs the migrations.
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(data_dir)
            .map_err(|source| StoreError::DataDir { path: data_dir.display().to_string(), source })?;
        let path = data_dir.join("newsdesk.db");
        let mut writer = connect(&path)?;
        migrate::run(&mut writer)?;
        let reader = || -> Result<Connection, StoreError> {
            let conn = connect(&path)?;
            conn.pragma_update(None, "cache_size", -READER_CACHE_KIB)
                .map_err(|source| StoreError::Open { path: path.display().to_string(), source: source.into() })?;
            Ok(conn)
        };
        let readers = (0..READERS).map(|_| reader().map(Mutex::new)).collect::<Result<Vec<_>, _>>()?;
        Ok(Store { path, writer: Mutex::new(writer), readers, next_reader: Default::default() })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Saves an article as a new revision. With `external_id`, the same story from the same
    /// source is found again: identical content is `Unchanged` (no revision, no event), changed
    /// content is a new revision of the same article. A slug that clashes with another article
    /// in the section gets a numeric suffix; nothing is ever overwritten.
    pub fn save_article(
        &self,
        article: &Article,
        external_id: Option<&str>,
        actor: &str,
        now: Timestamp,
    ) -> Result<SaveOutcome, StoreError> {
        self.save_versioned(article, external_id, None, actor, now)
    }

    /// As [`Store::save_article`], for items that carry their provider's version: a version
    /// not newer than the stored one changes nothing (`Unchanged`), so redeliveries and late
    /// arrivals of old versions never overwrite a newer story.
    pub fn save_versioned(
        &self,
        article: &Article,
        external_id: Option<&str>,
        version: Option<&str>,
        actor: &str,
        now: Timestamp,
    ) -> Result<SaveOutcome, StoreError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let outcome = save_versioned_in(&tx, article, external_id, version, actor, now)?;
        tx.commit()?;
        Ok(outcome)
    }

    /// Saves many items from outside in one durable transaction, each in a savepoint of its
    /// own: an item that fails leaves nothing behind and stops none of the others, and nothing
    /// is acknowledged until the whole batch is on disk (a failed commit fails every item).
    /// What each item becomes is as [`Store::save_versioned`] says; an item naming stories it
    /// replaces takes over the first of them (see [`Store::rekey_article`]), and the pictures
    /// it refers to are remembered.
    pub fn save_many(
        &self,
        requests: &[SaveRequest<'_>],
        now: Timestamp,
    ) -> Result<Vec<Result<SaveOutcome, StoreError>>, StoreError> {
        let mut conn = lock(&self.writer);
        let mut tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut out = Vec::with_capacity(requests.len());
        for r in requests {
            let sp = tx.savepoint()?;
            let saved = (|| {
                for old in r.supersedes {
                    if intake::rekey_in(&sp, old, r.external_id)? {
                        break;
                    }
                }
                let saved = save_versioned_in(&sp, r.article, Some(r.external_id), r.version, r.actor, now)?;
                if saved.status != SaveStatus::Unchanged {
                    intake::add_media_refs_in(&sp, saved.id.0, r.media, now)?;
                }
                Ok(saved)
            })();
            if saved.is_ok() {
                sp.commit()?;
            } // else: dropped, so rolled back to where the item began
            out.push(saved);
        }
        tx.commit()?;
        Ok(out)
    }

    /// Stores many new articles in one transaction (bulk loads, benchmark corpora): each gets a
    /// revision and, when readers can see it, an event, exactly as one saved alone.
    pub fn save_batch(&self, articles: &[Article], actor: &str, now: Timestamp) -> Result<usize, StoreError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for a in articles {
            write::insert_article(&tx, a, None, &StoryMeta::default(), actor, now)?;
        }
        tx.commit()?;
        Ok(articles.len())
    }

    pub fn article(&self, id: ArticleId) -> Result<Article, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(article_query!("WHERE a.id = $1"))?;
        let row = stmt.query_row([id.0], row_parts).optional()?;
        let parts = row.ok_or_else(|| StoreError::not_found(Missing::Article, id.0))?;
        load_people(&conn, parts)
    }

    /// SQLite's own check of the whole database file: `"ok"`, or what is wrong.
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare("PRAGMA integrity_check")?;
        let lines = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
        Ok(lines.join("\n"))
    }

    /// The newest event id (0 when none): followers poll this cheaply to notice other writers.
    pub fn latest_event_id(&self) -> Result<i64, StoreError> {
        let conn = self.reader();
        Ok(conn.query_row("SELECT COALESCE(MAX(id), 0) FROM events", [], |r| r.get(0))?)
    }

    pub fn events_since(&self, after: i64, limit: usize) -> Result<Vec<Event>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT id, created_at, kind, article_id, payload FROM events WHERE id > $1 ORDER BY id LIMIT $2",
        )?;
        let rows = stmt.query_map(params![after, limit as i64], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get(2)?, r.get(3)?, r.get::<_, String>(4)?))
        })?;
        rows.map(|row| {
            let (id, created, kind, article_id, payload): (i64, i64, String, Option<i64>, String) = row?;
            Ok(Event {
                id,
                created_at: ts(created)?,
                kind: EventKind::parse(&kind),
                article_id,
                payload: serde_json::from_str(&payload)?,
            })
        })
        .collect()
    }

    pub fn revisions(&self, id: ArticleId) -> Result<Vec<Revision>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            "SELECT number, created_at, actor, snapshot, applied FROM revisions WHERE article_id = $1 ORDER BY number",
        )?;
        let rows = stmt.query_map([id.0], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get(4)?))
        })?;
        rows.map(|row| {
            let (number, created, actor, snapshot, applied) = row?;
            let article = serde_json::from_str(&snapshot)?;
            Ok(Revision { number, created_at: ts(created)?, actor, applied, article })
        })
        .collect()
    }

    pub fn article_count(&self) -> Result<i64, StoreError> {
        let conn = self.reader();
        Ok(conn.query_row("SELECT COUNT(*) FROM articles", [], |r| r.get(0))?)
    }
}

/// Provider versions are usually integers ("2" < "10"); otherwise compare them as text.
/// One item from outside to save: the story, its identity and version at the source, the
/// identities it replaces, and the pictures it refers to.
#[derive(Debug, Clone)]
pub struct SaveRequest<'a> {
    pub article: &'a Article,
    pub external_id: &'a str,
    pub version: Option<&'a str>,
    pub supersedes: &'a [String],
    pub media: &'a [intake::NewMediaRef<'a>],
    pub actor: &'a str,
}

fn save_versioned_in(
    tx: &Connection,
    article: &Article,
    external_id: Option<&str>,
    version: Option<&str>,
    actor: &str,
    now: Timestamp,
) -> Result<SaveOutcome, StoreError> {
    let existing: Option<(i64, Option<String>, i64, String, String)> = match (article.id, external_id) {
        (Some(id), _) => Some((id.0, None, 0, String::new(), String::new())),
        (None, Some(ext)) => tx
            .prepare_cached(
                "SELECT a.id, a.source_version, a.revision, s.slug, a.slug FROM articles a \
                 JOIN sections s ON s.id = a.section_id WHERE a.external_id = $1",
            )?
            .query_row([ext], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .optional()?,
        (None, None) => None,
    };
    if let (Some((id, Some(stored), revision, section, slug)), Some(incoming)) = (&existing, version)
        && !is_newer(incoming, stored)
    {
        let path = format!("/{section}/{slug}");
        return Ok(SaveOutcome { id: ArticleId(*id), path, status: SaveStatus::Unchanged, revision: *revision });
    }
    let from_source = article.id.is_none();
    let outcome = match existing {
        Some((id, ..)) => write::update_article(tx, ArticleId(id), article, from_source, actor, now)?,
        None => write::insert_article(tx, article, external_id, &StoryMeta::default(), actor, now)?,
    };
    if let Some(v) = version {
        tx.prepare_cached("UPDATE articles SET source_version = $1 WHERE id = $2")?
            .execute(params![v, outcome.id.0])?;
    }
    Ok(outcome)
}

fn is_newer(incoming: &str, stored: &str) -> bool {
    match (incoming.trim().parse::<u64>(), stored.trim().parse::<u64>()) {
        (Ok(a), Ok(b)) => a > b,
        _ => incoming > stored,
    }
}

fn connect(path: &Path) -> Result<Connection, StoreError> {
    let open_err =
        |source: rusqlite::Error| StoreError::Open { path: path.display().to_string(), source: source.into() };
    let conn = Connection::open(path).map_err(open_err)?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).map_err(open_err)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::NotWal(mode));
    }
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;")
        .map_err(open_err)?;
    // The write path alone uses a few dozen statements; rusqlite's default cache of 16 would
    // parse them again and again.
    conn.set_prepared_statement_cache_capacity(256);
    // One plan per statement, whatever is bound to it. Without this SQLite marks a statement for
    // re-preparing whenever a parameter its planner looked at changes value, and every reader
    // statement binds the current time: a fifth of a home page's render was spent parsing SQL
    // again. The plans are the ones `plans.rs` holds each statement to.
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true).map_err(open_err)?;
    Ok(conn)
}

pub mod accounts;
pub mod backup;
pub mod catalog;
pub mod embeds;
pub mod intake;
pub mod jobs;
pub mod library;
pub mod newsroom;
pub mod pictures;
#[cfg(test)]
mod plans;
mod reading;
pub mod related;
mod rows;
pub mod schedule;
#[cfg(test)]
mod tests;
mod write;
