//! The newsroom's rules, in process: every route with every role and anonymous, CSRF, sign-in
//! and throttling, the workflow and its refusals, embargoes, conflicts and uploads.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use jiff::Timestamp;
use newsdesk_core::{Article, Role, WorkflowState};
use newsdesk_render::{Theme, ThemeOptions};
use newsdesk_store::{Store, StoryMeta};
use tower::ServiceExt;

use super::*;
use crate::{AppState, SiteConfig, router};

struct Person {
    role: Role,
    id: i64,
    cookie: String,
    csrf: String,
}

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
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(dir.path()).unwrap());
        let state = AppState::new(store, Theme::load(ThemeOptions::default()), site, dir.path().join("media"));
        let now = Timestamp::now();
        let people = Role::ALL
            .iter()
            .map(|role| {
                let email = format!("{}@example.org", role.as_str());
                let user = state.store.add_user(&email, &format!("The {}", role.as_str()), *role, None, now).unwrap();
                let token = auth::start_session(&state.store, &user, None, now).unwrap();
                let csrf = state.store.session(&hash_key(&token), now).unwrap().unwrap().csrf;
                Person { role: *role, id: user.id, cookie: format!("{SESSION_COOKIE}={token}"), csrf }
            })
            .collect();
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
    let me = Person { role: Role::Editor, id: 0, cookie: token, csrf };
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
async fn a_story_from_draft_to_correction_and_the_refusals_on_the_way() {
    let n = Newsroom::new();
    let (reporter, editor, contributor) =
        (n.person(Role::Reporter), n.person(Role::Editor), n.person(Role::Contributor));
    let made = n
        .post("/newsroom/stories", reporter, "headline=Harbour+reopens&section=Europe&language=en&authors=Ana+Ruiz&source=AA&b.type=paragraph&b.text=Ships+are+back.")
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let id: i64 = location(&made).trim_start_matches("/newsroom/stories/").split('?').next().unwrap().parse().unwrap();
    let story = |id: i64| n.state.store.story(newsdesk_core::ArticleId(id)).unwrap();
    assert_eq!(story(id).owner_id, Some(reporter.id));

    // Contributors see only their own stories.
    assert_eq!(n.get(&format!("/newsroom/stories/{id}"), Some(contributor)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        n.get(&format!("/newsroom/stories/{id}/preview"), Some(contributor)).await.status,
        StatusCode::FORBIDDEN
    );

    let act = |who: &'static str, action: &str| format!("action={action}&who={who}");
    let r = n.post(&format!("/newsroom/stories/{id}/action"), reporter, &act("r", "publish")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "a reporter may not publish");
    assert!(r.body.contains("a reporter may not publish"), "{}", r.body);
    assert_eq!(
        n.post(&format!("/newsroom/stories/{id}/action"), reporter, &act("r", "submit")).await.status,
        StatusCode::SEE_OTHER
    );
    // Once submitted the reporter can no longer change it; the desk can.
    let save = format!(
        "revision={}&headline=Harbour+reopens+after+storm&section=Europe&language=en&b.type=paragraph&b.text=Ships+are+back.",
        story(id).revision
    );
    assert_eq!(n.post(&format!("/newsroom/stories/{id}"), reporter, &save).await.status, StatusCode::FORBIDDEN);
    for action in ["start_edit", "mark_ready", "publish"] {
        let r = n.post(&format!("/newsroom/stories/{id}/action"), editor, &act("e", action)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{action}: {}", r.body);
    }
    let save = format!(
        "revision={}&headline=Harbour+reopens+after+storm&section=Europe&language=en&b.type=paragraph&b.text=Ships+are+back.",
        story(id).revision
    );
    assert_eq!(n.post(&format!("/newsroom/stories/{id}"), editor, &save).await.status, StatusCode::SEE_OTHER);
    let path = story(id).article.path();
    n.state.cache.clear();
    let page = n.get(&path, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Harbour reopens after storm"));

    let note = "action=correct&note=An+earlier+version+named+the+wrong+port.";
    assert_eq!(n.post(&format!("/newsroom/stories/{id}/action"), editor, note).await.status, StatusCode::SEE_OTHER);
    n.state.cache.clear();
    let page = n.get(&path, None).await;
    assert!(page.body.contains("An earlier version named the wrong port."), "the correction shows on the page");
    assert!(page.body.contains("\"correction\""), "and in the JSON-LD");
    let kinds: Vec<String> = n.state.store.events_since(0, 50).unwrap().into_iter().map(|e| e.kind).collect();
    assert_eq!(kinds, ["article.published", "article.updated", "article.corrected"]);

    // The revisions page shows a word diff of the headline.
    let revs = n.get(&format!("/newsroom/stories/{id}/revisions?from=1&to=6"), Some(editor)).await;
    assert_eq!(revs.status, StatusCode::OK);
    assert!(revs.body.contains("<span>Harbour reopens</span><ins> after storm</ins>"), "{}", revs.body);
    // People by name, fields by their labels, times to the minute: no raw keys, e-mail
    // addresses or nanoseconds.
    assert!(
        revs.body.contains("<h3>Headline</h3>") && revs.body.contains("<h3>Publication time</h3>"),
        "{}",
        revs.body
    );
    assert!(revs.body.contains("<td>The editor</td>"), "{}", revs.body);
    assert!(!revs.body.contains("editor@example.org"), "{}", revs.body);
    assert!(!revs.body.contains("image_alt") && !revs.body.contains("canonical_url"));
    let publication = revs.body.split("<h3>Publication time</h3>").nth(1).unwrap().split("</div>").next().unwrap();
    assert!(publication.contains(" UTC") && !publication.contains(".") && !publication.contains("T0"), "{publication}");
}

#[tokio::test]
async fn an_embargoed_story_is_seen_only_in_the_newsroom_until_its_time() {
    let n = Newsroom::new();
    let editor = n.person(Role::Editor);
    let id = n.story(Role::Editor, WorkflowState::Ready, "Embargoed results");
    let later = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(3);
    let local = n.state.site.time_zone.to_datetime(later).strftime("%Y-%m-%dT%H:%M").to_string();
    let rev = n.state.store.story(newsdesk_core::ArticleId(id)).unwrap().revision;
    let form = format!(
        "revision={rev}&headline=Embargoed+results&section=Europe&language=en&embargo={}&b.type=paragraph&b.text=Numbers.",
        urlencode(&local)
    );
    assert_eq!(n.post(&format!("/newsroom/stories/{id}"), editor, &form).await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        n.post(&format!("/newsroom/stories/{id}/action"), editor, "action=publish").await.status,
        StatusCode::SEE_OTHER
    );
    n.state.cache.clear();
    let path = n.state.store.article(newsdesk_core::ArticleId(id)).unwrap().path();
    for reader in [path.as_str(), "/", "/europe", "/feed.xml", "/sitemap.xml", "/api/v1/articles"] {
        let r = n.get(reader, None).await;
        assert!(!r.body.contains("Embargoed results"), "{reader} shows an embargoed story");
    }
    assert_eq!(n.get(&path, None).await.status, StatusCode::NOT_FOUND);
    let preview = n.get(&format!("/newsroom/stories/{id}/preview"), Some(editor)).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(preview.body.contains("Embargoed results"));
    assert!(preview.body.contains(r#"<p class="preview-banner" role="status">Preview:"#), "the preview says it is one");
    assert!(n.state.store.events_since(0, 10).unwrap().is_empty(), "no event, so no webhook, before the embargo");
}

#[tokio::test]
async fn two_saves_of_one_revision_conflict_and_both_are_kept() {
    let n = Newsroom::new();
    let editor = n.person(Role::Editor);
    let admin = n.person(Role::Admin);
    let id = n.story(Role::Editor, WorkflowState::InEdit, "Shared story");
    let rev = n.state.store.story(newsdesk_core::ArticleId(id)).unwrap().revision;
    let form =
        |h: &str| format!("revision={rev}&headline={h}&section=Europe&language=en&b.type=paragraph&b.text=Text.");
    assert_eq!(
        n.post(&format!("/newsroom/stories/{id}"), editor, &form("Editor+version")).await.status,
        StatusCode::SEE_OTHER
    );
    let second = n.post(&format!("/newsroom/stories/{id}"), admin, &form("Admin+version")).await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    assert!(second.body.contains("editor@example.org saved this story"), "{}", second.body);
    let revs = n.state.store.revisions(newsdesk_core::ArticleId(id)).unwrap();
    let heads: Vec<(&str, bool)> = revs.iter().map(|r| (r.article.headline.as_str(), r.applied)).collect();
    assert_eq!(heads, [("Shared story", true), ("Editor version", true), ("Admin version", false)]);
    // Autosave gets the same answer as JSON.
    let auto = n
        .send(
            "POST",
            &format!("/newsroom/stories/{id}"),
            Some(admin),
            &[("accept", "application/json")],
            &format!("csrf={}&{}", admin.csrf, form("Again")),
        )
        .await;
    assert_eq!(auto.status, StatusCode::CONFLICT);
    assert!(auto.body.starts_with("{\"error\""));

    // The kept version can be brought back; the workflow state stays where it is.
    let reporter = n.person(Role::Reporter);
    assert_eq!(
        n.post(&format!("/newsroom/stories/{id}/restore"), reporter, "revision=3").await.status,
        StatusCode::FORBIDDEN
    );
    let r = n.post(&format!("/newsroom/stories/{id}/restore"), editor, "revision=3").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let story = n.state.store.story(newsdesk_core::ArticleId(id)).unwrap();
    assert_eq!((story.article.headline.as_str(), story.article.state), ("Admin version", WorkflowState::InEdit));
    let last = n.state.store.revisions(newsdesk_core::ArticleId(id)).unwrap().pop().unwrap();
    assert_eq!(last.actor, "editor@example.org (restored revision 3)");
    assert_eq!(
        n.post(&format!("/newsroom/stories/{id}/restore"), editor, "revision=99").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_refused_form_keeps_what_was_typed_and_names_the_fields() {
    let n = Newsroom::new();
    let reporter = n.person(Role::Reporter);
    let r = n
        .post("/newsroom/stories", reporter, "headline=&section=Europe&language=en&deck=My+careful+deck&canonical_url=nope&b.type=paragraph&b.text=Kept+text.")
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("A headline is needed."));
    assert!(r.body.contains("A canonical URL starts with"));
    assert!(r.body.contains("My careful deck") && r.body.contains("Kept text."));
    assert_eq!(n.state.store.article_count().unwrap(), 0);
}

#[tokio::test]
async fn uploads_are_judged_by_their_bytes() {
    let n = Newsroom::new();
    let reporter = n.person(Role::Reporter);
    let png = super::media::tests::tiny_png();
    let send = |bytes: Vec<u8>| {
        let req = Request::builder()
            .method("POST")
            .uri("/newsroom/media?name=harbour.png")
            .header(header::COOKIE, &reporter.cookie)
            .header("x-csrf-token", &reporter.csrf)
            .header(header::CONTENT_TYPE, "image/png")
            .body(Body::from(bytes))
            .unwrap();
        router(n.state.clone()).oneshot(req)
    };
    let ok = send(png).await.unwrap();
    assert_eq!(ok.status(), StatusCode::CREATED);
    let listed = n.state.store.media_list(10, 0).unwrap();
    assert_eq!((listed.len(), listed[0].width, listed[0].height, listed[0].mime.as_str()), (1, 3, 2, "image/png"));
    assert!(n.state.media_dir.join(&listed[0].file).exists());
    let fake = send(b"<svg onload=alert(1)></svg>".to_vec()).await.unwrap();
    assert_eq!(fake.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(n.state.store.media_list(10, 0).unwrap().len(), 1);
}

#[tokio::test]
async fn editors_pin_front_stories_and_keep_author_profiles() {
    let n = Newsroom::new();
    let editor = n.person(Role::Editor);
    let save = |h: &str, day: u32| {
        let a = Article {
            authors: vec!["Ana Ruiz".into()],
            ..crate::test_support::article(h, "EUROPE", &format!("2026-01-{day:02}T00:00:00Z"))
        };
        n.state.store.save_article(&a, None, "t", Timestamp::now()).unwrap().id.0
    };
    let old = save("An older story worth leading", 1);
    for d in 2..8 {
        save(&format!("Newer story {d}"), d);
    }
    let home_lead =
        |page: &str| page.split("class=\"front-lead\"").nth(1).unwrap().split("</div>").next().unwrap().to_string();
    n.state.cache.clear();
    assert!(!home_lead(&n.get("/", None).await.body).contains("An older story"));

    let r = n.post("/newsroom/fronts", editor, &format!("front=&ids={old}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        home_lead(&n.get("/", None).await.body).contains("An older story worth leading"),
        "the pin leads the home page"
    );
    let r = n.post("/newsroom/fronts", editor, &format!("front=europe&ids={old}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let front = n.get("/europe", None).await.body;
    let at = |h: &str| front.find(h).unwrap_or_else(|| panic!("{h} missing"));
    assert!(at("An older story worth leading") < at("Newer story 7"), "pinned first on the section front");
    assert_eq!(front.matches("An older story worth leading").count(), 1, "and shown once");
    let bad = n.post("/newsroom/fronts", editor, "front=europe&ids=999").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("There is no story 999"));
    assert_eq!(n.state.store.front_pin_ids("europe").unwrap(), [old], "a refused change changes nothing");

    let r = n.post("/newsroom/authors/ana-ruiz", editor, "bio=Ana+covers+ports+and+shipping.&photo=").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(n.get("/author/ana-ruiz", None).await.body.contains("Ana covers ports and shipping."));
    let r = n.post("/newsroom/authors/ana-ruiz", editor, "bio=x&photo=missing.jpg").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn editors_keep_the_routing_rules_and_the_desk_sees_groups_and_sources() {
    let n = Newsroom::new();
    let editor = n.person(Role::Editor);
    // A refused rule comes back with the field's problem and what was typed.
    let r = n.post("/newsroom/routing", editor, "name=Flashes&field=urgency&pattern=0&action=publish&enabled=on").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Urgency is a number from 1") && r.body.contains("value=\"Flashes\""), "{}", r.body);
    for (name, field, pattern) in [("Flashes", "urgency", "1"), ("Sport", "subject", "medtop%3A15000000")] {
        let form = format!(
            "name={name}&field={field}&pattern={pattern}&section=Breaking&tags=a%2C+b&action=publish&enabled=on"
        );
        let r = n.post("/newsroom/routing", editor, &form).await;
        assert_eq!((r.status, location(&r)), (StatusCode::SEE_OTHER, "/newsroom/routing"), "{}", r.body);
    }
    let rules = n.state.store.routing_rules().unwrap();
    assert_eq!(rules.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["Flashes", "Sport"]);
    assert_eq!(rules[1].tags, ["a", "b"]);
    n.post(&format!("/newsroom/routing/{}", rules[1].id), editor, "change=up").await;
    n.post(&format!("/newsroom/routing/{}", rules[0].id), editor, "change=disable").await;
    let rules = n.state.store.routing_rules().unwrap();
    assert_eq!((rules[0].name.as_str(), rules[1].enabled), ("Sport", false));
    let page = n.get("/newsroom/routing", Some(editor)).await;
    assert!(page.body.contains("medtop:15000000") && page.body.contains("(off)"), "{}", page.body);
    let edit = n.get(&format!("/newsroom/routing?edit={}", rules[0].id), Some(editor)).await;
    assert!(edit.body.contains("Change rule Sport"));
    n.post(&format!("/newsroom/routing/{}", rules[1].id), editor, "change=delete").await;
    assert_eq!(n.state.store.routing_rules().unwrap().len(), 1);

    // The wire page: one row per story, the other agencies' versions under it, and the sources.
    let store = &n.state.store;
    let words = "Ferry services between Izmir and the Greek island of Chios resumed on Monday after storms closed the route for three days, the port authority said.";
    let mut first = crate::test_support::article("Ferries resume", "World", "2026-01-01T00:00:00Z");
    first.body = vec![newsdesk_core::Block::Paragraph { text: words.into() }];
    first.source = Some("AA".into());
    let a = crate::test_support::queue(store, "t:a", &first);
    let second = Article { source: Some("dpa".into()), headline: "Ferries run again".into(), ..first.clone() };
    let text = crate::intake::article_text(&second);
    let entry = newsdesk_store::QueueEntry {
        external_id: "t:b",
        article: &second,
        version: None,
        format: "ninjs",
        urgency: Some(1),
        simhash: newsdesk_ingest::simhash::simhash(&text),
        content_hash: 42,
        cluster: Some(a),
        feed_source: None,
    };
    store.queue_item(&entry, Timestamp::now()).unwrap();
    let src = newsdesk_store::NewSource {
        url: "https://example.com/f.xml",
        name: "Partner feed",
        every_secs: 300,
        allow_private: false,
        section: None,
        publish: false,
    };
    let src = store.add_feed_source(&src, Timestamp::now()).unwrap();
    let wire = n.get("/newsroom/wire", Some(n.person(Role::Reporter))).await;
    assert_eq!(wire.body.matches("class=\"story\"").count(), 1, "{}", wire.body);
    assert!(wire.body.contains("1 more on this story") && wire.body.contains("Same story:"), "{}", wire.body);
    assert!(wire.body.contains("Partner feed") && wire.body.contains("not polled yet"));
    assert!(!wire.body.contains("Poll now"), "reporters see the status, editors poll");
    let r = n.post(&format!("/newsroom/sources/{}/poll", src.id), editor, "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(n.get("/newsroom/wire", Some(editor)).await.body.contains("Poll now"));

    // An item read whole before it is taken: its text, length, agency and the other agencies'.
    assert!(
        wire.body.contains(&format!(r#"<a class="wire-open" href="/newsroom/wire/{a}">Ferries resume</a>"#)),
        "{}",
        wire.body
    );
    let item = n.get(&format!("/newsroom/wire/{a}"), Some(n.person(Role::Reporter))).await;
    assert_eq!(item.status, StatusCode::OK);
    assert!(item.body.contains(words), "the whole text");
    assert!(
        item.body.contains(r#"<dd id="wire-agency">AA</dd>"#) && item.body.contains("25 words, 1 min read"),
        "{}",
        item.body
    );
    assert!(item.body.contains("dpa: Ferries run again"), "the other agency's version: {}", item.body);
    assert!(item.body.contains(r#"id="take""#));
    assert_eq!(n.get("/newsroom/wire/999999", Some(editor)).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_five_megabyte_camera_photo_uploads_through_the_newsroom_and_the_admin_api() {
    let n = Newsroom::new();
    let reporter = n.person(Role::Reporter);
    let jpeg = newsdesk_ingest::image::test_jpeg(5 * 1024 * 1024);
    assert!(jpeg.len() >= 5 * 1024 * 1024 && jpeg.len() < MAX_UPLOAD_BYTES);
    let send = |path: &str, auth: (&str, String), bytes: Vec<u8>| {
        let req = Request::builder()
            .method("POST")
            .uri(path)
            .header(header::COOKIE, &reporter.cookie)
            .header(auth.0, auth.1)
            .header(header::CONTENT_TYPE, "image/jpeg")
            .body(Body::from(bytes))
            .unwrap();
        router(n.state.clone()).oneshot(req)
    };
    let csrf = ("x-csrf-token", reporter.csrf.clone());
    let form = send("/newsroom/media?name=camera.jpg", csrf.clone(), jpeg.clone()).await.unwrap();
    let status = form.status();
    let body = axum::body::to_bytes(form.into_body(), usize::MAX).await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&body));
    let listed = n.state.store.media_list(10, 0).unwrap();
    assert_eq!((listed.len(), listed[0].bytes as usize), (1, jpeg.len()));

    let year = Timestamp::now() + jiff::SignedDuration::from_hours(24 * 365);
    n.state.store.add_user_token(reporter.id, "camera", &hash_key("tok-camera"), Timestamp::now(), year).unwrap();
    let mut second = jpeg.clone();
    second.extend_from_slice(b"\0"); // other bytes, so another file
    let api = send("/api/v1/admin/media?name=camera2.jpg", ("authorization", "Bearer tok-camera".into()), second)
        .await
        .unwrap();
    let status = api.status();
    let body = axum::body::to_bytes(api.into_body(), usize::MAX).await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&body));

    // Past the library's limit both answer 413, and nothing is stored.
    let huge = vec![0xFF; MAX_UPLOAD_BYTES + 1];
    assert_eq!(
        send("/newsroom/media?name=big.jpg", csrf, huge.clone()).await.unwrap().status(),
        StatusCode::PAYLOAD_TOO_LARGE
    );
    let api = send("/api/v1/admin/media?name=big.jpg", ("authorization", "Bearer tok-camera".into()), huge);
    assert_eq!(api.await.unwrap().status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(n.state.store.media_list(10, 0).unwrap().len(), 2);
}

#[tokio::test]
async fn a_workflow_button_saves_what_was_typed_first_or_takes_no_action() {
    use newsdesk_core::ArticleId;
    let n = Newsroom::new();
    let editor = n.person(Role::Editor);
    let id = n.story(Role::Editor, WorkflowState::Ready, "Ferry strike ends");
    let story = |id| n.state.store.story(ArticleId(id)).unwrap();
    let typed = |rev: i64, headline: &str, deck: &str| {
        format!(
            "revision={rev}&headline={headline}&deck={deck}&section=Europe&language=en&b.type=paragraph&b.text=Crews+return."
        )
    };
    let action = format!("/newsroom/stories/{id}/action");

    // "Publish now" with a headline typed and not saved: the headline is saved, then published.
    let rev = story(id).revision;
    let r =
        n.post(&action, editor, &format!("action=publish&{}", typed(rev, "Ferry+strike+ends+after+talks", ""))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let s = story(id);
    assert_eq!(
        (s.article.headline.as_str(), s.article.state),
        ("Ferry strike ends after talks", WorkflowState::Published)
    );
    let live = n.state.store.article(ArticleId(id)).unwrap();
    assert_eq!(live.headline, "Ferry strike ends after talks");

    // "Publish update" carries the change out too.
    let r = n
        .post(
            &action,
            editor,
            &format!("action=update&{}", typed(s.revision, "Ferry+crews+back+at+work", "Talks+ended+overnight.")),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let s = story(id);
    assert_eq!(
        (s.article.headline.as_str(), s.article.deck.as_deref()),
        ("Ferry crews back at work", Some("Talks ended overnight."))
    );
    assert!(s.article.updated_at.is_some());

    // A form that cannot be saved: no action, and the page keeps what was typed.
    let r =
        n.post(&action, editor, &format!("action=unpublish&{}", typed(s.revision, "", "A+deck+worth+keeping."))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("A headline is needed.") && r.body.contains("A deck worth keeping."), "{}", r.body);
    assert_eq!(story(id).article.state, WorkflowState::Published);

    // A stale revision: the conflict is shown, the typed version is kept as a revision, no action.
    let r = n.post(&action, editor, &format!("action=unpublish&{}", typed(s.revision - 1, "Stale+headline", ""))).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let after = story(id);
    assert_eq!(
        (after.article.state, after.article.headline.as_str()),
        (WorkflowState::Published, "Ferry crews back at work")
    );
    let kept = n.state.store.revisions(ArticleId(id)).unwrap().pop().unwrap();
    assert_eq!((kept.article.headline.as_str(), kept.applied), ("Stale headline", false));

    // A schedule without a time is refused after the typed change is saved, and says so.
    let draft = n.story(Role::Editor, WorkflowState::Ready, "Harbour dues rise");
    let rev = story(draft).revision;
    let r = n
        .post(
            &format!("/newsroom/stories/{draft}/action"),
            editor,
            &format!("action=schedule&at=&{}", typed(rev, "Harbour+dues+rise+in+spring", "")),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("Your changes were saved as revision"), "{}", r.body);
    assert_eq!(story(draft).article.headline, "Harbour dues rise in spring");

    // Without the form (its fields were disabled: a story the user may no longer change), the
    // button only acts.
    let reporter = n.person(Role::Reporter);
    let own = n.story(Role::Reporter, WorkflowState::Draft, "Reporter's draft");
    let r = n.post(&format!("/newsroom/stories/{own}/action"), reporter, "action=submit&revision=1").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(story(own).article.state, WorkflowState::Submitted);
    // And a stale page that posts the form for a story the user may no longer change keeps it.
    let r = n
        .post(
            &format!("/newsroom/stories/{own}/action"),
            reporter,
            &format!("action=return_to_draft&{}", typed(2, "Changed+after+submitting", "")),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("Changed after submitting"));
    assert_eq!(story(own).article.headline, "Reporter's draft");

    // The page asks before the actions readers notice, and every button posts the story form.
    let page = n.get(&format!("/newsroom/stories/{draft}"), Some(editor)).await;
    assert!(page.body.contains(r#"form="story-form" formaction="/newsroom/stories/"#), "{}", page.body);
    assert!(page.body.contains(r#"id="action-publish" data-confirm="Publish this story now?"#), "{}", page.body);
}

#[tokio::test]
async fn a_soft_lock_is_hidden_when_nobody_else_has_the_story_and_released_when_the_page_is_left() {
    let n = Newsroom::new();
    let editor = n.person(Role::Editor);
    let admin = n.person(Role::Admin);
    let id = n.story(Role::Editor, WorkflowState::InEdit, "Locked story");
    for path in ["/newsroom/stories/new".to_string(), format!("/newsroom/stories/{id}")] {
        let page = n.get(&path, Some(editor)).await;
        assert!(page.body.contains(r#"id="lock-notice" class="lock" hidden"#), "{path}: {}", page.body);
    }
    // The stylesheet lets `hidden` win over the notice's own display rule.
    let css = n.get("/newsroom/assets/newsroom.css", None).await.body;
    assert!(css.contains("[hidden] { display: none !important; }"));
    let path = format!("/newsroom/stories/{id}/lock");
    let lock = async |who: &Person| n.send("POST", &path, Some(who), &[("x-csrf-token", &who.csrf)], "").await;
    assert_eq!(lock(admin).await.status, StatusCode::OK);
    assert!(lock(editor).await.body.contains("The admin"));
    // Leaving the page (a beacon with the form's token) ends the admin's lock at once.
    let left = n.post(&format!("/newsroom/stories/{id}/unlock"), admin, "").await;
    assert_eq!(left.status, StatusCode::NO_CONTENT);
    assert!(lock(editor).await.body.contains(r#""others":[]"#));
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

    let id = n.story(Role::Editor, WorkflowState::InEdit, "Token story");
    let r = n.send("POST", &format!("/newsroom/stories/{id}/lock?csrf={}", editor.csrf), Some(editor), &[], "").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "a token in the query string is not taken");
    let r = n
        .send("POST", &format!("/newsroom/stories/{id}/lock"), Some(editor), &[("x-csrf-token", &editor.csrf)], "")
        .await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn a_story_keeps_a_picture_the_library_does_not_list_when_its_form_is_saved() {
    use newsdesk_core::ArticleId;
    use newsdesk_core::article::LeadImage;
    let n = Newsroom::new();
    let editor = n.person(Role::Editor);
    // An imported story's picture: in the media folder, not in the library.
    let a = Article {
        state: WorkflowState::InEdit,
        published_at: None,
        lead_image: Some(LeadImage {
            asset: Some("imported-cover.jpg".into()),
            alt: "A quay at dawn".into(),
            title: Some("Dawn".into()),
            caption: None,
            credit: Some("AA".into()),
            source_url: Some("https://wire.example/pictures/1.jpg".into()),
        }),
        ..crate::test_support::article("Imported with a picture", "EUROPE", "2026-01-01T00:00:00Z")
    };
    let meta = StoryMeta { desk: None, owner: Some(editor.id) };
    let id = n.state.store.create_story(&a, &meta, "test", Timestamp::now()).unwrap().id.0;
    let page = n.get(&format!("/newsroom/stories/{id}"), Some(editor)).await;
    assert!(
        page.body.contains(
            r#"<option value="imported-cover.jpg" selected>The story's picture (not in the library)</option>"#
        ),
        "the picker shows the story's own picture: {}",
        page.body
    );
    let rev = n.state.store.story(ArticleId(id)).unwrap().revision;
    let form = format!(
        "revision={rev}&headline=Imported+with+a+picture,+edited&section=Europe&language=en&image_asset=imported-cover.jpg&image_alt=A+quay+at+dawn&b.type=paragraph&b.text=Words."
    );
    let r = n.post(&format!("/newsroom/stories/{id}"), editor, &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let saved = n.state.store.story(ArticleId(id)).unwrap().article.lead_image.unwrap();
    assert_eq!(saved.asset.as_deref(), Some("imported-cover.jpg"));
    assert_eq!(saved.title.as_deref(), Some("Dawn"), "what the form does not show stays");
    assert_eq!(saved.source_url.as_deref(), Some("https://wire.example/pictures/1.jpg"));
    // Another picture not in the library is still refused.
    let rev = rev + 1;
    let form = format!(
        "revision={rev}&headline=Other&section=Europe&language=en&image_asset=elsewhere.jpg&image_alt=x&b.type=paragraph&b.text=Words."
    );
    let r = n.post(&format!("/newsroom/stories/{id}"), editor, &form).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("That picture is not in the media library."));
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

#[tokio::test]
async fn the_media_library_is_searched_edited_and_pruned_but_never_under_a_published_story() {
    let n = Newsroom::new();
    let (reporter, editor) = (n.person(Role::Reporter), n.person(Role::Editor));
    let upload = |name: &str, bytes: Vec<u8>| {
        let req = Request::builder()
            .method("POST")
            .uri(format!("/newsroom/media?name={name}&alt=A+quay&caption=The+quay+at+dawn&credit=AA"))
            .header(header::COOKIE, &reporter.cookie)
            .header("x-csrf-token", &reporter.csrf)
            .header(header::CONTENT_TYPE, "image/png")
            .body(Body::from(bytes))
            .unwrap();
        router(n.state.clone()).oneshot(req)
    };
    assert_eq!(upload("quay.png", super::media::tests::tiny_png()).await.unwrap().status(), StatusCode::CREATED);
    let mut other = newsdesk_ingest::image::test_jpeg(1000);
    other.truncate(other.len()); // a JPEG, so another file
    let req = Request::builder()
        .method("POST")
        .uri("/newsroom/media?name=ferry.jpg&alt=A+ferry&credit=Newsdesk")
        .header(header::COOKIE, &reporter.cookie)
        .header("x-csrf-token", &reporter.csrf)
        .body(Body::from(other))
        .unwrap();
    assert_eq!(router(n.state.clone()).oneshot(req).await.unwrap().status(), StatusCode::CREATED);
    let listed = n.state.store.media_list(10, 0).unwrap();
    let (ferry, quay) = (listed[0].clone(), listed[1].clone());

    // Search by name, caption or credit.
    let page = n.get("/newsroom/media?q=dawn", Some(reporter)).await;
    assert!(
        page.body.contains("1 picture found") && page.body.contains(&quay.file) && !page.body.contains(&ferry.file)
    );
    let page = n.get("/newsroom/media?q=newsdesk", Some(reporter)).await;
    assert!(page.body.contains(&ferry.file) && !page.body.contains(&quay.file));
    let page = n.get("/newsroom/media?q=100%25", Some(reporter)).await;
    assert!(page.body.contains("No picture matches."), "a % is a character, not a wildcard");

    // Alt text, caption and credit edited after upload; alt text cannot be emptied.
    let r = n
        .post(&format!("/newsroom/media/{}", quay.id), reporter, "alt=The+old+quay&caption=&credit=Port+archive")
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let quay = n.state.store.media_by_file(&quay.file).unwrap().unwrap();
    assert_eq!(
        (quay.alt.as_str(), quay.caption.as_deref(), quay.credit.as_deref()),
        ("The old quay", None, Some("Port archive"))
    );
    let r = n.post(&format!("/newsroom/media/{}", quay.id), reporter, "alt=+&credit=x").await;
    assert_eq!(location(&r), "/newsroom/media?error=alt");
    assert_eq!(n.state.store.media_by_file(&quay.file).unwrap().unwrap().alt, "The old quay");

    // A published story shows the quay: it cannot be deleted, and the refusal says which story.
    let shown = crate::test_support::pictured("Quay story", "Europe", &quay.file);
    n.state.store.save_article(&shown, None, "t", Timestamp::now()).unwrap();
    assert_eq!(
        n.post(&format!("/newsroom/media/{}/delete", quay.id), reporter, "").await.status,
        StatusCode::FORBIDDEN
    );
    let r = n.post(&format!("/newsroom/media/{}/delete", quay.id), editor, "").await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("Quay story"), "{}", r.body);
    assert!(n.state.media_dir.join(&quay.file).exists());
    // The ferry is used by nothing: deleted, file and all.
    let r = n.post(&format!("/newsroom/media/{}/delete", ferry.id), editor, "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(n.state.store.media_by_file(&ferry.file).unwrap().is_none());
    assert!(!n.state.media_dir.join(&ferry.file).exists());
}

#[tokio::test]
async fn the_dashboard_pages_sorts_and_filters_a_newsroom_sized_list_with_exact_counts() {
    let n = Newsroom::new();
    let (editor, reporter) = (n.person(Role::Editor), n.person(Role::Reporter));
    for i in 0..120 {
        let who = if i % 3 == 0 { Role::Reporter } else { Role::Editor };
        let state = if i % 4 == 0 { WorkflowState::Submitted } else { WorkflowState::InEdit };
        n.story(who, state, &format!("Story {i:03} about the harbour"));
    }
    let page1 = n.get("/newsroom", Some(editor)).await;
    assert_eq!(page1.body.matches("<tr data-id=").count(), 50);
    assert!(page1.body.contains(r#"id="next-page""#) && page1.body.contains("Page 1"));
    assert!(
        page1.body.contains("submitted <b>30</b>") && page1.body.contains("in edit <b>90</b>"),
        "exact counts: {}",
        page1.body
    );
    let page3 = n.get("/newsroom?page=3", Some(editor)).await;
    assert_eq!(page3.body.matches("<tr data-id=").count(), 20);
    assert!(!page3.body.contains(r#"id="next-page""#));
    // By headline, A to Z: Story 000 first.
    let sorted = n.get("/newsroom?sort=headline", Some(editor)).await;
    let first = sorted.body.split("<tr data-id=").nth(1).unwrap();
    assert!(first.contains("Story 000 about the harbour"), "{first}");
    assert!(
        sorted.body.contains("sort=headline&amp;page=2") || sorted.body.contains("sort=headline&page=2"),
        "paging keeps the order"
    );
    // One owner's stories, and a date range that holds none.
    let theirs = n.get(&format!("/newsroom?author={}", reporter.id), Some(editor)).await;
    assert_eq!(theirs.body.matches("<tr data-id=").count(), 40);
    let none = n.get("/newsroom?from=2001-01-01&to=2001-01-31", Some(editor)).await;
    assert!(none.body.contains("No stories match."));
    // On a phone the table scrolls sideways inside its box, not the page.
    assert!(page1.body.contains(r#"<div class="table-scroll">"#));
}
