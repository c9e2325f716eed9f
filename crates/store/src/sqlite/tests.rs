use super::*;
use newsdesk_core::article::Section;

pub(crate) fn article(headline: &str, section: &str) -> Article {
    Article {
        id: None,
        section: Section::from_label(section).unwrap(),
        slug: Slug::from_title(headline).unwrap(),
        headline: headline.into(),
        deck: Some("A deck.".into()),
        lead_image: None,
        body: vec![Block::Paragraph { text: "One two three.".into() }, Block::Recommended],
        source: Some("AA".into()),
        authors: vec!["Mira Okonkwo".into()],
        tags: vec!["diplomacy".into(), "nato".into()],
        language: "en".into(),
        canonical_url: None,
        state: WorkflowState::Published,
        published_at: Some("2025-09-10T00:00:00Z".parse().unwrap()),
        updated_at: None,
    }
}

fn now() -> Timestamp {
    "2026-01-01T00:00:00Z".parse().unwrap()
}

#[test]
fn the_story_of_an_article() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let a = article("NATO chief, UK prime minister vow backing", "EUROPE");

    let first = store.save_article(&a, Some("capture:1"), "import", now()).unwrap();
    assert_eq!(first.status, SaveStatus::Created);
    assert_eq!(first.path, "/europe/nato-chief-uk-prime-minister-vow-backing");

    // Same story again: one article, no new revision, no event.
    let again = store.save_article(&a, Some("capture:1"), "import", now()).unwrap();
    assert_eq!((again.id, again.status, again.revision), (first.id, SaveStatus::Unchanged, 1));
    assert_eq!(store.article_count().unwrap(), 1);
    assert_eq!(store.latest_event_id().unwrap(), 1);

    // Changed copy of the same story: a new revision of the same article, at the same URL.
    let mut changed = a.clone();
    changed.body.push(Block::Paragraph { text: "A late paragraph.".into() });
    let upd = store.save_article(&changed, Some("capture:1"), "import", now()).unwrap();
    assert_eq!(
        (upd.id, upd.status, upd.revision, upd.path.as_str()),
        (first.id, SaveStatus::Updated, 2, first.path.as_str())
    );
    let revs = store.revisions(first.id).unwrap();
    assert_eq!(revs.len(), 2);
    assert_eq!(revs[0].article.body.len(), 2);
    assert_eq!(revs[1].article.body.len(), 3);

    // Another story with the same headline in the same section gets a suffix, never an overwrite.
    let clash = store.save_article(&a, Some("capture:2"), "import", now()).unwrap();
    assert_eq!(clash.path, "/europe/nato-chief-uk-prime-minister-vow-backing-2");
    assert_eq!(store.article_count().unwrap(), 2);

    let loaded = store.published_by_path("europe", "nato-chief-uk-prime-minister-vow-backing").unwrap().unwrap();
    assert_eq!(loaded.body, changed.body);
    assert_eq!(loaded.authors, ["Mira Okonkwo"]);
    assert_eq!(loaded.tags, ["diplomacy", "nato"]);
    assert_eq!(loaded.source.as_deref(), Some("AA"));
    assert_eq!(store.article(first.id).unwrap(), loaded);

    let events = store.events_since(0, 100).unwrap();
    let kinds: Vec<_> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["article.published", "article.updated", "article.published"]);
    assert!(events.windows(2).all(|w| w[0].id < w[1].id));

    // Two stories share the headline and the time: the newer one wins, deterministically.
    assert_eq!(
        store.published_path_by_headline(&a.headline).unwrap().as_deref(),
        Some("/europe/nato-chief-uk-prime-minister-vow-backing-2")
    );
    assert_eq!(store.published_path_by_headline("nope").unwrap(), None);
    let page2 = store.latest_published(&ArticleFilter::section("europe"), 1, 1).unwrap();
    assert_eq!(page2.len(), 1);
    let tagged = ArticleFilter { tag: Some("nato"), author: Some("mira-okonkwo"), ..Default::default() };
    assert_eq!(store.latest_published(&tagged, 10, 0).unwrap().len(), 2);
    let other_tag = ArticleFilter { tag: Some("sport"), ..Default::default() };
    assert!(store.latest_published(&other_tag, 10, 0).unwrap().is_empty());
    let day = ArticleFilter {
        since: Some("2025-09-10T00:00:00Z".parse().unwrap()),
        until: Some("2025-09-11T00:00:00Z".parse().unwrap()),
        ..Default::default()
    };
    assert_eq!(store.latest_published(&day, 10, 0).unwrap().len(), 2);
    let before = ArticleFilter { until: Some("2025-09-10T00:00:00Z".parse().unwrap()), ..Default::default() };
    assert!(store.latest_published(&before, 10, 0).unwrap().is_empty(), "until is exclusive");
    let later = ArticleFilter { since: Some("2025-09-11T00:00:00Z".parse().unwrap()), ..Default::default() };
    assert!(store.latest_published(&later, 10, 0).unwrap().is_empty());
    assert_eq!(store.tag_name("nato").unwrap().as_deref(), Some("nato"));
    assert_eq!(store.author_name("mira-okonkwo").unwrap().as_deref(), Some("Mira Okonkwo"));
    assert_eq!(store.published_count().unwrap(), 2);
    let brief = store.latest_headlines(&ArticleFilter::default(), 10, 0).unwrap();
    assert_eq!(brief.len(), 2);
    assert!(brief[0].authors.is_empty() && brief[0].tags.is_empty());
    let entries = store.sitemap_entries(10, 0).unwrap();
    assert_eq!(entries.iter().map(|e| e.path.as_str()).collect::<Vec<_>>(), [first.path.as_str(), clash.path.as_str()]);
    assert_eq!(store.sitemap_entries(10, 2).unwrap().len(), 0);

    let sections = store.sections().unwrap();
    assert_eq!(sections.len(), 1);
    assert_eq!((sections[0].name.as_str(), sections[0].published), ("Europe", 2));
}

#[test]
fn drafts_and_future_stories_stay_hidden() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut draft = article("A draft", "SPORT");
    draft.state = WorkflowState::Draft;
    store.save_article(&draft, None, "t", now()).unwrap();
    let mut future = article("From the future", "SPORT");
    future.published_at = Some("2999-01-01T00:00:00Z".parse().unwrap());
    store.save_article(&future, None, "t", now()).unwrap();
    assert!(store.published_by_path("sport", "a-draft").unwrap().is_none());
    assert!(store.published_by_path("sport", "from-the-future").unwrap().is_none());
    assert!(store.latest_published(&ArticleFilter::default(), 10, 0).unwrap().is_empty());
    assert_eq!(store.latest_event_id().unwrap(), 1, "only the public save wrote an event");
}

#[test]
fn wal_and_full_sync() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let conn = lock(&store.writer);
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    let sync: i64 = conn.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
    assert_eq!((mode.as_str(), sync), ("wal", 2));
}

#[test]
fn a_second_process_sees_the_same_log() {
    let dir = tempfile::tempdir().unwrap();
    let one = Store::open(dir.path()).unwrap();
    let two = Store::open(dir.path()).unwrap();
    assert_eq!(two.latest_event_id().unwrap(), 0);
    one.save_article(&article("Seen elsewhere", "AFRICA"), None, "t", now()).unwrap();
    assert_eq!(two.latest_event_id().unwrap(), 1);
    assert!(two.published_by_path("africa", "seen-elsewhere").unwrap().is_some());
}

#[test]
fn an_unwritable_data_dir_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    let e = Store::open(&file.join("data")).unwrap_err();
    assert!(e.to_string().contains("cannot create the data directory"), "{e}");
}

#[test]
fn older_and_repeated_versions_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut a = article("Wire story", "EUROPE");
    let v2 = store.save_versioned(&a, Some("ninjs:u"), Some("2"), "wire", now()).unwrap();
    assert_eq!(v2.status, SaveStatus::Created);
    a.deck = Some("An older deck".into());
    let v1 = store.save_versioned(&a, Some("ninjs:u"), Some("1"), "wire", now()).unwrap();
    assert_eq!((v1.status, v1.path.as_str()), (SaveStatus::Unchanged, v2.path.as_str()));
    let again = store.save_versioned(&a, Some("ninjs:u"), Some("2"), "wire", now()).unwrap();
    assert_eq!(again.status, SaveStatus::Unchanged);
    a.deck = Some("The newest deck".into());
    let v10 = store.save_versioned(&a, Some("ninjs:u"), Some("10"), "wire", now()).unwrap();
    assert_eq!((v10.status, v10.revision), (SaveStatus::Updated, 2));
    assert_eq!(store.article(v2.id).unwrap().deck.as_deref(), Some("The newest deck"));
    assert_eq!(store.article_count().unwrap(), 1);
}
