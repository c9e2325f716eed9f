//! What the Content API and the ingest endpoint send and take, as types. The handlers build these
//! and serde writes them; the OpenAPI document (`openapi.rs`) is derived from the same types, so
//! the document and the answers cannot drift apart. The query parameter sets are the lists the
//! handlers accept (`params` refuses any other name) and describe each parameter's form.

use newsdesk_core::{Article, Block};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use super::as_uri;

/// A section, tag or author as a story names it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionRef {
    pub name: String,
    pub slug: String,
}

/// The lead picture of a published article.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeadImageOut {
    /// The picture in the site's media library (null when the source carried none).
    #[schema(format = "uri", required = true)]
    pub url: Option<String>,
    pub alt: String,
    #[schema(required = true)]
    pub caption: Option<String>,
    /// Links and emphasis over the caption, as a block's `marks`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub caption_marks: Vec<newsdesk_core::Mark>,
    #[schema(required = true)]
    pub credit: Option<String>,
}

/// A published article. Only `id` is always there: `fields` selects the others.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleOut {
    #[schema(minimum = 1)]
    pub id: i64,
    #[schema(format = "uri", required = false)]
    pub url: String,
    #[schema(required = false)]
    pub headline: String,
    pub deck: Option<String>,
    #[schema(required = false)]
    pub section: SectionRef,
    #[schema(format = DateTime)]
    pub published_at: Option<String>,
    #[schema(format = DateTime)]
    pub updated_at: Option<String>,
    /// BCP 47, e.g. en, pt-BR.
    #[schema(required = false)]
    pub language: String,
    #[schema(required = false)]
    pub authors: Vec<String>,
    #[schema(required = false)]
    pub tags: Vec<String>,
    /// The wire agency credited ("SOURCE: …").
    pub source: Option<String>,
    pub lead_image: Option<LeadImageOut>,
    #[schema(required = false)]
    pub body: Vec<Block>,
    #[schema(minimum = 0, required = false)]
    pub word_count: usize,
    #[schema(minimum = 1, required = false)]
    pub reading_minutes: u32,
}

impl ArticleOut {
    pub fn new(a: &Article, site_url: &str) -> ArticleOut {
        ArticleOut {
            id: a.id.map_or(0, |i| i.0),
            url: as_uri(&format!("{site_url}{}", a.path())),
            headline: a.headline.clone(),
            deck: a.deck.clone(),
            section: SectionRef { name: a.section.name.clone(), slug: a.section.slug.as_str().to_string() },
            published_at: a.published_at.map(|t| t.to_string()),
            updated_at: a.updated_at.map(|t| t.to_string()),
            language: a.language.clone(),
            authors: a.authors.clone(),
            tags: a.tags.clone(),
            source: a.source.clone(),
            lead_image: a.lead_image.as_ref().map(|img| LeadImageOut {
                url: img.asset.as_ref().map(|asset| as_uri(&format!("{site_url}/media/{asset}"))),
                alt: img.alt.clone(),
                caption: img.caption.clone(),
                caption_marks: img.caption_marks.clone(),
                credit: img.credit.clone(),
            }),
            body: a.body.clone(),
            word_count: a.word_count(),
            reading_minutes: a.reading_minutes(),
        }
    }
}

/// The article fields a client may select with `fields`; everything else a story has (its
/// workflow state, source ids, revisions) is private and cannot be asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ArticleField {
    Id,
    Url,
    Headline,
    Deck,
    Section,
    PublishedAt,
    UpdatedAt,
    Language,
    Authors,
    Tags,
    Source,
    LeadImage,
    Body,
    WordCount,
    ReadingMinutes,
}

impl ArticleField {
    pub const ALL: [ArticleField; 15] = [
        ArticleField::Id,
        ArticleField::Url,
        ArticleField::Headline,
        ArticleField::Deck,
        ArticleField::Section,
        ArticleField::PublishedAt,
        ArticleField::UpdatedAt,
        ArticleField::Language,
        ArticleField::Authors,
        ArticleField::Tags,
        ArticleField::Source,
        ArticleField::LeadImage,
        ArticleField::Body,
        ArticleField::WordCount,
        ArticleField::ReadingMinutes,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ArticleField::Id => "id",
            ArticleField::Url => "url",
            ArticleField::Headline => "headline",
            ArticleField::Deck => "deck",
            ArticleField::Section => "section",
            ArticleField::PublishedAt => "published_at",
            ArticleField::UpdatedAt => "updated_at",
            ArticleField::Language => "language",
            ArticleField::Authors => "authors",
            ArticleField::Tags => "tags",
            ArticleField::Source => "source",
            ArticleField::LeadImage => "lead_image",
            ArticleField::Body => "body",
            ArticleField::WordCount => "word_count",
            ArticleField::ReadingMinutes => "reading_minutes",
        }
    }

    pub fn parse(s: &str) -> Option<ArticleField> {
        ArticleField::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleList {
    /// Each article with the fields asked for.
    #[schema(value_type = Vec<ArticleOut>)]
    pub data: Vec<serde_json::Value>,
    /// Pass as `cursor` for the next page; null on the last.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleOne {
    /// The article with the fields asked for.
    #[schema(value_type = ArticleOut)]
    pub data: serde_json::Value,
}

/// A section, tag or author with published articles.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Named {
    pub slug: String,
    pub name: String,
    /// How many published articles it has.
    #[schema(minimum = 0)]
    pub published: i64,
    /// Its page on the site.
    #[schema(format = "uri")]
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NamedList {
    pub data: Vec<Named>,
}

/// One search hit.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchHit {
    #[schema(minimum = 1)]
    pub id: i64,
    #[schema(format = "uri")]
    pub url: String,
    pub headline: String,
    #[schema(required = true)]
    pub deck: Option<String>,
    pub section: SectionRef,
    #[schema(required = true)]
    pub source: Option<String>,
    pub language: String,
    #[schema(format = DateTime)]
    pub published_at: String,
    /// HTML: the text escaped, matched words in <b>.
    pub snippet: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchResults {
    pub data: Vec<SearchHit>,
    #[schema(minimum = 0)]
    pub total: usize,
    #[schema(minimum = 1)]
    pub page: usize,
    /// The query with misspelt words corrected, when that finds more.
    #[schema(required = true)]
    pub suggestion: Option<String>,
}

/// What became of one pushed item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IngestStatus {
    Imported,
    Queued,
    Updated,
    Duplicate,
    Skipped,
    Failed,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IngestLine {
    /// The item's identity as the document gave it.
    pub uri: String,
    pub status: IngestStatus,
    /// The story it became or updated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = "uri")]
    pub url: Option<String>,
    /// A queued item's near-duplicate group (the id of its first item).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<i64>,
    /// Why a skipped or failed item was: the item, the field and what is wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl IngestLine {
    /// An item that was not stored, and why.
    pub fn refused(uri: &str, status: IngestStatus, why: String) -> IngestLine {
        IngestLine { uri: uri.to_string(), status, id: None, url: None, cluster: None, error: Some(why) }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IngestResult {
    pub data: Vec<IngestLine>,
    #[schema(minimum = 0)]
    pub imported: usize,
    #[schema(minimum = 0)]
    pub updated: usize,
    #[schema(minimum = 0)]
    pub duplicate: usize,
    #[schema(minimum = 0)]
    pub skipped: usize,
    #[schema(minimum = 0)]
    pub failed: usize,
}

// A cursor is the hex of "MICROSECONDS:ID" (see `api::encode_cursor`): ASCII digits are hex
// 30-39 and the colon is 3a, so its pattern below is bounded for both numbers to fit an i64 and
// a valid timestamp.

/// `GET /api/v1/articles`'s query.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ArticleListParams {
    /// Only this section (its slug).
    #[param(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 100)]
    section: Option<String>,
    /// Only articles with this tag (its slug).
    #[param(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 100)]
    tag: Option<String>,
    /// Only articles by this author (their slug).
    #[param(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 100)]
    author: Option<String>,
    /// Only articles saved at or after this time.
    #[param(format = DateTime)]
    updated_since: Option<String>,
    /// Page size.
    #[param(minimum = 1, maximum = 100, default = 20)]
    limit: Option<u32>,
    /// `next_cursor` of the previous page (opaque).
    #[param(pattern = r"^(3[0-9]){1,17}3a(3[0-9]){1,18}$")]
    cursor: Option<String>,
    /// Comma-separated fields to return; `id` always comes along. Private fields cannot be selected.
    #[param(style = Form, explode = false, min_items = 1, inline)]
    fields: Option<Vec<ArticleField>>,
}

/// `GET /api/v1/articles/{id}`'s path.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct ArticlePath {
    #[param(minimum = 1)]
    id: i64,
}

/// `GET /api/v1/articles/{id}`'s query.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ArticleOneParams {
    /// Comma-separated fields to return; `id` always comes along. Private fields cannot be selected.
    #[param(style = Form, explode = false, min_items = 1, inline)]
    fields: Option<Vec<ArticleField>>,
}

/// How search results are ordered.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SearchSort {
    Relevance,
    Date,
}

/// `GET /api/v1/search`'s query.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct SearchParams {
    /// The words.
    #[param(max_length = 300)]
    q: Option<String>,
    /// Only this section (its slug).
    #[param(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 100)]
    section: Option<String>,
    /// Only stories credited to this agency.
    #[param(max_length = 100)]
    source: Option<String>,
    /// Only stories by this author (their slug).
    #[param(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 100)]
    author: Option<String>,
    /// Published on or after this day (UTC).
    #[param(format = Date)]
    from: Option<String>,
    /// Published on or before this day (UTC).
    #[param(format = Date)]
    to: Option<String>,
    /// Best first (`relevance`, when left out) or newest first (`date`).
    #[param(inline)]
    sort: Option<SearchSort>,
    #[param(minimum = 1, maximum = 100, default = 1)]
    page: Option<u32>,
    #[param(minimum = 1, maximum = 50, default = 10)]
    limit: Option<u32>,
}

/// `POST /api/ingest`'s query.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct IngestParams {
    /// Section for every item (a new story's; updates stay where they are filed). Without it,
    /// routing rules and the item decide.
    #[param(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 100)]
    section: Option<String>,
    /// Put the items in the newsroom's wire queue instead of publishing them.
    #[param(default = false)]
    queue: Option<bool>,
    /// Let the routing rules decide each item's fate (publish, queue or skip); items no rule
    /// decides are published, or queued with `queue=true`.
    #[param(default = false)]
    route: Option<bool>,
}

/// The names a parameter set accepts, worked out once per set and kept, not per request:
/// `accepted!(ArticleListParams)`.
macro_rules! accepted {
    ($params:ty) => {{
        static NAMES: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new($crate::api::wire::names::<$params>);
        NAMES.as_slice()
    }};
}
pub(crate) use accepted;

/// The names a parameter set declares, which are the names its handler accepts.
pub fn names<P: IntoParams>() -> Vec<String> {
    P::into_params(|| Some(utoipa::openapi::path::ParameterIn::Query))
        .into_iter()
        .filter(|p| p.parameter_in == utoipa::openapi::path::ParameterIn::Query)
        .map(|p| p.name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_name_reads_back() {
        for f in ArticleField::ALL {
            assert_eq!(ArticleField::parse(f.as_str()), Some(f));
            assert_eq!(serde_json::to_value(f).unwrap(), serde_json::json!(f.as_str()));
        }
        let article = crate::test_support::article("Ferry strike ends", "EUROPE", "2026-01-01T00:00:00Z");
        let out = serde_json::to_value(ArticleOut::new(&article, "http://x")).unwrap();
        let mut names: Vec<&str> = out.as_object().unwrap().keys().map(String::as_str).collect();
        let mut fields: Vec<&str> = ArticleField::ALL.iter().map(|f| f.as_str()).collect();
        names.sort_unstable();
        fields.sort_unstable();
        assert_eq!(names, fields, "the selectable fields are the article's fields");
    }

    #[test]
    fn the_accepted_parameters_are_the_documented_ones() {
        assert_eq!(
            names::<ArticleListParams>(),
            ["section", "tag", "author", "updated_since", "limit", "cursor", "fields"]
        );
        assert_eq!(names::<ArticleOneParams>(), ["fields"]);
        assert_eq!(names::<IngestParams>(), ["section", "queue", "route"]);
    }
}
