//! The Admin API, in process: tokens and roles, create, update with If-Match, the workflow,
//! field errors, uploads.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use jiff::Timestamp;
use newsdesk_core::Role;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::{AppState, router};
use newsdesk_desk::accounts::hash_key;

pub(super) struct Admin {
    _dir: tempfile::TempDir,
    pub(super) state: AppState,
    people: Vec<crate::test_support::Person>,
}

impl Admin {
    pub(super) fn new() -> Admin {
        let site = crate::test_support::TestSite::new();
        let people = site.people();
        let crate::test_support::TestSite { dir, state } = site;
        Admin { _dir: dir, state, people }
    }

    pub(super) async fn call(
        &self,
        method: &str,
        path: &str,
        role: Option<Role>,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> (StatusCode, axum::http::HeaderMap, Value) {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(r) = role {
            let person = self.people.iter().find(|p| p.role == r).expect("a person of each role");
            req = req.header(header::AUTHORIZATION, format!("Bearer {}", person.token));
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = router(self.state.clone()).oneshot(req.body(Body::from(body)).unwrap()).await.unwrap();
        let (parts, body) = res.into_parts();
        let bytes = axum::body::to_bytes(body, 10 << 20).await.unwrap();
        (parts.status, parts.headers, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    pub(super) async fn json(
        &self,
        method: &str,
        path: &str,
        role: Role,
        body: Value,
    ) -> (StatusCode, axum::http::HeaderMap, Value) {
        self.call(method, path, Some(role), &[("content-type", "application/json")], body.to_string().into_bytes())
            .await
    }
}

#[tokio::test]
async fn a_story_through_the_admin_api_with_each_role_held_to_its_rules() {
    let api = Admin::new();
    let (status, _, v) = api.call("GET", "/api/v1/admin/articles", None, &[], vec![]).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")));
    let (status, _, _) =
        api.call("GET", "/api/v1/admin/articles", None, &[("authorization", "Bearer nope")], vec![]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let story = json!({
        "headline": "Bridge reopens after repairs", "section": "Europe", "authors": ["Ana Ruiz", "Smith, Jr."],
        "tags": ["bridges", "Repairs, roads"], "source": "AA",
        "body": [{ "type": "paragraph", "text": "Traffic flows again." }, { "type": "recommended" },
                 { "type": "related", "publication": "TRT World", "headline": "Bridge closed", "url": null }]
    });
    let (status, headers, v) = api.json("POST", "/api/v1/admin/articles", Role::Reporter, story).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let id = v["data"]["id"].as_i64().unwrap();
    assert_eq!(v["data"]["state"], "draft");
    assert_eq!(v["data"]["url"], Value::Null);
    assert_eq!(v["data"]["actions"], json!(["submit", "spike"]));
    assert_eq!(headers[header::ETAG], "\"r1\"");
    // Lists stay lists: a comma inside a name is kept.
    assert_eq!(v["data"]["authors"], json!(["Ana Ruiz", "Smith, Jr."]), "{v}");
    assert_eq!(v["data"]["tags"], json!(["bridges", "Repairs, roads"]), "{v}");
    let path = format!("/api/v1/admin/articles/{id}");

    // A contributor may not even see it; a reporter may not publish it.
    let (status, _, _) = api.call("GET", &path, Some(Role::Contributor), &[], vec![]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let t = format!("{path}/transitions");
    let (status, _, v) = api.json("POST", &t, Role::Reporter, json!({ "action": "publish" })).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "{v}");
    let (status, _, v) = api.json("POST", &t, Role::Reporter, json!({ "action": "submit" })).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let (status, _, v) = api.json("POST", &t, Role::Editor, json!({ "action": "mark_ready" })).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::CONFLICT, Some("workflow-conflict")));
    for action in ["start_edit", "publish"] {
        let (status, _, v) = api.json("POST", &t, Role::Editor, json!({ "action": action })).await;
        assert_eq!(status, StatusCode::OK, "{action}: {v}");
    }
    let (_, headers, v) = api.call("GET", &path, Some(Role::Editor), &[], vec![]).await;
    assert_eq!(v["data"]["state"], "published");
    assert!(v["data"]["url"].as_str().unwrap().ends_with("/europe/bridge-reopens-after-repairs"));
    let etag = headers[header::ETAG].to_str().unwrap().to_string();
    let (status, _, _) = api.call("GET", &path, Some(Role::Editor), &[("if-none-match", &etag)], vec![]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);

    // Updates name the revision they read; a stale one is kept, not applied.
    let patch = |h: &str| json!({ "headline": h }).to_string().into_bytes();
    fn with(tag: &str) -> Vec<(&'static str, &str)> {
        vec![("content-type", "application/json"), ("if-match", tag)]
    }
    let (status, _, v) = api
        .call("PATCH", &path, Some(Role::Editor), &with(&etag), patch("Bridge reopens after two years of repairs"))
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["headline"], "Bridge reopens after two years of repairs");
    assert_eq!(v["data"]["authors"], json!(["Ana Ruiz", "Smith, Jr."]), "fields not sent stay");
    let (status, _, v) = api.call("PATCH", &path, Some(Role::Admin), &with(&etag), patch("Lost update")).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::PRECONDITION_FAILED, Some("stale-revision")), "{v}");
    let revs = api.state.store.revisions(newsdesk_core::ArticleId(id)).unwrap();
    assert_eq!(revs.last().map(|r| (r.article.headline.as_str(), r.applied)), Some(("Lost update", false)));

    // The reporter can no longer change it; corrections are the desk's.
    let (status, _, _) = api.json("PATCH", &path, Role::Reporter, json!({ "deck": "x" })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, v) = api.json("POST", &t, Role::Editor, json!({ "action": "correct" })).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid-fields")), "{v}");
    let (status, _, v) = api
        .json("POST", &t, Role::Editor, json!({ "action": "correct", "note": "The bridge is in Ghent, not Bruges." }))
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["corrections"][0]["note"], "The bridge is in Ghent, not Bruges.");
}

#[tokio::test]
async fn wrong_fields_are_named_and_nothing_is_stored() {
    let api = Admin::new();
    let bad = json!({ "headline": "", "section": "Europe", "language": "english", "embargo": "soon",
                      "body": [{ "type": "embed", "url": "javascript:alert(1)" }] });
    let (status, _, v) = api.json("POST", "/api/v1/admin/articles", Role::Editor, bad).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid-fields")), "{v}");
    let fields: Vec<&str> = v["errors"].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(fields, ["body[0]", "embargo", "headline", "language"]);
    let (status, _, v) =
        api.json("POST", "/api/v1/admin/articles", Role::Editor, json!({ "headline": "x", "colour": "red" })).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid-document")), "{v}");
    let (status, _, _) =
        api.call("POST", "/api/v1/admin/articles", Some(Role::Editor), &[], b"headline=x".to_vec()).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(api.state.store.article_count().unwrap(), 0);
}

#[tokio::test]
async fn marks_are_taken_as_sent_or_refused_by_name() {
    let api = Admin::new();
    let marked = json!({ "headline": "Ferry strike ends", "section": "Europe", "body": [
        { "type": "paragraph", "text": "Read the full report now.", "marks": [
            { "kind": "link", "start": 9, "end": 20, "href": "https://agency.example/report" },
            { "kind": "strong", "start": 0, "end": 4 } ] },
        { "type": "list", "ordered": false, "items": ["one", "two"], "marks": [[], [{ "kind": "em", "start": 0, "end": 3 }]] } ] });
    let (status, _, v) = api.json("POST", "/api/v1/admin/articles", Role::Editor, marked).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(
        v["data"]["body"][0]["marks"],
        json!([{ "kind": "strong", "start": 0, "end": 4 }, { "kind": "link", "start": 9, "end": 20, "href": "https://agency.example/report" }])
    );
    assert_eq!(v["data"]["body"][1]["marks"], json!([[], [{ "kind": "em", "start": 0, "end": 3 }]]));

    for (marks, says) in [
        (json!([{ "kind": "link", "start": 0, "end": 4, "href": "javascript:alert(1)" }]), "a link needs"),
        (json!([{ "kind": "em", "start": 0, "end": 99 }]), "past the text"),
        (json!([{ "kind": "em", "start": 3, "end": 3 }]), "empty"),
        (json!([{ "kind": "strong", "start": 0, "end": 2, "href": "/x" }]), "only a link"),
    ] {
        let bad = json!({ "headline": "Bad marks", "section": "Europe", "body": [{ "type": "paragraph", "text": "Some words.", "marks": marks }] });
        let (status, _, v) = api.json("POST", "/api/v1/admin/articles", Role::Editor, bad).await;
        assert_eq!((status, v["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid-fields")), "{v}");
        let why = v["errors"]["body[0]"].as_str().unwrap_or_default();
        assert!(why.starts_with("marks[0]: ") && why.contains(says), "{v}");
    }
    let bad = json!({ "headline": "Bad kind", "section": "Europe", "body": [{ "type": "paragraph", "text": "x", "marks": [{ "kind": "blink", "start": 0, "end": 1 }] }] });
    let (status, _, v) = api.json("POST", "/api/v1/admin/articles", Role::Editor, bad).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid-document")), "{v}");
    assert_eq!(api.state.store.article_count().unwrap(), 1, "only the good story is stored");
}

#[tokio::test]
async fn pictures_uploaded_by_api_can_lead_a_story() {
    let api = Admin::new();
    let png = crate::newsroom::media::tests::tiny_png();
    let (status, _, v) = api
        .call(
            "POST",
            "/api/v1/admin/media?name=bridge.png&alt=The%20bridge&credit=AA",
            Some(Role::Contributor),
            &[("content-type", "image/png")],
            png,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let file = v["data"]["file"].as_str().unwrap().to_string();
    assert_eq!((v["data"]["width"].as_i64(), v["data"]["credit"].as_str()), (Some(3), Some("AA")));
    let (status, _, v) =
        api.call("POST", "/api/v1/admin/media", Some(Role::Contributor), &[], b"GIF89a".to_vec()).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid-media")));
    let story = json!({ "headline": "With a picture", "section": "Europe", "lead_image": { "asset": file, "alt": "The bridge", "credit": "AA",
        "caption": "The bridge at dawn", "caption_marks": [{ "kind": "link", "start": 4, "end": 10, "href": "/europe/bridge" }] } });
    let (status, _, v) = api.json("POST", "/api/v1/admin/articles", Role::Contributor, story).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(v["data"]["lead_image"]["asset"].as_str(), Some(file.as_str()));
    assert_eq!(
        v["data"]["lead_image"]["caption_marks"],
        json!([{ "kind": "link", "start": 4, "end": 10, "href": "/europe/bridge" }])
    );
    let bad = json!({ "headline": "Bad caption", "section": "Europe", "lead_image": { "asset": file, "alt": "The bridge",
        "caption": "Short", "caption_marks": [{ "kind": "em", "start": 0, "end": 50 }] } });
    let (status, _, e) = api.json("POST", "/api/v1/admin/articles", Role::Contributor, bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e["errors"]["image_caption"].as_str().unwrap().contains("past the text"), "{e}");
    // A field left out stays; a null lead picture is taken away.
    let path = format!("/api/v1/admin/articles/{}", v["data"]["id"]);
    let (status, _, v) = api.json("PATCH", &path, Role::Contributor, json!({ "deck": "Over the river" })).await;
    assert_eq!((status, v["data"]["lead_image"]["asset"].as_str()), (StatusCode::OK, Some(file.as_str())), "{v}");
    let (status, _, v) = api.json("PATCH", &path, Role::Contributor, json!({ "lead_image": null })).await;
    assert_eq!((status, &v["data"]["lead_image"]), (StatusCode::OK, &serde_json::Value::Null), "{v}");
    let missing =
        json!({ "headline": "Bad picture", "section": "Europe", "lead_image": { "asset": "nope.jpg", "alt": "x" } });
    let (status, _, v) = api.json("POST", "/api/v1/admin/articles", Role::Contributor, missing).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v["errors"]["image_asset"].is_string(), "{v}");
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let api = Admin::new();
    let editor = api.state.store.user_by_email("editor@example.org").unwrap().unwrap();
    let past = Timestamp::now() - jiff::SignedDuration::from_secs(1);
    api.state
        .store
        .add_user_token(editor.id, "old", &hash_key("tok-old"), past - jiff::SignedDuration::from_hours(1), past)
        .unwrap();
    let (status, _, v) =
        api.call("GET", "/api/v1/admin/articles", None, &[("authorization", "Bearer tok-old")], vec![]).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")));
    let (status, _, _) = api.call("GET", "/api/v1/admin/articles", Some(Role::Editor), &[], vec![]).await;
    assert_eq!(status, StatusCode::OK);
}

/// Every operation of the OpenAPI document, with every credential that must not pass and every
/// path variant: never a 2xx. (The roles that may pass are held to their rules above.)
#[tokio::test]
async fn no_operation_answers_a_wrong_credential_or_a_path_variant() {
    let api = Admin::new();
    let editor = api.state.store.user_by_email("editor@example.org").unwrap().unwrap();
    let now = Timestamp::now();
    let day = jiff::SignedDuration::from_hours(24);
    // A revoked token, an expired one, keys of the Content and Ingest scopes, a revoked key.
    api.state.store.add_user_token(editor.id, "gone", &hash_key("tok-revoked"), now, now + day).unwrap();
    api.state.store.revoke_user_token(editor.id, "gone", now).unwrap();
    api.state.store.add_user_token(editor.id, "old", &hash_key("tok-expired"), now - day, now - day / 2).unwrap();
    let store = &api.state.store;
    store.add_api_key("reader", &hash_key("key-content"), newsdesk_store::KeyScope::Content, now).unwrap();
    store.add_api_key("agency", &hash_key("key-ingest"), newsdesk_store::KeyScope::Ingest, now).unwrap();
    store.add_api_key("former", &hash_key("key-revoked"), newsdesk_store::KeyScope::Content, now).unwrap();
    store.revoke_api_key("former", now).unwrap();
    let id = store
        .save_article(&crate::test_support::article("Matrix", "EUROPE", "2026-01-01T00:00:00Z"), None, "t", now)
        .unwrap()
        .id
        .0
        .to_string();
    let doc = crate::api::openapi::document("http://127.0.0.1");
    let mut requests = 0;
    let mut unexpected = vec![];
    for (template, ops) in doc["paths"].as_object().unwrap() {
        let path = template.replace("{id}", &id);
        let admin = path.starts_with("/api/v1/admin");
        let ingest = path == "/api/ingest";
        // The credentials each operation must refuse: everything but its own kind.
        let mut wrong = vec![None, Some("tok-revoked"), Some("tok-expired"), Some("key-revoked"), Some("nonsense")];
        if admin {
            wrong.extend([Some("key-content"), Some("key-ingest")]);
        } else if ingest {
            wrong.extend([Some("key-content"), Some("tok-editor")]);
        } else {
            wrong.extend([Some("key-ingest"), Some("tok-editor")]);
        }
        for method in ops.as_object().unwrap().keys().map(|m| m.to_uppercase()) {
            for variant in crate::test_support::path_variants(&path) {
                for cred in &wrong {
                    let auth = cred.map(|c| format!("Bearer {c}"));
                    let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("authorization", a.as_str())).collect();
                    let (status, _, _) = api.call(&method, &variant, None, &headers, b"{}".to_vec()).await;
                    requests += 1;
                    if status.is_success() {
                        unexpected.push(format!("{method} {variant} with {cred:?}: {status}"));
                    }
                }
            }
        }
    }
    eprintln!("route matrix: {requests} requests, {} unexpected 2xx", unexpected.len());
    assert!(requests > 500, "{requests}");
    assert!(unexpected.is_empty(), "{unexpected:#?}");
}
