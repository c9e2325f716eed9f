//! Search in the newsroom: the dashboard's words are looked up in the site's search index (the
//! stories readers can see) and in the newsroom's own index of every story readers cannot see
//! (drafts, stories in edit, scheduled, embargoed, unpublished, spiked), with the same analysis,
//! so headline, deck and body are searched and a misspelt word is put right ("did you mean").
//! Who may see which story is not the index's business: the hits' ids go to the dashboard's
//! query, which keeps its rules (a contributor sees only their own) and its filters.
//!
//! Drafts leave no events, so the newsroom's index follows the articles' last-change times: each
//! pass reads what changed since its cursor, less a few seconds (a save that took its time
//! before a later one committed is not missed), skipping what it has already seen.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use newsdesk_core::ArticleId;
use newsdesk_derive::{SearchIndex, SearchQuery};
use newsdesk_store::{Store, StoreError};

use crate::AppState;
use newsdesk_desk::search::IndexError;

/// How far back each pass looks again, in microseconds.
const OVERLAP_US: i64 = 5_000_000;
/// Changes read per pass.
const BATCH: usize = 2000;
/// Hits taken from each index: the dashboard pages through them.
pub const MAX_HITS: usize = 200;

/// What a pass has applied, by story: the change time it saw (only those inside the overlap).
pub type Seen = Arc<Mutex<HashMap<i64, i64>>>;

/// Brings the newsroom's index up to date; returns how many stories it touched.
pub fn catch_up(store: &Store, index: &SearchIndex, seen: &Seen) -> Result<usize, IndexError> {
    let cursor = index.last_event().unwrap_or(0);
    let since = if cursor == 0 { 0 } else { cursor - OVERLAP_US };
    let mut seen = seen.lock().unwrap_or_else(|p| p.into_inner());
    let mut touched = 0;
    let mut newest = cursor;
    let mut from = since;
    loop {
        let rows = store.changed_since(from, BATCH)?;
        let fresh: Vec<&(i64, i64, bool)> = rows.iter().filter(|(id, at, _)| seen.get(id) != Some(at)).collect();
        for &&(id, at, visible) in &fresh {
            if visible {
                index.remove(id);
            } else {
                match store.article(ArticleId(id)) {
                    Ok(a) => index.upsert(id, &a)?,
                    Err(StoreError::NotFound { .. }) => index.remove(id),
                    Err(e) => return Err(e.into()),
                }
            }
            seen.insert(id, at);
            touched += 1;
        }
        newest = newest.max(rows.last().map_or(0, |r| r.1));
        // A full batch of stories changed in the same microsecond cannot be passed by time.
        let Some(last) = rows.last().map(|r| r.1).filter(|_| rows.len() == BATCH) else { break };
        from = if last > from { last } else { last + 1 };
    }
    if touched > 0 || index.needs_rebuild() {
        index.commit(newest.max(1))?;
    }
    seen.retain(|_, at| *at >= newest - OVERLAP_US);
    Ok(touched)
}

/// What a newsroom search found: story ids, best first, and the corrected words when those were
/// searched instead of the words as typed.
pub struct Found {
    pub ids: Vec<i64>,
    pub corrected: Option<String>,
}

/// Scored hits of one query in both indexes, and a correction either offers.
type Hits = (Vec<(f32, i64)>, Option<String>);

/// The stories whose headline, deck, body, tags or byline hold `words`, best first, from both
/// indexes; with the corrected query when the words as typed find little and a correction finds
/// more. `None` when the site has no index (the dashboard then matches headline and deck).
pub fn find(state: &AppState, words: &str) -> Result<Option<Found>, IndexError> {
    let indexes: Vec<&SearchIndex> =
        [state.search.as_deref(), state.newsroom_search.as_deref()].into_iter().flatten().collect();
    if indexes.is_empty() {
        return Ok(None);
    }
    let run = |text: &str| -> Result<Hits, IndexError> {
        let mut hits = Vec::new();
        let mut suggestion = None;
        for index in &indexes {
            let q = SearchQuery { text: text.to_string(), limit: MAX_HITS, ..SearchQuery::default() };
            let r = index.search(&q)?;
            hits.extend(r.hits.iter().map(|h| (h.score, h.id)));
            suggestion = suggestion.or(r.suggestion);
        }
        Ok((hits, suggestion))
    };
    let (mut hits, suggestion) = run(words)?;
    let mut corrected = None;
    if hits.len() < 3
        && let Some(better) = suggestion
    {
        let (more, _) = run(&better)?;
        if more.len() > hits.len() {
            hits = more;
            corrected = Some(better);
        }
    }
    hits.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut ids = Vec::with_capacity(hits.len());
    for (_, id) in hits {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids.truncate(MAX_HITS);
    Ok(Some(Found { ids, corrected }))
}
