//! The dashboard: every story the user may open, a page at a time, filtered, ordered and counted
//! by workflow state (the counts are exact: a query of their own, not the page's rows).

use axum::Extension;
use axum::extract::{Query, State};
use axum::response::Response;
use jiff::Timestamp;
use minijinja::context;
use newsdesk_core::{Role, WorkflowState};
use newsdesk_store::{StoryFilter, StorySort};
use serde::Deserialize;

use super::form::local_time;
use super::views::{render, ser};
use super::{Signed, blocking, failure};
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
) -> Response {
    let st = state.clone();
    let tz = state.site.time_zone.clone();
    let owner = (me.user.role == Role::Contributor).then_some(me.user.id);
    let day = |s: &str, next: bool| -> Option<Timestamp> {
        let d: jiff::civil::Date = s.trim().parse().ok()?;
        let d = if next { d.tomorrow().ok()? } else { d };
        tz.to_ambiguous_timestamp(d.to_datetime(jiff::civil::Time::midnight())).compatible().ok()
    };
    let sort = StorySort::parse(&q.sort).unwrap_or_default();
    let page = q.page.parse::<usize>().ok().filter(|p| (1..=10_000).contains(p)).unwrap_or(1);
    let filter = StoryFilter {
        state: Some(q.state.clone()).filter(|s| !s.is_empty()),
        section: Some(q.section.clone()).filter(|s| !s.is_empty()),
        desk: Some(q.desk.clone()).filter(|s| !s.is_empty()),
        query: Some(q.q.clone()).filter(|s| !s.trim().is_empty()),
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
    let (mut stories, counts, sections, desks, people) = match loaded {
        Ok(x) => x,
        Err(resp) => return resp,
    };
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
    render(
        "dashboard.html",
        context! { me => ser(&me.user), csrf => &me.csrf, stories => rows, counts, states, sections => ser(&sections), desks,
        authors, page, prev_url => (page > 1).then(|| link(page - 1, sort.as_str())), next_url => more.then(|| link(page + 1, sort.as_str())),
        sort => sort.as_str(),
        filter => context! { q => q.q, state => q.state, section => q.section, desk => q.desk, author => q.author, from => q.from, to => q.to },
        tz => tz.iana_name().unwrap_or("UTC") },
    )
}
