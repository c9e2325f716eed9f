//! The article and its parts, as the seed page shows them.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::inline::{self, Mark};
use crate::reading;
use crate::slug::Slug;
use crate::workflow::WorkflowState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ArticleId(pub i64);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub name: String,
    pub slug: Slug,
}

impl Section {
    /// A section from its label as pages print it: "MIDDLE EAST" -> "Middle East".
    pub fn from_label(label: &str) -> Option<Section> {
        let name = title_case(label);
        let slug = Slug::from_title(&name)?;
        Some(Section { name, slug })
    }

    pub fn url(&self) -> String {
        format!("/{}", self.slug)
    }
}

/// "MIDDLE EAST" -> "Middle East"; words joined by hyphens keep each part capitalised
/// ("ASIA-PACIFIC" -> "Asia-Pacific"). Only all-caps labels are recased.
pub fn title_case(label: &str) -> String {
    let label = label.split_whitespace().collect::<Vec<_>>().join(" ");
    if label.chars().any(char::is_lowercase) {
        return label;
    }
    let mut out = String::with_capacity(label.len());
    let mut start = true;
    for c in label.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = !c.is_alphanumeric() && c != '\'' && c != '’';
    }
    out
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadImage {
    /// File in the media store; `None` when the source carried no picture (a page capture).
    pub asset: Option<String>,
    pub alt: String,
    pub title: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
    /// Links and emphasis over `caption` (see [`crate::inline`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub caption_marks: Vec<Mark>,
    /// Where the source keeps the picture (a wire rendition, a WordPress attachment) until it is
    /// fetched into the media store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
}

/// A body block. The RECOMMENDED slot and Related links are positions in the body: what fills the
/// slot is derived when the page is rendered, the links are the editor's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    Paragraph {
        text: String,
        /// Links and emphasis over `text` (see [`crate::inline`]).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        marks: Vec<Mark>,
    },
    Heading {
        text: String,
        level: u8,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        marks: Vec<Mark>,
    },
    Quote {
        text: String,
        cite: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        marks: Vec<Mark>,
    },
    List {
        ordered: bool,
        items: Vec<String>,
        /// `marks[i]`: the marks over `items[i]` (a shorter list: the rest have none).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        marks: Vec<Vec<Mark>>,
    },
    Image {
        asset: Option<String>,
        alt: String,
        caption: Option<String>,
        credit: Option<String>,
        /// Links and emphasis over `caption`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        caption_marks: Vec<Mark>,
    },
    Embed {
        url: String,
    },
    Recommended,
    Related {
        publication: String,
        headline: String,
        url: Option<String>,
    },
}

impl Block {
    pub fn paragraph(text: impl Into<String>) -> Block {
        Block::Paragraph { text: text.into(), marks: vec![] }
    }

    pub fn heading(text: impl Into<String>, level: u8) -> Block {
        Block::Heading { text: text.into(), level, marks: vec![] }
    }

    pub fn quote(text: impl Into<String>, cite: Option<String>) -> Block {
        Block::Quote { text: text.into(), cite, marks: vec![] }
    }

    pub fn list(ordered: bool, items: Vec<String>) -> Block {
        Block::List { ordered, items, marks: vec![] }
    }

    pub fn image(asset: Option<String>, alt: String, caption: Option<String>, credit: Option<String>) -> Block {
        Block::Image { asset, alt, caption, credit, caption_marks: vec![] }
    }

    /// Whether the block's marks may be taken as sent ([`crate::inline::check`]): what is wrong,
    /// naming the mark (and the list item or the caption).
    pub fn check_marks(&self) -> Result<(), String> {
        match self {
            Block::Paragraph { text, marks }
            | Block::Heading { text, marks, .. }
            | Block::Quote { text, marks, .. } => inline::check(text, marks).map_err(|e| e.to_string()),
            Block::List { items, marks, .. } => {
                if marks.len() > items.len() {
                    return Err(format!("marks: {} lists of marks for {} items", marks.len(), items.len()));
                }
                for (n, (item, m)) in items.iter().zip(marks).enumerate() {
                    inline::check(item, m).map_err(|e| format!("items[{n}].{e}"))?;
                }
                Ok(())
            }
            Block::Image { caption, caption_marks, .. } => {
                inline::check(caption.as_deref().unwrap_or(""), caption_marks).map_err(|e| format!("caption_{e}"))
            }
            Block::Embed { .. } | Block::Recommended | Block::Related { .. } => Ok(()),
        }
    }

    /// Every mark of the block in its one form ([`crate::inline::normalize`]).
    pub fn normalize_marks(&mut self) {
        let norm = |text: &str, marks: &mut Vec<Mark>| *marks = inline::normalize(text, std::mem::take(marks));
        match self {
            Block::Paragraph { text, marks }
            | Block::Heading { text, marks, .. }
            | Block::Quote { text, marks, .. } => norm(text, marks),
            Block::List { items, marks, .. } => {
                marks.truncate(items.len());
                for (item, m) in items.iter().zip(marks.iter_mut()) {
                    norm(item, m);
                }
                while marks.last().is_some_and(Vec::is_empty) {
                    marks.pop();
                }
            }
            Block::Image { caption, caption_marks, .. } => norm(caption.as_deref().unwrap_or(""), caption_marks),
            Block::Embed { .. } | Block::Recommended | Block::Related { .. } => {}
        }
    }

    /// The text readers read in this block (what counts for reading time and search).
    pub fn text(&self) -> Vec<&str> {
        match self {
            Block::Paragraph { text, .. } | Block::Heading { text, .. } => vec![text],
            Block::Quote { text, cite, .. } => std::iter::once(text.as_str()).chain(cite.as_deref()).collect(),
            Block::List { items, .. } => items.iter().map(String::as_str).collect(),
            Block::Image { caption, .. } => caption.as_deref().into_iter().collect(),
            Block::Embed { .. } | Block::Recommended | Block::Related { .. } => vec![],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    pub id: Option<ArticleId>,
    pub section: Section,
    pub slug: Slug,
    pub headline: String,
    pub deck: Option<String>,
    pub lead_image: Option<LeadImage>,
    pub body: Vec<Block>,
    /// Wire agency credited at the foot of the story ("SOURCE: AA").
    pub source: Option<String>,
    pub authors: Vec<String>,
    pub tags: Vec<String>,
    /// BCP 47 language tag, e.g. "en", "tr".
    pub language: String,
    pub canonical_url: Option<String>,
    pub state: WorkflowState,
    pub published_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
    /// Not to be shown anywhere (page, lists, feeds, sitemaps, search, APIs) before this time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embargo: Option<Timestamp>,
    /// The wire item this story was made from (schema.org `isBasedOn`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub based_on: Option<String>,
    /// Dated correction notes, oldest first; shown on the page and in the JSON-LD.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<Correction>,
    /// How the story presents itself to search engines and when shared; each part falls back to
    /// the headline, the deck or the lead picture.
    #[serde(default, skip_serializing_if = "Promo::is_empty")]
    pub promo: Promo,
}

/// A story's search and social presentation, all optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Promo {
    /// The page's `<title>` (else the headline).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seo_title: Option<String>,
    /// The page's meta description (else the deck).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seo_description: Option<String>,
    /// The title on social cards, OpenGraph and Twitter (else the headline).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub social_title: Option<String>,
    /// A media file for social cards (else the lead picture).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub social_image: Option<String>,
}

impl Promo {
    pub fn is_empty(&self) -> bool {
        *self == Promo::default()
    }
}

impl Article {
    /// Whether readers can see the story at `now`: published, and its time (the later of its
    /// publication and its embargo, as the store keeps it) come. The one rule every reader
    /// surface (pages, feeds, sitemaps, search, the APIs) follows; the store's reader queries
    /// say the same in SQL (`state = 'published' AND published_at <= now`).
    pub fn is_live(&self, now: jiff::Timestamp) -> bool {
        self.state.is_public() && self.published_at.is_some_and(|p| p <= now)
    }

    /// The page title search engines show.
    pub fn seo_title(&self) -> &str {
        self.promo.seo_title.as_deref().unwrap_or(&self.headline)
    }

    /// The description search engines and social cards show, if there is one.
    pub fn seo_description(&self) -> Option<&str> {
        self.promo.seo_description.as_deref().or(self.deck.as_deref())
    }

    /// The title social cards show.
    pub fn social_title(&self) -> &str {
        self.promo.social_title.as_deref().unwrap_or(&self.headline)
    }

    /// The media file social cards show, if there is one.
    pub fn social_image(&self) -> Option<&str> {
        self.promo.social_image.as_deref().or(self.lead_image.as_ref().and_then(|i| i.asset.as_deref()))
    }
}

/// An editor's note that something published was wrong, and when it was put right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    pub at: Timestamp,
    pub note: String,
}

/// May `c` appear in an XML 1.0 document, and so in any page, feed or sitemap? Not the C0
/// controls other than tab, newline and carriage return (NUL among them), nor U+FFFE and U+FFFF.
pub fn xml_char(c: char) -> bool {
    !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

fn drop_forbidden(s: &mut String) {
    if !s.chars().all(xml_char) {
        s.retain(xml_char);
    }
}

impl Article {
    /// The story without the characters no page or feed may carry ([`xml_char`]), from every text
    /// it holds. Every way into the store goes through this, so what one channel let in cannot
    /// break what another writes out.
    pub fn without_forbidden_chars(&self) -> Article {
        let mut a = self.clone();
        let opt = |o: &mut Option<String>| o.iter_mut().for_each(drop_forbidden);
        drop_forbidden(&mut a.headline);
        drop_forbidden(&mut a.section.name);
        opt(&mut a.deck);
        opt(&mut a.source);
        opt(&mut a.canonical_url);
        opt(&mut a.based_on);
        drop_forbidden(&mut a.language);
        a.authors.iter_mut().chain(a.tags.iter_mut()).for_each(drop_forbidden);
        a.corrections.iter_mut().for_each(|c| drop_forbidden(&mut c.note));
        opt(&mut a.promo.seo_title);
        opt(&mut a.promo.seo_description);
        opt(&mut a.promo.social_title);
        opt(&mut a.promo.social_image);
        if let Some(img) = &mut a.lead_image {
            drop_forbidden(&mut img.alt);
            opt(&mut img.asset);
            opt(&mut img.title);
            match &mut img.caption {
                Some(c) => inline::retain(c, &mut img.caption_marks, xml_char),
                None => img.caption_marks.clear(),
            }
            opt(&mut img.credit);
        }
        // Text with marks loses its forbidden characters with the marks moved along.
        let marked = |text: &mut String, marks: &mut Vec<Mark>| inline::retain(text, marks, xml_char);
        for b in &mut a.body {
            match b {
                Block::Paragraph { text, marks } | Block::Heading { text, marks, .. } => marked(text, marks),
                Block::Quote { text, cite, marks } => {
                    marked(text, marks);
                    opt(cite);
                }
                Block::List { items, marks, .. } => {
                    marks.resize(marks.len().max(items.len()), vec![]);
                    for (item, m) in items.iter_mut().zip(marks.iter_mut()) {
                        marked(item, m);
                    }
                    while marks.last().is_some_and(Vec::is_empty) {
                        marks.pop();
                    }
                }
                Block::Image { asset, alt, caption, credit, caption_marks } => {
                    drop_forbidden(alt);
                    opt(asset);
                    match caption {
                        Some(c) => marked(c, caption_marks),
                        None => caption_marks.clear(),
                    }
                    opt(credit);
                }
                Block::Embed { url } => drop_forbidden(url),
                Block::Recommended => {}
                Block::Related { publication, headline, url } => {
                    drop_forbidden(publication);
                    drop_forbidden(headline);
                    opt(url);
                }
            }
        }
        a
    }

    /// When readers may first see the story: the later of its publication time and its embargo.
    pub fn visible_from(&self) -> Option<Timestamp> {
        match (self.published_at, self.embargo) {
            (Some(p), Some(e)) => Some(p.max(e)),
            (p, _) => p,
        }
    }

    /// Path of the article on the reader site: section, then slug.
    pub fn path(&self) -> String {
        format!("/{}/{}", self.section.slug, self.slug)
    }

    pub fn word_count(&self) -> usize {
        self.body.iter().flat_map(Block::text).map(|t| reading::count_words(t, &self.language)).sum()
    }

    pub fn reading_minutes(&self) -> u32 {
        reading::reading_minutes(self.word_count(), &self.language)
    }

    pub fn paragraphs(&self) -> impl Iterator<Item = &str> {
        self.body.iter().filter_map(|b| match b {
            Block::Paragraph { text, .. } => Some(text.as_str()),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers_see_a_published_story_once_its_time_has_come() {
        let now: jiff::Timestamp = "2026-06-01T12:00:00Z".parse().unwrap();
        let at = |t: &str| Some(t.parse::<jiff::Timestamp>().unwrap());
        let story = crate::testing::article("A story", "EUROPE", "2026-06-01T11:00:00Z");
        assert!(story.is_live(now));
        assert!(Article { published_at: at("2026-06-01T12:00:00Z"), ..story.clone() }.is_live(now), "at its minute");
        assert!(!Article { published_at: at("2026-06-01T12:00:01Z"), ..story.clone() }.is_live(now), "scheduled");
        assert!(!Article { published_at: None, ..story.clone() }.is_live(now));
        for state in [crate::WorkflowState::Draft, crate::WorkflowState::Unpublished, crate::WorkflowState::Spiked] {
            assert!(!Article { state, ..story.clone() }.is_live(now), "{state:?}");
        }
    }

    #[test]
    fn section_labels() {
        let s = Section::from_label("MIDDLE EAST").unwrap();
        assert_eq!(s.name, "Middle East");
        assert_eq!(s.slug.as_str(), "middle-east");
        assert_eq!(Section::from_label("EUROPE").unwrap().name, "Europe");
        assert_eq!(title_case("ASIA-PACIFIC"), "Asia-Pacific");
        assert_eq!(title_case("Türkiye"), "Türkiye");
        assert_eq!(title_case("  LATIN   AMERICA "), "Latin America");
    }

    #[test]
    fn blocks_serialize_with_a_type_tag() {
        let b = Block::Related { publication: "TRT World".into(), headline: "H".into(), url: None };
        let v = serde_json::to_value(&b).unwrap();
        assert_eq!(v["type"], "related");
        let back: Block = serde_json::from_value(v).unwrap();
        assert_eq!(back, b);
    }
}
