//! PostgreSQL, the second backend, as far as it goes today: connecting (with errors that say what
//! is wrong and never print a password), the schema (`migrations/postgres/`, paired file for file
//! with SQLite's and held to the same tables, columns and indexes by a test against a real
//! server), and the event log (`events`), whose ids commit in order. The store's other calls run
//! on SQLite only so far (issue 20 says what remains).
//!
//! The `postgres` crate is synchronous like the rest of the store (it runs its own small
//! runtime), so callers use it as they use SQLite: off the async threads.

pub mod events;

use std::str::FromStr;

pub use postgres::Client;
use postgres::{Config, NoTls};

use crate::StoreError;
use crate::migrate::POSTGRES_MIGRATIONS;

/// The transaction-scoped advisory lock the migrations run under (one node migrates, the others
/// wait and then find nothing to do).
const MIGRATE_LOCK: i64 = 0x006e_6577_736d_6967; // "newsmig"

/// Where a URL points, without its password: for error messages and logs.
pub fn describe(config: &Config) -> String {
    let host = config
        .get_hosts()
        .first()
        .map(|h| match h {
            postgres::config::Host::Tcp(name) => name.clone(),
            postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .unwrap_or_else(|| "localhost".into());
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let user = config.get_user().unwrap_or("(default user)");
    let db = config.get_dbname().unwrap_or(user);
    format!("{user}@{host}:{port}/{db}")
}

/// Connects to the database at `url` (`postgres://user:password@host:port/db` or
/// `host=… dbname=…`). TLS is not offered yet: `sslmode=require` is refused by name.
pub fn connect(url: &str) -> Result<Client, StoreError> {
    let config = Config::from_str(url)
        .map_err(|e| StoreError::Postgres(format!("not a PostgreSQL URL or connection string: {e}")))?;
    if config.get_ssl_mode() == postgres::config::SslMode::Require {
        return Err(StoreError::Postgres(format!(
            "{}: sslmode=require asks for TLS, which this newsdesk does not speak to PostgreSQL yet",
            describe(&config)
        )));
    }
    let mut config = config;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(std::time::Duration::from_secs(10));
    }
    config.connect(NoTls).map_err(|e| {
        StoreError::Postgres(format!("cannot connect to PostgreSQL at {}: {}", describe(&config), reason(&e)))
    })
}

/// What went wrong, in the server's words when it said something.
pub fn reason(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                text = format!("{text}: {s}");
                source = s.source();
            }
            text
        }
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> StoreError {
        StoreError::Postgres(reason(&e))
    }
}

/// Runs the migrations this program has and the database lacks, each in its own transaction,
/// under an advisory lock; refuses a database that a newer newsdesk migrated (untouched).
pub fn migrate(client: &mut Client) -> Result<(), StoreError> {
    client.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)",
    )?;
    let applied: Vec<String> =
        client.query("SELECT name FROM schema_migrations", &[])?.iter().map(|r| r.get(0)).collect();
    if let Some(unknown) = applied.into_iter().find(|n| !POSTGRES_MIGRATIONS.iter().any(|(m, _)| m == n)) {
        return Err(StoreError::NewerSchema(unknown));
    }
    for (name, sql) in POSTGRES_MIGRATIONS {
        let mut tx = client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATE_LOCK])?;
        let done: bool =
            tx.query_one("SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE name = $1)", &[name])?.get(0);
        if !done {
            tracing::info!(migration = name, "applying migration (PostgreSQL)");
            tx.batch_execute(sql)
                .map_err(|e| StoreError::Postgres(format!("migration {name} failed: {}", reason(&e))))?;
            tx.execute(
                "INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)",
                &[name, &jiff::Timestamp::now().as_microsecond()],
            )?;
        }
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod testdb;
#[cfg(test)]
mod tests;
