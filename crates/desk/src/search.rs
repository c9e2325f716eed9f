//! The search index and the Recommended lists, kept in step with the store: rebuilt from the
//! database when the index is missing or of another version, then following the event log
//! (publish, update, unpublish and the end of an embargo), and the Recommended lists older
//! stories lack filled in a budget at a time. The index itself (`derive::SearchIndex`) and the
//! queries readers send live in `derive`; what readers see of it is `web::search`.

use std::time::Duration;

use jiff::Timestamp;
use newsdesk_core::ArticleId;
use newsdesk_derive::SearchIndex;
use newsdesk_store::{ArticleFilter, Store, StoreError};

/// Articles read per batch while rebuilding.
const REBUILD_BATCH: usize = 1000;

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Search(#[from] newsdesk_derive::SearchError),
}

/// Fills the index from scratch and then computes the Recommended lists of the newest stories;
/// returns how many articles were indexed.
pub fn rebuild(store: &Store, index: &SearchIndex, now: Timestamp) -> Result<usize, IndexError> {
    let count = rebuild_index(store, index)?;
    // Recommended lists for the newest stories now; older ones get theirs when they change.
    let recent = store.latest_headlines(&ArticleFilter::default(), RELATED_ON_REBUILD, 0)?;
    let ids: Vec<i64> = recent.iter().filter_map(|a| a.id.map(|i| i.0)).collect();
    refresh_related(store, index, &ids, false, now)?;
    Ok(count)
}

/// Fills the index with every article readers can see now, from scratch; returns how many.
/// The event id is read first, so whatever happens during the rebuild is applied after it.
pub fn rebuild_index(store: &Store, index: &SearchIndex) -> Result<usize, IndexError> {
    let last_event = store.latest_event_id()?;
    index.clear()?;
    let mut count = 0;
    let mut after = 0;
    loop {
        let batch = store.published_by_id(after, REBUILD_BATCH)?;
        let Some(last) = batch.last() else { break };
        after = last.id.map_or(i64::MAX, |i| i.0);
        let docs: Vec<(i64, &newsdesk_core::Article)> = batch.iter().filter_map(|a| Some((a.id?.0, a))).collect();
        index.add_new(&docs)?;
        count += docs.len();
        if batch.len() < REBUILD_BATCH {
            break;
        }
    }
    index.commit(last_event)?;
    Ok(count)
}

/// How many of the newest stories get their Recommended list computed after a rebuild.
pub const RELATED_ON_REBUILD: usize = 2000;
/// How many similar stories are kept per article.
pub const RELATED_KEPT: usize = 6;

/// Computes and stores the Recommended list of each article in `ids` that readers can see; with
/// `neighbours`, also of the stories it is most like, so a new story shows up beside them.
pub fn refresh_related(
    store: &Store,
    index: &SearchIndex,
    ids: &[i64],
    neighbours: bool,
    now: Timestamp,
) -> Result<(), IndexError> {
    let mut done = std::collections::HashSet::new();
    let mut queue: Vec<(i64, bool)> = ids.iter().map(|id| (*id, neighbours)).collect();
    while let Some((id, spread)) = queue.pop() {
        if !done.insert(id) {
            continue;
        }
        let a = match store.article(ArticleId(id)) {
            Ok(a) => a,
            Err(StoreError::NotFound { .. }) => continue,
            Err(e) => return Err(e.into()),
        };
        if !a.is_live(now) {
            store.set_related(ArticleId(id), &[], now)?;
            continue;
        }
        let similar = index.similar(id, &a, RELATED_KEPT)?;
        store.set_related(ArticleId(id), &similar, now)?;
        if spread {
            queue.extend(similar.iter().take(3).map(|(other, _)| (*other, false)));
        }
    }
    Ok(())
}

/// How many stories without a Recommended list the backfill looks at per tick, and how long it
/// may work on them (a list takes 5 ms at 100,000 stories, 30 ms at 1,000,000).
pub const BACKFILL_BATCH: usize = 50;
pub const BACKFILL_BUDGET: Duration = Duration::from_millis(300);

/// Computes the Recommended lists of up to `limit` stories that have never had one (after a
/// rebuild only the newest get theirs at once), newest first, stopping once `budget` is spent;
/// returns how many.
pub fn backfill_related(
    store: &Store,
    index: &SearchIndex,
    limit: usize,
    budget: Duration,
    now: Timestamp,
) -> Result<usize, IndexError> {
    let started = std::time::Instant::now();
    let mut done = 0;
    for id in store.related_pending(limit, now)? {
        if started.elapsed() >= budget {
            break;
        }
        refresh_related(store, index, &[id.0], false, now)?;
        done += 1;
    }
    Ok(done)
}

/// Applies the events the index has not seen; returns how many articles it touched.
pub fn catch_up(store: &Store, index: &SearchIndex, now: Timestamp) -> Result<usize, IndexError> {
    let Some(mut last) = index.last_event() else { return Ok(0) };
    let mut touched = 0;
    loop {
        let events = store.events_since(last, 500)?;
        let Some(newest) = events.last().map(|e| e.id) else { break };
        let mut ids: Vec<i64> = events.iter().filter_map(|e| e.article_id).collect();
        ids.sort_unstable();
        ids.dedup();
        for &id in &ids {
            match store.article(ArticleId(id)) {
                Ok(a) if a.is_live(now) => index.upsert(id, &a)?,
                Ok(_) | Err(StoreError::NotFound { .. }) => index.remove(id),
                Err(e) => return Err(e.into()),
            }
            touched += 1;
        }
        index.commit(newest)?;
        refresh_related(store, index, &ids, true, now)?;
        last = newest;
        if events.len() < 500 {
            break;
        }
    }
    Ok(touched)
}
