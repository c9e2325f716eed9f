//! The back office at `/newsroom`: sign-in, the dashboard, the story editor, workflow actions,
//! revisions, the media library, the wire queue and the admin pages. Server-rendered; a little
//! JavaScript adds autosave, the soft lock, block reordering and uploads.
//!
//! Who may do what is decided in one place: [`POLICY`] names every route with the least role it
//! needs, and [`guard`] (a layer on the whole router) enforces it, checks the session and, on
//! every state-changing request, the CSRF token and the Origin. A route missing from the table
//! is refused. What a role may do to one story (own drafts only, publish or not) is decided by
//! [`can_open`], [`can_edit`] and, for workflow actions, `core`'s transition table.

// Handlers here fail with the HTTP response itself (a refusal page), made once per request;
// boxing it would only add an allocation.
#![allow(clippy::result_large_err)]

mod dashboard;
pub mod finder;
pub(crate) mod form;
mod fronts;
mod locks;
pub(crate) mod media;
mod people;
mod revisions;
mod routing;
pub(crate) mod stories;
mod views;
mod wire;

use crate::Error;
use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use newsdesk_core::Role;
use newsdesk_store::{Session, User};
use tower_http::limit::RequestBodyLimitLayer;

use crate::AppState;
use newsdesk_desk::accounts::{self as auth, hash_key};

pub use views::render;

/// The session cookie; scoped to `/newsroom` so reader pages stay cookie-free and cacheable.
pub const SESSION_COOKIE: &str = "nd_session";
/// Largest upload to the media library.
pub const MAX_UPLOAD_BYTES: usize = newsdesk_ingest::image::MAX_BYTES;

/// The newsroom's Content-Security-Policy: its own scripts, styles and pictures (uploads show
/// as `blob:` previews), posts only to itself, never framed.
pub const NEWSROOM_CSP: &str = "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Who may call a route: anyone (the sign-in pages), or a signed-in user of at least this role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Anyone,
    AtLeast(Role),
}

use Access::{Anyone, AtLeast};
use Role::{Admin, Contributor, Editor, Reporter};

/// Every newsroom route, with the least role it needs. The router is built from this table's
/// paths, and a test walks it with every role and anonymous.
pub const POLICY: &[(&str, &str, Access)] = &[
    ("GET", "/newsroom/login", Anyone),
    ("POST", "/newsroom/login", Anyone),
    ("GET", "/newsroom/invite/{token}", Anyone),
    ("POST", "/newsroom/invite/{token}", Anyone),
    ("GET", "/newsroom/assets/{file}", Anyone),
    ("POST", "/newsroom/logout", AtLeast(Contributor)),
    ("GET", "/newsroom", AtLeast(Contributor)),
    ("GET", "/newsroom/stories/new", AtLeast(Contributor)),
    ("POST", "/newsroom/stories", AtLeast(Contributor)),
    ("POST", "/newsroom/stories/bulk", AtLeast(Editor)),
    ("GET", "/newsroom/stories/{id}", AtLeast(Contributor)),
    ("POST", "/newsroom/stories/{id}", AtLeast(Contributor)),
    ("POST", "/newsroom/stories/{id}/action", AtLeast(Contributor)),
    ("GET", "/newsroom/stories/{id}/preview", AtLeast(Contributor)),
    ("POST", "/newsroom/stories/{id}/lock", AtLeast(Contributor)),
    ("POST", "/newsroom/stories/{id}/unlock", AtLeast(Contributor)),
    ("GET", "/newsroom/stories/{id}/revisions", AtLeast(Reporter)),
    ("POST", "/newsroom/stories/{id}/restore", AtLeast(Editor)),
    ("GET", "/newsroom/media", AtLeast(Contributor)),
    ("POST", "/newsroom/media", AtLeast(Contributor)),
    ("POST", "/newsroom/media/{id}", AtLeast(Reporter)),
    ("POST", "/newsroom/media/{id}/delete", AtLeast(Editor)),
    ("GET", "/newsroom/wire", AtLeast(Reporter)),
    ("GET", "/newsroom/wire/{id}", AtLeast(Reporter)),
    ("POST", "/newsroom/wire/{id}/take", AtLeast(Reporter)),
    ("GET", "/newsroom/routing", AtLeast(Editor)),
    ("POST", "/newsroom/routing", AtLeast(Editor)),
    ("POST", "/newsroom/routing/{id}", AtLeast(Editor)),
    ("POST", "/newsroom/sources/{id}/poll", AtLeast(Editor)),
    ("GET", "/newsroom/fronts", AtLeast(Editor)),
    ("POST", "/newsroom/fronts", AtLeast(Editor)),
    ("POST", "/newsroom/authors/{slug}", AtLeast(Editor)),
    ("GET", "/newsroom/users", AtLeast(Admin)),
    ("POST", "/newsroom/users", AtLeast(Admin)),
    ("POST", "/newsroom/users/{id}", AtLeast(Admin)),
    ("GET", "/newsroom/audit", AtLeast(Admin)),
];

/// The access rule of a route, if the table names it.
pub fn access(method: &Method, path: &str) -> Option<Access> {
    POLICY.iter().find(|(m, p, _)| *m == method.as_str() && *p == path).map(|(_, _, a)| *a)
}

/// May `user` open (read, preview) a story owned by `owner`? Contributors see only their own.
pub fn can_open(user: &User, owner: Option<i64>) -> bool {
    user.role >= Reporter || owner == Some(user.id)
}

/// May `user` change a story's content? The desk (editors, admins) may change any story that is
/// not spiked; reporters and contributors only their own drafts (once submitted, the desk has it).
pub fn can_edit(user: &User, owner: Option<i64>, state: newsdesk_core::WorkflowState) -> bool {
    use newsdesk_core::WorkflowState as S;
    match user.role {
        Admin | Editor => state != S::Spiked,
        Reporter | Contributor => owner == Some(user.id) && state == S::Draft,
    }
}

/// The signed-in user of a request, put there by [`guard`].
#[derive(Debug, Clone)]
pub struct Signed {
    pub user: User,
    pub csrf: String,
    pub session_hash: String,
}

impl Signed {
    /// How the audit log and revisions name this user.
    pub fn actor(&self) -> &str {
        &self.user.email
    }
}

pub fn router(state: AppState) -> Router<AppState> {
    let mut r = Router::new()
        .route("/newsroom/login", get(people::login_form).post(people::login))
        .route("/newsroom/invite/{token}", get(people::invite_form).post(people::accept_invite))
        .route("/newsroom/assets/{file}", get(views::asset))
        .route("/newsroom/logout", post(people::logout))
        .route("/newsroom", get(dashboard::dashboard))
        .route("/newsroom/stories/new", get(stories::new_form))
        .route("/newsroom/stories", post(stories::create))
        .route("/newsroom/stories/bulk", post(dashboard::bulk))
        .route("/newsroom/stories/{id}", get(stories::edit_form).post(stories::save))
        .route("/newsroom/stories/{id}/action", post(stories::action))
        .route("/newsroom/stories/{id}/preview", get(stories::preview))
        .route("/newsroom/stories/{id}/lock", post(locks::lock))
        .route("/newsroom/stories/{id}/unlock", post(locks::unlock))
        .route("/newsroom/stories/{id}/revisions", get(revisions::revisions))
        .route("/newsroom/stories/{id}/restore", post(revisions::restore))
        .route("/newsroom/wire", get(wire::queue))
        .route("/newsroom/wire/{id}", get(wire::item))
        .route("/newsroom/wire/{id}/take", post(wire::take))
        .route("/newsroom/routing", get(routing::rules).post(routing::save))
        .route("/newsroom/routing/{id}", post(routing::change))
        .route("/newsroom/sources/{id}/poll", post(routing::poll_source))
        .route("/newsroom/fronts", get(fronts::fronts).post(fronts::set_pins))
        .route("/newsroom/authors/{slug}", post(fronts::set_author))
        .route("/newsroom/users", get(people::users).post(people::add_user))
        .route("/newsroom/users/{id}", post(people::update_user))
        .route("/newsroom/audit", get(people::audit))
        .route("/newsroom/media/{id}", post(media::update))
        .route("/newsroom/media/{id}/delete", post(media::delete))
        .layer(RequestBodyLimitLayer::new(crate::MAX_BODY_BYTES));
    // Uploads get their own, larger limit: both the transport's and the one axum's body
    // extractors keep on their own (2 MB unless told otherwise).
    r = r.merge(upload_routes(Router::new().route("/newsroom/media", get(media::library).post(media::upload))));
    r.route_layer(axum::middleware::from_fn_with_state(state, guard))
}

/// Routes that take pictures: bodies up to [`MAX_UPLOAD_BYTES`], not the site's one megabyte.
pub(crate) fn upload_routes(routes: Router<AppState>) -> Router<AppState> {
    routes
        .layer(axum::extract::DefaultBodyLimit::max(MAX_UPLOAD_BYTES))
        .layer(RequestBodyLimitLayer::new(MAX_UPLOAD_BYTES))
}

/// The one gate in front of every newsroom route (see the module comment).
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Result<Response, Response> {
    let method = req.method().clone();
    let Some(route) = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_string()) else {
        return Ok(refuse(Error::NotFound("page".into())));
    };
    // HEAD is GET without the body, so it follows GET's rule.
    let rule = if method == Method::HEAD { access(&Method::GET, &route) } else { access(&method, &route) };
    let Some(rule) = rule else {
        let allowed: Vec<&str> = POLICY.iter().filter(|(_, p, _)| *p == route).map(|(m, _, _)| *m).collect();
        if allowed.is_empty() {
            tracing::error!(%method, route, "newsroom route missing from the policy table; refused");
            return Ok(gate(refuse(Error::Forbidden("This action is not allowed.".into()))));
        }
        let allow = if allowed.contains(&"GET") { format!("{}, HEAD", allowed.join(", ")) } else { allowed.join(", ") };
        let mut resp = gate(refuse(Error::MethodNotAllowed));
        if let Ok(v) = HeaderValue::from_str(&allow) {
            resp.headers_mut().insert(header::ALLOW, v);
        }
        return Ok(resp);
    };
    let changes_state = !matches!(method, Method::GET | Method::HEAD);
    if changes_state && !same_origin(&state, req.headers()) {
        return Ok(gate(refuse(Error::Forbidden(
            "Cross-site request refused: it did not come from this site.".into(),
        ))));
    }
    let now = state.now();
    let signed = session_of(&state, req.headers(), now).await?;
    // Pages anyone may post to (sign-in, accepting an invite) have no session to bind a token
    // to, so they get a pre-session one: a short-lived cookie the form must echo.
    let mut pre = None;
    let (mut req, signed) = match (rule, signed) {
        (Anyone, s) if changes_state => {
            let Some(token) = cookie(req.headers(), PRE_SESSION_COOKIE).filter(|t| t.len() >= 32) else {
                return Ok(gate(refuse(Error::Forbidden(PRE_SESSION_EXPIRED.to_string()))));
            };
            match check_csrf(req, &token).await {
                Ok(req) => {
                    pre = Some(token);
                    (req, s)
                }
                Err(_) => return Ok(gate(refuse(Error::Forbidden(PRE_SESSION_EXPIRED.to_string())))),
            }
        }
        (Anyone, s) if route.starts_with("/newsroom/assets/") => (req, s),
        (Anyone, s) => {
            let token = match cookie(req.headers(), PRE_SESSION_COOKIE).filter(|t| t.len() >= 32) {
                Some(t) => t,
                None => match auth::random_token("pre_") {
                    Ok(t) => t,
                    Err(e) => return Ok(failure(e)),
                },
            };
            pre = Some(token);
            (req, s)
        }
        (AtLeast(_), None) if matches!(method, Method::GET | Method::HEAD) => {
            let next_path = req.uri().path_and_query().map_or("/newsroom", |p| p.as_str());
            let to = format!("/newsroom/login?next={}", urlencode(next_path));
            return Ok(gate(Redirect::to(&to).into_response()));
        }
        (AtLeast(_), None) => return Ok(gate(refuse(Error::Unauthorized))),
        (AtLeast(min), Some(s)) if s.user.role < min => {
            return Ok(gate(refuse(Error::Forbidden("Your role does not allow this.".into()))));
        }
        (AtLeast(_), Some(s)) => {
            if changes_state {
                match check_csrf(req, &s.csrf).await {
                    Ok(req) => (req, Some(s)),
                    Err(resp) => return Ok(gate(resp)),
                }
            } else {
                (req, Some(s))
            }
        }
    };
    if let Some(s) = signed {
        req.extensions_mut().insert(s);
    }
    if let Some(token) = &pre {
        req.extensions_mut().insert(PreSession(token.clone()));
    }
    let mut resp = next.run(req).await;
    if let Some(token) = pre
        && let Ok(v) = HeaderValue::from_str(&pre_session_cookie(&state, &token))
    {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    // Back-office pages are private and never cached by anyone, framed by no one, and load
    // nothing from other hosts.
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(NEWSROOM_CSP));
    Ok(resp)
}

/// Marks a refusal as the gate's (the policy table, the session, CSRF or Origin), so clients and
/// tests can tell it from a handler's own answer.
fn gate(mut resp: Response) -> Response {
    resp.headers_mut().insert("x-newsroom-refused", HeaderValue::from_static("gate"));
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

async fn session_of(state: &AppState, headers: &HeaderMap, now: Timestamp) -> Result<Option<Signed>, Response> {
    let Some(token) = cookie(headers, SESSION_COOKIE) else { return Ok(None) };
    let hash = hash_key(&token);
    let store = state.store.clone();
    let h = hash.clone();
    let found = tokio::task::spawn_blocking(move || store.session(&h, now)).await;
    match found {
        Ok(Ok(Some(Session { user, csrf, .. }))) => Ok(Some(Signed { user, csrf, session_hash: hash })),
        Ok(Ok(None)) => Ok(None),
        Ok(Err(e)) => Err(failure(format!("cannot read sessions: {e}"))),
        Err(e) => Err(failure(format!("session lookup failed: {e}"))),
    }
}

/// A state-changing request must carry the session's CSRF token: in the `x-csrf-token` header
/// (scripts, uploads) or the `csrf` form field (forms). Never in the query string, where it
/// would end up in logs, history and Referer headers.
async fn check_csrf(req: Request, expected: &str) -> Result<Request, Response> {
    let bad = || {
        refuse(Error::Forbidden(
            "The form's security token is missing or belongs to another session. Reload the page and try again.".into(),
        ))
    };
    if let Some(v) = req.headers().get("x-csrf-token") {
        return if v.to_str().is_ok_and(|v| auth::same_secret(v, expected)) { Ok(req) } else { Err(bad()) };
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(bad());
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, crate::MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(_) => return Err(refuse(Error::TooLarge("The form is too large.".into()))),
    };
    let ok = form_urlencoded::parse(&bytes).any(|(k, v)| k == "csrf" && auth::same_secret(&v, expected));
    if !ok {
        return Err(bad());
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// A state-changing request's Origin (or, without one, its Referer) must be this site: the
/// configured public URL or the Host the request was sent to. Requests with neither header
/// (curl, the tests' clients) rely on the CSRF token alone.
fn same_origin(state: &AppState, headers: &HeaderMap) -> bool {
    let origin = headers.get(header::ORIGIN).or_else(|| headers.get(header::REFERER)).and_then(|v| v.to_str().ok());
    let Some(origin) = origin else { return true };
    if origin == "null" {
        return false;
    }
    let origin_of = |url: &str| -> String {
        let after = url.find("://").map_or(0, |i| i + 3);
        let end = url[after..].find('/').map_or(url.len(), |i| after + i);
        url[..end].to_ascii_lowercase()
    };
    let origin = origin_of(origin);
    let site = origin_of(&state.site.url);
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).map(|h| h.to_ascii_lowercase());
    origin == site || host.is_some_and(|h| origin == format!("http://{h}") || origin == format!("https://{h}"))
}

pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The pre-session cookie of the sign-in and invite forms (see [`guard`]).
pub const PRE_SESSION_COOKIE: &str = "nd_pre";
const PRE_SESSION_EXPIRED: &str =
    "This form has expired or did not come from this site. Reload the page and try again.";

/// The pre-session token of a request to a page anyone may use, for its form.
#[derive(Debug, Clone)]
pub struct PreSession(pub String);

/// Two hours, SameSite=Strict: another site can neither send it nor read it.
fn pre_session_cookie(state: &AppState, value: &str) -> String {
    let secure = if state.site.url.starts_with("https://") { "; Secure" } else { "" };
    format!("{PRE_SESSION_COOKIE}={value}; Path=/newsroom; HttpOnly; SameSite=Strict; Max-Age=7200{secure}")
}

/// The cookie that holds a session: HttpOnly, SameSite=Lax, Secure on https sites.
pub fn session_cookie(state: &AppState, value: &str, max_age_secs: i64) -> String {
    let secure = if state.site.url.starts_with("https://") { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={value}; Path=/newsroom; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}")
}

/// The client's address: the connection's, or, when the connection comes from a trusted reverse
/// proxy, the nearest address in `X-Forwarded-For` that is not itself a trusted proxy (entries
/// further left were written by the client and prove nothing).
pub(crate) fn client_address(state: &AppState, req: &Request) -> Option<String> {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())?;
    let trusted = &state.site.trusted_proxies;
    if !trusted.contains(&peer) {
        return Some(peer.to_string());
    }
    let forwarded: Vec<std::net::IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    let client = forwarded.iter().rev().find(|a| !trusted.contains(a)).or(forwarded.first()).copied();
    Some(client.unwrap_or(peer).to_string())
}

pub(crate) fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The newsroom's rendering of the one error model (`crate::Error`): a short page with the
/// error's sentence and status. Internal errors are logged in full and shown without internals.
pub(crate) fn refuse(err: Error) -> Response {
    refuse_noting(err, "")
}

/// As [`refuse`], with a line after the sentence (what became of the editor's unsaved work).
pub(crate) fn refuse_noting(err: Error, note: &str) -> Response {
    if let Error::Internal(cause) = &err {
        tracing::error!(error = %cause, "newsroom request failed");
    }
    let status = err.status();
    let html = views::message_page(status, &format!("{}{note}", err.sentence()));
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

/// A store or render failure inside a handler: logged in full, shown without internals.
pub(crate) fn failure(e: impl std::fmt::Display) -> Response {
    refuse(Error::internal(e))
}

/// Runs store work off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, Response> + Send + 'static,
) -> Result<T, Response> {
    tokio::task::spawn_blocking(f).await.map_err(failure)?
}

#[cfg(test)]
mod tests;
