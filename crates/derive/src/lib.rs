//! Derived state: what is computed from the stored articles and can always be rebuilt from
//! them. Today that is the full-text search index (`search`) and the per-language text analysis
//! it uses (`analysis`). It follows the store's event log (see `newsdesk-web`), and does no I/O
//! beyond its own index directory.

pub mod analysis;
mod phrase;
mod plan;
mod query;
mod queued;
mod request;
mod schema;
pub mod search;
mod suggest;
pub mod text;
mod words;

pub use search::{Hit, Likeness, Results, SearchError, SearchIndex, SearchQuery, Sort};

#[cfg(test)]
mod tests;
