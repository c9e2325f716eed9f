//! The SQLite backend. One writer connection (WAL allows one writer at a time anyway) and one
//! reader, each behind a mutex; callers on an async runtime use `spawn_blocking`.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use jiff::Timestamp;
use newsdesk_core::article::{LeadImage, Section};
use newsdesk_core::{Article, ArticleId, Block, Slug, WorkflowState};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, TransactionBehavior, params};
use serde::Serialize;

use crate::{StoreError, migrate};

pub struct Store {
    path: PathBuf,
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
}

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
    pub image: Option<LeadImage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionInfo {
    pub name: String,
    pub slug: String,
    pub published: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    pub id: i64,
    pub created_at: Timestamp,
    pub kind: String,
    pub article_id: Option<i64>,
    pub payload: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revision {
    pub number: i64,
    pub created_at: Timestamp,
    pub actor: String,
    pub article: Article,
}

fn lock(m: &Mutex<Connection>) -> std::sync::MutexGuard<'_, Connection> {
    // A panic while holding the lock leaves SQLite itself consistent (the transaction rolls back
    // on drop), so a poisoned mutex is safe to keep using.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn ts(us: i64) -> Result<Timestamp, StoreError> {
    Timestamp::from_microsecond(us).map_err(|e| StoreError::Corrupt(format!("timestamp {us}: {e}")))
}

fn opt_ts(us: Option<i64>) -> Result<Option<Timestamp>, StoreError> {
    us.map(ts).transpose()
}

// The FROM clause every article query shares; the caller appends WHERE/ORDER with placeholders.
macro_rules! article_query {
    ($tail:literal) => {
        concat!(
            "SELECT a.id, s.name, s.slug, a.slug, a.headline, a.deck, a.lead_image, a.body, src.name, \
             a.language, a.canonical_url, a.state, a.published_at, a.updated_at \
             FROM articles a JOIN sections s ON s.id = a.section_id \
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
        let reader = connect(&path)?;
        Ok(Store { path, writer: Mutex::new(writer), reader: Mutex::new(reader) })
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
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let existing: Option<i64> = match (article.id, external_id) {
            (Some(id), _) => Some(id.0),
            (None, Some(ext)) => {
                tx.query_row("SELECT id FROM articles WHERE external_id = $1", [ext], |r| r.get(0)).optional()?
            }
            (None, None) => None,
        };
        let outcome = match existing {
            Some(id) => update_article(&tx, ArticleId(id), article, actor, now)?,
            None => insert_article(&tx, article, external_id, actor, now)?,
        };
        tx.commit()?;
        Ok(outcome)
    }

    pub fn article(&self, id: ArticleId) -> Result<Article, StoreError> {
        let conn = lock(&self.reader);
        let mut stmt = conn.prepare_cached(article_query!("WHERE a.id = $1"))?;
        let row = stmt.query_row([id.0], row_parts).optional()?;
        let parts = row.ok_or_else(|| StoreError::NotFound(format!("article {}", id.0)))?;
        load_people(&conn, parts)
    }

    /// The published article at `/{section}/{slug}`, if any.
    pub fn published_by_path(&self, section: &str, slug: &str) -> Result<Option<Article>, StoreError> {
        let conn = lock(&self.reader);
        let mut stmt = conn.prepare_cached(article_query!(
            "WHERE s.slug = $1 AND a.slug = $2 AND a.state = 'published' AND a.published_at <= $3"
        ))?;
        let now = Timestamp::now().as_microsecond();
        match stmt.query_row(params![section, slug, now], row_parts).optional()? {
            Some(parts) => load_people(&conn, parts).map(Some),
            None => Ok(None),
        }
    }

    /// Published articles matching `filter`, newest first.
    pub fn latest_published(
        &self,
        filter: &ArticleFilter<'_>,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<Article>, StoreError> {
        self.list_published(filter, limit, offset, true)
    }

    /// As [`Store::latest_published`], without authors and tags (left empty): for lists that
    /// show headlines only, at a fraction of the queries.
    pub fn latest_headlines(
        &self,
        filter: &ArticleFilter<'_>,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<Article>, StoreError> {
        self.list_published(filter, limit, offset, false)
    }

    fn list_published(
        &self,
        filter: &ArticleFilter<'_>,
        limit: usize,
        offset: usize,
        people: bool,
    ) -> Result<Vec<Article>, StoreError> {
        let conn = lock(&self.reader);
        let now = Timestamp::now().as_microsecond();
        let (limit, offset) = (limit.min(10_000) as i64, offset.min(1_000_000) as i64);
        // Every filter is a bound parameter; an absent one is NULL and matches everything.
        let mut stmt = conn.prepare_cached(article_query!(
            "WHERE a.state = 'published' AND a.published_at <= $1 AND ($2 IS NULL OR s.slug = $2) \
             AND ($3 IS NULL OR EXISTS (SELECT 1 FROM article_tags at JOIN tags t ON t.id = at.tag_id \
                                        WHERE at.article_id = a.id AND t.slug = $3)) \
             AND ($4 IS NULL OR EXISTS (SELECT 1 FROM article_authors aa JOIN authors au ON au.id = aa.author_id \
                                        WHERE aa.article_id = a.id AND au.slug = $4)) \
             AND ($5 IS NULL OR a.published_at >= $5) \
             ORDER BY a.published_at DESC, a.id DESC LIMIT $6 OFFSET $7"
        ))?;
        let since = filter.since.map(|t| t.as_microsecond());
        let rows = stmt
            .query_map(params![now, filter.section, filter.tag, filter.author, since, limit, offset], row_parts)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(|p| if people { load_people(&conn, p) } else { to_article(p, vec![], vec![]) }).collect()
    }

    /// How many articles readers can see.
    pub fn published_count(&self) -> Result<i64, StoreError> {
        let conn = lock(&self.reader);
        let now = Timestamp::now().as_microsecond();
        Ok(conn.query_row(
            "SELECT COUNT(*) FROM articles WHERE state = 'published' AND published_at <= $1",
            [now],
            |r| r.get(0),
        )?)
    }

    /// One page of the sitemap: every published article's path, last change and picture, oldest
    /// first so that pages stay stable as new stories arrive.
    pub fn sitemap_entries(&self, limit: usize, offset: usize) -> Result<Vec<SitemapEntry>, StoreError> {
        let conn = lock(&self.reader);
        let now = Timestamp::now().as_microsecond();
        let mut stmt = conn.prepare_cached(
            "SELECT s.slug, a.slug, MAX(a.published_at, COALESCE(a.updated_at, 0), a.modified_at), a.lead_image \
             FROM articles a JOIN sections s ON s.id = a.section_id \
             WHERE a.state = 'published' AND a.published_at <= $1 ORDER BY a.id LIMIT $2 OFFSET $3",
        )?;
        let rows = stmt.query_map(params![now, limit as i64, offset as i64], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?, r.get::<_, Option<String>>(3)?))
        })?;
        rows.map(|row| {
            let (section, slug, modified, image) = row?;
            let image = image.map(|j| serde_json::from_str::<LeadImage>(&j)).transpose()?;
            Ok(SitemapEntry { path: format!("/{section}/{slug}"), modified: ts(modified)?, image })
        })
        .collect()
    }

    /// Display name of a tag or author by slug, if it has any published article.
    pub fn tag_name(&self, slug: &str) -> Result<Option<String>, StoreError> {
        let conn = lock(&self.reader);
        Ok(conn.query_row("SELECT name FROM tags WHERE slug = $1", [slug], |r| r.get(0)).optional()?)
    }

    pub fn author_name(&self, slug: &str) -> Result<Option<String>, StoreError> {
        let conn = lock(&self.reader);
        Ok(conn.query_row("SELECT name FROM authors WHERE slug = $1", [slug], |r| r.get(0)).optional()?)
    }

    /// Path of the newest published article with exactly this headline: resolves a Related
    /// link that names a story we carry.
    pub fn published_path_by_headline(&self, headline: &str) -> Result<Option<String>, StoreError> {
        let conn = lock(&self.reader);
        let now = Timestamp::now().as_microsecond();
        let mut stmt = conn.prepare_cached(
            "SELECT s.slug, a.slug FROM articles a JOIN sections s ON s.id = a.section_id \
             WHERE a.headline = $1 AND a.state = 'published' AND a.published_at <= $2 \
             ORDER BY a.published_at DESC, a.id DESC LIMIT 1",
        )?;
        let row = stmt
            .query_row(params![headline, now], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .optional()?;
        Ok(row.map(|(section, slug)| format!("/{section}/{slug}")))
    }

    /// Sections in their editorial order, with how many published articles each holds.
    pub fn sections(&self) -> Result<Vec<SectionInfo>, StoreError> {
        let conn = lock(&self.reader);
        let now = Timestamp::now().as_microsecond();
        let mut stmt = conn.prepare_cached(
            "SELECT s.name, s.slug, COUNT(a.id) FROM sections s \
             LEFT JOIN articles a ON a.section_id = s.id AND a.state = 'published' AND a.published_at <= $1 \
             GROUP BY s.id ORDER BY s.position, s.id",
        )?;
        let rows =
            stmt.query_map([now], |r| Ok(SectionInfo { name: r.get(0)?, slug: r.get(1)?, published: r.get(2)? }))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The newest event id (0 when none): followers poll this cheaply to notice other writers.
    pub fn latest_event_id(&self) -> Result<i64, StoreError> {
        let conn = lock(&self.reader);
        Ok(conn.query_row("SELECT COALESCE(MAX(id), 0) FROM events", [], |r| r.get(0))?)
    }

    pub fn events_since(&self, after: i64, limit: usize) -> Result<Vec<Event>, StoreError> {
        let conn = lock(&self.reader);
        let mut stmt = conn.prepare_cached(
            "SELECT id, created_at, kind, article_id, payload FROM events WHERE id > $1 ORDER BY id LIMIT $2",
        )?;
        let rows = stmt.query_map(params![after, limit as i64], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get(2)?, r.get(3)?, r.get::<_, String>(4)?))
        })?;
        rows.map(|row| {
            let (id, created, kind, article_id, payload) = row?;
            Ok(Event { id, created_at: ts(created)?, kind, article_id, payload: serde_json::from_str(&payload)? })
        })
        .collect()
    }

    pub fn revisions(&self, id: ArticleId) -> Result<Vec<Revision>, StoreError> {
        let conn = lock(&self.reader);
        let mut stmt = conn.prepare_cached(
            "SELECT number, created_at, actor, snapshot FROM revisions WHERE article_id = $1 ORDER BY number",
        )?;
        let rows = stmt.query_map([id.0], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })?;
        rows.map(|row| {
            let (number, created, actor, snapshot) = row?;
            Ok(Revision { number, created_at: ts(created)?, actor, article: serde_json::from_str(&snapshot)? })
        })
        .collect()
    }

    pub fn article_count(&self) -> Result<i64, StoreError> {
        let conn = lock(&self.reader);
        Ok(conn.query_row("SELECT COUNT(*) FROM articles", [], |r| r.get(0))?)
    }
}

fn connect(path: &Path) -> Result<Connection, StoreError> {
    let open_err = |source| StoreError::Open { path: path.display().to_string(), source };
    let conn = Connection::open(path).map_err(open_err)?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).map_err(open_err)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::NotWal(mode));
    }
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;")
        .map_err(open_err)?;
    Ok(conn)
}

type RowParts = (
    i64,
    Section,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    String,
    Option<String>,
    String,
    Option<i64>,
    Option<i64>,
);

fn row_parts(r: &Row<'_>) -> rusqlite::Result<RowParts> {
    let section_slug: String = r.get(2)?;
    let section = Section {
        name: r.get(1)?,
        slug: Slug::parse(&section_slug)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(e)))?,
    };
    Ok((
        r.get(0)?,
        section,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
        r.get(12)?,
        r.get(13)?,
    ))
}

fn load_people(conn: &Connection, p: RowParts) -> Result<Article, StoreError> {
    let id = p.0;
    let names = |sql: &str| -> Result<Vec<String>, StoreError> {
        let mut stmt = conn.prepare_cached(sql)?;
        let rows = stmt.query_map([id], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    };
    let authors = names(
        "SELECT au.name FROM article_authors aa JOIN authors au ON au.id = aa.author_id \
         WHERE aa.article_id = $1 ORDER BY aa.position",
    )?;
    let tags = names(
        "SELECT t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = $1 ORDER BY at.position",
    )?;
    to_article(p, authors, tags)
}

fn to_article(p: RowParts, authors: Vec<String>, tags: Vec<String>) -> Result<Article, StoreError> {
    let (
        id,
        section,
        slug,
        headline,
        deck,
        lead_image,
        body,
        source,
        language,
        canonical_url,
        state,
        published,
        updated,
    ) = p;
    Ok(Article {
        id: Some(ArticleId(id)),
        section,
        slug: Slug::parse(&slug).map_err(|e| StoreError::Corrupt(format!("article {id}: {e}")))?,
        headline,
        deck,
        lead_image: lead_image.map(|j| serde_json::from_str::<LeadImage>(&j)).transpose()?,
        body: serde_json::from_str::<Vec<Block>>(&body)?,
        source,
        authors,
        tags,
        language,
        canonical_url,
        state: WorkflowState::parse(&state)
            .ok_or_else(|| StoreError::Corrupt(format!("article {id}: state {state:?}")))?,
        published_at: opt_ts(published)?,
        updated_at: opt_ts(updated)?,
    })
}

/// Finds or creates a row keyed by a unique column; returns its id.
fn upsert_named(tx: &Transaction<'_>, insert: &str, select: &str, key: &str, name: &str) -> Result<i64, StoreError> {
    tx.prepare_cached(insert)?.execute(params![key, name])?;
    Ok(tx.prepare_cached(select)?.query_row([key], |r| r.get(0))?)
}

fn section_id(tx: &Transaction<'_>, s: &Section) -> Result<i64, StoreError> {
    upsert_named(
        tx,
        "INSERT INTO sections (slug, name, position) VALUES ($1, $2, (SELECT COALESCE(MAX(position), 0) + 1 FROM sections)) ON CONFLICT (slug) DO NOTHING",
        "SELECT id FROM sections WHERE slug = $1",
        s.slug.as_str(),
        &s.name,
    )
}

fn source_id(tx: &Transaction<'_>, name: Option<&str>) -> Result<Option<i64>, StoreError> {
    let Some(name) = name else { return Ok(None) };
    tx.prepare_cached("INSERT INTO sources (name) VALUES ($1) ON CONFLICT (name) DO NOTHING")?.execute([name])?;
    Ok(Some(tx.prepare_cached("SELECT id FROM sources WHERE name = $1")?.query_row([name], |r| r.get(0))?))
}

fn set_people(tx: &Transaction<'_>, id: i64, article: &Article) -> Result<(), StoreError> {
    tx.execute("DELETE FROM article_authors WHERE article_id = $1", [id])?;
    tx.execute("DELETE FROM article_tags WHERE article_id = $1", [id])?;
    for (pos, name) in article.authors.iter().enumerate() {
        let Some(slug) = Slug::from_title(name) else { continue };
        let author = upsert_named(
            tx,
            "INSERT INTO authors (slug, name) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING",
            "SELECT id FROM authors WHERE slug = $1",
            slug.as_str(),
            name,
        )?;
        tx.execute(
            "INSERT INTO article_authors (article_id, author_id, position) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            params![id, author, pos as i64],
        )?;
    }
    for (pos, name) in article.tags.iter().enumerate() {
        let Some(slug) = Slug::from_title(name) else { continue };
        let tag = upsert_named(
            tx,
            "INSERT INTO tags (slug, name) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING",
            "SELECT id FROM tags WHERE slug = $1",
            slug.as_str(),
            name,
        )?;
        tx.execute(
            "INSERT INTO article_tags (article_id, tag_id, position) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            params![id, tag, pos as i64],
        )?;
    }
    Ok(())
}

/// The first of `slug`, `slug-2`, `slug-3`… that no other article in the section uses.
fn free_slug(tx: &Transaction<'_>, section: i64, slug: &Slug, except: Option<i64>) -> Result<Slug, StoreError> {
    let mut stmt = tx.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM articles WHERE section_id = $1 AND slug = $2 AND id IS NOT $3)",
    )?;
    let mut candidate = slug.clone();
    for n in 2.. {
        let taken: bool = stmt.query_row(params![section, candidate.as_str(), except], |r| r.get(0))?;
        if !taken {
            break;
        }
        candidate = slug.with_suffix(n);
    }
    Ok(candidate)
}

fn insert_article(
    tx: &Transaction<'_>,
    article: &Article,
    external_id: Option<&str>,
    actor: &str,
    now: Timestamp,
) -> Result<SaveOutcome, StoreError> {
    let section = section_id(tx, &article.section)?;
    let source = source_id(tx, article.source.as_deref())?;
    let slug = free_slug(tx, section, &article.slug, None)?;
    let now_us = now.as_microsecond();
    tx.prepare_cached(
        "INSERT INTO articles (section_id, slug, headline, deck, lead_image, body, source_id, language, canonical_url, \
         state, published_at, updated_at, created_at, modified_at, external_id, revision) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, 1)",
    )?
    .execute(params![
        section,
        slug.as_str(),
        article.headline,
        article.deck,
        article.lead_image.as_ref().map(serde_json::to_string).transpose()?,
        serde_json::to_string(&article.body)?,
        source,
        article.language,
        article.canonical_url,
        article.state.as_str(),
        article.published_at.map(|t| t.as_microsecond()),
        article.updated_at.map(|t| t.as_microsecond()),
        now_us,
        external_id,
    ])?;
    let id = tx.last_insert_rowid();
    set_people(tx, id, article)?;
    let saved = Article { id: Some(ArticleId(id)), slug, ..article.clone() };
    write_revision(tx, &saved, 1, actor, now_us)?;
    if saved.state.is_public() {
        write_event(tx, "article.published", &saved, now_us)?;
    }
    Ok(SaveOutcome { id: ArticleId(id), path: saved.path(), status: SaveStatus::Created, revision: 1 })
}

fn update_article(
    tx: &Transaction<'_>,
    id: ArticleId,
    article: &Article,
    actor: &str,
    now: Timestamp,
) -> Result<SaveOutcome, StoreError> {
    let (revision, old_snapshot, old_state): (i64, String, String) = tx
        .query_row(
            "SELECT a.revision, r.snapshot, a.state FROM articles a JOIN revisions r ON r.article_id = a.id AND r.number = a.revision WHERE a.id = $1",
            [id.0],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("article {}", id.0)))?;
    let old: Article = serde_json::from_str(&old_snapshot)?;
    let section = section_id(tx, &article.section)?;
    // A published URL must not move: an update keeps the stored slug within its section.
    let slug = if old.section == article.section {
        old.slug.clone()
    } else {
        free_slug(tx, section, &article.slug, Some(id.0))?
    };
    let new = Article { id: Some(id), slug, ..article.clone() };
    if new == old {
        return Ok(SaveOutcome { id, path: new.path(), status: SaveStatus::Unchanged, revision });
    }
    let source = source_id(tx, new.source.as_deref())?;
    let now_us = now.as_microsecond();
    let revision = revision + 1;
    tx.prepare_cached(
        "UPDATE articles SET section_id = $1, slug = $2, headline = $3, deck = $4, lead_image = $5, body = $6, \
         source_id = $7, language = $8, canonical_url = $9, state = $10, published_at = $11, updated_at = $12, \
         modified_at = $13, revision = $14 WHERE id = $15",
    )?
    .execute(params![
        section,
        new.slug.as_str(),
        new.headline,
        new.deck,
        new.lead_image.as_ref().map(serde_json::to_string).transpose()?,
        serde_json::to_string(&new.body)?,
        source,
        new.language,
        new.canonical_url,
        new.state.as_str(),
        new.published_at.map(|t| t.as_microsecond()),
        new.updated_at.map(|t| t.as_microsecond()),
        now_us,
        revision,
        id.0,
    ])?;
    set_people(tx, id.0, &new)?;
    write_revision(tx, &new, revision, actor, now_us)?;
    let was_public = WorkflowState::parse(&old_state).is_some_and(WorkflowState::is_public);
    let kind = match (was_public, new.state.is_public()) {
        (false, true) => Some("article.published"),
        (true, true) => Some("article.updated"),
        (true, false) => Some("article.unpublished"),
        (false, false) => None,
    };
    if let Some(kind) = kind {
        write_event(tx, kind, &new, now_us)?;
    }
    Ok(SaveOutcome { id, path: new.path(), status: SaveStatus::Updated, revision })
}

fn write_revision(
    tx: &Transaction<'_>,
    article: &Article,
    number: i64,
    actor: &str,
    now_us: i64,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO revisions (article_id, number, created_at, actor, snapshot) VALUES ($1, $2, $3, $4, $5)",
    )?
    .execute(params![article.id.map(|i| i.0), number, now_us, actor, serde_json::to_string(article)?])?;
    Ok(())
}

fn write_event(tx: &Transaction<'_>, kind: &str, article: &Article, now_us: i64) -> Result<(), StoreError> {
    let payload = serde_json::json!({ "path": article.path(), "section": article.section.slug.as_str() });
    tx.prepare_cached("INSERT INTO events (created_at, kind, article_id, payload) VALUES ($1, $2, $3, $4)")?
        .execute(params![now_us, kind, article.id.map(|i| i.0), payload.to_string()])?;
    Ok(())
}

#[cfg(test)]
mod tests;
