//! A reader's search: the query language and every language's analysis must take any text, and
//! any query must run against an index (phrases, prefixes, exclusions, both orders) without an
//! error or a panic. The stories share words in different orders, so phrases have candidates
//! that hold their pairs apart; fuzz builds keep tantivy's debug assertions on.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use newsdesk_core::article::Section;
use newsdesk_core::{Article, Block, Slug, WorkflowState};
use newsdesk_derive::{SearchIndex, SearchQuery, Sort};

const STORIES: [(&str, &str, &str); 8] = [
    ("en", "New fishing quotas agreed", "Ministers agreed the new fishing quotas; a new fishing season opens."),
    ("en", "Fishing season opens", "A new fishing season opened. Talks on fishing quotas resume, new quotas later."),
    ("tr", "Belediye meclisi toplandı", "Belediye meclis kararı açıklandı; meclis belediye bütçesini onayladı."),
    ("ar", "افتتاح المكتبة الجديدة", "افتتحت المكتبة الجديدة أبوابها والمكتبة القديمة مغلقة."),
    ("de", "Neue Häuser am Hafen", "Die Stadt plant neue Häuser; am Hafen stehen alte Häuser."),
    ("fr", "La ville vote", "Le conseil de la ville vote; la ville du conseil attend."),
    ("es", "La ciudad y el puerto", "El puerto de la ciudad abre; la ciudad del puerto espera."),
    ("sw", "Habari za mji", "Mji mpya na habari mpya za mji."),
];

fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let idx = SearchIndex::in_memory().expect("an index in memory");
        for (i, (lang, headline, body)) in STORIES.iter().enumerate() {
            let a = Article {
                id: None,
                section: Section::from_label("World").expect("a section"),
                slug: Slug::from_title(&format!("story {i}")).expect("a slug"),
                headline: headline.to_string(),
                deck: None,
                lead_image: None,
                body: vec![Block::paragraph(body.to_string())],
                source: None,
                authors: vec!["Ana de la Cruz".into()],
                tags: vec!["Common Fisheries Policy".into()],
                language: lang.to_string(),
                canonical_url: None,
                state: WorkflowState::Published,
                published_at: None,
                updated_at: None,
                embargo: None,
                based_on: None,
                corrections: vec![],
                promo: Default::default(),
            };
            idx.upsert(i as i64 + 1, &a).expect("indexed");
        }
        idx.commit(1).expect("committed");
        idx
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let items = newsdesk_derive::search::parse(text);
    assert!(items.len() <= newsdesk_derive::text::MAX_ITEMS);
    for lang in newsdesk_derive::analysis::LANGUAGES {
        for t in newsdesk_derive::analysis::terms(lang, text) {
            assert!(!t.is_empty());
        }
    }
    for sort in [Sort::Relevance, Sort::Date] {
        let q = SearchQuery { text: text.to_string(), sort, limit: 10, ..SearchQuery::default() };
        let r = index().search(&q).expect("any query runs");
        assert!(r.total >= r.hits.len());
    }
});
