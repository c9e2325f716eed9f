//! Rendered responses kept in memory with their compressed variants and strong ETags, and the
//! conditional/negotiated answer for each request. Compression happens once, when a page is
//! stored; serving a hit only copies bytes.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use sha2::{Digest, Sha256};

/// Pages held at most; past it the cache starts over (a bound against crawlers of odd URLs).
const MAX_ENTRIES: usize = 20_000;
/// Smaller bodies are not worth compressing.
const MIN_COMPRESS: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Identity,
    Gzip,
    Brotli,
}

/// One encoding of a page, with its headers made once.
#[derive(Debug)]
struct Variant {
    body: Bytes,
    etag: HeaderValue,
    encoding: Option<HeaderValue>,
}

#[derive(Debug)]
pub struct CachedPage {
    pub status: StatusCode,
    content_type: HeaderValue,
    identity: Variant,
    gzip: Option<Variant>,
    br: Option<Variant>,
    surrogate_keys: Option<HeaderValue>,
    cache_control: HeaderValue,
    last_modified: Option<HeaderValue>,
    last_modified_at: Option<jiff::Timestamp>,
    /// The article this page shows, for view counting.
    pub article_id: Option<i64>,
}

static VARY: HeaderValue = HeaderValue::from_static("Accept-Encoding");

impl CachedPage {
    pub fn new(
        status: StatusCode,
        content_type: &'static str,
        body: Vec<u8>,
        surrogate_keys: Vec<String>,
    ) -> CachedPage {
        let digest = Sha256::digest(&body);
        let tag: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
        // Hex digits and quotes are always valid header bytes.
        let etag = |suffix: &str| HeaderValue::from_str(&format!("\"{tag}{suffix}\"")).expect("hex etag");
        let compressible = body.len() >= MIN_COMPRESS
            && (content_type.starts_with("text/") || content_type.contains("xml") || content_type.contains("json"));
        let (gzip, br) = if compressible {
            (
                Some(Variant {
                    body: gzip(&body),
                    etag: etag("-gz"),
                    encoding: Some(HeaderValue::from_static("gzip")),
                }),
                Some(Variant {
                    body: brotli(&body),
                    etag: etag("-br"),
                    encoding: Some(HeaderValue::from_static("br")),
                }),
            )
        } else {
            (None, None)
        };
        CachedPage {
            status,
            content_type: HeaderValue::from_static(content_type),
            identity: Variant { body: Bytes::from(body), etag: etag(""), encoding: None },
            gzip,
            br,
            // Keys are slugs and ids; one that is not a valid header value is dropped, not sent.
            surrogate_keys: (!surrogate_keys.is_empty())
                .then(|| HeaderValue::from_str(&surrogate_keys.join(" ")).ok())
                .flatten(),
            cache_control: HeaderValue::from_static(if status == StatusCode::OK {
                "public, max-age=60, stale-while-revalidate=600, stale-if-error=86400"
            } else {
                "no-store"
            }),
            last_modified: None,
            last_modified_at: None,
            article_id: None,
        }
    }

    pub fn for_article(mut self, id: Option<i64>) -> CachedPage {
        self.article_id = id;
        self
    }

    /// Assets and media change only with their content: cache them longer.
    pub fn immutable_for(mut self, seconds: u32) -> CachedPage {
        self.cache_control = HeaderValue::from_static(match seconds {
            0..=3600 => "public, max-age=3600, stale-while-revalidate=86400",
            _ => "public, max-age=86400, stale-while-revalidate=604800",
        });
        self
    }

    /// Answers to keyed requests: no shared cache may keep them; clients revalidate by ETag.
    pub fn private(mut self) -> CachedPage {
        self.cache_control = HeaderValue::from_static("private, no-cache");
        self
    }

    /// Sends `Last-Modified` and answers `If-Modified-Since` (feeds, sitemaps).
    pub fn last_modified(mut self, at: Option<jiff::Timestamp>) -> CachedPage {
        let to_second = jiff::TimestampRound::new().smallest(jiff::Unit::Second).mode(jiff::RoundMode::Trunc);
        self.last_modified_at = at.map(|t| t.round(to_second).unwrap_or(t));
        self.last_modified = self.last_modified_at.and_then(|t| HeaderValue::from_str(&http_date(t)).ok());
        self
    }

    pub fn body(&self) -> &Bytes {
        &self.identity.body
    }

    fn variant(&self, enc: Encoding) -> &Variant {
        match (enc, &self.br, &self.gzip) {
            (Encoding::Brotli, Some(b), _) => b,
            (Encoding::Gzip, _, Some(g)) => g,
            _ => &self.identity,
        }
    }

    fn not_modified(&self, req: &HeaderMap, etag: &HeaderValue) -> bool {
        if self.status != StatusCode::OK {
            return false;
        }
        if let Some(inm) = req.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
            let etag = etag.to_str().unwrap_or("");
            return inm.split(',').map(str::trim).any(|t| t == "*" || t.trim_start_matches("W/") == etag);
        }
        match (self.last_modified_at, req.get(header::IF_MODIFIED_SINCE).and_then(|v| v.to_str().ok())) {
            (Some(at), Some(since)) => parse_http_date(since).is_some_and(|since| at <= since),
            _ => false,
        }
    }

    /// The response for a request with these headers: 304 when the client's copy is current,
    /// else the best encoding it accepts.
    pub fn respond(&self, req: &HeaderMap) -> Response {
        let enc = negotiate(req.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or(""));
        let variant = self.variant(enc);
        let not_modified = self.not_modified(req, &variant.etag);
        let mut res = if not_modified {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::NOT_MODIFIED;
            r
        } else {
            let mut r = Response::new(Body::from(variant.body.clone()));
            *r.status_mut() = self.status;
            r
        };
        let h = res.headers_mut();
        h.reserve(12);
        h.insert(header::CACHE_CONTROL, self.cache_control.clone());
        h.insert(header::VARY, VARY.clone());
        if self.status == StatusCode::OK {
            h.insert(header::ETAG, variant.etag.clone());
        }
        if let Some(lm) = &self.last_modified {
            h.insert(header::LAST_MODIFIED, lm.clone());
        }
        if let Some(keys) = &self.surrogate_keys {
            h.insert("surrogate-key", keys.clone());
        }
        if !not_modified {
            h.insert(header::CONTENT_TYPE, self.content_type.clone());
            if let Some(ce) = &variant.encoding {
                h.insert(header::CONTENT_ENCODING, ce.clone());
            }
        }
        crate::secure(h);
        res
    }
}

/// RFC 9110 IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
fn http_date(t: jiff::Timestamp) -> String {
    t.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

fn parse_http_date(s: &str) -> Option<jiff::Timestamp> {
    jiff::fmt::rfc2822::parse(s).ok().map(|z| z.timestamp())
}

fn gzip(body: &[u8]) -> Bytes {
    let mut enc = flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 3), flate2::Compression::best());
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(body);
    Bytes::from(enc.finish().unwrap_or_default())
}

fn brotli(body: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(body.len() / 3);
    let params = brotli::enc::BrotliEncoderParams { quality: 9, lgwin: 22, ..Default::default() };
    let _ = brotli::BrotliCompress(&mut &body[..], &mut out, &params);
    Bytes::from(out)
}

/// Picks brotli, then gzip, honouring `q=0` refusals.
fn negotiate(accept: &str) -> Encoding {
    let mut best = Encoding::Identity;
    for part in accept.split(',') {
        let mut it = part.split(';');
        let coding = it.next().unwrap_or("").trim().to_ascii_lowercase();
        let refused = it.any(|p| {
            let p = p.trim();
            p.strip_prefix("q=").is_some_and(|q| q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0))
        });
        if refused {
            continue;
        }
        match coding.as_str() {
            "br" => best = Encoding::Brotli,
            "gzip" | "x-gzip" if best == Encoding::Identity => best = Encoding::Gzip,
            _ => {}
        }
    }
    best
}

/// Path -> rendered response. `generation` moves on every clear, so a page rendered from data
/// older than the latest clear is never stored.
#[derive(Clone, Default)]
pub struct PageCache {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    pages: RwLock<HashMap<String, Arc<CachedPage>>>,
    generation: AtomicU64,
}

impl PageCache {
    pub fn get(&self, key: &str) -> Option<Arc<CachedPage>> {
        self.inner.pages.read().unwrap_or_else(|p| p.into_inner()).get(key).cloned()
    }

    pub fn generation(&self) -> u64 {
        self.inner.generation.load(Ordering::Acquire)
    }

    /// Stores `page` if nothing was cleared since `generation` was read (before rendering).
    pub fn insert(&self, key: String, page: Arc<CachedPage>, generation: u64) {
        let mut pages = self.inner.pages.write().unwrap_or_else(|p| p.into_inner());
        if self.generation() != generation {
            return;
        }
        if pages.len() >= MAX_ENTRIES {
            pages.clear();
        }
        pages.insert(key, page);
    }

    pub fn clear(&self) {
        let mut pages = self.inner.pages.write().unwrap_or_else(|p| p.into_inner());
        self.inner.generation.fetch_add(1, Ordering::AcqRel);
        pages.clear();
    }

    pub fn len(&self) -> usize {
        self.inner.pages.read().unwrap_or_else(|p| p.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation() {
        assert_eq!(negotiate(""), Encoding::Identity);
        assert_eq!(negotiate("gzip, deflate"), Encoding::Gzip);
        assert_eq!(negotiate("gzip, deflate, br, zstd"), Encoding::Brotli);
        assert_eq!(negotiate("br;q=0, gzip"), Encoding::Gzip);
        assert_eq!(negotiate("br;q=0.5"), Encoding::Brotli);
        assert_eq!(negotiate("gzip;q=0"), Encoding::Identity);
    }

    #[test]
    fn last_modified_and_if_modified_since() {
        let t: jiff::Timestamp = "2026-11-20T08:15:30.7Z".parse().unwrap();
        let page = CachedPage::new(StatusCode::OK, "application/rss+xml", b"x".to_vec(), vec![]).last_modified(Some(t));
        let mut req = HeaderMap::new();
        let res = page.respond(&req);
        assert_eq!(res.headers()[header::LAST_MODIFIED], "Fri, 20 Nov 2026 08:15:30 GMT");
        req.insert(header::IF_MODIFIED_SINCE, HeaderValue::from_static("Fri, 20 Nov 2026 08:15:30 GMT"));
        assert_eq!(page.respond(&req).status(), StatusCode::NOT_MODIFIED);
        req.insert(header::IF_MODIFIED_SINCE, HeaderValue::from_static("Fri, 20 Nov 2026 08:15:29 GMT"));
        assert_eq!(page.respond(&req).status(), StatusCode::OK);
        req.insert(header::IF_MODIFIED_SINCE, HeaderValue::from_static("not a date"));
        assert_eq!(page.respond(&req).status(), StatusCode::OK);
    }

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
}
