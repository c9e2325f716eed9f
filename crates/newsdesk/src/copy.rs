//! `newsdesk copy --from URL --to URL`: a whole site from one database to another
//! (`store::copy`), SQLite to PostgreSQL or back, with each table's rows and checksum printed for
//! both sides. Any difference is an error (exit 1).

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use newsdesk_store::copy::{self, Database};

pub fn run(from: &str, to: &str) -> anyhow::Result<ExitCode> {
    let (from, to) = (Database::parse(from), Database::parse(to));
    let t0 = Instant::now();
    let tables = copy::copy(&from, &to).with_context(|| {
        format!("copy from {} to {} failed; the target is as it was", from.describe(), to.describe())
    })?;
    println!("{:<22} {:>10} {:>18} {:>10} {:>18}", "table", "rows", "checksum", "copied", "checksum");
    let mut rows = 0;
    let mut different = vec![];
    for t in &tables {
        println!(
            "{:<22} {:>10} {:>18} {:>10} {:>18}{}",
            t.name,
            t.rows,
            t.source_checksum,
            t.target_rows,
            t.target_checksum,
            if t.matches() { "" } else { "  DIFFERENT" }
        );
        rows += t.rows;
        if !t.matches() {
            different.push(t.name.as_str());
        }
    }
    eprintln!(
        "copied {rows} rows in {} tables from {} to {} in {:.1} s; peak memory {} MB",
        tables.len(),
        from.describe(),
        to.describe(),
        t0.elapsed().as_secs_f64(),
        crate::bench_pictures::peak_rss_mb().map_or("?".into(), |m| format!("{m:.0}"))
    );
    if !different.is_empty() {
        anyhow::bail!("the copy differs from its source in {}", different.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}
