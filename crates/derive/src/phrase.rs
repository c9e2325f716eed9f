//! Words in a row: tantivy's phrase query over the `pairs` fields, with a scorer that never
//! seeks backwards.
//!
//! tantivy 0.27's phrase scorer asserts that a seek goes forward (quickwit-oss/tantivy#2811),
//! and an exclusion seeks its excluded scorer to the first candidate even when that scorer has
//! already found it matches nothing in the segment. "-\"new fishing quotas\"" against a segment
//! that holds the pairs but not the run panics in a debug build; a release build seeks a
//! finished posting list backwards, which is not defined. Here a seek to a document before the
//! current one answers the current one, as the `DocSet` contract says a seek should.

use tantivy::query::{EnableScoring, Explanation, PhraseQuery, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, Term};

/// A phrase query whose scorers only move forward.
#[derive(Clone, Debug)]
pub(crate) struct InARow(PhraseQuery);

impl InARow {
    /// Terms at their offsets from the first, all in one field with positions.
    pub fn new(terms: Vec<(usize, Term)>) -> InARow {
        InARow(PhraseQuery::new_with_offset(terms))
    }
}

impl Query for InARow {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(Forward(self.0.weight(enable_scoring)?)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor);
    }
}

struct Forward<T>(T);

impl Weight for Forward<Box<dyn Weight>> {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(Forward(self.0.scorer(reader, boost)?)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

impl DocSet for Forward<Box<dyn Scorer>> {
    fn advance(&mut self) -> DocId {
        self.0.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        let doc = self.0.doc();
        if target <= doc { doc } else { self.0.seek(target) }
    }

    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        // Nothing matches before the current document (a scorer in the state a failed
        // `seek_danger` leaves may have only a lower bound there, which is as true).
        let doc = self.0.doc();
        if target < doc { SeekDangerResult::SeekLowerBound(doc) } else { self.0.seek_danger(target) }
    }

    fn doc(&self) -> DocId {
        self.0.doc()
    }

    fn size_hint(&self) -> u32 {
        self.0.size_hint()
    }

    fn cost(&self) -> u64 {
        self.0.cost()
    }
}

impl Scorer for Forward<Box<dyn Scorer>> {
    fn score(&mut self) -> Score {
        self.0.score()
    }
}
