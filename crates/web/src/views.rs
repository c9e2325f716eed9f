//! Privacy-respecting view counting for most-read lists: a page view adds one to an in-memory
//! counter for its article (no cookie is set, nothing about the reader is kept); a task adds the
//! counters to per-article, per-hour totals in the database once a minute. Requests without a
//! browser's User-Agent, or with a crawler's, are not counted.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::http::{HeaderMap, header};
use jiff::Timestamp;
use newsdesk_core::{Article, ArticleId};

use crate::{AppState, Error};

/// Views lose half their weight every this many hours.
const HALF_LIFE_HOURS: f64 = 12.0;
/// Views older than this do not count.
const WINDOW_HOURS: i64 = 72;

#[derive(Default)]
pub struct ViewCounter {
    counts: Mutex<HashMap<i64, u32>>,
}

impl ViewCounter {
    /// Counts a view of `article` if the request looks like a reader's.
    pub fn record(&self, article: i64, headers: &HeaderMap) {
        let ua = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("");
        if !is_reader(ua) {
            return;
        }
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        *counts.entry(article).or_default() += 1;
    }

    fn take(&self) -> Vec<(i64, u32)> {
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        counts.drain().collect()
    }
}

fn is_reader(user_agent: &str) -> bool {
    let ua = user_agent.to_ascii_lowercase();
    ua.starts_with("mozilla/")
        && !["bot", "spider", "crawl", "slurp", "preview", "headlesschrome"].iter().any(|w| ua.contains(w))
}

fn hour_of(t: Timestamp) -> i64 {
    t.as_second().div_euclid(3600)
}

/// Writes the counted views; returns how many there were.
pub fn flush(state: &AppState, now: Timestamp) -> Result<u64, Error> {
    let counts = state.views.take();
    let total = counts.iter().map(|(_, n)| u64::from(*n)).sum();
    if !counts.is_empty() {
        state.store.add_views(hour_of(now), &counts)?;
    }
    Ok(total)
}

/// The most-read published articles (optionally in one section), by views with time decay.
pub fn most_read(state: &AppState, section: Option<&str>, limit: usize, now: Timestamp) -> Result<Vec<Article>, Error> {
    let this_hour = hour_of(now);
    let mut scores: HashMap<i64, f64> = HashMap::new();
    for (article, hour, count) in state.store.views_since(this_hour - WINDOW_HOURS)? {
        let age = (this_hour - hour).max(0) as f64;
        *scores.entry(article).or_default() += count as f64 * 0.5f64.powf(age / HALF_LIFE_HOURS);
    }
    let mut ranked: Vec<(i64, f64)> = scores.into_iter().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut out = vec![];
    for (id, _) in ranked {
        if out.len() == limit {
            break;
        }
        let a = match state.store.article(ArticleId(id)) {
            Ok(a) => a,
            Err(newsdesk_store::StoreError::NotFound { .. }) => continue,
            Err(e) => return Err(e.into()),
        };
        let public = a.is_live(now);
        if public && section.is_none_or(|s| a.section.slug.as_str() == s) {
            out.push(a);
        }
    }
    Ok(out)
}

/// Every most-read list the site shows (the home page's, then each section's), as story ids.
pub fn most_read_lists(state: &AppState, now: Timestamp) -> Result<Vec<Vec<i64>>, Error> {
    let ids = |list: Vec<newsdesk_core::Article>| list.iter().filter_map(|a| a.id.map(|i| i.0)).collect();
    let mut lists = vec![ids(most_read(state, None, crate::chrome::MOST_READ_LEN, now)?)];
    for section in state.store.live_sections()? {
        lists.push(ids(most_read(state, Some(&section.slug), crate::chrome::MOST_READ_LEN, now)?));
    }
    Ok(lists)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers_not_robots() {
        assert!(is_reader("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36"));
        for ua in ["", "curl/8.0", "Mozilla/5.0 (compatible; Googlebot/2.1)", "Mozilla/5.0 HeadlessChrome/156", "wrk"] {
            assert!(!is_reader(ua), "{ua}");
        }
    }
}
