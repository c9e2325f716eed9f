//! Running a reader's search fast on a large index. A query is planned once per language whose
//! dictionary holds every word asked for (each story is in one language, and a word the
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

use std::collections::HashMap;
use std::ops::Bound;

use jiff::Timestamp;
use tantivy::collector::TopDocs;
use tantivy::query::{AllQuery, BooleanQuery, EnableScoring, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{BitSet, DocAddress, DocId, DocSet, Order, Score, Searcher, TERMINATED, TantivyDocument, Term};

use crate::analysis::{LANGUAGES, language_key, pair, terms};
use crate::phrase::InARow;
use crate::search::{Fields, Hit, LangFields, Results, SearchError, SearchIndex, SearchQuery, Sort};
use crate::suggest::suggest;
use crate::text::{Item, escape, parse};

/// How many candidates are ranked again with their headlines (at least a page's worth).
const RERANK: usize = 40;
/// How much a headline match adds to a story's score.
const HEADLINE_WEIGHT: Score = 0.6;
/// How much of a story's text its snippet is chosen from.
const SNIPPET_SOURCE: usize = 700;
/// How many dictionary words a prefix stands for (the commonest first).
const PREFIX_EXPANSIONS: usize = 40;

/// The query for one language, or for the language-blind `words` field (prefixes).
struct Planned {
    /// The language whose `all` field it searches; `None` for the `words` field.
    lang: Option<&'static str>,
    /// Every word and word pair asked for, as a flat AND of terms (or one term, or a prefix's
    /// OR): the shape that prunes.
    query: Box<dyn Query>,
    /// Excluded words and phrases, checked on the candidates the pruned query offers.
    exclude: Vec<Box<dyn Query>>,
    /// Phrases of three words or more, as their pairs in a row; the query holds their pairs
    /// anywhere, and these are checked on its candidates like the exclusions.
    in_a_row: Vec<Box<dyn Query>>,
    /// All of it as one query (for counting, for newest-first).
    exact: Box<dyn Query>,
    /// The words asked for in the field snippets are cut from, to highlight them.
    marks: Box<dyn Query>,
    /// The plain words, looked for in the headline when results are ranked again.
    headline: Option<Box<dyn Query>>,
}

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

fn term_query(t: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs))
}

/// All of `terms` (at least one).
fn all_of(terms: Vec<Term>) -> Option<Box<dyn Query>> {
    combine(terms.into_iter().map(|t| (Occur::Must, term_query(t))).collect())
}

/// Puts clauses together, keeping the prunable shapes: one clause alone, or all terms.
fn combine(clauses: Vec<(Occur, Box<dyn Query>)>) -> Option<Box<dyn Query>> {
    if !clauses.iter().any(|(o, _)| *o != Occur::MustNot) {
        return None;
    }
    if clauses.len() == 1 {
        return clauses.into_iter().next().map(|(_, q)| q);
    }
    Some(Box::new(BooleanQuery::new(clauses)))
}

/// The terms a word or phrase is looked up by in one language: the word itself in `all`, or
/// for a phrase (or a word the analysis splits, "e-mail") each pair of adjacent words in `pairs`.
/// A story can hold the pairs of three words or more apart ("a b" here, "b c" there): those
/// are also looked up [`in_a_row`].
fn lookup(lf: LangFields, tokens: &[String]) -> Vec<Term> {
    match tokens {
        [one] => vec![Term::from_field_text(lf.all, one)],
        _ => tokens.windows(2).map(|w| Term::from_field_text(lf.pairs, &pair(&w[0], &w[1]))).collect(),
    }
}

/// Words (two or more, as one language's analysis cut them) one after the other: their pairs,
/// each at the place after the one before.
fn in_a_row(lf: LangFields, tokens: &[String]) -> Box<dyn Query> {
    let mut pairs: Vec<(usize, Term)> = lookup(lf, tokens).into_iter().enumerate().collect();
    if pairs.len() == 1 {
        return term_query(pairs.remove(0).1);
    }
    Box::new(InARow::new(pairs))
}

/// A phrase in whichever language a story is in: its words in a row, in each language's
/// analysis. `None` when no analysis makes two words of it.
fn in_a_row_in_any_language(fields: &Fields, text: &str) -> Option<Box<dyn Query>> {
    let each: Vec<(Occur, Box<dyn Query>)> = LANGUAGES
        .iter()
        .filter_map(|lang| {
            let tokens = terms(lang, text);
            (tokens.len() >= 2).then(|| (Occur::Should, in_a_row(fields.of(lang), &tokens)))
        })
        .collect();
    (!each.is_empty()).then(|| Box::new(BooleanQuery::new(each)) as Box<dyn Query>)
}

pub(crate) fn doc_freq(searcher: &Searcher, term: &Term) -> u64 {
    searcher.doc_freq(term).unwrap_or(0)
}

/// The dictionary words of `field` that start with `prefix`, commonest first.
fn expand(searcher: &Searcher, field: Field, prefix: &str) -> Vec<Term> {
    let mut counts: HashMap<Vec<u8>, u64> = HashMap::new();
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(field) else { continue };
        let Ok(mut stream) = inverted.terms().range().ge(prefix.as_bytes()).into_stream() else { continue };
        let mut seen = 0;
        while stream.advance() && seen < 10_000 {
            if !stream.key().starts_with(prefix.as_bytes()) {
                break;
            }
            *counts.entry(stream.key().to_vec()).or_default() += u64::from(stream.value().doc_freq);
            seen += 1;
        }
    }
    let mut words: Vec<(Vec<u8>, u64)> = counts.into_iter().collect();
    words.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    words.truncate(PREFIX_EXPANSIONS);
    words
        .into_iter()
        .filter_map(|(w, _)| std::str::from_utf8(&w).ok().map(|w| Term::from_field_text(field, w)))
        .collect()
}

/// The plan: a query per language that can match, or one over `words` when there is a prefix.
fn plan(searcher: &Searcher, fields: &Fields, items: &[Item]) -> Vec<Planned> {
    if items.iter().any(|i| matches!(i, Item::Prefix(_))) {
        return plan_words(searcher, fields, items).into_iter().collect();
    }
    let mut out = vec![];
    'languages: for lang in LANGUAGES {
        let lf = fields.of(lang);
        let mut wanted: Vec<Term> = vec![];
        let mut exclude: Vec<Box<dyn Query>> = vec![];
        let mut long: Vec<Box<dyn Query>> = vec![];
        let mut marks: Vec<(Occur, Box<dyn Query>)> = vec![];
        let mut headline: Vec<(Occur, Box<dyn Query>)> = vec![];
        for item in items {
            let (text, negate) = match item {
                Item::Word { text, negate } | Item::Phrase { text, negate } => (text, *negate),
                Item::Prefix(_) => unreachable!("planned over words"),
            };
            let tokens = terms(lang, text);
            let ts = lookup(lf, &tokens);
            let row = (tokens.len() >= 3).then(|| in_a_row(lf, &tokens));
            if negate {
                exclude.extend(row.or_else(|| all_of(ts)));
                continue;
            }
            if ts.is_empty() {
                continue;
            }
            // A word the language's stories never use rules the language out.
            if ts.iter().any(|t| doc_freq(searcher, t) == 0) {
                continue 'languages;
            }
            for t in ts {
                if !wanted.contains(&t) {
                    wanted.push(t);
                }
            }
            long.extend(row);
            for t in &tokens {
                marks.push((Occur::Should, term_query(Term::from_field_text(lf.all, t))));
            }
            if let Some(h) = all_of(tokens.iter().map(|t| Term::from_field_text(lf.headline, t)).collect()) {
                headline.push((Occur::Should, h));
            }
        }
        let Some(query) = all_of(wanted) else { continue };
        let mut exact = vec![(Occur::Must, query.box_clone())];
        exact.extend(long.iter().map(|q| (Occur::Must, q.box_clone())));
        exact.extend(exclude.iter().map(|q| (Occur::MustNot, q.box_clone())));
        let exact = combine(exact).expect("one clause is required");
        let marks: Box<dyn Query> = Box::new(BooleanQuery::new(marks));
        let headline = (!headline.is_empty()).then(|| Box::new(BooleanQuery::new(headline)) as Box<dyn Query>);
        out.push(Planned { lang: Some(lang), query, exclude, in_a_row: long, exact, marks, headline });
    }
    out
}

/// A query with a prefix in it, over the unstemmed words of every story; a phrase's words are
/// also wanted in a row, in the pairs of whichever language a story is in.
fn plan_words(searcher: &Searcher, fields: &Fields, items: &[Item]) -> Option<Planned> {
    let f = fields.words;
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![];
    for item in items {
        match item {
            Item::Word { text, negate } | Item::Phrase { text, negate } => {
                let words = terms("xx", text);
                let row = if words.len() >= 2 { in_a_row_in_any_language(fields, text) } else { None };
                match (row, *negate) {
                    (Some(row), true) => clauses.push((Occur::MustNot, row)),
                    (row, negate) => {
                        let occur = if negate { Occur::MustNot } else { Occur::Must };
                        clauses.extend(words.iter().map(|w| (occur, term_query(Term::from_field_text(f, w)))));
                        clauses.extend(row.map(|row| (Occur::Must, row)));
                    }
                }
            }
            Item::Prefix(p) => {
                // Earlier words of a prefix item are wanted too, anywhere; the last is the prefix.
                let tokens = terms("xx", p);
                let Some((last, before)) = tokens.split_last() else { continue };
                for w in before {
                    clauses.push((Occur::Must, term_query(Term::from_field_text(f, w))));
                }
                // A word's prefix: an OR of the words it starts, which tantivy prunes.
                let words = expand(searcher, f, last);
                if words.is_empty() {
                    return None;
                }
                let q: Box<dyn Query> = match words.len() {
                    1 => term_query(words[0].clone()),
                    _ => {
                        Box::new(BooleanQuery::new(words.into_iter().map(|t| (Occur::Should, term_query(t))).collect()))
                    }
                };
                clauses.push((Occur::Must, q));
            }
        }
    }
    // Prefix queries are rare and small: the whole query is run as it is.
    combine(clauses).map(|query| Planned {
        lang: None,
        exact: query.box_clone(),
        marks: query.box_clone(),
        query,
        exclude: vec![],
        in_a_row: vec![],
        headline: None,
    })
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

pub(crate) fn search(index: &SearchIndex, q: &SearchQuery) -> Result<Results, SearchError> {
    let (reader, f) = index.parts();
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
        let source = s(f.source);
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
    let suggestion = if total < 3 && !plain.is_empty() { suggest(&searcher, f, &q.text, &plain, total)? } else { None };
    Ok(Results { total, hits, suggestion })
}

fn filter_count(searcher: &Searcher, filter: Option<&dyn Query>) -> Result<usize, SearchError> {
    Ok(match filter {
        Some(f) => f.count(searcher)?,
        None => 0,
    })
}
