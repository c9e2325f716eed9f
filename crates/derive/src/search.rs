//! The full-text index: published articles on tantivy, one set of text fields per language so
//! each story is analysed in its own language and a query is analysed the way each set was.
//! Headline, deck, body, tags and authors, with boosts; phrases (`"…"`), prefixes (`word*`),
//! exclusions (`-word`); filters by section, source, author and date range; sort by relevance
//! or date; highlighted snippets; a "did you mean" from the words the index holds.
//!
//! The index is derived state: it records, in its commit, the last event it has applied, so a
//! follower can bring it up to date from the event log, and it can always be rebuilt.

use std::path::Path;
use std::sync::{Arc, Mutex};

use newsdesk_core::{Article, Block};
use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::directory::MmapDirectory;
use tantivy::indexer::UserOperation;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::analysis::{LANGUAGES, analyzer, language_key, pair_analyzer};
use crate::queued::{Gate, Queued};
pub use crate::request::{Hit, Results, SearchQuery, Sort};
pub(crate) use crate::schema::Fields;
pub use crate::schema::SearchError;
use crate::schema::schema;
pub use crate::text::{Item, edit_distance, entities, parse};

/// Bumped when the schema or the analysis changes: an index of another version is rebuilt.
pub const INDEX_VERSION: u32 = 6;
/// The indexing threads' memory before a segment is written out. 384 MB built 100,000 stories
/// 10 % faster but 1,000,000 a quarter slower (and peaked 0.8 GB higher) than this.
const WRITER_MEMORY: usize = 96 * 1024 * 1024;
/// Indexing threads (each analyses the documents it is handed).
const INDEXING_THREADS: usize = 2;
/// Documents handed to an indexing thread at once (and how many may wait: [`Gate`]).
const BATCH: usize = 64;

/// What the commit payload records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize)]
struct Payload {
    version: u32,
    last_event: i64,
}

/// What a candidate for Recommended shares with a story (see [`SearchIndex::likeness`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Likeness {
    pub id: i64,
    /// Its score for the story's weightiest words, as a share of the story's own (0 to 1).
    pub words: f32,
    /// Tags both carry.
    pub tags: usize,
    /// Names (people, places, organisations) both mention.
    pub names: usize,
    pub same_section: bool,
    /// Days between the two stories' publication.
    pub days: f64,
}

/// The least [`Likeness::score`] worth recommending.
pub const LIKENESS_FLOOR: f32 = 1.0;

impl Likeness {
    /// How alike the two stories are, or `None` when not alike enough to recommend. Weighed on
    /// the judged demo set (`demo/recommended.json`, candidates written out by the test
    /// `dump_likeness_of_judged_candidates`): shared weighty words count most, shared tags next,
    /// nearness in time a little; shared names and the section told accepted stories from
    /// rejected ones no better than chance there, so they do not count. Below
    /// [`LIKENESS_FLOOR`] a story is not recommended: the page shows fewer, or labels the
    /// section's latest as such.
    pub fn score(&self) -> Option<f32> {
        let recency = (-self.days / 30.0).exp() as f32;
        let score = 4.0 * self.words + 0.5 * self.tags.min(3) as f32 + 0.3 * recency;
        (score >= LIKENESS_FLOOR).then_some(score)
    }
}

pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter<Queued>>,
    /// Documents handed to the writer and not yet written.
    gate: Arc<Gate>,
    fields: Fields,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").finish_non_exhaustive()
    }
}

/// The words of a body, as plain text (what is indexed and what snippets are cut from).
pub fn body_text(body: &[Block]) -> String {
    body.iter().flat_map(Block::text).collect::<Vec<_>>().join("\n")
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it when there is none. An index of another schema
    /// version (or one that cannot be opened) is thrown away and made again, empty: the
    /// caller then rebuilds it from the database ([`SearchIndex::needs_rebuild`]).
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        std::fs::create_dir_all(dir).map_err(|e| SearchError::Directory(format!("{}: {e}", dir.display())))?;
        let (schema, fields) = schema();
        let attempt = MmapDirectory::open(dir)
            .map_err(|e| SearchError::Directory(e.to_string()))
            .and_then(|d| Index::open_or_create(d, schema.clone()).map_err(SearchError::from));
        let index = match attempt {
            Ok(index) => index,
            Err(e) => {
                tracing::warn!(error = %e, dir = %dir.display(), "search index unusable; starting a new one");
                std::fs::remove_dir_all(dir).map_err(|e| SearchError::Directory(e.to_string()))?;
                std::fs::create_dir_all(dir).map_err(|e| SearchError::Directory(e.to_string()))?;
                let d = MmapDirectory::open(dir).map_err(|e| SearchError::Directory(e.to_string()))?;
                Index::open_or_create(d, schema)?
            }
        };
        Self::with_index(index, fields)
    }

    /// An index in memory (tests, benchmarks).
    pub fn in_memory() -> Result<SearchIndex, SearchError> {
        let (schema, fields) = schema();
        Self::with_index(Index::create_in_ram(schema), fields)
    }

    fn with_index(index: Index, fields: Fields) -> Result<SearchIndex, SearchError> {
        for lang in LANGUAGES {
            index.tokenizers().register(&format!("nd_{lang}"), analyzer(lang));
            index.tokenizers().register(&format!("nd_{lang}_pairs"), pair_analyzer(lang));
        }
        let writer = index.writer_with_num_threads(INDEXING_THREADS, WRITER_MEMORY)?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(SearchIndex { index, reader, writer: Mutex::new(writer), gate: Arc::default(), fields })
    }

    fn payload(&self) -> Option<Payload> {
        let metas = self.index.load_metas().ok()?;
        serde_json::from_str(metas.payload.as_deref()?).ok()
    }

    /// The last event the index has applied; `None` when it must be rebuilt (new, or of another
    /// version).
    pub fn last_event(&self) -> Option<i64> {
        self.payload().filter(|p| p.version == INDEX_VERSION).map(|p| p.last_event)
    }

    pub fn needs_rebuild(&self) -> bool {
        self.last_event().is_none()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, IndexWriter<Queued>> {
        self.writer.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds or replaces the article `id` (not yet visible until [`SearchIndex::commit`]).
    pub fn upsert(&self, id: i64, article: &Article) -> Result<(), SearchError> {
        self.upsert_many(&[(id, article)])
    }

    /// As [`SearchIndex::upsert`] for many (the writer's threads analyse the text).
    pub fn upsert_many(&self, articles: &[(i64, &Article)]) -> Result<(), SearchError> {
        self.write(articles, true)
    }

    /// Adds articles the index does not hold: after [`SearchIndex::clear`], in a rebuild, where
    /// looking up an old copy of each to delete it is wasted work.
    pub fn add_new(&self, articles: &[(i64, &Article)]) -> Result<(), SearchError> {
        self.write(articles, false)
    }

    /// Hands the documents to the writer's threads [`BATCH`] at a time: one hand-over wakes one
    /// thread, and a thread woken per document spent a tenth of a rebuild switching.
    fn write(&self, articles: &[(i64, &Article)], replace: bool) -> Result<(), SearchError> {
        let writer = self.lock();
        for chunk in articles.chunks(BATCH) {
            let docs = self.gate.admit(chunk.iter().map(|(id, article)| self.document(*id, article)).collect());
            let mut ops = Vec::with_capacity(chunk.len() * 2);
            for ((id, _), doc) in chunk.iter().zip(docs) {
                if replace {
                    ops.push(UserOperation::Delete(Term::from_field_u64(self.fields.id, *id as u64)));
                }
                ops.push(UserOperation::Add(doc));
            }
            writer.run(ops)?;
        }
        Ok(())
    }

    /// The index document of article `id`.
    fn document(&self, id: i64, article: &Article) -> TantivyDocument {
        let f = &self.fields;
        let lang = language_key(&article.language);
        let lf = f.of(lang);
        let body = body_text(&article.body);
        let mut doc = TantivyDocument::default();
        // The words go in `all`, their pairs in `pairs`.
        let add_text = |doc: &mut TantivyDocument, text: &str, times: usize| {
            for _ in 0..times {
                doc.add_text(lf.all, text);
                doc.add_text(lf.pairs, text);
            }
        };
        doc.add_u64(f.id, id as u64);
        doc.add_i64(f.published, article.published_at.map_or(0, |t| t.as_microsecond()));
        doc.add_text(f.section, article.section.slug.as_str());
        if let Some(s) = &article.source {
            doc.add_text(f.source, s.to_lowercase());
            doc.add_text(f.source_name, s);
        }
        doc.add_text(lf.headline, &article.headline);
        // Twice: a word in the headline says more about the story than one in the body.
        add_text(&mut doc, &article.headline, 2);
        doc.add_text(f.words, &article.headline);
        for a in &article.authors {
            if let Some(slug) = newsdesk_core::Slug::from_title(a) {
                doc.add_text(f.author, slug.as_str());
            }
            add_text(&mut doc, a, 1);
        }
        for t in &article.tags {
            if let Some(slug) = newsdesk_core::Slug::from_title(t) {
                doc.add_text(f.tag, slug.as_str());
            }
            add_text(&mut doc, t, 1);
        }
        for e in entities(&format!("{}. {}", article.headline, body)) {
            doc.add_text(f.entity, e);
        }
        if let Some(d) = &article.deck {
            add_text(&mut doc, d, 1);
            doc.add_text(f.words, d);
            doc.add_text(f.deck, d);
        }
        add_text(&mut doc, &body, 1);
        doc.add_text(f.words, &body);
        doc.add_text(f.path, article.path());
        doc.add_text(f.headline, &article.headline);
        doc.add_text(f.body, &body);
        doc.add_text(f.section_name, &article.section.name);
        doc.add_text(f.language, &article.language);
        doc
    }

    /// How many documents wait for the indexing threads now (tests).
    #[cfg(test)]
    pub(crate) fn waiting(&self) -> usize {
        self.gate.waiting()
    }

    pub fn remove(&self, id: i64) {
        self.lock().delete_term(Term::from_field_u64(self.fields.id, id as u64));
    }

    /// Removes everything (before a rebuild).
    pub fn clear(&self) -> Result<(), SearchError> {
        self.lock().delete_all_documents()?;
        Ok(())
    }

    /// Makes the changes so far searchable, recording `last_event` as applied.
    pub fn commit(&self, last_event: i64) -> Result<(), SearchError> {
        {
            let mut writer = self.lock();
            let payload = serde_json::to_string(&Payload { version: INDEX_VERSION, last_event })
                .map_err(|e| SearchError::Other(e.to_string()))?;
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(&payload);
            prepared.commit()?;
        }
        self.reader.reload()?;
        Ok(())
    }

    /// The published stories most like `article` (its id is `id`), best first, at most
    /// `limit`, never the story itself, and none that is not like it enough (see
    /// [`Likeness::score`]): a page shows fewer stories rather than unrelated ones.
    pub fn similar(&self, id: i64, article: &Article, limit: usize) -> Result<Vec<(i64, f32)>, SearchError> {
        let mut scored: Vec<(i64, f32)> =
            self.likeness(id, article, limit * 4)?.iter().filter_map(|l| l.score().map(|s| (l.id, s))).collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1));
        scored.truncate(limit);
        Ok(scored)
    }

    /// Up to `limit` candidates for [`similar`](Self::similar), with what they share with
    /// `article`: words in its headline, body and tags (a more-like-this query in its language's
    /// analysis, scored against the story's own match), tags, names, the section and nearness
    /// in time.
    pub fn likeness(&self, id: i64, article: &Article, limit: usize) -> Result<Vec<Likeness>, SearchError> {
        let f = &self.fields;
        let lf = f.of(language_key(&article.language));
        let body = body_text(&article.body);
        let mut texts = vec![article.headline.as_str(), body.as_str()];
        texts.extend(article.tags.iter().map(String::as_str));
        let searcher = self.reader.searcher();
        let query = self.like_this(&searcher, &[(lf.headline, &[article.headline.as_str()]), (lf.all, &texts)])?;
        // The story itself matches best; its score is the scale the others are measured on.
        let own = searcher.search(
            &TermQuery::new(Term::from_field_u64(f.id, id as u64), IndexRecordOption::Basic),
            &TopDocs::with_limit(1).order_by_score(),
        )?;
        let own = own.first().map(|(_, addr)| *addr);
        let mut top = searcher.search(&query, &TopDocs::with_limit(limit + 1).order_by_score())?;
        let own_score = top.iter().find(|(_, addr)| Some(*addr) == own).map(|(s, _)| *s);
        top.retain(|(_, addr)| Some(*addr) != own);
        top.truncate(limit);
        let Some(scale) = own_score.or(top.first().map(|(s, _)| *s)).filter(|s| *s > 0.0) else {
            return Ok(vec![]);
        };
        let tags: Vec<String> =
            article.tags.iter().filter_map(|t| newsdesk_core::Slug::from_title(t)).map(|s| s.to_string()).collect();
        let names = entities(&format!("{}. {}", article.headline, body));
        let when = article.published_at.map_or(0, |t| t.as_microsecond());
        let section = article.section.slug.as_str();
        let mut out = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let published = doc.get_first(f.published).and_then(|v| v.as_i64()).unwrap_or(0);
            out.push(Likeness {
                id: doc.get_first(f.id).and_then(|v| v.as_u64()).unwrap_or(0) as i64,
                words: score / scale,
                tags: doc.get_all(f.tag).filter_map(|v| v.as_str()).filter(|t| tags.iter().any(|x| x == t)).count(),
                names: doc
                    .get_all(f.entity)
                    .filter_map(|v| v.as_str())
                    .filter(|e| names.iter().any(|x| x == e))
                    .count(),
                same_section: doc.get_first(f.section).and_then(|v| v.as_str()) == Some(section),
                days: (when - published).unsigned_abs() as f64 / 86_400e6,
            });
        }
        Ok(out)
    }

    /// A "more like this" query for the given texts: each field's words (as the field analyses
    /// them, three letters or more), weighed by how often the texts use them and how rare they
    /// are in the index, the 30 weightiest as a boosted OR. tantivy's own more-like-this counted
    /// a word's documents with deleted copies but divided by live ones, and asserted the first no
    /// larger: after quick corrections it was not, and the search follower panicked. Here both
    /// counts include deleted copies (`max_doc`), as tantivy's BM25 does.
    fn like_this(
        &self,
        searcher: &tantivy::Searcher,
        fields: &[(Field, &[&str])],
    ) -> Result<BooleanQuery, SearchError> {
        use std::collections::HashMap;
        const MAX_TERMS: usize = 30;
        let mut frequency: HashMap<Term, usize> = HashMap::new();
        for (field, texts) in fields {
            let mut analyzer = self.index.tokenizer_for_field(*field)?;
            for text in *texts {
                let mut stream = analyzer.token_stream(text);
                while let Some(token) = stream.next() {
                    if token.text.chars().count() >= 3 {
                        *frequency.entry(Term::from_field_text(*field, &token.text)).or_default() += 1;
                    }
                }
            }
        }
        let all_docs: u64 = searcher.segment_readers().iter().map(|r| u64::from(r.max_doc())).sum();
        let mut weighed = Vec::with_capacity(frequency.len());
        for (term, tf) in frequency {
            let df = searcher.doc_freq(&term)?;
            if df == 0 {
                continue;
            }
            let idf = (1.0 + ((all_docs.max(df) - df) as f32 + 0.5) / (df as f32 + 0.5)).ln();
            weighed.push((tf as f32 * idf, term));
        }
        weighed.sort_by(|a, b| b.0.total_cmp(&a.0));
        weighed.truncate(MAX_TERMS);
        // As tantivy's did: matched by presence (a word's count in the other story does not add),
        // boosted relative to the weightiest word.
        let best = weighed.first().map_or(1.0, |w| w.0);
        let clauses: Vec<(Occur, Box<dyn Query>)> = weighed
            .into_iter()
            .map(|(weight, term)| {
                let q: Box<dyn Query> =
                    Box::new(BoostQuery::new(Box::new(TermQuery::new(term, IndexRecordOption::Basic)), weight / best));
                (Occur::Should, q)
            })
            .collect();
        Ok(BooleanQuery::new(clauses))
    }

    pub fn doc_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn search(&self, q: &SearchQuery) -> Result<Results, SearchError> {
        crate::query::search(&self.reader, &self.fields, q)
    }
}
