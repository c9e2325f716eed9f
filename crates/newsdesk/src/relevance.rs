//! The judged query set (`demo/relevance.json`, written for the project): every query must rank
//! its story in the top 3 when the demo articles are indexed. Misses are listed together, with
//! what ranked instead, so a change to the analysis shows all it broke at once.

use newsdesk_derive::{SearchIndex, SearchQuery};
use serde::Deserialize;

#[derive(Deserialize)]
struct Set {
    queries: Vec<Judged>,
}

#[derive(Deserialize)]
struct Judged {
    q: String,
    expect: String,
}

#[test]
fn relevance_every_judged_query_finds_its_story_in_the_top_3() {
    let set: Set = serde_json::from_str(include_str!("../../../demo/relevance.json")).unwrap();
    let index = SearchIndex::in_memory().unwrap();
    let articles = crate::demo::sample_articles().unwrap();
    for (i, a) in articles.iter().enumerate() {
        index.upsert(i as i64 + 1, a).unwrap();
    }
    index.commit(0).unwrap();
    let mut misses = vec![];
    for j in &set.queries {
        let r = index.search(&SearchQuery { text: j.q.clone(), limit: 3, ..SearchQuery::default() }).unwrap();
        if !r.hits.iter().any(|h| h.headline.contains(&j.expect)) {
            let got: Vec<&str> = r.hits.iter().map(|h| h.headline.as_str()).collect();
            misses.push(format!("{:?}: expected {:?}, got {got:?}", j.q, j.expect));
        }
    }
    assert!(set.queries.len() >= 40);
    assert!(
        misses.is_empty(),
        "{} of {} judged queries missed:\n{}",
        misses.len(),
        set.queries.len(),
        misses.join("\n")
    );
}
