//! Content API routes, in process on a temporary store.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use newsdesk_core::{Article, WorkflowState};
use serde_json::Value;
use tower::ServiceExt;

use newsdesk_desk::accounts::new_key;

use super::*;
use crate::test_support::TestSite;
use crate::{SiteConfig, router as site_router};

struct Api {
    _dir: tempfile::TempDir,
    state: AppState,
    key: String,
}

fn article(n: u32, section: &str, tags: &[&str], state: WorkflowState) -> Article {
    let a = crate::test_support::article(&format!("Story {n}"), section, &format!("2026-01-{n:02}T08:00:00Z"));
    Article { authors: vec!["Mira Okonkwo".into()], tags: tags.iter().map(|t| t.to_string()).collect(), state, ..a }
}

impl Api {
    fn new(rate: u32) -> Api {
        let site = TestSite::with_config(SiteConfig { api_rate_per_minute: rate, ..SiteConfig::default() });
        let store = &site.state.store;
        for n in 1..=5 {
            let section = if n % 2 == 0 { "SPORT" } else { "EUROPE" };
            store
                .save_article(&article(n, section, &["climate"], WorkflowState::Published), None, "t", Timestamp::now())
                .unwrap();
        }
        store.save_article(&article(9, "EUROPE", &[], WorkflowState::Draft), None, "t", Timestamp::now()).unwrap();
        let key = site.content_key("partner");
        let TestSite { dir, state } = site;
        Api { _dir: dir, state, key }
    }

    async fn get(&self, path: &str, key: Option<&str>) -> (StatusCode, axum::http::HeaderMap, Value) {
        let mut req = Request::builder().uri(path);
        if let Some(k) = key {
            req = req.header(header::AUTHORIZATION, format!("Bearer {k}"));
        }
        let res = site_router(self.state.clone()).oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
        let (parts, body) = res.into_parts();
        let bytes = axum::body::to_bytes(body, 10 << 20).await.unwrap();
        (parts.status, parts.headers, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }
}

#[tokio::test]
async fn lists_filters_and_pages_with_a_cursor() {
    let api = Api::new(600);
    let key = Some(api.key.as_str());
    let (status, headers, v) = api.get("/api/v1/articles?limit=2", key).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    assert!(headers.contains_key(header::ETAG));
    let heads: Vec<&str> = v["data"].as_array().unwrap().iter().map(|a| a["headline"].as_str().unwrap()).collect();
    assert_eq!(heads, ["Story 5", "Story 4"]);
    let mut seen = heads.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut cursor = v["next_cursor"].as_str().unwrap().to_string();
    loop {
        let (_, _, page) = api.get(&format!("/api/v1/articles?limit=2&cursor={cursor}"), key).await;
        seen.extend(page["data"].as_array().unwrap().iter().map(|a| a["headline"].as_str().unwrap().to_string()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_string(),
            None => break,
        }
    }
    assert_eq!(seen, ["Story 5", "Story 4", "Story 3", "Story 2", "Story 1"], "every published story once; no draft");

    let (_, _, v) = api.get("/api/v1/articles?section=sport&fields=headline,url", key).await;
    let first = v["data"][0].as_object().unwrap();
    let mut keys: Vec<&String> = first.keys().collect();
    keys.sort();
    assert_eq!(keys, ["headline", "id", "url"]);
    assert_eq!(v["data"].as_array().unwrap().len(), 2);
    let (_, _, v) =
        api.get("/api/v1/articles?tag=climate&author=mira-okonkwo&updated_since=2020-01-01T00:00:00Z", key).await;
    assert_eq!(v["data"].as_array().unwrap().len(), 5);
    let (_, _, v) = api.get("/api/v1/articles?updated_since=2999-01-01T00:00:00Z", key).await;
    assert!(v["data"].as_array().unwrap().is_empty());

    let (status, _, v) = api.get("/api/v1/articles/1", key).await;
    assert_eq!((status, v["data"]["headline"].as_str()), (StatusCode::OK, Some("Story 1")));
    assert_eq!(api.get("/api/v1/articles/6", key).await.0, StatusCode::NOT_FOUND, "a draft is not published");
    let (_, _, v) = api.get("/api/v1/sections", key).await;
    assert_eq!(v["data"].as_array().unwrap().len(), 2);
    let (_, _, v) = api.get("/api/v1/tags", key).await;
    assert_eq!(v["data"][0]["slug"], "climate");
    let (_, _, v) = api.get("/api/v1/authors", key).await;
    assert_eq!(v["data"][0]["name"], "Mira Okonkwo");
}

#[tokio::test]
async fn bad_input_gets_a_problem_naming_the_parameter() {
    let api = Api::new(600);
    let key = Some(api.key.as_str());
    for (query, param) in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=x", "limit"),
        ("section=Not%20A%20Slug", "section"),
        ("section=x%27%20OR%201%3D1--", "section"),
        ("updated_since=yesterday", "updated_since"),
        ("cursor=zz", "cursor"),
        ("cursor=3a", "cursor"),
        ("cursor=%F4%81%B3%88%C3%9A", "cursor"),
        ("fields=headline,state", "fields"),
        ("fields=external_id", "fields"),
        ("color=red", "color"),
        ("limit=1&limit=2", "limit"),
    ] {
        let (status, headers, v) = api.get(&format!("/api/v1/articles?{query}"), key).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
        assert_eq!((v["code"].as_str(), v["parameter"].as_str()), (Some("invalid-parameter"), Some(param)), "{query}");
    }
    let (status, _, v) = api.get("/api/v1/articles/abc", key).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::NOT_FOUND, Some("not-found")));
    let (status, _, v) = api.get("/api/v2/nothing", key).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::NOT_FOUND, Some("not-found")));
}

#[tokio::test]
async fn keys_are_required_and_budgets_enforced() {
    let api = Api::new(3);
    let (status, headers, v) = api.get("/api/v1/articles", None).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")));
    assert!(headers.contains_key(header::WWW_AUTHENTICATE));
    assert_eq!(api.get("/api/v1/articles", Some("nd_wrong")).await.0, StatusCode::UNAUTHORIZED);
    for _ in 0..3 {
        assert_eq!(api.get("/api/v1/sections", Some(&api.key)).await.0, StatusCode::OK);
    }
    let (status, headers, v) = api.get("/api/v1/sections", Some(&api.key)).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("rate-limited")));
    assert!(headers[header::RETRY_AFTER].to_str().unwrap().parse::<u64>().unwrap() >= 1);
    api.state.store.revoke_api_key("partner", Timestamp::now()).unwrap();
    assert_eq!(api.get("/api/v1/sections", Some(&api.key)).await.0, StatusCode::UNAUTHORIZED);
}

#[test]
fn the_openapi_document_matches_its_snapshot() {
    let doc = openapi::document("http://127.0.0.1:8080");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/openapi.json");
    let text = serde_json::to_string_pretty(&doc).unwrap() + "\n";
    if std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(std::path::Path::new(path).parent().unwrap()).unwrap();
        std::fs::write(path, &text).unwrap();
    }
    let saved = std::fs::read_to_string(path).expect("run with UPDATE_SNAPSHOTS=1 to write the snapshot");
    assert_eq!(text, saved, "the API changed: review, then run with UPDATE_SNAPSHOTS=1");
}

#[test]
fn cursors_round_trip() {
    let mut a = article(1, "EUROPE", &[], WorkflowState::Published);
    a.id = Some(newsdesk_core::ArticleId(42));
    let c = encode_cursor(&a).unwrap();
    assert_eq!(decode_cursor(&c).unwrap(), (a.published_at.unwrap(), 42));
    let pattern = regex_lite_match(&c);
    assert!(pattern, "{c} matches the documented pattern");
    let doc = openapi::document("http://127.0.0.1");
    let params = doc["paths"]["/api/v1/articles"]["get"]["parameters"].as_array().unwrap();
    let cursor = params.iter().find(|p| p["name"] == "cursor").unwrap();
    assert_eq!(
        cursor["schema"]["pattern"], "^(3[0-9]){1,17}3a(3[0-9]){1,18}$",
        "the pattern checked here is the documented one"
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any query string is either understood or refused with a problem; never a panic.
        #[test]
        fn any_query_is_parsed_or_refused(raw in "\\PC{0,120}") {
            match article_query(Some(&raw)) {
                Ok(q) => prop_assert!((1..=MAX_LIMIT).contains(&q.limit)),
                Err(e) => {
                    let (status, problem) = e.problem();
                    prop_assert_eq!(status, StatusCode::BAD_REQUEST);
                    prop_assert_eq!(problem.code.as_str(), "invalid-parameter");
                }
            }
        }

        /// Any text is a cursor this API gave out (and reads back to the same place) or a
        /// refusal that names the `cursor` parameter.
        #[test]
        fn any_cursor_is_decoded_or_refused(raw in prop_oneof!["\\PC{0,100}", "[0-9a-f]{0,60}", "(3[0-9]){1,17}3a(3[0-9]){1,18}"]) {
            match decode_cursor(&raw) {
                Ok((at, id)) => {
                    let a = Article {
                        id: Some(newsdesk_core::ArticleId(id)),
                        published_at: Some(at),
                        ..newsdesk_core::testing::article("x", "EUROPE", "2026-01-01T00:00:00Z")
                    };
                    let again = encode_cursor(&a).unwrap();
                    prop_assert_eq!(decode_cursor(&again).unwrap(), (at, id));
                }
                Err(e) => {
                    let (status, problem) = e.problem();
                    prop_assert_eq!(status, StatusCode::BAD_REQUEST);
                    prop_assert_eq!(problem.parameter.as_deref(), Some("cursor"));
                }
            }
        }

        /// Every cursor the API gives out reads back to the story it was made from.
        #[test]
        fn every_cursor_given_out_reads_back(micros in 0i64..4_000_000_000_000_000, id in 1i64..i64::MAX) {
            let at = Timestamp::from_microsecond(micros).unwrap();
            let a = Article {
                id: Some(newsdesk_core::ArticleId(id)),
                published_at: Some(at),
                ..newsdesk_core::testing::article("x", "EUROPE", "2026-01-01T00:00:00Z")
            };
            prop_assert_eq!(decode_cursor(&encode_cursor(&a).unwrap()).unwrap(), (at, id));
        }
    }
}

/// The documented cursor pattern `^(3[0-9]){1,17}3a(3[0-9]){1,18}$`, checked by hand.
fn regex_lite_match(c: &str) -> bool {
    let Some((a, b)) = c.split_once("3a") else { return false };
    let digits = |s: &str, max: usize| {
        s.len().is_multiple_of(2)
            && (2..=max * 2).contains(&s.len())
            && s.as_bytes().chunks(2).all(|p| p[0] == b'3' && p[1].is_ascii_digit())
    };
    digits(a, 17) && digits(b, 18)
}

async fn post(api: &Api, path: &str, key: &str, content_type: &str, body: &str) -> (StatusCode, Value) {
    let req = Request::builder()
        .method("POST")
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {key}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body.to_string()))
        .unwrap();
    let res = site_router(api.state.clone()).oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

#[tokio::test]
async fn wire_items_are_pushed_with_an_ingest_key() {
    let api = Api::new(600);
    let ingest_key = new_key().unwrap();
    api.state
        .store
        .add_api_key("agency", &hash_key(&ingest_key), newsdesk_store::KeyScope::Ingest, Timestamp::now())
        .unwrap();
    let doc = r#"{"uri": "urn:agency:1", "version": "1", "headline": "Pushed story", "body_html": "<p>Text.</p>", "versioncreated": "2026-01-05T08:00:00Z"}"#;

    let (status, v) = post(&api, "/api/ingest", &api.key, "application/json", doc).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "a content key cannot push");
    let (status, v) = post(&api, "/api/ingest?section=business", &ingest_key, "application/json", doc).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(
        (v["imported"].as_i64(), v["data"][0]["status"].as_str(), v["data"][0]["url"].as_str()),
        (Some(1), Some("imported"), Some("http://127.0.0.1:8080/business/pushed-story"))
    );
    let (_, v) = post(&api, "/api/ingest", &ingest_key, "application/json", doc).await;
    assert_eq!(v["duplicate"], 1, "the same version again changes nothing");

    let (status, v) = post(&api, "/api/ingest", &ingest_key, "text/html", doc).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, Some("unsupported-media-type")));
    // Plain text is the IPTC 7901 wire: JSON sent as it is refused, naming why.
    let (status, v) = post(&api, "/api/ingest", &ingest_key, "text/plain", doc).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid-document")));
    assert!(v["detail"].as_str().unwrap().contains("no SOH and STX framing"), "{v}");
    // One bad item is reported with its field; the others are stored.
    let mixed = r#"[{"uri": "a", "headline": "Good one", "body_text": "y"}, {"uri": "b", "headline": "z", "body_text": "w", "urgency": "high"}]"#;
    let (status, v) = post(&api, "/api/ingest?queue=true", &ingest_key, "application/json", mixed).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!((v["imported"].as_i64(), v["failed"].as_i64()), (Some(1), Some(1)));
    assert_eq!(v["data"][0]["status"], "queued");
    assert!(v["data"][1]["error"].as_str().unwrap().starts_with("item 1 (b): urgency: expected"), "{v}");
    // A document none of whose items can be read is refused whole.
    let bad = r#"[{"uri": "a", "headline": "x", "urgency": "high"}]"#;
    let (status, v) = post(&api, "/api/ingest", &ingest_key, "application/json", bad).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid-document")));
    assert!(v["detail"].as_str().unwrap().starts_with("item 0 (a): urgency: expected"), "{v}");
    // NewsML-G2 is pushed as XML.
    let newsml = r#"<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:g2:1" version="1" standard="NewsML-G2" standardversion="2.35"><itemMeta><itemClass qcode="ninat:text"/><provider qcode="nprov:AA"/><versionCreated>2026-11-30T10:00:00Z</versionCreated></itemMeta><contentMeta><headline>Pushed in XML</headline></contentMeta><contentSet><inlineXML contenttype="application/nitf+xml"><nitf xmlns="http://iptc.org/std/NITF/2006-10-18/"><body><body.content><p>Words.</p></body.content></body></nitf></inlineXML></contentSet></newsItem>"#;
    let (status, v) = post(&api, "/api/ingest?section=world", &ingest_key, "application/xml", newsml).await;
    assert_eq!(
        (status, v["data"][0]["url"].as_str()),
        (StatusCode::OK, Some("http://127.0.0.1:8080/world/pushed-in-xml")),
        "{v}"
    );
    // NITF (as application/nitf+xml) and NewsML 1.2: a newer version updates in place, a kill
    // takes the story down.
    let nitf = |version: u32, status: &str, words: &str| {
        format!(
            r#"<nitf><head><docdata management-status="{status}"><doc-id regsrc="NDW" id-string="ndw-1"/><du-key key="ndw-story-1" version="{version}"/></docdata></head><body><body.head><hedline><hl1>Nitf pushed</hl1></hedline></body.head><body.content><p>{words}</p></body.content></body></nitf>"#
        )
    };
    let (status, v) =
        post(&api, "/api/ingest?section=world", &ingest_key, "application/nitf+xml", &nitf(1, "usable", "First."))
            .await;
    assert_eq!((status, v["data"][0]["status"].as_str()), (StatusCode::OK, Some("imported")), "{v}");
    let (_, v) = post(
        &api,
        "/api/ingest",
        &ingest_key,
        "application/nitf+xml",
        &nitf(2, "usable", "Second, <a href=\"https://x.example/\">linked</a>."),
    )
    .await;
    assert_eq!(v["data"][0]["status"].as_str(), Some("updated"), "{v}");
    let story = api.state.store.published_by_path("world", "nitf-pushed").unwrap().expect("published");
    assert_eq!(story.body[0].text(), ["Second, linked."]);
    let (_, v) =
        post(&api, "/api/ingest", &ingest_key, "application/nitf+xml", &nitf(2, "usable", "Second again.")).await;
    assert_eq!(v["data"][0]["status"].as_str(), Some("duplicate"), "the same version changes nothing: {v}");
    let (_, v) = post(&api, "/api/ingest", &ingest_key, "application/xml", &nitf(3, "canceled", "Killed.")).await;
    assert_eq!(v["data"][0]["status"].as_str(), Some("updated"), "{v}");
    assert!(api.state.store.published_by_path("world", "nitf-pushed").unwrap().is_none(), "a kill takes it down");
    let newsml1 = r#"<NewsML Version="1.2"><NewsItem><Identification><NewsIdentifier><ProviderId>wire.example</ProviderId><DateId>20261207</DateId><NewsItemId>N1</NewsItemId><RevisionId>1</RevisionId></NewsIdentifier></Identification><NewsManagement><Status FormalName="Usable"/></NewsManagement><NewsComponent><NewsLines><HeadLine>Pushed in NewsML one</HeadLine></NewsLines><ContentItem><MediaType FormalName="Text"/><DataContent>Words here.</DataContent></ContentItem></NewsComponent></NewsItem></NewsML>"#;
    let (status, v) = post(&api, "/api/ingest?section=world", &ingest_key, "application/xml", newsml1).await;
    assert_eq!(
        (status, v["data"][0]["url"].as_str()),
        (StatusCode::OK, Some("http://127.0.0.1:8080/world/pushed-in-newsml-one")),
        "{v}"
    );
    // AP's Media API JSON and the IPTC 7901 plain-text wire.
    let ap = r#"{"api_version": "2", "data": {"items": [{"meta": {}, "item": {"altids": {"itemid": "ap1"}, "version": 1, "headline": "Pushed from AP", "body_html": "<p>Text.</p>"}}]}}"#;
    let (status, v) = post(&api, "/api/ingest?section=world", &ingest_key, "application/json", ap).await;
    assert_eq!((status, v["data"][0]["uri"].as_str()), (StatusCode::OK, Some("urn:ap:ap1")), "{v}");
    let wire = "\u{1}a0001 r i BC-Pushed-Wire\n\u{2}^Pushed on the wire<\n\n\tWords on the line.\n\u{3}\u{4}";
    let (status, v) = post(&api, "/api/ingest?section=world", &ingest_key, "text/plain", wire).await;
    assert_eq!(
        (status, v["data"][0]["url"].as_str()),
        (StatusCode::OK, Some("http://127.0.0.1:8080/world/bc-pushed-wire")),
        "{v}"
    );
    let (status, v) = post(&api, "/api/ingest", &ingest_key, "application/xml", "<not-closed>").await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid-document")), "{v}");
    assert!(api.state.store.published_by_path("news", "x").unwrap().is_none(), "a refused document stores nothing");
}
