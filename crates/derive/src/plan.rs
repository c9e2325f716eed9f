//! Planning a reader's query: per language whose dictionary holds every word asked for, one
//! flat query (a term, an AND of terms, or a prefix's OR) that tantivy can prune, with the
//! checks its candidates must pass (exclusions, long phrases in a row) and the same as one
//! exact query for counting and newest-first. Running the plans is `query.rs`.

use std::collections::HashMap;

use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use crate::analysis::{LANGUAGES, pair, terms};
use crate::phrase::InARow;
use crate::schema::{Fields, LangFields};
use crate::text::Item;

/// How many dictionary words a prefix stands for (the commonest first).
const PREFIX_EXPANSIONS: usize = 40;

/// The query for one language, or for the language-blind `words` field (prefixes).
pub(crate) struct Planned {
    /// The language whose `all` field it searches; `None` for the `words` field.
    pub lang: Option<&'static str>,
    /// Every word and word pair asked for, as a flat AND of terms (or one term, or a prefix's
    /// OR): the shape that prunes.
    pub query: Box<dyn Query>,
    /// Excluded words and phrases, checked on the candidates the pruned query offers.
    pub exclude: Vec<Box<dyn Query>>,
    /// Phrases of three words or more, as their pairs in a row; the query holds their pairs
    /// anywhere, and these are checked on its candidates like the exclusions.
    pub in_a_row: Vec<Box<dyn Query>>,
    /// All of it as one query (for counting, for newest-first).
    pub exact: Box<dyn Query>,
    /// The words asked for in the field snippets are cut from, to highlight them.
    pub marks: Box<dyn Query>,
    /// The plain words, looked for in the headline when results are ranked again.
    pub headline: Option<Box<dyn Query>>,
}

pub(crate) fn term_query(t: Term) -> Box<dyn Query> {
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
pub(crate) fn plan(searcher: &Searcher, fields: &Fields, items: &[Item]) -> Vec<Planned> {
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
