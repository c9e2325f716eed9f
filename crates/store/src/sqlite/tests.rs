use super::reading::PUBLISHED_BY_ID;
use super::*;
use newsdesk_core::article::Section;
use newsdesk_core::{Block, Slug, WorkflowState};

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
        embargo: None,
        based_on: None,
        corrections: Vec::new(),
        promo: Default::default(),
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
    let titles = store.latest_titles(&ArticleFilter::default(), 10).unwrap();
    assert_eq!(
        titles.iter().map(|a| (a.id, &a.headline)).collect::<Vec<_>>(),
        brief.iter().map(|a| (a.id, &a.headline)).collect::<Vec<_>>()
    );
    assert!(titles.iter().all(|a| a.body.is_empty()) && !brief[0].body.is_empty(), "titles only, no bodies");
    let entries = store.sitemap_entries(1, 10).unwrap();
    assert_eq!(entries.iter().map(|e| e.path.as_str()).collect::<Vec<_>>(), [first.path.as_str(), clash.path.as_str()]);
    assert_eq!(store.sitemap_entries(11, 20).unwrap().len(), 0);
    assert_eq!(store.sitemap_entries(first.id.0, first.id.0).unwrap().len(), 1, "an id range, both ends in");
    assert_eq!(store.sitemap_pages(10).unwrap(), [1]);

    let sections = store.sections().unwrap();
    assert_eq!(sections.len(), 1);
    assert_eq!((sections[0].name.as_str(), sections[0].published), ("Europe", 2));
    let live = store.live_sections().unwrap();
    assert_eq!((live.len(), live[0].slug.as_str()), (1, "europe"));
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
    assert_eq!(store.latest_event_id().unwrap(), 0, "neither a draft nor a story not yet out is announced");
    assert_eq!(store.next_job_at().unwrap(), future.published_at, "the future story is announced at its time");
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

mod newsroom {
    use super::*;
    use crate::{ActionInput, SaveError, StoryMeta};
    use newsdesk_core::{Action, Role};

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn draft(store: &Store, headline: &str) -> ArticleId {
        let a = Article { state: WorkflowState::Draft, published_at: None, ..article(headline, "EUROPE") };
        store.create_story(&a, &StoryMeta::default(), "reporter@example.org", now()).unwrap().id
    }

    fn events(store: &Store) -> Vec<String> {
        store.events_since(0, 100).unwrap().into_iter().map(|e| e.kind).collect()
    }

    #[test]
    fn a_scheduled_story_goes_live_once_even_with_two_nodes() {
        let dir = tempfile::tempdir().unwrap();
        let (node_a, node_b) = (Store::open(dir.path()).unwrap(), Store::open(dir.path()).unwrap());
        let id = draft(&node_a, "Budget vote set for Friday");
        for action in [Action::Submit, Action::StartEdit, Action::MarkReady] {
            node_a.apply_action(id, action, Role::Editor, ActionInput::default(), "ed", now()).unwrap();
        }
        let go = at("2026-01-01T06:00:00Z");
        let input = ActionInput { at: Some(go), note: None };
        node_a.apply_action(id, Action::Schedule, Role::Editor, input, "ed", now()).unwrap();
        assert_eq!(node_a.article(id).unwrap().state, WorkflowState::Scheduled);
        assert!(node_a.run_due_jobs(at("2026-01-01T05:59:59Z"), "a").unwrap().is_empty());
        assert!(events(&node_a).is_empty(), "nothing is announced before its time");

        // Both nodes wake at the time; exactly one publishes.
        let runs_b = node_b.run_due_jobs(go, "b").unwrap();
        let runs_a = node_a.run_due_jobs(go, "a").unwrap();
        assert_eq!(runs_a.len() + runs_b.len(), 1);
        let a = node_a.article(id).unwrap();
        assert_eq!((a.state, a.published_at), (WorkflowState::Published, Some(go)));
        assert_eq!(events(&node_a), ["article.published"]);
    }

    #[test]
    fn unscheduling_cancels_the_job() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let id = draft(&store, "Plans that changed");
        store.apply_action(id, Action::Submit, Role::Reporter, ActionInput::default(), "r", now()).unwrap();
        store.apply_action(id, Action::StartEdit, Role::Editor, ActionInput::default(), "e", now()).unwrap();
        let input = ActionInput { at: Some(at("2026-01-02T00:00:00Z")), note: None };
        store.apply_action(id, Action::Schedule, Role::Editor, input, "e", now()).unwrap();
        store.apply_action(id, Action::Unschedule, Role::Editor, ActionInput::default(), "e", now()).unwrap();
        assert!(store.run_due_jobs(at("2026-01-03T00:00:00Z"), "n").unwrap().is_empty());
        assert_eq!(store.article(id).unwrap().state, WorkflowState::Ready);
        // Scheduling needs a time ahead.
        let past = ActionInput { at: Some(at("2025-01-01T00:00:00Z")), note: None };
        assert!(store.apply_action(id, Action::Schedule, Role::Editor, past, "e", now()).is_err());
    }

    #[test]
    fn an_embargoed_story_stays_hidden_and_is_announced_at_its_time() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let later = Timestamp::now() + jiff::SignedDuration::from_hours(2);
        let embargo = Timestamp::from_microsecond(later.as_microsecond()).unwrap();
        let a = Article { embargo: Some(embargo), ..article("Results under embargo", "EUROPE") };
        let saved = store.save_article(&a, None, "wire", Timestamp::now()).unwrap();
        assert_eq!(store.article(saved.id).unwrap().published_at, Some(embargo));
        assert!(store.published_by_path("europe", "results-under-embargo").unwrap().is_none());
        assert!(store.latest_published(&ArticleFilter::default(), 10, 0).unwrap().is_empty());
        assert!(store.sitemap_entries(1, 10).unwrap().is_empty());
        assert!(store.sitemap_pages(10).unwrap().is_empty(), "no page for an embargoed story");
        assert!(store.live_sections().unwrap().is_empty(), "a section with only an embargoed story is not shown");
        assert_eq!(store.published_count().unwrap(), 0);
        assert!(events(&store).is_empty(), "no webhook may learn of it early");
        let runs = store.run_due_jobs(embargo, "n").unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].outcome, "released");
        assert_eq!(events(&store), ["article.published"]);
    }

    #[test]
    fn a_lost_race_keeps_both_versions() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let id = draft(&store, "Two editors, one story");
        let opened = store.story(id).unwrap();
        let mut mine = opened.article.clone();
        mine.headline = "Mine".into();
        let mut theirs = opened.article.clone();
        theirs.headline = "Theirs".into();
        store.save_story(&mine, None, opened.revision, "me", now()).unwrap();
        let err = store.save_story(&theirs, None, opened.revision, "them", now()).unwrap_err();
        let SaveError::Conflict { kept, by, .. } = err else { panic!("{err}") };
        assert_eq!(by, "me");
        assert_eq!(store.article(id).unwrap().headline, "Mine");
        assert_eq!(store.revision(id, kept).unwrap().headline, "Theirs");
        let revs = store.revisions(id).unwrap();
        assert_eq!(revs.iter().map(|r| r.applied).collect::<Vec<_>>(), [true, true, false]);
        // The next save is based on the applied revision and numbered after the kept one.
        let current = store.story(id).unwrap();
        assert_eq!(current.revision, 2);
        let out = store.save_story(&Article { deck: Some("New".into()), ..current.article }, None, 2, "me", now());
        assert_eq!(out.unwrap().revision, 4);
    }

    #[test]
    fn corrections_are_dated_revisions_and_events() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let id = store.save_article(&article("A story with a mistake", "EUROPE"), None, "x", now()).unwrap().id;
        let none = ActionInput { at: None, note: Some("  ") };
        assert!(store.apply_action(id, Action::Correct, Role::Editor, none, "e", now()).is_err());
        let input = ActionInput { at: None, note: Some("An earlier version misspelt the minister's name.") };
        assert!(matches!(
            store.apply_action(id, Action::Correct, Role::Reporter, input, "r", now()),
            Err(SaveError::Workflow(_))
        ));
        store.apply_action(id, Action::Correct, Role::Editor, input, "e", now()).unwrap();
        let a = store.article(id).unwrap();
        assert_eq!(a.corrections.len(), 1);
        assert_eq!(a.updated_at, Some(now()));
        assert_eq!(events(&store), ["article.published", "article.corrected"]);
    }

    #[test]
    fn taking_a_wire_item_makes_one_draft_with_the_credit() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let user = store.add_user("Desk@Example.org", "Desk", Role::Editor, None, now()).unwrap();
        assert_eq!(user.email, "desk@example.org");
        let item = Article { based_on: Some("urn:newsml:agency:1".into()), ..article("Quake hits coast", "WORLD") };
        let entry = crate::QueueEntry {
            external_id: "ninjs:urn:newsml:agency:1",
            article: &item,
            version: None,
            format: "ninjs",
            urgency: Some(1),
            simhash: 1,
            content_hash: 2,
            cluster: None,
            feed_source: None,
        };
        let wire = store.queue_item(&entry, now()).unwrap().id;
        let first = store.take_wire_item(wire, user.id, "desk@example.org", now()).unwrap();
        let again = store.take_wire_item(wire, user.id, "desk@example.org", now()).unwrap();
        assert_eq!(first.id, again.id);
        let draft = store.article(first.id).unwrap();
        assert_eq!(draft.state, WorkflowState::Draft);
        assert_eq!(draft.source.as_deref(), Some("AA"));
        assert_eq!(draft.based_on.as_deref(), Some("urn:newsml:agency:1"));
        assert_eq!(store.wire_items(None, Some("quake"), 10).unwrap()[0].taken_article_id, Some(first.id.0));
        assert!(events(&store).is_empty());
    }

    #[test]
    fn sessions_end_when_revoked_expired_or_disabled() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let u = store.add_user("a@example.org", "A", Role::Reporter, Some("$argon2id$x"), now()).unwrap();
        assert!(store.add_user("A@example.org", "A2", Role::Admin, None, now()).is_err());
        let later = at("2026-01-02T00:00:00Z");
        store.add_session("h1", u.id, "csrf1", None, now(), later).unwrap();
        assert_eq!(store.session("h1", now()).unwrap().unwrap().csrf, "csrf1");
        assert!(store.session("h1", later).unwrap().is_none(), "expired");
        store.revoke_session("h1", now()).unwrap();
        assert!(store.session("h1", now()).unwrap().is_none(), "revoked");
        store.add_session("h2", u.id, "csrf2", None, now(), later).unwrap();
        store.update_user(u.id, Role::Reporter, true, (None, "admin"), now()).unwrap();
        assert!(store.session("h2", now()).unwrap().is_none(), "disabled");
        let log = store.audit_log(10).unwrap();
        assert_eq!(log.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["user.update", "user.add"]);
    }
}

#[test]
fn recommended_puts_pins_first_and_never_shows_exclusions_or_hidden_stories() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let save = |h: &str, state: WorkflowState| {
        store.save_article(&Article { state, ..article(h, "EUROPE") }, None, "t", now()).unwrap().id
    };
    let main = save("Main story", WorkflowState::Published);
    let (a, b, c, d) = (
        save("Story A", WorkflowState::Published),
        save("Story B", WorkflowState::Published),
        save("Story C", WorkflowState::Published),
        save("Story D draft", WorkflowState::Draft),
    );
    store.set_related(main, &[(a.0, 0.9), (b.0, 0.8), (d.0, 0.7), (c.0, 0.6)], now()).unwrap();
    let heads = |v: Vec<Article>| v.into_iter().map(|x| x.headline).collect::<Vec<_>>();
    assert_eq!(heads(store.recommended(main, 3).unwrap()), ["Story A", "Story B", "Story C"], "never a draft");
    store.set_related_pins(main, &[c.0], &[a.0]).unwrap();
    assert_eq!(heads(store.recommended(main, 3).unwrap()), ["Story C", "Story B"]);
    assert_eq!(store.related_pins(main).unwrap(), (vec![c.0], vec![a.0]));
    assert!(matches!(store.set_related_pins(main, &[999], &[]), Err(StoreError::NotFound(_))));
    assert_eq!(store.related_pins(main).unwrap(), (vec![c.0], vec![a.0]), "a refused change changes nothing");
}

mod intake {
    use super::*;
    use crate::{NewSource, PollResult, QueueEntry, QueueStatus};
    use jiff::SignedDuration;
    use newsdesk_core::routing::{RoutingRule, RuleAction, RuleField};

    fn rule(name: &str) -> RoutingRule {
        RoutingRule {
            id: 0,
            name: name.into(),
            field: RuleField::Keyword,
            pattern: name.to_lowercase(),
            section: Some("Sport".into()),
            tags: vec!["t".into()],
            action: RuleAction::Queue,
            enabled: true,
        }
    }

    #[test]
    fn routing_rules_keep_their_order() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let a = store.save_routing_rule(&rule("A"), now()).unwrap();
        let b = store.save_routing_rule(&rule("B"), now()).unwrap();
        let c = store.save_routing_rule(&rule("C"), now()).unwrap();
        let names = |s: &Store| s.routing_rules().unwrap().into_iter().map(|r| r.name).collect::<Vec<_>>();
        assert_eq!(names(&store), ["A", "B", "C"]);
        store.move_routing_rule(c, true).unwrap();
        store.move_routing_rule(a, true).unwrap();
        assert_eq!(names(&store), ["A", "C", "B"], "the first cannot move up");
        let mut edited = store.routing_rules().unwrap().remove(2);
        assert_eq!(edited.id, b);
        edited.name = "B2".into();
        edited.enabled = false;
        store.save_routing_rule(&edited, now()).unwrap();
        assert_eq!(store.routing_rules().unwrap()[2], edited);
        store.delete_routing_rule(a).unwrap();
        assert_eq!(names(&store), ["C", "B2"]);
        assert!(matches!(store.delete_routing_rule(a), Err(StoreError::NotFound(_))));
        assert!(matches!(
            store.save_routing_rule(&RoutingRule { id: 99, ..rule("X") }, now()),
            Err(StoreError::NotFound(_))
        ));
    }

    #[test]
    fn sources_are_claimed_once_until_their_poll_is_done() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let new = NewSource {
            url: "https://example.com/feed",
            name: "Ex",
            every_secs: 60,
            allow_private: false,
            section: None,
            publish: false,
        };
        let s = store.add_feed_source(&new, now()).unwrap();
        assert!(matches!(store.add_feed_source(&new, now()), Err(StoreError::Conflict(_))));
        let lease = SignedDuration::from_secs(120);
        let claimed = store.claim_due_source(now(), lease).unwrap().unwrap();
        assert_eq!(claimed.id, s.id);
        assert!(store.claim_due_source(now(), lease).unwrap().is_none(), "held by the first claim");
        let result = PollResult {
            status: "ok".into(),
            error: None,
            etag: Some("\"e\"".into()),
            last_modified: None,
            items: 3,
            next_poll_at: now() + SignedDuration::from_secs(60),
            failures: 0,
        };
        store.finish_poll(s.id, &result, now()).unwrap();
        assert!(store.claim_due_source(now(), lease).unwrap().is_none(), "not due yet");
        let later = now() + SignedDuration::from_secs(61);
        let again = store.claim_due_source(later, lease).unwrap().unwrap();
        assert_eq!((again.etag.as_deref(), again.items_total, again.last_polled_at), (Some("\"e\""), 3, Some(now())));
        // A node that died holding it: the lease runs out and another takes it over.
        assert!(store.claim_due_source(later + lease + SignedDuration::from_secs(1), lease).unwrap().is_some());
        store.remove_feed_source(s.id).unwrap();
        assert!(store.feed_sources().unwrap().is_empty());
    }

    #[test]
    fn the_queue_tells_new_items_from_versions_and_repeats() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let a = article("Quake hits coast", "WORLD");
        let entry = |ext: &'static str, version: Option<&'static str>, hash: u64, cluster: Option<i64>| QueueEntry {
            external_id: ext,
            article: &a,
            version,
            format: "ninjs",
            urgency: Some(2),
            simhash: 7,
            content_hash: hash,
            cluster,
            feed_source: None,
        };
        let first = store.queue_item(&entry("x:1", Some("1"), 10, None), now()).unwrap();
        assert_eq!((first.status, first.cluster), (QueueStatus::Queued, first.id));
        assert_eq!(store.queue_item(&entry("x:1", Some("1"), 10, None), now()).unwrap().status, QueueStatus::Duplicate);
        assert_eq!(store.queue_item(&entry("x:1", Some("2"), 11, None), now()).unwrap().status, QueueStatus::Updated);
        assert_eq!(
            store.queue_item(&entry("x:1", Some("1"), 12, None), now()).unwrap().status,
            QueueStatus::Duplicate,
            "older"
        );
        let resent = store.queue_item(&entry("y:1", None, 11, None), now()).unwrap();
        assert_eq!(
            (resent.status, resent.id),
            (QueueStatus::Duplicate, first.id),
            "the same text under another identity"
        );
        let joined = store.queue_item(&entry("z:1", None, 99, Some(first.id)), now()).unwrap();
        assert_eq!((joined.status, joined.cluster), (QueueStatus::Queued, first.id));
        let items = store.wire_items(None, None, 10).unwrap();
        assert_eq!(
            items.iter().map(|w| (w.cluster, w.redeliveries)).collect::<Vec<_>>(),
            [(first.id, 0), (first.id, 3)]
        );
        assert_eq!(store.wire_fingerprints(now()).unwrap().len(), 2);
        assert_eq!(store.wire_articles(&[joined.id, 404]).unwrap().len(), 1);
    }
}

#[test]
fn a_list_carries_each_storys_own_authors_and_tags_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut wanted = vec![];
    for i in 0..5 {
        let mut a = article(&format!("Story number {i} of the list"), "EUROPE");
        a.published_at = Some(Timestamp::from_second(1_750_000_000 + i).unwrap());
        // Names shared between stories and orders that are not alphabetical.
        a.authors = (0..i % 3 + 1).rev().map(|n| format!("Writer {n}")).collect();
        a.tags = if i == 2 { vec![] } else { vec![format!("zeta {i}"), "alpha".into(), format!("mid {}", i % 2)] };
        store.save_article(&a, Some(&format!("list:{i}")), "import", now()).unwrap();
        wanted.push((a.headline.clone(), a.authors.clone(), a.tags.clone()));
    }
    wanted.reverse(); // newest first
    let got: Vec<_> = store
        .latest_published(&ArticleFilter::default(), 10, 0)
        .unwrap()
        .into_iter()
        .map(|a| (a.headline, a.authors, a.tags))
        .collect();
    assert_eq!(got, wanted);
    // One story alone reads the same.
    let one = store.latest_published(&ArticleFilter::default(), 1, 2).unwrap();
    assert_eq!((one[0].authors.clone(), one[0].tags.clone()), (wanted[2].1.clone(), wanted[2].2.clone()));
    // Pages by keyset: after the second story, the next two; with a section filter too.
    let all = store.latest_published(&ArticleFilter::default(), 10, 0).unwrap();
    let before = all[1].published_at.zip(all[1].id.map(|i| i.0));
    let page = store.latest_published(&ArticleFilter { before, ..ArticleFilter::default() }, 2, 0).unwrap();
    assert_eq!(page.iter().map(|a| a.id).collect::<Vec<_>>(), [all[2].id, all[3].id]);
    let filter = ArticleFilter { before, ..ArticleFilter::section("europe") };
    assert_eq!(store.latest_published(&filter, 10, 0).unwrap().len(), 3);
    let filter = ArticleFilter { before, ..ArticleFilter::section("world") };
    assert!(store.latest_published(&filter, 10, 0).unwrap().is_empty());
    // In id order, by pages, with their people: every story once.
    let mut by_id = vec![];
    let mut after = 0;
    loop {
        let page = store.published_by_id(after, 2).unwrap();
        let Some(last) = page.last() else { break };
        after = last.id.unwrap().0;
        by_id.extend(page.into_iter().map(|a| (a.headline, a.authors, a.tags)));
    }
    wanted.reverse();
    assert_eq!(by_id, wanted);
}

#[test]
fn reading_in_id_order_uses_the_table_not_an_index_and_sees_only_published_stories() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    for i in 0..4 {
        let mut a = article(&format!("Stored story {i}"), "EUROPE");
        // Published out of id order; one draft and one scheduled for the future.
        a.published_at = Some(Timestamp::from_second(1_750_000_000 - i * 1000).unwrap());
        if i == 1 {
            a.state = WorkflowState::Draft;
        }
        if i == 2 {
            a.published_at = Some(Timestamp::from_second(4_000_000_000).unwrap());
        }
        store.save_article(&a, Some(&format!("byid:{i}")), "import", now()).unwrap();
    }
    let got: Vec<_> = store.published_by_id(0, 10).unwrap().into_iter().map(|a| a.headline).collect();
    assert_eq!(got, ["Stored story 0", "Stored story 3"]);
    let conn = store.reader();
    let plan: Vec<String> = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {PUBLISHED_BY_ID}"))
        .unwrap()
        .query_map([0, 0, 0], |r| r.get(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(plan[0].contains("INTEGER PRIMARY KEY"), "{plan:?}");
    assert!(!plan.iter().any(|p| p.contains("TEMP B-TREE")), "{plan:?}");
}

/// SQLite numbers `$1`, `$2` … parameters in the order they first appear in the text, not by
/// their digits: `SET a = $2 WHERE id = $1` binds the first value to `a`. So every SQL text in
/// the workspace must first use `$1`, then `$2`, and so on (or use `?N`, which SQLite does number
/// by its digits). Reads every string literal of every crate's sources.
#[test]
fn sql_parameters_appear_in_the_order_they_are_numbered() {
    let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut files = vec![crates.to_path_buf()];
    let mut wrong = vec![];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        for literal in string_literals(&source) {
            let mut seen: Vec<u32> = vec![];
            let mut rest = literal.as_str();
            while let Some(at) = rest.find('$') {
                rest = &rest[at + 1..];
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                if let Ok(n) = digits.parse::<u32>()
                    && !seen.contains(&n)
                {
                    seen.push(n);
                }
            }
            // A literal may continue another's numbering (a query's tail in a macro), so it may
            // start above 1; within it the numbers must still rise one by one.
            if seen.windows(2).any(|w| w[1] != w[0] + 1) {
                wrong.push(format!("{}: {seen:?} in {:.80}", path.display(), literal));
            }
        }
    }
    assert!(wrong.is_empty(), "parameters out of order:\n{}", wrong.join("\n"));
}

/// The contents of the string literals in Rust source (escapes kept, `\` line continuations
/// dropped); raw strings and chars are skipped well enough for SQL texts.
fn string_literals(source: &str) -> Vec<String> {
    let mut out = vec![];
    let mut chars = source.chars().peekable();
    let mut prev = ' ';
    while let Some(c) = chars.next() {
        if c == '\'' && prev != '\\' {
            // A char literal ('"'), or a lifetime: skip to its closing quote if it is near.
            let ahead: String = chars.clone().take(3).collect();
            if let Some(end) = ahead.find('\'') {
                for _ in 0..=end {
                    chars.next();
                }
            }
        } else if c == '"' {
            let mut lit = String::new();
            while let Some(d) = chars.next() {
                match d {
                    '\\' if chars.peek() == Some(&'\n') => {
                        while chars.peek().is_some_and(|x| x.is_whitespace()) {
                            chars.next();
                        }
                    }
                    '\\' => {
                        lit.push(d);
                        lit.extend(chars.next());
                    }
                    '"' => break,
                    _ => lit.push(d),
                }
            }
            out.push(lit);
        } else if c == '/' && chars.peek() == Some(&'/') {
            for d in chars.by_ref() {
                if d == '\n' {
                    break;
                }
            }
        }
        prev = c;
    }
    out
}
