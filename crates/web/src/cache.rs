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

#[derive(Debug)]
pub struct CachedPage {
    pub status: StatusCode,
    content_type: &'static str,
    etag: String,
    identity: Bytes,
    gzip: Option<Bytes>,
    br: Option<Bytes>,
    surrogate_keys: String,
    cache_control: &'static str,
}

impl CachedPage {
    pub fn new(
        status: StatusCode,
        content_type: &'static str,
        body: Vec<u8>,
        surrogate_keys: Vec<String>,
    ) -> CachedPage {
        let digest = Sha256::digest(&body);
        let etag: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
        let compressible = body.len() >= MIN_COMPRESS
            && (content_type.starts_with("text/") || content_type.contains("svg") || content_type.contains("json"));
        let (gzip, br) = if compressible { (Some(gzip(&body)), Some(brotli(&body))) } else { (None, None) };
        CachedPage {
            status,
            content_type,
            etag,
            identity: Bytes::from(body),
            gzip,
            br,
            surrogate_keys: surrogate_keys.join(" "),
            cache_control: if status == StatusCode::OK {
                "public, max-age=60, stale-while-revalidate=600, stale-if-error=86400"
            } else {
                "no-store"
            },
        }
    }

    /// Assets and media change only with their content: cache them longer.
    pub fn immutable_for(mut self, seconds: u32) -> CachedPage {
        self.cache_control = match seconds {
            0..=3600 => "public, max-age=3600, stale-while-revalidate=86400",
            _ => "public, max-age=86400, stale-while-revalidate=604800",
        };
        self
    }

    pub fn body(&self) -> &Bytes {
        &self.identity
    }

    /// The body for `enc`, its ETag (each encoding is its own representation) and the
    /// Content-Encoding to send, if any.
    fn variant(&self, enc: Encoding) -> (&Bytes, String, Option<&'static str>) {
        match (enc, &self.br, &self.gzip) {
            (Encoding::Brotli, Some(b), _) => (b, format!("\"{}-br\"", self.etag), Some("br")),
            (Encoding::Gzip, _, Some(g)) => (g, format!("\"{}-gz\"", self.etag), Some("gzip")),
            _ => (&self.identity, format!("\"{}\"", self.etag), None),
        }
    }

    /// The response for a request with these headers: 304 when the client's copy is current,
    /// else the best encoding it accepts.
    pub fn respond(&self, req: &HeaderMap) -> Response {
        let enc = negotiate(req.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or(""));
        let (body, etag, content_encoding) = self.variant(enc);
        let not_modified = self.status == StatusCode::OK
            && req.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|inm| {
                inm.split(',').map(str::trim).any(|t| t == "*" || t.trim_start_matches("W/") == etag)
            });
        let mut res = Response::builder()
            .status(if not_modified { StatusCode::NOT_MODIFIED } else { self.status })
            .header(header::CACHE_CONTROL, self.cache_control)
            .header(header::VARY, "Accept-Encoding")
            .header("x-content-type-options", "nosniff");
        if self.status == StatusCode::OK {
            res = res.header(header::ETAG, &etag);
        }
        if !self.surrogate_keys.is_empty() {
            res = res.header("surrogate-key", &self.surrogate_keys);
        }
        if not_modified {
            return res.body(Body::empty()).unwrap_or_default();
        }
        res = res.header(header::CONTENT_TYPE, HeaderValue::from_static(self.content_type));
        if let Some(ce) = content_encoding {
            res = res.header(header::CONTENT_ENCODING, ce);
        }
        // Building from valid static headers and our own strings cannot fail; an empty 500 is the
        // fallback rather than a panic.
        res.body(Body::from(body.clone())).unwrap_or_default()
    }
}

fn gzip(body: &[u8]) -> Bytes {
    let mut enc = flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 3), flate2::Compression::best());
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(body);
    Bytes::from(enc.finish().unwrap_or_default())
}

fn brotli(body: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(body.len() / 3);
    let params = brotli::enc::BrotliEncoderParams { quality: 10, lgwin: 22, ..Default::default() };
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
