//! The index's fields: one set of text fields per language (headline, everything readers
//! search, word pairs for phrases, the unstemmed words for prefixes and "did you mean"), and the
//! stored and filter fields; what each is analysed with; and the index's error type.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use crate::analysis::LANGUAGES;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index directory: {0}")]
    Directory(String),
    #[error("search index: {0}")]
    Other(String),
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct LangFields {
    /// The headline alone, to weigh headline matches when results are ranked.
    pub headline: Field,
    /// Everything readers search: headline (twice, so its words weigh more), deck, body, tags
    /// and authors. One field per language keeps a query to a flat set of terms, the shape
    /// tantivy can skip through (block-max WAND) instead of scoring every match.
    pub all: Field,
    /// The same text as adjacent word pairs, one term each, with positions: a two-word phrase
    /// is one lookup (and one prunable term), a longer one its pairs at consecutive positions
    /// ("a b" then "b c"). Only this field keeps positions.
    pub pairs: Field,
}

#[derive(Debug, Clone)]
pub(crate) struct Fields {
    pub id: Field,
    pub published: Field,
    pub section: Field,
    pub source: Field,
    pub author: Field,
    pub tag: Field,
    /// Names in the text (people, places, organisations), for similarity.
    pub entity: Field,
    pub lang: Vec<(&'static str, LangFields)>,
    /// Every word unstemmed, for prefixes and "did you mean" (a query with a prefix matches its
    /// other words anywhere).
    pub words: Field,
    // Stored only, to show results.
    pub path: Field,
    pub headline: Field,
    pub deck: Field,
    pub body: Field,
    pub section_name: Field,
    /// The agency as credited ("AA", "dpa"); `source` holds it lowercased for the filter.
    pub source_name: Field,
    pub language: Field,
}

impl Fields {
    pub fn of(&self, lang: &str) -> LangFields {
        self.lang.iter().find(|(l, _)| *l == lang).map(|(_, lf)| *lf).expect("every language key has fields")
    }
}

/// Words with their frequencies, for scoring; no positions: a phrase is found in `pairs`, and
/// positions on every field would cost a third of the index and of the time to build it.
fn text(tokenizer: &str) -> TextOptions {
    indexed(tokenizer, IndexRecordOption::WithFreqs)
}

/// Word pairs with their positions, so a phrase of three words or more is its pairs one after
/// the other. Measured at 100,000 stories: the index 14 % larger, the build within the
/// machine's noise (about 5 %).
fn pairs(tokenizer: &str) -> TextOptions {
    indexed(tokenizer, IndexRecordOption::WithFreqsAndPositions)
}

fn indexed(tokenizer: &str, record: IndexRecordOption) -> TextOptions {
    TextOptions::default()
        .set_indexing_options(TextFieldIndexing::default().set_tokenizer(tokenizer).set_index_option(record))
}

pub(crate) fn schema() -> (Schema, Fields) {
    let mut sb = Schema::builder();
    let id = sb.add_u64_field("id", INDEXED | STORED | FAST);
    let published = sb.add_i64_field("published", INDEXED | STORED | FAST);
    let section = sb.add_text_field("section", STRING | STORED);
    let source = sb.add_text_field("source", STRING | STORED);
    let author = sb.add_text_field("author", STRING);
    let tag = sb.add_text_field("tag", STRING | STORED);
    let entity = sb.add_text_field("entity", STRING | STORED);
    let lang = LANGUAGES
        .iter()
        .map(|l| {
            let t = format!("nd_{l}");
            let f = LangFields {
                headline: sb.add_text_field(&format!("headline_{l}"), text(&t)),
                all: sb.add_text_field(&format!("all_{l}"), text(&t)),
                pairs: sb.add_text_field(&format!("pairs_{l}"), pairs(&format!("nd_{l}_pairs"))),
            };
            (*l, f)
        })
        .collect();
    let words = sb.add_text_field("words", text("nd_xx"));
    let path = sb.add_text_field("path", STORED);
    let headline = sb.add_text_field("headline", STORED);
    let deck = sb.add_text_field("deck", STORED);
    let body = sb.add_text_field("body", STORED);
    let section_name = sb.add_text_field("section_name", STORED);
    let source_name = sb.add_text_field("source_name", STORED);
    let language = sb.add_text_field("language", STORED);
    let fields = Fields {
        id,
        published,
        section,
        source,
        author,
        tag,
        entity,
        lang,
        words,
        path,
        headline,
        deck,
        body,
        section_name,
        source_name,
        language,
    };
    (sb.build(), fields)
}
