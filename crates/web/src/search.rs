//! Search on the site: `/search` and the Content API's `/api/v1/search`, answered from the index
//! `desk::search` keeps in step with the store (rebuilt in the background when it must be: the
//! site serves meanwhile).

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use newsdesk_derive::{Results, SearchIndex, SearchQuery, Sort};
use newsdesk_render::{SearchHitView, SearchPage, SectionLink, date_view};

use crate::{AppState, Error, pages};

pub const PAGE_SIZE: usize = 10;

/// The query parameters both the page and the API take.
#[derive(Debug, Default)]
pub struct Params {
    pub text: String,
    pub section: String,
    pub source: String,
    pub author: String,
    pub from: String,
    pub to: String,
    pub sort: Sort,
    pub page: usize,
}

/// Reads the query string: every value is checked and typed here; a bad one is named.
pub fn params(raw: Option<&str>) -> Result<(Params, SearchQuery), (String, String)> {
    let mut p = Params { page: 1, ..Params::default() };
    let bad = |name: &str, msg: String| (name.to_string(), msg);
    for (k, v) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        let v = v.trim().to_string();
        match k.as_ref() {
            "q" => p.text = v.chars().take(300).collect(),
            "section" => p.section = v,
            "source" => p.source = v.chars().take(100).collect(),
            "author" => p.author = v,
            "from" => p.from = v,
            "to" => p.to = v,
            "sort" => {
                p.sort = match v.as_str() {
                    "" | "relevance" => Sort::Relevance,
                    "date" => Sort::Date,
                    other => return Err(bad("sort", format!("expected relevance or date, found {other:?}"))),
                }
            }
            "page" => {
                p.page = v
                    .parse()
                    .ok()
                    .filter(|n| (1..=100).contains(n))
                    .ok_or_else(|| bad("page", format!("expected a page number from 1 to 100, found {v:?}")))?
            }
            // Other parameters (the API's key, limit and offset) are read by the caller.
            _ => {}
        }
    }
    let slug = |name: &str, v: &str| -> Result<Option<String>, (String, String)> {
        if v.is_empty() {
            return Ok(None);
        }
        newsdesk_core::Slug::parse(v)
            .map(|s| Some(s.to_string()))
            .map_err(|e| bad(name, format!("expected a slug: {e}")))
    };
    let day = |name: &str, v: &str, end: bool| -> Result<Option<Timestamp>, (String, String)> {
        if v.is_empty() {
            return Ok(None);
        }
        let d: jiff::civil::Date =
            v.parse().map_err(|_| bad(name, format!("expected a date like 2026-03-01, found {v:?}")))?;
        let d = if end { d.tomorrow().map_err(|e| bad(name, e.to_string()))? } else { d };
        jiff::tz::TimeZone::UTC
            .to_ambiguous_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
            .compatible()
            .map(Some)
            .map_err(|e| bad(name, e.to_string()))
    };
    let query = SearchQuery {
        text: p.text.clone(),
        section: slug("section", &p.section)?,
        source: Some(p.source.clone()).filter(|s| !s.is_empty()),
        author: slug("author", &p.author)?,
        from: day("from", &p.from, false)?,
        until: day("to", &p.to, true)?,
        sort: p.sort,
        limit: PAGE_SIZE,
        offset: (p.page - 1) * PAGE_SIZE,
    };
    Ok((p, query))
}

fn run(state: &AppState, query: &SearchQuery) -> Result<(Results, bool), Error> {
    let Some(index) = &state.search else {
        return Ok((Results { total: 0, hits: vec![], suggestion: None }, true));
    };
    let building = index.needs_rebuild();
    let results = index.search(query).map_err(|e| Error::Internal(e.to_string()))?;
    Ok((results, building))
}

fn url_with(p: &Params, text: &str, page: usize) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    s.append_pair("q", text);
    for (k, v) in
        [("section", &p.section), ("source", &p.source), ("author", &p.author), ("from", &p.from), ("to", &p.to)]
    {
        if !v.is_empty() {
            s.append_pair(k, v);
        }
    }
    if p.sort == Sort::Date {
        s.append_pair("sort", "date");
    }
    if page > 1 {
        s.append_pair("page", &page.to_string());
    }
    format!("/search?{}", s.finish())
}

/// `GET /search`: the page. Not kept in the page cache (its keys are unbounded); answered
/// fresh, and cacheable by browsers and CDNs for a minute.
pub async fn page(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let st = state.clone();
    let rendered = tokio::task::spawn_blocking(move || -> Result<String, Error> {
        let (p, query) = match params(raw.as_deref()) {
            Ok(x) => x,
            Err((name, msg)) => return Err(Error::invalid(&name, msg)),
        };
        let (results, building) = run(&st, &query)?;
        let tz = &st.site.time_zone;
        let hits = results
            .hits
            .iter()
            .map(|h| SearchHitView {
                url: h.path.clone(),
                headline: h.headline.clone(),
                section: SectionLink { name: h.section.clone(), url: format!("/{}", h.section_slug) },
                date: date_view(h.published, tz, &st.site.language),
                source: h.source.clone(),
                snippet_html: h.snippet.clone(),
            })
            .collect();
        let more = results.total > p.page * PAGE_SIZE;
        let view = SearchPage {
            site: crate::chrome::site_view(&st, None)?,
            search_text: p.text.clone(),
            section: p.section.clone(),
            source: p.source.clone(),
            author: p.author.clone(),
            from: p.from.clone(),
            to: p.to.clone(),
            sort: if p.sort == Sort::Date { "date" } else { "relevance" },
            total: results.total,
            hits,
            suggestion: results.suggestion.as_ref().map(|s| (url_with(&p, s, 1), s.clone())),
            prev_url: (p.page > 1).then(|| url_with(&p, &p.text, p.page - 1)),
            next_url: (more && p.page < 100).then(|| url_with(&p, &p.text, p.page + 1)),
            building,
        };
        Ok(st.theme.render("search.html", &view)?)
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))
    .and_then(|r| r);
    match rendered {
        Ok(html) => {
            let mut res = (StatusCode::OK, html).into_response();
            let h = res.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60"));
            res
        }
        Err(e) => pages::error_page(&state, &e).into_page().respond(&HeaderMap::new()),
    }
}

/// For the Content API: the results of a checked query.
pub fn api_search(state: &AppState, query: &SearchQuery) -> Result<Results, Error> {
    run(state, query).map(|(r, _)| r)
}

pub type SharedIndex = Arc<SearchIndex>;
