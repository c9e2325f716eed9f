//! Polled sources: feeds and wire endpoints newsdesk fetches on a schedule (`newsdesk sources
//! add URL --every 5m`). Each poll is a conditional GET through the one guarded client (the
//! stored ETag and Last-Modified go back, a 304 costs nothing), the answer is read by whichever
//! parser its content calls for, and every item goes through intake as the routing rules say:
//! to the wire queue, or straight to publication, or nowhere. A failure is recorded on the
//! source and retried later and later (the interval doubled per failure, at most six hours);
//! a node holds a source while polling it, so several nodes never poll one at once.

use jiff::{SignedDuration, Timestamp};
use newsdesk_core::article::Section;
use newsdesk_ingest::detect;
use newsdesk_ingest::item::Parsed;
use newsdesk_store::{FeedSource, PollResult, Store, StoreError};

use crate::intake::{Intake, IntakeError, Mode, Tally};
use crate::outbound::Outbound;

/// How long a claimed source is ours before another node may poll it.
const LEASE: SignedDuration = SignedDuration::from_secs(120);
/// Largest answer read from a source.
pub const MAX_FETCH_BYTES: u64 = 16 * 1024 * 1024;
/// The longest wait between attempts at a failing source.
const MAX_BACKOFF: SignedDuration = SignedDuration::from_hours(6);

/// When to try a source again after `failures` failures in a row: its interval doubled per
/// failure, never more than six hours (or its own interval, if that is longer).
pub fn backoff(every_secs: i64, failures: i64) -> SignedDuration {
    let secs = every_secs.max(1).saturating_mul(1i64 << failures.clamp(0, 20));
    SignedDuration::from_secs(secs.min(MAX_BACKOFF.as_secs().max(every_secs)))
}

/// Polls every source that is due; returns how many were polled.
pub fn poll_due(store: &Store, outbound: &Outbound, now: Timestamp) -> Result<usize, StoreError> {
    let mut polled = 0;
    while let Some(source) = store.claim_due_source(now, LEASE)? {
        let result = poll(store, outbound, &source, now);
        match &result.error {
            None => tracing::info!(source = source.id, url = %source.url, status = %result.status, "polled"),
            Some(e) => {
                tracing::warn!(source = source.id, url = %source.url, error = %e, failures = result.failures, "poll failed")
            }
        }
        store.finish_poll(source.id, &result, now)?;
        polled += 1;
    }
    Ok(polled)
}

fn failed(source: &FeedSource, now: Timestamp, status: &str, error: String) -> PollResult {
    let failures = source.failures + 1;
    PollResult {
        status: status.into(),
        error: Some(error),
        etag: None,
        last_modified: None,
        items: 0,
        next_poll_at: now + backoff(source.every_secs, failures),
        failures,
    }
}

/// One poll of one source: fetch, read, take in.
pub fn poll(store: &Store, outbound: &Outbound, source: &FeedSource, now: Timestamp) -> PollResult {
    let mut headers = vec![];
    if let Some(etag) = &source.etag {
        headers.push(("If-None-Match", etag.clone()));
    }
    if let Some(modified) = &source.last_modified {
        headers.push(("If-Modified-Since", modified.clone()));
    }
    let fetched = match outbound.get(&source.url, &headers, source.allow_private, MAX_FETCH_BYTES) {
        Ok(f) => f,
        Err(e) => return failed(source, now, "fetch failed", e.to_string()),
    };
    let next = now + SignedDuration::from_secs(source.every_secs.max(1));
    if fetched.status == 304 {
        return PollResult {
            status: "not modified".into(),
            error: None,
            etag: fetched.etag,
            last_modified: fetched.last_modified,
            items: 0,
            next_poll_at: next,
            failures: 0,
        };
    }
    let mut parsed = match read(&fetched.body) {
        Ok(p) => p,
        Err(e) => return failed(source, now, "unreadable", e),
    };
    let rendition_problems = fetch_texts(&mut parsed, outbound, source);
    let actor = format!("source:{}", source.name);
    let mut intake = match Intake::new(store, Mode::Route { publish: source.publish }, &actor) {
        Ok(i) => i.from_source(source.id),
        Err(e) => return failed(source, now, "store error", e.to_string()),
    };
    if let Some(section) = source.section.as_deref().and_then(Section::from_label) {
        intake = intake.fallback(section);
    }
    let mut tally = Tally { failed: parsed.failed.len(), skipped: parsed.skipped.len(), ..Tally::default() };
    let mut problems: Vec<String> = parsed.failed.iter().map(ToString::to_string).collect();
    problems.extend(rendition_problems);
    let outcomes = match intake.take_all(&parsed.items, now) {
        Ok(o) => o,
        Err(e) => return failed(source, now, "store error", e.to_string()),
    };
    for (item, outcome) in parsed.items.iter().zip(outcomes) {
        match outcome {
            Ok(out) => tally.count(out.status),
            Err(IntakeError::Item(e)) => {
                tally.failed += 1;
                problems.push(e.of(Some(&item.uri)).to_string());
            }
            Err(IntakeError::Store(e)) => return failed(source, now, "store error", e.to_string()),
        }
    }
    PollResult {
        status: format!("ok: {}", tally.line()),
        error: problems.first().map(|p| {
            format!(
                "{p}{}",
                if problems.len() > 1 { format!(" (and {} more)", problems.len() - 1) } else { String::new() }
            )
        }),
        etag: fetched.etag,
        last_modified: fetched.last_modified,
        items: (tally.imported + tally.updated) as i64,
        next_poll_at: next,
        failures: 0,
    }
}

/// Texts fetched for one poll at the most (each a request to the agency).
const MAX_RENDITIONS: usize = 50;

/// Items whose text is only in a rendition (AP's NITF) get it fetched, through the same guarded
/// client and with the source's own key (an `apikey` in the source's address is passed on, as
/// AP's API asks); an item whose rendition cannot be had keeps its summary, and the reason is
/// one of the poll's problems.
fn fetch_texts(parsed: &mut Parsed, outbound: &Outbound, source: &FeedSource) -> Vec<String> {
    let key = url::Url::parse(&source.url)
        .ok()
        .and_then(|u| u.query_pairs().find(|(k, _)| k.eq_ignore_ascii_case("apikey")).map(|(_, v)| v.into_owned()));
    let mut problems = vec![];
    for item in parsed.items.iter_mut().filter(|i| i.text_rendition.is_some()).take(MAX_RENDITIONS) {
        let Some(href) = item.text_rendition.take() else { continue };
        let Ok(mut address) = url::Url::parse(&href) else {
            problems.push(format!("{}: the text rendition's address {href:?} cannot be read", item.uri));
            continue;
        };
        if let Some(k) = &key
            && !address.query_pairs().any(|(n, _)| n.eq_ignore_ascii_case("apikey"))
        {
            address.query_pairs_mut().append_pair("apikey", k);
        }
        let text = outbound
            .get(address.as_str(), &[], source.allow_private, MAX_FETCH_BYTES)
            .map_err(|e| e.to_string())
            .and_then(|f| if f.status == 200 { Ok(f.body) } else { Err(format!("answered {}", f.status)) })
            .and_then(|body| newsdesk_ingest::nitf::parse_nitf(&body).map_err(|e| e.to_string()))
            .map(|p| p.items.into_iter().next().map(|n| n.body).unwrap_or_default());
        match text {
            Ok(body) if !body.is_empty() => item.body = body,
            Ok(_) => problems.push(format!("{}: its text rendition holds no text; the summary stands", item.uri)),
            Err(e) => {
                // The source's key is a secret: the reason is shown in the newsroom without it.
                let e = match &key {
                    Some(k) if !k.is_empty() => e.replace(k.as_str(), "[key]"),
                    _ => e,
                };
                problems.push(format!("{}: its text rendition could not be had ({e}); the summary stands", item.uri))
            }
        }
    }
    problems
}

/// A source's answer, read by what it is: a feed or any wire format newsdesk reads.
fn read(body: &[u8]) -> Result<Parsed, String> {
    let parsed = match detect::detect(body) {
        Some(format) => match detect::read_document(format, body) {
            Some(parsed) => parsed,
            None => {
                return Err(format!("a {} document is an export to import once, not a source to poll", format.name()));
            }
        },
        None => return Err(
            "not a feed (RSS, Atom, JSON Feed) or wire document (ninjs, NewsML-G2, NITF, NewsML 1.2, AP Media API, IPTC 7901)"
                .into(),
        ),
    };
    parsed.map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests;
