//! Search on the site: the index follows the event log (publish, update, unpublish and the end
//! of an embargo show within a second), is rebuilt from the database when it is missing or of
//! another version (in the background: the site serves meanwhile), and answers `/search` and
//! the Content API's `/api/v1/search`.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use newsdesk_core::ArticleId;
use newsdesk_derive::{Results, SearchIndex, SearchQuery, Sort};
use newsdesk_render::{SearchHitView, SearchPage, SectionLink, date_view};
use newsdesk_store::{ArticleFilter, Store, StoreError};

use crate::{AppError, AppState, pages};

/// Articles read per batch while rebuilding.
const REBUILD_BATCH: usize = 1000;
pub const PAGE_SIZE: usize = 10;

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Search(#[from] newsdesk_derive::SearchError),
}

/// Fills the index from scratch and then computes the Recommended lists of the newest stories;
/// returns how many articles were indexed.
pub fn rebuild(store: &Store, index: &SearchIndex) -> Result<usize, IndexError> {
    let count = rebuild_index(store, index)?;
    // Recommended lists for the newest stories now; older ones get theirs when they change.
    let recent = store.latest_headlines(&ArticleFilter::default(), RELATED_ON_REBUILD, 0)?;
    let ids: Vec<i64> = recent.iter().filter_map(|a| a.id.map(|i| i.0)).collect();
    refresh_related(store, index, &ids, false)?;
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
pub fn refresh_related(store: &Store, index: &SearchIndex, ids: &[i64], neighbours: bool) -> Result<(), IndexError> {
    let now = Timestamp::now();
    let mut done = std::collections::HashSet::new();
    let mut queue: Vec<(i64, bool)> = ids.iter().map(|id| (*id, neighbours)).collect();
    while let Some((id, spread)) = queue.pop() {
        if !done.insert(id) {
            continue;
        }
        let a = match store.article(ArticleId(id)) {
            Ok(a) => a,
            Err(StoreError::NotFound(_)) => continue,
            Err(e) => return Err(e.into()),
        };
        if !(a.state.is_public() && a.published_at.is_some_and(|p| p <= now)) {
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

/// How many stories without a Recommended list [`backfill`] looks at per tick, and how long it
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
) -> Result<usize, IndexError> {
    let started = std::time::Instant::now();
    let mut done = 0;
    for id in store.related_pending(limit, Timestamp::now())? {
        if started.elapsed() >= budget {
            break;
        }
        refresh_related(store, index, &[id.0], false)?;
        done += 1;
    }
    Ok(done)
}

/// Fills in the Recommended lists older stories lack, a budget per tick, apart from
/// [`follow`] so that publishing never waits behind it.
pub async fn backfill(state: AppState, every: Duration) {
    each_tick(state, every, "cannot compute Recommended lists", |store, index| {
        if index.needs_rebuild() {
            return Ok(0);
        }
        backfill_related(store, index, BACKFILL_BATCH, BACKFILL_BUDGET)
    })
    .await
}

/// Runs `work` on the blocking pool every `every` (a slow run delays the next tick, never
/// overlaps it), logging what fails; returns at once when the site has no search index.
async fn each_tick(
    state: AppState,
    every: Duration,
    failure: &'static str,
    work: fn(&Store, &SearchIndex) -> Result<usize, IndexError>,
) {
    let Some(index) = state.search.clone() else { return };
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let (store, idx) = (state.store.clone(), index.clone());
        match tokio::task::spawn_blocking(move || work(&store, &idx)).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "{failure}"),
            Err(e) => tracing::error!(error = %e, "{failure}: the task failed"),
        }
    }
}

/// Applies the events the index has not seen; returns how many articles it touched.
pub fn catch_up(store: &Store, index: &SearchIndex) -> Result<usize, IndexError> {
    let Some(mut last) = index.last_event() else { return Ok(0) };
    let mut touched = 0;
    loop {
        let events = store.events_since(last, 500)?;
        let Some(newest) = events.last().map(|e| e.id) else { break };
        let now = Timestamp::now();
        let mut ids: Vec<i64> = events.iter().filter_map(|e| e.article_id).collect();
        ids.sort_unstable();
        ids.dedup();
        for &id in &ids {
            match store.article(ArticleId(id)) {
                Ok(a) if a.state.is_public() && a.published_at.is_some_and(|p| p <= now) => index.upsert(id, &a)?,
                Ok(_) | Err(StoreError::NotFound(_)) => index.remove(id),
                Err(e) => return Err(e.into()),
            }
            touched += 1;
        }
        index.commit(newest)?;
        refresh_related(store, index, &ids, true)?;
        last = newest;
        if events.len() < 500 {
            break;
        }
    }
    Ok(touched)
}

/// Keeps the index in step with the store: rebuilds it first when it needs that, then follows.
pub async fn follow(state: AppState, every: Duration) {
    each_tick(state, every, "cannot update the search index", |store, index| {
        if !index.needs_rebuild() {
            return catch_up(store, index);
        }
        let t0 = std::time::Instant::now();
        let n = rebuild(store, index)?;
        tracing::info!(articles = n, ms = t0.elapsed().as_millis() as u64, "search index built");
        Ok(n)
    })
    .await
}

/// The query parameters both the page and the API take.
#[derive(Debug, Default)]
pub struct Params {
    pub text: String,
    pub section: String,
    pub source: String,
    pub author: String,
    pub from: String,
    pub to: String,
    pub sort: Sort,
    pub page: usize,
}

/// Reads the query string: every value is checked and typed here; a bad one is named.
pub fn params(raw: Option<&str>) -> Result<(Params, SearchQuery), (String, String)> {
    let mut p = Params { page: 1, ..Params::default() };
    let bad = |name: &str, msg: String| (name.to_string(), msg);
    for (k, v) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        let v = v.trim().to_string();
        match k.as_ref() {
            "q" => p.text = v.chars().take(300).collect(),
            "section" => p.section = v,
            "source" => p.source = v.chars().take(100).collect(),
            "author" => p.author = v,
            "from" => p.from = v,
            "to" => p.to = v,
            "sort" => {
                p.sort = match v.as_str() {
                    "" | "relevance" => Sort::Relevance,
                    "date" => Sort::Date,
                    other => return Err(bad("sort", format!("expected relevance or date, found {other:?}"))),
                }
            }
            "page" => {
                p.page = v
                    .parse()
                    .ok()
                    .filter(|n| (1..=100).contains(n))
                    .ok_or_else(|| bad("page", format!("expected a page number from 1 to 100, found {v:?}")))?
            }
            // Other parameters (the API's key, limit and offset) are read by the caller.
            _ => {}
        }
    }
    let slug = |name: &str, v: &str| -> Result<Option<String>, (String, String)> {
        if v.is_empty() {
            return Ok(None);
        }
        newsdesk_core::Slug::parse(v)
            .map(|s| Some(s.to_string()))
            .map_err(|e| bad(name, format!("expected a slug: {e}")))
    };
    let day = |name: &str, v: &str, end: bool| -> Result<Option<Timestamp>, (String, String)> {
        if v.is_empty() {
            return Ok(None);
        }
        let d: jiff::civil::Date =
            v.parse().map_err(|_| bad(name, format!("expected a date like 2026-03-01, found {v:?}")))?;
        let d = if end { d.tomorrow().map_err(|e| bad(name, e.to_string()))? } else { d };
        jiff::tz::TimeZone::UTC
            .to_ambiguous_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
            .compatible()
            .map(Some)
            .map_err(|e| bad(name, e.to_string()))
    };
    let query = SearchQuery {
        text: p.text.clone(),
        section: slug("section", &p.section)?,
        source: Some(p.source.clone()).filter(|s| !s.is_empty()),
        author: slug("author", &p.author)?,
        from: day("from", &p.from, false)?,
        until: day("to", &p.to, true)?,
        sort: p.sort,
        limit: PAGE_SIZE,
        offset: (p.page - 1) * PAGE_SIZE,
    };
    Ok((p, query))
}

fn run(state: &AppState, query: &SearchQuery) -> Result<(Results, bool), AppError> {
    let Some(index) = &state.search else {
        return Ok((Results { total: 0, hits: vec![], suggestion: None }, true));
    };
    let building = index.needs_rebuild();
    let results = index.search(query).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((results, building))
}

fn url_with(p: &Params, text: &str, page: usize) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    s.append_pair("q", text);
    for (k, v) in
        [("section", &p.section), ("source", &p.source), ("author", &p.author), ("from", &p.from), ("to", &p.to)]
    {
        if !v.is_empty() {
            s.append_pair(k, v);
        }
    }
    if p.sort == Sort::Date {
        s.append_pair("sort", "date");
    }
    if page > 1 {
        s.append_pair("page", &page.to_string());
    }
    format!("/search?{}", s.finish())
}

/// `GET /search`: the page. Not kept in the page cache (its keys are unbounded); answered
/// fresh, and cacheable by browsers and CDNs for a minute.
pub async fn page(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let st = state.clone();
    let rendered = tokio::task::spawn_blocking(move || -> Result<String, AppError> {
        let (p, query) = match params(raw.as_deref()) {
            Ok(x) => x,
            Err((name, msg)) => return Err(AppError::BadRequest(format!("{name}: {msg}"))),
        };
        let (results, building) = run(&st, &query)?;
        let tz = &st.site.time_zone;
        let hits = results
            .hits
            .iter()
            .map(|h| SearchHitView {
                url: h.path.clone(),
                headline: h.headline.clone(),
                section: SectionLink { name: h.section.clone(), url: format!("/{}", h.section_slug) },
                date: date_view(h.published, tz, &st.site.language),
                source: h.source.clone(),
                snippet_html: h.snippet.clone(),
            })
            .collect();
        let more = results.total > p.page * PAGE_SIZE;
        let view = SearchPage {
            site: pages::site_view(&st, None)?,
            search_text: p.text.clone(),
            section: p.section.clone(),
            source: p.source.clone(),
            author: p.author.clone(),
            from: p.from.clone(),
            to: p.to.clone(),
            sort: if p.sort == Sort::Date { "date" } else { "relevance" },
            total: results.total,
            hits,
            suggestion: results.suggestion.as_ref().map(|s| (url_with(&p, s, 1), s.clone())),
            prev_url: (p.page > 1).then(|| url_with(&p, &p.text, p.page - 1)),
            next_url: (more && p.page < 100).then(|| url_with(&p, &p.text, p.page + 1)),
            building,
        };
        Ok(st.theme.render("search.html", &view)?)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))
    .and_then(|r| r);
    match rendered {
        Ok(html) => {
            let mut res = (StatusCode::OK, html).into_response();
            let h = res.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60"));
            res
        }
        Err(e) => pages::error_page(&state, &e).into_page().respond(&HeaderMap::new()),
    }
}

/// For the Content API: the results of a checked query.
pub fn api_search(state: &AppState, query: &SearchQuery) -> Result<Results, AppError> {
    run(state, query).map(|(r, _)| r)
}

pub type SharedIndex = Arc<SearchIndex>;
