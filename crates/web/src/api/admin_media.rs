//! The Admin API's pictures: one picture with what its own metadata said, its framing and its
//! renditions (`GET /api/v1/admin/media/{file}`), and the framing an editor sets
//! (`PUT /api/v1/admin/media/{file}/framing`): a focal point, and crops set by hand. A new framing
//! makes the picture's renditions again, in the background; pages keep the old ones until then.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use newsdesk_core::Role;
use newsdesk_core::picture::{self, Crop, Focus, Framing, Rect};
use newsdesk_store::Media;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::admin::{parse_json, respond, run, user_of};
use super::problem::Problem;
use crate::{AppState, Error};

/// A media file's name in a path.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct MediaFile {
    /// As `POST /api/v1/admin/media` answered it (`file`).
    #[param(pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length = 200)]
    file: String,
}

/// Where a picture's subject is, as fractions of its width and height from the top left.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FocusIo {
    #[schema(minimum = 0, maximum = 1)]
    pub x: f64,
    #[schema(minimum = 0, maximum = 1)]
    pub y: f64,
}

/// A rectangle of the upright picture, in pixels.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RectIo {
    #[schema(minimum = 0)]
    pub x: u32,
    #[schema(minimum = 0)]
    pub y: u32,
    #[schema(minimum = 1)]
    pub w: u32,
    #[schema(minimum = 1)]
    pub h: u32,
}

/// How a picture is cut: its focal point, and crops set by hand by name (`16x9`, `4x3`, `1x1`,
/// `og` for the 1200×630 social preview); the others are cut around the focal point.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FramingIo {
    pub focus: FocusIo,
    #[serde(default)]
    pub crops: BTreeMap<String, RectIo>,
}

/// One rendition.
#[derive(Debug, Serialize, ToSchema)]
pub struct RenditionOut {
    /// `o` (the picture's own shape), `16x9`, `4x3`, `1x1` or `og`.
    pub crop: String,
    #[schema(minimum = 1)]
    pub width: u32,
    #[schema(minimum = 1)]
    pub height: u32,
    /// `image/webp`, `image/jpeg` or `image/png`.
    pub mime: String,
    #[schema(format = "uri")]
    pub url: String,
}

/// A picture with its metadata, framing and renditions.
#[derive(Debug, Serialize, ToSchema)]
pub struct PictureOut {
    pub file: String,
    #[schema(format = "uri")]
    pub url: String,
    pub mime: String,
    pub alt: String,
    pub caption: Option<String>,
    pub credit: Option<String>,
    /// Who made it and who holds its copyright, as the picture's own metadata said.
    pub creator: Option<String>,
    pub copyright: Option<String>,
    pub framing: FramingIo,
    /// Whether renditions for this framing are still being made (the list is then the previous
    /// framing's, or empty).
    pub pending: bool,
    pub renditions: Vec<RenditionOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PictureOne {
    pub data: PictureOut,
}

fn picture_out(st: &AppState, m: &Media) -> Result<PictureOut, Error> {
    let framing = st.store.framing(m.id)?;
    let made = st.store.pictures(&[m.file.as_str()])?.remove(&m.file);
    let mut renditions = vec![];
    if let Some(r) = &made {
        for crop in Crop::ALL {
            for (w, h) in picture::sizes(crop, r.width, r.height, &r.framing) {
                for (ext, mime) in r.formats() {
                    renditions.push(RenditionOut {
                        crop: crop.name().into(),
                        width: w,
                        height: h,
                        mime: mime.into(),
                        url: super::as_uri(&format!(
                            "{}/media/{}",
                            st.site.url,
                            picture::path(&m.file, &r.version, crop, w, ext)
                        )),
                    });
                }
            }
        }
    }
    let renderable = matches!(m.mime.as_str(), "image/jpeg" | "image/png" | "image/gif" | "image/webp");
    Ok(PictureOut {
        url: super::as_uri(&format!("{}/media/{}", st.site.url, m.file)),
        file: m.file.clone(),
        mime: m.mime.clone(),
        alt: m.alt.clone(),
        caption: m.caption.clone(),
        credit: m.credit.clone(),
        creator: m.creator.clone(),
        copyright: m.copyright.clone(),
        pending: renderable && made.as_ref().is_none_or(|r| r.version != picture::version(&framing)),
        framing: FramingIo {
            focus: FocusIo { x: framing.focus.x, y: framing.focus.y },
            crops: framing
                .crops
                .iter()
                .map(|(c, r)| (c.name().to_string(), RectIo { x: r.x, y: r.y, w: r.w, h: r.h }))
                .collect(),
        },
        renditions,
    })
}

fn media(st: &AppState, file: &str) -> Result<Media, Error> {
    st.store.media_by_file(file)?.ok_or_else(|| Error::NotFound(format!("picture {file}")))
}

/// A picture: its metadata, framing and renditions.
#[utoipa::path(get, path = "/api/v1/admin/media/{file}", operation_id = "adminGetMedia", tag = "admin",
    security(("adminToken" = [])), params(MediaFile),
    responses(
        (status = 200, description = "The picture.", body = PictureOne),
        (status = 404, description = "No such picture (code `not-found`).", body = Problem, content_type = "application/problem+json")))]
pub async fn get_one(State(state): State<AppState>, Path(file): Path<String>, headers: HeaderMap) -> Response {
    let result = async {
        user_of(&state, &headers).await?;
        let value = run(&state, move |st| {
            let m = media(st, &file)?;
            Ok(serde_json::to_value(PictureOne { data: picture_out(st, &m)? }).unwrap_or_default())
        })
        .await?;
        Ok::<_, Error>(respond(StatusCode::OK, value, None))
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

/// Sets a picture's focal point and hand-set crops; its renditions are made again.
#[utoipa::path(put, path = "/api/v1/admin/media/{file}/framing", operation_id = "adminSetMediaFraming", tag = "admin",
    security(("adminToken" = [])), params(MediaFile), request_body = FramingIo,
    responses(
        (status = 200, description = "The picture, its new renditions pending.", body = PictureOne),
        (status = 400, description = "The body is not JSON of the documented shape (code `invalid-document`).", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Contributors may not reframe pictures (code `forbidden`).", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such picture (code `not-found`).", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON (code `unsupported-media-type`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A focal point outside the picture, or a crop that is not one, does not fit it or has the wrong shape; `errors` names each (code `invalid-fields`).", body = Problem, content_type = "application/problem+json")))]
pub async fn set_framing(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = async {
        let user = user_of(&state, &headers).await?;
        if user.role < Role::Reporter {
            return Err(Error::Forbidden(format!("a {} may not reframe pictures", user.role.as_str())));
        }
        let input: FramingIo = parse_json(&headers, &body)?;
        let value = run(&state, move |st| {
            let m = media(st, &file)?;
            // The upright size: the renditions' when made (EXIF orientation applied), else the
            // stored header's.
            let (w, h) = match st.store.pictures(&[m.file.as_str()])?.get(&m.file) {
                Some(r) => (r.width, r.height),
                None => (m.width as u32, m.height as u32),
            };
            let framing = checked(&input, w, h)?;
            st.store.set_framing(m.id, &framing)?;
            st.store.audit(Some(user.id), &user.email, "media.framing", Some(&m.file), Some("admin api"), st.now())?;
            Ok(serde_json::to_value(PictureOne { data: picture_out(st, &m)? }).unwrap_or_default())
        })
        .await?;
        Ok::<_, Error>(respond(StatusCode::OK, value, None))
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

/// The framing as sent, checked against a `w`×`h` picture; every problem named by its field.
pub fn checked(input: &FramingIo, w: u32, h: u32) -> Result<Framing, Error> {
    let mut errors = BTreeMap::new();
    let focus = Focus::new(input.focus.x, input.focus.y);
    if focus.is_none() {
        errors.insert("focus".to_string(), "x and y are fractions of the picture, from 0 to 1".to_string());
    }
    let mut crops = BTreeMap::new();
    for (name, r) in &input.crops {
        let field = format!("crops.{name}");
        let Some(crop) = Crop::from_name(name).filter(|c| Crop::EDITABLE.contains(c)) else {
            errors.insert(field, "not a crop: 16x9, 4x3, 1x1 or og".into());
            continue;
        };
        let rect = Rect { x: r.x, y: r.y, w: r.w, h: r.h };
        if !rect.fits(w, h) {
            errors.insert(field, format!("does not fit the {w}×{h} picture"));
            continue;
        }
        if let Some((rw, rh)) = crop.ratio() {
            // Within a pixel of the shape, either way.
            let off = (i64::from(rect.w) * i64::from(rh) - i64::from(rect.h) * i64::from(rw)).abs();
            if off > i64::from(rw.max(rh)) {
                errors.insert(field, format!("is {}×{}, not {rw}:{rh}", rect.w, rect.h));
                continue;
            }
        }
        crops.insert(crop, rect);
    }
    if !errors.is_empty() {
        return Err(Error::InvalidFields(errors));
    }
    Ok(Framing { focus: focus.unwrap_or_default(), crops })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_framing_is_checked_field_by_field() {
        let good = FramingIo {
            focus: FocusIo { x: 0.25, y: 0.5 },
            crops: BTreeMap::from([("1x1".to_string(), RectIo { x: 100, y: 0, w: 900, h: 900 })]),
        };
        let f = checked(&good, 1600, 900).unwrap();
        assert_eq!(f.crops[&Crop::Square], Rect { x: 100, y: 0, w: 900, h: 900 });
        let bad = FramingIo {
            focus: FocusIo { x: 1.5, y: 0.5 },
            crops: BTreeMap::from([
                ("1x1".to_string(), RectIo { x: 0, y: 0, w: 900, h: 800 }),
                ("16x9".to_string(), RectIo { x: 1000, y: 0, w: 1600, h: 900 }),
                ("o".to_string(), RectIo { x: 0, y: 0, w: 10, h: 10 }),
            ]),
        };
        let Err(Error::InvalidFields(e)) = checked(&bad, 1600, 900) else { panic!() };
        assert_eq!(e.keys().collect::<Vec<_>>(), ["crops.16x9", "crops.1x1", "crops.o", "focus"]);
        assert!(e["crops.1x1"].contains("900×800, not 1:1"), "{e:?}");
        assert!(e["crops.16x9"].contains("does not fit"), "{e:?}");
    }
}
