//! The soft lock: who else has a story open. The story page beats every 20 s and sends a beacon
//! when it is left.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use jiff::SignedDuration;
use newsdesk_core::ArticleId;

use super::stories::load;
use super::{Signed, blocking, failure};
use crate::AppState;

/// How long a soft lock lasts without a heartbeat: the page beats every 20 s, so a tab that was
/// closed without saying so (a crash, a lost connection) stops showing after at most this long.
pub const LOCK_SECONDS: i64 = 45;

/// `POST /newsroom/stories/{id}/lock`: this user has the story open; answers who else has.
pub async fn lock(State(state): State<AppState>, Extension(me): Extension<Signed>, Path(id): Path<i64>) -> Response {
    if let Err(resp) = load(&state, &me, id).await {
        return resp;
    }
    let st = state.clone();
    let user = me.user.id;
    let others = blocking(move || {
        let now = st.now();
        st.store.touch_lock(ArticleId(id), user, now, now + SignedDuration::from_secs(LOCK_SECONDS)).map_err(failure)
    })
    .await;
    match others {
        Err(resp) => resp,
        Ok(others) => Json(serde_json::json!({ "others": others })).into_response(),
    }
}

/// `POST /newsroom/stories/{id}/unlock`: the page is being left (sent as a beacon), so this
/// user's lock ends now rather than when it runs out.
pub async fn unlock(State(state): State<AppState>, Extension(me): Extension<Signed>, Path(id): Path<i64>) -> Response {
    if let Err(resp) = load(&state, &me, id).await {
        return resp;
    }
    let st = state.clone();
    let user = me.user.id;
    match blocking(move || st.store.release_lock(ArticleId(id), user).map_err(failure)).await {
        Err(resp) => resp,
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
    }
}
