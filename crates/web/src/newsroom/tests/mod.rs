//! The newsroom's rules, in process. Here: the harness (a newsroom with one person per role),
//! every route with every role and anonymous, CSRF and Origin, sign-in and its throttle,
//! methods and security headers. `stories.rs`: the editor, the workflow, conflicts, embargoes and
//! what a save keeps. `desk.rs`: the desk's tools around the editor (uploads and the media
//! library, fronts and authors, routing and the wire, the dashboard).

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use jiff::Timestamp;
use newsdesk_core::{Article, Block, MarkKind, Role, WorkflowState};
use newsdesk_store::StoryMeta;
use tower::ServiceExt;

use super::*;
use crate::{AppState, SiteConfig, router};

use crate::test_support::{Person, TestSite};

struct Newsroom {
    _dir: tempfile::TempDir,
    state: AppState,
    people: Vec<Person>,
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Newsroom {
    fn new() -> Newsroom {
        Self::with_site(SiteConfig::default())
    }

    fn with_site(site: SiteConfig) -> Newsroom {
        let site = TestSite::with_config(site);
        let people = site.people();
        let TestSite { dir, state } = site;
        Newsroom { _dir: dir, state, people }
    }

    fn person(&self, role: Role) -> &Person {
        self.people.iter().find(|p| p.role == role).unwrap()
    }

    /// A story owned by `role`'s user, in `state`.
    fn story(&self, role: Role, state: WorkflowState, headline: &str) -> i64 {
        let a = Article {
            state,
            published_at: None,
            ..crate::test_support::article(headline, "EUROPE", "2026-01-01T00:00:00Z")
        };
        let meta = StoryMeta { desk: Some("Europe desk".into()), owner: Some(self.person(role).id) };
        self.state.store.create_story(&a, &meta, "test", Timestamp::now()).unwrap().id.0
    }

    async fn send(
        &self,
        method: &str,
        path: &str,
        who: Option<&Person>,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(p) = who {
            req = req.header(header::COOKIE, &p.cookie);
        }
        if method == "POST" && !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type")) {
            req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = router(self.state.clone()).oneshot(req.body(Body::from(body.to_string())).unwrap()).await.unwrap();
        let (parts, body) = res.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        Reply { status: parts.status, headers: parts.headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    /// A form post as `who`, with their CSRF token.
    async fn post(&self, path: &str, who: &Person, form: &str) -> Reply {
        let body = if form.is_empty() { format!("csrf={}", who.csrf) } else { format!("csrf={}&{form}", who.csrf) };
        self.send("POST", path, Some(who), &[], &body).await
    }

    async fn get(&self, path: &str, who: Option<&Person>) -> Reply {
        self.send("GET", path, who, &[], "").await
    }
}

/// A pre-session cookie and the form field echoing it, as the sign-in and invite pages give.
const PRE: &str = "pre_0123456789abcdef0123456789abcdef";

fn pre_cookie() -> (&'static str, String) {
    ("cookie", format!("{PRE_SESSION_COOKIE}={PRE}"))
}

fn location(r: &Reply) -> &str {
    r.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// Refused by the one gate (the policy table), as opposed to by a handler's own rule.
fn refused_by_policy(r: &Reply) -> bool {
    r.headers.contains_key("x-newsroom-refused")
}

mod desk;
mod rich;
mod stories;

#[tokio::test]
async fn every_route_with_every_role_and_anonymous() {
    let n = Newsroom::new();
    // A story everyone who passes the gate may at least open: an editor's, in edit.
    let id = n.story(Role::Editor, WorkflowState::InEdit, "Table test story").to_string();
    let wire = crate::test_support::queue(
        &n.state.store,
        "t:1",
        &crate::test_support::article("Wire item", "World", "2026-01-01T00:00:00Z"),
    )
    .to_string();
    let contributor = n.person(Role::Contributor).id.to_string();
    let rule = newsdesk_core::routing::RoutingRule {
        id: 0,
        name: "Table rule".into(),
        field: newsdesk_core::routing::RuleField::Keyword,
        pattern: "table".into(),
        section: None,
        tags: vec![],
        action: newsdesk_core::routing::RuleAction::Queue,
        enabled: true,
    };
    let rule = n.state.store.save_routing_rule(&rule, Timestamp::now()).unwrap().to_string();
    let source = newsdesk_store::NewSource {
        url: "https://example.com/feed.xml",
        name: "Table source",
        every_secs: 300,
        allow_private: false,
        section: None,
        publish: false,
    };
    let source = n.state.store.add_feed_source(&source, Timestamp::now()).unwrap().id.to_string();
    let invited = n.state.store.add_user("new@example.org", "New", Role::Reporter, None, Timestamp::now()).unwrap();
    let invite = auth::invite(&n.state.store, &invited, Timestamp::now()).unwrap();
    let byline = Article {
        authors: vec!["Table Author".into()],
        ..crate::test_support::article("Bylined", "EUROPE", "2026-01-01T00:00:00Z")
    };
    n.state.store.save_article(&byline, None, "t", Timestamp::now()).unwrap();
    // A picture a published story shows: editing it is allowed, deleting it is refused (409) for
    // every role the table lets through, so every attempt finds it.
    let picture = super::media::save(
        &n.state,
        &super::media::tests::tiny_png(),
        ("image/png", "png", 3, 2),
        &super::media::About::new(None, Some("x".into()), None, None),
        n.person(Role::Admin).id,
    )
    .unwrap();
    let showing = crate::test_support::pictured("Pictured", "EUROPE", &picture.file);
    n.state.store.save_article(&showing, None, "t", Timestamp::now()).unwrap();
    let picture = picture.id.to_string();
    let mut checked = 0;
    // Signing out ends the session the other requests use, so it goes last.
    let mut routes = POLICY.to_vec();
    routes.sort_by_key(|(_, p, _)| *p == "/newsroom/logout");
    for (method, pattern, access) in &routes {
        let path = pattern
            .replace(
                "{id}",
                if pattern.starts_with("/newsroom/wire") {
                    &wire
                } else if pattern.starts_with("/newsroom/routing") {
                    &rule
                } else if pattern.starts_with("/newsroom/sources") {
                    &source
                } else if pattern.starts_with("/newsroom/users") {
                    &contributor
                } else if pattern.starts_with("/newsroom/media") {
                    &picture
                } else {
                    &id
                },
            )
            .replace("{token}", &invite)
            .replace("{file}", "newsroom.css")
            .replace("{slug}", "table-author");
        let actors: Vec<Option<&Person>> = std::iter::once(None).chain(n.people.iter().map(Some)).collect();
        for who in actors {
            let allowed = match access {
                Access::Anyone => true,
                Access::AtLeast(min) => who.is_some_and(|p| p.role >= *min),
            };
            let r = match (*method, who, access) {
                ("POST", _, Access::Anyone) => {
                    let (k, v) = pre_cookie();
                    n.send(method, &path, who, &[(k, &v)], &format!("csrf={PRE}&email=x%40example.org&password=x"))
                        .await
                }
                ("POST", Some(p), _) => {
                    n.post(&path, p, "role=contributor&email=x%40example.org&name=X&revision=1&action=submit&alt=x")
                        .await
                }
                _ => n.send(method, &path, who, &[], "").await,
            };
            let role = who.map_or("anonymous", |p| p.role.as_str());
            if allowed {
                assert!(!refused_by_policy(&r), "{method} {path} as {role}: refused ({}) {}", r.status, r.body);
                assert_ne!(r.status, StatusCode::NOT_FOUND, "{method} {path} as {role}: no such route");
                assert_ne!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            } else {
                assert!(refused_by_policy(&r), "{method} {path} as {role}: let through with {}", r.status);
                let expected = match (who, *method) {
                    (None, "GET") => StatusCode::SEE_OTHER,
                    (None, _) => StatusCode::UNAUTHORIZED,
                    (Some(_), _) => StatusCode::FORBIDDEN,
                };
                assert_eq!(r.status, expected, "{method} {path} as {role}");
                if r.status == StatusCode::SEE_OTHER {
                    assert!(location(&r).starts_with("/newsroom/login?next="), "{}", location(&r));
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, POLICY.len() * 5);
    // A route the table does not name is refused, never let through.
    assert_eq!(access(&axum::http::Method::DELETE, "/newsroom/stories/{id}"), None);
}

/// Every route of the table that needs a role, under every path variant a proxy or a router
/// might take for it (`test_support::path_variants`), asked by anonymous and by every role below
/// the one it needs: refused each time (a 4xx, or the way to the sign-in page), never answered.
#[tokio::test]
async fn no_path_variant_lets_anyone_past_the_gate() {
    let n = Newsroom::new();
    let id = n.story(Role::Editor, WorkflowState::InEdit, "Variant test story").to_string();
    let mut requests = 0;
    let mut let_through = vec![];
    for (method, pattern, access) in POLICY {
        let Access::AtLeast(min) = access else { continue };
        let path = pattern.replace("{id}", &id).replace("{slug}", "someone").replace("{token}", "x");
        let below: Vec<Option<&Person>> =
            std::iter::once(None).chain(n.people.iter().filter(|p| p.role < *min).map(Some)).collect();
        for variant in crate::test_support::path_variants(&path) {
            for who in &below {
                let r = match (*method, who) {
                    ("POST", Some(p)) => n.post(&variant, p, "role=admin&action=publish&revision=1").await,
                    _ => n.send(method, &variant, *who, &[], "").await,
                };
                requests += 1;
                let to_sign_in = r.status.is_redirection() && location(&r).starts_with("/newsroom/login");
                if !(r.status.is_client_error() || to_sign_in) {
                    let role = who.map_or("anonymous", |p| p.role.as_str());
                    let_through.push(format!("{method} {variant} as {role}: {}", r.status));
                }
            }
        }
    }
    eprintln!("newsroom path variants: {requests} requests, {} answered", let_through.len());
    assert!(requests > 300, "{requests}");
    assert!(let_through.is_empty(), "{let_through:#?}");
}

#[tokio::test]
async fn state_changes_need_this_sessions_token_and_this_sites_origin() {
    let n = Newsroom::new();
    let reporter = n.person(Role::Reporter);
    let editor = n.person(Role::Editor);
    let form = "headline=CSRF+test&section=Europe&language=en&b.type=paragraph&b.text=Hello.";
    let count = || n.state.store.article_count().unwrap();

    let missing = n.send("POST", "/newsroom/stories", Some(reporter), &[], form).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    assert!(missing.body.contains("security token"), "{}", missing.body);

    let foreign_token = format!("csrf={}&{form}", editor.csrf);
    let other = n.send("POST", "/newsroom/stories", Some(reporter), &[], &foreign_token).await;
    assert_eq!(other.status, StatusCode::FORBIDDEN, "a token from another session");

    let own = format!("csrf={}&{form}", reporter.csrf);
    let cross = n.send("POST", "/newsroom/stories", Some(reporter), &[("origin", "https://evil.example")], &own).await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN, "a foreign Origin");
    assert!(cross.body.contains("Cross-site"));
    let header_token =
        n.send("POST", "/newsroom/stories/1/lock", Some(reporter), &[("x-csrf-token", &editor.csrf)], "").await;
    assert_eq!(header_token.status, StatusCode::FORBIDDEN, "another session's token in the header");
    assert_eq!(count(), 0, "nothing was stored by a refused request");

    let ok = n.send("POST", "/newsroom/stories", Some(reporter), &[("origin", "http://127.0.0.1:8080")], &own).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(count(), 1);
}

#[tokio::test]
async fn sign_in_answers_alike_for_unknown_and_known_accounts_and_throttles() {
    let n = Newsroom::new();
    let hash = auth::hash_password("a long enough password").unwrap();
    n.state.store.add_user("desk@example.org", "Desk", Role::Editor, Some(&hash), Timestamp::now()).unwrap();
    let login = |email: &str, pw: &str| {
        format!("csrf={PRE}&email={}&password={}&next=%2Fnewsroom", urlencode(email), urlencode(pw))
    };
    let (k, v) = pre_cookie();
    let pre = [(k, v.as_str())];

    let wrong = n.send("POST", "/newsroom/login", None, &pre, &login("desk@example.org", "wrong password")).await;
    let unknown = n.send("POST", "/newsroom/login", None, &pre, &login("nobody@example.org", "wrong password")).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, wrong.status);
    let message = |r: &Reply| r.body.split("id=\"login-error\"").nth(1).map(|s| s[..80].to_string());
    assert_eq!(message(&wrong), message(&unknown));

    let good =
        n.send("POST", "/newsroom/login", None, &pre, &login("Desk@Example.org", "a long enough password")).await;
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    let cookie = good.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/newsroom"));
    assert!(!cookie.contains("Secure"), "an http site cannot use Secure cookies");

    // Five failures lock the account for a while, known or not, even for the right password.
    for _ in 0..auth::MAX_FAILURES_PER_ACCOUNT {
        n.send("POST", "/newsroom/login", None, &pre, &login("desk@example.org", "nope nope nope")).await;
        n.send("POST", "/newsroom/login", None, &pre, &login("ghost@example.org", "nope nope nope")).await;
    }
    let locked =
        n.send("POST", "/newsroom/login", None, &pre, &login("desk@example.org", "a long enough password")).await;
    let ghost =
        n.send("POST", "/newsroom/login", None, &pre, &login("ghost@example.org", "a long enough password")).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(ghost.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(message(&locked), message(&ghost));
    let log = n.state.store.audit_log(50).unwrap();
    assert!(log.iter().any(|e| e.action == "login" && e.actor == "desk@example.org"));
    assert!(log.iter().any(|e| e.action == "login.failed" && e.actor == "ghost@example.org"));

    // Signing out ends the session for good.
    let token = cookie.split(';').next().unwrap().to_string();
    let csrf =
        n.state.store.session(&hash_key(token.split_once('=').unwrap().1), Timestamp::now()).unwrap().unwrap().csrf;
    let me = Person { role: Role::Editor, id: 0, cookie: token, csrf, token: String::new() };
    assert_eq!(n.get("/newsroom", Some(&me)).await.status, StatusCode::OK);
    assert_eq!(n.post("/newsroom/logout", &me, "").await.status, StatusCode::SEE_OTHER);
    assert_eq!(n.get("/newsroom", Some(&me)).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn https_sites_get_secure_cookies() {
    let site = SiteConfig { url: "https://news.example".into(), ..SiteConfig::default() };
    let n = Newsroom::with_site(site);
    assert!(session_cookie(&n.state, "v", 60).ends_with("; Secure"));
}

#[tokio::test]
async fn head_follows_get_and_other_methods_get_405_with_allow() {
    let n = Newsroom::new();
    let editor = n.person(Role::Editor);
    let id = n.story(Role::Editor, WorkflowState::InEdit, "Methods story");
    let head = n.send("HEAD", "/newsroom", Some(editor), &[], "").await;
    assert_eq!(head.status, StatusCode::OK);
    assert_eq!(n.send("HEAD", "/newsroom", None, &[], "").await.status, StatusCode::SEE_OTHER);
    let contributor = n.person(Role::Contributor);
    assert_eq!(n.send("HEAD", "/newsroom/audit", Some(contributor), &[], "").await.status, StatusCode::FORBIDDEN);
    for (method, path, allow) in [
        ("DELETE", format!("/newsroom/stories/{id}"), "GET, POST, HEAD"),
        ("PUT", "/newsroom/login".to_string(), "GET, POST, HEAD"),
        ("PATCH", format!("/newsroom/stories/{id}/action"), "POST"),
    ] {
        let r = n.send(method, &path, Some(editor), &[], "").await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert_eq!(r.headers.get(header::ALLOW).and_then(|v| v.to_str().ok()), Some(allow), "{method} {path}");
    }
}

#[tokio::test]
async fn every_response_is_hardened_and_the_csrf_token_never_rides_in_the_query_string() {
    let n = Newsroom::new();
    let editor = n.person(Role::Editor);
    let header = |r: &Reply, name: &str| r.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let home = n.get("/", None).await;
    assert_eq!(header(&home, "content-security-policy"), crate::READER_CSP);
    assert_eq!(header(&home, "x-content-type-options"), "nosniff");
    assert_eq!(header(&home, "x-frame-options"), "SAMEORIGIN");
    let missing = n.get("/no-such-section/no-such-story", None).await;
    assert_eq!(
        (missing.status, header(&missing, "content-security-policy").as_str()),
        (StatusCode::NOT_FOUND, crate::READER_CSP)
    );
    let api = n.get("/api/v1/articles", None).await;
    assert_eq!(header(&api, "x-content-type-options"), "nosniff");
    let desk = n.get("/newsroom", Some(editor)).await;
    assert_eq!(header(&desk, "content-security-policy"), NEWSROOM_CSP);
    assert_eq!(header(&desk, "x-frame-options"), "DENY");
    // The page's own script and styles come from the site, which the policy allows.
    assert!(desk.body.contains(r#"<script src="/newsroom/assets/newsroom.js" defer></script>"#));
    // The rich-text editor's bundle loads on the story page only, after newsroom.js; it and the
    // licences of the packages it bundles are served from the binary.
    assert!(!desk.body.contains("editor.js"));
    let page = n.get("/newsroom/stories/new", Some(editor)).await;
    let (own, rich) = (page.body.find("/newsroom/assets/newsroom.js"), page.body.find("/newsroom/assets/editor.js"));
    assert!(own.is_some() && rich.is_some() && own < rich, "{}", page.body);
    let js = n.get("/newsroom/assets/editor.js", None).await;
    assert_eq!((js.status, header(&js, "content-type").as_str()), (StatusCode::OK, "text/javascript; charset=utf-8"));
    assert!(js.body.contains("story-body"), "the bundle is the story editor");
    let licences = n.get("/newsroom/assets/editor.js.LICENSES", None).await;
    assert!(licences.body.contains("== prosemirror-view") && licences.body.contains("Permission is hereby granted"));

    let id = n.story(Role::Editor, WorkflowState::InEdit, "Token story");
    let r = n.send("POST", &format!("/newsroom/stories/{id}/lock?csrf={}", editor.csrf), Some(editor), &[], "").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "a token in the query string is not taken");
    let r = n
        .send("POST", &format!("/newsroom/stories/{id}/lock"), Some(editor), &[("x-csrf-token", &editor.csrf)], "")
        .await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_sign_ins_cannot_race_past_the_throttle() {
    let n = Newsroom::new();
    let hash = auth::hash_password("the right password").unwrap();
    n.state.store.add_user("desk@example.org", "Desk", Role::Editor, Some(&hash), Timestamp::now()).unwrap();
    let login = |pw: &str| format!("csrf={PRE}&email=desk%40example.org&password={}", urlencode(pw));
    let (k, v) = pre_cookie();
    let pre = [(k, v.as_str())];
    // 40 wrong passwords and the right one, all at once.
    let mut attempts: Vec<String> = (0..40).map(|i| login(&format!("wrong password {i}"))).collect();
    attempts.insert(20, login("the right password"));
    let replies = futures_join(attempts.iter().map(|body| n.send("POST", "/newsroom/login", None, &pre, body))).await;
    let checked = replies.iter().filter(|r| r.status != StatusCode::TOO_MANY_REQUESTS).count();
    assert!(checked as i64 <= auth::MAX_FAILURES_PER_ACCOUNT, "{checked} passwords were checked");
    let log = n.state.store.audit_log(100).unwrap();
    let checks = log.iter().filter(|e| e.action.starts_with("login")).count();
    assert_eq!(checks, checked, "every password checked is in the audit log, and no more");
}

/// Runs the futures at once and returns their outputs in order.
async fn futures_join<F: std::future::Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut set = Vec::new();
    for f in futures {
        set.push(Box::pin(f));
    }
    let mut out = Vec::with_capacity(set.len());
    // Polled together: each waits on its own blocking task, so they overlap.
    let all = std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in set.iter_mut().enumerate() {
            if out.len() <= i {
                out.resize_with(i + 1, || None);
            }
            if out[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => out[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending { std::task::Poll::Pending } else { std::task::Poll::Ready(()) }
    });
    all.await;
    out.into_iter().map(|o| o.expect("every future finished")).collect()
}

#[test]
fn behind_a_trusted_proxy_the_client_is_the_nearest_untrusted_forwarded_address() {
    use std::net::SocketAddr;
    let n = Newsroom::with_site(SiteConfig {
        trusted_proxies: vec!["10.0.0.2".parse().unwrap(), "10.0.0.3".parse().unwrap()],
        ..SiteConfig::default()
    });
    let req = |from: &str, xff: Option<&str>| {
        let mut r = Request::builder().uri("/newsroom/login");
        if let Some(x) = xff {
            r = r.header("x-forwarded-for", x);
        }
        let mut r = r.body(Body::empty()).unwrap();
        r.extensions_mut().insert(axum::extract::ConnectInfo(from.parse::<SocketAddr>().unwrap()));
        r
    };
    let addr = |from, xff| client_address(&n.state, &req(from, xff));
    // Not from a proxy: the header is the client's own word and is ignored.
    assert_eq!(addr("203.0.113.9:5000", Some("198.51.100.1")).as_deref(), Some("203.0.113.9"));
    // From the proxy: the address it appended, not what the client wrote to the left of it.
    assert_eq!(addr("10.0.0.2:5000", Some("1.2.3.4, 198.51.100.7")).as_deref(), Some("198.51.100.7"));
    // Through two trusted proxies.
    assert_eq!(addr("10.0.0.2:5000", Some("198.51.100.7, 10.0.0.3")).as_deref(), Some("198.51.100.7"));
    assert_eq!(addr("10.0.0.2:5000", Some("not an address, 198.51.100.8")).as_deref(), Some("198.51.100.8"));
    // A proxy that sent no header: the proxy is all we know.
    assert_eq!(addr("10.0.0.2:5000", None).as_deref(), Some("10.0.0.2"));
}

#[tokio::test]
async fn the_sign_in_and_invite_forms_carry_a_pre_session_token_and_refuse_a_post_without_it() {
    let n = Newsroom::new();
    let hash = auth::hash_password("a long enough password").unwrap();
    n.state.store.add_user("desk@example.org", "Desk", Role::Editor, Some(&hash), Timestamp::now()).unwrap();
    let page = n.get("/newsroom/login", None).await;
    let set = page.headers.get(header::SET_COOKIE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    assert!(set.starts_with("nd_pre=pre_") && set.contains("SameSite=Strict") && set.contains("HttpOnly"), "{set}");
    let token = set.split(';').next().unwrap().split_once('=').unwrap().1.to_string();
    assert!(page.body.contains(&format!(r#"name="csrf" value="{token}""#)), "the form echoes it");
    let body = |csrf: &str| format!("csrf={csrf}&email=desk%40example.org&password=a+long+enough+password");
    let cookie = format!("{PRE_SESSION_COOKIE}={token}");
    // No cookie (a post from another site's page), or a token that is not the cookie's: refused.
    let r = n.send("POST", "/newsroom/login", None, &[], &body(&token)).await;
    assert_eq!((r.status, refused_by_policy(&r)), (StatusCode::FORBIDDEN, true));
    let r = n
        .send("POST", "/newsroom/login", None, &[("cookie", &cookie)], &body("pre_forged0123456789abcdef0123456789"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("This form has expired or did not come from this site"));
    let r = n.send("POST", "/newsroom/login", None, &[("cookie", &cookie)], &body(&token)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The invite form the same way.
    let invited = n.state.store.add_user("new@example.org", "New", Role::Reporter, None, Timestamp::now()).unwrap();
    let invite = auth::invite(&n.state.store, &invited, Timestamp::now()).unwrap();
    let path = format!("/newsroom/invite/{invite}");
    let page = n.send("GET", &path, None, &[("cookie", &cookie)], "").await;
    assert!(page.body.contains(&format!(r#"name="csrf" value="{token}""#)), "an existing token is kept");
    let form = "password=my+new+long+password&repeat=my+new+long+password";
    assert_eq!(n.send("POST", &path, None, &[], form).await.status, StatusCode::FORBIDDEN);
    let r = n.send("POST", &path, None, &[("cookie", &cookie)], &format!("csrf={token}&{form}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}
