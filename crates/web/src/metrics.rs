//! Prometheus metrics on an opt-in `/metrics` (`--metrics`): requests by route and status and
//! their latency (the route is the router's pattern, `/{section}/{slug}`; pages the page cache
//! answers before the router are `(page cache)`), the page cache's size, hits, misses and
//! evictions, and how far the page cache and the search index are behind the event log. Written
//! in Prometheus' text format by `prometheus-client`. Off by default: a node's request counts are
//! the operator's business, and the cached path then does no extra work.

use std::sync::Arc;
use std::sync::atomic::AtomicI64;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::AppState;
use crate::cache::PageCache;

/// The route a response came from, put on it by [`route_of`].
#[derive(Debug, Clone)]
pub struct RouteName(pub Arc<str>);

/// What answered a request that no route did: the page cache.
const CACHED: &str = "(page cache)";

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Metrics {
    pub(crate) fn new(state: &AppState) -> Metrics {
        let mut registry = Registry::with_prefix("newsdesk");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register("http_requests", "Requests answered, by route and status", requests.clone());
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            // 0.1 ms to about 6.5 s.
            Histogram::new(exponential_buckets(0.0001, 3.0, 11))
        });
        registry.register("http_request_duration_seconds", "Time to answer a request, by route", latency.clone());
        registry.register_collector(Box::new(Live {
            cache: state.cache.clone(),
            store: state.store.clone(),
            cache_position: state.cache_position.clone(),
            search: state.search.clone(),
        }));
        Metrics { registry, requests, latency }
    }

    /// Counts one answered request.
    pub(crate) fn observe(&self, response: &Response, started: Instant) {
        let route = response.extensions().get::<RouteName>().map_or(CACHED.to_string(), |r| r.0.to_string());
        self.latency.get_or_create(&RouteLabels { route: route.clone() }).observe(started.elapsed().as_secs_f64());
        self.requests.get_or_create(&RequestLabels { route, status: response.status().as_u16() }).inc();
    }
}

/// Middleware on the router: names the route on its response, for [`Metrics::observe`].
pub async fn route_of(matched: Option<MatchedPath>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    // A path no route matched went to the fallback (the reader site's page lookup).
    let name = matched.as_ref().map_or("(fallback)", |m| m.as_str());
    res.extensions_mut().insert(RouteName(Arc::from(name)));
    res
}

/// `GET /metrics` (only with `--metrics`).
pub async fn metrics(State(state): State<AppState>) -> Response {
    let Some(metrics) = state.metrics.clone() else { return StatusCode::NOT_FOUND.into_response() };
    let text = tokio::task::spawn_blocking(move || {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &metrics.registry).map(|()| out)
    })
    .await;
    match text {
        Ok(Ok(body)) => {
            let mut res = body.into_response();
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
            );
            res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res
        }
        _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Values read at each scrape.
struct Live {
    cache: PageCache,
    store: Arc<newsdesk_store::Store>,
    cache_position: Arc<AtomicI64>,
    search: Option<Arc<newsdesk_derive::SearchIndex>>,
}

impl std::fmt::Debug for Live {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Live")
    }
}

impl Collector for Live {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let s = self.cache.stats();
        let counters = [
            ("page_cache_hits", "Requests the page cache answered", s.hits),
            ("page_cache_misses", "Requests the page cache could not answer", s.misses),
            ("page_cache_evictions", "Pages dropped to stay within the budget", s.evictions),
        ];
        for (name, help, value) in counters {
            ConstCounter::new(value).encode(encoder.encode_descriptor(name, help, None, MetricType::Counter)?)?;
        }
        let gauges = [
            ("page_cache_bytes", "Bytes of pages held", s.bytes as i64),
            ("page_cache_budget_bytes", "Bytes of pages it may hold (--page-cache-mb)", s.budget as i64),
            ("page_cache_entries", "Pages held", s.entries as i64),
        ];
        for (name, help, value) in gauges {
            ConstGauge::new(value).encode(encoder.encode_descriptor(name, help, None, MetricType::Gauge)?)?;
        }
        // Lags need the log's newest id; a database that does not answer leaves them out.
        if let Ok(lags) = crate::ready::Lags::of(&self.store, &self.cache_position, self.search.as_deref()) {
            let gauges = [
                ("events", "The newest event id in the log", Some(lags.latest)),
                ("page_cache_event_lag", "Events the page cache has yet to apply", lags.page_cache),
                ("search_index_event_lag", "Events the search index has yet to apply", lags.search.flatten()),
            ];
            for (name, help, value) in gauges {
                if let Some(v) = value {
                    ConstGauge::new(v).encode(encoder.encode_descriptor(name, help, None, MetricType::Gauge)?)?;
                }
            }
        }
        Ok(())
    }
}
