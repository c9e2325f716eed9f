//! The wire queue: items that came in with `--to-queue` (or `POST /api/ingest?queue=1`), with
//! filters; "Take" turns one into a draft that keeps the agency's credit and a link to the item.

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use minijinja::context;
use newsdesk_store::StoreError;
use serde::Deserialize;

use super::form::local_time;
use super::views::{render, ser};
use super::{Signed, blocking, failure, refuse};
use crate::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct WireQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    source: String,
}

pub async fn queue(
    State(state): State<AppState>,
    Extension(me): Extension<Signed>,
    Query(q): Query<WireQuery>,
) -> Response {
    let st = state.clone();
    let (query, source) = (q.q.clone(), q.source.clone());
    let loaded = blocking(move || {
        let all = st.store.wire_items(None, None, 1000).map_err(failure)?;
        let source = Some(source).filter(|s| !s.is_empty());
        let items = st.store.wire_items(source.as_deref(), Some(&query), 300).map_err(failure)?;
        Ok((all, items))
    })
    .await;
    let (all, items) = match loaded {
        Ok(x) => x,
        Err(resp) => return resp,
    };
    let mut sources: Vec<String> = all.iter().filter_map(|w| w.source.clone()).collect();
    sources.sort();
    sources.dedup();
    let tz = &state.site.time_zone;
    let items: Vec<_> = items
        .iter()
        .map(|w| {
            context! { id => w.id, source => w.source.clone(), headline => w.headline.clone(), language => w.language.clone(),
                       received => local_time(w.received_at, tz), taken_article_id => w.taken_article_id }
        })
        .collect();
    render(
        "wire.html",
        context! { me => ser(&me.user), csrf => &me.csrf, items, sources, q => q.q, source => q.source },
    )
}

pub async fn take(State(state): State<AppState>, Extension(me): Extension<Signed>, Path(id): Path<i64>) -> Response {
    let st = state.clone();
    let who = me.clone();
    let taken = blocking(move || {
        let now = Timestamp::now();
        match st.store.take_wire_item(id, who.user.id, who.actor(), now) {
            Ok(out) => {
                st.store
                    .audit(
                        Some(who.user.id),
                        who.actor(),
                        "wire.take",
                        Some(&format!("wire item {id}")),
                        Some(&format!("story {}", out.id.0)),
                        now,
                    )
                    .map_err(failure)?;
                Ok(Some(out))
            }
            Err(StoreError::NotFound(_)) => Ok(None),
            Err(e) => Err(failure(e)),
        }
    })
    .await;
    match taken {
        Err(resp) => resp,
        Ok(None) => refuse(StatusCode::NOT_FOUND, "There is no such wire item."),
        Ok(Some(out)) => Redirect::to(&format!("/newsroom/stories/{}?notice=created", out.id.0)).into_response(),
    }
}
