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

pub async fn readyz(State(state): State<AppState>) -> Response {
    let st = state.clone();
    let checked = tokio::task::spawn_blocking(move || {
        let latest = st.store.latest_event_id();
        let search = st.search.as_ref().map(|index| index.last_event());
        (latest, search)
    })
    .await;
    let (latest, search) = match checked {
        Ok(found) => found,
        Err(e) => return answer(false, json!({ "error": e.to_string() })),
    };
    let latest = match latest {
        Ok(id) => id,
        Err(e) => return answer(false, json!({ "database": format!("unreachable: {e}") })),
    };
    let cache = state.cache_position.load(std::sync::atomic::Ordering::Relaxed);
    let cache_lag = if cache < 0 { None } else { Some((latest - cache).max(0)) };
    // No index (a test or a tool's server) is nothing to wait for; an index being rebuilt is.
    let search_lag = match search {
        None => Some(0),
        Some(None) => None,
        Some(Some(at)) => Some((latest - at).max(0)),
    };
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
