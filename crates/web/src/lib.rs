//! The HTTP face of newsdesk: the reader site (home, section fronts, articles), theme assets and
//! media, with caching headers. Pages are rendered once per change and kept with their gzip and
//! brotli variants, so the hot path only writes bytes; the cache follows the store's event log,
//! which also notices writes by other processes (a CLI import, another node).

mod cache;
mod error;
mod pages;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use jiff::tz::TimeZone;
use newsdesk_render::Theme;
use newsdesk_store::Store;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use cache::{CachedPage, PageCache};
pub use error::AppError;
pub use pages::{Rendered, render_path};

/// Site settings every page needs.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub name: String,
    pub tagline: String,
    /// Public base URL, no trailing slash.
    pub url: String,
    pub language: String,
    pub time_zone: TimeZone,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            name: "The Newsdesk Daily".into(),
            tagline: "News from every desk, as it happens".into(),
            url: "http://127.0.0.1:8080".into(),
            language: "en".into(),
            time_zone: TimeZone::UTC,
        }
    }
}

/// Shared state, handed to every handler (no globals).
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<Store>,
    pub theme: Theme,
    pub site: Arc<SiteConfig>,
    pub media_dir: PathBuf,
    pub cache: PageCache,
}

impl AppState {
    pub fn new(store: Arc<Store>, theme: Theme, site: SiteConfig, media_dir: PathBuf) -> AppState {
        AppState { store, theme, site: Arc::new(site), media_dir, cache: PageCache::default() }
    }
}

/// Largest request body accepted; the reader site takes no uploads.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Longest a request may take before it is answered 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/healthz", get(|| async { "ok" }))
        .route("/assets/{file}", get(asset))
        .route("/media/{file}", get(media))
        .route("/{section}", get(page))
        .route("/{section}/{slug}", get(page))
        .fallback(get(page))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn page(
    State(state): State<AppState>,
    uri: axum::http::Uri,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let key = match &query {
        Some(q) => format!("{}?{q}", uri.path()),
        None => uri.path().to_string(),
    };
    if let Some(hit) = state.cache.get(&key) {
        return hit.respond(&headers);
    }
    let generation = state.cache.generation();
    let path = uri.path().to_string();
    let st = state.clone();
    let rendered = tokio::task::spawn_blocking(move || render_path(&st, &path, query.as_deref()))
        .await
        .map_err(|e| AppError::Internal(format!("render task failed: {e}")))
        .and_then(|r| r);
    let rendered = match rendered {
        Ok(r) => r,
        Err(e) => pages::error_page(&state, &e),
    };
    let page = Arc::new(CachedPage::new(
        rendered.status,
        "text/html; charset=utf-8",
        rendered.body.into_bytes(),
        rendered.surrogate_keys,
    ));
    if page.status == StatusCode::OK && !state.theme.dev_reload() {
        state.cache.insert(key, page.clone(), generation);
    }
    page.respond(&headers)
}

async fn asset(State(state): State<AppState>, Path(file): Path<String>, headers: HeaderMap) -> Response {
    let key = format!("/assets/{file}");
    if let Some(hit) = state.cache.get(&key) {
        return hit.respond(&headers);
    }
    let Some(bytes) = state.theme.asset(&file) else {
        return pages::error_page(&state, &AppError::NotFound(format!("asset {file}"))).into_page().respond(&headers);
    };
    let page = Arc::new(
        CachedPage::new(StatusCode::OK, content_type(&file), bytes.into_owned(), vec!["assets".into()])
            .immutable_for(3600),
    );
    state.cache.insert(key, page.clone(), state.cache.generation());
    page.respond(&headers)
}

async fn media(State(state): State<AppState>, Path(file): Path<String>, headers: HeaderMap) -> Response {
    let key = format!("/media/{file}");
    if let Some(hit) = state.cache.get(&key) {
        return hit.respond(&headers);
    }
    let safe = !file.is_empty()
        && !file.starts_with('.')
        && file.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    let bytes = if safe { tokio::fs::read(state.media_dir.join(&file)).await.ok() } else { None };
    let Some(bytes) = bytes else {
        return pages::error_page(&state, &AppError::NotFound(format!("media {file}"))).into_page().respond(&headers);
    };
    let page = Arc::new(
        CachedPage::new(StatusCode::OK, content_type(&file), bytes, vec![format!("media-{file}")])
            .immutable_for(86_400),
    );
    state.cache.insert(key, page.clone(), state.cache.generation());
    page.respond(&headers)
}

fn content_type(file: &str) -> &'static str {
    match file.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).as_deref() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("avif") => "image/avif",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// Follows the event log: when any writer (this process or another) adds events, the page
/// cache is dropped and pages re-render on their next request. A cheap poll of the newest event
/// id, a few times a second, is how SQLite readers notice other processes.
pub async fn follow_events(state: AppState, every: Duration) {
    let mut seen = -1;
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let store = state.store.clone();
        match tokio::task::spawn_blocking(move || store.latest_event_id()).await {
            Ok(Ok(latest)) if latest != seen => {
                if seen >= 0 {
                    tracing::info!(from = seen, to = latest, "new events; clearing the page cache");
                }
                state.cache.clear();
                seen = latest;
            }
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "cannot read the event log"),
            Err(e) => tracing::error!(error = %e, "event follower task failed"),
        }
    }
}

/// Serves the site on `listener` until `shutdown` resolves, then finishes in-flight requests.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let follower = tokio::spawn(follow_events(state.clone(), Duration::from_millis(250)));
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let result = axum::serve(listener, app).with_graceful_shutdown(shutdown).await;
    follower.abort();
    result
}

#[cfg(test)]
mod tests;
