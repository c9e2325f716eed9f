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
        body: vec![Block::Paragraph { text: "One two three.".into(), marks: vec![] }, Block::Recommended],
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
    changed.body.push(Block::Paragraph { text: "A late paragraph.".into(), marks: vec![] });
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

mod newsroom;

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
    assert!(matches!(store.set_related_pins(main, &[999], &[]), Err(StoreError::NotFound { .. })));
    assert_eq!(store.related_pins(main).unwrap(), (vec![c.0], vec![a.0]), "a refused change changes nothing");
}

mod intake;

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

#[test]
fn a_sitemap_page_follows_the_lead_picture_as_it_changes() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let picture = |asset: &str| newsdesk_core::LeadImage {
        asset: Some(asset.into()),
        alt: "Cranes".into(),
        title: None,
        caption: None,
        credit: None,
        source_url: None,
        caption_marks: vec![],
    };
    let mut a = article("Pictured story", "EUROPE");
    a.lead_image = Some(picture("cranes.jpg"));
    let saved = store.save_article(&a, Some("pic:1"), "import", now()).unwrap();
    let plain = store.save_article(&article("Plain story", "EUROPE"), Some("pic:2"), "import", now()).unwrap();
    let assets = |store: &Store| -> Vec<Option<String>> {
        store.sitemap_entries(1, 100).unwrap().into_iter().map(|e| e.image_asset).collect()
    };
    assert_eq!(assets(&store), [Some("cranes.jpg".to_string()), None]);
    let mut changed = store.article(saved.id).unwrap();
    changed.lead_image = Some(picture("harbour.jpg"));
    changed.updated_at = Some(Timestamp::from_second(1_760_000_000).unwrap());
    store.save_article(&changed, Some("pic:1"), "import", now()).unwrap();
    assert_eq!(assets(&store), [Some("harbour.jpg".to_string()), None]);
    changed.lead_image = None;
    changed.updated_at = Some(Timestamp::from_second(1_760_000_100).unwrap());
    store.save_article(&changed, Some("pic:1"), "import", now()).unwrap();
    assert_eq!(assets(&store), [None, None]);
    assert!(plain.id.0 > saved.id.0);
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

/// A tag's and an author's pages read their own rows in publishing order; those rows follow
/// each story as it is published, unpublished, republished or retagged.
#[test]
fn tag_and_author_lists_follow_each_storys_state() {
    use crate::ActionInput;
    use newsdesk_core::{Action, Role};
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut ids = vec![];
    for (i, headline) in ["First on nato", "Second on nato", "Third on nato"].iter().enumerate() {
        let mut a = article(headline, "EUROPE");
        a.published_at = Some(Timestamp::from_second(1_750_000_000 + i as i64 * 60).unwrap());
        ids.push(store.save_article(&a, Some(&format!("live:{i}")), "t", now()).unwrap().id);
    }
    let by_tag = |tag| {
        let f = ArticleFilter { tag: Some(tag), ..Default::default() };
        store.latest_headlines(&f, 10, 0).unwrap().into_iter().map(|a| a.headline).collect::<Vec<_>>()
    };
    let by_author = || {
        let f = ArticleFilter { author: Some("mira-okonkwo"), section: Some("europe"), ..Default::default() };
        store.latest_headlines(&f, 10, 0).unwrap().len()
    };
    assert_eq!(by_tag("nato"), ["Third on nato", "Second on nato", "First on nato"]);
    assert_eq!(by_author(), 3);
    // Keyset and offset pages of a tag agree.
    let f = ArticleFilter { tag: Some("diplomacy"), ..Default::default() };
    let all = store.latest_headlines(&f, 10, 0).unwrap();
    let second = store.latest_headlines(&f, 1, 1).unwrap();
    let newest = &all[0];
    let after = ArticleFilter { before: Some((newest.published_at.unwrap(), newest.id.unwrap().0)), ..f };
    assert_eq!(store.latest_headlines(&after, 1, 0).unwrap()[0].id, second[0].id);
    assert_eq!(all.len(), 3);
    store.apply_action(ids[1], Action::Unpublish, Role::Editor, ActionInput::default(), "ed", now()).unwrap();
    assert_eq!(by_tag("nato"), ["Third on nato", "First on nato"], "an unpublished story leaves the tag's page");
    assert_eq!(by_author(), 2);
    store.apply_action(ids[1], Action::Publish, Role::Editor, ActionInput::default(), "ed", now()).unwrap();
    assert_eq!(by_tag("nato"), ["Third on nato", "Second on nato", "First on nato"], "republished, with its date");
    store.apply_action(ids[2], Action::Unpublish, Role::Editor, ActionInput::default(), "ed", now()).unwrap();
    assert_eq!(by_tag("nato"), ["Second on nato", "First on nato"]);
    // Retagged: the new tag's page lists it at once, the old one no longer does.
    let mut first = store.article(ids[0]).unwrap();
    first.tags = vec!["summit".into()];
    store.save_article(&first, Some("live:0"), "t", now()).unwrap();
    assert_eq!(by_tag("nato"), ["Second on nato"]);
    assert_eq!(by_tag("summit"), ["First on nato"]);
    assert!(by_tag("no-such-tag").is_empty());
}

/// A front's pins are left out of its list by time; every page of the list by time is then its
/// offset into what is left, whatever the pins were.
#[test]
fn a_list_leaves_out_the_stories_asked_and_pages_what_remains() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    for i in 0..30 {
        let mut a = article(&format!("Story {i}"), "SPORT");
        a.published_at = Some(Timestamp::from_second(1_750_000_000 + i * 60).unwrap());
        store.save_article(&a, Some(&format!("x:{i}")), "t", now()).unwrap();
    }
    let all = store.latest_headlines(&ArticleFilter::section("sport"), 30, 0).unwrap();
    let ids: Vec<i64> = all.iter().map(|a| a.id.unwrap().0).collect();
    let left_out = [ids[0], ids[5], ids[29]];
    let f = ArticleFilter { section: Some("sport"), exclude: &left_out, ..Default::default() };
    let rest: Vec<i64> = ids.iter().copied().filter(|i| !left_out.contains(i)).collect();
    let page =
        |offset| store.latest_headlines(&f, 10, offset).unwrap().iter().map(|a| a.id.unwrap().0).collect::<Vec<_>>();
    assert_eq!(page(0), rest[..10]);
    assert_eq!(page(10), rest[10..20]);
    assert_eq!(page(20), rest[20..]);
    // A date range reads only its own stretch of the index, at either end.
    let in_range = ArticleFilter {
        section: Some("sport"),
        since: Some(Timestamp::from_second(1_750_000_000 + 10 * 60).unwrap()),
        until: Some(Timestamp::from_second(1_750_000_000 + 15 * 60).unwrap()),
        ..Default::default()
    };
    let headlines: Vec<String> =
        store.latest_headlines(&in_range, 30, 0).unwrap().into_iter().map(|a| a.headline).collect();
    assert_eq!(headlines, ["Story 14", "Story 13", "Story 12", "Story 11", "Story 10"]);
}

/// What is missing is told by its kind and id, for callers to branch on without reading text.
#[test]
fn a_missing_thing_is_named_by_kind_and_id() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let e = store.article(ArticleId(999)).unwrap_err();
    assert!(matches!(&e, StoreError::NotFound { kind: crate::Missing::Article, id } if id == "999"), "{e:?}");
    assert_eq!(e.to_string(), "article 999 not found");
    assert_eq!(e.missing().as_deref(), Some("article 999"));
    let e = store.set_front_pins("", &[12345], now()).unwrap_err();
    assert!(matches!(e, StoreError::NotFound { kind: crate::Missing::Story, .. }), "{e:?}");
    assert_eq!(StoreError::not_found(crate::Missing::Invite, "").to_string(), "invite not found");
}

/// Every event kind reads back from its stored name; a name this version lacks is `Unknown`.
#[test]
fn event_kinds_round_trip_and_an_unknown_one_is_told_apart() {
    for kind in EventKind::ALL {
        assert_eq!(EventKind::parse(kind.as_str()), kind);
    }
    assert_eq!(EventKind::parse("site.retheme"), EventKind::Unknown);
    assert_eq!(EventKind::Published.hook_name(), "published");
    assert_eq!(EventKind::RelatedUpdated.hook_name(), "related.updated");
    assert!(EventKind::Corrected.is_article() && !EventKind::MediaDeleted.is_article());
}
