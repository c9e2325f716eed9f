//! `GET /readyz`: whether this node should be sent readers, for a load balancer. `/healthz` says
//! the process answers; this says it can serve what is current: the database answers, and the
//! page cache and the search index have applied the event log to within [`READY_LAG`] events
//! (a node that has just started, or whose index is being rebuilt, is not ready). The answer is
//! JSON with each part, 200 when ready and 503 when not, never cached.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use serde_json::json;

use crate::AppState;

/// Events a node may be behind and still take readers (a burst of imports is hundreds; the
/// follower applies them within a second).
pub const READY_LAG: i64 = 100;

/// Where this node stands against the event log (a blocking call: it asks the database).
pub(crate) struct Lags {
    /// The log's newest event id.
    pub latest: i64,
    /// Events the page cache has yet to apply; `None` before its first step.
    pub page_cache: Option<i64>,
    /// Events the search index has yet to apply: `None` without an index, `Some(None)` while it
    /// is rebuilt.
    pub search: Option<Option<i64>>,
}

impl Lags {
    pub(crate) fn of(
        store: &newsdesk_store::Store,
        cache_position: &std::sync::atomic::AtomicI64,
        search: Option<&newsdesk_derive::SearchIndex>,
    ) -> Result<Lags, newsdesk_store::StoreError> {
        let latest = store.latest_event_id()?;
        let cache = cache_position.load(std::sync::atomic::Ordering::Relaxed);
        Ok(Lags {
            latest,
            page_cache: (cache >= 0).then(|| (latest - cache).max(0)),
            search: search.map(|index| index.last_event().map(|at| (latest - at).max(0))),
        })
    }
}

pub async fn readyz(State(state): State<AppState>) -> Response {
    let st = state.clone();
    let checked =
        tokio::task::spawn_blocking(move || Lags::of(&st.store, &st.cache_position, st.search.as_deref())).await;
    let lags = match checked {
        Ok(Ok(lags)) => lags,
        Ok(Err(e)) => return answer(false, json!({ "database": format!("unreachable: {e}") })),
        Err(e) => return answer(false, json!({ "error": e.to_string() })),
    };
    let (latest, cache_lag) = (lags.latest, lags.page_cache);
    // No index (a test or a tool's server) is nothing to wait for; an index being rebuilt is.
    let search_lag = lags.search.unwrap_or(Some(0));
    let within = |lag: Option<i64>| lag.is_some_and(|l| l <= READY_LAG);
    let ready = within(cache_lag) && within(search_lag);
    answer(
        ready,
        json!({
            "ready": ready,
            "database": "ok",
            "events": latest,
            "page_cache_lag": cache_lag,
            "search_index_lag": search_lag,
            "max_lag": READY_LAG,
        }),
    )
}

fn answer(ready: bool, body: serde_json::Value) -> Response {
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let mut res = (status, Json(body)).into_response();
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    crate::secure(res.headers_mut());
    res
}
