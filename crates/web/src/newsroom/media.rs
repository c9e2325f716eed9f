//! The media library: uploads (type sniffed from the bytes, never trusted from the name or the
//! header; size and pixel limits), browsing, and reuse with caption and credit.

use crate::Error;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Redirect, Response};
use minijinja::context;
use newsdesk_store::{MediaError, MediaStore, NewMedia};
use serde::Deserialize;

use super::views::{render, ser};
use super::{MAX_UPLOAD_BYTES, Signed, blocking, failure};

use crate::AppState;

pub use newsdesk_ingest::image::{MAX_PIXELS, UploadError, check};

/// Writes a checked upload into the media directory (see [`newsdesk_desk::pictures::store_file`]).
pub use newsdesk_desk::pictures::store_file;

/// The thumbnail of the media file `file` (see [`newsdesk_ingest::image::thumbnail`]): made on
/// first asking and kept in the media store as `thumbs/<file>.jpg`. A picture that has none (SVG,
/// AVIF) is its own thumbnail. Returns the bytes and their file name (for the type), or `None`
/// when there is no such file.
pub fn thumbnail_of(media: &dyn MediaStore, file: &str) -> Result<Option<(Vec<u8>, String)>, MediaError> {
    let key = newsdesk_desk::pictures::thumbnail_key(file);
    if let Some(bytes) = media.get(&key)? {
        return Ok(Some((bytes, key)));
    }
    let Some(original) = media.get(file)? else { return Ok(None) };
    match newsdesk_ingest::image::thumbnail(&original) {
        Ok(Some(small)) => {
            media.put(&key, &small)?;
            Ok(Some((small, key)))
        }
        Ok(None) => Ok(Some((original, file.to_string()))),
        Err(e) => {
            tracing::warn!(%file, error = %e, "no thumbnail; the picture is shown whole");
            Ok(Some((original, file.to_string())))
        }
    }
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
    let (file, sha) =
        store_file(state.media.as_ref(), body, ext).map_err(|e| format!("cannot write the picture: {e}"))?;
    // What the picture says about itself fills what the uploader left empty.
    let own = newsdesk_ingest::image::meta::describe(body);
    let entry = NewMedia {
        file: &file,
        sha256: &sha,
        mime,
        width: width as u32,
        height: height as u32,
        bytes: body.len() as u64,
        original_name: about.name.as_deref(),
        alt: &about.alt,
        caption: about.caption.as_deref().or(own.caption.as_deref()),
        credit: about.credit.as_deref().or(own.credit.as_deref()).or(own.creator.as_deref()),
        creator: own.creator.as_deref(),
        copyright: own.copyright.as_deref(),
        uploaded_by: Some(user),
    };
    // Its renditions are made by the "renditions" task (desk::pictures), not here.
    state.store.add_media(&entry, state.now()).map_err(|e| e.to_string())
}

#[derive(Debug, Default, Deserialize)]
pub struct UploadQuery {
    name: Option<String>,
    alt: Option<String>,
    caption: Option<String>,
    credit: Option<String>,
}

/// Pictures decoded at once to check them: each holds up to `image::MAX_DECODE_BYTES`, so a
/// burst of uploads (or of decompression bombs) waits its turn rather than multiplying that.
pub const CONCURRENT_PICTURE_CHECKS: usize = 2;

/// [`check`] on the blocking pool (a decode takes up to a second), at most
/// [`CONCURRENT_PICTURE_CHECKS`] at a time.
pub async fn checked(state: &AppState, body: Bytes) -> Result<(&'static str, &'static str, u64, u64), UploadError> {
    let _turn = state.picture_checks.acquire().await;
    tokio::task::spawn_blocking(move || check(&body))
        .await
        .unwrap_or_else(|e| Err(UploadError::Damaged(format!("the check failed: {e}"))))
}

/// `POST /newsroom/media?name=…`: the body is the file itself (the editor's script sends it so).
pub async fn upload(
    State(state): State<AppState>,
    Extension(me): Extension<Signed>,
    Query(q): Query<UploadQuery>,
    body: Bytes,
) -> Response {
    let (mime, ext, width, height) = match checked(&state, body.clone()).await {
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
        // Made now, so the library shows it at once; made again on asking if this fails.
        if let Err(e) = thumbnail_of(st.media.as_ref(), &media.file) {
            tracing::warn!(file = %media.file, error = %e, "cannot write a thumbnail");
        }
        st.store
            .audit(Some(me.user.id), me.actor(), "media.upload", Some(&media.file), about.name.as_deref(), st.now())
            .map_err(failure)?;
        Ok(media)
    })
    .await;
    match saved {
        Err(resp) => resp,
        Ok(media) => (StatusCode::CREATED, Json(media)).into_response(),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct LibraryQuery {
    #[serde(default)]
    q: String,
    notice: Option<String>,
    error: Option<String>,
}

/// `GET /newsroom/media[?q=…]`: the library, newest first, or the pictures whose name, alt
/// text, caption or credit hold the words.
pub async fn library(
    State(state): State<AppState>,
    Extension(me): Extension<Signed>,
    Query(q): Query<LibraryQuery>,
) -> Response {
    let st = state.clone();
    let query = q.q.trim().chars().take(200).collect::<String>();
    let search = query.clone();
    let found = blocking(move || {
        let media = if search.is_empty() { st.store.media_list(500, 0) } else { st.store.media_search(&search, 500) }
            .map_err(failure)?;
        let files: Vec<&str> = media.iter().map(|m| m.file.as_str()).collect();
        let made = st.store.pictures(&files).map_err(failure)?;
        let ids: Vec<i64> = media.iter().map(|m| m.id).collect();
        let framings = st.store.framings(&ids).map_err(failure)?;
        let framing: Vec<Framed> = media
            .iter()
            .map(|m| {
                let f = framings.get(&m.id).cloned().unwrap_or_default();
                let (w, h) = made.get(&m.file).map_or((m.width as u32, m.height as u32), |r| (r.width, r.height));
                let hand = HAND_CROPS
                    .iter()
                    .map(|(crop, label)| {
                        let v = f
                            .crops
                            .get(crop)
                            .map(|r| format!("{}, {}, {}, {}", r.x, r.y, r.w, r.h))
                            .unwrap_or_default();
                        (crop.name(), *label, v)
                    })
                    .collect();
                Framed {
                    x: (f.focus.x * 100.0).round(),
                    y: (f.focus.y * 100.0).round(),
                    width: w,
                    height: h,
                    hand_set: !f.crops.is_empty(),
                    hand,
                    crops: made.get(&m.file).map(|r| crop_previews(&m.file, r)).unwrap_or_default(),
                    pending: made.get(&m.file).is_none_or(|r| r.version != newsdesk_core::picture::version(&f)),
                }
            })
            .collect();
        Ok((media, framing))
    })
    .await;
    match found {
        Err(resp) => resp,
        Ok((media, framing)) => render(
            "media.html",
            context! { me => ser(&me.user), csrf => &me.csrf, media => ser(&media), framing => ser(&framing),
            max_mb => MAX_UPLOAD_BYTES / (1024 * 1024),
            max_mp => MAX_PIXELS / 1_000_000, q => query, notice => q.notice, error => q.error,
            can_delete => me.user.role >= newsdesk_core::Role::Editor },
        ),
    }
}

/// What the library shows of a picture's framing: its focal point in percent, and the crops
/// made around it (the smallest rendition of each).
#[derive(Debug, serde::Serialize)]
struct Framed {
    x: f64,
    y: f64,
    /// The upright picture's size, which hand-set crops are measured in.
    width: u32,
    height: u32,
    /// Each crop an editor may set by hand: its name, label and the rectangle set ("" for none).
    hand: Vec<(&'static str, &'static str, String)>,
    /// Any crop is set by hand.
    hand_set: bool,
    crops: Vec<(&'static str, String)>,
    /// Renditions for this framing are still being made.
    pending: bool,
}

const HAND_CROPS: [(newsdesk_core::picture::Crop, &str); 4] = [
    (newsdesk_core::picture::Crop::Wide, "16:9"),
    (newsdesk_core::picture::Crop::Standard, "4:3"),
    (newsdesk_core::picture::Crop::Square, "1:1"),
    (newsdesk_core::picture::Crop::Social, "Social (1200×630)"),
];

fn crop_previews(file: &str, r: &newsdesk_core::picture::Rendered) -> Vec<(&'static str, String)> {
    use newsdesk_core::picture::{self, Crop};
    [(Crop::Wide, "16:9"), (Crop::Standard, "4:3"), (Crop::Square, "1:1"), (Crop::Social, "Social")]
        .into_iter()
        .filter_map(|(crop, label)| {
            let (w, _) = *picture::sizes(crop, r.width, r.height, &r.framing).first()?;
            Some((label, format!("/media/{}", picture::path(file, &r.version, crop, w, r.fallback()))))
        })
        .collect()
}

#[derive(Debug, Default, Deserialize)]
pub struct MediaForm {
    #[serde(default)]
    alt: String,
    #[serde(default)]
    caption: String,
    #[serde(default)]
    credit: String,
    /// The focal point, in percent of the picture's width and height from the top left.
    focus_x: Option<String>,
    focus_y: Option<String>,
    /// Crops set by hand, each "x, y, width, height" in pixels of the upright picture; empty
    /// cuts that crop around the focal point. Absent (a form without them) leaves them as they are.
    crop_16x9: Option<String>,
    crop_4x3: Option<String>,
    crop_1x1: Option<String>,
    crop_og: Option<String>,
}

/// "x, y, width, height" (commas or spaces) as a rectangle; `None` when empty, `Err` when it is
/// not four whole numbers.
fn rect_field(v: &str) -> Result<Option<crate::api::RectIo>, ()> {
    let parts: Vec<&str> = v.split([',', ' ', '×', 'x']).map(str::trim).filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        [] => Ok(None),
        [x, y, w, h] => {
            let n = |s: &str| s.parse::<u32>().map_err(|_| ());
            Ok(Some(crate::api::RectIo { x: n(x)?, y: n(y)?, w: n(w)?, h: n(h)? }))
        }
        _ => Err(()),
    }
}

/// `POST /newsroom/media/{id}`: new alt text, caption and credit for a picture. Stories keep what
/// they were saved with; the library's words are what new uses of the picture start from.
pub async fn update(
    State(state): State<AppState>,
    Extension(me): Extension<Signed>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    axum::Form(form): axum::Form<MediaForm>,
) -> Response {
    let about = About::new(None, Some(form.alt), Some(form.caption), Some(form.credit));
    if about.alt.is_empty() {
        return Redirect::to("/newsroom/media?error=alt").into_response();
    }
    let percent = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::parse::<f64>);
    let focus = match (percent(&form.focus_x), percent(&form.focus_y)) {
        (None, None) => None,
        (Some(Ok(x)), Some(Ok(y))) => match newsdesk_core::picture::Focus::new(x / 100.0, y / 100.0) {
            Some(f) => Some(f),
            None => return Redirect::to("/newsroom/media?error=focus").into_response(),
        },
        _ => return Redirect::to("/newsroom/media?error=focus").into_response(),
    };
    let sent = [&form.crop_16x9, &form.crop_4x3, &form.crop_1x1, &form.crop_og];
    let hand = if sent.iter().all(|v| v.is_none()) {
        None
    } else {
        let mut crops = std::collections::BTreeMap::new();
        for ((crop, _), v) in HAND_CROPS.iter().zip(sent) {
            match rect_field(v.as_deref().unwrap_or("")) {
                Ok(Some(r)) => {
                    crops.insert(crop.name().to_string(), r);
                }
                Ok(None) => {}
                Err(()) => return Redirect::to("/newsroom/media?error=crop").into_response(),
            }
        }
        Some(crops)
    };
    let st = state.clone();
    let done = blocking(move || {
        let r = st.store.update_media(id, &about.alt, about.caption.as_deref(), about.credit.as_deref());
        if let Ok(m) = &r {
            let old = st.store.framing(m.id).map_err(failure)?;
            let mut framing = old.clone();
            // A new focal point: the crops cut around it are made again.
            if let Some(focus) = focus {
                framing.focus = focus;
            }
            if let Some(crops) = &hand {
                // Checked as the Admin API checks them, against the upright picture.
                let (w, h) = match st.store.pictures(&[m.file.as_str()]).map_err(failure)?.get(&m.file) {
                    Some(made) => (made.width, made.height),
                    None => (m.width as u32, m.height as u32),
                };
                let input = crate::api::FramingIo {
                    focus: crate::api::FocusIo { x: framing.focus.x, y: framing.focus.y },
                    crops: crops.clone(),
                };
                match crate::api::checked_framing(&input, w, h) {
                    Ok(checked) => framing.crops = checked.crops,
                    Err(_) => return Err(Redirect::to("/newsroom/media?error=crop").into_response()),
                }
            }
            if framing != old {
                st.store.set_framing(m.id, &framing).map_err(failure)?;
            }
            st.store
                .audit(Some(me.user.id), me.actor(), "media.update", Some(&m.file), None, st.now())
                .map_err(failure)?;
        }
        Ok(r)
    })
    .await;
    match done {
        Err(resp) => resp,
        Ok(Ok(_)) => Redirect::to("/newsroom/media?notice=saved").into_response(),
        Ok(Err(newsdesk_store::StoreError::NotFound { .. })) => {
            super::refuse(Error::NotFound("picture in the library".into()))
        }
        Ok(Err(e)) => failure(e),
    }
}

/// `POST /newsroom/media/{id}/delete`: takes a picture out of the library and removes its file,
/// unless a published or scheduled story shows it (the refusal names them).
pub async fn delete(
    State(state): State<AppState>,
    Extension(me): Extension<Signed>,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> Response {
    let st = state.clone();
    let done = blocking(move || {
        let r = st.store.delete_media(id);
        if let Ok(m) = &r {
            // The entry is gone first: a crash between the two leaves a file no one lists, never
            // an entry whose file is missing.
            if let Err(e) = newsdesk_desk::pictures::remove_files(st.media.as_ref(), &m.file) {
                tracing::warn!(file = %m.file, error = %e, "cannot remove a deleted picture's files");
            }
            st.store
                .audit(Some(me.user.id), me.actor(), "media.delete", Some(&m.file), None, st.now())
                .map_err(failure)?;
        }
        Ok(r)
    })
    .await;
    match done {
        Err(resp) => resp,
        Ok(Ok(_)) => {
            state.catch_up().await;
            Redirect::to("/newsroom/media?notice=deleted").into_response()
        }
        Ok(Err(newsdesk_store::StoreError::NotFound { .. })) => {
            super::refuse(Error::NotFound("picture in the library".into()))
        }
        Ok(Err(newsdesk_store::StoreError::Conflict(why))) => {
            super::refuse(Error::Conflict(format!("Not deleted: {why}. Change those stories' pictures first.")))
        }
        Ok(Err(e)) => failure(e),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    pub(crate) use newsdesk_ingest::image::tiny_png;
}
