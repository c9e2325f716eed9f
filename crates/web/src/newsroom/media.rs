//! The media library: uploads (type sniffed from the bytes, never trusted from the name or the
//! header; size and pixel limits), browsing, and reuse with caption and credit.

use std::io::Write;
use std::path::Path;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use jiff::Timestamp;
use minijinja::context;
use newsdesk_store::NewMedia;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::views::{render, ser};
use super::{MAX_UPLOAD_BYTES, Signed, blocking, failure};
use crate::AppState;

/// Pictures larger than this many pixels are refused (decoding them would need too much memory).
pub const MAX_PIXELS: u64 = 40_000_000;
/// Neither side may be longer than this.
pub const MAX_SIDE: u64 = 12_000;

/// What an upload is, judged by its first bytes.
pub fn sniff(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some(("image/jpeg", "jpg")),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(("image/png", "png")),
        [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => Some(("image/gif", "gif")),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some(("image/webp", "webp")),
        [_, _, _, _, b'f', b't', b'y', b'p', b'a', b'v', b'i', b'f', ..] => Some(("image/avif", "avif")),
        _ => None,
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum UploadError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is {0} bytes; the limit is {MAX_UPLOAD_BYTES}")]
    TooLarge(usize),
    #[error("the file is not a JPEG, PNG, WebP, GIF or AVIF picture (judged by its contents)")]
    NotAPicture,
    #[error("the picture's size cannot be read: {0}")]
    Unreadable(String),
    #[error("the picture is {0}×{1} pixels; the limits are {MAX_SIDE} on a side and {MAX_PIXELS} in all")]
    TooManyPixels(u64, u64),
}

/// Checks an upload; returns its type, extension and pixel size.
pub fn check(bytes: &[u8]) -> Result<(&'static str, &'static str, u64, u64), UploadError> {
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(UploadError::TooLarge(bytes.len()));
    }
    let (mime, ext) = sniff(bytes).ok_or(UploadError::NotAPicture)?;
    let size = imagesize::blob_size(bytes).map_err(|e| UploadError::Unreadable(e.to_string()))?;
    let (w, h) = (size.width as u64, size.height as u64);
    if w == 0 || h == 0 || w > MAX_SIDE || h > MAX_SIDE || w * h > MAX_PIXELS {
        return Err(UploadError::TooManyPixels(w, h));
    }
    Ok((mime, ext, w, h))
}

/// Writes a checked upload into the media directory under a name made from its SHA-256; returns
/// (file name, SHA-256 hex). Written to a temporary name, synced, then renamed: a crash never
/// leaves half a picture under a name the library knows. The same bytes twice are one file.
pub fn store_file(dir: &Path, bytes: &[u8], ext: &str) -> std::io::Result<(String, String)> {
    let sha: String = Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
    let file = format!("{}.{ext}", &sha[..24]);
    let path = dir.join(&file);
    if !path.exists() {
        std::fs::create_dir_all(dir)?;
        let tmp = dir.join(format!(".{file}.tmp"));
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, &path)?;
    }
    Ok((file, sha))
}

/// What an uploader says about a picture, tidied: name, alt text, caption, credit.
#[derive(Debug, Clone, Default)]
pub struct About {
    pub name: Option<String>,
    pub alt: String,
    pub caption: Option<String>,
    pub credit: Option<String>,
}

impl About {
    pub fn new(name: Option<String>, alt: Option<String>, caption: Option<String>, credit: Option<String>) -> About {
        let clean =
            |s: Option<String>| s.map(|v| v.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|v| !v.is_empty());
        About {
            name: clean(name).map(|n| n.chars().take(200).collect()),
            alt: clean(alt).unwrap_or_default(),
            caption: clean(caption),
            credit: clean(credit),
        }
    }
}

/// Stores a checked upload (see [`check`]): the file, then its library entry.
pub fn save(
    state: &AppState,
    body: &[u8],
    (mime, ext, width, height): (&'static str, &'static str, u64, u64),
    about: &About,
    user: i64,
) -> Result<newsdesk_store::Media, String> {
    let (file, sha) = store_file(&state.media_dir, body, ext).map_err(|e| format!("cannot write the picture: {e}"))?;
    let entry = NewMedia {
        file: &file,
        sha256: &sha,
        mime,
        width: width as u32,
        height: height as u32,
        bytes: body.len() as u64,
        original_name: about.name.as_deref(),
        alt: &about.alt,
        caption: about.caption.as_deref(),
        credit: about.credit.as_deref(),
        uploaded_by: Some(user),
    };
    state.store.add_media(&entry, Timestamp::now()).map_err(|e| e.to_string())
}

#[derive(Debug, Default, Deserialize)]
pub struct UploadQuery {
    name: Option<String>,
    alt: Option<String>,
    caption: Option<String>,
    credit: Option<String>,
}

/// `POST /newsroom/media?name=…`: the body is the file itself (the editor's script sends it so).
pub async fn upload(
    State(state): State<AppState>,
    Extension(me): Extension<Signed>,
    Query(q): Query<UploadQuery>,
    body: Bytes,
) -> Response {
    let (mime, ext, width, height) = match check(&body) {
        Ok(x) => x,
        Err(e) => {
            let status = if matches!(e, UploadError::TooLarge(_)) {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            return (status, Json(serde_json::json!({ "error": format!("Upload refused: {e}.") }))).into_response();
        }
    };
    let st = state.clone();
    let about = About::new(q.name, q.alt, q.caption, q.credit);
    let saved = blocking(move || {
        let media = save(&st, &body, (mime, ext, width, height), &about, me.user.id).map_err(failure)?;
        st.store
            .audit(
                Some(me.user.id),
                me.actor(),
                "media.upload",
                Some(&media.file),
                about.name.as_deref(),
                Timestamp::now(),
            )
            .map_err(failure)?;
        Ok(media)
    })
    .await;
    match saved {
        Err(resp) => resp,
        Ok(media) => (StatusCode::CREATED, Json(media)).into_response(),
    }
}

pub async fn library(State(state): State<AppState>, Extension(me): Extension<Signed>) -> Response {
    let st = state.clone();
    match blocking(move || st.store.media_list(500, 0).map_err(failure)).await {
        Err(resp) => resp,
        Ok(media) => render(
            "media.html",
            context! { me => ser(&me.user), csrf => &me.csrf, media => ser(&media), max_mb => MAX_UPLOAD_BYTES / (1024 * 1024),
            max_mp => MAX_PIXELS / 1_000_000 },
        ),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A 3×2 PNG (the smallest real picture the tests need).
    pub(crate) fn tiny_png() -> Vec<u8> {
        let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R'];
        png.extend_from_slice(&3u32.to_be_bytes());
        png.extend_from_slice(&2u32.to_be_bytes());
        png.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
        png
    }

    #[test]
    fn pictures_are_judged_by_their_bytes() {
        assert_eq!(check(&tiny_png()), Ok(("image/png", "png", 3, 2)));
        assert_eq!(check(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), Err(UploadError::NotAPicture));
        assert_eq!(check(b""), Err(UploadError::Empty));
        let mut huge = tiny_png();
        huge[16..20].copy_from_slice(&20_000u32.to_be_bytes());
        assert_eq!(check(&huge), Err(UploadError::TooManyPixels(20_000, 2)));
    }

    proptest! {
        #[test]
        fn any_bytes_get_an_answer_not_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = check(&bytes);
        }
    }
}
