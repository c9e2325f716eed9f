//! The Admin API under `/api/v1/admin`: create and update stories, move them through the
//! workflow, upload media. A token per user (`newsdesk user token EMAIL`); the token acts with
//! that user's role, under exactly the newsroom's rules: the same checks as the editor form
//! (`core::input::ArticleInput`, read straight from the JSON, lists as lists), the same `can_open`/`can_edit` story rules and `core`'s transition table. Updates name
//! the revision they are based on (`If-Match`), so a stale write is refused and kept, never
//! applied over someone else's.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use newsdesk_core::{Action, ArticleId, Role, WorkflowState};
use newsdesk_store::{ActionInput, AuditLine, StoreError, Story, StoryEdit, StoryFilter, StoryMeta, User};
use serde_json::Value;

use newsdesk_desk::accounts::hash_key;

use super::admin_wire::{
    AdminListParams, CorrectionOut, LeadImageStored, MediaOne, MediaOut, StoryCreate, StoryId, StoryInput, StoryList,
    StoryOne, StoryOut, StoryRow, StoryWriteProblems, TransitionInput, UploadParams,
};
use super::wire::SectionRef;
use super::{Error, Problem, params};
use crate::AppState;
use crate::newsroom::form::{BlockForm, clean, parse_local};
use crate::newsroom::stories::blank_article;
use crate::newsroom::{can_edit, can_open, media};
use jiff::tz::TimeZone;
use newsdesk_core::Article;
use newsdesk_core::input::{ArticleInput, usable_media};

/// The least role each Admin API route needs (every signed user may call each; what they may do
/// to a given story is decided by the newsroom's story rules and the workflow table).
pub const ADMIN_POLICY: &[(&str, &str, Role)] = &[
    ("GET", "/api/v1/admin/articles", Role::Contributor),
    ("POST", "/api/v1/admin/articles", Role::Contributor),
    ("GET", "/api/v1/admin/articles/{id}", Role::Contributor),
    ("PATCH", "/api/v1/admin/articles/{id}", Role::Contributor),
    ("POST", "/api/v1/admin/articles/{id}/transitions", Role::Contributor),
    ("POST", "/api/v1/admin/media", Role::Contributor),
    ("GET", "/api/v1/admin/media/{file}", Role::Contributor),
    ("PUT", "/api/v1/admin/media/{file}/framing", Role::Reporter),
];

/// The user an Admin API token belongs to; spends one request of their budget.
pub(super) async fn user_of(state: &AppState, headers: &HeaderMap) -> Result<User, Error> {
    let hash = hash_key(super::bearer(headers)?);
    let (store, now) = (state.store.clone(), state.now());
    let user = tokio::task::spawn_blocking(move || store.user_by_token(&hash, now))
        .await
        .map_err(|e| Error::Internal(e.to_string()))??
        .ok_or(Error::Unauthorized)?;
    // Users' budgets are kept apart from Content API keys' (negative ids).
    state.api_limiter.check(-user.id)?;
    Ok(user)
}

pub(super) async fn run<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&AppState) -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    super::blocking(state, f).await
}

/// A story as the Admin API shows it: every field, its state and revision, and what the caller
/// may do next.
fn story_out(state: &AppState, story: &Story, user: &User) -> StoryOut {
    let a = &story.article;
    let mine = story.owner_id == Some(user.id);
    let actions = if mine || user.role >= Role::Editor { a.state.actions_for(user.role) } else { vec![] };
    let visible = a.is_live(state.now());
    let time = |t: Option<Timestamp>| t.map(|t| t.to_string());
    StoryOut {
        id: a.id.map_or(0, |i| i.0),
        revision: story.revision,
        state: a.state,
        url: visible.then(|| super::as_uri(&format!("{}{}", state.site.url, a.path()))),
        headline: a.headline.clone(),
        deck: a.deck.clone(),
        section: SectionRef { name: a.section.name.clone(), slug: a.section.slug.as_str().to_string() },
        slug: a.slug.as_str().to_string(),
        desk: story.desk.clone(),
        language: a.language.clone(),
        authors: a.authors.clone(),
        tags: a.tags.clone(),
        source: a.source.clone(),
        canonical_url: a.canonical_url.clone(),
        embargo: time(a.embargo),
        published_at: time(a.published_at),
        updated_at: time(a.updated_at),
        lead_image: a.lead_image.as_ref().map(|i| LeadImageStored {
            asset: i.asset.clone(),
            alt: i.alt.clone(),
            caption: i.caption.clone(),
            caption_marks: i.caption_marks.clone(),
            credit: i.credit.clone(),
        }),
        body: a.body.clone(),
        corrections: a
            .corrections
            .iter()
            .map(|c| CorrectionOut { at: c.at.to_string(), note: c.note.clone() })
            .collect(),
        based_on: a.based_on.clone(),
        seo_title: a.promo.seo_title.clone(),
        seo_description: a.promo.seo_description.clone(),
        social_title: a.promo.social_title.clone(),
        social_image: a.promo.social_image.clone(),
        owner_id: story.owner_id,
        can_edit: can_edit(user, story.owner_id, a.state),
        actions,
    }
}

fn story_one(state: &AppState, story: &Story, user: &User) -> Value {
    serde_json::to_value(StoryOne { data: story_out(state, story, user) }).unwrap_or_default()
}

pub(super) fn respond(status: StatusCode, value: Value, revision: Option<i64>) -> Response {
    let mut res = (status, serde_json::to_vec(&value).unwrap_or_default()).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    if let Some(r) = revision
        && let Ok(v) = HeaderValue::from_str(&format!("\"r{r}\""))
    {
        h.insert(header::ETAG, v);
    }
    res
}

/// After a change: one line in the audit log, then the story as it is now (see [`current`]).
fn done(st: &AppState, user: &User, id: i64, action: &str, now: Timestamp) -> Result<(Value, i64), Error> {
    st.store.audit(Some(user.id), &user.email, action, Some(&format!("story {id}")), Some("admin api"), now)?;
    current(st, user, id)
}

/// The story as it is now, with its revision. This node's page cache follows the change at
/// once (other nodes follow the event log).
fn current(st: &AppState, user: &User, id: i64) -> Result<(Value, i64), Error> {
    st.catch_up_blocking();
    let story = st.store.story(ArticleId(id))?;
    Ok((story_one(st, &story, user), story.revision))
}

/// Loads a story the user may open.
fn load(st: &AppState, user: &User, id: i64) -> Result<Story, Error> {
    let story = st.store.story(ArticleId(id)).map_err(|e| match e {
        StoreError::NotFound { .. } => Error::NotFound(format!("story {id}")),
        other => other.into(),
    })?;
    if !can_open(user, story.owner_id) {
        // Not revealed to people who may not open it.
        return Err(Error::NotFound(format!("story {id}")));
    }
    Ok(story)
}

/// Stories in every state, most recently changed first (contributors: their own).
#[utoipa::path(get, path = "/api/v1/admin/articles", operation_id = "adminListArticles", tag = "admin",
    security(("adminToken" = [])), params(AdminListParams),
    responses((status = 200, description = "Stories.", body = StoryList)))]
pub async fn list(State(state): State<AppState>, RawQuery(raw): RawQuery, headers: HeaderMap) -> Response {
    let result = async {
        let query = params(raw.as_deref(), super::wire::accepted!(AdminListParams))?;
        let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let state_filter = match get("state") {
            Some(s) => Some(
                WorkflowState::parse(&s)
                    .ok_or_else(|| Error::invalid("state", format!("no workflow state {s:?}")))?
                    .as_str()
                    .to_string(),
            ),
            None => None,
        };
        let section = match get("section") {
            Some(s) => Some(super::slug_param("section", &s)?),
            None => None,
        };
        let limit = match get("limit") {
            Some(l) => l.parse::<usize>().ok().filter(|n| (1..=super::MAX_LIMIT).contains(n)).ok_or_else(|| {
                Error::invalid("limit", format!("expected a whole number from 1 to {}, found {l:?}", super::MAX_LIMIT))
            })?,
            None => 20,
        };
        let user = user_of(&state, &headers).await?;
        let value = run(&state, move |st| {
            let owner = (user.role == Role::Contributor).then_some(user.id);
            let filter = StoryFilter { state: state_filter, section, owner, ..Default::default() };
            let rows = st.store.stories(&filter, limit)?;
            let data = rows
                .into_iter()
                .map(|s| StoryRow {
                    id: s.id,
                    revision: s.revision,
                    state: s.state,
                    headline: s.headline,
                    section: SectionRef { name: s.section, slug: s.section_slug },
                    desk: s.desk,
                    owner_id: s.owner_id,
                    modified_at: s.modified_at.to_string(),
                    published_at: s.published_at.map(|t| t.to_string()),
                })
                .collect();
            Ok(serde_json::to_value(StoryList { data }).unwrap_or_default())
        })
        .await?;
        Ok::<_, Error>(respond(StatusCode::OK, value, None))
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

/// One story, in any state.
#[utoipa::path(get, path = "/api/v1/admin/articles/{id}", operation_id = "adminGetArticle", tag = "admin",
    security(("adminToken" = [])), params(StoryId),
    responses(
        (status = 200, description = "The story.", body = StoryOne, headers(("ETag" = String, description = "The story's revision, `\"rN\"`: send it as If-Match when updating."))),
        (status = 304, description = "Not modified since the ETag sent in If-None-Match."),
        (status = 404, description = "No story with this id that the token's user may open (code `not-found`).", body = Problem, content_type = "application/problem+json")))]
pub async fn get_one(State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let result = async {
        let id = story_id(&id)?;
        let user = user_of(&state, &headers).await?;
        let (value, rev) = run(&state, move |st| {
            let story = load(st, &user, id)?;
            Ok((story_one(st, &story, &user), story.revision))
        })
        .await?;
        // A client that has this revision gets 304.
        let tag = format!("\"r{rev}\"");
        if headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == tag))
        {
            let mut res = StatusCode::NOT_MODIFIED.into_response();
            if let Ok(v) = HeaderValue::from_str(&tag) {
                res.headers_mut().insert(header::ETAG, v);
            }
            return Ok(res);
        }
        Ok::<_, Error>(respond(StatusCode::OK, value, Some(rev)))
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

fn story_id(s: &str) -> Result<i64, Error> {
    s.parse::<i64>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| Error::invalid("id", format!("expected a story id (a whole number from 1), found {s:?}")))
}

pub(super) fn parse_json<T: serde::de::DeserializeOwned>(headers: &HeaderMap, body: &[u8]) -> Result<T, Error> {
    if !super::is_json(headers) {
        return Err(Error::UnsupportedMediaType);
    }
    serde_json::from_slice(body).map_err(|e| Error::InvalidDocument(format!("the JSON body: {e}")))
}

impl StoryInput {
    /// Lays the sent fields over the story as it is (`core::input::ArticleInput`), so one set of
    /// checks decides what is acceptable; lists go in as the lists they are. Returns the desk if
    /// one was sent, and what cannot be read (the embargo's time, a body block) by field.
    fn apply(
        self,
        into: &mut ArticleInput,
        tz: &TimeZone,
        media: &dyn Fn(&str) -> bool,
    ) -> (Option<String>, BTreeMap<String, String>) {
        let mut problems = BTreeMap::new();
        let set = |slot: &mut String, v: Option<String>| {
            if let Some(v) = v {
                *slot = v;
            }
        };
        set(&mut into.headline, self.headline);
        set(&mut into.deck, self.deck);
        set(&mut into.section, self.section);
        set(&mut into.language, self.language);
        set(&mut into.source, self.source);
        set(&mut into.slug, self.slug);
        set(&mut into.canonical_url, self.canonical_url);
        set(&mut into.seo_title, self.seo_title);
        set(&mut into.seo_description, self.seo_description);
        set(&mut into.social_title, self.social_title);
        set(&mut into.social_image, self.social_image);
        if let Some(authors) = self.authors {
            into.authors = authors.into_iter().map(|n| n.0).collect();
        }
        if let Some(tags) = self.tags {
            into.tags = tags.into_iter().map(|n| n.0).collect();
        }
        match self.embargo.as_deref().map(str::trim) {
            None => {}
            Some("") => into.embargo = None,
            Some(at) => match parse_local(at, tz) {
                Ok(t) => into.embargo = Some(t),
                Err(e) => {
                    problems.insert("embargo".to_string(), e);
                }
            },
        }
        match self.lead_image {
            Some(Some(img)) => {
                into.image_asset = img.asset;
                into.image_alt = img.alt;
                into.image_caption = img.caption.unwrap_or_default();
                into.image_caption_marks = img.caption_marks;
                into.image_credit = img.credit.unwrap_or_default();
            }
            Some(None) => {
                into.image_asset.clear();
                into.image_alt.clear();
                into.image_caption.clear();
                into.image_caption_marks.clear();
                into.image_credit.clear();
            }
            None => {}
        }
        if let Some(body) = self.body {
            // Each block held to the editor's rules for its kind (a picture from the library, a
            // link that is a web address, a heading's level).
            let mut blocks = Vec::with_capacity(body.len());
            for (i, b) in body.iter().enumerate() {
                // Marks are taken as sent or refused by name, never quietly mended.
                if let Err(e) = b.check_marks() {
                    problems.insert(format!("body[{i}]"), e);
                    continue;
                }
                match BlockForm::from_block(b).to_block(media) {
                    Ok(Some(block)) => blocks.push(block),
                    Ok(None) => {}
                    Err(e) => {
                        problems.insert(format!("body[{i}]"), e);
                    }
                }
            }
            into.body = blocks;
        }
        (self.desk, problems)
    }
}

/// The story `input` describes over `base`, or every problem by field (those found reading the
/// request, then `core::input`'s).
fn checked(
    input: &ArticleInput,
    base: &Article,
    problems: BTreeMap<String, String>,
    media: &dyn Fn(&str) -> bool,
) -> Result<Article, Error> {
    match input.check(base, media) {
        Ok(article) if problems.is_empty() => Ok(article),
        Ok(_) => Err(Error::InvalidFields(problems)),
        Err(errors) => {
            let mut all = problems;
            all.extend(errors.into_iter().map(|(k, v)| (k.to_string(), v)));
            Err(Error::InvalidFields(all))
        }
    }
}

fn media_exists(st: &AppState) -> impl Fn(&str) -> bool + '_ {
    move |file: &str| st.store.media_by_file(file).ok().flatten().is_some()
}

/// Create a story (a draft owned by the token's user).
#[utoipa::path(post, path = "/api/v1/admin/articles", operation_id = "adminCreateArticle", tag = "admin",
    security(("adminToken" = [])), request_body = StoryCreate,
    responses(
        (status = 201, description = "The new story.", body = StoryOne, headers(("ETag" = String, description = "The story's revision, `\"rN\"`: send it as If-Match when updating."))),
        (status = 400, description = "The body is not JSON of the documented shape, or a query parameter is wrong (`invalid-parameter`) (code `invalid-document`).", body = Problem, content_type = "application/problem+json"), (status = 415, description = "The body is not JSON (code `unsupported-media-type`).", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Fields are wrong; `errors` names each one (code `invalid-fields`).", body = Problem, content_type = "application/problem+json")))]
pub async fn create(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let result = async {
        let user = user_of(&state, &headers).await?;
        let input: StoryInput = parse_json(&headers, &body)?;
        let (value, rev) = run(&state, move |st| {
            let base = blank_article(st);
            let mut article_input = ArticleInput { language: st.site.language.clone(), ..ArticleInput::default() };
            let library = media_exists(st);
            let media = usable_media(&base, &library);
            let (desk, problems) = input.apply(&mut article_input, &st.site.time_zone, &media);
            let article = checked(&article_input, &base, problems, &library)?;
            let now = st.now();
            let meta = StoryMeta { desk: desk.map(|d| clean(&d)).filter(|d| !d.is_empty()), owner: Some(user.id) };
            let out = st.store.create_story(&article, &meta, &user.email, now)?;
            st.store.audit(
                Some(user.id),
                &user.email,
                "story.create",
                Some(&format!("story {}", out.id.0)),
                Some("admin api"),
                now,
            )?;
            let story = st.store.story(out.id)?;
            Ok((story_one(st, &story, &user), story.revision))
        })
        .await?;
        Ok::<_, Error>(respond(StatusCode::CREATED, value, Some(rev)))
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

/// The revision an `If-Match` names (`"r12"`), if it names one.
fn if_match(headers: &HeaderMap) -> Result<Option<i64>, Error> {
    let Some(v) = headers.get(header::IF_MATCH) else { return Ok(None) };
    let v = v.to_str().unwrap_or("").trim();
    let n = v.strip_prefix("W/").unwrap_or(v).trim_matches('"').strip_prefix('r').and_then(|n| n.parse::<i64>().ok());
    n.map(Some).ok_or_else(|| Error::invalid("If-Match", format!("expected a story ETag such as \"r3\", found {v:?}")))
}

/// Change a story's fields (absent fields stay as they are).
///
/// Send the ETag you read (`"rN"`) as `If-Match`: if someone saved since, nothing is applied,
/// your version is kept as a revision, and the answer is 412 (code `stale-revision`). Without
/// `If-Match` the update applies to the current revision.
#[utoipa::path(patch, path = "/api/v1/admin/articles/{id}", operation_id = "adminUpdateArticle", tag = "admin",
    security(("adminToken" = [])), params(StoryId), request_body = StoryInput,
    responses(
        (status = 200, description = "The story as saved.", body = StoryOne, headers(("ETag" = String, description = "The story's revision, `\"rN\"`: send it as If-Match when updating."))),
        StoryWriteProblems,
        (status = 409, description = "Not possible in the story's state (code `workflow-conflict`).", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The story changed since the If-Match revision (code `stale-revision`).", body = Problem, content_type = "application/problem+json")))]
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = async {
        let id = story_id(&id)?;
        let expected = if_match(&headers)?;
        let user = user_of(&state, &headers).await?;
        let input: StoryInput = parse_json(&headers, &body)?;
        let (value, rev) = run(&state, move |st| {
            let story = load(st, &user, id)?;
            if !can_edit(&user, story.owner_id, story.article.state) {
                return Err(Error::Forbidden(format!(
                    "a {} may not change this story while it is {}",
                    user.role.as_str(),
                    story.article.state.as_str().replace('_', " ")
                )));
            }
            let mut article_input = ArticleInput::from_article(&story.article);
            let library = media_exists(st);
            let media = usable_media(&story.article, &library);
            let (desk, problems) = input.apply(&mut article_input, &st.site.time_zone, &media);
            let article = checked(&article_input, &story.article, problems, &library)?;
            // A desk not sent stays as it is.
            let desk = desk.or_else(|| story.desk.clone()).map(|d| clean(&d)).filter(|d| !d.is_empty());
            let edit = StoryEdit {
                audit: Some(AuditLine { user: user.id, name: &user.email, action: "story.save", via: "admin api" }),
                ..StoryEdit::plain(&article, desk.as_deref(), expected.unwrap_or(story.revision), &user.email)
            };
            st.store.save_story(&edit, st.now())?;
            current(st, &user, id)
        })
        .await?;
        Ok::<_, Error>(respond(StatusCode::OK, value, Some(rev)))
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

/// Move a story through the workflow (submit, start_edit, mark_ready, schedule, publish, correct…).
#[utoipa::path(post, path = "/api/v1/admin/articles/{id}/transitions", operation_id = "adminTransitionArticle", tag = "admin",
    security(("adminToken" = [])), params(StoryId), request_body = TransitionInput,
    responses(
        (status = 200, description = "The story after the action.", body = StoryOne, headers(("ETag" = String, description = "The story's revision, `\"rN\"`: send it as If-Match when updating."))),
        StoryWriteProblems,
        (status = 409, description = "The action is not possible from the story's state (code `workflow-conflict`).", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The story changed meanwhile (code `stale-revision`).", body = Problem, content_type = "application/problem+json")))]
pub async fn transition(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = async {
        let id = story_id(&id)?;
        let user = user_of(&state, &headers).await?;
        let input: TransitionInput = parse_json(&headers, &body)?;
        let action = Action::parse(&input.action).ok_or_else(|| {
            let names: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
            Error::InvalidFields(BTreeMap::from([(
                "action".to_string(),
                format!("expected one of {}, found {:?}", names.join(", "), input.action),
            )]))
        })?;
        let at = match input.at.as_deref() {
            Some(s) => Some(s.parse::<Timestamp>().map_err(|_| {
                Error::InvalidFields(BTreeMap::from([(
                    "at".to_string(),
                    format!("expected an RFC 3339 time, found {s:?}"),
                )]))
            })?),
            None => None,
        };
        let (value, rev) = run(&state, move |st| {
            let story = load(st, &user, id)?;
            if user.role < Role::Editor && story.owner_id != Some(user.id) {
                return Err(Error::Forbidden("only the desk may move other people's stories".into()));
            }
            let now = st.now();
            let step = ActionInput { at, note: input.note.as_deref() };
            st.store
                .apply_action(ArticleId(id), action, user.role, step, &user.email, now)
                .map_err(|e| Error::from_action(action, e))?;
            done(st, &user, id, &format!("story.{}", action.as_str()), now)
        })
        .await?;
        Ok::<_, Error>(respond(StatusCode::OK, value, Some(rev)))
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

/// Upload a picture to the media library (the body is the file: JPEG, PNG, WebP, GIF or AVIF).
#[utoipa::path(post, path = "/api/v1/admin/media", operation_id = "adminUploadMedia", tag = "admin",
    security(("adminToken" = [])), params(UploadParams),
    request_body(content(([u8] = "image/*"), ([u8] = "application/octet-stream"))),
    responses(
        (status = 201, description = "The picture, in the library.", body = MediaOne),
        (status = 400, description = "The body is not JSON of the documented shape, or a query parameter is wrong (`invalid-parameter`) (code `invalid-document`).", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than the upload limit (code `too-large`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a picture of an accepted type, or too many pixels (code `invalid-media`).", body = Problem, content_type = "application/problem+json")))]
pub async fn upload(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = async {
        let query = params(raw.as_deref(), super::wire::accepted!(UploadParams))?;
        let user = user_of(&state, &headers).await?;
        let checked = media::checked(&state, body.clone()).await.map_err(|e| match e {
            media::UploadError::TooLarge(_) => Error::TooLarge(e.to_string()),
            other => Error::InvalidMedia(other.to_string()),
        })?;
        let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let about = media::About::new(get("name"), get("alt"), get("caption"), get("credit"));
        let value = run(&state, move |st| {
            let m = media::save(st, &body, checked, &about, user.id).map_err(Error::Internal)?;
            st.store.audit(Some(user.id), &user.email, "media.upload", Some(&m.file), Some("admin api"), st.now())?;
            let url = super::as_uri(&format!("{}/media/{}", st.site.url, m.file));
            let data = MediaOut {
                file: m.file,
                url,
                mime: m.mime,
                width: m.width,
                height: m.height,
                bytes: m.bytes,
                alt: m.alt,
                caption: m.caption,
                credit: m.credit,
            };
            Ok(serde_json::to_value(MediaOne { data }).unwrap_or_default())
        })
        .await?;
        Ok::<_, Error>(respond(StatusCode::CREATED, value, None))
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}
