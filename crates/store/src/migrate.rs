//! Embedded migrations, run in order at start-up.

use jiff::Timestamp;
use rusqlite::Connection;

use crate::StoreError;

pub(crate) const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_articles", include_str!("../migrations/sqlite/0001_articles.sql")),
    ("0002_api_keys", include_str!("../migrations/sqlite/0002_api_keys.sql")),
    ("0003_webhooks", include_str!("../migrations/sqlite/0003_webhooks.sql")),
    ("0004_views", include_str!("../migrations/sqlite/0004_views.sql")),
    ("0005_source_version", include_str!("../migrations/sqlite/0005_source_version.sql")),
    ("0006_key_scopes", include_str!("../migrations/sqlite/0006_key_scopes.sql")),
    ("0007_newsroom", include_str!("../migrations/sqlite/0007_newsroom.sql")),
    ("0008_related", include_str!("../migrations/sqlite/0008_related.sql")),
    ("0009_fronts", include_str!("../migrations/sqlite/0009_fronts.sql")),
    ("0010_intake", include_str!("../migrations/sqlite/0010_intake.sql")),
    ("0011_related_done", include_str!("../migrations/sqlite/0011_related_done.sql")),
    ("0012_token_expiry", include_str!("../migrations/sqlite/0012_token_expiry.sql")),
    ("0013_list_indexes", include_str!("../migrations/sqlite/0013_list_indexes.sql")),
    ("0014_related_floor", include_str!("../migrations/sqlite/0014_related_floor.sql")),
    ("0015_embeds", include_str!("../migrations/sqlite/0015_embeds.sql")),
    ("0016_promo", include_str!("../migrations/sqlite/0016_promo.sql")),
    ("0017_live_lists", include_str!("../migrations/sqlite/0017_live_lists.sql")),
    ("0018_sitemap_pages", include_str!("../migrations/sqlite/0018_sitemap_pages.sql")),
    ("0019_sitemap_reads", include_str!("../migrations/sqlite/0019_sitemap_reads.sql")),
    ("0020_pictures", include_str!("../migrations/sqlite/0020_pictures.sql")),
];

/// PostgreSQL's twins of [`MIGRATIONS`]: the same names in the same order (a test holds them to
/// the same tables, columns and indexes).
pub(crate) const POSTGRES_MIGRATIONS: &[(&str, &str)] = &[
    ("0001_articles", include_str!("../migrations/postgres/0001_articles.sql")),
    ("0002_api_keys", include_str!("../migrations/postgres/0002_api_keys.sql")),
    ("0003_webhooks", include_str!("../migrations/postgres/0003_webhooks.sql")),
    ("0004_views", include_str!("../migrations/postgres/0004_views.sql")),
    ("0005_source_version", include_str!("../migrations/postgres/0005_source_version.sql")),
    ("0006_key_scopes", include_str!("../migrations/postgres/0006_key_scopes.sql")),
    ("0007_newsroom", include_str!("../migrations/postgres/0007_newsroom.sql")),
    ("0008_related", include_str!("../migrations/postgres/0008_related.sql")),
    ("0009_fronts", include_str!("../migrations/postgres/0009_fronts.sql")),
    ("0010_intake", include_str!("../migrations/postgres/0010_intake.sql")),
    ("0011_related_done", include_str!("../migrations/postgres/0011_related_done.sql")),
    ("0012_token_expiry", include_str!("../migrations/postgres/0012_token_expiry.sql")),
    ("0013_list_indexes", include_str!("../migrations/postgres/0013_list_indexes.sql")),
    ("0014_related_floor", include_str!("../migrations/postgres/0014_related_floor.sql")),
    ("0015_embeds", include_str!("../migrations/postgres/0015_embeds.sql")),
    ("0016_promo", include_str!("../migrations/postgres/0016_promo.sql")),
    ("0017_live_lists", include_str!("../migrations/postgres/0017_live_lists.sql")),
    ("0018_sitemap_pages", include_str!("../migrations/postgres/0018_sitemap_pages.sql")),
    ("0019_sitemap_reads", include_str!("../migrations/postgres/0019_sitemap_reads.sql")),
    ("0020_pictures", include_str!("../migrations/postgres/0020_pictures.sql")),
];

pub(crate) fn run(conn: &mut Connection) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)",
    )?;
    // A database a newer newsdesk migrated is not touched: this program would misread it.
    let applied: Vec<String> =
        conn.prepare("SELECT name FROM schema_migrations")?.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    if let Some(unknown) = applied.into_iter().find(|n| !MIGRATIONS.iter().any(|(m, _)| m == n)) {
        return Err(StoreError::NewerSchema(unknown));
    }
    for (name, sql) in MIGRATIONS {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let done: bool =
            tx.query_row("SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE name = $1)", [name], |r| r.get(0))?;
        if !done {
            tracing::info!(migration = name, "applying migration");
            tx.execute_batch(sql).map_err(|source| StoreError::Migration { name, source: source.into() })?;
            tx.execute(
                "INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)",
                rusqlite::params![name, Timestamp::now().as_microsecond()],
            )?;
        }
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_migration_file_is_listed() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter_map(|f| f.strip_suffix(".sql").map(str::to_string))
            .collect();
        files.sort();
        let listed: Vec<String> = super::MIGRATIONS.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(files, listed);
        // PostgreSQL's folder pairs up with SQLite's, name for name.
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres");
        let mut pg: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter_map(|f| f.strip_suffix(".sql").map(str::to_string))
            .collect();
        pg.sort();
        assert_eq!(pg, files, "migrations/postgres and migrations/sqlite hold the same file names");
        let pg_listed: Vec<String> = super::POSTGRES_MIGRATIONS.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(pg_listed, listed);
    }

    #[test]
    fn a_database_from_a_newer_newsdesk_is_refused_untouched() {
        let tmp = tempfile::tempdir().unwrap();
        drop(crate::Store::open(tmp.path()).unwrap());
        let db = tmp.path().join("newsdesk.db");
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute("INSERT INTO schema_migrations (name, applied_at) VALUES ('0999_future', 1)", []).unwrap();
        conn.execute("DELETE FROM schema_migrations WHERE name = '0020_pictures'", []).unwrap();
        drop(conn);
        let Err(err) = crate::Store::open(tmp.path()) else { panic!("opened a newer database") };
        let err = err.to_string();
        assert!(err.contains("0999_future") && err.contains("newer version"), "{err}");
        let conn = rusqlite::Connection::open(&db).unwrap();
        let left: i64 = conn
            .query_row("SELECT count(*) FROM schema_migrations WHERE name = '0020_pictures'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0, "no migration ran on it");
    }
}
