//! Tags and authors as lists, and the Content API's client keys.

use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::{Store, lock, ts};
use crate::{Missing, StoreError};

/// A tag or an author with how many published articles carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedCount {
    pub slug: String,
    pub name: String,
    pub published: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyScope {
    /// Reads the Content API.
    Content,
    /// Pushes wire items to `POST /api/ingest`.
    Ingest,
}

impl KeyScope {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyScope::Content => "content",
            KeyScope::Ingest => "ingest",
        }
    }

    fn parse(s: &str) -> Result<KeyScope, StoreError> {
        match s {
            "content" => Ok(KeyScope::Content),
            "ingest" => Ok(KeyScope::Ingest),
            other => Err(StoreError::Corrupt(format!("key scope {other:?}"))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiKey {
    pub id: i64,
    pub name: String,
    pub scope: KeyScope,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

impl Store {
    /// Tags with at least one published article, most used first.
    pub fn tags(&self, limit: usize) -> Result<Vec<NamedCount>, StoreError> {
        self.named_counts(
            "SELECT t.slug, t.name, COUNT(a.id) AS n FROM tags t \
             JOIN article_tags at ON at.tag_id = t.id \
             JOIN articles a ON a.id = at.article_id AND a.state = 'published' AND a.published_at <= $1 \
             GROUP BY t.id ORDER BY n DESC, t.slug LIMIT $2",
            limit,
        )
    }

    /// Authors with at least one published article, by name.
    pub fn authors(&self, limit: usize) -> Result<Vec<NamedCount>, StoreError> {
        self.named_counts(
            "SELECT au.slug, au.name, COUNT(a.id) AS n FROM authors au \
             JOIN article_authors aa ON aa.author_id = au.id \
             JOIN articles a ON a.id = aa.article_id AND a.state = 'published' AND a.published_at <= $1 \
             GROUP BY au.id ORDER BY au.name, au.slug LIMIT $2",
            limit,
        )
    }

    fn named_counts(&self, sql: &str, limit: usize) -> Result<Vec<NamedCount>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(sql)?;
        let rows = stmt.query_map(params![Timestamp::now().as_microsecond(), limit.min(10_000) as i64], |r| {
            Ok(NamedCount { slug: r.get(0)?, name: r.get(1)?, published: r.get(2)? })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Adds view counts for one hour (hours since the epoch) in one transaction.
    pub fn add_views(&self, hour: i64, counts: &[(i64, u32)]) -> Result<(), StoreError> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for (article, count) in counts {
            // An article deleted since it was counted has nothing to add to.
            tx.prepare_cached(
                "INSERT INTO article_views (article_id, hour, count) \
                 SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM articles WHERE id = $1) \
                 ON CONFLICT (article_id, hour) DO UPDATE SET count = count + excluded.count",
            )?
            .execute(params![article, hour, *count as i64])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// (article, hour, count) for every hour at or after `since_hour`.
    pub fn views_since(&self, since_hour: i64) -> Result<Vec<(i64, i64, i64)>, StoreError> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached("SELECT article_id, hour, count FROM article_views WHERE hour >= $1")?;
        let rows = stmt.query_map([since_hour], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records a new client key by its hash; the key itself is never stored.
    pub fn add_api_key(
        &self,
        name: &str,
        key_hash: &str,
        scope: KeyScope,
        now: Timestamp,
    ) -> Result<ApiKey, StoreError> {
        let conn = lock(&self.writer);
        let done = conn.execute(
            "INSERT INTO api_keys (name, key_hash, created_at, scope) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            params![name, key_hash, now.as_microsecond(), scope.as_str()],
        )?;
        if done == 0 {
            return Err(StoreError::Conflict(format!("an API key named {name:?} exists already")));
        }
        Ok(ApiKey { id: conn.last_insert_rowid(), name: name.to_string(), scope, created_at: now, revoked_at: None })
    }

    /// The live key with this hash, if any.
    pub fn api_key_by_hash(&self, key_hash: &str) -> Result<Option<ApiKey>, StoreError> {
        let conn = self.reader();
        let row = conn
            .prepare_cached(
                "SELECT id, name, created_at, scope FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL",
            )?
            .query_row([key_hash], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?, r.get::<_, String>(3)?))
            })
            .optional()?;
        row.map(|(id, name, created, scope)| {
            Ok(ApiKey { id, name, scope: KeyScope::parse(&scope)?, created_at: ts(created)?, revoked_at: None })
        })
        .transpose()
    }

    pub fn api_keys(&self) -> Result<Vec<ApiKey>, StoreError> {
        let conn = self.reader();
        let mut stmt =
            conn.prepare_cached("SELECT id, name, created_at, revoked_at, scope FROM api_keys ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        rows.map(|row| {
            let (id, name, created, revoked, scope) = row?;
            Ok(ApiKey {
                id,
                name,
                scope: KeyScope::parse(&scope)?,
                created_at: ts(created)?,
                revoked_at: revoked.map(ts).transpose()?,
            })
        })
        .collect()
    }

    /// Revokes the key named `name`; it stops working at once.
    pub fn revoke_api_key(&self, name: &str, now: Timestamp) -> Result<(), StoreError> {
        let conn = lock(&self.writer);
        let n = conn.execute(
            "UPDATE api_keys SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL",
            params![now.as_microsecond(), name],
        )?;
        if n == 0 {
            return Err(StoreError::not_found(Missing::ApiKey, format!("{name:?}")));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_found_by_hash_and_revoked() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let now: Timestamp = "2026-11-25T14:40:43.442823Z".parse().unwrap();
        store.add_api_key("partner", "abc", KeyScope::Content, now).unwrap();
        assert!(matches!(store.add_api_key("partner", "def", KeyScope::Ingest, now), Err(StoreError::Conflict(_))));
        assert_eq!(store.api_key_by_hash("abc").unwrap().unwrap().name, "partner");
        assert!(store.api_key_by_hash("nope").unwrap().is_none());
        store.revoke_api_key("partner", now).unwrap();
        assert!(store.api_key_by_hash("abc").unwrap().is_none());
        assert!(matches!(store.revoke_api_key("partner", now), Err(StoreError::NotFound { .. })));
        assert_eq!(store.api_keys().unwrap()[0].revoked_at, Some(now));
    }
}
