//! Fronts and authors: editors pin and order the top stories of the home page and each
//! section front, and keep authors' bios and photos.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use newsdesk_store::StoreError;
use serde::Deserialize;

use super::form::parse_ids;
use super::views::{render_status, ser};
use super::{Signed, blocking, failure};
use crate::AppState;

async fn page(state: &AppState, me: &Signed, error: Option<String>, status: StatusCode) -> Response {
    let st = state.clone();
    let loaded = blocking(move || {
        let mut fronts = vec![("".to_string(), "Home page".to_string())];
        fronts.extend(st.store.section_names().map_err(failure)?.into_iter().map(|s| (s.slug, s.name)));
        let mut out = Vec::new();
        for (slug, name) in fronts {
            let ids = st.store.front_pin_ids(&slug).map_err(failure)?;
            let shown = st.store.front_pins(&slug).map_err(failure)?;
            let headlines: Vec<String> = shown.iter().map(|a| a.headline.clone()).collect();
            let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
            out.push(context! { slug, name, ids => ids.join(", "), headlines });
        }
        let authors = st.store.author_profiles().map_err(failure)?;
        let media = st.store.media_list(200, 0).map_err(failure)?;
        Ok((out, authors, media))
    })
    .await;
    match loaded {
        Err(resp) => resp,
        Ok((fronts, authors, media)) => render_status(
            status,
            "fronts.html",
            context! { me => ser(&me.user), csrf => &me.csrf, fronts, authors => ser(&authors), media => ser(&media), error },
        ),
    }
}

/// After a change: back to the page (the reader site redrawn at once), or the page again with
/// what was refused.
async fn answer(state: &AppState, me: &Signed, done: Result<Result<(), String>, Response>, to: &str) -> Response {
    match done {
        Err(resp) => resp,
        Ok(Err(msg)) => page(state, me, Some(msg), StatusCode::UNPROCESSABLE_ENTITY).await,
        Ok(Ok(())) => {
            state.catch_up().await;
            Redirect::to(to).into_response()
        }
    }
}

pub async fn fronts(State(state): State<AppState>, Extension(me): Extension<Signed>) -> Response {
    page(&state, &me, None, StatusCode::OK).await
}

#[derive(Debug, Deserialize)]
pub struct PinForm {
    #[serde(default)]
    front: String,
    #[serde(default)]
    ids: String,
}

pub async fn set_pins(
    State(state): State<AppState>,
    Extension(me): Extension<Signed>,
    axum::Form(form): axum::Form<PinForm>,
) -> Response {
    let ids = match parse_ids(&form.ids) {
        Ok(ids) => ids,
        Err(e) => return page(&state, &me, Some(format!("Pins: {e}.")), StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    let st = state.clone();
    let who = me.clone();
    let front = form.front.trim().to_string();
    let done = blocking(move || {
        let known = front.is_empty() || st.store.section_names().map_err(failure)?.iter().any(|s| s.slug == front);
        if !known {
            return Ok(Err(format!("There is no front {front:?}.")));
        }
        let now = st.now();
        match st.store.set_front_pins(&front, &ids, now) {
            Ok(()) => {}
            Err(e @ StoreError::NotFound { .. }) => {
                return Ok(Err(format!("There is no {}; nothing was changed.", e.missing().unwrap_or_default())));
            }
            Err(e) => return Err(failure(e)),
        }
        let target = if front.is_empty() { "front home".to_string() } else { format!("front {front}") };
        let detail: Vec<String> = ids.iter().map(i64::to_string).collect();
        st.store
            .audit(Some(who.user.id), who.actor(), "front.pins", Some(&target), Some(&detail.join(",")), now)
            .map_err(failure)?;
        Ok(Ok(()))
    })
    .await;
    answer(&state, &me, done, "/newsroom/fronts").await
}

#[derive(Debug, Deserialize)]
pub struct AuthorForm {
    #[serde(default)]
    bio: String,
    #[serde(default)]
    photo: String,
}

pub async fn set_author(
    State(state): State<AppState>,
    Extension(me): Extension<Signed>,
    Path(slug): Path<String>,
    axum::Form(form): axum::Form<AuthorForm>,
) -> Response {
    let bio = super::form::clean(&form.bio);
    if bio.chars().count() > 1000 {
        return page(&state, &me, Some("Keep a bio under 1,000 characters.".into()), StatusCode::UNPROCESSABLE_ENTITY)
            .await;
    }
    let st = state.clone();
    let who = me.clone();
    let photo = form.photo.trim().to_string();
    let done = blocking(move || {
        if !photo.is_empty() && st.store.media_by_file(&photo).map_err(failure)?.is_none() {
            return Ok(Err("That photo is not in the media library.".to_string()));
        }
        let now = st.now();
        let bio = Some(bio.as_str()).filter(|b| !b.is_empty());
        let photo = Some(photo.as_str()).filter(|p| !p.is_empty());
        match st.store.set_author_profile(&slug, bio, photo, now) {
            Ok(()) => {}
            Err(e @ StoreError::NotFound { .. }) => {
                return Ok(Err(format!("There is no {}.", e.missing().unwrap_or_default())));
            }
            Err(e) => return Err(failure(e)),
        }
        st.store.audit(Some(who.user.id), who.actor(), "author.profile", Some(&slug), None, now).map_err(failure)?;
        Ok(Ok(()))
    })
    .await;
    answer(&state, &me, done, "/newsroom/fronts#authors").await
}
