//! "Did you mean": a misspelt word replaced by the nearest word the index holds, offered when
//! the corrected query finds more.

use tantivy::query::FuzzyTermQuery;
use tantivy::{Searcher, Term};

use crate::analysis::terms;
use crate::plan::doc_freq;
use crate::schema::{Fields, SearchError};
use crate::text::{edit_distance, replace_word};

/// "Did you mean": each plain word the index does not hold is replaced by the closest word it
/// does (edit distance 1, or 2 for longer words; found by walking the dictionary with a
/// Levenshtein automaton, not word by word), most frequent first; offered only when the new
/// query finds more than the old (`matches` counts what a query finds).
pub(crate) fn suggest(
    searcher: &Searcher,
    f: &Fields,
    text: &str,
    plain: &[String],
    found: usize,
    matches: impl Fn(&str) -> Result<usize, SearchError>,
) -> Result<Option<String>, SearchError> {
    let mut out = text.to_string();
    let mut changed = false;
    for word in plain {
        let Some(norm) = terms("xx", word).into_iter().next() else { continue };
        if doc_freq(searcher, &Term::from_field_text(f.words, &norm)) > 0 || norm.chars().count() < 3 {
            continue;
        }
        let max: u8 = if norm.chars().count() >= 7 { 2 } else { 1 };
        let automaton = FuzzyTermQuery::new(Term::from_field_text(f.words, &norm), max, true).automaton()?;
        let mut best: Option<(usize, u32, String)> = None;
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(f.words)?;
            let mut stream =
                inverted.terms().search(&automaton).into_stream().map_err(|e| SearchError::Other(e.to_string()))?;
            while stream.advance() {
                let Ok(candidate) = std::str::from_utf8(stream.key()) else { continue };
                let d = edit_distance(&norm, candidate);
                if d == 0 || d > usize::from(max) {
                    continue;
                }
                let freq = stream.value().doc_freq;
                if best.as_ref().is_none_or(|(bd, bf, _)| d < *bd || (d == *bd && freq > *bf)) {
                    best = Some((d, freq, candidate.to_string()));
                }
            }
        }
        if let Some((_, _, replacement)) = best {
            out = replace_word(&out, word, &replacement);
            changed = true;
        }
    }
    if !changed {
        return Ok(None);
    }
    Ok((matches(&out)? > found).then_some(out))
}
