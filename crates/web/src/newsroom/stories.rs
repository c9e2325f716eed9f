//! The story editor (every field and the block body), saving with optimistic locking,
//! workflow actions and the preview. The soft lock is in `locks`, revisions in `revisions`.

use crate::Error;
use std::collections::BTreeMap;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Json, Redirect, Response};
use minijinja::context;
use newsdesk_core::article::Section;
use newsdesk_core::{Action, Article, ArticleId, Role, Slug, WorkflowState};
use newsdesk_store::{ActionInput, AuditLine, SaveError, StoreError, Story, StoryEdit, StoryMeta};
use serde::Deserialize;

use super::form::{BlockForm, Errors, StoryForm, clean, kinds, local_time, parse_ids, parse_local};
use super::views::{render_status, ser};
use super::{Signed, blocking, can_edit, can_open, failure, refuse, refuse_noting};
use crate::AppState;

/// The editor's fields as typed, so a refused form comes back with everything kept.
/// Everything the editor page shows around the form.
struct EditorPage<'a> {
    me: &'a Signed,
    story: Option<&'a Story>,
    form: StoryForm,
    errors: Errors,
    conflict: Option<String>,
    notice: Option<String>,
    others: Vec<String>,
}

/// The story page (the editor), or the refusal when what it shows cannot be read.
async fn editor(state: &AppState, page: EditorPage<'_>, status: StatusCode) -> Response {
    editor_page(state, page, status).await.unwrap_or_else(|refused| refused)
}

async fn editor_page(state: &AppState, page: EditorPage<'_>, status: StatusCode) -> Result<Response, Response> {
    let st = state.clone();
    let loaded = blocking(move || {
        let sections = st.store.section_names().map_err(failure)?;
        let media = st.store.media_list(200, 0).map_err(failure)?;
        Ok((sections, media))
    })
    .await;
    let (sections, media) = loaded?;
    let tz = &state.site.time_zone;
    let me = page.me;
    let (editable, actions, story_ctx, corrections) = match page.story {
        None => (true, vec![], None, vec![]),
        Some(s) => {
            let a = &s.article;
            let mine = s.owner_id == Some(me.user.id);
            let actions: Vec<_> = if mine || me.user.role >= Role::Editor {
                a.state
                    .actions_for(me.user.role)
                    .into_iter()
                    .map(|a| context! { name => a.as_str(), label => a.label(), confirm => confirmation(a), needs => needs(a) })
                    .collect()
            } else {
                vec![]
            };
            let live = a.is_live(state.now());
            let owner = match s.owner_id {
                Some(id) if id == me.user.id => Some(me.user.name.clone()),
                Some(id) => state.store.user(id).ok().map(|u| u.name),
                None => None,
            };
            let corrections: Vec<_> =
                a.corrections.iter().map(|c| context! { at => local_time(c.at, tz), note => c.note.clone() }).collect();
            (
                can_edit(&me.user, s.owner_id, a.state),
                actions,
                Some(context! {
                    id => a.id.map(|i| i.0), state => a.state.as_str(), revision => s.revision, owner,
                    live_url => live.then(|| a.path()), based_on => a.based_on.clone(),
                    scheduled => a.published_at.filter(|_| a.state == WorkflowState::Scheduled).map(|t| local_time(t, tz)),
                }),
                corrections,
            )
        }
    };
    let kind_labels: BTreeMap<&str, &str> = kinds().into_iter().collect();
    Ok(render_status(
        status,
        "editor.html",
        context! {
            me => ser(&me.user), csrf => &me.csrf, story => story_ctx, form => ser(&page.form), errors => ser(&page.errors),
            conflict => page.conflict, notice => page.notice, others => page.others, editable, actions,
            corrections, sections => ser(&sections), media => ser(&media), kinds => ser(&kinds()), kind_labels => ser(&kind_labels), tz => tz.iana_name().unwrap_or("UTC"), seo_title_max => super::form::SEO_TITLE_MAX, seo_description_max => super::form::SEO_DESCRIPTION_MAX,
            can_history => me.user.role >= Role::Reporter,
        },
    ))
}

/// `GET /newsroom/stories/new[?section=…]`: a blank story in the given section, else the
/// site's first, so that autosave can keep it from the first words (a story needs a section).
pub async fn new_form(
    State(state): State<AppState>,
    Extension(me): Extension<Signed>,
    Query(q): Query<NewQuery>,
) -> Result<Response, Response> {
    let section = match q.section.map(|s| clean(&s)).filter(|s| !s.is_empty()) {
        Some(s) => s,
        None => {
            let store = state.store.clone();
            let names = blocking(move || store.section_names().map_err(failure)).await?;
            names.into_iter().next().map(|s| s.name).unwrap_or_else(|| "News".into())
        }
    };
    let form = StoryForm {
        section,
        language: state.site.language.clone(),
        blocks: vec![BlockForm::new("paragraph")],
        ..Default::default()
    };
    let page =
        EditorPage { me: &me, story: None, form, errors: Errors::new(), conflict: None, notice: None, others: vec![] };
    Ok(editor(&state, page, StatusCode::OK).await)
}

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    section: Option<String>,
}

/// What the story page asks before an action readers would notice at once.
fn confirmation(action: Action) -> Option<&'static str> {
    match action {
        Action::Publish => Some("Publish this story now? Readers will see it at once."),
        Action::Update => Some("Publish this update now? Readers will see the changes at once."),
        Action::Unpublish => Some("Unpublish this story? It disappears from the site, feeds and search."),
        Action::Spike => Some("Spike this story? It leaves the workflow and can no longer be edited."),
        _ => None,
    }
}

/// The field an action cannot do without (checked in the page before posting, and by the store).
fn needs(action: Action) -> Option<&'static str> {
    match action {
        Action::Schedule => Some("schedule-at"),
        Action::Correct => Some("correction-note"),
        _ => None,
    }
}

/// Reads a posted story form and checks it against `base` (pictures must be in the library).
async fn check_form(
    state: &AppState,
    body: &[u8],
    base: Article,
) -> Result<(StoryForm, Result<Article, Errors>), Response> {
    let mut form = StoryForm::parse(body);
    let tz = state.site.time_zone.clone();
    let store = state.store.clone();
    blocking(move || {
        let media = |file: &str| store.media_by_file(file).ok().flatten().is_some();
        let result = form.check_into_article(&base, &tz, &media);
        Ok((form, result))
    })
    .await
}

/// `POST /newsroom/stories`: the New story form, by its Save button, or by autosave from the
/// first keystroke (a JSON answer: the new story's id and revision, and the page then goes on
/// autosaving it as an existing story).
pub async fn create(
    State(state): State<AppState>,
    Extension(me): Extension<Signed>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Response> {
    let json = wants_json(&headers);
    let (form, result) = check_form(&state, &body, blank_article(&state)).await?;
    let article = match result {
        Ok(a) => a,
        Err(errors) if json => {
            let first = errors.values().next().cloned().unwrap_or_default();
            let body = serde_json::json!({ "error": format!("Not saved yet: {first}"), "fields": errors });
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response());
        }
        Err(errors) => {
            let page = EditorPage { me: &me, story: None, form, errors, conflict: None, notice: None, others: vec![] };
            return Ok(editor(&state, page, StatusCode::UNPROCESSABLE_ENTITY).await);
        }
    };
    let st = state.clone();
    let who = me.clone();
    let desk = Some(clean(&form.desk)).filter(|d| !d.is_empty());
    let made = blocking(move || {
        let now = st.now();
        let meta = StoryMeta { desk, owner: Some(who.user.id) };
        let out = st.store.create_story(&article, &meta, who.actor(), now).map_err(failure)?;
        let target = format!("story {}", out.id.0);
        st.store
            .audit(Some(who.user.id), who.actor(), "story.create", Some(&target), Some(&article.headline), now)
            .map_err(failure)?;
        Ok(out)
    })
    .await;
    Ok(match made {
        Err(resp) => resp,
        Ok(out) if json => {
            let id = out.id.0;
            let body =
                serde_json::json!({ "id": id, "revision": out.revision, "url": format!("/newsroom/stories/{id}") });
            (StatusCode::CREATED, Json(body)).into_response()
        }
        Ok(out) => Redirect::to(&format!("/newsroom/stories/{}?notice=created", out.id.0)).into_response(),
    })
}

pub(crate) fn blank_article(state: &AppState) -> Article {
    Article {
        id: None,
        section: Section::from_label("News").expect("constant section name"),
        slug: Slug::parse("untitled").expect("constant slug"),
        headline: String::new(),
        deck: None,
        lead_image: None,
        body: vec![],
        source: None,
        authors: vec![],
        tags: vec![],
        language: state.site.language.clone(),
        canonical_url: None,
        state: WorkflowState::Draft,
        published_at: None,
        updated_at: None,
        embargo: None,
        based_on: None,
        corrections: vec![],
        promo: Default::default(),
    }
}

/// Loads a story that `me` may open, or the refusal.
pub(super) async fn load(state: &AppState, me: &Signed, id: i64) -> Result<Story, Response> {
    let st = state.clone();
    let story = blocking(move || match st.store.story(ArticleId(id)) {
        Ok(s) => Ok(Some(s)),
        Err(StoreError::NotFound { .. }) => Ok(None),
        Err(e) => Err(failure(e)),
    })
    .await?;
    match story {
        None => Err(refuse(Error::NotFound("story".into()))),
        Some(s) if !can_open(&me.user, s.owner_id) => {
            Err(refuse(Error::Forbidden("This story is not yours to open.".into())))
        }
        Some(s) => Ok(s),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct EditQuery {
    notice: Option<String>,
}

pub async fn edit_form(
    State(state): State<AppState>,
    Extension(me): Extension<Signed>,
    Path(id): Path<i64>,
    Query(q): Query<EditQuery>,
) -> Result<Response, Response> {
    let story = load(&state, &me, id).await?;
    let notice = q.notice.as_deref().map(|n| match n {
        "created" => "Story created.".to_string(),
        "saved" => "Saved.".to_string(),
        "restored" => "Revision restored.".to_string(),
        other => match Action::parse(other) {
            Some(a) => format!("Done: {}.", a.label()),
            None => String::new(),
        },
    });
    let form = StoryForm::from_story(&story, &state.site.time_zone);
    let page = EditorPage {
        me: &me,
        story: Some(&story),
        form,
        errors: Errors::new(),
        conflict: None,
        notice,
        others: vec![],
    };
    Ok(editor(&state, page, StatusCode::OK).await)
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("application/json"))
}

pub async fn save(
    State(state): State<AppState>,
    Extension(me): Extension<Signed>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Response> {
    let json = wants_json(&headers);
    let story = load(&state, &me, id).await?;
    if !can_edit(&me.user, story.owner_id, story.article.state) {
        return Ok(refuse(Error::Forbidden("You may not change this story in its current state.".into())));
    }
    Ok(match save_form(&state, &me, &story, &body, json).await {
        Err(resp) => resp,
        Ok(out) if json => Json(serde_json::json!({ "revision": out.revision, "status": out.status })).into_response(),
        Ok(_) => Redirect::to(&format!("/newsroom/stories/{id}?notice=saved")).into_response(),
    })
}

/// Does a posted body carry the story form (and not only a workflow action)? The story page's
/// workflow buttons post the whole form; a form whose fields are disabled (a story the user may
/// not change) sends none of them.
fn carries_story_form(body: &[u8]) -> bool {
    form_urlencoded::parse(body).any(|(k, _)| k == "headline")
}

/// Saves the story form posted in `body` through the revision check: the outcome, or the page to
/// show instead (the form with its field errors, or the conflict with both versions kept). The
/// newsroom's Save button, autosave and every workflow button come through here.
async fn save_form(
    state: &AppState,
    me: &Signed,
    story: &Story,
    body: &[u8],
    json: bool,
) -> Result<newsdesk_store::SaveOutcome, Response> {
    let id = story.article.id.map_or(0, |i| i.0);
    let (form, result) = check_form(state, body, story.article.clone()).await?;
    let page = |form, errors, conflict| EditorPage {
        me,
        story: Some(story),
        form,
        errors,
        conflict,
        notice: None,
        others: vec![],
    };
    let article = match result {
        Ok(a) => a,
        Err(errors) if json => {
            let first = errors.iter().next().map(|(f, m)| format!("{f}: {m}")).unwrap_or_default();
            return Err((
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(serde_json::json!({ "error": format!("Not saved: {first}"), "fields": errors })),
            )
                .into_response());
        }
        Err(errors) => return Err(editor(state, page(form, errors, None), StatusCode::UNPROCESSABLE_ENTITY).await),
    };
    let ids = parse_ids(&form.recommended_pins)
        .map_err(|e| ("recommended_pins", e))
        .and_then(|p| parse_ids(&form.recommended_excludes).map(|x| (p, x)).map_err(|e| ("recommended_excludes", e)));
    let (pins, excludes) = match ids {
        Ok(x) => x,
        Err((field, e)) => {
            let errors = Errors::from([(field, e)]);
            return Err(editor(state, page(form, errors, None), StatusCode::UNPROCESSABLE_ENTITY).await);
        }
    };
    let st = state.clone();
    let who = me.clone();
    let desk = Some(clean(&form.desk)).filter(|d| !d.is_empty());
    let expected = form.revision;
    let saved = blocking(move || {
        // The story, the editors' Recommended choices (every id a story, or nothing is saved),
        // its revision and the audit line, in one transaction.
        let edit = StoryEdit {
            recommended: Some((&pins, &excludes)),
            audit: Some(AuditLine { user: who.user.id, name: who.actor(), action: "story.save", via: "newsroom" }),
            ..StoryEdit::plain(&article, desk.as_deref(), expected, who.actor())
        };
        Ok::<_, Response>(st.store.save_story(&edit, st.now()))
    })
    .await?;
    match saved {
        Ok(out) => {
            // This node shows the change at once; other nodes follow the event log.
            state.catch_up().await;
            Ok(out)
        }
        Err(SaveError::Conflict { expected, current, by, kept }) => {
            let msg = format!(
                "Not applied: {by} saved this story (revision {current}) while you were editing revision {expected}. \
                 Your version is kept as revision {kept}; compare them under Revisions and restore what you need."
            );
            if json {
                return Err((StatusCode::CONFLICT, Json(serde_json::json!({ "error": msg }))).into_response());
            }
            let fresh = load(state, me, id).await?;
            let form = StoryForm::from_story(&fresh, &state.site.time_zone);
            let page = EditorPage {
                me,
                story: Some(&fresh),
                form,
                errors: Errors::new(),
                conflict: Some(msg),
                notice: None,
                others: vec![],
            };
            Err(editor(state, page, StatusCode::CONFLICT).await)
        }
        Err(SaveError::Store(e @ StoreError::NotFound { kind: newsdesk_store::Missing::Story, .. })) => {
            let what = e.missing().unwrap_or_default();
            let errors = Errors::from([("recommended_pins", format!("There is no {what}; nothing was saved."))]);
            Err(editor(state, page(form, errors, None), StatusCode::UNPROCESSABLE_ENTITY).await)
        }
        Err(e) => Err(failure(e)),
    }
}

/// A workflow action, as the story page's buttons post it: the action, its time or note, and
/// (when the user may change the story) the whole story form, which is saved first.
#[derive(Debug, Default)]
struct ActionForm {
    action: String,
    at: String,
    note: String,
}

impl ActionForm {
    fn parse(body: &[u8]) -> ActionForm {
        let mut f = ActionForm::default();
        for (k, v) in form_urlencoded::parse(body) {
            match k.as_ref() {
                "action" => f.action = v.into_owned(),
                "at" => f.at = v.into_owned(),
                "note" => f.note = v.into_owned(),
                _ => {}
            }
        }
        f
    }
}

/// `POST /newsroom/stories/{id}/action`. When the post carries the story form, what was typed is
/// saved first through the same revision check as Save; if it cannot be saved (a field error, a
/// conflict) the action is not taken and the form comes back as typed. Nothing typed is lost.
pub async fn action(
    State(state): State<AppState>,
    Extension(me): Extension<Signed>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, Response> {
    let form = ActionForm::parse(&body);
    let Some(action) = Action::parse(&form.action) else {
        return Ok(refuse(Error::field("action", format!("there is no workflow action {:?}", form.action))));
    };
    let story = load(&state, &me, id).await?;
    // Outside the desk, people act only on their own stories; the transition table does the rest.
    if me.user.role < Role::Editor && story.owner_id != Some(me.user.id) {
        return Ok(refuse(Error::Forbidden("Only the desk may move other people's stories.".into())));
    }
    let mut saved = None;
    if carries_story_form(&body) {
        if !can_edit(&me.user, story.owner_id, story.article.state) {
            let msg = "You may not change this story in its current state, so nothing was done. \
                       What you typed is below; copy what you need.";
            let (typed, _) = check_form(&state, &body, story.article.clone()).await?;
            let page = EditorPage {
                me: &me,
                story: Some(&story),
                form: typed,
                errors: Errors::new(),
                conflict: Some(msg.into()),
                notice: None,
                others: vec![],
            };
            return Ok(editor(&state, page, StatusCode::FORBIDDEN).await);
        }
        saved = Some(save_form(&state, &me, &story, &body, false).await?)
    }
    // A refused action after a save says that the changes were kept.
    let kept = match &saved {
        Some(out) if out.status == newsdesk_store::SaveStatus::Updated => {
            format!(" Your changes were saved as revision {}.", out.revision)
        }
        _ => String::new(),
    };
    // The page posts every action's inputs; each action reads only its own.
    let at = match form.at.trim() {
        _ if action != Action::Schedule => None,
        "" => None,
        s => match parse_local(s, &state.site.time_zone) {
            Ok(t) => Some(t),
            Err(e) => {
                return Ok(refuse_noting(Error::field("publication time", e.to_string()), &kept));
            }
        },
    };
    let st = state.clone();
    let who = me.clone();
    let done = blocking(move || {
        let now = st.now();
        let note = (action == Action::Correct).then_some(form.note.as_str());
        let input = ActionInput { at, note };
        let r = st.store.apply_action(ArticleId(id), action, who.user.role, input, who.actor(), now);
        if r.is_ok() {
            let detail = at.map(|t| format!("at {t}")).or_else(|| note.map(str::to_string).filter(|n| !n.is_empty()));
            st.store
                .audit(
                    Some(who.user.id),
                    who.actor(),
                    &format!("story.{}", action.as_str()),
                    Some(&format!("story {id}")),
                    detail.as_deref(),
                    now,
                )
                .map_err(failure)?;
        }
        Ok(r)
    })
    .await;
    Ok(match done {
        Err(resp) => resp,
        Ok(Ok(_)) => {
            state.catch_up().await;
            Redirect::to(&format!("/newsroom/stories/{id}?notice={}", action.as_str())).into_response()
        }
        // A workflow refusal (403 or 409), a store conflict (409) or a failure (500), with what
        // became of the form's unsaved changes.
        Ok(Err(e)) => refuse_noting(Error::from_action(action, e), &kept),
    })
}

pub async fn preview(
    State(state): State<AppState>,
    Extension(me): Extension<Signed>,
    Path(id): Path<i64>,
) -> Result<Response, Response> {
    let story = load(&state, &me, id).await?;
    let st = state.clone();
    let mut article = story.article;
    // The preview shows the story as it will look when it goes out.
    if article.published_at.is_none() {
        article.published_at = Some(st.now());
    }
    Ok(match blocking(move || crate::pages::preview_page(&st, article).map_err(failure)).await {
        Err(resp) => resp,
        Ok(rendered) => {
            let mut resp =
                (StatusCode::OK, [(header::CONTENT_TYPE, rendered.content_type)], rendered.body).into_response();
            resp.headers_mut().insert("x-robots-tag", HeaderValue::from_static("noindex, nofollow"));
            resp
        }
    })
}
