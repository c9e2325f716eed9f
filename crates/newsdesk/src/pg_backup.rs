//! `newsdesk backup` and `restore` on PostgreSQL (`--database-url postgres://…`): PostgreSQL's own
//! tools, `pg_dump --format=custom` and `pg_restore --single-transaction`, when they are installed
//! (Debian's `postgresql-client`), and a clear line when they are not. A password in the URL is
//! handed to them in `PGPASSWORD`, never on their command line (where `ps` would show it).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::{Context, bail};
use newsdesk_store::copy::Database;

/// `program` on PATH, or `None`.
fn find(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?.to_str()?.split(':').map(|d| Path::new(d).join(program)).find(|p| p.is_file())
}

fn tool(program: &str) -> anyhow::Result<PathBuf> {
    find(program).with_context(|| {
        format!(
            "{program} is not installed: on PostgreSQL, backup and restore run PostgreSQL's own tools \
             (Debian: apt-get install postgresql-client, of the server's major version or newer)"
        )
    })
}

/// The URL without its password, and the password.
fn split_password(url: &str) -> (String, Option<String>) {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let password = u.password().map(|p| {
                url::form_urlencoded::parse(format!("p={p}").as_bytes())
                    .next()
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default()
            });
            let _ = u.set_password(None);
            (u.to_string(), password)
        }
        _ => (url.to_string(), None),
    }
}

fn run(mut cmd: Command, url: &str, what: &str) -> anyhow::Result<()> {
    let (url, password) = split_password(url);
    cmd.arg(format!("--dbname={url}"));
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    let out = cmd.output().with_context(|| format!("cannot run {what}"))?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stderr);
        bail!("{what} failed: {}", said.lines().find(|l| !l.trim().is_empty()).unwrap_or("(it said nothing)"));
    }
    Ok(())
}

pub fn backup(url: &str, to: &Path) -> anyhow::Result<ExitCode> {
    if to.exists() {
        bail!("{} already exists: a backup is written to a new file", to.display());
    }
    let pg_dump = tool("pg_dump")?;
    let tmp =
        to.with_file_name(format!(".{}.partial", to.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()));
    let t0 = Instant::now();
    let mut cmd = Command::new(pg_dump);
    cmd.args(["--format=custom", "--no-owner", "--no-privileges"]).arg(format!("--file={}", tmp.display()));
    if let Err(e) = run(cmd, url, "pg_dump") {
        let _ = std::fs::remove_file(&tmp);
        return Err(e.context("backup failed; nothing was written"));
    }
    std::fs::File::open(&tmp).and_then(|f| f.sync_all()).context("cannot sync the backup")?;
    std::fs::rename(&tmp, to).with_context(|| format!("cannot write {}", to.display()))?;
    let bytes = std::fs::metadata(to).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "backed up {} to {} with pg_dump (custom format, {:.1} MB) in {:.2} s",
        Database::parse(url).describe(),
        to.display(),
        bytes as f64 / 1_048_576.0,
        t0.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn restore(url: &str, from: &Path) -> anyhow::Result<ExitCode> {
    if !from.is_file() {
        bail!("no backup at {}", from.display());
    }
    let pg_restore = tool("pg_restore")?;
    let mut client = newsdesk_store::postgres::connect(url)?;
    let tables: i64 =
        client.query_one("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'", &[])?.get(0);
    if tables > 0 {
        bail!(
            "{} has {tables} tables: restore into an empty database (createdb, or CREATE DATABASE); nothing was changed",
            Database::parse(url).describe()
        );
    }
    let t0 = Instant::now();
    let mut cmd = Command::new(pg_restore);
    cmd.args(["--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges"]).arg(from);
    run(cmd, url, "pg_restore").context("restore failed; the database is as it was (one transaction)")?;
    // A backup from an older version gets the migrations it lacks.
    newsdesk_store::postgres::migrate(&mut client)?;
    let articles: i64 = client.query_one("SELECT count(*) FROM articles", &[])?.get(0);
    let events: i64 = client.query_one("SELECT count(*) FROM events", &[])?.get(0);
    eprintln!(
        "restored {articles} articles, {events} events into {} with pg_restore in {:.2} s",
        Database::parse(url).describe(),
        t0.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_leaves_the_url_for_the_environment() {
        assert_eq!(
            split_password("postgres://news:p%40ss@db.local:5433/site"),
            ("postgres://news@db.local:5433/site".to_string(), Some("p@ss".to_string()))
        );
        assert_eq!(split_password("postgres://news@db.local/site").1, None);
        assert_eq!(split_password("host=db.local dbname=site").0, "host=db.local dbname=site");
    }
}
