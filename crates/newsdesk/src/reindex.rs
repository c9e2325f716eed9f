//! `newsdesk reindex`: rebuilds the search index from the database.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use newsdesk_derive::SearchIndex;
use newsdesk_store::Store;

pub fn run(data: &Path) -> anyhow::Result<ExitCode> {
    // Opening creates a database; a mistyped --data would then "rebuild" an empty index and succeed.
    let db = data.join("newsdesk.db");
    if !db.exists() {
        anyhow::bail!(
            "no database at {}: reindex rebuilds the search index of an existing data directory (check --data or NEWSDESK_DATA)",
            db.display()
        );
    }
    let store = Store::open(data).with_context(|| format!("cannot open the data directory {}", data.display()))?;
    let dir = data.join("search-index");
    let index = SearchIndex::open(&dir).with_context(|| {
        format!(
            "cannot open the search index in {} (a running server holds it: stop it first, or delete the directory and restart the server, which rebuilds it)",
            dir.display()
        )
    })?;
    let t0 = std::time::Instant::now();
    let n = newsdesk_desk::search::rebuild(&store, &index, jiff::Timestamp::now())?;
    let secs = t0.elapsed().as_secs_f64();
    eprintln!("indexed {n} articles in {secs:.2} s ({:.0} articles/s)", n as f64 / secs.max(1e-9));
    Ok(ExitCode::SUCCESS)
}
