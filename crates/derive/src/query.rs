//! Running a reader's search fast on a large index. A query is planned (`plan.rs`) once per
//! language whose dictionary holds every word asked for (each story is in one language, and a word the
//! language's analysis has never seen rules it out at the cost of a dictionary lookup), as one
//! flat query: a single term, an AND of terms (words from the language's `all` field, phrases as
//! their word pairs from its `pairs` field), or an OR of a prefix's words. Those are the shapes
//! tantivy prunes (block-max WAND): it skips whole blocks of postings that cannot beat the
//! current tenth-best score instead of scoring every match.
//!
//! A phrase of three words or more is its pairs one after the other (the `pairs` field keeps
//! positions). The pruned query holds its pairs as plain terms, and each candidate good enough
//! to enter the top is checked for the pairs in a row, so the pruning survives.
//!
//! Filters (section, agency, author, dates) would spoil that shape, so they are applied as a
//! per-segment bitset that the pruning loop consults. The best candidates of every language are
//! then ranked again with their headline matches weighed in (a few dozen seeks), and the total is
//! counted apart, without scoring. Newest-first sorts visit every match but score none.

use std::ops::Bound;

use jiff::Timestamp;
use tantivy::collector::TopDocs;
use tantivy::query::{AllQuery, BooleanQuery, EnableScoring, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{
    BitSet, DocAddress, DocId, DocSet, IndexReader, Order, Score, Searcher, TERMINATED, TantivyDocument, Term,
};

use crate::analysis::language_key;
use crate::plan::{Planned, plan};
use crate::request::{Hit, Results, SearchQuery, Sort};
use crate::schema::{Fields, SearchError};
use crate::suggest::suggest;
use crate::text::{Item, escape, parse};

/// How many candidates are ranked again with their headlines (at least a page's worth).
const RERANK: usize = 40;
/// How much a headline match adds to a story's score.
const HEADLINE_WEIGHT: Score = 0.6;
/// How much of a story's text its snippet is chosen from.
const SNIPPET_SOURCE: usize = 700;

/// About [`SNIPPET_SOURCE`] bytes of `body` around the first place one of `words` (its first
/// four letters, any case) appears, or its start.
fn passage<'a>(body: &'a str, words: &[String]) -> &'a str {
    let lower = body.to_lowercase();
    let at = if lower.len() == body.len() {
        words
            .iter()
            .filter_map(|w| {
                let w = w.to_lowercase();
                let stem: String = w.chars().take(4).collect();
                lower.find(&stem)
            })
            .min()
            .unwrap_or(0)
    } else {
        0
    };
    let boundary = |mut i: usize, back: bool| {
        i = i.min(body.len());
        while !body.is_char_boundary(i) {
            if back { i -= 1 } else { i += 1 }
        }
        i
    };
    let start = boundary(at.saturating_sub(SNIPPET_SOURCE / 3), true);
    let end = boundary(start + SNIPPET_SOURCE, false);
    &body[start..end]
}

/// The filters as one unscored query, if any.
fn filter(fields: &Fields, q: &SearchQuery) -> Option<Box<dyn Query>> {
    let term = |field: Field, v: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(Term::from_field_text(field, v), IndexRecordOption::Basic))
    };
    let mut out: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if let Some(s) = &q.section {
        out.push((Occur::Must, term(fields.section, s)));
    }
    if let Some(s) = &q.source {
        out.push((Occur::Must, term(fields.source, &s.to_lowercase())));
    }
    if let Some(a) = &q.author {
        out.push((Occur::Must, term(fields.author, a)));
    }
    if q.from.is_some() || q.until.is_some() {
        let lower = q
            .from
            .map_or(Bound::Unbounded, |t| Bound::Included(Term::from_field_i64(fields.published, t.as_microsecond())));
        let upper = q
            .until
            .map_or(Bound::Unbounded, |t| Bound::Excluded(Term::from_field_i64(fields.published, t.as_microsecond())));
        out.push((Occur::Must, Box::new(RangeQuery::new(lower, upper))));
    }
    match out.len() {
        0 => None,
        1 => out.pop().map(|(_, q)| q),
        _ => Some(Box::new(BooleanQuery::new(out))),
    }
}

/// The documents of each segment that pass the filter (`None`: no filter).
fn allowed(searcher: &Searcher, filter: Option<&dyn Query>) -> Result<Option<Vec<BitSet>>, SearchError> {
    let Some(filter) = filter else { return Ok(None) };
    let weight = filter.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut out = Vec::with_capacity(searcher.segment_readers().len());
    for reader in searcher.segment_readers() {
        let mut set = BitSet::with_max_value(reader.max_doc());
        weight.for_each_no_score(reader, &mut |docs: &[DocId]| {
            for d in docs {
                set.insert(*d);
            }
        })?;
        out.push(set);
    }
    Ok(Some(out))
}

/// A min-heap of the best `k` (score, address) pairs.
struct Best {
    k: usize,
    heap: std::collections::BinaryHeap<std::cmp::Reverse<(Ordered, DocAddress)>>,
}

/// A score ordered totally (scores are never NaN here, but the heap needs `Ord`).
#[derive(Clone, Copy, PartialEq)]
struct Ordered(Score);

impl Eq for Ordered {}

impl PartialOrd for Ordered {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ordered {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl Best {
    fn new(k: usize) -> Best {
        Best { k, heap: std::collections::BinaryHeap::with_capacity(k + 1) }
    }

    /// Adds a candidate; returns the score a new one must beat.
    fn push(&mut self, score: Score, addr: DocAddress) -> Score {
        if self.heap.len() < self.k {
            self.heap.push(std::cmp::Reverse((Ordered(score), addr)));
        } else if self.heap.peek().is_some_and(|std::cmp::Reverse((s, _))| score > s.0) {
            self.heap.pop();
            self.heap.push(std::cmp::Reverse((Ordered(score), addr)));
        }
        self.threshold()
    }

    fn threshold(&self) -> Score {
        if self.heap.len() < self.k { Score::MIN } else { self.heap.peek().map_or(Score::MIN, |r| r.0.0.0) }
    }

    fn into_sorted(self) -> Vec<(Score, DocAddress)> {
        let mut v: Vec<(Score, DocAddress)> = self.heap.into_iter().map(|std::cmp::Reverse((s, a))| (s.0, a)).collect();
        v.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        v
    }
}

/// The `k` best matches of the plans, by score. A flat query without filters goes to tantivy's
/// own collector, which prunes; otherwise the same pruning runs here, and a candidate counts
/// only when it passes the filter's bitset, holds no excluded word and holds each long phrase's
/// pairs in a row (each check a scorer moved forward to it).
fn best_by_score(
    searcher: &Searcher,
    plans: &[Planned],
    allowed: Option<&[BitSet]>,
    k: usize,
) -> Result<Vec<(Score, DocAddress)>, SearchError> {
    let mut best = Best::new(k);
    for p in plans {
        if allowed.is_none() && p.exclude.is_empty() && p.in_a_row.is_empty() {
            for (score, addr) in searcher.search(p.query.as_ref(), &TopDocs::with_limit(k).order_by_score())? {
                best.push(score, addr);
            }
            continue;
        }
        let weight = p.query.weight(EnableScoring::enabled_from_searcher(searcher))?;
        // Each check, and whether a candidate must match it (a phrase) or must not (an exclusion).
        let checks: Vec<(bool, Box<dyn tantivy::query::Weight>)> = (p.in_a_row.iter().map(|q| (true, q)))
            .chain(p.exclude.iter().map(|q| (false, q)))
            .map(|(wanted, q)| Ok((wanted, q.weight(EnableScoring::disabled_from_searcher(searcher))?)))
            .collect::<Result<_, SearchError>>()?;
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            let set = allowed.map(|a| &a[ord]);
            let alive = reader.alive_bitset();
            let mut scorers: Vec<(bool, Box<dyn tantivy::query::Scorer>)> = checks
                .iter()
                .map(|(wanted, w)| Ok((*wanted, w.scorer(reader, 1.0)?)))
                .collect::<Result<_, SearchError>>()?;
            let mut threshold = best.threshold();
            weight.for_each_pruning(threshold, reader, &mut |doc, score| {
                if set.is_some_and(|s| !s.contains(doc)) || alive.is_some_and(|a| a.is_deleted(doc)) {
                    return threshold;
                }
                let passes = scorers.iter_mut().all(|(wanted, scorer)| {
                    if scorer.doc() < doc {
                        scorer.seek(doc);
                    }
                    (scorer.doc() == doc) == *wanted
                });
                if passes {
                    threshold = best.push(score, DocAddress::new(ord as u32, doc));
                }
                threshold
            })?;
        }
    }
    Ok(best.into_sorted())
}

/// Ranks candidates again with their headline matches added.
fn rerank(
    searcher: &Searcher,
    plans: &[Planned],
    mut found: Vec<(Score, DocAddress)>,
) -> Result<Vec<(Score, DocAddress)>, SearchError> {
    let mut order: Vec<usize> = (0..found.len()).collect();
    order.sort_by_key(|&i| found[i].1);
    for p in plans {
        let Some(h) = &p.headline else { continue };
        let weight = h.weight(EnableScoring::enabled_from_searcher(searcher))?;
        let mut current: Option<(u32, Box<dyn tantivy::query::Scorer>)> = None;
        for &i in &order {
            let addr = found[i].1;
            if current.as_ref().is_none_or(|(seg, _)| *seg != addr.segment_ord) {
                let reader = searcher.segment_reader(addr.segment_ord);
                current = Some((addr.segment_ord, weight.scorer(reader, 1.0)?));
            }
            let (_, scorer) = current.as_mut().expect("set above");
            if scorer.doc() < addr.doc_id && scorer.doc() != TERMINATED {
                scorer.seek(addr.doc_id);
            }
            if scorer.doc() == addr.doc_id {
                found[i].0 += HEADLINE_WEIGHT * scorer.score();
            }
        }
    }
    found.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    Ok(found)
}

/// The newest `k` matches (every match visited, none scored); with no plans, of every story
/// that passes the filter.
fn newest(
    searcher: &Searcher,
    plans: &[Planned],
    filter: Option<&dyn Query>,
    k: usize,
) -> Result<Vec<(Option<i64>, DocAddress)>, SearchError> {
    let mut all: Vec<(Option<i64>, DocAddress)> = vec![];
    let top = || TopDocs::with_limit(k).order_by_fast_field::<i64>("published", Order::Desc);
    if plans.is_empty() {
        all.extend(searcher.search(with(&AllQuery, filter).as_ref(), &top())?);
    }
    for p in plans {
        all.extend(searcher.search(with(p.exact.as_ref(), filter).as_ref(), &top())?);
    }
    all.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    all.truncate(k);
    Ok(all)
}

fn with(q: &dyn Query, filter: Option<&dyn Query>) -> Box<dyn Query> {
    match filter {
        Some(f) => Box::new(BooleanQuery::new(vec![(Occur::Must, q.box_clone()), (Occur::Must, f.box_clone())])),
        None => q.box_clone(),
    }
}

/// How many stories match, counted without scoring.
fn count(searcher: &Searcher, plans: &[Planned], filter: Option<&dyn Query>) -> Result<usize, SearchError> {
    let mut total = 0;
    for p in plans {
        total += with(p.exact.as_ref(), filter).count(searcher)?;
    }
    Ok(total)
}

/// How many stories the query `text` finds, unfiltered.
pub(crate) fn matches(searcher: &Searcher, fields: &Fields, text: &str) -> Result<usize, SearchError> {
    count(searcher, &plan(searcher, fields, &parse(text)), None)
}

pub(crate) fn search(reader: &IndexReader, f: &Fields, q: &SearchQuery) -> Result<Results, SearchError> {
    let searcher = reader.searcher();
    let items = parse(&q.text);
    let plain: Vec<String> = items
        .iter()
        .filter_map(|i| match i {
            Item::Word { text, negate: false } => Some(text.clone()),
            _ => None,
        })
        .collect();
    // Every word asked for (not excluded), to find the passage a snippet is cut from.
    let wanted: Vec<String> = items
        .iter()
        .flat_map(|i| match i {
            Item::Word { text, negate: false } | Item::Phrase { text, negate: false } => {
                text.split_whitespace().map(str::to_string).collect()
            }
            Item::Prefix(p) => vec![p.clone()],
            _ => vec![],
        })
        .collect();
    let filter = filter(f, q);
    let asked = items.iter().any(|i| !matches!(i, Item::Word { negate: true, .. } | Item::Phrase { negate: true, .. }));
    if !asked && filter.is_none() {
        return Ok(Results { total: 0, hits: vec![], suggestion: None });
    }
    let plans = if asked { plan(&searcher, f, &items) } else { vec![] };
    let limit = q.limit.clamp(1, 100);
    let offset = q.offset.min(10_000);
    let k = offset + limit;
    let (scored, total): (Vec<(Score, DocAddress)>, usize) = if !asked || q.sort == Sort::Date {
        let total = if asked {
            count(&searcher, &plans, filter.as_deref())?
        } else {
            filter_count(&searcher, filter.as_deref())?
        };
        // Words asked for that no story holds find nothing (not every story, newest first).
        let found = if asked && plans.is_empty() { vec![] } else { newest(&searcher, &plans, filter.as_deref(), k)? };
        (found.into_iter().map(|(_, a)| (0.0, a)).collect(), total)
    } else {
        let allowed = allowed(&searcher, filter.as_deref())?;
        let found = best_by_score(&searcher, &plans, allowed.as_deref(), k.max(RERANK))?;
        (rerank(&searcher, &plans, found)?, count(&searcher, &plans, filter.as_deref())?)
    };
    let page: Vec<(Score, DocAddress)> = scored.into_iter().skip(offset).take(limit).collect();
    let mut generators: Vec<(&str, SnippetGenerator)> = Vec::new();
    let mut hits = Vec::with_capacity(page.len());
    for (score, addr) in page {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let s = |field: Field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("").to_string();
        let language = s(f.language);
        let key = language_key(&language);
        let body = s(f.body);
        let mut snippet = String::new();
        if let Some(plan) = plans.iter().find(|p| p.lang == Some(key)).or(plans.first()) {
            if !generators.iter().any(|(k, _)| *k == key) {
                let field = plan.lang.map_or(f.words, |l| f.of(l).all);
                let mut g = SnippetGenerator::create(&searcher, plan.marks.as_ref(), field)?;
                g.set_max_num_chars(220);
                generators.push((key, g));
            }
            if let Some((_, g)) = generators.iter().find(|(k, _)| *k == key) {
                // Analysing (stemming) a whole story for its best passage would cost more than
                // the search: the passage is chosen near the first place a word asked for shows.
                let sn = g.snippet(passage(&body, &wanted));
                if !sn.highlighted().is_empty() {
                    snippet = sn.to_html();
                }
            }
        }
        if snippet.is_empty() {
            let lead: String = body.chars().take(200).collect();
            snippet = escape(&lead);
        }
        let deck = s(f.deck);
        let source = s(f.source_name);
        hits.push(Hit {
            id: doc.get_first(f.id).and_then(|v| v.as_u64()).unwrap_or(0) as i64,
            path: s(f.path),
            headline: s(f.headline),
            deck: Some(deck).filter(|d| !d.is_empty()),
            section: s(f.section_name),
            section_slug: s(f.section),
            source: Some(source).filter(|d| !d.is_empty()),
            language,
            published: Timestamp::from_microsecond(doc.get_first(f.published).and_then(|v| v.as_i64()).unwrap_or(0))
                .unwrap_or(Timestamp::UNIX_EPOCH),
            snippet,
            score,
        });
    }
    let suggestion = if total < 3 && !plain.is_empty() {
        suggest(&searcher, f, &q.text, &plain, total, |t| matches(&searcher, f, t))?
    } else {
        None
    };
    Ok(Results { total, hits, suggestion })
}

fn filter_count(searcher: &Searcher, filter: Option<&dyn Query>) -> Result<usize, SearchError> {
    Ok(match filter {
        Some(f) => f.count(searcher)?,
        None => 0,
    })
}
