//! The page cache follows the store's event log: each step turns the events since the last one
//! into the keys they change (`depends`), drops the pages holding them and tells the CDN in
//! front (`purge`). The "page cache follower" task (`tasks`) polls; a writer on this node runs
//! the same step at once (`AppState::catch_up`).

use crate::{AppState, Error, depends, purge};

/// What the page cache's follower remembers between steps: the last event applied, the
/// section menu and the minute it last saw.
#[derive(Debug, Default)]
pub struct Follower {
    seen: Option<i64>,
    nav: Option<Vec<String>>,
    minute: Option<i64>,
}

impl Follower {
    /// Applies the events since the last step to the page cache, dropping exactly the pages
    /// they change (`depends`), and the pages that change with the time (each minute); returns
    /// what was dropped, for the CDN in front.
    pub fn step(&mut self, state: &AppState, now: jiff::Timestamp) -> Result<depends::Change, Error> {
        let mut keys = std::collections::BTreeSet::new();
        let minute = now.as_second().div_euclid(60);
        if self.minute.is_some_and(|m| m != minute) {
            keys.insert(depends::MINUTE.to_string());
        }
        self.minute = Some(minute);
        let latest = state.store.latest_event_id()?;
        let Some(mut seen) = self.seen else {
            // The first step: whatever is cached was made before it, from an unknown point.
            state.cache.clear();
            self.seen = Some(latest);
            state.cache_position.store(latest, std::sync::atomic::Ordering::Relaxed);
            self.nav = Some(nav_slugs(state)?);
            return Ok(depends::Change::All);
        };
        let mut everything = false;
        while seen < latest {
            let events = state.store.events_since(seen, 500)?;
            let Some(last) = events.last().map(|e| e.id) else { break };
            match depends::changes(&state.store, &state.site.time_zone, &events)? {
                depends::Change::Keys(k) => keys.extend(k),
                depends::Change::All => everything = true,
            }
            seen = last;
        }
        if seen != self.seen.unwrap_or(seen) {
            tracing::debug!(from = ?self.seen, to = seen, "new events");
            // The section menu changes when a section gains its first story or loses its last.
            let nav = nav_slugs(state)?;
            if self.nav.as_ref() != Some(&nav) {
                keys.insert(depends::NAV.to_string());
                self.nav = Some(nav);
            }
        }
        self.seen = Some(seen);
        state.cache_position.store(seen, std::sync::atomic::Ordering::Relaxed);
        if everything {
            state.cache.clear();
            return Ok(depends::Change::All);
        }
        let dropped = state.cache.invalidate(&keys);
        if !keys.is_empty() && keys.iter().any(|k| k != depends::MINUTE) {
            tracing::info!(keys = keys.len(), pages = dropped, "pages invalidated");
        }
        Ok(depends::Change::Keys(keys))
    }
}

fn nav_slugs(state: &AppState) -> Result<Vec<String>, Error> {
    Ok(state.store.live_sections()?.into_iter().map(|s| s.slug).collect())
}

impl AppState {
    /// Brings the page cache up to the event log now (after a write, so that the writer sees
    /// it at once; the follower does the same every 250 ms for writes made elsewhere), and
    /// tells the CDN in front what changed.
    pub fn catch_up_blocking(&self) {
        let mut follower = self.follower.lock().unwrap_or_else(|p| p.into_inner());
        match follower.step(self, self.now()) {
            Ok(change) => purge::send(self, change),
            Err(e) => {
                tracing::error!(error = %e, "cannot follow the event log; dropping every page");
                self.cache.clear();
            }
        }
    }

    /// [`AppState::catch_up_blocking`] on the blocking pool.
    pub async fn catch_up(&self) {
        let st = self.clone();
        if let Err(e) = tokio::task::spawn_blocking(move || st.catch_up_blocking()).await {
            tracing::error!(error = %e, "event follower task failed");
        }
    }
}
