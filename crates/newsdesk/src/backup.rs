//! `newsdesk backup --to FILE` and `newsdesk restore --from FILE`: the database of a running site
//! copied through SQLite's online backup API (`store::sqlite::backup`), and put back. Media files
//! are not in the file: their names never change, so a copy of the media directory taken after
//! the backup has every file it names (README, "Backups").

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use newsdesk_store::{Copied, Store};

/// The derived indexes a restore throws away (the server rebuilds them from the database).
const INDEXES: [&str; 2] = ["search-index", "search-newsroom"];

pub fn backup(data: &Path, to: &Path) -> anyhow::Result<ExitCode> {
    let db = data.join("newsdesk.db");
    if !db.exists() {
        anyhow::bail!("no database at {}: nothing to back up (check --data or NEWSDESK_DATA)", db.display());
    }
    let store = Store::open(data).with_context(|| format!("cannot open the data directory {}", data.display()))?;
    let t0 = Instant::now();
    let copied = store.backup_to(to).context("backup failed; nothing was written")?;
    eprintln!("backed up {} to {} in {:.2} s", describe(&copied), to.display(), t0.elapsed().as_secs_f64());
    eprintln!(
        "media files are not in it: copy {} after it (rsync -a {}/ DEST/): their names never change",
        data.join("media").display(),
        data.join("media").display()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn restore(data: &Path, from: &Path) -> anyhow::Result<ExitCode> {
    if !from.is_file() {
        anyhow::bail!("no backup at {}", from.display());
    }
    // A running server holds its search index: restoring under it would serve a database it does
    // not know it has.
    for name in INDEXES {
        let dir = data.join(name);
        if dir.exists() {
            newsdesk_derive::SearchIndex::open(&dir).with_context(|| {
                format!("{} is in use: stop the server before restoring (nothing was changed)", dir.display())
            })?;
        }
    }
    let t0 = Instant::now();
    let (copied, kept) = newsdesk_store::restore(data, from, jiff::Timestamp::now())
        .with_context(|| format!("restore from {} refused; nothing was changed", from.display()))?;
    for name in INDEXES {
        let dir = data.join(name);
        if dir.exists() {
            std::fs::remove_dir_all(&dir).with_context(|| format!("cannot remove {}", dir.display()))?;
        }
    }
    // Opening runs the migrations a backup from an older version lacks.
    Store::open(data).with_context(|| format!("cannot open the restored database in {}", data.display()))?;
    eprintln!("restored {} into {} in {:.2} s", describe(&copied), data.display(), t0.elapsed().as_secs_f64());
    if let Some(kept) = kept {
        eprintln!("the database it replaced is kept as {}", kept.display());
    }
    eprintln!("the search indexes are rebuilt when the server starts");
    Ok(ExitCode::SUCCESS)
}

fn describe(c: &Copied) -> String {
    format!(
        "{} articles, {} events ({:.1} MB, schema {})",
        c.articles,
        c.events,
        c.bytes as f64 / 1_048_576.0,
        c.schema
    )
}
