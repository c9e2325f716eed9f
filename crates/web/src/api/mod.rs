//! The read-only Content API under `/api/v1`: articles (filter by section, tag, author and
//! updated-since; cursor pagination; field selection), sections, tags and authors. A key per
//! client (`Authorization: Bearer KEY`), a request budget per key, JSON everywhere, RFC 9457
//! problems with stable codes, ETags. Every filter is parsed into a typed value before it reaches
//! the store, which binds it as a parameter: nothing from a request is ever spliced into SQL.

pub mod admin;
mod admin_media;
pub(crate) use admin_media::{FocusIo, FramingIo, RectIo, checked as checked_framing};
mod admin_wire;
mod ingest;
mod limit;
pub mod openapi;
mod problem;
pub mod wire;

use std::collections::HashSet;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jiff::Timestamp;
use newsdesk_core::{Article, Slug};
use newsdesk_desk::accounts::hash_key;
use newsdesk_store::ArticleFilter;
use serde_json::{Map, Value};
use wire::{
    ArticleField, ArticleListParams, ArticleOneParams, ArticleOut, Named, NamedList, SearchHit, SearchParams,
    SearchResults, SectionRef,
};

pub use limit::RateLimiter;
pub use problem::Problem;

use crate::Error;

use crate::{AppState, CachedPage};

pub const MAX_LIMIT: usize = 100;
const DEFAULT_LIMIT: usize = 20;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(openapi_document))
        .route("/api/v1/articles", get(list_articles))
        .route("/api/v1/articles/{id}", get(get_article))
        .route("/api/v1/search", get(search))
        .route("/api/v1/sections", get(list_sections))
        .route("/api/v1/tags", get(list_tags))
        .route("/api/v1/authors", get(list_authors))
        .route("/api/ingest", axum::routing::post(ingest::push))
        .route("/api/v1/admin/articles", get(admin::list).post(admin::create))
        .route("/api/v1/admin/articles/{id}", get(admin::get_one).patch(admin::update))
        .route("/api/v1/admin/articles/{id}/transitions", axum::routing::post(admin::transition))
        .route("/api/v1/admin/media/{file}", get(admin_media::get_one))
        .route("/api/v1/admin/media/{file}/framing", axum::routing::put(admin_media::set_framing))
}

/// The Admin API's upload route, which takes bodies up to the media library's limit.
pub fn upload_router() -> Router<AppState> {
    crate::newsroom::upload_routes(Router::new().route("/api/v1/admin/media", axum::routing::post(admin::upload)))
}

/// A URL as a URI: the UTF-8 bytes of letters outside ASCII (a slug may keep them) are
/// percent-encoded, so clients that want RFC 3986 get it.
pub fn as_uri(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for b in url.bytes() {
        if b.is_ascii() && !b.is_ascii_control() && b != b' ' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Checks a Content API key and spends one request of its budget.
async fn authorize(state: &AppState, headers: &HeaderMap) -> Result<(), Error> {
    authorize_scope(state, headers, newsdesk_store::KeyScope::Content).await
}

/// Checks the key, its scope, and spends one request of its budget.
async fn authorize_scope(state: &AppState, headers: &HeaderMap, scope: newsdesk_store::KeyScope) -> Result<(), Error> {
    let hash = hash_key(bearer(headers)?);
    let store = state.store.clone();
    let found = tokio::task::spawn_blocking(move || store.api_key_by_hash(&hash))
        .await
        .map_err(|e| Error::Internal(e.to_string()))??;
    let key = found.ok_or(Error::Unauthorized)?;
    if key.scope != scope {
        return Err(Error::Forbidden(format!(
            "this key's scope is {}; this endpoint needs a key made with --scope {}",
            key.scope.as_str(),
            scope.as_str()
        )));
    }
    state.api_limiter.check(key.id)
}

/// The secret in `Authorization: Bearer …` (a Content API key or an Admin API token).
fn bearer(headers: &HeaderMap) -> Result<&str, Error> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 200)
        .ok_or(Error::Unauthorized)
}

/// Whether the request body is declared as JSON (`application/json`, `…+json`).
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.split(';').next().is_some_and(|m| m.trim().ends_with("json")))
}

/// Runs a store read off the async threads.
async fn blocking<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&AppState) -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    let st = state.clone();
    tokio::task::spawn_blocking(move || f(&st)).await.map_err(|e| Error::Internal(e.to_string()))?
}

/// JSON with a strong ETag (304 on If-None-Match); private, since it answered a keyed request.
fn json_response(value: &Value, headers: &HeaderMap) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_default();
    let page = CachedPage::new(StatusCode::OK, "application/json", body, vec![]).private();
    page.respond(headers)
}

/// Query parameters, each at most once and all known.
fn params<S: AsRef<str>>(raw: Option<&str>, known: &[S]) -> Result<Vec<(String, String)>, Error> {
    let known: Vec<&str> = known.iter().map(AsRef::as_ref).collect();
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or(""))
        .map_err(|e| Error::invalid("query", format!("not a valid query string: {e}")))?;
    let mut seen = HashSet::new();
    for (name, _) in &pairs {
        if !known.contains(&name.as_str()) {
            return Err(Error::invalid(name, format!("unknown parameter; expected one of {}", known.join(", "))));
        }
        if !seen.insert(name.clone()) {
            return Err(Error::invalid(name, "given more than once"));
        }
    }
    Ok(pairs)
}

fn slug_param(name: &str, value: &str) -> Result<String, Error> {
    Slug::parse(value)
        .map(String::from)
        .map_err(|e| Error::invalid(name, format!("expected a slug such as \"middle-east\": {e}")))
}

/// The cursor is the (published_at, id) of the last article of the previous page, in hex so it
/// is opaque and URL-safe.
fn encode_cursor(a: &Article) -> Option<String> {
    let (published, id) = (a.published_at?, a.id?.0);
    Some(format!("{}:{id}", published.as_microsecond()).bytes().map(|b| format!("{b:02x}")).collect())
}

fn decode_cursor(s: &str) -> Result<(Timestamp, i64), Error> {
    let bad = || Error::invalid("cursor", "not a cursor this API gave out; use next_cursor from a previous page");
    if !s.len().is_multiple_of(2) || s.len() > 80 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    let bytes: Vec<u8> = (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16))
        .collect::<Result<_, _>>()
        .map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (at, id) = text.split_once(':').ok_or_else(bad)?;
    let at = Timestamp::from_microsecond(at.parse().map_err(|_| bad())?).map_err(|_| bad())?;
    Ok((at, id.parse().map_err(|_| bad())?))
}

pub struct ArticleQuery {
    section: Option<String>,
    tag: Option<String>,
    author: Option<String>,
    updated_since: Option<Timestamp>,
    before: Option<(Timestamp, i64)>,
    limit: usize,
    fields: Option<Vec<ArticleField>>,
}

pub fn article_query(raw: Option<&str>) -> Result<ArticleQuery, Error> {
    let mut q = ArticleQuery {
        section: None,
        tag: None,
        author: None,
        updated_since: None,
        before: None,
        limit: DEFAULT_LIMIT,
        fields: None,
    };
    for (name, value) in params(raw, wire::accepted!(ArticleListParams))? {
        match name.as_str() {
            "section" => q.section = Some(slug_param(&name, &value)?),
            "tag" => q.tag = Some(slug_param(&name, &value)?),
            "author" => q.author = Some(slug_param(&name, &value)?),
            "updated_since" => {
                q.updated_since = Some(value.parse().map_err(|_| {
                    Error::invalid(
                        &name,
                        format!("expected an RFC 3339 time like 2026-01-05T08:00:00Z, found {value:?}"),
                    )
                })?)
            }
            "limit" => {
                q.limit = value.parse().ok().filter(|n| (1..=MAX_LIMIT).contains(n)).ok_or_else(|| {
                    Error::invalid(&name, format!("expected a whole number from 1 to {MAX_LIMIT}, found {value:?}"))
                })?
            }
            "cursor" => q.before = Some(decode_cursor(&value)?),
            _ => q.fields = Some(fields_param(&value)?),
        }
    }
    Ok(q)
}

fn fields_param(value: &str) -> Result<Vec<ArticleField>, Error> {
    value
        .split(',')
        .map(|f| {
            ArticleField::parse(f.trim()).ok_or_else(|| {
                let all: Vec<&str> = ArticleField::ALL.iter().map(|f| f.as_str()).collect();
                Error::invalid("fields", format!("{f:?} is not a field; choose from {}", all.join(",")))
            })
        })
        .collect()
}

/// An article as the API shows it, limited to `fields` (the id always comes along).
fn article_json(a: &Article, site_url: &str, fields: Option<&[ArticleField]>) -> Value {
    let all = serde_json::to_value(ArticleOut::new(a, site_url)).unwrap_or_default();
    let Some(fields) = fields else { return all };
    let Value::Object(all) = all else { return all };
    let keep: Map<String, Value> =
        all.into_iter().filter(|(k, _)| k == "id" || fields.iter().any(|f| f.as_str() == k)).collect();
    Value::Object(keep)
}

/// Published articles, newest first.
#[utoipa::path(get, path = "/api/v1/articles", operation_id = "listArticles", tag = "content",
    params(ArticleListParams),
    responses((status = 200, description = "One page of articles.", body = wire::ArticleList, headers(("ETag" = String, description = "Strong validator; send it back in If-None-Match.")))))]
async fn list_articles(State(state): State<AppState>, RawQuery(raw): RawQuery, headers: HeaderMap) -> Response {
    let result = async {
        let q = article_query(raw.as_deref())?;
        authorize(&state, &headers).await?;
        let value = blocking(&state, move |st| list_value(st, &q)).await?;
        Ok::<_, Error>(json_response(&value, &headers))
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

/// One page of `GET /api/v1/articles`: the stories and the cursor to the next page.
pub fn list_value(st: &AppState, q: &ArticleQuery) -> Result<Value, Error> {
    let filter = ArticleFilter {
        section: q.section.as_deref(),
        tag: q.tag.as_deref(),
        author: q.author.as_deref(),
        updated_since: q.updated_since,
        before: q.before,
        ..Default::default()
    };
    let mut list = st.store.latest_published(&filter, q.limit + 1, 0)?;
    let more = list.len() > q.limit;
    list.truncate(q.limit);
    let next = if more { list.last().and_then(encode_cursor) } else { None };
    let data: Vec<Value> = list.iter().map(|a| article_json(a, &st.site.url, q.fields.as_deref())).collect();
    Ok(serde_json::to_value(wire::ArticleList { data, next_cursor: next }).unwrap_or_default())
}

/// One published article.
#[utoipa::path(get, path = "/api/v1/articles/{id}", operation_id = "getArticle", tag = "content",
    params(wire::ArticlePath, ArticleOneParams),
    responses(
        (status = 200, description = "The article.", body = wire::ArticleOne, headers(("ETag" = String, description = "Strong validator; send it back in If-None-Match."))),
        (status = 404, description = "No published article has this id (code `not-found`).", body = Problem, content_type = "application/problem+json")))]
async fn get_article(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let fields = match params(raw.as_deref(), wire::accepted!(ArticleOneParams))?.pop() {
            Some((_, value)) => Some(fields_param(&value)?),
            None => None,
        };
        authorize(&state, &headers).await?;
        let id: i64 = id.parse().ok().filter(|n| *n > 0).ok_or_else(|| Error::NotFound(format!("article {id}")))?;
        let value = blocking(&state, move |st| {
            let a = st.store.article(newsdesk_core::ArticleId(id))?;
            let now = st.now();
            if !a.is_live(now) {
                return Err(Error::NotFound(format!("article {id}")));
            }
            Ok(serde_json::to_value(wire::ArticleOne { data: article_json(&a, &st.site.url, fields.as_deref()) })
                .unwrap_or_default())
        })
        .await?;
        Ok::<_, Error>(json_response(&value, &headers))
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

/// Full-text search of published articles.
///
/// Words must all match (headline, deck, body, tags, authors; each story in its own language).
/// `"a phrase"`, `prefix*` and `-excluded` work as on the site.
#[utoipa::path(get, path = "/api/v1/search", operation_id = "search", tag = "content",
    params(SearchParams),
    responses((status = 200, description = "Matching articles, best first (or newest first).", body = SearchResults, headers(("ETag" = String, description = "Strong validator; send it back in If-None-Match.")))))]
async fn search(State(state): State<AppState>, RawQuery(raw): RawQuery, headers: HeaderMap) -> Response {
    let result = async {
        let given = params(raw.as_deref(), wire::accepted!(SearchParams))?;
        let (p, mut query) = crate::search::params(raw.as_deref()).map_err(|(name, msg)| Error::invalid(&name, msg))?;
        if let Some((_, l)) = given.iter().find(|(k, _)| k == "limit") {
            query.limit =
                l.parse::<usize>().ok().filter(|n| (1..=50).contains(n)).ok_or_else(|| {
                    Error::invalid("limit", format!("expected a whole number from 1 to 50, found {l:?}"))
                })?;
            query.offset = (p.page - 1) * query.limit;
        }
        authorize(&state, &headers).await?;
        let value = blocking(&state, move |st| {
            let r = crate::search::api_search(st, &query).map_err(|e| Error::Internal(e.to_string()))?;
            let data = r
                .hits
                .iter()
                .map(|h| SearchHit {
                    id: h.id,
                    url: as_uri(&format!("{}{}", st.site.url, h.path)),
                    headline: h.headline.clone(),
                    deck: h.deck.clone(),
                    section: SectionRef { name: h.section.clone(), slug: h.section_slug.clone() },
                    source: h.source.clone(),
                    language: h.language.clone(),
                    published_at: h.published.to_string(),
                    snippet: h.snippet.clone(),
                })
                .collect();
            let results = SearchResults { data, total: r.total, page: p.page, suggestion: r.suggestion };
            Ok(serde_json::to_value(results).unwrap_or_default())
        })
        .await?;
        Ok::<_, Error>(json_response(&value, &headers))
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

/// Sections with published articles.
#[utoipa::path(get, path = "/api/v1/sections", operation_id = "listSections", tag = "content",
    responses((status = 200, description = "Sections with published articles.", body = NamedList, headers(("ETag" = String, description = "Strong validator; send it back in If-None-Match.")))))]
async fn list_sections(State(state): State<AppState>, RawQuery(raw): RawQuery, headers: HeaderMap) -> Response {
    named_list(state, raw, headers, |st| {
        let sections = st.store.sections()?;
        Ok(sections
            .into_iter()
            .filter(|s| s.published > 0)
            .map(|s| Named {
                url: as_uri(&format!("{}/{}", st.site.url, s.slug)),
                slug: s.slug,
                name: s.name,
                published: s.published,
            })
            .collect())
    })
    .await
}

/// Tags with published articles, most used first.
#[utoipa::path(get, path = "/api/v1/tags", operation_id = "listTags", tag = "content",
    responses((status = 200, description = "Tags with published articles, most used first.", body = NamedList, headers(("ETag" = String, description = "Strong validator; send it back in If-None-Match.")))))]
async fn list_tags(State(state): State<AppState>, RawQuery(raw): RawQuery, headers: HeaderMap) -> Response {
    named_list(state, raw, headers, |st| {
        Ok(st.store.tags(10_000)?.into_iter().map(|t| named(t, &st.site.url, "/tag/")).collect())
    })
    .await
}

/// Authors with published articles.
#[utoipa::path(get, path = "/api/v1/authors", operation_id = "listAuthors", tag = "content",
    responses((status = 200, description = "Authors with published articles.", body = NamedList, headers(("ETag" = String, description = "Strong validator; send it back in If-None-Match.")))))]
async fn list_authors(State(state): State<AppState>, RawQuery(raw): RawQuery, headers: HeaderMap) -> Response {
    named_list(state, raw, headers, |st| {
        Ok(st.store.authors(10_000)?.into_iter().map(|a| named(a, &st.site.url, "/author/")).collect())
    })
    .await
}

fn named(n: newsdesk_store::NamedCount, site_url: &str, prefix: &str) -> Named {
    Named { url: as_uri(&format!("{site_url}{prefix}{}", n.slug)), slug: n.slug, name: n.name, published: n.published }
}

async fn named_list(
    state: AppState,
    raw: Option<String>,
    headers: HeaderMap,
    f: impl FnOnce(&AppState) -> Result<Vec<Named>, Error> + Send + 'static,
) -> Response {
    let result = async {
        params::<&str>(raw.as_deref(), &[])?;
        authorize(&state, &headers).await?;
        let data = blocking(&state, f).await?;
        let value = serde_json::to_value(NamedList { data }).unwrap_or_default();
        Ok::<_, Error>(json_response(&value, &headers))
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

async fn openapi_document(State(state): State<AppState>) -> Response {
    let doc = openapi::document(&state.site.url);
    let mut res = axum::Json(doc).into_response();
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    res
}

/// Answers any other `/api/...` path with a problem document rather than an HTML page.
pub async fn not_found() -> Response {
    Error::NotFound("API endpoint".into()).into_response()
}

/// Shared so handlers can hold it cheaply.
pub type Limiter = Arc<RateLimiter>;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod admin_tests;
#[cfg(test)]
mod picture_tests;
