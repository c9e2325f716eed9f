//! The story editor and the workflow: from draft to correction with the refusals on the way,
//! embargoes, conflicting saves, refused forms, workflow buttons that save first, the soft lock,
//! and what a save keeps.

use super::*;

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
    let kinds: Vec<String> =
        n.state.store.events_since(0, 50).unwrap().into_iter().map(|e| e.kind.as_str().to_string()).collect();
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

/// A lock lapses when its holder stops renewing it: the state's clock is stepped past the
/// lock's life instead of the test sleeping through it.
#[tokio::test]
async fn a_soft_lock_lapses_once_its_holder_stops_renewing_it() {
    let mut n = Newsroom::new();
    let clock = Arc::new(newsdesk_desk::clock::TestClock::at(jiff::Timestamp::now()));
    n.state = n.state.clone().with_clock(clock.clone());
    let editor = n.person(Role::Editor);
    let admin = n.person(Role::Admin);
    let id = n.story(Role::Editor, WorkflowState::InEdit, "Locked story");
    let path = format!("/newsroom/stories/{id}/lock");
    let lock = async |who: &Person| n.send("POST", &path, Some(who), &[("x-csrf-token", &who.csrf)], "").await;
    assert_eq!(lock(admin).await.status, StatusCode::OK);
    clock.advance(jiff::SignedDuration::from_secs(crate::newsroom::locks::LOCK_SECONDS - 5));
    assert!(lock(editor).await.body.contains("The admin"), "still held");
    clock.advance(jiff::SignedDuration::from_secs(10));
    assert!(lock(editor).await.body.contains(r#""others":[]"#), "lapsed");
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
            caption_marks: vec![],
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

#[tokio::test]
async fn a_new_story_is_autosaved_from_its_first_words_and_never_before() {
    let n = Newsroom::new();
    let reporter = n.person(Role::Reporter);
    let auto = |form: &str| {
        let body = format!("csrf={}&revision=0&{form}", reporter.csrf);
        let n = &n;
        async move {
            let headers = [("accept", "application/json"), ("x-autosave", "1")];
            n.send("POST", "/newsroom/stories", Some(reporter), &headers, &body).await
        }
    };
    // Nothing worth a story yet: refused as JSON, nothing stored.
    let r = auto("headline=&section=Europe&language=en").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("A headline is needed"), "{}", r.body);
    assert_eq!(n.state.store.story_counts(&Default::default()).unwrap().iter().map(|(_, n)| n).sum::<i64>(), 0);
    // The first words: a draft, named in the answer, that the page goes on saving.
    let r = auto("headline=Night+ferry&section=Europe&language=en&b.type=paragraph&b.text=The+first").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let answer: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let id = answer["id"].as_i64().unwrap();
    assert_eq!(answer["url"], format!("/newsroom/stories/{id}"));
    let story = n.state.store.story(newsdesk_core::ArticleId(id)).unwrap();
    assert_eq!((story.article.headline.as_str(), story.article.state), ("Night ferry", WorkflowState::Draft));
    assert_eq!(story.owner_id, Some(reporter.id));
    assert_eq!(answer["revision"], story.revision);
    // The new-story page is wired for it.
    let page = n.get("/newsroom/stories/new", Some(reporter)).await;
    assert!(page.body.contains(r#"data-autosave="/newsroom/stories" data-new="1""#), "{}", page.body);
}

#[tokio::test]
async fn search_and_social_fields_shape_the_pages_meta_with_the_headline_deck_and_picture_as_fallback() {
    use newsdesk_core::ArticleId;
    let n = Newsroom::new();
    let editor = n.person(Role::Editor);
    let (file, _) =
        crate::newsroom::media::store_file(n.state.media.as_ref(), &super::media::tests::tiny_png(), "png").unwrap();
    let entry = newsdesk_store::NewMedia {
        file: &file,
        sha256: "s",
        mime: "image/png",
        width: 1,
        height: 1,
        bytes: 1,
        original_name: Some("card.png"),
        alt: "A card",
        caption: None,
        credit: None,
        creator: None,
        copyright: None,
        uploaded_by: None,
    };
    n.state.store.add_media(&entry, Timestamp::now()).unwrap();
    let id = n.story(Role::Editor, WorkflowState::InEdit, "Ferries return to the islands");
    let save = |rev: i64, extra: &str| {
        format!(
            "revision={rev}&headline=Ferries+return+to+the+islands&deck=After+a+winter+break.&section=Europe&language=en&b.type=paragraph&b.text=Words.{extra}"
        )
    };
    let rev = |n: &Newsroom| n.state.store.story(ArticleId(id)).unwrap().revision;
    // Too long for a search result, and a picture from outside the library: refused, by field.
    let long = "x".repeat(71);
    let r = n
        .post(
            &format!("/newsroom/stories/{id}"),
            editor,
            &save(rev(&n), &format!("&seo_title={long}&social_image=elsewhere.png")),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(r#"id="e-seo_title""#) && r.body.contains(r#"id="e-social_image""#), "{}", r.body);
    assert!(r.body.contains(&long), "what was typed is kept");

    // Empty: the headline, the deck (and no picture: the story has none).
    let r = n.post(&format!("/newsroom/stories/{id}"), editor, &save(rev(&n), "&seo_title=&social_image=")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let publish = |n: &Newsroom| {
        let mut a = n.state.store.story(ArticleId(id)).unwrap().article;
        a.state = WorkflowState::Published;
        a.published_at = Some(Timestamp::now());
        n.state.store.save_article(&a, None, "t", Timestamp::now()).unwrap().path
    };
    let path = publish(&n);
    n.state.cache.clear();
    let page = n.get(&path, None).await.body;
    assert!(page.contains("<title>Ferries return to the islands | "), "{page}");
    assert!(page.contains(r#"<meta name="description" content="After a winter break.">"#));
    assert!(page.contains(r#"<meta property="og:title" content="Ferries return to the islands">"#));
    assert!(!page.contains("og:image"));

    let promo = format!(
        "&seo_title=Island+ferries+back+from+Monday&seo_description=Timetables+and+fares+for+the+island+routes.&social_title=The+ferries+are+back&social_image={file}"
    );
    let r = n.post(&format!("/newsroom/stories/{id}"), editor, &save(rev(&n), &promo)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let saved = n.state.store.story(ArticleId(id)).unwrap().article;
    assert_eq!(saved.promo.social_image.as_deref(), Some(file.as_str()));
    n.state.cache.clear();
    let page = n.get(&path, None).await.body;
    assert!(page.contains("<title>Island ferries back from Monday | "), "{page}");
    assert!(page.contains(r#"<meta name="description" content="Timetables and fares for the island routes.">"#));
    assert!(page.contains(r#"<meta property="og:title" content="The ferries are back">"#));
    assert!(page.contains(r#"<meta name="twitter:title" content="The ferries are back">"#));
    assert!(page.contains(r#"<meta property="og:description" content="Timetables and fares for the island routes.">"#));
    assert!(page.contains(&format!(r#"<meta property="og:image" content="{}/media/{file}">"#, n.state.site.url)));
    assert!(page.contains(r#"<meta name="twitter:card" content="summary_large_image">"#));
    assert!(
        page.contains("<h1 class=\"headline\">Ferries return to the islands</h1>"),
        "the page itself keeps the headline"
    );
    // The editor shows them again, in the side panel.
    let form = n.get(&format!("/newsroom/stories/{id}"), Some(editor)).await.body;
    assert!(
        form.contains(r#"value="Island ferries back from Monday""#)
            && form.contains(&format!(r#"<option value="{file}" selected>"#))
    );
}
