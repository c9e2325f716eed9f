//! Rendered responses kept in memory (`page::CachedPage`, with their compressed variants and
//! strong ETags), bounded by bytes, dropped exactly by what they show. Compression happens when
//! a page is stored (fast) and again for a page read often (small); serving a hit only copies
//! bytes.

mod page;

/// Compressed reads of a page's fast variants before it is made small (see
/// [`PageCache::upgrade`]).
pub const UPGRADE_AFTER: u32 = 4;

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use axum::http::{HeaderMap, header};

pub use page::CachedPage;
use page::{Encoding, negotiate};

/// Megabytes of pages kept by default: enough for the hot pages of a busy site on a small VPS
/// (a page is about 30–60 KB with its gzip and brotli variants).
pub const DEFAULT_PAGE_CACHE_MB: usize = 64;
/// One page larger than this share of the budget is served but not kept (a big picture would
/// otherwise push out hundreds of pages).
const MAX_SHARE: usize = 8;

/// Path -> rendered response, bounded by bytes (every variant of every page counted), evicting
/// by CLOCK: a page read since the hand last passed gets a second chance, so the hot pages stay
/// while one-off crawls of the archive cycle through.
///
/// Pages are dropped exactly: each records the keys of what it shows (`depends`), and
/// [`PageCache::invalidate`] drops the pages holding any key an event changed. `generation`
/// moves on every invalidation; a render started before one is stored only if that invalidation
/// did not touch what it shows (the recent invalidations are remembered for this), so a page
/// made from data older than a change to it is never stored.
#[derive(Clone)]
pub struct PageCache {
    inner: Arc<Inner>,
}

impl Default for PageCache {
    fn default() -> Self {
        PageCache::with_budget(DEFAULT_PAGE_CACHE_MB * 1024 * 1024)
    }
}

/// A render in progress: the page, once made, for everyone who asked while it was made.
pub type Flight = Arc<tokio::sync::OnceCell<Arc<CachedPage>>>;

struct Inner {
    pages: RwLock<Pages>,
    /// Renders in progress, by key and cache generation.
    flights: std::sync::Mutex<HashMap<(String, u64), Flight>>,
    /// Renders led (one per flight), for the logs and tests.
    renders: AtomicU64,
    generation: AtomicU64,
    /// A page is being made small (see [`PageCache::upgrade`]).
    upgrading: AtomicBool,
    budget: usize,
    /// Invalidations made while renders may still be in progress: (generation it made, what it
    /// dropped), oldest first, at most [`REMEMBERED`].
    recent: std::sync::Mutex<VecDeque<Invalidation>>,
    hits: AtomicU64,
    misses: AtomicU64,
    evictions: AtomicU64,
}

/// One invalidation: the generation it made and the keys it dropped (`None`: everything).
type Invalidation = (u64, Option<Arc<[String]>>);

/// How many invalidations are remembered for renders that started before them; a render older
/// than all of them is not stored.
const REMEMBERED: usize = 1024;

#[derive(Default)]
struct Pages {
    map: HashMap<String, Slot>,
    /// Keys in the order the CLOCK hand visits them (a key dropped by an invalidation may stay
    /// until the hand or a compaction passes; one in the map is here at least once).
    ring: VecDeque<String>,
    /// Dependency key -> the pages holding it.
    by_dep: HashMap<String, std::collections::HashSet<String>>,
    bytes: usize,
}

impl Pages {
    fn remove(&mut self, key: &str) -> Option<Slot> {
        let slot = self.map.remove(key)?;
        self.bytes -= slot.size;
        for dep in slot.page.deps.iter() {
            if let Some(pages) = self.by_dep.get_mut(dep) {
                pages.remove(key);
                if pages.is_empty() {
                    self.by_dep.remove(dep);
                }
            }
        }
        Some(slot)
    }
}

struct Slot {
    page: Arc<CachedPage>,
    size: usize,
    /// Read since the hand last passed.
    referenced: AtomicBool,
}

/// What the cache holds and has done, for the logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheStats {
    pub entries: usize,
    pub bytes: usize,
    pub budget: usize,
    pub hits: u64,
    pub misses: u64,
    pub evictions: u64,
}

impl PageCache {
    /// A cache that holds at most `budget` bytes of pages.
    pub fn with_budget(budget: usize) -> PageCache {
        PageCache {
            inner: Arc::new(Inner {
                pages: RwLock::default(),
                flights: std::sync::Mutex::default(),
                renders: AtomicU64::new(0),
                generation: AtomicU64::new(0),
                upgrading: AtomicBool::new(false),
                budget,
                recent: std::sync::Mutex::default(),
                hits: AtomicU64::new(0),
                misses: AtomicU64::new(0),
                evictions: AtomicU64::new(0),
            }),
        }
    }

    pub fn get(&self, key: &str) -> Option<Arc<CachedPage>> {
        let pages = self.inner.pages.read().unwrap_or_else(|p| p.into_inner());
        match pages.map.get(key) {
            Some(slot) => {
                // Read before written: a hot page's flag is already set, and the cache line
                // then stays shared between the cores instead of bouncing on every hit.
                if !slot.referenced.load(Ordering::Relaxed) {
                    slot.referenced.store(true, Ordering::Relaxed);
                }
                self.inner.hits.fetch_add(1, Ordering::Relaxed);
                Some(slot.page.clone())
            }
            None => {
                self.inner.misses.fetch_add(1, Ordering::Relaxed);
                None
            }
        }
    }

    pub fn generation(&self) -> u64 {
        self.inner.generation.load(Ordering::Acquire)
    }

    /// The render of `key` for `generation` in progress, joined; or a new one, which the caller
    /// leads (a page rendered before a clear is never handed to those who ask after it).
    pub fn flight(&self, key: &str, generation: u64) -> Flight {
        let mut flights = self.inner.flights.lock().unwrap_or_else(|p| p.into_inner());
        flights
            .entry((key.to_string(), generation))
            .or_insert_with(|| {
                self.inner.renders.fetch_add(1, Ordering::Relaxed);
                Flight::default()
            })
            .clone()
    }

    /// Ends a flight once its page is made (the page is in the cache by then, or not cacheable).
    pub fn land(&self, key: &str, generation: u64, flight: &Flight) {
        let mut flights = self.inner.flights.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(current) = flights.get(&(key.to_string(), generation))
            && Arc::ptr_eq(current, flight)
            && flight.initialized()
        {
            flights.remove(&(key.to_string(), generation));
        }
    }

    /// Renders started (one per flight: misses that joined another's render are not counted).
    pub fn renders(&self) -> u64 {
        self.inner.renders.load(Ordering::Relaxed)
    }

    /// Stores `page` unless something it shows was invalidated since `generation` was read
    /// (before rendering), then evicts until the cache is within its budget.
    pub fn insert(&self, key: String, page: Arc<CachedPage>, generation: u64) {
        let size = page.weight(&key);
        if size > self.inner.budget / MAX_SHARE {
            return;
        }
        let mut pages = self.inner.pages.write().unwrap_or_else(|p| p.into_inner());
        if self.generation() != generation && !self.untouched_since(generation, &page.deps) {
            return;
        }
        // The page it replaces goes first, with its entries in `by_dep` (which may share keys
        // with the new page's).
        if pages.remove(&key).is_none() {
            pages.ring.push_back(key.clone());
        }
        for dep in page.deps.iter() {
            pages.by_dep.entry(dep.clone()).or_default().insert(key.clone());
        }
        pages.map.insert(key, Slot { page, size, referenced: AtomicBool::new(false) });
        pages.bytes += size;
        while pages.bytes > self.inner.budget {
            let Some(candidate) = pages.ring.pop_front() else { break };
            let second_chance = pages.map.get(&candidate).is_some_and(|s| s.referenced.swap(false, Ordering::Relaxed));
            if second_chance {
                pages.ring.push_back(candidate);
            } else if pages.remove(&candidate).is_some() {
                self.inner.evictions.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// A page whose fast variants have been served [`UPGRADE_AFTER`] times is made small in the
    /// background and swapped in, unless it was replaced or dropped meanwhile. Pages read once or
    /// twice (a crawler's walk through the archive, a reader arriving from an old link) never pay
    /// for the best compression, which costs ten times a render: upgraded on their second read,
    /// archive pages kept one core compressing under the newsroom mix.
    ///
    /// Only a reader who takes a compressed variant counts, and one upgrade runs at a time on the
    /// node (a page due while another is being made small is tried again on its next hit): a
    /// crawl of an archive held whole in memory would otherwise keep the cores compressing
    /// (measured: the newsroom mix with a 2 GB cache fell from 3,100 to 2,350 req/s).
    pub fn upgrade(&self, key: &str, page: &Arc<CachedPage>, req: &HeaderMap) {
        if !page.fast || page.upgrading.load(Ordering::Relaxed) {
            return;
        }
        let accept = req.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or("");
        if negotiate(accept) == Encoding::Identity {
            return;
        }
        if page.fast_hits.fetch_add(1, Ordering::Relaxed) + 1 < UPGRADE_AFTER {
            return;
        }
        if self.inner.upgrading.swap(true, Ordering::AcqRel) {
            return;
        }
        page.upgrading.store(true, Ordering::Relaxed);
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            self.inner.upgrading.store(false, Ordering::Release);
            return;
        };
        let (cache, key, page) = (self.clone(), key.to_string(), page.clone());
        drop(rt.spawn_blocking(move || {
            let better = Arc::new(page.best());
            cache.swap(&key, &page, better);
            cache.inner.upgrading.store(false, Ordering::Release);
        }));
    }

    /// Puts `new` where `old` is (same key, same deps), if `old` is still there.
    fn swap(&self, key: &str, old: &Arc<CachedPage>, new: Arc<CachedPage>) {
        let mut pages = self.inner.pages.write().unwrap_or_else(|p| p.into_inner());
        let size = new.weight(key);
        let Some(slot) = pages.map.get_mut(key) else { return };
        if !Arc::ptr_eq(&slot.page, old) {
            return;
        }
        let before = std::mem::replace(&mut slot.size, size);
        slot.page = new;
        pages.bytes = pages.bytes + size - before;
    }

    /// Whether no invalidation after `generation` touched any of `deps` (false when they are
    /// not all remembered, or one dropped everything).
    fn untouched_since(&self, generation: u64, deps: &[String]) -> bool {
        let recent = self.inner.recent.lock().unwrap_or_else(|p| p.into_inner());
        if recent.front().is_none_or(|(g, _)| *g > generation + 1) {
            return false;
        }
        recent.iter().filter(|(g, _)| *g > generation).all(|(_, keys)| match keys {
            Some(keys) => !deps.iter().any(|d| keys.binary_search(d).is_ok()),
            None => false,
        })
    }

    /// Drops every page that shows anything in `keys`; returns how many.
    pub fn invalidate(&self, keys: &std::collections::BTreeSet<String>) -> usize {
        if keys.is_empty() {
            return 0;
        }
        let mut pages = self.inner.pages.write().unwrap_or_else(|p| p.into_inner());
        self.remember(Some(keys.iter().cloned().collect()));
        let doomed: std::collections::HashSet<String> =
            keys.iter().filter_map(|k| pages.by_dep.get(k)).flatten().cloned().collect();
        for key in &doomed {
            pages.remove(key);
        }
        // Dropped keys stay in the ring until the hand reaches them; when they are most of
        // it (a cache that never fills never turns the hand), it is compacted.
        if pages.ring.len() > 2 * pages.map.len() + 1024 {
            let Pages { map, ring, .. } = &mut *pages;
            let mut seen = std::collections::HashSet::new();
            ring.retain(|k| map.contains_key(k) && seen.insert(k.clone()));
        }
        doomed.len()
    }

    /// Moves to the next generation, noting what it dropped (`None`: everything).
    fn remember(&self, keys: Option<Arc<[String]>>) -> u64 {
        let mut recent = self.inner.recent.lock().unwrap_or_else(|p| p.into_inner());
        let now = self.inner.generation.fetch_add(1, Ordering::AcqRel) + 1;
        recent.push_back((now, keys));
        while recent.len() > REMEMBERED {
            recent.pop_front();
        }
        // Renders for older generations are no longer joined (one whose every asker went away
        // would otherwise stay listed).
        self.inner.flights.lock().unwrap_or_else(|p| p.into_inner()).retain(|(_, g), _| *g >= now);
        now
    }

    pub fn clear(&self) {
        let mut pages = self.inner.pages.write().unwrap_or_else(|p| p.into_inner());
        self.remember(None);
        *pages = Pages::default();
    }

    /// The keys of the cached pages (for tests that compare them with fresh renders).
    pub fn keys(&self) -> Vec<String> {
        self.inner.pages.read().unwrap_or_else(|p| p.into_inner()).map.keys().cloned().collect()
    }

    pub fn len(&self) -> usize {
        self.inner.pages.read().unwrap_or_else(|p| p.into_inner()).map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn stats(&self) -> CacheStats {
        let pages = self.inner.pages.read().unwrap_or_else(|p| p.into_inner());
        CacheStats {
            entries: pages.map.len(),
            bytes: pages.bytes,
            budget: self.inner.budget,
            hits: self.inner.hits.load(Ordering::Relaxed),
            misses: self.inner.misses.load(Ordering::Relaxed),
            evictions: self.inner.evictions.load(Ordering::Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    #[test]
    fn stale_renders_are_not_stored() {
        let cache = PageCache::default();
        let g = cache.generation();
        cache.clear();
        cache.insert("/".into(), Arc::new(CachedPage::new(StatusCode::OK, "text/html", b"x".to_vec(), vec![])), g);
        assert!(cache.get("/").is_none());
        cache.insert(
            "/".into(),
            Arc::new(CachedPage::new(StatusCode::OK, "text/html", b"x".to_vec(), vec![])),
            cache.generation(),
        );
        assert!(cache.get("/").is_some());
    }

    #[test]
    fn a_replaced_page_is_still_dropped_by_the_keys_it_shares_with_the_page_before_it() {
        let cache = PageCache::default();
        let page = |keys: &[&str]| {
            Arc::new(CachedPage::new(
                StatusCode::OK,
                "text/html",
                b"x".to_vec(),
                keys.iter().map(|k| k.to_string()).collect(),
            ))
        };
        cache.insert("/".into(), page(&["latest", "article-1"]), cache.generation());
        cache.insert("/".into(), page(&["latest", "article-2"]), cache.generation());
        cache.insert("/europe".into(), page(&["section-europe"]), cache.generation());
        assert_eq!(cache.invalidate(&["article-1".to_string()].into()), 0, "the old page's own key is gone");
        assert_eq!(cache.invalidate(&["latest".to_string()].into()), 1);
        assert!(cache.get("/").is_none() && cache.get("/europe").is_some());
        // A render that began before an invalidation is kept only if it shows nothing it dropped.
        let g = cache.generation();
        cache.invalidate(&["section-europe".to_string()].into());
        cache.insert("/sport".into(), page(&["section-sport"]), g);
        cache.insert("/europe".into(), page(&["section-europe"]), g);
        assert!(cache.get("/sport").is_some() && cache.get("/europe").is_none());
    }

    #[test]
    fn the_cache_keeps_to_its_byte_budget_and_keeps_the_pages_readers_come_back_to() {
        // Pictures are not compressed: each page weighs its body and a little more.
        let page = |n: usize| Arc::new(CachedPage::new(StatusCode::OK, "image/png", vec![7; n], vec![]));
        let cache = PageCache::with_budget(100_000);
        for i in 0..200 {
            cache.insert(format!("/crawl/{i}"), page(9_000), cache.generation());
            // The front page is read between every two crawler requests.
            if i == 0 {
                cache.insert("/".into(), page(9_000), cache.generation());
            }
            assert!(cache.get("/").is_some(), "the hot page stays (after {i} others)");
            let s = cache.stats();
            assert!(s.bytes <= s.budget, "{s:?}");
        }
        let s = cache.stats();
        assert!((8..=11).contains(&s.entries) && s.evictions >= 189, "{s:?}");
        assert!(cache.get("/crawl/3").is_none(), "a page read once made way");
        assert!(cache.get("/crawl/199").is_some(), "the newest is kept");
        // One page larger than an eighth of the budget is served but not kept.
        cache.insert("/big.jpg".into(), page(20_000), cache.generation());
        assert!(cache.get("/big.jpg").is_none());
        // Replacing a page counts its bytes once.
        let before = cache.stats().bytes;
        cache.insert("/".into(), page(9_000), cache.generation());
        assert_eq!(cache.stats().bytes, before);
        let s = cache.stats();
        assert!(s.hits == 201 && s.misses == 2, "{s:?}");
        cache.clear();
        assert_eq!((cache.stats().entries, cache.stats().bytes), (0, 0));
    }
}
