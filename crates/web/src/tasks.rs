//! A serving node's background work, listed in one place with one shape: each task is a name,
//! an interval and a pass. A pass runs on the blocking pool (the store, the search index and
//! the outbound client are synchronous); a slow pass delays the next tick and never overlaps
//! it; what a pass returns as an error is logged with the task's name, and a pass that panics
//! is logged and run again at the next tick. [`start`] begins them all with the server and
//! [`Running::stop`] ends them all with it. The work itself is `desk`'s (intake, sources,
//! hooks, the search index) or the page cache's; only the scheduling lives here.

use std::fmt::Display;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use newsdesk_desk::outbound::Outbound;
use newsdesk_desk::{hooks, search, sources};
use tokio::task::JoinHandle;

use crate::{AppState, embeds, newsroom, views};

/// The tasks of one serving node, until [`Running::stop`].
#[derive(Debug, Default)]
pub struct Running {
    tasks: Vec<(&'static str, JoinHandle<()>)>,
}

impl Running {
    /// The names of the running tasks, in the order they started.
    pub fn names(&self) -> Vec<&'static str> {
        self.tasks.iter().map(|(name, _)| *name).collect()
    }

    /// Ends every task (a pass under way on the blocking pool finishes on its own).
    pub fn stop(self) {
        for (_, task) in self.tasks {
            task.abort();
        }
    }

    /// Runs `pass` every `every` as the task `name`.
    fn every<T, E, F>(&mut self, name: &'static str, every: Duration, pass: F)
    where
        F: FnMut() -> Result<T, E> + Send + 'static,
        E: Display,
        T: 'static,
    {
        let pass = Arc::new(Mutex::new(pass));
        let task = tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let pass = pass.clone();
                let ran = tokio::task::spawn_blocking(move || {
                    let mut pass = pass.lock().unwrap_or_else(PoisonError::into_inner);
                    pass().err().map(|e| e.to_string())
                });
                match ran.await {
                    Ok(None) => {}
                    Ok(Some(e)) => tracing::error!(task = name, error = %e, "background pass failed"),
                    Err(e) => tracing::error!(task = name, error = %e, "background pass panicked"),
                }
            }
        });
        self.tasks.push((name, task));
    }
}

/// How often the page cache's size, hits and evictions are logged.
const CACHE_REPORT_EVERY: Duration = Duration::from_secs(60);
/// How often view counts are written down; the most-read lists are ranked every fifth time
/// when views came in.
const VIEWS_EVERY: Duration = Duration::from_secs(60);
const MOST_READ_EVERY_NTH: u32 = 5;

/// Starts every background task of a serving node.
pub fn start(state: &AppState) -> Running {
    let mut running = Running::default();
    follow_events(&mut running, state);
    run_scheduled_jobs(&mut running, state);
    reach_out(&mut running, state);
    count_views(&mut running, state);
    keep_search_indexes(&mut running, state);
    fetch_wire_photos(&mut running, state);
    if state.site.renditions {
        make_renditions(&mut running, state);
    }
    running
}

/// The wire photo job (`desk::pictures::fetch_wire_photos`): pictures wire items referred to,
/// downloaded into the media library and put on their stories.
fn fetch_wire_photos(running: &mut Running, state: &AppState) {
    let st = state.clone();
    let out = Outbound::new();
    running.every("wire photos", Duration::from_secs(2), move || {
        newsdesk_desk::pictures::fetch_wire_photos(
            &st.store,
            st.media.as_ref(),
            &out,
            st.site.wire_photos_allow_private,
            || st.now(),
        )
    });
}

/// The rendition job (`desk::pictures`): every picture's crops, widths and formats, made once
/// after upload or import (and again after a new framing), never on a reader's request.
fn make_renditions(running: &mut Running, state: &AppState) {
    let st = state.clone();
    running.every("renditions", Duration::from_secs(1), move || {
        newsdesk_desk::pictures::render_pending(&st.store, st.media.as_ref(), || st.now())
    });
}

/// The page cache's follower.
fn follow_events(running: &mut Running, state: &AppState) {
    // The page cache follows the event log (`follow`): pages showing what changed are dropped,
    // the CDN in front is told. A cheap poll of the newest event id is how SQLite readers
    // notice writes from other processes; a writer on this node runs the same step at once.
    let st = state.clone();
    let mut reported = std::time::Instant::now();
    running.every("page cache follower", Duration::from_millis(250), move || {
        if reported.elapsed() >= CACHE_REPORT_EVERY {
            reported = std::time::Instant::now();
            let s = st.cache.stats();
            tracing::info!(
                pages = s.entries,
                mb = s.bytes / (1024 * 1024),
                budget_mb = s.budget / (1024 * 1024),
                hits = s.hits,
                misses = s.misses,
                evictions = s.evictions,
                "page cache"
            );
        }
        st.catch_up_blocking();
        Ok::<_, std::convert::Infallible>(())
    });
}

/// The scheduler.
fn run_scheduled_jobs(running: &mut Running, state: &AppState) {
    // Scheduled jobs (a story going live, an embargo ending) when they fall due. Every node
    // may run them; the store makes sure each runs once.
    let st = state.clone();
    let node = format!("{}-{}", std::env::var("HOSTNAME").unwrap_or_else(|_| "node".into()), std::process::id());
    running.every("scheduler", Duration::from_secs(1), move || {
        for r in st.store.run_due_jobs(st.now(), &node)? {
            tracing::info!(job = r.id, kind = ?r.kind, article = r.article_id, outcome = r.outcome, "scheduled job ran");
        }
        Ok::<_, newsdesk_store::StoreError>(())
    });
}

/// What the node sends and fetches: webhooks, polled sources, embed cards.
fn reach_out(running: &mut Running, state: &AppState) {
    let st = state.clone();
    let out = Outbound::new();
    running
        .every("webhooks", Duration::from_secs(1), move || hooks::deliver_due(&st.store, &st.site.url, &out, st.now()));

    let st = state.clone();
    let out = Outbound::new();
    running.every("sources", Duration::from_secs(1), move || sources::poll_due(&st.store, &out, st.now()));

    let st = state.clone();
    let (out, endpoints) = (Outbound::new(), embeds::Endpoints::default());
    running.every("embed cards", Duration::from_secs(2), move || embeds::fetch_due(&st, &out, &endpoints));
}

/// Page views and the most-read lists.
fn count_views(running: &mut Running, state: &AppState) {
    // View counts are flushed once a minute; when views came in, the most-read lists are
    // ranked at most every fifth flush, and the pages showing them are dropped only when one
    // of the lists changed.
    let st = state.clone();
    let (mut flushes, mut pending) = (0u32, false);
    let mut shown: Option<Vec<Vec<i64>>> = None;
    running.every("page views", VIEWS_EVERY, move || {
        pending |= views::flush(&st, st.now())? > 0;
        flushes += 1;
        if pending && flushes >= MOST_READ_EVERY_NTH {
            (flushes, pending) = (0, false);
            let lists = views::most_read_lists(&st, st.now())?;
            if shown.as_ref() != Some(&lists) {
                let keys = std::collections::BTreeSet::from([crate::depends::MOST_READ.to_string()]);
                st.cache.invalidate(&keys);
                crate::purge::send(&st, crate::depends::Change::Keys(keys));
                shown = Some(lists);
            }
        }
        Ok::<_, crate::Error>(())
    });
}

/// The search indexes, the reader site's and the newsroom's.
fn keep_search_indexes(running: &mut Running, state: &AppState) {
    // The reader site's search index: rebuilt first when it needs that, then following the
    // event log; the Recommended lists older stories lack, a budget per tick, apart from it so
    // that publishing never waits behind them.
    if let Some(index) = state.search.clone() {
        let (st, idx) = (state.clone(), index.clone());
        running.every("search index", Duration::from_millis(250), move || {
            if !idx.needs_rebuild() {
                return search::catch_up(&st.store, &idx, st.now());
            }
            let t0 = std::time::Instant::now();
            let n = search::rebuild(&st.store, &idx, st.now())?;
            tracing::info!(articles = n, ms = t0.elapsed().as_millis() as u64, "search index built");
            Ok(n)
        });
        let st = state.clone();
        running.every("recommended backfill", Duration::from_secs(1), move || {
            if index.needs_rebuild() {
                return Ok(0);
            }
            search::backfill_related(&st.store, &index, search::BACKFILL_BATCH, search::BACKFILL_BUDGET, st.now())
        });
    }

    // The newsroom's own search index (stories in every state).
    if let Some(index) = state.newsroom_search.clone() {
        let store = state.store.clone();
        let seen = newsroom::finder::Seen::default();
        running.every("newsroom search index", Duration::from_secs(1), move || {
            newsroom::finder::catch_up(&store, &index, &seen)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_task_starts_once_and_a_failing_or_panicking_pass_runs_again() {
        let mut running = Running::default();
        let runs = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let seen = runs.clone();
        running.every("flaky", Duration::from_millis(5), move || {
            let n = seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            match n {
                0 => Err("the first pass fails".to_string()),
                1 => panic!("the second pass panics"),
                _ => Ok(()),
            }
        });
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while runs.load(std::sync::atomic::Ordering::SeqCst) < 4 {
            assert!(std::time::Instant::now() < deadline, "the task stopped after a failure");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(running.names(), ["flaky"]);
        running.stop();
    }

    #[tokio::test]
    async fn a_node_starts_each_of_its_tasks() {
        let site = crate::test_support::TestSite::new();
        let running = start(&site.state);
        let names = running.names();
        for name in ["page cache follower", "scheduler", "webhooks", "sources", "embed cards", "page views"] {
            assert!(names.contains(&name), "{name} in {names:?}");
        }
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "each once: {names:?}");
        running.stop();
    }
}
