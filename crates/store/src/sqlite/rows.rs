//! Rows into articles: the columns every article query selects (`article_query!`), and the
//! authors and tags read beside them.

use std::collections::HashMap;

use newsdesk_core::article::{LeadImage, Section};
use newsdesk_core::{Article, ArticleId, Block, Slug, WorkflowState};
use rusqlite::{Connection, Row};

use super::opt_ts;
use crate::StoreError;

pub(super) type RowParts = (
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
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
);

pub(super) fn row_parts(r: &Row<'_>) -> rusqlite::Result<RowParts> {
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
        r.get(14)?,
        r.get(15)?,
        r.get(16)?,
        r.get(17)?,
    ))
}

/// An article from its row, with its authors and tags.
pub(super) fn load_people(conn: &Connection, p: RowParts) -> Result<Article, StoreError> {
    let id = p.0;
    load_people_many(conn, vec![p])?.pop().ok_or_else(|| StoreError::Corrupt(format!("article {id}: row lost")))
}

/// Articles from their rows, in order, with their authors and tags: two queries for the whole
/// list, not two per article (a rebuild of the search index spent half its reading time on
/// those). The ids go in as one JSON array parameter, read by SQLite's `json_each`.
pub(super) fn load_people_many(conn: &Connection, parts: Vec<RowParts>) -> Result<Vec<Article>, StoreError> {
    if parts.is_empty() {
        return Ok(vec![]);
    }
    let ids = serde_json::to_string(&parts.iter().map(|p| p.0).collect::<Vec<i64>>())?;
    let names = |sql: &str| -> Result<HashMap<i64, Vec<String>>, StoreError> {
        let mut stmt = conn.prepare_cached(sql)?;
        let mut out: HashMap<i64, Vec<String>> = HashMap::new();
        for row in stmt.query_map([&ids], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
            let (id, name) = row?;
            out.entry(id).or_default().push(name);
        }
        Ok(out)
    };
    let mut authors = names(
        "SELECT aa.article_id, au.name FROM article_authors aa JOIN authors au ON au.id = aa.author_id \
         WHERE aa.article_id IN (SELECT value FROM json_each($1)) ORDER BY aa.article_id, aa.position",
    )?;
    let mut tags = names(
        "SELECT at.article_id, t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id \
         WHERE at.article_id IN (SELECT value FROM json_each($1)) ORDER BY at.article_id, at.position",
    )?;
    parts
        .into_iter()
        .map(|p| {
            let id = p.0;
            to_article(p, authors.remove(&id).unwrap_or_default(), tags.remove(&id).unwrap_or_default())
        })
        .collect()
}

pub(super) fn to_article(p: RowParts, authors: Vec<String>, tags: Vec<String>) -> Result<Article, StoreError> {
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
        embargo,
        based_on,
        corrections,
        promo,
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
        embargo: opt_ts(embargo)?,
        based_on,
        corrections: corrections.map(|j| serde_json::from_str(&j)).transpose()?.unwrap_or_default(),
        promo: promo.map(|j| serde_json::from_str(&j)).transpose()?.unwrap_or_default(),
    })
}
