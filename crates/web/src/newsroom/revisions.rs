//! Revisions of a story: the list, a word diff of any two (body and every field), and restore.

use crate::Error;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use newsdesk_core::{Article, ArticleId, Role, diff};
use newsdesk_store::{AuditLine, SaveError, StoreError, StoryEdit};
use serde::Deserialize;

use super::form::local_time;
use super::stories::load;
use super::views::{render, ser};
use super::{Signed, blocking, failure, refuse};
use crate::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct CompareQuery {
    from: Option<i64>,
    to: Option<i64>,
}

pub async fn revisions(
    State(state): State<AppState>,
    Extension(me): Extension<Signed>,
    Path(id): Path<i64>,
    Query(q): Query<CompareQuery>,
) -> Result<Response, Response> {
    let story = load(&state, &me, id).await?;
    let st = state.clone();
    let revisions = blocking(move || st.store.revisions(ArticleId(id)).map_err(failure)).await?;
    let current = story.revision;
    let to = q.to.unwrap_or(current);
    let from = q.from.unwrap_or_else(|| {
        revisions.iter().filter(|r| r.applied && r.number < to).map(|r| r.number).max().unwrap_or(to)
    });
    let find = |n: i64| revisions.iter().find(|r| r.number == n);
    let diff = match (find(from), find(to)) {
        (Some(a), Some(b)) => Some(diff::articles(&a.article, &b.article, &state.site.time_zone)),
        _ => None,
    };
    let tz = &state.site.time_zone;
    // People by name, not by the e-mail address revisions keep ("x@y (restored revision 3)").
    let st = state.clone();
    let people = blocking(move || st.store.users().map_err(failure)).await.unwrap_or_default();
    let who = |actor: &str| -> String {
        let (email, rest) = actor.split_once(' ').map_or((actor, ""), |(e, r)| (e, r));
        match people.iter().find(|u| u.email == email) {
            Some(u) if rest.is_empty() => u.name.clone(),
            Some(u) => format!("{} {rest}", u.name),
            None => actor.to_string(),
        }
    };
    let rows: Vec<_> = revisions
        .iter()
        .map(|r| {
            context! { number => r.number, at => local_time(r.created_at, tz), actor => who(&r.actor), applied => r.applied,
                       state => r.article.state.as_str().replace('_', " "), headline => r.article.headline.clone() }
        })
        .collect();
    let diff = diff.map(|fields| {
        fields
            .into_iter()
            .map(|f| context! { field => f.field, label => field_label(f.field), pieces => ser(&f.pieces) })
            .collect::<Vec<_>>()
    });
    Ok(render(
        "revisions.html",
        context! { me => ser(&me.user), csrf => &me.csrf, id, headline => story.article.headline, revisions => rows,
        from, to, diff, current, can_restore => me.user.role >= Role::Editor, tz => tz.iana_name().unwrap_or("UTC") },
    ))
}

/// What the editor calls a field the diff names.
fn field_label(field: &str) -> &'static str {
    match field {
        "headline" => "Headline",
        "deck" => "Deck",
        "section" => "Section",
        "slug" => "Slug (the address)",
        "byline" => "Byline",
        "tags" => "Tags",
        "credit" => "Wire-source credit",
        "embargo" => "Embargo",
        "published" => "Publication time",
        "state" => "Workflow state",
        "language" => "Language",
        "canonical_url" => "Canonical URL",
        "image" => "Lead picture",
        "image_alt" => "Lead picture's alt text",
        "image_caption" => "Lead picture's caption",
        "image_credit" => "Lead picture's credit",
        "seo_title" => "Search title",
        "seo_description" => "Search description",
        "social_title" => "Social title",
        "social_image" => "Social picture",
        "body" => "Body",
        "corrections" => "Corrections",
        _ => "Other",
    }
}

#[derive(Debug, Deserialize)]
pub struct RestoreForm {
    revision: i64,
}

pub async fn restore(
    State(state): State<AppState>,
    Extension(me): Extension<Signed>,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<RestoreForm>,
) -> Result<Response, Response> {
    let story = load(&state, &me, id).await?;
    let st = state.clone();
    let who = me.clone();
    let done = blocking(move || {
        let now = st.now();
        let old = match st.store.revision(ArticleId(id), form.revision) {
            Ok(a) => a,
            Err(e @ StoreError::NotFound { .. }) => return Ok(Err(Error::from(e))),
            Err(e) => return Err(failure(e)),
        };
        // Content comes back; the workflow state, dates and corrections stay as they are now.
        let now_article = &story.article;
        let restored = Article {
            id: now_article.id,
            state: now_article.state,
            published_at: now_article.published_at,
            updated_at: now_article.updated_at,
            corrections: now_article.corrections.clone(),
            ..old
        };
        let actor = format!("{} (restored revision {})", who.actor(), form.revision);
        let audit = AuditLine { user: who.user.id, name: who.actor(), action: "story.restore", via: "newsroom" };
        let edit = StoryEdit {
            audit: Some(audit),
            ..StoryEdit::plain(&restored, story.desk.as_deref(), story.revision, &actor)
        };
        match st.store.save_story(&edit, now) {
            Ok(_) => {}
            Err(SaveError::Conflict { .. }) => {
                return Ok(Err(Error::Conflict("Someone saved the story meanwhile; look again and retry.".into())));
            }
            Err(e) => return Err(failure(e)),
        }
        Ok(Ok(()))
    })
    .await;
    Ok(match done {
        Err(resp) => resp,
        Ok(Err(e)) => refuse(e),
        Ok(Ok(())) => {
            state.catch_up().await;
            Redirect::to(&format!("/newsroom/stories/{id}?notice=restored")).into_response()
        }
    })
}
