//! The desk's tools around the editor: uploads and the media library, front pins and author
//! profiles, routing rules and the wire queue, and the dashboard.

use super::*;

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
    assert!(n.state.media.exists(&listed[0].file).unwrap());
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
    first.body = vec![newsdesk_core::Block::Paragraph { text: words.into(), marks: vec![] }];
    first.source = Some("AA".into());
    let a = crate::test_support::queue(store, "t:a", &first);
    let second = Article { source: Some("dpa".into()), headline: "Ferries run again".into(), ..first.clone() };
    let text = newsdesk_desk::intake::article_text(&second);
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

    // The library shows thumbnails, made at upload: small JPEGs, not the originals.
    let page = n.get("/newsroom/media", Some(reporter)).await;
    assert!(page.body.contains(&format!("src=\"/media/thumb/{}\"", ferry.file)), "{}", page.body);
    assert!(!page.body.contains(&format!("src=\"/media/{}\"", ferry.file)));
    let thumb = newsdesk_desk::pictures::thumbnail_key(&ferry.file);
    assert!(n.state.media.exists(&thumb).unwrap());
    let served = n.get(&format!("/media/thumb/{}", ferry.file), None).await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(n.get("/media/thumb/..%2Fnewsdesk.db", None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(n.get("/media/thumb/missing.jpg", None).await.status, StatusCode::NOT_FOUND);

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
    assert!(n.state.media.exists(&quay.file).unwrap());
    // The ferry is used by nothing: deleted, file and all.
    let r = n.post(&format!("/newsroom/media/{}/delete", ferry.id), editor, "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(n.state.store.media_by_file(&ferry.file).unwrap().is_none());
    assert!(!n.state.media.exists(&ferry.file).unwrap());
    assert!(!n.state.media.exists(&thumb).unwrap(), "its thumbnail too");
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

#[tokio::test]
async fn editors_submit_publish_spike_and_move_ticked_stories_each_by_the_workflows_rules() {
    use newsdesk_core::ArticleId;
    let n = Newsroom::new();
    let (editor, reporter) = (n.person(Role::Editor), n.person(Role::Reporter));
    let draft = n.story(Role::Reporter, WorkflowState::Draft, "Quay walls repaired");
    let ready = n.story(Role::Editor, WorkflowState::Ready, "Night ferry returns");
    let spiked = n.story(Role::Editor, WorkflowState::Spiked, "An old rumour");
    let state = |id: i64| n.state.store.story(ArticleId(id)).unwrap().article.state;
    let bulk = |who, form: String| {
        let n = &n;
        async move { n.post("/newsroom/stories/bulk", who, &form).await }
    };

    // Only editors see the bulk form, and only they may post it (the one gate).
    assert!(!n.get("/newsroom", Some(reporter)).await.body.contains(r#"id="bulk""#));
    let page = n.get("/newsroom", Some(editor)).await.body;
    assert!(page.contains(r#"id="bulk""#) && page.contains(&format!(r#"name="ids" value="{draft}" form="bulk""#)));
    let r = bulk(reporter, format!("action=publish&ids={ready}")).await;
    assert!(r.status == StatusCode::FORBIDDEN && refused_by_policy(&r));
    assert_eq!(state(ready), WorkflowState::Ready);

    // Publish: the ready story goes out; the spiked one and a missing one are refused, each said why.
    let r = bulk(editor, format!("action=publish&ids={ready}&ids={spiked}&ids=999999")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Publish: 1 of 3 stories"), "{}", r.body);
    assert!(r.body.contains(&format!("#{ready}: done")) && r.body.contains(&format!("#{spiked}: not done")));
    assert!(r.body.contains("#999999: not done: there is no such story"), "{}", r.body);
    assert_eq!((state(ready), state(spiked)), (WorkflowState::Published, WorkflowState::Spiked));

    // Submit, then move: the draft lands in Business under a new revision; a spiked story stays.
    bulk(editor, format!("action=submit&ids={draft}")).await;
    assert_eq!(state(draft), WorkflowState::Submitted);
    let before = n.state.store.story(ArticleId(draft)).unwrap().revision;
    let r = bulk(editor, format!("action=move&section=Business&ids={draft}&ids={spiked}")).await;
    assert!(r.body.contains("Move to section: 1 of 2 stories"), "{}", r.body);
    let moved = n.state.store.story(ArticleId(draft)).unwrap();
    assert_eq!((moved.article.section.name.as_str(), moved.revision), ("Business", before + 1));
    assert_eq!(n.state.store.story(ArticleId(spiked)).unwrap().article.section.name, "Europe");

    // Spike; and what cannot be read is refused whole, nothing done.
    bulk(editor, format!("action=spike&ids={draft}")).await;
    assert_eq!(state(draft), WorkflowState::Spiked);
    for bad in ["action=publish", "action=delete&ids=1", "action=publish&ids=x", "action=move&ids=1&section=+"] {
        assert_eq!(bulk(editor, bad.to_string()).await.status, StatusCode::BAD_REQUEST, "{bad}");
    }
    let log = n.state.store.audit_log(50).unwrap();
    assert!(log.iter().any(|e| e.action == "story.publish (bulk)"), "every story's change is in the audit log");
}

#[tokio::test]
async fn the_dashboard_searches_headline_deck_and_body_of_every_story_forgiving_typos_within_each_ones_rights() {
    use newsdesk_core::{ArticleId, Block};
    use newsdesk_derive::SearchIndex;
    let mut n = Newsroom::new();
    let (reader_index, newsroom_index) =
        (Arc::new(SearchIndex::in_memory().unwrap()), Arc::new(SearchIndex::in_memory().unwrap()));
    n.state = n.state.clone().with_search(reader_index.clone()).with_newsroom_search(newsroom_index.clone());
    let (editor, contributor) = (n.person(Role::Editor), n.person(Role::Contributor));
    let with_body = |id: i64, words: &str| {
        let mut s = n.state.store.story(ArticleId(id)).unwrap();
        s.article.body = vec![Block::Paragraph { text: words.into(), marks: vec![] }];
        n.state
            .store
            .save_story(
                &newsdesk_store::StoryEdit::plain(&s.article, s.desk.as_deref(), s.revision, "t"),
                Timestamp::now(),
            )
            .unwrap();
    };
    let draft = n.story(Role::Reporter, WorkflowState::Draft, "Council weighs new bus lanes");
    with_body(draft, "The lighthouse keepers' union asked for a meeting.");
    let own = n.story(Role::Contributor, WorkflowState::Draft, "Lighthouse reopens to visitors");
    let other = n.story(Role::Editor, WorkflowState::InEdit, "Market prices steady");
    let live = n.story(Role::Editor, WorkflowState::Draft, "Lighthouse museum opens a new wing");
    n.state
        .store
        .apply_action(
            ArticleId(live),
            newsdesk_core::Action::Publish,
            Role::Editor,
            Default::default(),
            "t",
            Timestamp::now(),
        )
        .unwrap();
    newsdesk_desk::search::rebuild_index(&n.state.store, &reader_index).unwrap();
    let seen = super::finder::Seen::default();
    assert_eq!(super::finder::catch_up(&n.state.store, &newsroom_index, &seen).unwrap(), 4, "every story looked at");
    assert_eq!(super::finder::catch_up(&n.state.store, &newsroom_index, &seen).unwrap(), 0, "and each once");

    // A word of the body, misspelt: the draft (body), the contributor's draft and the published
    // story (headlines); not the market story.
    let page = n.get("/newsroom?q=lighthuose", Some(editor)).await.body;
    assert!(page.contains(r#"id="corrected""#) && page.contains("<b>lighthouse</b>"), "{page}");
    for id in [draft, own, live] {
        assert!(page.contains(&format!(r#"<tr data-id="{id}">"#)), "story {id}: {page}");
    }
    assert!(!page.contains(&format!(r#"<tr data-id="{other}">"#)));
    assert!(page.contains(r#"<option value="relevance" selected>Best match</option>"#));
    // A contributor finds only their own.
    let page = n.get("/newsroom?q=lighthouse", Some(contributor)).await.body;
    assert_eq!(page.matches("<tr data-id=").count(), 1, "{page}");
    assert!(page.contains(&format!(r#"<tr data-id="{own}">"#)));
    // Filters still apply to the hits.
    let page = n.get("/newsroom?q=lighthouse&state=published", Some(editor)).await.body;
    assert_eq!(page.matches("<tr data-id=").count(), 1, "{page}");

    // Published stories leave the newsroom's index; a new draft joins it on the next pass.
    n.state
        .store
        .apply_action(
            ArticleId(own),
            newsdesk_core::Action::Publish,
            Role::Editor,
            Default::default(),
            "t",
            Timestamp::now(),
        )
        .unwrap();
    let fresh = n.story(Role::Editor, WorkflowState::Draft, "Lighthouse keepers meet the council");
    assert_eq!(super::finder::catch_up(&n.state.store, &newsroom_index, &seen).unwrap(), 2);
    let hits = newsroom_index
        .search(&newsdesk_derive::SearchQuery { text: "lighthouse".into(), limit: 10, ..Default::default() })
        .unwrap();
    let ids: Vec<i64> = hits.hits.iter().map(|h| h.id).collect();
    assert!(ids.contains(&fresh) && ids.contains(&draft) && !ids.contains(&own), "{ids:?}");
}

/// The media library frames a picture: a focal point and crops set by hand, checked as the Admin
/// API checks them; a crop that does not fit is refused and nothing changes.
#[tokio::test]
async fn the_media_library_sets_a_focal_point_and_crops_by_hand() {
    use newsdesk_core::picture::{Crop, Rect};
    let n = Newsroom::new();
    let reporter = n.person(Role::Reporter);
    let jpeg = newsdesk_ingest::image::test_jpeg(20_000);
    let (_, _, w, h) = newsdesk_ingest::image::check(&jpeg).unwrap();
    let req = Request::builder()
        .method("POST")
        .uri("/newsroom/media?name=quay.jpg&alt=A+quay")
        .header(header::COOKIE, &reporter.cookie)
        .header("x-csrf-token", &reporter.csrf)
        .body(Body::from(jpeg))
        .unwrap();
    assert_eq!(router(n.state.clone()).oneshot(req).await.unwrap().status(), StatusCode::CREATED);
    let m = n.state.store.media_list(1, 0).unwrap().remove(0);
    let side = h.min(w) - 10;
    let form =
        format!("alt=A+quay&focus_x=25&focus_y=60&crop_16x9=&crop_4x3=&crop_1x1=5%2C+5%2C+{side}%2C+{side}&crop_og=");
    let r = n.post(&format!("/newsroom/media/{}", m.id), reporter, &form).await;
    assert_eq!(r.headers.get(header::LOCATION).unwrap(), "/newsroom/media?notice=saved");
    let framing = n.state.store.framing(m.id).unwrap();
    assert_eq!((framing.focus.x, framing.focus.y), (0.25, 0.6));
    assert_eq!(framing.crops.get(&Crop::Square), Some(&Rect { x: 5, y: 5, w: side as u32, h: side as u32 }));
    let page = n.get("/newsroom/media", Some(reporter)).await;
    assert!(page.body.contains(&format!("value=\"5, 5, {side}, {side}\"")), "{}", page.body);
    // Not a square, or off the picture: refused, and the framing stays.
    for bad in ["5,5,100,90", "0,0,99999,99999", "5,5,100"] {
        let form = format!("alt=A+quay&crop_1x1={}", bad.replace(',', "%2C"));
        let r = n.post(&format!("/newsroom/media/{}", m.id), reporter, &form).await;
        assert_eq!(r.headers.get(header::LOCATION).unwrap(), "/newsroom/media?error=crop", "{bad}");
    }
    assert_eq!(n.state.store.framing(m.id).unwrap(), framing);
}
