//! The search index on a handful of stories in several languages.

use jiff::Timestamp;
use newsdesk_core::article::Section;
use newsdesk_core::{Article, Block, Slug, WorkflowState};
use proptest::prelude::*;

use crate::search::{Item, parse};
use crate::{SearchIndex, SearchQuery, Sort};

fn story(headline: &str, section: &str, lang: &str, day: u32, body: &str) -> Article {
    Article {
        id: None,
        section: Section::from_label(section).unwrap(),
        slug: Slug::from_title(headline).unwrap(),
        headline: headline.into(),
        deck: None,
        lead_image: None,
        body: vec![Block::Paragraph { text: body.into(), marks: vec![] }],
        source: Some("AA".into()),
        authors: vec!["Mira Okonkwo".into()],
        tags: vec![],
        language: lang.into(),
        canonical_url: None,
        state: WorkflowState::Published,
        published_at: Some(format!("2026-03-{day:02}T09:00:00Z").parse().unwrap()),
        updated_at: None,
        embargo: None,
        based_on: None,
        corrections: vec![],
        promo: Default::default(),
    }
}

fn index() -> SearchIndex {
    let idx = SearchIndex::in_memory().unwrap();
    let stories = [
        story(
            "Harbour reopens after storm repairs",
            "Europe",
            "en",
            1,
            "The harbour in Ghent reopened on Monday after three months of repairs to the storm-damaged quay.",
        ),
        story(
            "Storm closes schools along the coast",
            "Europe",
            "en",
            2,
            "Schools stayed shut as the storm brought floods to coastal towns.",
        ),
        story(
            "Central bank holds interest rates",
            "Business",
            "en",
            3,
            "The central bank kept its main interest rate unchanged, citing slowing inflation.",
        ),
        story(
            "Kuzeyspor kupayı kazandı",
            "Sport",
            "tr",
            4,
            "Kadınlar voleybolunda Kuzeyspor, açıklamalarda belirtildiği gibi İstanbul'da kupayı kazandı.",
        ),
        story(
            "افتتاح المكتبة الجديدة في المدينة",
            "Culture",
            "ar",
            5,
            "افتتحت المكتبة الجديدة أبوابها للزوار والكتاب يوم الاثنين.",
        ),
        story("Neue Häuser für die Altstadt", "Europe", "de", 6, "Die Stadt plant hundert neue Häuser am Hafen."),
    ];
    let port = story(
        "Port workers strike for higher pay",
        "Europe",
        "en",
        7,
        "Cranes stood still at the harbour as dockers walked out.",
    );
    for (i, s) in stories.iter().chain([&port]).enumerate() {
        let s = if i == 0 { Article { tags: vec!["harbours".into()], ..s.clone() } } else { s.clone() };
        idx.upsert(i as i64 + 1, &s).unwrap();
    }
    idx.commit(42).unwrap();
    idx
}

fn ids(idx: &SearchIndex, q: SearchQuery) -> Vec<i64> {
    idx.search(&SearchQuery { limit: 10, ..q }).unwrap().hits.into_iter().map(|h| h.id).collect()
}

fn q(text: &str) -> SearchQuery {
    SearchQuery { text: text.into(), limit: 10, ..SearchQuery::default() }
}

#[test]
fn words_stems_and_boosts() {
    let idx = index();
    assert_eq!(idx.last_event(), Some(42));
    assert_eq!(idx.doc_count(), 7);
    // A headline match outranks a body match.
    assert_eq!(ids(&idx, q("harbour")), [1, 7]);
    assert_eq!(ids(&idx, q("harbours")), [1, 7], "stems: harbours finds harbour");
    assert_eq!(ids(&idx, q("storm harbour")), [1], "every word must match");
    assert_eq!(ids(&idx, q("storm -schools")), [1], "an excluded word");
    assert_eq!(ids(&idx, q("\"interest rate\"")), [3], "a phrase");
    assert!(ids(&idx, q("\"rate interest\"")).is_empty(), "a phrase keeps its order");
    assert_eq!(ids(&idx, q("\"main interest rate\"")), [3], "three words in a row");
    assert!(ids(&idx, q("\"main rate\"")).is_empty(), "a phrase's words next to each other");
    assert_eq!(ids(&idx, q("storm -\"coastal towns\"")), [1], "an excluded phrase");
    let phrase = idx.search(&q("\"central bank\"")).unwrap();
    assert!(phrase.hits[0].snippet.contains("<b>central</b> <b>bank</b>"), "{}", phrase.hits[0].snippet);
    assert_eq!(ids(&idx, q("infla*")), [3], "a prefix");
    assert_eq!(ids(&idx, q("okonkwo")).len(), 7, "authors are searched");
}

#[test]
fn turkish_arabic_and_german_find_their_forms() {
    let idx = index();
    assert_eq!(ids(&idx, q("açıklama")), [4], "Turkish suffixes");
    assert_eq!(ids(&idx, q("ISTANBUL")), [4], "dotless capital I");
    assert_eq!(ids(&idx, q("istanbul")), [4]);
    assert_eq!(ids(&idx, q("kadın")), [4]);
    assert_eq!(ids(&idx, q("كتاب")), [5], "the article and the conjunction come off");
    assert_eq!(ids(&idx, q("المكتبه")), [5], "ta marbuta and the article");
    assert_eq!(ids(&idx, q("haus")), [6], "German stems");
}

#[test]
fn filters_sort_snippets_and_suggestions() {
    let idx = index();
    let europe = SearchQuery { section: Some("europe".into()), ..q("storm") };
    let mut found = ids(&idx, europe);
    found.sort();
    assert_eq!(found, [1, 2], "both storm stories are in Europe");
    let business = SearchQuery { section: Some("business".into()), ..q("storm") };
    assert!(ids(&idx, business).is_empty());
    let by_date = SearchQuery { sort: Sort::Date, ..q("storm") };
    assert_eq!(ids(&idx, by_date), [2, 1]);
    // A word or prefix no story holds finds nothing newest first too, not every story (the
    // fuzzer found it).
    for nothing in ["zzyzx", "zzyz*", "\"central bank\" zzyz* -storm"] {
        let r = idx.search(&SearchQuery { sort: Sort::Date, ..q(nothing) }).unwrap();
        assert_eq!((r.total, r.hits.len()), (0, 0), "{nothing}");
    }
    let range = SearchQuery {
        from: Some("2026-03-02T00:00:00Z".parse::<Timestamp>().unwrap()),
        until: Some("2026-03-04T00:00:00Z".parse::<Timestamp>().unwrap()),
        ..SearchQuery::default()
    };
    assert_eq!(ids(&idx, range), [3, 2], "filters alone list by date");
    let source = SearchQuery { source: Some("aa".into()), author: Some("mira-okonkwo".into()), ..q("storm") };
    assert_eq!(ids(&idx, source).len(), 2);

    let r = idx.search(&q("repairs")).unwrap();
    assert!(r.hits[0].snippet.contains("<b>repairs</b>"), "{}", r.hits[0].snippet);
    assert_eq!(r.hits[0].path, "/europe/harbour-reopens-after-storm-repairs");

    let typo = idx.search(&q("harbuor")).unwrap();
    assert_eq!(typo.total, 0);
    assert_eq!(typo.suggestion.as_deref(), Some("harbour"));
    assert_eq!(idx.search(&q("storm")).unwrap().suggestion, None);
}

#[test]
fn removal_and_reopening_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    {
        let idx = SearchIndex::open(dir.path()).unwrap();
        assert!(idx.needs_rebuild(), "a new index must be filled from the database");
        idx.upsert(7, &story("Lighthouse keeper retires", "Europe", "en", 9, "After forty years.")).unwrap();
        idx.commit(3).unwrap();
    }
    let idx = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(idx.last_event(), Some(3));
    assert_eq!(ids(&idx, q("lighthouse")), [7]);
    idx.remove(7);
    idx.commit(4).unwrap();
    assert!(ids(&idx, q("lighthouse")).is_empty());
    // An index directory that is not an index is replaced, not fatal.
    let broken = tempfile::tempdir().unwrap();
    std::fs::write(broken.path().join("meta.json"), "not json").unwrap();
    assert!(SearchIndex::open(broken.path()).unwrap().needs_rebuild());
}

#[test]
fn names_are_found_in_text() {
    let e = crate::search::entities(
        "NATO chief Mark Rutte met Keir Starmer in London. The talks went well. Lake Victoria ferries.",
    );
    assert_eq!(e, ["mark rutte", "keir starmer", "london", "victoria"]);
    assert!(crate::search::entities("افتتاح المكتبة الجديدة").is_empty());
}

#[test]
fn the_query_language() {
    assert_eq!(
        parse("-storm \"central bank\" infla* plain -\"not this\""),
        [
            Item::Word { text: "storm".into(), negate: true },
            Item::Phrase { text: "central bank".into(), negate: false },
            Item::Prefix("infla".into()),
            Item::Word { text: "plain".into(), negate: false },
            Item::Phrase { text: "not this".into(), negate: true },
        ]
    );
    assert_eq!(parse("\"unclosed quote"), [Item::Phrase { text: "unclosed quote".into(), negate: false }]);
    assert!(parse("   ").is_empty());
    // Phrases count toward the limit like words (the fuzzer found 33 phrases read whole).
    assert_eq!(parse(&"\"a\" ".repeat(40)).len(), crate::text::MAX_ITEMS);
    assert_eq!(parse(&"a ".repeat(40)).len(), crate::text::MAX_ITEMS);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn a_query_is_read_into_at_most_max_items_parts(text in "[\"a-c *-]{0,600}") {
        let items = parse(&text);
        prop_assert!(items.len() <= crate::text::MAX_ITEMS);
        for item in items {
            let (Item::Word { text, .. } | Item::Phrase { text, .. } | Item::Prefix(text)) = item;
            prop_assert!(!text.is_empty());
        }
    }

    #[test]
    fn any_query_gets_results_or_none_never_an_error(text in "\\PC{0,60}") {
        let idx = index();
        prop_assert!(idx.search(&q(&text)).is_ok());
    }
}

#[test]
fn documents_go_to_the_indexing_threads_through_the_gate_and_come_back_out() {
    let idx = SearchIndex::in_memory().unwrap();
    let stories: Vec<Article> = (0..300)
        .map(|i| story(&format!("Ferry timetable {i} changes"), "Europe", "en", 1 + i % 28, "Boats."))
        .collect();
    let docs: Vec<(i64, &Article)> = stories.iter().enumerate().map(|(i, a)| (i as i64 + 1, a)).collect();
    idx.add_new(&docs).unwrap();
    idx.commit(1).unwrap();
    // Every ticket came back once its document was written.
    assert_eq!(idx.search(&q("ferry")).unwrap().total, 300);
    assert_eq!(idx.waiting(), 0);
}

/// Stories where "new fishing quotas" stands in a row, and ones holding its pairs ("new
/// fishing", "fishing quotas") only apart.
fn fishing(i: usize, run: bool) -> Article {
    let body = if run {
        "Ministers agreed the new fishing quotas on Friday; they take effect in May."
    } else {
        "A new fishing season opened on Friday. Talks on fishing quotas resume in May."
    };
    story(&format!("Fleet report {i}"), "Europe", "en", 1 + (i % 28) as u32, body)
}

#[test]
fn a_long_phrase_is_its_words_in_a_row_however_it_is_searched() {
    let idx = SearchIndex::in_memory().unwrap();
    let byline = Article {
        authors: vec!["Ana de la Cruz".into()],
        tags: vec!["Common Fisheries Policy".into()],
        ..story("Harbour masters meet", "Business", "en", 3, "Port fees were discussed.")
    };
    for (id, a) in [(1, fishing(1, true)), (2, fishing(2, false)), (3, byline)] {
        idx.upsert(id, &a).unwrap();
    }
    idx.commit(1).unwrap();
    let phrase = "\"new fishing quotas\"";
    assert_eq!(ids(&idx, q(phrase)), [1], "by relevance, without filters");
    assert_eq!(ids(&idx, q("\"new fishing quota\"")), [1], "the run is matched by stems");
    assert_eq!(ids(&idx, SearchQuery { sort: Sort::Date, ..q(phrase) }), [1], "newest first");
    assert_eq!(ids(&idx, SearchQuery { section: Some("europe".into()), ..q(phrase) }), [1], "with a filter");
    assert_eq!(ids(&idx, q(&format!("{phrase} -harbour"))), [1], "with an exclusion");
    assert_eq!(ids(&idx, q(&format!("{phrase} minist*"))), [1], "with a prefix");
    assert!(ids(&idx, q("\"fishing new\" minist*")).is_empty(), "a prefix query keeps a phrase's order");
    assert_eq!(ids(&idx, q("fish* -\"new fishing quotas\"")), [2], "and leaves out a phrase, not its words");
    assert_eq!(idx.search(&q(phrase)).unwrap().total, 1, "the count too");
    // Both stories hold the pairs; only the one with the run is left out.
    assert_eq!(ids(&idx, q("fishing -\"new fishing quotas\"")), [2]);
    assert_eq!(idx.search(&q("fishing -\"new fishing quotas\"")).unwrap().total, 1);
    let by_date = SearchQuery { sort: Sort::Date, ..q("fishing -\"new fishing quotas\"") };
    assert_eq!(ids(&idx, by_date), [2]);
    // Authors and tags too.
    assert_eq!(ids(&idx, q("\"ana de la cruz\"")), [3]);
    assert_eq!(ids(&idx, q("\"common fisheries policy\"")), [3]);
    assert!(ids(&idx, q("\"cruz de la ana\"")).is_empty());
}

#[test]
fn a_long_phrase_is_counted_exactly_among_many_stories_holding_its_pairs() {
    let idx = SearchIndex::in_memory().unwrap();
    // Every other story holds the run: 250 of 500 that hold its pairs.
    let stories: Vec<Article> = (0..500).map(|i| fishing(i, i % 2 == 0)).collect();
    let docs: Vec<(i64, &Article)> = stories.iter().enumerate().map(|(i, a)| (i as i64 + 1, a)).collect();
    idx.add_new(&docs).unwrap();
    idx.commit(1).unwrap();
    assert_eq!(idx.search(&q("\"new fishing\" quotas")).unwrap().total, 500, "the pairs alone");
    let r = idx.search(&q("\"new fishing quotas\"")).unwrap();
    assert_eq!(r.total, 250);
    assert!(r.hits.iter().all(|h| h.id % 2 == 1), "only stories with the run are shown (ids start at 1)");
    assert_eq!(r.hits.len(), 10);
    let newest = idx.search(&SearchQuery { sort: Sort::Date, ..q("\"new fishing quotas\"") }).unwrap();
    assert_eq!((newest.total, newest.hits.len()), (250, 10));
    assert!(newest.hits.iter().all(|h| h.id % 2 == 1));
    assert!(newest.hits.windows(2).all(|w| w[0].published >= w[1].published));
    let late = SearchQuery { from: Some("2026-03-25T00:00:00Z".parse().unwrap()), ..q("\"new fishing quotas\"") };
    let expected = stories.iter().enumerate().filter(|(i, a)| i % 2 == 0 && a.published_at >= late.from).count();
    assert_eq!(idx.search(&late).unwrap().total, expected, "with a filter");
    assert_eq!(idx.search(&q("fishing -\"new fishing quotas\"")).unwrap().total, 250);
}

/// Stories corrected quickly: each correction deletes the old copy and adds a new one, so until
/// segments merge, a word's document frequency counts deleted copies while the live count does
/// not. tantivy's more-like-this then computed idf(34, 33) and panicked (the search follower did,
/// 12 times in 40 quick publish-and-correct rounds). Similar stories must still be found.
#[test]
fn similar_stories_survive_quick_corrections_of_every_story() {
    let idx = SearchIndex::in_memory().unwrap();
    let mut stories: Vec<Article> = (1..=6)
        .map(|i| {
            story(
                &format!("Ferry strike talks round {i}"),
                "Europe",
                "en",
                i,
                "Ferry crews and harbour owners met again.",
            )
        })
        .collect();
    // One hand-over, so one indexing thread and one segment holds all six.
    let all: Vec<(i64, &Article)> = stories.iter().enumerate().map(|(i, s)| (i as i64 + 1, s)).collect();
    idx.upsert_many(&all).unwrap();
    idx.commit(1).unwrap();
    // Five of the six corrected, in one commit: their old copies stay, deleted, in that segment
    // beside the one still alive (a segment with nothing alive would be dropped at once).
    for s in stories.iter_mut().skip(1) {
        s.body = vec![Block::Paragraph {
            text: "Ferry crews and harbour owners met again, corrected.".into(),
            marks: vec![],
        }];
    }
    let corrected: Vec<(i64, &Article)> = stories.iter().enumerate().skip(1).map(|(i, s)| (i as i64 + 1, s)).collect();
    idx.upsert_many(&corrected).unwrap();
    idx.commit(2).unwrap();
    for (i, s) in stories.iter().enumerate() {
        let id = i as i64 + 1;
        let similar = idx.similar(id, s, 3).unwrap();
        assert_eq!(similar.len(), 3, "{similar:?}");
        assert!(similar.iter().all(|(other, _)| *other != id));
    }
}
