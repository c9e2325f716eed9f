//! Every statement the reader path runs, held to its query plan: SQLite must never read the
//! whole `articles` table or the tag and author lists that grow with it (a SCAN, with or without
//! an index) nor sort a range of it (a
//! temporary B-tree when articles are the outer loop) to answer a page. The statements are the
//! ones the store really runs: every reader connection is traced while each reader method is
//! called, and each statement (with its values) is explained on the same SQLite the binary uses.
//! A realistic schema (every migration) and data (stories in eight sections, tags, authors,
//! pins, similar stories, views) stand behind it.

use std::sync::{Arc, Mutex};

use jiff::{SignedDuration, Timestamp};
use newsdesk_core::article::Section;
use newsdesk_core::{Block, Slug, WorkflowState};
use rusqlite::trace::{TraceEvent, TraceEventCodes};

use super::*;

fn story(i: usize) -> Article {
    let sections = ["Europe", "Middle East", "Africa", "Business", "Science", "Sport", "Culture", "World"];
    let headline = format!("Harbour board story number {i}");
    Article {
        id: None,
        section: Section::from_label(sections[i % sections.len()]).unwrap(),
        slug: Slug::from_title(&headline).unwrap(),
        headline,
        deck: Some("A deck.".into()),
        lead_image: None,
        body: vec![
            Block::Paragraph { text: "Words of the story.".into(), marks: vec![] },
            Block::Recommended,
            Block::Related {
                publication: "Newsdesk".into(),
                headline: "Harbour board story number 3".into(),
                url: None,
            },
        ],
        source: Some(if i.is_multiple_of(2) { "AA" } else { "AFP" }.into()),
        authors: vec![format!("Writer {}", i % 7)],
        tags: vec![format!("topic {}", i % 11), "harbour".into()],
        language: "en".into(),
        canonical_url: None,
        state: if i.is_multiple_of(13) { WorkflowState::Draft } else { WorkflowState::Published },
        published_at: Some(Timestamp::from_second(1_750_000_000 + i as i64 * 3_600).unwrap()),
        updated_at: None,
        embargo: None,
        based_on: None,
        corrections: vec![],
        promo: Default::default(),
    }
}

/// What a plan line says that a reader page must never do, if anything.
fn scans_articles(plan: &[(i64, i64, String)]) -> Option<String> {
    for (_, _, line) in plan {
        let words: Vec<&str> = line.split_whitespace().collect();
        // Articles, and the lists that grow with them (tags and authors of every story).
        let grows = ["a", "articles", "at", "article_tags", "aa", "article_authors"];
        if words.first() == Some(&"SCAN") && words.get(1).is_some_and(|t| grows.contains(t)) {
            return Some(format!("reads the whole table: {line}"));
        }
    }
    // A temporary B-tree is fine over a short list (pins, similar stories) looked up by id; over
    // articles read by an index range it means sorting the range.
    let outer = plan.iter().find(|(_, parent, l)| *parent == 0 && (l.starts_with("SCAN") || l.starts_with("SEARCH")));
    let sorts = plan.iter().any(|(_, _, l)| l.starts_with("USE TEMP B-TREE"));
    if sorts && let Some((_, _, l)) = outer {
        let table = l.split_whitespace().nth(1).unwrap_or("");
        if (table == "a" || table == "articles") && !l.contains("PRIMARY KEY (rowid=?)") {
            return Some(format!("sorts a range of articles: {l}"));
        }
    }
    None
}

#[test]
fn no_reader_statement_scans_or_sorts_the_articles_table() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let now = Timestamp::from_second(1_760_000_000).unwrap();
    let mut ids = vec![];
    for i in 0..400 {
        ids.push(store.save_article(&story(i), Some(&format!("plan:{i}")), "import", now).unwrap().id);
    }
    store.set_related(ids[1], &[(ids[2].0, 0.9), (ids[3].0, 0.8), (ids[4].0, 0.7)], now).unwrap();
    store.set_related_pins(ids[1], &[ids[5].0], &[ids[6].0]).unwrap();
    store.set_front_pins("", &[ids[7].0, ids[8].0], now).unwrap();
    store.set_front_pins("europe", &[ids[8].0], now).unwrap();
    store.add_views(1_000, &[(ids[1].0, 5), (ids[2].0, 3)]).unwrap();

    // Trace every reader connection while the reader methods run.
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    for reader in &store.readers {
        let seen = seen.clone();
        lock(reader)
            .trace_v2(
                TraceEventCodes::SQLITE_TRACE_STMT,
                Some(move |e: TraceEvent<'_>| {
                    if let TraceEvent::Stmt(stmt, _) = e
                        && let Some(sql) = stmt.expanded_sql()
                    {
                        seen.lock().unwrap().push(sql);
                    }
                }),
            )
            .unwrap();
    }
    let day = Timestamp::from_second(1_750_000_000).unwrap();
    let pinned = [ids[7].0, ids[8].0];
    let filters = [
        ArticleFilter::default(),
        ArticleFilter::section("europe"),
        ArticleFilter { tag: Some("harbour"), ..Default::default() },
        ArticleFilter { author: Some("writer-3"), ..Default::default() },
        ArticleFilter {
            since: Some(day),
            until: Some(day + SignedDuration::from_hours(24 * 30)),
            ..Default::default()
        },
        ArticleFilter { before: Some((day + SignedDuration::from_hours(200), ids[200].0)), ..Default::default() },
        ArticleFilter { section: Some("europe"), exclude: &pinned, ..Default::default() },
        ArticleFilter { tag: Some("harbour"), section: Some("sport"), ..Default::default() },
        ArticleFilter { author: Some("writer-3"), updated_since: Some(day), ..Default::default() },
        ArticleFilter {
            section: Some("europe"),
            since: Some(day),
            until: Some(day + SignedDuration::from_hours(24 * 30)),
            ..Default::default()
        },
    ];
    for f in &filters {
        store.latest_published(f, 20, 0).unwrap();
        store.latest_headlines(f, 20, 40).unwrap();
        store.latest_titles(f, 36).unwrap();
    }
    let first = store.article(ids[1]).unwrap();
    store.published_by_path(first.section.slug.as_str(), first.slug.as_str()).unwrap();
    store.article(ids[2]).unwrap();
    store.recommended(ids[1], 6).unwrap();
    store.related_pins(ids[1]).unwrap();
    store.front_pins("").unwrap();
    store.front_pins("europe").unwrap();
    store.live_sections().unwrap();
    store.sections().unwrap();
    store.section_names().unwrap();
    store.sitemap_entries(1, 10_000).unwrap();
    store.sitemap_pages(100).unwrap();
    store.news_entries(day, 1_000).unwrap();
    store.published_path_by_headline("Harbour board story number 3").unwrap();
    store.tag_name("harbour").unwrap();
    store.author_name("writer-3").unwrap();
    store.author_profile("writer-3").unwrap();
    store.views_since(0).unwrap();
    store.published_by_id(0, 100).unwrap();
    store.latest_event_id().unwrap();
    store.events_since(0, 100).unwrap();
    for reader in &store.readers {
        lock(reader).trace_v2(TraceEventCodes::empty(), None::<fn(TraceEvent<'_>)>).unwrap();
    }

    let mut statements = seen.lock().unwrap().clone();
    statements.sort();
    statements.dedup();
    assert!(statements.len() >= 20, "the trace saw the reader path: {statements:#?}");
    let conn = store.reader();
    let mut bad = vec![];
    for sql in statements.iter().filter(|s| !s.trim_start().to_uppercase().starts_with("PRAGMA")) {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let plan: Vec<(i64, i64, String)> =
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(3)?))).unwrap().collect::<Result<_, _>>().unwrap();
        if let Some(why) = scans_articles(&plan) {
            bad.push(format!("{why}\n  in: {sql}"));
        }
    }
    assert!(bad.is_empty(), "reader statements that read or sort all of articles:\n{}", bad.join("\n"));
}

#[test]
fn the_rule_catches_a_scan_and_a_sort_of_articles() {
    let line = |id, parent, s: &str| (id, parent, s.to_string());
    assert!(scans_articles(&[line(2, 0, "SCAN a")]).is_some());
    assert!(scans_articles(&[line(2, 0, "SCAN a USING INDEX articles_public")]).is_some());
    assert!(scans_articles(&[line(2, 0, "SCAN at USING COVERING INDEX sqlite_autoindex_article_tags_1")]).is_some());
    let sorted = [
        line(3, 0, "SEARCH a USING INDEX articles_public (state=? AND published_at<?)"),
        line(9, 0, "USE TEMP B-TREE FOR ORDER BY"),
    ];
    assert!(scans_articles(&sorted).is_some());
    let short_list = [
        line(2, 0, "SEARCH fp USING INDEX sqlite_autoindex_front_pins_1 (front=?)"),
        line(5, 0, "SEARCH a USING INTEGER PRIMARY KEY (rowid=?)"),
        line(9, 0, "USE TEMP B-TREE FOR ORDER BY"),
    ];
    assert!(scans_articles(&short_list).is_none());
    assert!(
        scans_articles(&[
            line(2, 0, "SCAN s"),
            line(4, 0, "SEARCH a USING COVERING INDEX articles_section (section_id=?)")
        ])
        .is_none()
    );
}
