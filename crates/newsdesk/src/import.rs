//! `newsdesk import`: outside data in, stories out. Every format the `ingest` crate reads, told
//! from each file's content (`--format` forces one). Items go through intake one by one (see
//! `desk::intake`): published by default (drafts stay drafts), or queued for the desk with
//! `--to-queue`; they are stored 500 to a durable transaction, each in a savepoint of its own,
//! so a broken item is reported with its file, item and field, keeps nothing, and the rest go
//! on. A WordPress export is read as a stream in two
//! passes, so a whole site's archive imports in bounded memory. The last line counts what
//! happened; the exit status is 1 when anything failed.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use newsdesk_core::article::Section;
use newsdesk_desk::intake::{Intake, IntakeError, Mode, Status, Tally};
use newsdesk_ingest::item::{Format as ItemFormat, Parsed};
use newsdesk_ingest::ninjs::check::Version;
use newsdesk_ingest::wxr::WxrOptions;
use newsdesk_ingest::{ItemError, WireItem, detect, ghost, ninjs, wxr};
use newsdesk_store::{SaveStatus, Store};

use crate::{Format, ImportArgs};

/// Items stored together in one durable transaction (each in a savepoint of its own).
const BATCH: usize = 500;

/// Largest file read whole (a WordPress export is streamed and has no limit).
const MAX_FILE_BYTES: u64 = ghost::MAX_GHOST_BYTES as u64;

/// What the run does with each item, and what it has counted.
struct Run<'a> {
    args: &'a ImportArgs,
    intake: Option<Intake<'a>>,
    store: Option<&'a Store>,
    ninjs_version: Option<Version>,
    tally: Tally,
    out: std::io::StdoutLock<'static>,
    /// Items read but not yet stored, with the file each came from: items of many small files
    /// (an agency's one NITF file per story) share a durable transaction instead of one each.
    pending: Vec<(std::rc::Rc<str>, WireItem)>,
}

pub fn run(data: &Path, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let ninjs_version = args
        .ninjs_version
        .as_deref()
        .map(str::parse::<Version>)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--ninjs-version: {e}"))?;
    let section = args
        .section
        .as_deref()
        .map(|label| {
            Section::from_label(label).with_context(|| format!("--section {label:?}: expected a name with letters"))
        })
        .transpose()?;
    let store = if args.dry_run {
        None
    } else {
        Some(Store::open(data).with_context(|| format!("cannot open the data directory {}", data.display()))?)
    };
    let mode = if args.to_queue { Mode::Queue } else { Mode::Publish };
    let intake = match &store {
        Some(s) => {
            let intake = Intake::new(s, mode, "import")?;
            Some(match section {
                Some(sec) => intake.into_section(sec),
                None => intake,
            })
        }
        None => None,
    };
    let mut run = Run {
        args: &args,
        intake,
        store: store.as_ref(),
        ninjs_version,
        tally: Tally::default(),
        out: std::io::stdout().lock(),
        pending: Vec::with_capacity(BATCH),
    };
    for file in &args.files {
        if let Err(e) = run.file(file) {
            run.tally.failed += 1;
            eprintln!("error: cannot import {e:#}");
        }
    }
    run.flush();
    let verb = if args.dry_run { "checked (--dry-run, nothing stored)" } else { "imported" };
    eprintln!("{verb}: {}", run.tally.line());
    Ok(if run.tally.failed > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

fn item_format(f: Format) -> ItemFormat {
    match f {
        Format::Capture => ItemFormat::Capture,
        Format::Ninjs => ItemFormat::Ninjs,
        Format::NewsmlG2 => ItemFormat::NewsmlG2,
        Format::Rss => ItemFormat::Rss,
        Format::Atom => ItemFormat::Atom,
        Format::JsonFeed => ItemFormat::JsonFeed,
        Format::Wxr => ItemFormat::Wxr,
        Format::Ghost => ItemFormat::Ghost,
        Format::Nitf => ItemFormat::Nitf,
        Format::Newsml1 => ItemFormat::Newsml1,
        Format::ApMedia => ItemFormat::ApMedia,
        Format::Iptc7901 => ItemFormat::Iptc7901,
    }
}

impl Run<'_> {
    /// One file; `Err` when the file itself cannot be read (its items are reported one by one).
    fn file(&mut self, file: &Path) -> anyhow::Result<()> {
        let name = file.display().to_string();
        let mut head = Vec::with_capacity(64 * 1024);
        File::open(file)
            .with_context(|| name.clone())?
            .take(64 * 1024)
            .read_to_end(&mut head)
            .with_context(|| name.clone())?;
        let format = match self.args.format.map(item_format).or_else(|| detect::detect(&head)) {
            Some(f) => f,
            None => anyhow::bail!(
                "{name}: cannot tell the format (tried ninjs, AP Media API, JSON Feed and Ghost exports, which are \
                 JSON; NewsML-G2, NITF, NewsML 1.2, RSS, Atom and WordPress exports, which are XML; IPTC 7901, \
                 framed by SOH and STX; a page capture, which starts with \"date \"); use --format"
            ),
        };
        if matches!(format, ItemFormat::Wxr | ItemFormat::Capture) {
            // These store as they go: what earlier files left pending goes first, in order.
            self.flush();
        }
        if format == ItemFormat::Wxr {
            return self.wordpress(file, &name);
        }
        let size = std::fs::metadata(file).with_context(|| name.clone())?.len();
        // Checked before reading, so a huge file given by mistake is refused without loading it.
        anyhow::ensure!(size <= MAX_FILE_BYTES, "{name}: the file is {size} bytes; at most {MAX_FILE_BYTES} are read");
        let bytes = std::fs::read(file).with_context(|| name.clone())?;
        let document = |e: ItemError| anyhow::anyhow!("{name}: {e}");
        let parsed = match format {
            ItemFormat::Capture => return self.capture(&name, &bytes),
            ItemFormat::Ninjs => {
                let options = ninjs::NinjsOptions { version: self.ninjs_version, strict: self.args.strict };
                ninjs::parse_ninjs_with(&bytes, options).map_err(document)?
            }
            ItemFormat::Ghost => {
                ghost::parse_ghost(&bytes, &ghost::GhostOptions { pages: self.args.pages }).map_err(document)?
            }
            ItemFormat::Wxr => unreachable!("streamed above"),
            other => match detect::read_document(other, &bytes) {
                Some(read) => read.map_err(document)?,
                None => anyhow::bail!("{name}: a {} file is not read as a document", other.name()),
            },
        };
        self.parsed(&name, parsed);
        Ok(())
    }

    fn parsed(&mut self, name: &str, parsed: Parsed) {
        for w in &parsed.warnings {
            eprintln!("warning: {name}: {w}");
        }
        let shared: std::rc::Rc<str> = name.into();
        for item in parsed.items {
            self.pending.push((shared.clone(), item));
            if self.pending.len() >= BATCH {
                self.flush();
            }
        }
        for e in &parsed.failed {
            self.failed(name, e);
        }
        self.skipped(name, parsed.skipped.iter().map(|(_, why)| why.as_str()));
    }

    /// A WordPress export: a first pass learns the site, a second hands on each post.
    fn wordpress(&mut self, file: &Path, name: &str) -> anyhow::Result<()> {
        let open =
            || File::open(file).map(|f| BufReader::with_capacity(256 * 1024, f)).with_context(|| name.to_string());
        let catalog = wxr::scan(open()?).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
        let options = WxrOptions { pages: self.args.pages };
        let mut skipped: Vec<String> = vec![];
        let mut batch: Vec<WireItem> = Vec::with_capacity(BATCH);
        wxr::read(open()?, &catalog, &options, |_, outcome| match outcome {
            Ok(Ok(item)) => {
                batch.push(item);
                if batch.len() == BATCH {
                    self.items(name, &batch);
                    batch.clear();
                }
            }
            Ok(Err(why)) => skipped.push(why),
            Err(e) => self.failed(name, &e),
        })
        .map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
        self.items(name, &batch);
        self.skipped(name, skipped.iter().map(String::as_str));
        Ok(())
    }

    /// A page capture keeps its own record (the seed's field names) and files itself.
    fn capture(&mut self, name: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let record = newsdesk_ingest::parse_capture(bytes).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
        let article = record.to_article().map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
        let Some(store) = self.store else {
            if self.args.json {
                writeln!(self.out, "{}", serde_json::to_string(&record)?)?;
            }
            self.tally.count(Status::Imported);
            return Ok(());
        };
        let saved = store
            .save_article(&article, Some(&record.external_id()), "import", jiff::Timestamp::now())
            .with_context(|| format!("cannot store {name}"))?;
        let status = match saved.status {
            SaveStatus::Created => Status::Imported,
            SaveStatus::Updated => Status::Updated,
            SaveStatus::Unchanged => Status::Duplicate,
        };
        self.tally.count(status);
        self.print(name, &record.external_id(), status, saved.id.0, &saved.path, None)
    }

    /// A batch of items: stored together (each on its own), or with --dry-run checked.
    /// Stores what is pending, in one durable transaction.
    fn flush(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        let mut start = 0;
        // Reported file by file, stored all at once.
        if self.intake.is_none() {
            while start < pending.len() {
                let name = pending[start].0.clone();
                let end = pending[start..].iter().position(|(n, _)| *n != name).map_or(pending.len(), |e| start + e);
                let items: Vec<WireItem> = pending[start..end].iter().map(|(_, i)| i.clone()).collect();
                self.items(&name, &items);
                start = end;
            }
            return;
        }
        let (names, items): (Vec<std::rc::Rc<str>>, Vec<WireItem>) = pending.into_iter().unzip();
        self.store_named(&names, &items);
    }

    fn items(&mut self, name: &str, items: &[WireItem]) {
        if self.intake.is_some() {
            let names: Vec<std::rc::Rc<str>> = vec![name.into(); items.len()];
            self.store_named(&names, items);
            return;
        }
        // --dry-run: what would be stored.
        for item in items {
            if let Err(e) = item.to_article(&Section::from_label("News").expect("a valid label")) {
                self.failed(name, &e);
                continue;
            }
            if self.args.json {
                let _ = writeln!(self.out, "{}", serde_json::to_string(item).unwrap_or_default());
            }
            self.tally.count(Status::Imported);
        }
    }

    /// Stores `items` in one durable transaction; each is reported with its file's name.
    fn store_named(&mut self, names: &[std::rc::Rc<str>], items: &[WireItem]) {
        let Some(intake) = self.intake.as_mut() else { return };
        if items.is_empty() {
            return;
        }
        let outcomes = match intake.take_all(items, jiff::Timestamp::now()) {
            Ok(o) => o,
            Err(e) => {
                self.tally.failed += items.len();
                let mut files: Vec<&str> = names.iter().map(|n| &**n).collect();
                files.dedup();
                eprintln!("error: cannot store {} item(s) of {}, none of them was: {e}", items.len(), files.join(", "));
                return;
            }
        };
        for ((item, outcome), name) in items.iter().zip(outcomes).zip(names) {
            let name: &str = name;
            match outcome {
                Ok(out) => {
                    self.tally.count(out.status);
                    if out.status == Status::Skipped {
                        eprintln!(
                            "note: {name}: {}: skipped by routing rule {}",
                            item.uri,
                            out.rule.unwrap_or_default()
                        );
                        continue;
                    }
                    if let Err(e) = self.print(name, &item.uri, out.status, out.id, &out.path, out.cluster) {
                        eprintln!("error: {e:#}");
                    }
                }
                Err(IntakeError::Item(e)) => self.failed(name, &e.of(Some(&item.uri))),
                Err(IntakeError::Store(e)) => {
                    self.tally.failed += 1;
                    eprintln!("error: cannot store {name}: {}: {e}", item.uri);
                }
            }
        }
    }

    fn print(
        &mut self,
        name: &str,
        uri: &str,
        status: Status,
        id: i64,
        path: &str,
        cluster: Option<i64>,
    ) -> anyhow::Result<()> {
        let url = format!("{}{path}", self.args.site_url.trim_end_matches('/'));
        if self.args.json {
            let mut line = serde_json::json!({ "file": name, "uri": uri, "status": status, "id": id, "url": url });
            if let Some(c) = cluster {
                line["cluster"] = c.into();
            }
            writeln!(self.out, "{line}")?;
        } else {
            writeln!(self.out, "{url}")?;
        }
        Ok(())
    }

    fn failed(&mut self, name: &str, e: &ItemError) {
        self.tally.failed += 1;
        eprintln!("error: cannot import {name}: {e}");
    }

    /// Skipped items, counted, with their reasons grouped.
    fn skipped<'s>(&mut self, name: &str, reasons: impl Iterator<Item = &'s str>) {
        let mut by_reason: BTreeMap<&str, usize> = BTreeMap::new();
        for why in reasons {
            *by_reason.entry(why).or_default() += 1;
        }
        for (why, n) in by_reason {
            self.tally.skipped += n;
            eprintln!("note: {name}: {n} skipped: {why}");
        }
    }
}
