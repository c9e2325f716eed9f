//! The write path: an article, its people and section, a revision and an event, all inside the
//! caller's transaction.

use jiff::Timestamp;
use newsdesk_core::article::Section;
use newsdesk_core::{Article, ArticleId, Slug};
use rusqlite::{Connection, OptionalExtension, params};

use super::{EventKind, SaveOutcome, SaveStatus};
use crate::{Missing, StoreError};

/// Finds or creates a row keyed by a unique column; returns its id.
fn upsert_named(tx: &Connection, insert: &str, select: &str, key: &str, name: &str) -> Result<i64, StoreError> {
    tx.prepare_cached(insert)?.execute(params![key, name])?;
    Ok(tx.prepare_cached(select)?.query_row([key], |r| r.get(0))?)
}

fn section_id(tx: &Connection, s: &Section) -> Result<i64, StoreError> {
    upsert_named(
        tx,
        "INSERT INTO sections (slug, name, position) VALUES ($1, $2, (SELECT COALESCE(MAX(position), 0) + 1 FROM sections)) ON CONFLICT (slug) DO NOTHING",
        "SELECT id FROM sections WHERE slug = $1",
        s.slug.as_str(),
        &s.name,
    )
}

fn source_id(tx: &Connection, name: Option<&str>) -> Result<Option<i64>, StoreError> {
    let Some(name) = name else { return Ok(None) };
    tx.prepare_cached("INSERT INTO sources (name) VALUES ($1) ON CONFLICT (name) DO NOTHING")?.execute([name])?;
    Ok(Some(tx.prepare_cached("SELECT id FROM sources WHERE name = $1")?.query_row([name], |r| r.get(0))?))
}

fn set_people(tx: &Connection, id: i64, article: &Article) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM article_authors WHERE article_id = $1")?.execute([id])?;
    tx.prepare_cached("DELETE FROM article_tags WHERE article_id = $1")?.execute([id])?;
    for (pos, name) in article.authors.iter().enumerate() {
        let Some(slug) = Slug::from_title(name) else { continue };
        let author = upsert_named(
            tx,
            "INSERT INTO authors (slug, name) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING",
            "SELECT id FROM authors WHERE slug = $1",
            slug.as_str(),
            name,
        )?;
        tx.prepare_cached(
            "INSERT INTO article_authors (article_id, author_id, position) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )?
        .execute(params![id, author, pos as i64])?;
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
        tx.prepare_cached(
            "INSERT INTO article_tags (article_id, tag_id, position) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )?
        .execute(params![id, tag, pos as i64])?;
    }
    Ok(())
}

/// The first of `slug`, `slug-2`, `slug-3`… that no other article in the section uses.
fn free_slug(tx: &Connection, section: i64, slug: &Slug, except: Option<i64>) -> Result<Slug, StoreError> {
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

pub(super) fn insert_article(
    tx: &Connection,
    article: &Article,
    external_id: Option<&str>,
    meta: &StoryMeta,
    actor: &str,
    now: Timestamp,
) -> Result<SaveOutcome, StoreError> {
    let article = &settle_visibility(&article.without_forbidden_chars(), now);
    let section = section_id(tx, &article.section)?;
    let source = source_id(tx, article.source.as_deref())?;
    let slug = free_slug(tx, section, &article.slug, None)?;
    let now_us = now.as_microsecond();
    tx.prepare_cached(
        "INSERT INTO articles (section_id, slug, headline, deck, lead_image, body, source_id, language, canonical_url, \
         state, published_at, updated_at, created_at, modified_at, external_id, revision, embargo_until, based_on, \
         corrections, desk, owner_id, promo) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, 1, $15, $16, $17, $18, $19, $20)",
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
        article.embargo.map(|t| t.as_microsecond()),
        article.based_on,
        corrections_json(article)?,
        meta.desk,
        meta.owner,
        promo_json(article)?,
    ])?;
    let id = tx.last_insert_rowid();
    set_people(tx, id, article)?;
    super::embeds::note_embeds(tx, article)?;
    let saved = Article { id: Some(ArticleId(id)), slug, ..article.clone() };
    write_revision(tx, &saved, 1, actor, now_us, true)?;
    announce(tx, None, &saved, now)?;
    Ok(SaveOutcome { id: ArticleId(id), path: saved.path(), status: SaveStatus::Created, revision: 1 })
}

pub(super) fn update_article(
    tx: &Connection,
    id: ArticleId,
    article: &Article,
    from_source: bool,
    actor: &str,
    now: Timestamp,
) -> Result<SaveOutcome, StoreError> {
    let (revision, old_snapshot): (i64, String) = tx
        .query_row(
            "SELECT a.revision, r.snapshot FROM articles a JOIN revisions r ON r.article_id = a.id AND r.number = a.revision WHERE a.id = $1",
            [id.0],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| StoreError::not_found(Missing::Article, id.0))?;
    let old: Article = serde_json::from_str(&old_snapshot)?;
    let article = &settle_visibility(&article.without_forbidden_chars(), now);
    // A new version from the source updates the story where the newsroom filed it: the section is
    // an editorial decision, not the provider's.
    let article =
        &if from_source { Article { section: old.section.clone(), ..article.clone() } } else { article.clone() };
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
    let revision = next_revision(tx, id)?;
    tx.prepare_cached(
        "UPDATE articles SET section_id = $1, slug = $2, headline = $3, deck = $4, lead_image = $5, body = $6, \
         source_id = $7, language = $8, canonical_url = $9, state = $10, published_at = $11, updated_at = $12, \
         modified_at = $13, revision = $14, embargo_until = $15, based_on = $16, corrections = $17, promo = $18 \
         WHERE id = $19",
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
        new.embargo.map(|t| t.as_microsecond()),
        new.based_on,
        corrections_json(&new)?,
        promo_json(&new)?,
        id.0,
    ])?;
    set_people(tx, id.0, &new)?;
    super::embeds::note_embeds(tx, &new)?;
    write_revision(tx, &new, revision, actor, now_us, true)?;
    announce(tx, Some(&old), &new, now)?;
    Ok(SaveOutcome { id, path: new.path(), status: SaveStatus::Updated, revision })
}

/// Newsroom facts about a story that are not part of what readers see.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoryMeta {
    pub desk: Option<String>,
    pub owner: Option<i64>,
}

/// A public story is seen from the later of its publication time and its embargo: the stored
/// publication time says so, and every reader query (page, lists, feeds, sitemaps, APIs) only
/// shows what is published at or before now. A public story without a time goes out now.
pub(super) fn settle_visibility(article: &Article, now: Timestamp) -> Article {
    let mut a = article.clone();
    if a.state.is_public() {
        let at = a.published_at.unwrap_or(now);
        a.published_at = Some(match a.embargo {
            Some(e) if e > at => e,
            _ => at,
        });
    }
    a
}

/// Where a story shows on the reader site: its section, tags and authors (as slugs), the time
/// that orders it in every list, and the headline (Related links find stories by it).
fn placement(a: &Article) -> serde_json::Value {
    let slugs = |names: &[String]| -> Vec<String> {
        names.iter().filter_map(|n| newsdesk_core::Slug::from_title(n)).map(String::from).collect()
    };
    serde_json::json!({
        "section": a.section.slug.as_str(),
        "tags": slugs(&a.tags),
        "authors": slugs(&a.authors),
        "published_at": a.published_at.map(|t| t.as_microsecond()),
        "headline": a.headline,
    })
}

fn promo_json(a: &Article) -> Result<Option<String>, StoreError> {
    Ok(if a.promo.is_empty() { None } else { Some(serde_json::to_string(&a.promo)?) })
}

fn corrections_json(a: &Article) -> Result<Option<String>, StoreError> {
    Ok(if a.corrections.is_empty() { None } else { Some(serde_json::to_string(&a.corrections)?) })
}

pub(super) fn next_revision(tx: &Connection, id: ArticleId) -> Result<i64, StoreError> {
    Ok(tx
        .prepare_cached("SELECT COALESCE(MAX(number), 0) + 1 FROM revisions WHERE article_id = $1")?
        .query_row([id.0], |r| r.get(0))?)
}

/// The event a change makes, if readers can tell: published, updated, corrected or unpublished.
/// A story that is public but not yet visible (scheduled time or embargo ahead) announces
/// nothing now; a `release` job announces it when its time comes.
fn announce(tx: &Connection, old: Option<&Article>, new: &Article, now: Timestamp) -> Result<(), StoreError> {
    let visible = |a: &Article| a.is_live(now);
    let was = old.is_some_and(visible);
    let kind = match (was, visible(new)) {
        (false, true) => Some(EventKind::Published),
        (true, true) if new.corrections.len() > old.map_or(0, |o| o.corrections.len()) => Some(EventKind::Corrected),
        (true, true) => Some(EventKind::Updated),
        (true, false) => Some(EventKind::Unpublished),
        (false, false) => None,
    };
    let now_us = now.as_microsecond();
    if let Some(kind) = kind {
        write_event(tx, kind, new, old.filter(|o| visible(o)), now_us)?;
    }
    let id = new.id.map(|i| i.0);
    // Whatever was waiting to announce this story is replaced by what its new state needs.
    tx.prepare_cached(
        "UPDATE scheduled_jobs SET done_at = $1, done_by = 'save', outcome = 'superseded' \
         WHERE article_id = $2 AND kind = 'release' AND done_at IS NULL",
    )?
    .execute(params![now_us, id])?;
    if let (true, Some(at)) = (new.state.is_public(), new.published_at.filter(|p| *p > now)) {
        tx.prepare_cached(
            "INSERT INTO scheduled_jobs (kind, article_id, run_at, created_at) VALUES ('release', $1, $2, $3)",
        )?
        .execute(params![id, at.as_microsecond(), now_us])?;
    }
    Ok(())
}

pub(super) fn write_revision(
    tx: &Connection,
    article: &Article,
    number: i64,
    actor: &str,
    now_us: i64,
    applied: bool,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO revisions (article_id, number, created_at, actor, snapshot, applied) VALUES ($1, $2, $3, $4, $5, $6)",
    )?
    .execute(params![article.id.map(|i| i.0), number, now_us, actor, serde_json::to_string(article)?, applied])?;
    Ok(())
}

/// Records that readers can tell `article` changed. Beside its path and section, the payload
/// says where readers found the story before (`was`: the version they could see, if any) and
/// where they find it now (`now`, unless the change took it away), so followers such as the
/// page cache can tell exactly which pages and lists changed.
pub(super) fn write_event(
    tx: &Connection,
    kind: EventKind,
    article: &Article,
    was: Option<&Article>,
    now_us: i64,
) -> Result<(), StoreError> {
    let now = (kind != EventKind::Unpublished).then(|| placement(article));
    let payload = serde_json::json!({
        "path": article.path(),
        "section": article.section.slug.as_str(),
        "was": was.map(placement),
        "now": now,
    });
    tx.prepare_cached("INSERT INTO events (created_at, kind, article_id, payload) VALUES ($1, $2, $3, $4)")?
        .execute(params![now_us, kind.as_str(), article.id.map(|i| i.0), payload.to_string()])?;
    Ok(())
}
