//! One cached response: its identity body and gzip and brotli variants with strong ETags,
//! the headers made once, and the conditional, negotiated answer to each request.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU32};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use sha2::{Digest, Sha256};

/// Smaller bodies are not worth compressing.
const MIN_COMPRESS: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Encoding {
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
    /// The same keys comma-separated, as `Cache-Tag` (Cloudflare's name).
    cache_tags: Option<HeaderValue>,
    /// What the page shows (`depends`): dropping any of these keys drops the page.
    pub(super) deps: Box<[String]>,
    cache_control: HeaderValue,
    last_modified: Option<HeaderValue>,
    last_modified_at: Option<jiff::Timestamp>,
    /// The article this page shows, for view counting.
    pub article_id: Option<i64>,
    /// The identity body's digest, the stem of every variant's ETag.
    tag: Box<str>,
    /// Compressed fast, not yet small (see [`PageCache::upgrade`]).
    pub(super) fast: bool,
    pub(super) upgrading: AtomicBool,
    /// Compressed answers served from the fast variants so far.
    pub(super) fast_hits: AtomicU32,
}

/// How hard to compress: fast for the first answer to a miss, best for a page read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effort {
    Fast,
    Best,
}

/// A strong ETag: the body's digest and the variant's suffix (hex digits and quotes are always
/// valid header bytes).
fn etag(tag: &str, suffix: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{tag}{suffix}\"")).expect("hex etag")
}

/// The gzip and brotli variants of `body`. Each effort has its own ETags: the bytes differ.
fn compressed(body: &[u8], tag: &str, effort: Effort) -> (Option<Variant>, Option<Variant>) {
    let (gz_level, br_quality, suffix) = match effort {
        Effort::Fast => (1, 1, "1"),
        Effort::Best => (9, 9, ""),
    };
    let gz = Variant {
        body: gzip(body, gz_level),
        etag: etag(tag, &format!("-gz{suffix}")),
        encoding: Some(HeaderValue::from_static("gzip")),
    };
    let br = Variant {
        body: brotli(body, br_quality),
        etag: etag(tag, &format!("-br{suffix}")),
        encoding: Some(HeaderValue::from_static("br")),
    };
    (Some(gz), Some(br))
}

static VARY: HeaderValue = HeaderValue::from_static("Accept-Encoding");

/// `keys` and `site` (which every response carries, for purging everything), joined by `sep`.
fn keys_header(keys: &[String], sep: &str) -> Option<HeaderValue> {
    let all: Vec<&str> = keys.iter().map(String::as_str).chain([crate::purge::SITE]).collect();
    HeaderValue::from_str(&all.join(sep)).ok()
}

impl CachedPage {
    pub fn new(
        status: StatusCode,
        content_type: &'static str,
        body: Vec<u8>,
        surrogate_keys: Vec<String>,
    ) -> CachedPage {
        let digest = Sha256::digest(&body);
        let tag: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
        let compressible = body.len() >= MIN_COMPRESS
            && (content_type.starts_with("text/") || content_type.contains("xml") || content_type.contains("json"));
        // The first answer goes out as soon as the page is rendered: compressed fast here, and
        // made small (`CachedPage::best`) once a second reader shows it is worth the time.
        let (gzip, br) = if compressible { compressed(&body, &tag, Effort::Fast) } else { (None, None) };
        CachedPage {
            status,
            content_type: HeaderValue::from_static(content_type),
            identity: Variant { body: kept(body), etag: etag(&tag, ""), encoding: None },
            gzip,
            br,
            tag: tag.into(),
            fast: compressible,
            upgrading: AtomicBool::new(false),
            fast_hits: AtomicU32::new(0),
            // Keys are slugs and ids; one that is not a valid header value is dropped, not sent.
            surrogate_keys: keys_header(&surrogate_keys, " "),
            cache_tags: keys_header(&surrogate_keys, ","),
            deps: surrogate_keys.into_boxed_slice(),
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

    /// This page with its variants compressed as small as they go (gzip -9, brotli 9), every
    /// header kept.
    pub(super) fn best(&self) -> CachedPage {
        let (gzip, br) = compressed(&self.identity.body, &self.tag, Effort::Best);
        CachedPage {
            status: self.status,
            content_type: self.content_type.clone(),
            identity: Variant { body: self.identity.body.clone(), etag: self.identity.etag.clone(), encoding: None },
            gzip,
            br,
            surrogate_keys: self.surrogate_keys.clone(),
            cache_tags: self.cache_tags.clone(),
            deps: self.deps.clone(),
            cache_control: self.cache_control.clone(),
            last_modified: self.last_modified.clone(),
            last_modified_at: self.last_modified_at,
            article_id: self.article_id,
            tag: self.tag.clone(),
            fast: false,
            upgrading: AtomicBool::new(false),
            fast_hits: AtomicU32::new(0),
        }
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
        if let Some(tags) = &self.cache_tags {
            h.insert("cache-tag", tags.clone());
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

fn gzip(body: &[u8], level: u32) -> Bytes {
    let mut enc = flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 3), flate2::Compression::new(level));
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(body);
    kept(enc.finish().unwrap_or_default())
}

fn brotli(body: &[u8], quality: i32) -> Bytes {
    let mut out = Vec::with_capacity(body.len() / 3);
    let params = brotli::enc::BrotliEncoderParams { quality, lgwin: 22, ..Default::default() };
    let _ = brotli::BrotliCompress(&mut &body[..], &mut out, &params);
    kept(out)
}

/// A body as the cache keeps it: in an allocation of its own length. A rendered page's `String`
/// grew by doubling and a compressor's buffer by its guesses; kept as they were, a page held up
/// to twice the bytes the cache counted.
fn kept(mut body: Vec<u8>) -> Bytes {
    body.shrink_to_fit();
    Bytes::from(body)
}

/// Picks brotli, then gzip, honouring `q=0` refusals.
pub(super) fn negotiate(accept: &str) -> Encoding {
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

impl CachedPage {
    /// The memory this page takes in the cache under `key`: its bodies, what it depends on and
    /// the headers naming those keys, and the cache's own books on it (the key in the map and the
    /// CLOCK ring, and once in the index entry of each key it depends on). Counted whole, so the
    /// budget bounds the memory, not only the bodies (counting bodies alone, a node with a 256 MB
    /// cache reached 850 MB of heap under the newsroom mix at 100,000 stories).
    pub(super) fn weight(&self, key: &str) -> usize {
        const STRING: usize = 24;
        const SET_ENTRY: usize = 48;
        let variants = [Some(&self.identity), self.gzip.as_ref(), self.br.as_ref()];
        let bodies: usize = variants.into_iter().flatten().map(|v| v.body.len() + v.etag.len()).sum();
        let deps: usize = self.deps.iter().map(|d| d.len() + STRING).sum();
        let headers =
            [&self.surrogate_keys, &self.cache_tags].into_iter().flatten().map(HeaderValue::len).sum::<usize>();
        let books = 2 * (key.len() + STRING) + self.deps.len() * (key.len() + STRING + SET_ENTRY);
        bodies + deps + headers + books + std::mem::size_of::<CachedPage>() + 256
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pages_weight_counts_what_it_depends_on_and_the_caches_books() {
        let body = "<p>words</p>".repeat(400).into_bytes();
        let page = |deps: usize| {
            let keys = (0..deps).map(|i| format!("article-{i}")).collect();
            CachedPage::new(StatusCode::OK, "text/html; charset=utf-8", body.clone(), keys)
        };
        let (few, many) = (page(1), page(101));
        let key = "/europe/a-story-with-a-long-enough-address";
        let per_dep = (many.weight(key) - few.weight(key)) / 100;
        // Each key: its text in the page, twice in the headers, and the page's key in the index.
        assert!(per_dep >= "article-50".len() * 3 + key.len(), "{per_dep} bytes a dependency");
        let bodies = [Some(&few.identity), few.gzip.as_ref(), few.br.as_ref()]
            .into_iter()
            .flatten()
            .map(|v| v.body.len())
            .sum::<usize>();
        assert!(few.weight(key) > bodies + 2 * key.len());
    }

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
}
