//! Backups of a live site and restores from them, through SQLite's online backup API: the copy is
//! one consistent snapshot (one read transaction; WAL lets the site keep writing meanwhile), never
//! a file copy that could catch a page half-written or miss the WAL.

use std::path::{Path, PathBuf};

use rusqlite::backup::Backup;
use rusqlite::{Connection, OpenFlags};

use super::Store;
use crate::migrate::MIGRATIONS;
use crate::{DatabaseError, StoreError};

/// What a backup or a restore copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    /// Bytes of the database file written.
    pub bytes: u64,
    pub articles: i64,
    pub events: i64,
    /// The newest migration the copy has.
    pub schema: String,
}

fn failed(path: &Path) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |e| StoreError::Backup { path: path.display().to_string(), source: DatabaseError::from(e) }
}

impl Store {
    /// Writes a consistent copy of the database to `to`, which must not exist: first to a
    /// temporary file beside it, synced, checked (`PRAGMA integrity_check`), then renamed, so a
    /// backup that fails leaves nothing under its name.
    pub fn backup_to(&self, to: &Path) -> Result<Copied, StoreError> {
        if to.exists() {
            return Err(StoreError::BackupTarget { path: to.display().to_string(), why: "it already exists".into() });
        }
        let tmp = temporary_beside(to);
        let result = (|| {
            {
                // A reader's connection: the copy is one read transaction, writers go on.
                let conn = self.reader();
                let mut file = Connection::open(&tmp).map_err(failed(to))?;
                copy(&conn, &mut file).map_err(failed(to))?;
                standalone(&file).map_err(failed(to))?;
            }
            let copied = check(&tmp, to)?;
            sync_and_rename(&tmp, to)?;
            Ok(copied)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }
}

/// Puts the backup `from` in place of the database of `data_dir`. The backup is checked first
/// (a SQLite database whose integrity check passes, with newsdesk's schema, no newer than this
/// program's); the database it replaces is kept beside it as `newsdesk.db.before-restore-<time>`
/// (backed up the same way), so a restore loses nothing. The server must be stopped: the caller
/// checks that. Migrations newer than the backup run at the next open.
pub fn restore(data_dir: &Path, from: &Path, now: jiff::Timestamp) -> Result<(Copied, Option<PathBuf>), StoreError> {
    let copied = check(from, from)?;
    std::fs::create_dir_all(data_dir)
        .map_err(|source| StoreError::DataDir { path: data_dir.display().to_string(), source })?;
    let db = data_dir.join("newsdesk.db");
    let mut kept = None;
    if db.exists() {
        let stamp = now.strftime("%Y%m%dT%H%M%SZ").to_string();
        let keep = data_dir.join(format!("newsdesk.db.before-restore-{stamp}"));
        let current = Connection::open(&db).map_err(failed(&db))?;
        let mut file = Connection::open(&keep).map_err(failed(&keep))?;
        copy(&current, &mut file).map_err(failed(&keep))?;
        standalone(&file).map_err(failed(&keep))?;
        drop(file);
        std::fs::File::open(&keep).and_then(|f| f.sync_all()).map_err(|e| io(&keep, e))?;
        kept = Some(keep);
    }
    let mut target = Connection::open(&db).map_err(failed(&db))?;
    target.pragma_update(None, "busy_timeout", 5000).map_err(failed(&db))?;
    let source = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(failed(from))?;
    copy(&source, &mut target).map_err(failed(from))?;
    // The restored pages are in the WAL; a checkpoint puts them in the database file.
    target.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").map_err(failed(&db))?;
    drop(target);
    check(&db, &db)?;
    Ok((copied, kept))
}

/// Copies every page of `from` into `to` in one step: one read transaction on `from`, so the copy
/// is one moment of it. (Copied a hundred pages at a time, the backup API starts over whenever
/// another connection writes between two steps: on a busy site it might never finish.)
fn copy(from: &Connection, to: &mut Connection) -> rusqlite::Result<()> {
    use rusqlite::backup::StepResult;
    let backup = Backup::new(from, to)?;
    // Busy or locked (a checkpoint, the target in use): wait a little and try again, a while.
    for _ in 0..100 {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            _ => std::thread::sleep(std::time::Duration::from_millis(50)),
        }
    }
    Err(rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
        Some("the database stayed busy for 5 s".into()),
    ))
}

/// A copy carries its source's journal mode (WAL); a backup is one file, whole by itself.
fn standalone(file: &Connection) -> rusqlite::Result<()> {
    file.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))
}

/// Opens `path` read-only and checks that it is a whole newsdesk database this program can open;
/// `named` is the path errors name.
fn check(path: &Path, named: &Path) -> Result<Copied, StoreError> {
    let bad = |why: String| StoreError::BackupTarget { path: named.display().to_string(), why };
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(failed(named))?;
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| bad(format!("not a SQLite database this program can read ({e})")))?;
    if integrity != "ok" {
        return Err(bad(format!("its integrity check failed: {integrity}")));
    }
    let names: Vec<String> = conn
        .prepare("SELECT name FROM schema_migrations ORDER BY name")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(|_| bad("not a newsdesk database (no schema_migrations table)".into()))?;
    if let Some(unknown) = names.iter().find(|n| !MIGRATIONS.iter().any(|(m, _)| m == n)) {
        return Err(bad(format!(
            "its schema has migration {unknown}, which this newsdesk does not know (a newer version wrote it)"
        )));
    }
    let schema = names.last().cloned().ok_or_else(|| bad("not a newsdesk database (no migration applied)".into()))?;
    let articles: i64 = conn.query_row("SELECT count(*) FROM articles", [], |r| r.get(0)).map_err(failed(named))?;
    let events: i64 = conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0)).map_err(failed(named))?;
    let bytes = std::fs::metadata(path).map_err(|e| io(named, e))?.len();
    Ok(Copied { bytes, articles, events, schema })
}

fn temporary_beside(to: &Path) -> PathBuf {
    let name = to.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    to.with_file_name(format!(".{name}.{}.partial", std::process::id()))
}

fn sync_and_rename(tmp: &Path, to: &Path) -> Result<(), StoreError> {
    std::fs::File::open(tmp).and_then(|f| f.sync_all()).map_err(|e| io(to, e))?;
    std::fs::rename(tmp, to).map_err(|e| io(to, e))?;
    let dir = to.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::File::open(dir).and_then(|f| f.sync_all()).map_err(|e| io(to, e))
}

fn io(path: &Path, source: std::io::Error) -> StoreError {
    StoreError::DataDir { path: path.display().to_string(), source }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    fn article(headline: &str) -> newsdesk_core::Article {
        crate::sqlite::tests::article(headline, "Europe")
    }

    #[test]
    fn a_backup_of_a_live_site_restores_to_what_it_was() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        let store = Store::open(&site).unwrap();
        store.save_article(&article("Ferries return"), None, "t", Timestamp::now()).unwrap();
        let file = tmp.path().join("site.backup");
        let copied = store.backup_to(&file).unwrap();
        assert_eq!((copied.articles, copied.schema.as_str()), (1, MIGRATIONS.last().unwrap().0));
        assert!(matches!(store.backup_to(&file), Err(StoreError::BackupTarget { .. })), "never over a file");
        // The site goes on; a restore brings back the moment of the backup, keeping what it replaces.
        store.save_article(&article("Bridge closes"), None, "t", Timestamp::now()).unwrap();
        drop(store);
        let (restored, kept) = restore(&site, &file, Timestamp::now()).unwrap();
        assert_eq!(restored.articles, 1);
        let store = Store::open(&site).unwrap();
        assert_eq!(store.article_count().unwrap(), 1);
        let kept = kept.unwrap();
        assert_eq!(check(&kept, &kept).unwrap().articles, 2, "the replaced database is kept");
        let leftovers: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(leftovers.len(), 2, "no temporary file: {leftovers:?}");
    }

    #[test]
    fn a_restore_refuses_what_is_not_a_newsdesk_backup_and_changes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        let store = Store::open(&site).unwrap();
        store.save_article(&article("Ferries return"), None, "t", Timestamp::now()).unwrap();
        drop(store);
        let junk = tmp.path().join("junk");
        std::fs::write(&junk, b"this is not a database at all, only words").unwrap();
        let other = tmp.path().join("other.db");
        Connection::open(&other).unwrap().execute_batch("CREATE TABLE t (x)").unwrap();
        let newer = tmp.path().join("newer.db");
        Store::open(&tmp.path().join("n")).unwrap().backup_to(&newer).unwrap();
        Connection::open(&newer)
            .unwrap()
            .execute("INSERT INTO schema_migrations (name, applied_at) VALUES ('9999_future', 0)", [])
            .unwrap();
        for (file, says) in
            [(&junk, "not a SQLite database"), (&other, "no schema_migrations"), (&newer, "9999_future")]
        {
            let err = restore(&site, file, Timestamp::now()).unwrap_err().to_string();
            assert!(err.contains(says) && err.contains(&file.display().to_string()), "{err}");
        }
        assert_eq!(Store::open(&site).unwrap().article_count().unwrap(), 1);
        assert_eq!(
            std::fs::read_dir(&site)
                .unwrap()
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().contains("before-restore"))
                .count(),
            0
        );
    }
}
