//! Media files as readers' browsers and CDNs fetch them: originals (`/media/<sha-prefix>.<ext>`)
//! and renditions (`/media/r/<stem>/<version>/<crop>-<width>.<ext>`), whose names change with
//! their content, so each is cacheable for a year (`immutable`), with a strong ETag (its name),
//! `Range` requests (one range; a player or a resumed download), the type from the extension and
//! no `Vary` (no URL here negotiates). Read from the media store (`store::media`) on each request:
//! a directory's files stay in the operating system's page cache, a CDN keeps them in front.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

use crate::{AppState, Error, content_type, pages, safe_media_name};

pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// `GET /media/{file}`: an original.
pub async fn original(State(state): State<AppState>, Path(file): Path<String>, headers: HeaderMap) -> Response {
    if !safe_media_name(&file) {
        return missing(&state, &file, &headers);
    }
    serve(&state, &file, &crate::depends::media(&file), &headers).await
}

/// `GET /media/r/{stem}/{version}/{file}`: a rendition.
pub async fn rendition(
    State(state): State<AppState>,
    Path((stem, version, file)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    let name = format!("r/{stem}/{version}/{file}");
    if ![&stem, &version, &file].iter().all(|p| safe_media_name(p)) {
        return missing(&state, &name, &headers);
    }
    serve(&state, &name, &crate::depends::renditions(&stem), &headers).await
}

fn missing(state: &AppState, name: &str, headers: &HeaderMap) -> Response {
    pages::error_page(state, &Error::NotFound(format!("media {name}"))).into_page().respond(headers)
}

/// Serves the media object `name` with the surrogate key `key` (`depends::media` or
/// `depends::renditions`: a deleted picture's files are purged from a CDN together).
async fn serve(state: &AppState, name: &str, key: &str, headers: &HeaderMap) -> Response {
    let (media, object) = (state.media.clone(), name.to_string());
    let read = tokio::task::spawn_blocking(move || media.get(&object)).await;
    let bytes = match read {
        Ok(Ok(Some(b))) => b,
        Ok(Ok(None)) => return missing(state, name, headers),
        Ok(Err(e)) => return pages::error_page(state, &Error::Internal(e.to_string())).into_page().respond(headers),
        Err(e) => return pages::error_page(state, &Error::Internal(e.to_string())).into_page().respond(headers),
    };
    let etag = format!("\"{}\"", name.replace('/', "-"));
    let mut res = Response::new(Body::empty());
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(name)));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(key) {
        h.insert("surrogate-key", v);
    }
    crate::secure(h);
    let matches = |v: &str| v.split(',').map(str::trim).any(|t| t == "*" || t.trim_start_matches("W/") == etag);
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(matches) {
        *res.status_mut() = StatusCode::NOT_MODIFIED;
        return res;
    }
    // A Range under an If-Range that names another version gets the whole file.
    let if_range_ok = headers.get(header::IF_RANGE).and_then(|v| v.to_str().ok()).is_none_or(|v| v.trim() == etag);
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok()).filter(|_| if_range_ok);
    match range.map(|r| byte_range(r, bytes.len() as u64)) {
        None | Some(Range::Ignored) => *res.body_mut() = Body::from(bytes),
        Some(Range::Part(start, end)) => {
            let total = bytes.len();
            *res.status_mut() = StatusCode::PARTIAL_CONTENT;
            if let Ok(v) = HeaderValue::from_str(&format!("bytes {start}-{end}/{total}")) {
                res.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            *res.body_mut() = Body::from(bytes[start as usize..=end as usize].to_vec());
        }
        Some(Range::Unsatisfiable) => {
            *res.status_mut() = StatusCode::RANGE_NOT_SATISFIABLE;
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{}", bytes.len())) {
                res.headers_mut().insert(header::CONTENT_RANGE, v);
            }
        }
    }
    res
}

#[derive(Debug, PartialEq, Eq)]
enum Range {
    /// First and last byte, inclusive.
    Part(u64, u64),
    /// Syntactically a range, but outside the file.
    Unsatisfiable,
    /// Not a single byte range this server answers (several ranges, another unit): the whole file.
    Ignored,
}

/// RFC 9110 §14.1.2, one range: `bytes=a-b`, `bytes=a-`, `bytes=-n`.
fn byte_range(value: &str, len: u64) -> Range {
    let Some(spec) = value.trim().strip_prefix("bytes=") else { return Range::Ignored };
    if spec.contains(',') {
        return Range::Ignored;
    }
    let Some((a, b)) = spec.trim().split_once('-') else { return Range::Ignored };
    let (a, b) = (a.trim(), b.trim());
    let parse = |s: &str| s.parse::<u64>().ok();
    match (a.is_empty(), b.is_empty()) {
        (true, false) => match parse(b) {
            Some(0) => Range::Unsatisfiable,
            Some(n) if len > 0 => Range::Part(len.saturating_sub(n), len - 1),
            Some(_) => Range::Unsatisfiable,
            None => Range::Ignored,
        },
        (false, _) => match (parse(a), if b.is_empty() { Some(u64::MAX) } else { parse(b) }) {
            (Some(start), Some(end)) if start <= end => {
                if start >= len {
                    Range::Unsatisfiable
                } else {
                    Range::Part(start, end.min(len - 1))
                }
            }
            _ => Range::Ignored,
        },
        (true, true) => Range::Ignored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn byte_ranges_as_rfc_9110_reads_them() {
        assert_eq!(byte_range("bytes=0-99", 1000), Range::Part(0, 99));
        assert_eq!(byte_range("bytes=900-", 1000), Range::Part(900, 999));
        assert_eq!(byte_range("bytes=-100", 1000), Range::Part(900, 999));
        assert_eq!(byte_range("bytes=-5000", 1000), Range::Part(0, 999));
        assert_eq!(byte_range("bytes=990-5000", 1000), Range::Part(990, 999));
        assert_eq!(byte_range("bytes=1000-", 1000), Range::Unsatisfiable);
        assert_eq!(byte_range("bytes=-0", 1000), Range::Unsatisfiable);
        assert_eq!(byte_range("bytes=5-2", 1000), Range::Ignored);
        assert_eq!(byte_range("bytes=0-1,5-9", 1000), Range::Ignored);
        assert_eq!(byte_range("items=0-1", 1000), Range::Ignored);
    }

    proptest! {
        #[test]
        fn a_range_is_inside_the_file_or_refused(value in "bytes=[0-9]{0,6}-[0-9]{0,6}", len in 0u64..100_000) {
            if let Range::Part(a, b) = byte_range(&value, len) {
                prop_assert!(a <= b && b < len);
            }
        }
    }
}
