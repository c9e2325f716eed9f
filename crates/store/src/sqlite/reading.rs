//! What readers' pages read: a story by its address, lists of published stories (newest first,
//! by section, tag, author or period, keyset or page), sitemap pages, the sections in use, and
//! the names behind tag and author slugs. Every statement here is held to its query plan by
//! `plans.rs`: none may read or sort the whole archive.

use jiff::Timestamp;
use newsdesk_core::Article;
use rusqlite::{Connection, OptionalExtension, params};

use super::rows::{load_people, load_people_many, row_parts, to_article};
use super::{ArticleFilter, NewsEntry, SectionInfo, SectionName, SitemapEntry, Store, ts};
use crate::StoreError;

/// The filters every list of stories shares, given the column that says when a story went live
/// and the one that holds its id: the visible range as the bounds of one index range (up to now,
/// or to a keyset page's or a date archive's end; down to a date archive's start), the keyset,
/// the other lists' memberships, and the stories left out.
macro_rules! live_where {
    ($live:literal, $id:literal) => {
        concat!(
            $live,
            " <= MIN(?1, COALESCE(?2, ?1), COALESCE(?9 - 1, ?1)) \
             AND ",
            $live,
            " >= COALESCE(?7, -9223372036854775808) \
             AND (?2 IS NULL OR ",
            $live,
            " < ?2 OR (",
            $live,
            " = ?2 AND ",
            $id,
            " < ?3)) \
             AND (?4 IS NULL OR EXISTS (SELECT 1 FROM articles x WHERE x.id = ",
            $id,
            " AND x.section_id = ?4)) \
             AND (?5 IS NULL OR EXISTS (SELECT 1 FROM article_tags xt WHERE xt.article_id = ",
            $id,
            " AND xt.tag_id = ?5)) \
             AND (?6 IS NULL OR EXISTS (SELECT 1 FROM article_authors xa \
                                        WHERE xa.article_id = ",
            $id,
            " AND xa.author_id = ?6)) \
             AND (?8 IS NULL OR EXISTS (SELECT 1 FROM articles x WHERE x.id = ",
            $id,
            " AND x.modified_at >= ?8)) \
             AND ",
            $id,
            " NOT IN (SELECT value FROM json_each(?12)) \
             ORDER BY ",
            $live,
            " DESC, ",
            $id,
            " DESC LIMIT ?10 OFFSET ?11"
        )
    };
}

/// Which stories a list shows, newest first, as ids: each statement reads one index range and
/// touches no story's row unless a second filter asks (a section with a tag, say), so a page
/// deep in a section costs its offset in index entries, not in stories read. Parameters are
/// numbered (`?N`) and shared: 1 now, 2-3 the keyset, 4 section id, 5 tag id, 6 author id,
/// 7 since, 8 updated since, 9 until, 10 limit, 11 offset, 12 the ids left out (JSON), 13 the
/// section, tag or author whose own index is read (its filter among 4-6 is then NULL, so no
/// story's row is probed for what the index already says).
const IDS_ALL: &str =
    concat!("SELECT a.id FROM articles a WHERE a.state = 'published' AND ", live_where!("a.published_at", "a.id"));
/// A section's stories, down the (section, state, published_at) index.
const IDS_IN_SECTION: &str = concat!(
    "SELECT a.id FROM articles a WHERE a.section_id = ?13 AND a.state = 'published' AND ",
    live_where!("a.published_at", "a.id")
);
/// A tag's stories, down its own (tag, live_at) index range.
const IDS_WITH_TAG: &str = concat!(
    "SELECT at.article_id FROM article_tags at WHERE at.tag_id = ?13 AND ",
    live_where!("at.live_at", "at.article_id")
);
/// An author's stories, down their own (author, live_at) index range.
const IDS_BY_AUTHOR: &str = concat!(
    "SELECT aa.article_id FROM article_authors aa WHERE aa.author_id = ?13 AND ",
    live_where!("aa.live_at", "aa.article_id")
);

/// The stories behind a list of ids (JSON), in the list's order.
const BY_IDS: &str = article_query!(from "json_each(?1) l CROSS JOIN articles a ON a.id = l.value", "ORDER BY l.key");
/// The same without the bodies (for lists of headlines that are not cards: an article page's
/// Explore reads 36 of them, and parsing their bodies was a quarter of its render).
const TITLES_BY_IDS: &str =
    article_query!(body "'[]'", from "json_each(?1) l CROSS JOIN articles a ON a.id = l.value", "ORDER BY l.key");

/// How much of each story a list reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// Everything, authors and tags included.
    Whole,
    /// Without authors and tags.
    Headlines,
    /// Without authors, tags or body.
    Titles,
}

/// [`Store::published_by_id`]'s query. The unary `+` keeps SQLite off the (state,
/// published_at) index, which it would otherwise pick, reading every published story and
/// sorting them all for each page.
pub(super) const PUBLISHED_BY_ID: &str =
    article_query!("WHERE a.id > $1 AND +a.state = 'published' AND +a.published_at <= $2 ORDER BY a.id LIMIT $3");

impl Store {
    /// The published article at `/{section}/{slug}`, if any.
    pub fn published_by_path(&self, section: &str, slug: &str) -> Result<Option<Article>, StoreError> {
        let conn = self.reader();
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
        self.list(filter, limit, offset, Reading::Whole)
    }

    /// As [`Store::latest_published`], without authors and tags (left empty): for lists that
    /// show headlines only, at a fraction of the queries.
    pub fn latest_headlines(
        &self,
        filter: &ArticleFilter<'_>,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<Article>, StoreError> {
        self.list(filter, limit, offset, Reading::Headlines)
    }

    /// As [`Store::latest_headlines`], without the bodies (left empty): for lists of headlines
    /// only. A tag or author filter is read as `latest_headlines` reads it.
    pub fn latest_titles(&self, filter: &ArticleFilter<'_>, limit: usize) -> Result<Vec<Article>, StoreError> {
        self.list(filter, limit, 0, Reading::Titles)
    }

    /// Up to `limit` of the articles readers can see with an id above `after`, in id order: the
    /// order the table is stored in, so reading them all (a search index rebuild) reads the file
    /// front to back instead of jumping about it in publishing order, which an imported archive
    /// does not share. The next page starts after the last id returned.
    pub fn published_by_id(&self, after: i64, limit: usize) -> Result<Vec<Article>, StoreError> {
        let conn = self.reader();
        let now = Timestamp::now().as_microsecond();
        let mut stmt = conn.prepare_cached(PUBLISHED_BY_ID)?;
        let rows =
            stmt.query_map(params![after, now, limit.min(10_000) as i64], row_parts)?.collect::<Result<Vec<_>, _>>()?;
        load_people_many(&conn, rows)
    }

    fn list(
        &self,
        filter: &ArticleFilter<'_>,
        limit: usize,
        offset: usize,
        reading: Reading,
    ) -> Result<Vec<Article>, StoreError> {
        // One snapshot for the ids and their stories: a story unpublished between the two
        // reads is in neither.
        let conn = self.reader();
        let tx = conn.unchecked_transaction()?;
        let ids = list_ids(&tx, filter, limit, offset)?;
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let rows = tx
            .prepare_cached(if reading == Reading::Titles { TITLES_BY_IDS } else { BY_IDS })?
            .query_map([serde_json::to_string(&ids)?], row_parts)?
            .collect::<Result<Vec<_>, _>>()?;
        let articles = if reading == Reading::Whole {
            load_people_many(&tx, rows)?
        } else {
            rows.into_iter().map(|p| to_article(p, vec![], vec![])).collect::<Result<_, _>>()?
        };
        tx.commit()?;
        Ok(articles)
    }

    /// How many articles readers can see.
    pub fn published_count(&self) -> Result<i64, StoreError> {
        let conn = self.reader();
        let now = Timestamp::now().as_microsecond();
        Ok(conn.query_row(
            "SELECT COUNT(*) FROM articles WHERE state = 'published' AND published_at <= $1",
            [now],
            |r| r.get(0),
        )?)
    }

    /// One page of the sitemap: the published stories whose ids lie in `first..=last`, in id
    /// order, with their path, last change and picture. Pages are id ranges, so a page deep in a
    /// large archive is a range read rather than an offset counted from the start, and it reads
    /// the `articles_sitemap` index and the lead-picture table only, never a story's row
    /// (migration 0019 says why).
    pub fn sitemap_entries(&self, first: i64, last: i64) -> Result<Vec<SitemapEntry>, StoreError> {
        let conn = self.reader();
        let now = Timestamp::now().as_microsecond();
        let mut stmt = conn.prepare_cached(
            "SELECT s.slug, a.slug, MAX(a.published_at, COALESCE(a.updated_at, 0), a.modified_at), l.asset \
             FROM articles a INDEXED BY articles_sitemap JOIN sections s ON s.id = a.section_id \
             LEFT JOIN article_lead_assets l ON l.article_id = a.id \
             WHERE a.id BETWEEN $1 AND $2 AND a.state = 'published' AND a.published_at <= $3 ORDER BY a.id",
        )?;
        let rows = stmt.query_map(params![first, last, now], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?, r.get::<_, Option<String>>(3)?))
        })?;
        rows.map(|row| {
            let (section, slug, modified, image_asset) = row?;
            Ok(SitemapEntry { path: format!("/{section}/{slug}"), modified: ts(modified)?, image_asset })
        })
        .collect()
    }

    /// Up to `limit` stories published since `since`, newest first, with only what the news
    /// sitemap shows of them (a lighter read than a list of whole stories: a thousand of them
    /// were 4.5 ms, most of it spent building stories the sitemap did not need).
    pub fn news_entries(&self, since: Timestamp, limit: usize) -> Result<Vec<NewsEntry>, StoreError> {
        let conn = self.reader();
        let now = Timestamp::now().as_microsecond();
        let mut stmt = conn.prepare_cached(
            "SELECT a.id, s.slug, a.slug, a.headline, a.language, a.published_at, \
                    MAX(a.published_at, COALESCE(a.updated_at, 0)) \
             FROM articles a INDEXED BY articles_news JOIN sections s ON s.id = a.section_id \
             WHERE a.state = 'published' AND a.published_at <= $1 AND a.published_at >= $2 \
             ORDER BY a.published_at DESC, a.id DESC LIMIT $3",
        )?;
        let rows = stmt.query_map(params![now, since.as_microsecond(), limit.min(10_000) as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, i64>(6)?,
            ))
        })?;
        rows.map(|row| {
            let (id, section, slug, headline, language, published, modified) = row?;
            Ok(NewsEntry {
                id,
                path: format!("/{section}/{slug}"),
                headline,
                language,
                published: ts(published)?,
                modified: ts(modified)?,
            })
        })
        .collect()
    }

    /// The id-ranged sitemap pages (page n holds ids `(n-1)·size + 1 ..= n·size`) that hold at
    /// least one story readers can see: a walk down the published stories' ids, one seek per
    /// page that has one (to its first live story, then past the page's end), so the index
    /// costs the number of pages in index entries, never a story's row.
    pub fn sitemap_pages(&self, size: i64) -> Result<Vec<i64>, StoreError> {
        let conn = self.reader();
        // One read transaction for the walk: each statement on its own would take and release
        // the database's shared lock, a system call pair per page.
        let tx = conn.unchecked_transaction()?;
        let now = Timestamp::now().as_microsecond();
        let mut next = tx.prepare_cached(
            "SELECT a.id FROM articles a INDEXED BY articles_state_ids \
             WHERE a.state = 'published' AND a.id >= $1 AND a.published_at <= $2 ORDER BY a.id LIMIT 1",
        )?;
        let size = size.max(1);
        let (mut pages, mut from) = (vec![], 1);
        while let Some(id) = next.query_row(params![from, now], |r| r.get::<_, i64>(0)).optional()? {
            let page = (id - 1) / size + 1;
            pages.push(page);
            from = page * size + 1;
        }
        drop(next);
        tx.commit()?;
        Ok(pages)
    }

    /// Display name of a tag or author by slug, if it has any published article.
    pub fn tag_name(&self, slug: &str) -> Result<Option<String>, StoreError> {
        let conn = self.reader();
        Ok(conn.query_row("SELECT name FROM tags WHERE slug = $1", [slug], |r| r.get(0)).optional()?)
    }

    pub fn author_name(&self, slug: &str) -> Result<Option<String>, StoreError> {
        let conn = self.reader();
        Ok(conn.query_row("SELECT name FROM authors WHERE slug = $1", [slug], |r| r.get(0)).optional()?)
    }

    /// Path of the newest published article with exactly this headline: resolves a Related
    /// link that names a story we carry.
    pub fn published_path_by_headline(&self, headline: &str) -> Result<Option<String>, StoreError> {
        let conn = self.reader();
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

    /// Sections in their editorial order that readers can see a story in: what every page's
    /// navigation shows. One index probe per section (`published` is 1 or 0, not a count), so it
    /// costs the same at a million stories as at ten.
    pub fn live_sections(&self) -> Result<Vec<SectionInfo>, StoreError> {
        let conn = self.reader();
        let now = Timestamp::now().as_microsecond();
        let mut stmt = conn.prepare_cached(
            "SELECT s.name, s.slug, EXISTS (SELECT 1 FROM articles a WHERE a.section_id = s.id \
               AND a.state = 'published' AND a.published_at <= $1) \
             FROM sections s ORDER BY s.position, s.id",
        )?;
        let rows =
            stmt.query_map([now], |r| Ok(SectionInfo { name: r.get(0)?, slug: r.get(1)?, published: r.get(2)? }))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?.into_iter().filter(|s| s.published > 0).collect())
    }

    /// Every section in its editorial order, without counting anything: what the newsroom's
    /// pickers and filters list on each page view.
    pub fn section_names(&self) -> Result<Vec<SectionName>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached("SELECT name, slug FROM sections ORDER BY position, id")?;
        let rows = stmt.query_map([], |r| Ok(SectionName { name: r.get(0)?, slug: r.get(1)? }))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Sections in their editorial order, with how many published articles each holds (every
    /// live story counted: for the Content API's list, not for every page).
    pub fn sections(&self) -> Result<Vec<SectionInfo>, StoreError> {
        let conn = self.reader();
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
}

/// The ids of a list's stories, newest first. Every filter is a bound parameter; an absent
/// one is NULL and matches everything. The list is read from the narrowest index that
/// holds it in publishing order: a tag's or author's own rows, a section's, or the whole
/// site's. A section, tag or author that does not exist lists nothing.
fn list_ids(
    conn: &Connection,
    filter: &ArticleFilter<'_>,
    limit: usize,
    offset: usize,
) -> Result<Vec<i64>, StoreError> {
    let id_of = |sql: &str, slug: Option<&str>| -> Result<Option<Option<i64>>, StoreError> {
        match slug {
            None => Ok(Some(None)),
            Some(slug) => Ok(conn.prepare_cached(sql)?.query_row([slug], |r| r.get(0)).optional()?.map(Some)),
        }
    };
    let (Some(section), Some(tag), Some(author)) = (
        id_of("SELECT id FROM sections WHERE slug = $1", filter.section)?,
        id_of("SELECT id FROM tags WHERE slug = $1", filter.tag)?,
        id_of("SELECT id FROM authors WHERE slug = $1", filter.author)?,
    ) else {
        return Ok(vec![]);
    };
    let (mut section, mut tag, mut author) = (section, tag, author);
    let (sql, by) = match (tag, author, section) {
        (Some(_), _, _) => (IDS_WITH_TAG, tag.take()),
        (None, Some(_), _) => (IDS_BY_AUTHOR, author.take()),
        (None, None, Some(_)) => (IDS_IN_SECTION, section.take()),
        (None, None, None) => (IDS_ALL, None),
    };
    let now = Timestamp::now().as_microsecond();
    let (limit, offset) = (limit.min(10_000) as i64, offset.min(1_000_000) as i64);
    let micros = |t: Option<Timestamp>| t.map(|t| t.as_microsecond());
    let (before_at, before_id) = filter.before.map(|(t, id)| (t.as_microsecond(), id)).unzip();
    let exclude = serde_json::to_string(filter.exclude)?;
    let (since, updated_since, until) = (micros(filter.since), micros(filter.updated_since), micros(filter.until));
    let values: [&dyn rusqlite::ToSql; 13] = [
        &now,
        &before_at,
        &before_id,
        &section,
        &tag,
        &author,
        &since,
        &updated_since,
        &until,
        &limit,
        &offset,
        &exclude,
        &by,
    ];
    let mut stmt = conn.prepare_cached(sql)?;
    // The whole-site list has no index of its own to name (parameter 13).
    let values = &values[..stmt.parameter_count()];
    let ids = stmt.query_map(values, |r| r.get(0))?.collect::<Result<Vec<i64>, _>>()?;
    Ok(ids)
}
