//! `newsdesk import`: page captures in, articles out. Every file is parsed before anything is
//! stored, so a malformed file in the batch stores nothing at all.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use newsdesk_ingest::{CaptureRecord, parse_capture};
use newsdesk_store::{SaveStatus, Store};

use crate::ImportArgs;

pub fn run(data: &Path, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let mut parsed: Vec<(PathBuf, CaptureRecord)> = vec![];
    let mut failed = 0;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for file in &args.files {
        match parse_file(file) {
            Ok(record) => {
                if args.dry_run && args.json {
                    writeln!(out, "{}", serde_json::to_string(&record)?)?;
                }
                parsed.push((file.clone(), record));
            }
            Err(e) => {
                failed += 1;
                eprintln!("error: cannot import {e:#}");
            }
        }
    }
    if failed > 0 {
        eprintln!("{failed} of {} file(s) malformed; nothing was stored", args.files.len());
        return Ok(ExitCode::FAILURE);
    }
    if args.dry_run {
        if !args.json {
            eprintln!("{} file(s) parsed; nothing was stored (--dry-run)", parsed.len());
        }
        return Ok(ExitCode::SUCCESS);
    }

    let store = Store::open(data).with_context(|| format!("cannot open the data directory {}", data.display()))?;
    let site = args.site_url.trim_end_matches('/');
    let (mut created, mut updated, mut unchanged) = (0, 0, 0);
    for (file, record) in &parsed {
        let article = record.to_article().map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
        let outcome = store
            .save_article(&article, Some(&record.external_id()), "import", jiff::Timestamp::now())
            .with_context(|| format!("cannot store {}", file.display()))?;
        match outcome.status {
            SaveStatus::Created => created += 1,
            SaveStatus::Updated => updated += 1,
            SaveStatus::Unchanged => unchanged += 1,
        }
        let url = format!("{site}{}", outcome.path);
        if args.json {
            let line = serde_json::json!({ "file": file, "url": url, "status": outcome.status, "id": outcome.id, "revision": outcome.revision });
            writeln!(out, "{line}")?;
        } else {
            writeln!(out, "{url}")?;
        }
    }
    eprintln!("imported {} file(s): {created} created, {updated} updated, {unchanged} unchanged", parsed.len());
    Ok(ExitCode::SUCCESS)
}

/// Errors read `FILE: line N: what was expected, found what`.
fn parse_file(file: &Path) -> anyhow::Result<CaptureRecord> {
    let size = std::fs::metadata(file).with_context(|| format!("{}", file.display()))?.len();
    // Checked before reading, so a huge file given by mistake is refused without loading it.
    anyhow::ensure!(
        size <= newsdesk_ingest::capture::MAX_CAPTURE_BYTES as u64,
        "{}: the file is {size} bytes; a capture may be at most {} bytes",
        file.display(),
        newsdesk_ingest::capture::MAX_CAPTURE_BYTES
    );
    let bytes = std::fs::read(file).with_context(|| format!("{}", file.display()))?;
    parse_capture(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))
}
