//! What a search asks (the words, the filters, the order) and what it gets back.

use jiff::Timestamp;
use serde::Serialize;

/// How results are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    Relevance,
    Date,
}

/// A reader's search: the words and the filters. `None` filters do not filter.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    pub text: String,
    pub section: Option<String>,
    /// Agency name, as credited.
    pub source: Option<String>,
    /// Author slug.
    pub author: Option<String>,
    pub from: Option<Timestamp>,
    pub until: Option<Timestamp>,
    pub sort: Sort,
    pub limit: usize,
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub id: i64,
    pub path: String,
    pub headline: String,
    pub deck: Option<String>,
    pub section: String,
    pub section_slug: String,
    pub source: Option<String>,
    pub language: String,
    pub published: Timestamp,
    /// HTML: the text escaped, the matched words in `<b>`.
    pub snippet: String,
    pub score: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Results {
    pub total: usize,
    pub hits: Vec<Hit>,
    /// The query with misspelt words replaced by words the index holds, when that finds more.
    pub suggestion: Option<String>,
}
