//! Search on the site and in the Content API, in process, with the index following the store.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use jiff::Timestamp;
use newsdesk_core::{Article, Block, WorkflowState};
use tower::ServiceExt;

use newsdesk_desk::search as indexing;

use crate::{AppState, router, search};

fn site() -> (tempfile::TempDir, AppState) {
    let site = crate::test_support::TestSite::new().with_search();
    (site.dir, site.state)
}

/// A site whose index holds one story about a harbour and its quay.
fn site_with_one_story() -> (tempfile::TempDir, AppState) {
    let (dir, state) = site();
    let a = story("Harbour reopens after repairs", "The quay was rebuilt.");
    state.store.save_article(&a, None, "t", Timestamp::now()).unwrap();
    indexing::rebuild(&state.store, state.search.as_ref().unwrap(), Timestamp::now()).unwrap();
    (dir, state)
}

fn story(headline: &str, body: &str) -> Article {
    Article {
        body: vec![Block::Paragraph { text: body.into(), marks: vec![] }],
        ..crate::test_support::article(headline, "EUROPE", "2026-01-05T10:00:00Z")
    }
}

async fn get(state: &AppState, path: &str) -> (StatusCode, String) {
    let res = router(state.clone()).oneshot(Request::builder().uri(path).body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn the_index_follows_publishing_embargo_and_unpublishing() {
    let (_dir, state) = site();
    let index = state.search.clone().unwrap();
    let store = &state.store;
    let a = store
        .save_article(&story("Harbour reopens after repairs", "The quay was rebuilt."), None, "t", Timestamp::now())
        .unwrap();
    assert_eq!(indexing::rebuild(store, &index, Timestamp::now()).unwrap(), 1);
    assert!(!index.needs_rebuild());

    // Published after the rebuild: found once the follower catches up.
    let b = store
        .save_article(
            &story("Lighthouse keeper retires", "After forty years on the rock."),
            None,
            "t",
            Timestamp::now(),
        )
        .unwrap();
    let later = Timestamp::now() + jiff::SignedDuration::from_hours(1);
    let embargoed = Article { embargo: Some(later), ..story("Embargoed election results", "Numbers.") };
    store.save_article(&embargoed, None, "t", Timestamp::now()).unwrap();
    indexing::catch_up(store, &index, Timestamp::now()).unwrap();
    let (status, page) = get(&state, "/search?q=lighthouse").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Lighthouse keeper retires") && page.contains("1 story found"), "{page}");
    let (_, page) = get(&state, "/search?q=embargoed").await;
    assert!(page.contains("0 stories found"), "an embargoed story is not searchable");

    // Unpublished: gone from search.
    let mut gone = store.article(b.id).unwrap();
    gone.state = WorkflowState::Unpublished;
    store.save_article(&gone, None, "t", Timestamp::now()).unwrap();
    indexing::catch_up(store, &index, Timestamp::now()).unwrap();
    let (_, page) = get(&state, "/search?q=lighthouse").await;
    assert!(page.contains("0 stories found"));
    let (_, page) = get(&state, "/search?q=quay").await;
    assert!(page.contains("<b>quay</b>"), "a highlighted snippet: {page}");
    assert!(page.contains(&a.path));
}

#[tokio::test]
async fn search_answers_bad_parameters_with_400_and_suggests_words() {
    let (_dir, state) = site_with_one_story();
    let (status, page) = get(&state, "/search?q=x&from=yesterday").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("from: expected a date like 2026-03-01"), "{page}");
    let (_, page) = get(&state, "/search?q=harbuor").await;
    assert!(page.contains("Did you mean <a href=\"/search?q=harbour\">harbour</a>?"), "{page}");
    let (status, _) = get(&state, "/search").await;
    assert_eq!(status, StatusCode::OK, "an empty search is a search form");
}

#[tokio::test]
async fn the_content_api_searches_too() {
    let (_dir, state) = site_with_one_story();
    let key = newsdesk_desk::accounts::new_key().unwrap();
    state
        .store
        .add_api_key("t", &newsdesk_desk::accounts::hash_key(&key), newsdesk_store::KeyScope::Content, Timestamp::now())
        .unwrap();
    let req = Request::builder().uri("/api/v1/search?q=quay&limit=5").header("authorization", format!("Bearer {key}"));
    let res = router(state.clone()).oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let v: serde_json::Value =
        serde_json::from_slice(&axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap()).unwrap();
    assert_eq!(v["total"], 1);
    assert_eq!(v["data"][0]["headline"], "Harbour reopens after repairs");
    assert!(v["data"][0]["snippet"].as_str().unwrap().contains("<b>quay</b>"));
    let req =
        Request::builder().uri("/api/v1/search?q=quay&limit=500").header("authorization", format!("Bearer {key}"));
    let res = router(state.clone()).oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn recommended_comes_from_similarity_computed_when_stories_change() {
    let (_dir, state) = site();
    let index = state.search.clone().unwrap();
    indexing::rebuild(&state.store, &index, Timestamp::now()).unwrap();
    let save = |h: &str, body: &str| {
        let mut a = story(h, body);
        a.body.push(Block::Recommended);
        state.store.save_article(&a, None, "t", Timestamp::now()).unwrap()
    };
    let main = save(
        "Harbour cranes idle as dockers strike",
        "Dockers at the harbour walked out over pay; the cranes stood idle.",
    );
    let twin = save(
        "Dockers return to the harbour after pay deal",
        "The dockers' strike at the harbour ended with a pay deal; cranes moved again.",
    );
    let other =
        save("Alpine choir wins a singing prize", "A village choir from the mountains won the national singing prize.");
    indexing::catch_up(&state.store, &index, Timestamp::now()).unwrap();
    let picks = state.store.recommended(main.id, 3).unwrap();
    assert_eq!(picks.first().map(|a| a.id), Some(Some(twin.id)), "the most similar story first");
    state.cache.clear();
    let (_, page) = get(&state, &main.path).await;
    let block = page.split("id=\"recommended-title\"").nth(1).unwrap().split("</aside>").next().unwrap();
    assert!(block.find("Dockers return to the harbour").unwrap() < block.find("Alpine choir").unwrap_or(usize::MAX));
    // An editor's exclusion wins over similarity.
    state.store.set_related_pins(main.id, &[other.id.0], &[twin.id.0]).unwrap();
    state.cache.clear();
    let (_, page) = get(&state, &main.path).await;
    let block = page.split("id=\"recommended-title\"").nth(1).unwrap().split("</aside>").next().unwrap();
    assert!(block.contains("Alpine choir") && !block.contains("Dockers return"), "{block}");
}

#[tokio::test]
async fn stories_left_without_a_recommended_list_get_one_in_the_background() {
    let (_dir, state) = site();
    let index = state.search.clone().unwrap();
    let store = &state.store;
    let saved: Vec<_> =
        ["Harbour dockers strike over pay", "Dockers at the harbour end their strike", "Harbour cranes move again"]
            .iter()
            .map(|h| {
                // Tagged alike, as a desk tags a running story.
                let a = Article {
                    tags: vec!["Harbour".into(), "Dock strike".into()],
                    ..story(h, "Dockers at the harbour and their cranes.")
                };
                store.save_article(&a, None, "t", Timestamp::now()).unwrap()
            })
            .collect();
    // Only the index, as a rebuild of a large archive leaves the older stories.
    indexing::rebuild_index(store, &index).unwrap();
    assert_eq!(store.related_pending(10, Timestamp::now()).unwrap().len(), 3);
    assert_eq!(
        indexing::backfill_related(store, &index, 2, std::time::Duration::ZERO, Timestamp::now()).unwrap(),
        0,
        "no time, no work"
    );
    assert_eq!(
        indexing::backfill_related(store, &index, 2, std::time::Duration::from_secs(60), Timestamp::now()).unwrap(),
        2
    );
    assert_eq!(
        indexing::backfill_related(store, &index, 2, std::time::Duration::from_secs(60), Timestamp::now()).unwrap(),
        1
    );
    assert_eq!(
        indexing::backfill_related(store, &index, 2, std::time::Duration::from_secs(60), Timestamp::now()).unwrap(),
        0,
        "each list is computed once"
    );
    for s in &saved {
        let picks = store.recommended(s.id, 3).unwrap();
        assert_eq!(picks.len(), 2, "each story recommends the other two");
        assert!(picks.iter().all(|p| p.id != Some(s.id)));
    }
}

#[tokio::test]
async fn related_stories_continue_after_the_recommended_block_without_repeats() {
    let (_dir, state) = site();
    let index = state.search.clone().unwrap();
    indexing::rebuild(&state.store, &index, Timestamp::now()).unwrap();
    let mut first = None;
    for n in 0..7 {
        let mut a =
            story(&format!("Harbour dockers strike day {n}"), "Dockers at the harbour stopped the cranes over pay.");
        a.body.push(Block::Recommended);
        let out = state.store.save_article(&a, None, "t", Timestamp::now()).unwrap();
        first.get_or_insert(out);
    }
    indexing::catch_up(&state.store, &index, Timestamp::now()).unwrap();
    let main = first.unwrap();
    state.cache.clear();
    let (_, page) = get(&state, &main.path).await;
    let section = |id: &str| page.split(id).nth(1).unwrap().split("</aside>").next().unwrap().to_string();
    let (rec, more) = (section("id=\"recommended-title\""), section("id=\"related-stories-title\""));
    let links =
        |s: &str| s.split("href=\"").skip(1).map(|x| x.split('"').next().unwrap().to_string()).collect::<Vec<_>>();
    let (rec, more) = (links(&rec), links(&more));
    assert_eq!((rec.len(), more.len()), (3, 3));
    assert!(rec.iter().all(|r| !more.contains(r)), "no story in both lists");
    assert!(!rec.contains(&main.path) && !more.contains(&main.path), "never the story itself");
}

proptest::proptest! {
    /// Any query string gets typed parameters or the name of the bad one, never a panic.
    #[test]
    fn any_query_string_is_read_or_refused(q in "\\PC{0,80}") {
        if let Err((name, msg)) = search::params(Some(&q)) {
            proptest::prop_assert!(!name.is_empty() && !msg.is_empty());
        }
    }
}

#[tokio::test]
async fn results_credit_the_agency_as_written_and_date_stories_in_the_pages_language() {
    let (_dir, state) = site();
    let turkish = Article {
        source: Some("AA".into()),
        language: "tr".into(),
        ..story("Liman onarımdan sonra yeniden açıldı", "Rıhtım yeniden inşa edildi.")
    };
    let dated = Article { published_at: Some("2025-11-15T10:00:00Z".parse().unwrap()), ..turkish };
    state.store.save_article(&dated, None, "t", Timestamp::now()).unwrap();
    indexing::rebuild(&state.store, state.search.as_ref().unwrap(), Timestamp::now()).unwrap();
    let (_, page) = get(&state, "/search?q=liman").await;
    assert!(page.contains(" · AA</p>"), "the agency as credited, not lowercased: {page}");
    assert!(page.contains("November 15, 2025") && !page.contains("Kasım"), "the page's language: {page}");
}
