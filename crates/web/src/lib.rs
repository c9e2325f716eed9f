//! The HTTP face of newsdesk: the reader site (home, section fronts, articles), theme assets and
//! media, with caching headers. Pages are rendered once per change and kept with their gzip and
//! brotli variants, so the hot path only writes bytes; the cache follows the store's event log,
//! which also notices writes by other processes (a CLI import, another node).

pub mod api;
mod cache;
mod chrome;
pub mod depends;
pub mod embeds;
mod error;
mod feeds;
mod follow;
pub mod media_files;
pub mod metrics;
pub mod newsroom;
mod oembed;
mod pages;
pub mod purge;
mod ready;
pub mod search;
pub mod tasks;
pub mod views;

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use jiff::tz::TimeZone;
use newsdesk_render::Theme;
use newsdesk_store::{MediaStore, Store};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use cache::{CacheStats, CachedPage, DEFAULT_PAGE_CACHE_MB, PageCache};
pub use chrome::Rendered;
pub use error::Error;
pub use follow::Follower;
pub use pages::render_path;

/// Site settings every page needs.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub name: String,
    pub tagline: String,
    /// Public base URL, no trailing slash.
    pub url: String,
    pub language: String,
    pub time_zone: TimeZone,
    /// Feeds carry whole stories (true) or only their summaries.
    pub feed_full_text: bool,
    /// Content API requests per minute per key (also the burst).
    pub api_rate_per_minute: u32,
    /// WebSub hub the feeds advertise and the hook worker pings on every change.
    pub websub_hub: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (sign-in throttling counts per
    /// client address; behind a proxy, every client would otherwise share the proxy's).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Megabytes of rendered pages kept in memory (`--page-cache-mb`).
    pub page_cache_mb: usize,
    /// Where to send purges of exactly what changed (a Varnish with xkey in front), if anywhere.
    pub purge: Option<purge::PurgeTarget>,
    /// Whether this node runs the rendition job (`--no-renditions` turns it off).
    pub renditions: bool,
    /// Whether `/metrics` answers (`--metrics`).
    pub metrics: bool,
    /// Wire pictures may be fetched from private and loopback addresses
    /// (`--wire-photos-allow-private`).
    pub wire_photos_allow_private: bool,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            name: "The Newsdesk Daily".into(),
            tagline: "News from every desk, as it happens".into(),
            url: "http://127.0.0.1:8080".into(),
            language: "en".into(),
            time_zone: TimeZone::UTC,
            feed_full_text: true,
            api_rate_per_minute: 600,
            websub_hub: None,
            trusted_proxies: Vec::new(),
            page_cache_mb: DEFAULT_PAGE_CACHE_MB,
            purge: None,
            renditions: true,
            wire_photos_allow_private: false,
            metrics: false,
        }
    }
}

/// Shared state, handed to every handler (no globals).
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<Store>,
    pub theme: Theme,
    pub site: Arc<SiteConfig>,
    /// Where pictures' bytes are (`store::media`): originals, renditions, thumbnails.
    pub media: Arc<dyn MediaStore>,
    pub cache: PageCache,
    /// Lists shared by every page, rebuilt once per change (see `chrome::derived`).
    derived: chrome::DerivedSlot,
    pub api_limiter: api::Limiter,
    pub views: Arc<views::ViewCounter>,
    /// The full-text index; `None` until one is opened (`with_search`).
    pub search: Option<Arc<newsdesk_derive::SearchIndex>>,
    /// The newsroom's index of the stories readers cannot see (`newsroom::finder`).
    pub newsroom_search: Option<Arc<newsdesk_derive::SearchIndex>>,
    /// The page cache's place in the event log (see [`Follower`]).
    follower: Arc<std::sync::Mutex<follow::Follower>>,
    /// The last event the page cache has applied, -1 before its first step (read by `/readyz`
    /// without waiting for a step under way).
    pub(crate) cache_position: Arc<std::sync::atomic::AtomicI64>,
    /// Request and cache metrics for `/metrics`, when `--metrics` is on (see [`AppState::with_metrics`]).
    pub metrics: Option<Arc<metrics::Metrics>>,
    /// Reader pages rendered at once (one per core, see `page`).
    pub renders: Arc<tokio::sync::Semaphore>,
    /// Uploaded pictures decoded at once (see `newsroom::media::CONCURRENT_PICTURE_CHECKS`).
    pub picture_checks: Arc<tokio::sync::Semaphore>,
    /// Password checks that may run at once (see `newsdesk_desk::accounts::CONCURRENT_PASSWORD_CHECKS`).
    pub password_checks: Arc<tokio::sync::Semaphore>,
    /// Where handlers and tasks read the time (`desk::clock`): the system's, or a test's.
    pub clock: Arc<dyn newsdesk_desk::clock::Clock>,
}

impl AppState {
    pub fn new(store: Arc<Store>, theme: Theme, site: SiteConfig, media: Arc<dyn MediaStore>) -> AppState {
        let cache = PageCache::with_budget(site.page_cache_mb.saturating_mul(1024 * 1024));
        AppState {
            api_limiter: Arc::new(api::RateLimiter::new(site.api_rate_per_minute)),
            store,
            theme,
            site: Arc::new(site),
            media,
            cache,
            derived: Arc::default(),
            follower: Arc::default(),
            cache_position: Arc::new(std::sync::atomic::AtomicI64::new(-1)),
            metrics: None,
            views: Arc::default(),
            search: None,
            newsroom_search: None,
            renders: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get),
            )),
            picture_checks: Arc::new(tokio::sync::Semaphore::new(newsroom::media::CONCURRENT_PICTURE_CHECKS)),
            password_checks: Arc::new(tokio::sync::Semaphore::new(newsdesk_desk::accounts::CONCURRENT_PASSWORD_CHECKS)),
            clock: Arc::new(newsdesk_desk::clock::SystemClock),
        }
    }

    /// With another clock (a test's).
    pub fn with_clock(mut self, clock: Arc<dyn newsdesk_desk::clock::Clock>) -> AppState {
        self.clock = clock;
        self
    }

    /// The time now, by this state's clock.
    pub fn now(&self) -> jiff::Timestamp {
        self.clock.now()
    }

    /// With a search index (kept up to date by `serve`, or by the caller in tests).
    /// With the metrics of `/metrics` (after the search index is set: they read its lag).
    pub fn with_metrics(mut self) -> AppState {
        self.metrics = Some(Arc::new(metrics::Metrics::new(&self)));
        self
    }

    pub fn with_search(mut self, index: Arc<newsdesk_derive::SearchIndex>) -> AppState {
        self.search = Some(index);
        self
    }

    /// With the newsroom's index of unpublished stories (kept up to date by `serve`).
    pub fn with_newsroom_search(mut self, index: Arc<newsdesk_derive::SearchIndex>) -> AppState {
        self.newsroom_search = Some(index);
        self
    }
}

/// Largest request body accepted; the reader site takes no uploads.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Longest a request may take before it is answered 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

pub fn router(state: AppState) -> Router {
    let site = Router::new()
        .route("/", get(page))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready::readyz))
        .route("/metrics", get(metrics::metrics))
        .route("/oembed", get(oembed::oembed))
        .route("/search", get(search::page))
        .merge(api::router())
        .route("/api/{*rest}", get(api::not_found))
        .route("/assets/{file}", get(asset))
        .route("/media/{file}", get(media_files::original))
        .route("/media/r/{stem}/{version}/{file}", get(media_files::rendition))
        .route("/media/thumb/{file}", get(media_thumb))
        .route("/{section}", get(page))
        .route("/{section}/{slug}", get(page))
        .fallback(get(page))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES));
    // The newsroom sets its own body limits (uploads are larger) and its own access layer.
    Router::new()
        .merge(newsroom::router(state.clone()))
        .merge(api::upload_router())
        .merge(site)
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
        .layer(axum::middleware::map_response(harden))
        .layer(axum::middleware::from_fn(metrics::route_of))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The reader site's Content-Security-Policy: it loads nothing from other hosts and runs only
/// its own script (JSON-LD is data, not script), so it can be strict. The one exception is
/// frames: an embed card, on the reader's click, loads the player of YouTube (its no-cookie
/// host), Vimeo, X or Instagram, and only from there (`newsdesk_core::embed`).
pub const READER_CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
     object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'; \
     frame-src https://www.youtube-nocookie.com https://player.vimeo.com https://platform.twitter.com \
     https://www.instagram.com";

/// The headers of [`secure`] on every response that goes through the router (cache hits are
/// answered before it and get them from `CachedPage::respond`).
async fn harden(mut resp: Response) -> Response {
    secure(resp.headers_mut());
    resp
}

/// Headers every response carries unless its handler set its own (the newsroom sets stricter
/// ones): no type sniffing, no framing by other sites, a referrer that stays on this site, and
/// on HTML the reader site's Content-Security-Policy.
pub(crate) fn secure(h: &mut HeaderMap) {
    use axum::http::{HeaderValue, header};
    h.entry(header::X_CONTENT_TYPE_OPTIONS).or_insert(HeaderValue::from_static("nosniff"));
    h.entry(header::X_FRAME_OPTIONS).or_insert(HeaderValue::from_static("SAMEORIGIN"));
    h.entry(header::REFERRER_POLICY).or_insert(HeaderValue::from_static("strict-origin-when-cross-origin"));
    let html = h.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    if html {
        h.entry(header::CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(READER_CSP));
    }
}

async fn page(State(state): State<AppState>, req: axum::extract::Request) -> Response {
    let uri = req.uri();
    let key = cache_key(uri);
    if let Some(hit) = state.cache.get(&key) {
        if let Some(id) = hit.article_id {
            state.views.record(id, req.headers());
        }
        state.cache.upgrade(&key, &hit, req.headers());
        return hit.respond(req.headers());
    }
    let generation = state.cache.generation();
    // Concurrent misses for one page (and one cache generation) wait for one render: the first
    // renders and compresses it on the blocking pool, the others are handed the same page.
    let flight = state.cache.flight(&key, generation);
    let page = flight
        .get_or_init(|| async {
            let (path, query) = (uri.path().to_string(), uri.query().map(str::to_string));
            let st = state.clone();
            // As many renders at once as there are cores: more would only share them, and the
            // newsroom's own work on the blocking pool would wait behind a crawl (see
            // `bench/RESULTS.md`, newsroom mix: two per core served 4,053 req/s instead of
            // 2,831, but an editor's create + publish p99 was 275 ms instead of 60 ms).
            let _turn = state.renders.acquire().await;
            let made = tokio::task::spawn_blocking(move || {
                let rendered = render_path(&st, &path, query.as_deref()).unwrap_or_else(|e| pages::error_page(&st, &e));
                Arc::new(rendered.into_page())
            })
            .await;
            let page = match made {
                Ok(page) => page,
                Err(e) => {
                    let e = Error::Internal(format!("render task failed: {e}"));
                    Arc::new(pages::error_page(&state, &e).into_page())
                }
            };
            if page.status == StatusCode::OK && !state.theme.dev_reload() {
                state.cache.insert(key.to_string(), page.clone(), generation);
            }
            page
        })
        .await
        .clone();
    state.cache.land(&key, generation, &flight);
    if let Some(id) = page.article_id {
        state.views.record(id, req.headers());
    }
    page.respond(req.headers())
}

/// The cache key of a request: its path, with the query string when there is one.
fn cache_key(uri: &axum::http::Uri) -> std::borrow::Cow<'_, str> {
    match uri.query() {
        Some(q) => std::borrow::Cow::Owned(format!("{}?{q}", uri.path())),
        None => std::borrow::Cow::Borrowed(uri.path()),
    }
}

async fn asset(State(state): State<AppState>, Path(file): Path<String>, headers: HeaderMap) -> Response {
    let key = format!("/assets/{file}");
    if let Some(hit) = state.cache.get(&key) {
        state.cache.upgrade(&key, &hit, &headers);
        return hit.respond(&headers);
    }
    let Some(bytes) = state.theme.asset(&file) else {
        return pages::error_page(&state, &Error::NotFound(format!("asset {file}"))).into_page().respond(&headers);
    };
    let page = Arc::new(
        CachedPage::new(StatusCode::OK, content_type(&file), bytes.into_owned(), vec!["assets".into()])
            .immutable_for(3600),
    );
    state.cache.insert(key, page.clone(), state.cache.generation());
    page.respond(&headers)
}

/// `GET /media/thumb/{file}`: a small JPEG of a media file, for the newsroom's library and
/// pickers (made on first asking, then kept; see `newsroom::media::thumbnail_of`).
async fn media_thumb(State(state): State<AppState>, Path(file): Path<String>, headers: HeaderMap) -> Response {
    let key = format!("/media/thumb/{file}");
    if let Some(hit) = state.cache.get(&key) {
        state.cache.upgrade(&key, &hit, &headers);
        return hit.respond(&headers);
    }
    let not_found = |state: &AppState| {
        pages::error_page(state, &Error::NotFound(format!("thumbnail {file}"))).into_page().respond(&headers)
    };
    if !safe_media_name(&file) {
        return not_found(&state);
    }
    let (media, name) = (state.media.clone(), file.clone());
    let made = tokio::task::spawn_blocking(move || newsroom::media::thumbnail_of(media.as_ref(), &name)).await;
    let (bytes, served) = match made {
        Ok(Ok(Some(found))) => found,
        Ok(Ok(None)) => return not_found(&state),
        Ok(Err(e)) => {
            return pages::error_page(&state, &Error::Internal(e.to_string())).into_page().respond(&headers);
        }
        Err(e) => return pages::error_page(&state, &Error::Internal(e.to_string())).into_page().respond(&headers),
    };
    let page = Arc::new(
        CachedPage::new(StatusCode::OK, content_type(&served), bytes, vec![format!("media-{file}")])
            .immutable_for(86_400),
    );
    state.cache.insert(key, page.clone(), state.cache.generation());
    page.respond(&headers)
}

/// A media file's name as we write them: letters, digits, dots, dashes and underscores, never
/// starting with a dot (no paths, no hidden or temporary files).
pub(crate) fn safe_media_name(file: &str) -> bool {
    !file.is_empty()
        && !file.starts_with('.')
        && file.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

pub(crate) fn content_type(file: &str) -> &'static str {
    match file.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).as_deref() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("gif") => "image/gif",
        Some("avif") => "image/avif",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// Answers a GET that the page cache holds before routing, so the hot path is a map lookup and
/// a copy of prepared bytes and headers. Everything else goes through the router and its layers.
#[derive(Clone)]
pub struct CacheFirst<S> {
    cache: PageCache,
    views: Arc<views::ViewCounter>,
    inner: S,
    /// The client's address, for handlers that need it (login throttling).
    peer: Option<std::net::SocketAddr>,
}

impl<S> tower::Service<axum::extract::Request> for CacheFirst<S>
where
    S: tower::Service<axum::extract::Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = CacheFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: axum::extract::Request) -> Self::Future {
        if req.method() == axum::http::Method::GET {
            let key = cache_key(req.uri());
            if let Some(page) = self.cache.get(&key) {
                if let Some(id) = page.article_id {
                    self.views.record(id, req.headers());
                }
                self.cache.upgrade(&key, &page, req.headers());
                return CacheFuture::Hit(Some(page.respond(req.headers())));
            }
        }
        let mut req = req;
        if let Some(peer) = self.peer {
            req.extensions_mut().insert(axum::extract::ConnectInfo(peer));
        }
        CacheFuture::Miss(Box::pin(self.inner.call(req)))
    }
}

pub enum CacheFuture<F> {
    Hit(Option<Response>),
    Miss(Pin<Box<F>>),
}

impl<F: std::future::Future<Output = Result<Response, Infallible>>> std::future::Future for CacheFuture<F> {
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            // A hit is ready at once and polled exactly once.
            CacheFuture::Hit(res) => Poll::Ready(Ok(res.take().unwrap_or_default())),
            CacheFuture::Miss(fut) => fut.as_mut().poll(cx),
        }
    }
}

/// Longest a client may take to send a request's headers, counted from when the server starts
/// waiting for them: on a kept-alive connection that is from the end of the last response, so
/// this is the idle timeout too. A slow or idle client (slowloris) is closed after it.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest request line and headers together: more is answered 431 (or 414 for a long URL)
/// before anything is routed.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Connections one client address may hold open at once; more are closed as they arrive.
/// Trusted reverse proxies (`--trusted-proxy`) carry everyone's traffic and are not limited.
pub const MAX_CONNECTIONS_PER_ADDRESS: usize = 64;

/// Serves the site on `listener` until `shutdown` resolves, then finishes in-flight requests.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let state = if state.site.metrics && state.metrics.is_none() { state.with_metrics() } else { state };
    let metrics = state.metrics.clone();
    let tasks = tasks::start(&state);
    let unlimited = state.site.trusted_proxies.clone();
    let app = CacheFirst { cache: state.cache.clone(), views: state.views.clone(), inner: router(state), peer: None };
    let open = Arc::new(std::sync::Mutex::new(std::collections::HashMap::new()));
    // Connections watch `stop` to finish gracefully; the server waits until every connection
    // has dropped its `done` receiver.
    let (stop, stopping) = tokio::sync::watch::channel(());
    let (done_tx, done) = tokio::sync::watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (tcp, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(x) => x,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let slot = if unlimited.contains(&remote.ip()) {
            None
        } else {
            match ConnectionSlot::take(&open, remote.ip()) {
                Some(slot) => Some(slot),
                None => {
                    tracing::debug!(client = %remote.ip(), "too many connections from one address; closed");
                    continue;
                }
            }
        };
        // Responses go out whole; waiting to coalesce small writes only adds latency.
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!(error = %e, "cannot set TCP_NODELAY");
        }
        let svc = CacheFirst { peer: Some(remote), ..app.clone() };
        let svc = tower::ServiceExt::map_request(svc, |req: axum::http::Request<hyper::body::Incoming>| {
            req.map(axum::body::Body::new)
        });
        // Measured only with --metrics: without it the cached path does no extra work.
        let svc = match metrics.clone() {
            None => tower::util::Either::Left(svc),
            Some(m) => tower::util::Either::Right(tower::ServiceExt::map_future(svc, move |answer| {
                let (m, started) = (m.clone(), std::time::Instant::now());
                async move {
                    let res = answer.await;
                    if let Ok(r) = &res {
                        m.observe(r, started);
                    }
                    res
                }
            })),
        };
        let (mut stopping, done) = (stopping.clone(), done.clone());
        tokio::spawn(async move {
            let _slot = slot;
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .max_buf_size(MAX_HEAD_BYTES);
            let io = hyper_util::rt::TokioIo::new(tcp);
            let conn = builder.serve_connection(io, hyper_util::service::TowerToHyperService::new(svc));
            let mut conn = std::pin::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = stopping.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
            drop(done);
        });
    }
    drop(listener);
    let _ = stop.send(());
    drop(done);
    done_tx.closed().await;
    tasks.stop();
    Ok(())
}

/// One of an address's open connections; given back when the connection ends.
struct ConnectionSlot {
    open: Arc<std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, usize>>>,
    ip: std::net::IpAddr,
}

impl ConnectionSlot {
    fn take(
        open: &Arc<std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, usize>>>,
        ip: std::net::IpAddr,
    ) -> Option<ConnectionSlot> {
        let mut map = open.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = map.entry(ip).or_insert(0);
        if *n >= MAX_CONNECTIONS_PER_ADDRESS {
            return None;
        }
        *n += 1;
        Some(ConnectionSlot { open: open.clone(), ip })
    }
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        let mut map = self.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(n) = map.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod cache_model_tests;
#[cfg(test)]
mod search_tests;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;
