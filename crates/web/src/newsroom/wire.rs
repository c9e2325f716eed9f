//! The wire queue: items that came in with `--to-queue`, `POST /api/ingest?queue=1` or from a
//! polled source, one row per story (the same story from several agencies, or a light rewrite,
//! grouped under its newest item), with filters and each source's status; "Take" turns an item
//! into a draft that keeps the agency's credit and a link to the item.

use crate::Error;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
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
    #[serde(default)]
    notice: String,
}

pub async fn queue(
    State(state): State<AppState>,
    Extension(me): Extension<Signed>,
    Query(q): Query<WireQuery>,
) -> Result<Response, Response> {
    let st = state.clone();
    let (query, source) = (q.q.clone(), q.source.clone());
    let loaded = blocking(move || {
        let all = st.store.wire_items(None, None, 1000).map_err(failure)?;
        let source = Some(source).filter(|s| !s.is_empty());
        let items = st.store.wire_items(source.as_deref(), Some(&query), 300).map_err(failure)?;
        let sources = st.store.feed_sources().map_err(failure)?;
        Ok((all, items, sources))
    })
    .await;
    let (all, items, feeds) = loaded?;
    let mut agencies: Vec<String> = all.iter().filter_map(|w| w.source.clone()).collect();
    agencies.sort();
    agencies.dedup();
    let tz = &state.site.time_zone;
    let row = |w: &newsdesk_store::WireItem| {
        context! { id => w.id, source => w.source.clone(), headline => w.headline.clone(), language => w.language.clone(),
        received => local_time(w.received_at, tz), taken_article_id => w.taken_article_id, urgency => w.urgency,
        format => w.format.clone(), version => w.version.clone(), redeliveries => w.redeliveries }
    };
    // One row per story: the newest item of each near-duplicate group leads, the others follow.
    let mut groups: Vec<(i64, Vec<&newsdesk_store::WireItem>)> = vec![];
    for w in &items {
        match groups.iter_mut().find(|(c, _)| *c == w.cluster) {
            Some((_, members)) => members.push(w),
            None => groups.push((w.cluster, vec![w])),
        }
    }
    let groups: Vec<_> = groups
        .iter()
        .map(|(_, members)| context! { lead => row(members[0]), others => members[1..].iter().map(|w| row(w)).collect::<Vec<_>>() })
        .collect();
    let sources: Vec<_> = feeds
        .iter()
        .map(|s| {
            context! { id => s.id, name => s.name.clone(), url => s.url.clone(), every => s.every_secs,
            polled => s.last_polled_at.map(|t| local_time(t, tz)), next => local_time(s.next_poll_at, tz),
            status => s.last_status.clone(), error => s.last_error.clone(), failures => s.failures,
            items => s.items_total, publish => s.publish }
        })
        .collect();
    let notice =
        (q.notice == "polling").then_some("The source will be polled within a second; reload to see what it found.");
    Ok(render(
        "wire.html",
        context! { me => ser(&me.user), csrf => &me.csrf, groups, sources, agencies, q => q.q, source => q.source, notice },
    ))
}

pub async fn take(State(state): State<AppState>, Extension(me): Extension<Signed>, Path(id): Path<i64>) -> Response {
    let st = state.clone();
    let who = me.clone();
    let taken = blocking(move || {
        let now = st.now();
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
            Err(StoreError::NotFound { .. }) => Ok(None),
            Err(e) => Err(failure(e)),
        }
    })
    .await;
    match taken {
        Err(resp) => resp,
        Ok(None) => refuse(Error::NotFound("wire item".into())),
        Ok(Some(out)) => Redirect::to(&format!("/newsroom/stories/{}?notice=created", out.id.0)).into_response(),
    }
}

/// `GET /newsroom/wire/{id}`: a wire item read whole before anyone takes it: its text, urgency,
/// length, agency, version, and the other agencies' versions of the same story.
pub async fn item(
    State(state): State<AppState>,
    Extension(me): Extension<Signed>,
    Path(id): Path<i64>,
) -> Result<Response, Response> {
    let st = state.clone();
    let found = blocking(move || st.store.wire_item(id).map_err(failure)).await?;
    let Some((item, article, others)) = found else {
        return Ok(refuse(Error::NotFound("wire item".into())));
    };
    // Once taken, the draft's agency picture is fetched (the wire photo job): say how it went.
    let picture = match item.taken_article_id {
        Some(story) => {
            let st = state.clone();
            let refs = blocking(move || st.store.media_refs(story).map_err(failure)).await?;
            refs.into_iter().find(|r| r.role == "lead").map(|r| match (r.media_id, r.last_error) {
                (Some(_), _) => "fetched into the media library".to_string(),
                (None, Some(e)) => format!("not fetched after {} attempt(s): {e}; tried again later", r.attempts),
                (None, None) => "being fetched".to_string(),
            })
        }
        None => None,
    };
    let tz = &state.site.time_zone;
    let words = article.word_count();
    let other_rows: Vec<_> = others
        .iter()
        .map(|w| {
            context! { id => w.id, source => w.source.clone(), headline => w.headline.clone(),
            received => local_time(w.received_at, tz), version => w.version.clone(), taken_article_id => w.taken_article_id }
        })
        .collect();
    Ok(render(
        "wire_item.html",
        context! {
            me => ser(&me.user), csrf => &me.csrf, tz => tz.iana_name().unwrap_or("UTC"),
            item => context! { id => item.id, source => item.source.clone(), external_id => item.external_id.clone(),
                received => local_time(item.received_at, tz), version => item.version.clone(), format => item.format.clone(),
                urgency => item.urgency, language => item.language.clone(), taken_article_id => item.taken_article_id,
                redeliveries => item.redeliveries },
            article => ser(&article), words, minutes => article.reading_minutes(), others => other_rows,
            embargo => article.embargo.map(|t| local_time(t, tz)), picture,
        },
    ))
}
