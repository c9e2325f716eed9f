//! The dashboard: every story the user may open, a page at a time, filtered, ordered and counted
//! by workflow state (the counts are exact: a query of their own, not the page's rows).

use crate::Error;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use minijinja::context;
use newsdesk_core::article::Section;
use newsdesk_core::{Action, Article, ArticleId, Role, WorkflowState};
use newsdesk_store::{ActionInput, SaveError, StoreError, StoryFilter, StorySort};
use serde::Deserialize;

use super::form::{clean, local_time};
use super::views::{render, render_status, ser};
use super::{Signed, blocking, can_edit, failure, refuse};
use crate::AppState;

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
    /// A user id: only their stories.
    #[serde(default)]
    author: String,
    /// Changed on or after this day (the site's time zone), `YYYY-MM-DD`.
    #[serde(default)]
    from: String,
    /// Changed on or before this day.
    #[serde(default)]
    to: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    page: String,
}

/// Stories on one page of the dashboard.
const DASHBOARD_PAGE: usize = 50;

pub async fn dashboard(
    State(state): State<AppState>,
    Extension(me): Extension<Signed>,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, Response> {
    let st = state.clone();
    let tz = state.site.time_zone.clone();
    let owner = (me.user.role == Role::Contributor).then_some(me.user.id);
    let day = |s: &str, next: bool| -> Option<Timestamp> {
        let d: jiff::civil::Date = s.trim().parse().ok()?;
        let d = if next { d.tomorrow().ok()? } else { d };
        tz.to_ambiguous_timestamp(d.to_datetime(jiff::civil::Time::midnight())).compatible().ok()
    };
    let page = q.page.parse::<usize>().ok().filter(|p| (1..=10_000).contains(p)).unwrap_or(1);
    // Words are looked up in the search indexes (headline, deck and body, misspellings put
    // right); the dashboard's query then keeps only the hits this user may see, with its filters.
    let words = q.q.trim().to_string();
    let found = if words.is_empty() {
        None
    } else {
        let st = state.clone();
        let w = words.clone();
        blocking(move || super::finder::find(&st, &w).map_err(failure)).await?
    };
    let default_sort = if found.is_some() { StorySort::Relevance } else { StorySort::Changed };
    let sort = if q.sort.is_empty() { default_sort } else { StorySort::parse(&q.sort).unwrap_or(default_sort) };
    let sort = if found.is_none() && sort == StorySort::Relevance { StorySort::Changed } else { sort };
    let corrected = found.as_ref().and_then(|f| f.corrected.clone());
    let filter = StoryFilter {
        state: Some(q.state.clone()).filter(|s| !s.is_empty()),
        section: Some(q.section.clone()).filter(|s| !s.is_empty()),
        desk: Some(q.desk.clone()).filter(|s| !s.is_empty()),
        // Without an index, the words are matched in headline and deck.
        query: Some(words.clone()).filter(|w| !w.is_empty() && found.is_none()),
        ids: found.map(|f| f.ids),
        owner,
        author: q.author.parse().ok(),
        changed_since: day(&q.from, false),
        changed_before: day(&q.to, true),
        sort,
        offset: (page - 1) * DASHBOARD_PAGE,
    };
    let loaded = blocking(move || {
        let stories = st.store.stories(&filter, DASHBOARD_PAGE + 1).map_err(failure)?;
        let counts = st.store.story_counts(&filter).map_err(failure)?;
        let sections = st.store.section_names().map_err(failure)?;
        let desks = st.store.desks().map_err(failure)?;
        let people = st.store.users().map_err(failure)?;
        Ok((stories, counts, sections, desks, people))
    })
    .await;
    let (mut stories, counts, sections, desks, people) = loaded?;
    let more = stories.len() > DASHBOARD_PAGE;
    stories.truncate(DASHBOARD_PAGE);
    let tz = &state.site.time_zone;
    let counts: Vec<_> = WorkflowState::ALL
        .iter()
        .filter_map(|s| counts.iter().find(|(st, _)| st == s.as_str()).map(|(_, n)| (s.as_str(), *n)))
        .filter(|(_, n)| *n > 0)
        .map(|(state, count)| context! { state, label => state.replace('_', " "), count })
        .collect();
    let rows: Vec<_> = stories
        .iter()
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
    // The same filters on another page or in another order.
    let link = |page: usize, sort: &str| {
        let mut u = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("q", &q.q),
            ("state", &q.state),
            ("section", &q.section),
            ("desk", &q.desk),
            ("author", &q.author),
            ("from", &q.from),
            ("to", &q.to),
        ] {
            if !v.is_empty() {
                u.append_pair(k, v);
            }
        }
        if sort != "changed" {
            u.append_pair("sort", sort);
        }
        if page > 1 {
            u.append_pair("page", &page.to_string());
        }
        format!("/newsroom?{}", u.finish())
    };
    let authors: Vec<_> = people.iter().map(|u| context! { id => u.id.to_string(), name => u.name.clone() }).collect();
    Ok(render(
        "dashboard.html",
        context! { me => ser(&me.user), csrf => &me.csrf, stories => rows, counts, states, sections => ser(&sections), desks,
        authors, page, prev_url => (page > 1).then(|| link(page - 1, sort.as_str())), next_url => more.then(|| link(page + 1, sort.as_str())),
        sort => sort.as_str(), searching => !words.is_empty() && filter_has_index(&state), corrected,
        bulk => (me.user.role >= Role::Editor).then_some(BULK_ACTIONS),
        filter => context! { q => q.q, state => q.state, section => q.section, desk => q.desk, author => q.author, from => q.from, to => q.to },
        tz => tz.iana_name().unwrap_or("UTC") },
    ))
}

fn filter_has_index(state: &AppState) -> bool {
    state.search.is_some() || state.newsroom_search.is_some()
}

/// What the dashboard's bulk form may do to the ticked stories.
const BULK_ACTIONS: [(&str, &str); 4] =
    [("submit", "Submit"), ("publish", "Publish"), ("spike", "Spike"), ("move", "Move to section")];

/// Most stories one bulk request may touch (a page of the dashboard, with room).
const BULK_MAX: usize = 200;

/// `POST /newsroom/stories/bulk` (editors): one action on the ticked stories, `ids` repeated.
/// Submit, publish and spike go through the workflow as the story page's buttons do (the same
/// role and state rules); a move saves each story in the new section through the revision
/// check, as its form would. Each story is done or refused on its own, and the page says which.
pub async fn bulk(
    State(state): State<AppState>,
    Extension(me): Extension<Signed>,
    body: Bytes,
) -> Result<Response, Response> {
    let (mut ids, mut action, mut section) = (Vec::new(), String::new(), String::new());
    for (k, v) in form_urlencoded::parse(&body) {
        match k.as_ref() {
            "ids" => match v.trim().parse::<i64>() {
                Ok(id) if id >= 1 => ids.push(id),
                _ => return Ok(refuse(Error::InvalidDocument(format!("{v:?} is not a story number.")))),
            },
            "action" => action = v.into_owned(),
            "section" => section = clean(&v),
            _ => {}
        }
    }
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(refuse(Error::InvalidDocument("Tick at least one story first.".into())));
    }
    if ids.len() > BULK_MAX {
        return Ok(refuse(Error::InvalidDocument(format!("At most {BULK_MAX} stories at once."))));
    }
    let Some(&(action, label)) = BULK_ACTIONS.iter().find(|(a, _)| *a == action) else {
        return Ok(refuse(Error::InvalidDocument("Choose submit, publish, spike or move to section.".into())));
    };
    let to = match action {
        "move" => match Section::from_label(&section) {
            Some(s) => Some(s),
            None => return Ok(refuse(Error::InvalidDocument("Choose the section to move the stories to.".into()))),
        },
        _ => None,
    };
    let st = state.clone();
    let who = me.clone();
    let outcome = blocking(move || {
        let mut lines = Vec::with_capacity(ids.len());
        let mut done = 0;
        for id in ids {
            let now = st.now();
            let result = match &to {
                Some(section) => move_story(&st, &who, id, section, now),
                None => {
                    let act = Action::parse(action).expect("a bulk action is a workflow action");
                    st.store
                        .apply_action(ArticleId(id), act, who.user.role, ActionInput::default(), who.actor(), now)
                        .map(|_| ())
                        .map_err(|e| match e {
                            SaveError::Workflow(w) => crate::Error::from(w).sentence(),
                            SaveError::Store(StoreError::NotFound { .. }) => "there is no such story".into(),
                            other => other.to_string(),
                        })
                }
            };
            match result {
                Ok(()) => {
                    done += 1;
                    let target = format!("story {id}");
                    let what = format!("story.{action} (bulk)");
                    st.store.audit(Some(who.user.id), who.actor(), &what, Some(&target), None, now).map_err(failure)?;
                    lines.push(format!("#{id}: done"));
                }
                Err(why) => lines.push(format!("#{id}: not done: {why}")),
            }
        }
        Ok((done, lines))
    })
    .await;
    let (done, lines) = outcome?;
    if done > 0 {
        state.catch_up().await;
    }
    let title = format!("{label}: {done} of {} stories", lines.len());
    Ok(render_status(
        StatusCode::OK,
        "message.html",
        context! { me => ser(&me.user), csrf => &me.csrf, title, message => lines.join("\n"), lines },
    ))
}

/// Moves one story to `section`, saved through the revision check like its form (so someone
/// else's newer revision is never overwritten, and the rules on who may change it hold).
fn move_story(st: &AppState, who: &Signed, id: i64, section: &Section, now: Timestamp) -> Result<(), String> {
    let story = match st.store.story(ArticleId(id)) {
        Ok(s) => s,
        Err(StoreError::NotFound { .. }) => return Err("there is no such story".into()),
        Err(e) => return Err(e.to_string()),
    };
    if !can_edit(&who.user, story.owner_id, story.article.state) {
        return Err(format!("a {} story cannot be changed", story.article.state.as_str().replace('_', " ")));
    }
    if story.article.section == *section {
        return Ok(());
    }
    let moved = Article { section: section.clone(), ..story.article };
    st.store
        .save_story(&newsdesk_store::StoryEdit::plain(&moved, story.desk.as_deref(), story.revision, who.actor()), now)
        .map(|_| ())
        .map_err(|e| match e {
            SaveError::Store(StoreError::Conflict(m)) => m,
            other => other.to_string(),
        })
}
