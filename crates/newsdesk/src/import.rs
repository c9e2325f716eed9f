//! `newsdesk import`: page captures and IPTC ninjs in, articles out. The format is told from the
//! content (`--format` forces one). Every file is parsed before anything is stored, so by default
//! a malformed file stores nothing from the batch; `--keep-going` stores the good ones and
//! reports the rest. A summary line counts what happened.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use newsdesk_core::Article;
use newsdesk_core::article::Section;
use newsdesk_ingest::capture::MAX_CAPTURE_BYTES;
use newsdesk_ingest::ninjs::MAX_NINJS_BYTES;
use newsdesk_ingest::{parse_capture, parse_ninjs};
use newsdesk_store::{SaveStatus, Store};

use crate::{Format, ImportArgs};

/// One story ready to store, with what identifies it at its source.
struct Parsed {
    file: PathBuf,
    article: Article,
    external_id: String,
    version: Option<String>,
    /// What `--dry-run --json` prints for it.
    record: serde_json::Value,
}

pub fn run(data: &Path, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let section = Section::from_label(&args.section)
        .with_context(|| format!("--section {:?}: expected a name with letters", args.section))?;
    let mut parsed: Vec<Parsed> = vec![];
    let mut failed = 0;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for file in &args.files {
        match parse_file(file, args.format, &section) {
            Ok(items) => {
                for p in items {
                    if args.dry_run && args.json {
                        writeln!(out, "{}", p.record)?;
                    }
                    parsed.push(p);
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("error: cannot import {e:#}");
            }
        }
    }
    if failed > 0 && !args.keep_going {
        eprintln!(
            "{failed} of {} file(s) malformed; nothing was stored (--keep-going stores the others)",
            args.files.len()
        );
        return Ok(ExitCode::FAILURE);
    }
    if args.dry_run {
        if !args.json {
            eprintln!("{} item(s) parsed, {failed} file(s) failed; nothing was stored (--dry-run)", parsed.len());
        }
        return Ok(if failed > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS });
    }

    let store = Store::open(data).with_context(|| format!("cannot open the data directory {}", data.display()))?;
    let site = args.site_url.trim_end_matches('/');
    if args.to_queue {
        // Into the wire queue, where the desk decides what to take; nothing is published.
        for p in &parsed {
            let id = store
                .queue_wire_item(&p.external_id, &p.article, jiff::Timestamp::now())
                .with_context(|| format!("cannot queue {}", p.file.display()))?;
            if args.json {
                let line = serde_json::json!({ "file": p.file, "wire_item": id, "headline": p.article.headline });
                writeln!(out, "{line}")?;
            } else {
                writeln!(out, "{site}/newsroom/wire  {}", p.article.headline)?;
            }
        }
        eprintln!("queued {} item(s) for the desk, {failed} failed", parsed.len());
        return Ok(if failed > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS });
    }
    let (mut created, mut updated, mut unchanged) = (0, 0, 0);
    for p in &parsed {
        let outcome = store
            .save_versioned(&p.article, Some(&p.external_id), p.version.as_deref(), "import", jiff::Timestamp::now())
            .with_context(|| format!("cannot store {}", p.file.display()))?;
        match outcome.status {
            SaveStatus::Created => created += 1,
            SaveStatus::Updated => updated += 1,
            SaveStatus::Unchanged => unchanged += 1,
        }
        let url = format!("{site}{}", outcome.path);
        if args.json {
            let line = serde_json::json!({ "file": p.file, "url": url, "status": outcome.status, "id": outcome.id, "revision": outcome.revision });
            writeln!(out, "{line}")?;
        } else {
            writeln!(out, "{url}")?;
        }
    }
    eprintln!(
        "imported {} item(s): {created} created, {updated} updated, {unchanged} unchanged (repeats or older versions), {failed} failed",
        parsed.len()
    );
    Ok(if failed > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// Errors read `FILE: line N: what was expected, found what` (captures) or
/// `FILE: item N: field: what is wrong` (ninjs).
fn parse_file(file: &Path, format: Option<Format>, section: &Section) -> anyhow::Result<Vec<Parsed>> {
    let size = std::fs::metadata(file).with_context(|| format!("{}", file.display()))?.len();
    let max = MAX_CAPTURE_BYTES.max(MAX_NINJS_BYTES) as u64;
    // Checked before reading, so a huge file given by mistake is refused without loading it.
    anyhow::ensure!(size <= max, "{}: the file is {size} bytes; at most {max} are read", file.display());
    let bytes = std::fs::read(file).with_context(|| format!("{}", file.display()))?;
    let format = match format.or_else(|| detect(&bytes)) {
        Some(f) => f,
        None => anyhow::bail!(
            "{}: cannot tell the format (a page capture starts with \"date \", ninjs with {{ or [); use --format",
            file.display()
        ),
    };
    let name = file.display();
    match format {
        Format::Capture => {
            let record = parse_capture(&bytes).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
            let article = record.to_article().map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
            Ok(vec![Parsed {
                file: file.to_path_buf(),
                external_id: record.external_id(),
                version: None,
                record: serde_json::to_value(&record)?,
                article,
            }])
        }
        Format::Ninjs => {
            let items = parse_ninjs(&bytes).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    let article = item.to_article(section).map_err(|e| anyhow::anyhow!("{name}: item {i}: {e}"))?;
                    Ok(Parsed {
                        file: file.to_path_buf(),
                        external_id: item.external_id(),
                        version: item.version.clone(),
                        record: serde_json::to_value(&item)?,
                        article,
                    })
                })
                .collect()
        }
    }
}

fn detect(bytes: &[u8]) -> Option<Format> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    match bytes[start] {
        b'{' | b'[' => Some(Format::Ninjs),
        _ if bytes[start..].starts_with(b"date ") => Some(Format::Capture),
        _ => None,
    }
}
