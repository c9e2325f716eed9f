//! The dashboard, the story editor (every field and the block body), saving with optimistic
//! locking, workflow actions, the preview, the soft lock, revisions with their word diff, and
//! restore.

use std::collections::BTreeMap;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Json, Redirect, Response};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use minijinja::context;
use newsdesk_core::article::{LeadImage, Section};
use newsdesk_core::{Action, Article, ArticleId, Block, Role, Slug, WorkflowError, WorkflowState, diff};
use newsdesk_store::{ActionInput, SaveError, StoreError, Story, StoryFilter, StoryMeta};
use serde::{Deserialize, Serialize};

use super::views::{render, render_status, ser};
use super::{Signed, blocking, can_edit, can_open, failure, refuse};
use crate::AppState;

const BLOCK_KINDS: [(&str, &str); 9] = [
    ("paragraph", "Paragraph"),
    ("heading", "Heading"),
    ("quote", "Quote"),
    ("list", "List"),
    ("image", "Image"),
    ("embed", "Embed"),
    ("recommended", "Recommended slot"),
    ("related", "Related link"),
    ("", ""),
];

fn kinds() -> Vec<(&'static str, &'static str)> {
    BLOCK_KINDS.iter().copied().filter(|(k, _)| !k.is_empty()).collect()
}

/// A time as the newsroom reads it: in the site's time zone, to the minute.
pub fn local_time(t: Timestamp, tz: &TimeZone) -> String {
    tz.to_datetime(t).strftime("%Y-%m-%d %H:%M").to_string()
}

fn local_input(t: Timestamp, tz: &TimeZone) -> String {
    tz.to_datetime(t).strftime("%Y-%m-%dT%H:%M").to_string()
}

/// A `datetime-local` value, read in the site's time zone; or an RFC 3339 time (the Admin API's).
fn parse_local(s: &str, tz: &TimeZone) -> Result<Timestamp, String> {
    if let Ok(t) = s.trim().parse::<Timestamp>() {
        return Ok(t);
    }
    let dt: jiff::civil::DateTime =
        s.trim().parse().map_err(|_| format!("{s:?} is not a date and time like 2026-03-01T09:30"))?;
    tz.to_ambiguous_timestamp(dt).compatible().map_err(|e| format!("{s:?}: {e}"))
}

#[derive(Debug, Default, Deserialize)]
pub struct DashboardQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    section: String,
    #[serde(default)]
    desk: String,
}

pub async fn dashboard(
    State(state): State<AppState>,
    Extension(me): Extension<Signed>,
    Query(q): Query<DashboardQuery>,
) -> Response {
    let st = state.clone();
    let owner = (me.user.role == Role::Contributor).then_some(me.user.id);
    let filter = StoryFilter {
        state: None,
        section: Some(q.section.clone()).filter(|s| !s.is_empty()),
        desk: Some(q.desk.clone()).filter(|s| !s.is_empty()),
        query: Some(q.q.clone()).filter(|s| !s.trim().is_empty()),
        owner,
    };
    let loaded = blocking(move || {
        let stories = st.store.stories(&filter, 1000).map_err(failure)?;
        let sections = st.store.sections().map_err(failure)?;
        let desks = st.store.desks().map_err(failure)?;
        Ok((stories, sections, desks))
    })
    .await;
    let (stories, sections, desks) = match loaded {
        Ok(x) => x,
        Err(resp) => return resp,
    };
    let tz = &state.site.time_zone;
    let counts: Vec<_> = WorkflowState::ALL
        .iter()
        .map(|s| (s.as_str(), stories.iter().filter(|x| x.state == s.as_str()).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(state, count)| context! { state, count })
        .collect();
    let rows: Vec<_> = stories
        .iter()
        .filter(|s| q.state.is_empty() || s.state == q.state)
        .take(300)
        .map(|s| {
            let live = s.published_at.filter(|_| s.state == "scheduled" || s.state == "published");
            context! {
                id => s.id, headline => s.headline.clone(), state => s.state.clone(), section => s.section.clone(), desk => s.desk.clone(),
                owner => s.owner.clone(), modified => local_time(s.modified_at, tz),
                live => live.map(|t| local_time(t, tz)), embargo => s.embargo.map(|t| local_time(t, tz)),
            }
        })
        .collect();
    let states: Vec<&str> = WorkflowState::ALL.iter().map(|s| s.as_str()).collect();
    render(
        "dashboard.html",
        context! { me => ser(&me.user), csrf => &me.csrf, stories => rows, counts, states, sections => ser(&sections), desks,
        filter => context! { q => q.q, state => q.state, section => q.section, desk => q.desk } },
    )
}

/// The editor's fields as typed, so a refused form comes back with everything kept.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct StoryForm {
    pub(crate) headline: String,
    pub(crate) deck: String,
    pub(crate) section: String,
    pub(crate) desk: String,
    pub(crate) language: String,
    pub(crate) authors: String,
    pub(crate) tags: String,
    pub(crate) source: String,
    pub(crate) slug: String,
    pub(crate) canonical_url: String,
    pub(crate) embargo: String,
    pub(crate) image_asset: String,
    pub(crate) image_alt: String,
    pub(crate) image_caption: String,
    pub(crate) image_credit: String,
    /// Story ids pinned first in the RECOMMENDED block, and ids never recommended with this one.
    pub(crate) recommended_pins: String,
    pub(crate) recommended_excludes: String,
    pub(crate) blocks: Vec<BlockForm>,
    pub(crate) revision: i64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct BlockForm {
    kind: String,
    text: String,
    level: String,
    cite: String,
    ordered: bool,
    asset: String,
    alt: String,
    caption: String,
    credit: String,
    url: String,
    publication: String,
    headline: String,
    pub(crate) error: Option<String>,
}

pub(crate) type Errors = BTreeMap<&'static str, String>;

impl StoryForm {
    /// Reads the posted form in order: each `b.type` starts a block, the `b.*` fields after it
    /// fill it.
    fn parse(body: &[u8]) -> StoryForm {
        let mut f = StoryForm::default();
        for (k, v) in form_urlencoded::parse(body) {
            let v = v.into_owned();
            if let Some(field) = k.strip_prefix("b.") {
                if field == "type" {
                    f.blocks.push(BlockForm { kind: v, level: "2".into(), ..Default::default() });
                    continue;
                }
                let Some(b) = f.blocks.last_mut() else { continue };
                match field {
                    "text" => b.text = v,
                    "level" => b.level = v,
                    "cite" => b.cite = v,
                    "ordered" => b.ordered = true,
                    "asset" => b.asset = v,
                    "alt" => b.alt = v,
                    "caption" => b.caption = v,
                    "credit" => b.credit = v,
                    "url" => b.url = v,
                    "publication" => b.publication = v,
                    "headline" => b.headline = v,
                    _ => {}
                }
                continue;
            }
            match k.as_ref() {
                "headline" => f.headline = v,
                "deck" => f.deck = v,
                "section" => f.section = v,
                "desk" => f.desk = v,
                "language" => f.language = v,
                "authors" => f.authors = v,
                "tags" => f.tags = v,
                "source" => f.source = v,
                "slug" => f.slug = v,
                "canonical_url" => f.canonical_url = v,
                "embargo" => f.embargo = v,
                "image_asset" => f.image_asset = v,
                "image_alt" => f.image_alt = v,
                "image_caption" => f.image_caption = v,
                "image_credit" => f.image_credit = v,
                "recommended_pins" => f.recommended_pins = v,
                "recommended_excludes" => f.recommended_excludes = v,
                "revision" => f.revision = v.trim().parse().unwrap_or(-1),
                _ => {}
            }
        }
        f
    }

    pub(crate) fn from_story(story: &Story, tz: &TimeZone) -> StoryForm {
        let a = &story.article;
        let img = a.lead_image.as_ref();
        StoryForm {
            headline: a.headline.clone(),
            deck: a.deck.clone().unwrap_or_default(),
            section: a.section.name.clone(),
            desk: story.desk.clone().unwrap_or_default(),
            language: a.language.clone(),
            authors: a.authors.join(", "),
            tags: a.tags.join(", "),
            source: a.source.clone().unwrap_or_default(),
            slug: a.slug.to_string(),
            canonical_url: a.canonical_url.clone().unwrap_or_default(),
            embargo: a.embargo.map(|t| local_input(t, tz)).unwrap_or_default(),
            image_asset: img.and_then(|i| i.asset.clone()).unwrap_or_default(),
            image_alt: img.map(|i| i.alt.clone()).unwrap_or_default(),
            image_caption: img.and_then(|i| i.caption.clone()).unwrap_or_default(),
            image_credit: img.and_then(|i| i.credit.clone()).unwrap_or_default(),
            recommended_pins: String::new(),
            recommended_excludes: String::new(),
            blocks: a.body.iter().map(BlockForm::from_block).collect(),
            revision: story.revision,
        }
    }

    /// The article this form describes, on top of `base` (state, dates, corrections and the wire
    /// link are not the form's to change). Every problem is named by its field.
    pub(crate) fn check_into_article(
        &mut self,
        base: &Article,
        tz: &TimeZone,
        media: &dyn Fn(&str) -> bool,
    ) -> Result<Article, Errors> {
        let mut errors = Errors::new();
        let headline = clean(&self.headline);
        if headline.is_empty() {
            errors.insert("headline", "A headline is needed.".into());
        } else if headline.chars().count() > 300 {
            errors.insert("headline", "Keep the headline under 300 characters.".into());
        }
        let deck = clean(&self.deck);
        if deck.chars().count() > 600 {
            errors.insert("deck", "Keep the deck under 600 characters.".into());
        }
        let section = Section::from_label(&clean(&self.section));
        if section.is_none() {
            errors.insert("section", "Choose a section (letters or digits).".into());
        }
        let language = self.language.trim().to_string();
        if !valid_language(&language) {
            errors.insert("language", format!("{language:?} is not a language tag like en, tr or pt-BR."));
        }
        let slug = if self.slug.trim().is_empty() {
            Slug::from_title(&headline)
        } else {
            match Slug::parse(self.slug.trim()) {
                Ok(s) => Some(s),
                Err(e) => {
                    errors.insert("slug", format!("{e}"));
                    None
                }
            }
        };
        if slug.is_none() && !errors.contains_key("slug") && !headline.is_empty() {
            errors.insert("slug", "The headline has no letters or digits for a URL; type a slug.".into());
        }
        let canonical = self.canonical_url.trim().to_string();
        if !canonical.is_empty() && !is_web_url(&canonical) {
            errors.insert("canonical_url", "A canonical URL starts with https:// or http://.".into());
        }
        let embargo = match self.embargo.trim() {
            "" => None,
            s => match parse_local(s, tz) {
                Ok(t) => Some(t),
                Err(e) => {
                    errors.insert("embargo", e);
                    None
                }
            },
        };
        let asset = self.image_asset.trim().to_string();
        let lead_image = if asset.is_empty() {
            None
        } else {
            if !media(&asset) {
                errors.insert("image_asset", "That picture is not in the media library.".into());
            }
            if self.image_alt.trim().is_empty() {
                errors.insert("image_alt", "Describe the picture for readers who cannot see it.".into());
            }
            Some(LeadImage {
                asset: Some(asset),
                alt: clean(&self.image_alt),
                title: None,
                caption: opt(&self.image_caption),
                credit: opt(&self.image_credit),
            })
        };
        let mut body = Vec::new();
        let mut block_errors = false;
        for b in &mut self.blocks {
            match b.to_block(media) {
                Ok(Some(block)) => body.push(block),
                Ok(None) => {}
                Err(e) => {
                    b.error = Some(e);
                    block_errors = true;
                }
            }
        }
        if block_errors {
            errors.insert("body", "Some blocks need attention.".into());
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let (Some(section), Some(slug)) = (section, slug) else { return Err(errors) };
        Ok(Article {
            section,
            slug,
            headline,
            deck: Some(deck).filter(|d| !d.is_empty()),
            lead_image,
            body,
            source: opt(&self.source),
            authors: list(&self.authors),
            tags: list(&self.tags),
            language,
            canonical_url: Some(canonical).filter(|c| !c.is_empty()),
            embargo,
            ..base.clone()
        })
    }
}

impl BlockForm {
    pub(crate) fn from_block(b: &Block) -> BlockForm {
        let mut f = BlockForm { level: "2".into(), ..Default::default() };
        match b {
            Block::Paragraph { text } => (f.kind, f.text) = ("paragraph".into(), text.clone()),
            Block::Heading { text, level } => {
                (f.kind, f.text, f.level) = ("heading".into(), text.clone(), level.to_string())
            }
            Block::Quote { text, cite } => {
                (f.kind, f.text, f.cite) = ("quote".into(), text.clone(), cite.clone().unwrap_or_default())
            }
            Block::List { ordered, items } => (f.kind, f.text, f.ordered) = ("list".into(), items.join("\n"), *ordered),
            Block::Image { asset, alt, caption, credit } => {
                f.kind = "image".into();
                f.asset = asset.clone().unwrap_or_default();
                f.alt = alt.clone();
                f.caption = caption.clone().unwrap_or_default();
                f.credit = credit.clone().unwrap_or_default();
            }
            Block::Embed { url } => (f.kind, f.url) = ("embed".into(), url.clone()),
            Block::Recommended => f.kind = "recommended".into(),
            Block::Related { publication, headline, url } => {
                f.kind = "related".into();
                f.publication = publication.clone();
                f.headline = headline.clone();
                f.url = url.clone().unwrap_or_default();
            }
        }
        f
    }

    /// The block, `None` for an empty one (left blank: dropped), or what is wrong with it.
    fn to_block(&self, media: &dyn Fn(&str) -> bool) -> Result<Option<Block>, String> {
        let text = self.text.trim().to_string();
        Ok(Some(match self.kind.as_str() {
            "paragraph" | "heading" | "quote" if text.is_empty() => return Ok(None),
            "paragraph" => Block::Paragraph { text },
            "heading" => Block::Heading { text, level: self.level.trim().parse().unwrap_or(2).clamp(2, 4) },
            "quote" => Block::Quote { text, cite: opt(&self.cite) },
            "list" => {
                let items: Vec<String> = text.lines().map(clean).filter(|l| !l.is_empty()).collect();
                if items.is_empty() {
                    return Ok(None);
                }
                Block::List { ordered: self.ordered, items }
            }
            "image" => {
                let asset = self.asset.trim();
                if asset.is_empty() {
                    return Err("Choose a picture from the library, or remove this block.".into());
                }
                if !media(asset) {
                    return Err("That picture is not in the media library.".into());
                }
                if self.alt.trim().is_empty() {
                    return Err("Describe the picture for readers who cannot see it (alt text).".into());
                }
                Block::Image {
                    asset: Some(asset.to_string()),
                    alt: clean(&self.alt),
                    caption: opt(&self.caption),
                    credit: opt(&self.credit),
                }
            }
            "embed" => {
                let url = self.url.trim();
                if url.is_empty() {
                    return Ok(None);
                }
                if !is_web_url(url) {
                    return Err("An embed is a web address starting with https://.".into());
                }
                Block::Embed { url: url.to_string() }
            }
            "recommended" => Block::Recommended,
            "related" => {
                if self.publication.trim().is_empty() && self.headline.trim().is_empty() {
                    return Ok(None);
                }
                if self.publication.trim().is_empty() || self.headline.trim().is_empty() {
                    return Err("A related link needs both the publication and the headline.".into());
                }
                let url = self.url.trim();
                if !url.is_empty() && !is_web_url(url) && !url.starts_with('/') {
                    return Err("The link is a web address (https://…) or a path on this site (/…).".into());
                }
                Block::Related {
                    publication: clean(&self.publication),
                    headline: clean(&self.headline),
                    url: Some(url.to_string()).filter(|u| !u.is_empty()),
                }
            }
            other => return Err(format!("There is no block type {other:?}.")),
        }))
    }
}

/// "12, 40 7" -> [12, 40, 7]: story ids, in order, each once.
pub(crate) fn parse_ids(s: &str) -> Result<Vec<i64>, String> {
    let mut out = Vec::new();
    for part in s.split([',', ' ']).map(str::trim).filter(|p| !p.is_empty()) {
        let id =
            part.parse::<i64>().ok().filter(|n| *n >= 1).ok_or_else(|| format!("{part:?} is not a story number"))?;
        if !out.contains(&id) {
            out.push(id);
        }
    }
    if out.len() > 20 {
        return Err("at most 20 stories".into());
    }
    Ok(out)
}

/// Whitespace runs (including newlines a paste brought in) become single spaces.
pub(crate) fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn opt(s: &str) -> Option<String> {
    Some(clean(s)).filter(|c| !c.is_empty())
}

fn list(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in s.split(',').map(clean).filter(|x| !x.is_empty()) {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

fn is_web_url(s: &str) -> bool {
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty()) && s.len() <= 2000 && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn valid_language(s: &str) -> bool {
    let mut parts = s.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

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

async fn editor(state: &AppState, page: EditorPage<'_>, status: StatusCode) -> Response {
    let st = state.clone();
    let loaded = blocking(move || {
        let sections = st.store.sections().map_err(failure)?;
        let media = st.store.media_list(200, 0).map_err(failure)?;
        Ok((sections, media))
    })
    .await;
    let (sections, media) = match loaded {
        Ok(x) => x,
        Err(resp) => return resp,
    };
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
                    .map(|a| context! { name => a.as_str(), label => a.label() })
                    .collect()
            } else {
                vec![]
            };
            let live = a.state.is_public() && a.published_at.is_some_and(|p| p <= Timestamp::now());
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
                }),
                corrections,
            )
        }
    };
    let kind_labels: BTreeMap<&str, &str> = kinds().into_iter().collect();
    render_status(
        status,
        "editor.html",
        context! {
            me => ser(&me.user), csrf => &me.csrf, story => story_ctx, form => ser(&page.form), errors => ser(&page.errors),
            conflict => page.conflict, notice => page.notice, others => page.others, editable, actions,
            corrections, sections => ser(&sections), media => ser(&media), kinds => ser(&kinds()), kind_labels => ser(&kind_labels), tz => tz.iana_name().unwrap_or("UTC"),
            can_history => me.user.role >= Role::Reporter,
        },
    )
}

pub async fn new_form(State(state): State<AppState>, Extension(me): Extension<Signed>) -> Response {
    let form = StoryForm {
        language: state.site.language.clone(),
        blocks: vec![BlockForm { kind: "paragraph".into(), level: "2".into(), ..Default::default() }],
        ..Default::default()
    };
    let page =
        EditorPage { me: &me, story: None, form, errors: Errors::new(), conflict: None, notice: None, others: vec![] };
    editor(&state, page, StatusCode::OK).await
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

pub async fn create(State(state): State<AppState>, Extension(me): Extension<Signed>, body: Bytes) -> Response {
    let (form, result) = match check_form(&state, &body, blank_article(&state)).await {
        Ok(x) => x,
        Err(resp) => return resp,
    };
    let article = match result {
        Ok(a) => a,
        Err(errors) => {
            let page = EditorPage { me: &me, story: None, form, errors, conflict: None, notice: None, others: vec![] };
            return editor(&state, page, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let st = state.clone();
    let who = me.clone();
    let desk = Some(clean(&form.desk)).filter(|d| !d.is_empty());
    let made = blocking(move || {
        let now = Timestamp::now();
        let meta = StoryMeta { desk, owner: Some(who.user.id) };
        let out = st.store.create_story(&article, &meta, who.actor(), now).map_err(failure)?;
        let target = format!("story {}", out.id.0);
        st.store
            .audit(Some(who.user.id), who.actor(), "story.create", Some(&target), Some(&article.headline), now)
            .map_err(failure)?;
        Ok(out)
    })
    .await;
    match made {
        Err(resp) => resp,
        Ok(out) => Redirect::to(&format!("/newsroom/stories/{}?notice=created", out.id.0)).into_response(),
    }
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
    }
}

/// Loads a story that `me` may open, or the refusal.
async fn load(state: &AppState, me: &Signed, id: i64) -> Result<Story, Response> {
    let st = state.clone();
    let story = blocking(move || match st.store.story(ArticleId(id)) {
        Ok(s) => Ok(Some(s)),
        Err(StoreError::NotFound(_)) => Ok(None),
        Err(e) => Err(failure(e)),
    })
    .await?;
    match story {
        None => Err(refuse(StatusCode::NOT_FOUND, "There is no such story.")),
        Some(s) if !can_open(&me.user, s.owner_id) => {
            Err(refuse(StatusCode::FORBIDDEN, "This story is not yours to open."))
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
) -> Response {
    let story = match load(&state, &me, id).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
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
    editor(&state, page, StatusCode::OK).await
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
) -> Response {
    let json = wants_json(&headers);
    let story = match load(&state, &me, id).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    if !can_edit(&me.user, story.owner_id, story.article.state) {
        return refuse(StatusCode::FORBIDDEN, "You may not change this story in its current state.");
    }
    let (form, result) = match check_form(&state, &body, story.article.clone()).await {
        Ok(x) => x,
        Err(resp) => return resp,
    };
    let article = match result {
        Ok(a) => a,
        Err(errors) if json => {
            let first = errors.iter().next().map(|(f, m)| format!("{f}: {m}")).unwrap_or_default();
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(serde_json::json!({ "error": format!("Not saved: {first}"), "fields": errors })),
            )
                .into_response();
        }
        Err(errors) => {
            let page =
                EditorPage { me: &me, story: Some(&story), form, errors, conflict: None, notice: None, others: vec![] };
            return editor(&state, page, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let ids = parse_ids(&form.recommended_pins)
        .map_err(|e| ("recommended_pins", e))
        .and_then(|p| parse_ids(&form.recommended_excludes).map(|x| (p, x)).map_err(|e| ("recommended_excludes", e)));
    let (pins, excludes) = match ids {
        Ok(x) => x,
        Err((field, e)) => {
            let errors = Errors::from([(field, e)]);
            let page =
                EditorPage { me: &me, story: Some(&story), form, errors, conflict: None, notice: None, others: vec![] };
            return editor(&state, page, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let st = state.clone();
    let who = me.clone();
    let desk = Some(clean(&form.desk)).filter(|d| !d.is_empty());
    let expected = form.revision;
    let saved = blocking(move || {
        let now = Timestamp::now();
        // The editors' Recommended choices are checked (every id a story) before the story is saved.
        match st.store.set_related_pins(ArticleId(id), &pins, &excludes) {
            Ok(()) => {}
            Err(StoreError::NotFound(what)) => return Ok(Err(SaveError::Store(StoreError::NotFound(what)))),
            Err(e) => return Err(failure(e)),
        }
        let r = st.store.save_story(&article, desk.as_deref(), expected, who.actor(), now);
        if let Ok(out) = &r {
            let detail = format!("revision {}", out.revision);
            st.store
                .audit(Some(who.user.id), who.actor(), "story.save", Some(&format!("story {id}")), Some(&detail), now)
                .map_err(failure)?;
        }
        Ok(r)
    })
    .await;
    match saved {
        Err(resp) => resp,
        Ok(Ok(out)) if json => {
            state.cache.clear();
            Json(serde_json::json!({ "revision": out.revision, "status": out.status })).into_response()
        }
        Ok(Ok(_)) => {
            // This node shows the change at once; other nodes follow the event log.
            state.cache.clear();
            Redirect::to(&format!("/newsroom/stories/{id}?notice=saved")).into_response()
        }
        Ok(Err(SaveError::Conflict { expected, current, by, kept })) => {
            let msg = format!(
                "Not applied: {by} saved this story (revision {current}) while you were editing revision {expected}. \
                 Your version is kept as revision {kept}; compare them under Revisions and restore what you need."
            );
            if json {
                return (StatusCode::CONFLICT, Json(serde_json::json!({ "error": msg }))).into_response();
            }
            let fresh = match load(&state, &me, id).await {
                Ok(s) => s,
                Err(resp) => return resp,
            };
            let form = StoryForm::from_story(&fresh, &state.site.time_zone);
            let page = EditorPage {
                me: &me,
                story: Some(&fresh),
                form,
                errors: Errors::new(),
                conflict: Some(msg),
                notice: None,
                others: vec![],
            };
            editor(&state, page, StatusCode::CONFLICT).await
        }
        Ok(Err(SaveError::Store(StoreError::NotFound(what)))) if what.starts_with("story ") => {
            let errors = Errors::from([("recommended_pins", format!("There is no {what}; nothing was saved."))]);
            let page =
                EditorPage { me: &me, story: Some(&story), form, errors, conflict: None, notice: None, others: vec![] };
            editor(&state, page, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Ok(Err(e)) => failure(e),
    }
}

#[derive(Debug, Deserialize)]
pub struct ActionForm {
    action: String,
    #[serde(default)]
    at: String,
    #[serde(default)]
    note: String,
}

pub async fn action(
    State(state): State<AppState>,
    Extension(me): Extension<Signed>,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<ActionForm>,
) -> Response {
    let Some(action) = Action::parse(&form.action) else {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, &format!("There is no workflow action {:?}.", form.action));
    };
    let story = match load(&state, &me, id).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    // Outside the desk, people act only on their own stories; the transition table does the rest.
    if me.user.role < Role::Editor && story.owner_id != Some(me.user.id) {
        return refuse(StatusCode::FORBIDDEN, "Only the desk may move other people's stories.");
    }
    let at = match form.at.trim() {
        "" => None,
        s => match parse_local(s, &state.site.time_zone) {
            Ok(t) => Some(t),
            Err(e) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, &format!("The publication time: {e}")),
        },
    };
    let st = state.clone();
    let who = me.clone();
    let done = blocking(move || {
        let now = Timestamp::now();
        let input = ActionInput { at, note: Some(form.note.as_str()) };
        let r = st.store.apply_action(ArticleId(id), action, who.user.role, input, who.actor(), now);
        if r.is_ok() {
            let detail = at.map(|t| format!("at {t}")).or_else(|| Some(form.note.clone()).filter(|n| !n.is_empty()));
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
    match done {
        Err(resp) => resp,
        Ok(Ok(_)) => {
            state.cache.clear();
            Redirect::to(&format!("/newsroom/stories/{id}?notice={}", action.as_str())).into_response()
        }
        Ok(Err(SaveError::Workflow(e @ WorkflowError::Forbidden { .. }))) => {
            refuse(StatusCode::FORBIDDEN, &format!("Refused: {}.", describe(&e)))
        }
        Ok(Err(SaveError::Workflow(e))) => refuse(StatusCode::CONFLICT, &format!("Refused: {}.", describe(&e))),
        Ok(Err(SaveError::Store(StoreError::Conflict(m)))) => refuse(StatusCode::UNPROCESSABLE_ENTITY, &m),
        Ok(Err(e)) => failure(e),
    }
}

pub(crate) fn describe(e: &WorkflowError) -> String {
    match e {
        WorkflowError::Forbidden { role, action } => {
            format!("a {} may not {} a story", role.as_str(), action.as_str().replace('_', " "))
        }
        WorkflowError::NotAllowedFrom { state, action } => {
            format!("a story that is {} cannot {}", state.as_str().replace('_', " "), action.as_str().replace('_', " "))
        }
    }
}

pub async fn preview(State(state): State<AppState>, Extension(me): Extension<Signed>, Path(id): Path<i64>) -> Response {
    let story = match load(&state, &me, id).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    let st = state.clone();
    let mut article = story.article;
    // The preview shows the story as it will look when it goes out.
    if article.published_at.is_none() {
        article.published_at = Some(Timestamp::now());
    }
    match blocking(move || crate::pages::article_page(&st, article).map_err(failure)).await {
        Err(resp) => resp,
        Ok(rendered) => {
            let mut resp =
                (StatusCode::OK, [(header::CONTENT_TYPE, rendered.content_type)], rendered.body).into_response();
            resp.headers_mut().insert("x-robots-tag", HeaderValue::from_static("noindex, nofollow"));
            resp
        }
    }
}

pub async fn lock(State(state): State<AppState>, Extension(me): Extension<Signed>, Path(id): Path<i64>) -> Response {
    if let Err(resp) = load(&state, &me, id).await {
        return resp;
    }
    let st = state.clone();
    let user = me.user.id;
    let others = blocking(move || {
        let now = Timestamp::now();
        st.store.touch_lock(ArticleId(id), user, now, now + SignedDuration::from_secs(45)).map_err(failure)
    })
    .await;
    match others {
        Err(resp) => resp,
        Ok(others) => Json(serde_json::json!({ "others": others })).into_response(),
    }
}

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
) -> Response {
    let story = match load(&state, &me, id).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    let st = state.clone();
    let revisions = match blocking(move || st.store.revisions(ArticleId(id)).map_err(failure)).await {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    let current = story.revision;
    let to = q.to.unwrap_or(current);
    let from = q.from.unwrap_or_else(|| {
        revisions.iter().filter(|r| r.applied && r.number < to).map(|r| r.number).max().unwrap_or(to)
    });
    let find = |n: i64| revisions.iter().find(|r| r.number == n);
    let diff = match (find(from), find(to)) {
        (Some(a), Some(b)) => Some(diff::articles(&a.article, &b.article)),
        _ => None,
    };
    let tz = &state.site.time_zone;
    let rows: Vec<_> = revisions
        .iter()
        .map(|r| {
            context! { number => r.number, at => local_time(r.created_at, tz), actor => r.actor.clone(), applied => r.applied,
                       state => r.article.state.as_str(), headline => r.article.headline.clone() }
        })
        .collect();
    render(
        "revisions.html",
        context! { me => ser(&me.user), csrf => &me.csrf, id, headline => story.article.headline, revisions => rows,
        from, to, diff => ser(&diff), current, can_restore => me.user.role >= Role::Editor },
    )
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
) -> Response {
    let story = match load(&state, &me, id).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    let st = state.clone();
    let who = me.clone();
    let done = blocking(move || {
        let now = Timestamp::now();
        let old = match st.store.revision(ArticleId(id), form.revision) {
            Ok(a) => a,
            Err(StoreError::NotFound(m)) => return Ok(Err((StatusCode::NOT_FOUND, format!("There is no {m}.")))),
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
        match st.store.save_story(&restored, story.desk.as_deref(), story.revision, &actor, now) {
            Ok(_) => {}
            Err(SaveError::Conflict { .. }) => {
                return Ok(Err((
                    StatusCode::CONFLICT,
                    "Someone saved the story meanwhile; look again and retry.".into(),
                )));
            }
            Err(e) => return Err(failure(e)),
        }
        st.store
            .audit(
                Some(who.user.id),
                who.actor(),
                "story.restore",
                Some(&format!("story {id}")),
                Some(&format!("revision {}", form.revision)),
                now,
            )
            .map_err(failure)?;
        Ok(Ok(()))
    })
    .await;
    match done {
        Err(resp) => resp,
        Ok(Err((status, m))) => refuse(status, &m),
        Ok(Ok(())) => {
            state.cache.clear();
            Redirect::to(&format!("/newsroom/stories/{id}?notice=restored")).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Article {
        Article { headline: "x".into(), ..blank_article_for_tests() }
    }

    fn blank_article_for_tests() -> Article {
        crate::test_support::article("Old headline", "News", "2026-01-01T00:00:00Z")
    }

    #[test]
    fn a_form_round_trips_every_block_kind() {
        let body = "csrf=x&revision=3&headline=Floods+close+schools&deck=&section=Europe&desk=Night&language=en\
            &authors=Ana+Ruiz%2C+Bo+Li%2C+Ana+Ruiz&tags=floods&source=AA&slug=&canonical_url=&embargo=2026-03-01T09%3A30\
            &image_asset=&image_alt=&image_caption=&image_credit=\
            &b.type=paragraph&b.text=First+para.\
            &b.type=heading&b.text=Why&b.level=3\
            &b.type=quote&b.text=It+rained.&b.cite=A+farmer\
            &b.type=list&b.text=one%0Atwo%0A&b.ordered=1\
            &b.type=embed&b.url=https%3A%2F%2Fexample.org%2Fv\
            &b.type=recommended\
            &b.type=related&b.publication=TRT+World&b.headline=Earlier+floods&b.url=\
            &b.type=paragraph&b.text=";
        let mut form = StoryForm::parse(body.as_bytes());
        assert_eq!(form.revision, 3);
        let tz = TimeZone::get("Europe/Istanbul").unwrap();
        let a = form.check_into_article(&base(), &tz, &|_| true).unwrap();
        assert_eq!(a.headline, "Floods close schools");
        assert_eq!(a.slug.as_str(), "floods-close-schools");
        assert_eq!(a.authors, ["Ana Ruiz", "Bo Li"]);
        assert_eq!(a.embargo, Some("2026-03-01T06:30:00Z".parse().unwrap()));
        assert_eq!(a.body.len(), 7, "the empty last paragraph is dropped: {:?}", a.body);
        assert_eq!(a.body[1], Block::Heading { text: "Why".into(), level: 3 });
        assert_eq!(a.body[3], Block::List { ordered: true, items: vec!["one".into(), "two".into()] });
        assert_eq!(a.body[5], Block::Recommended);
        // And back: the form made from the article holds the same blocks.
        let again: Vec<Block> =
            a.body.iter().map(BlockForm::from_block).map(|b| b.to_block(&|_| true).unwrap().unwrap()).collect();
        assert_eq!(again, a.body);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]
        /// Any posted form, well-formed or not, becomes an article or field errors, never a panic.
        #[test]
        fn any_posted_form_is_read_or_refused(
            pairs in proptest::collection::vec(
                (proptest::sample::select(vec!["headline", "section", "language", "slug", "embargo", "canonical_url",
                    "image_asset", "image_alt", "b.type", "b.text", "b.level", "b.url", "b.publication", "b.headline",
                    "b.asset", "b.alt", "revision", "recommended_pins", "x"]), "\\PC{0,24}"),
                0..24,
            )
        ) {
            let body: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
            let mut form = StoryForm::parse(body.as_bytes());
            let _ = form.check_into_article(&base(), &TimeZone::UTC, &|_| true);
            let _ = parse_ids(&form.recommended_pins);
        }
    }

    #[test]
    fn every_problem_is_named_by_its_field() {
        let body = "headline=&section=&language=english&slug=Not+A+Slug&canonical_url=ftp%3A%2F%2Fx&embargo=tomorrow\
            &image_asset=missing.jpg&image_alt=\
            &b.type=related&b.publication=TRT&b.headline=\
            &b.type=image&b.asset=";
        let mut form = StoryForm::parse(body.as_bytes());
        let errors = form.check_into_article(&base(), &TimeZone::UTC, &|f| f != "missing.jpg").unwrap_err();
        let fields: Vec<&str> = errors.keys().copied().collect();
        assert_eq!(
            fields,
            ["body", "canonical_url", "embargo", "headline", "image_alt", "image_asset", "language", "section", "slug"]
        );
        assert!(form.blocks[0].error.as_deref().unwrap().contains("both"));
        assert!(form.blocks[1].error.is_some());
        // What was typed is kept for the form to show again.
        assert_eq!(form.slug, "Not A Slug");
        assert_eq!(form.blocks[0].publication, "TRT");
    }
}
