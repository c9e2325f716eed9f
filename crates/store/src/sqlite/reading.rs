//! What readers' pages read: a story by its address, lists of published stories (newest first,
//! by section, tag, author or period, keyset or page), sitemap pages, the sections in use, and
//! the names behind tag and author slugs. Every statement here is held to its query plan by
//! `plans.rs`: none may read or sort the whole archive.

use jiff::Timestamp;
use newsdesk_core::Article;
use newsdesk_core::article::LeadImage;
use rusqlite::{OptionalExtension, params};

use super::rows::{load_people, load_people_many, row_parts, to_article};
use super::{ArticleFilter, SectionInfo, SectionName, SitemapEntry, Store, ts};
use crate::StoreError;

/// The filters of [`Store::latest_published`], shared by its two plans.
macro_rules! list_published_where {
    () => {
        "WHERE a.state = 'published' AND a.published_at <= MIN(?1, COALESCE(?2, ?1)) \
         AND (?2 IS NULL OR a.published_at < ?2 OR (a.published_at = ?2 AND a.id < ?3)) \
         AND (?4 IS NULL OR s.slug = ?4) \
         AND (?5 IS NULL OR EXISTS (SELECT 1 FROM article_tags at JOIN tags t ON t.id = at.tag_id \
                                    WHERE at.article_id = a.id AND t.slug = ?5)) \
         AND (?6 IS NULL OR EXISTS (SELECT 1 FROM article_authors aa JOIN authors au ON au.id = aa.author_id \
                                    WHERE aa.article_id = a.id AND au.slug = ?6)) \
         AND (?7 IS NULL OR a.published_at >= ?7) \
         AND (?8 IS NULL OR a.modified_at >= ?8) \
         AND (?9 IS NULL OR a.published_at < ?9) \
         ORDER BY a.published_at DESC, a.id DESC LIMIT ?10 OFFSET ?11"
    };
}

/// Stories newest first, read down the publishing-order index.
const LIST_PUBLISHED: &str = article_query!(list_published_where!());

/// The same without the stories' bodies (for lists of headlines that are not cards: an article
/// page's Explore reads 36 of them, and parsing their bodies was a quarter of its render).
const LIST_TITLES: &str = article_query!(body "'[]'", from "articles a", list_published_where!());

/// The same, for a tag or author with few stories: their own lists first, each story looked up
/// by id, then sorted. Parameters are numbered (`?N`): the list comes before the filters, and
/// SQLite numbers named ones (`$N`) by where they first appear.
const LIST_PUBLISHED_FROM_FEW: &str = article_query!(
    from "(SELECT at.article_id AS id FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE t.slug = ?5 \
           UNION SELECT aa.article_id FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE au.slug = ?6) l \
          CROSS JOIN articles a ON a.id = l.id",
    list_published_where!()
);

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

/// Below this many stories a tag's or author's list is read from its own rows and sorted.
const FEW_ENOUGH_TO_SORT: i64 = 2_000;

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
        let conn = self.reader();
        let now = Timestamp::now().as_microsecond();
        let (limit, offset) = (limit.min(10_000) as i64, offset.min(1_000_000) as i64);
        // Every filter is a bound parameter; an absent one is NULL and matches everything. The
        // upper bound is one expression (now, or the keyset's `before` if earlier) so the index
        // range starts at the page asked for: with the keyset only in the OR, SQLite read from
        // the newest story down to it (100 ms a page at a depth of 990,000 stories, 5 ms now),
        // and with two upper bounds it takes the first.
        //
        // A tag or author with few stories is read from its own list and sorted (few rows); a
        // common one, or none, from the publishing-order index, which soon finds a page of them.
        // Left to the index, a tag on 51 of 100,000 stories read nearly all of them (76 ms).
        let few = match (filter.tag, filter.author) {
            (None, None) => false,
            (tag, author) => {
                let mut stmt = conn.prepare_cached(
                    "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM article_tags at JOIN tags t ON t.id = at.tag_id \
                       WHERE t.slug = ?1 LIMIT ?3)) + \
                     (SELECT COUNT(*) FROM (SELECT 1 FROM article_authors aa JOIN authors au ON au.id = aa.author_id \
                       WHERE au.slug = ?2 LIMIT ?3))",
                )?;
                let n: i64 = stmt.query_row(params![tag, author, FEW_ENOUGH_TO_SORT], |r| r.get(0))?;
                n < FEW_ENOUGH_TO_SORT
            }
        };
        let mut stmt = conn.prepare_cached(match (few, reading) {
            (true, _) => LIST_PUBLISHED_FROM_FEW,
            (false, Reading::Titles) => LIST_TITLES,
            (false, _) => LIST_PUBLISHED,
        })?;
        let until = filter.until.map(|t| t.as_microsecond());
        let since = filter.since.map(|t| t.as_microsecond());
        let updated_since = filter.updated_since.map(|t| t.as_microsecond());
        let (before_at, before_id) = filter.before.map(|(t, id)| (t.as_microsecond(), id)).unzip();
        let rows = stmt
            .query_map(
                params![
                    now,
                    before_at,
                    before_id,
                    filter.section,
                    filter.tag,
                    filter.author,
                    since,
                    updated_since,
                    until,
                    limit,
                    offset
                ],
                row_parts,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        if reading == Reading::Whole {
            load_people_many(&conn, rows)
        } else {
            rows.into_iter().map(|p| to_article(p, vec![], vec![])).collect()
        }
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

    /// One page of the sitemap: every published article's path, last change and picture, oldest
    /// first so that pages stay stable as new stories arrive.
    /// The published stories whose ids lie in `first..=last`, in id order: one article sitemap
    /// page. Pages are id ranges, so a page deep in a large archive is a range read of the table
    /// (the unary `+` keeps SQLite on the id) rather than an offset counted from the start.
    pub fn sitemap_entries(&self, first: i64, last: i64) -> Result<Vec<SitemapEntry>, StoreError> {
        let conn = self.reader();
        let now = Timestamp::now().as_microsecond();
        let mut stmt = conn.prepare_cached(
            "SELECT s.slug, a.slug, MAX(a.published_at, COALESCE(a.updated_at, 0), a.modified_at), a.lead_image \
             FROM articles a JOIN sections s ON s.id = a.section_id \
             WHERE a.id BETWEEN $1 AND $2 AND +a.state = 'published' AND +a.published_at <= $3 ORDER BY a.id",
        )?;
        let rows = stmt.query_map(params![first, last, now], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?, r.get::<_, Option<String>>(3)?))
        })?;
        rows.map(|row| {
            let (section, slug, modified, image) = row?;
            let image = image.map(|j| serde_json::from_str::<LeadImage>(&j)).transpose()?;
            Ok(SitemapEntry { path: format!("/{section}/{slug}"), modified: ts(modified)?, image })
        })
        .collect()
    }

    /// The id-ranged sitemap pages (page n holds ids `(n-1)·size + 1 ..= n·size`) that hold at
    /// least one story readers can see: one probe per page, each stopping at its first live
    /// story, so the index costs the number of pages, not the number of stories.
    pub fn sitemap_pages(&self, size: i64) -> Result<Vec<i64>, StoreError> {
        let conn = self.reader();
        let now = Timestamp::now().as_microsecond();
        let max: i64 = conn.query_row("SELECT COALESCE(MAX(id), 0) FROM articles", [], |r| r.get(0))?;
        let mut probe = conn.prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM articles a WHERE a.id BETWEEN $1 AND $2 \
               AND +a.state = 'published' AND +a.published_at <= $3)",
        )?;
        let mut pages = vec![];
        let size = size.max(1);
        for n in 1..=(max + size - 1) / size {
            if probe.query_row(params![(n - 1) * size + 1, n * size, now], |r| r.get::<_, bool>(0))? {
                pages.push(n);
            }
        }
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
