//! What every outside format becomes: a [`WireItem`], one story as its source delivered it,
//! normalized, and the [`Article`] it makes. The parsers ([`crate::ninjs`],
//! [`crate::newsml`], [`crate::feed`], [`crate::wxr`], [`crate::ghost`]) only read; the rules
//! for turning an item into a story (datelines, bylines, embargoes, states) live here once.

use jiff::Timestamp;
use newsdesk_core::article::{LeadImage, Section};
use newsdesk_core::{Article, Block, Slug, WorkflowState};
use serde::Serialize;

use crate::html::{blocks_from_html, blocks_from_text};

/// The formats newsdesk reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    Capture,
    Ninjs,
    NewsmlG2,
    Rss,
    Atom,
    JsonFeed,
    Wxr,
    Ghost,
    Nitf,
    #[serde(rename = "newsml-1.2")]
    Newsml1,
    ApMedia,
    #[serde(rename = "iptc-7901")]
    Iptc7901,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Capture => "capture",
            Format::Ninjs => "ninjs",
            Format::NewsmlG2 => "newsml-g2",
            Format::Rss => "rss",
            Format::Atom => "atom",
            Format::JsonFeed => "json-feed",
            Format::Wxr => "wxr",
            Format::Ghost => "ghost",
            Format::Nitf => "nitf",
            Format::Newsml1 => "newsml-1.2",
            Format::ApMedia => "ap-media",
            Format::Iptc7901 => "iptc-7901",
        }
    }
}

/// Where an item stands at its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PubStatus {
    /// Ready to publish (ninjs/NewsML-G2 "usable", a feed's items, WordPress "publish").
    Usable,
    /// Not to be published yet, or no longer (ninjs/NewsML-G2).
    Withheld,
    Canceled,
    /// Unfinished at its source (a WordPress or Ghost draft, a private or password-protected
    /// post): it stays a draft here.
    Draft,
    /// Waiting for review at its source (WordPress "pending").
    Pending,
}

/// A subject as the source codes it (an IPTC media topic such as `medtop:04000000`, a
/// category) and names it. Routing rules match either.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subject {
    pub code: Option<String>,
    pub name: Option<String>,
}

/// A picture the source refers to: its address (not fetched here: `ingest` does no I/O), and
/// what to say about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WirePicture {
    pub href: Option<String>,
    pub alt: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
}

/// One item as its source sent it, normalized.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WireItem {
    pub format: Format,
    /// Identity at the source: every version of the item shares it.
    pub uri: String,
    pub version: Option<String>,
    /// Items this one replaces (other identities at the same source).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub supersedes: Vec<String>,
    /// Processing signals (NewsML-G2 `sig:correction`, `sig:update`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub signals: Vec<String>,
    pub provider: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    pub headline: String,
    pub deck: Option<String>,
    pub body: Vec<Block>,
    pub byline: Option<String>,
    /// People named as authors by the source itself (a byline is split when there are none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    pub located: Option<String>,
    pub language: String,
    pub first_created: Option<Timestamp>,
    pub version_created: Option<Timestamp>,
    pub embargoed: Option<Timestamp>,
    /// 1 (most urgent) to 9.
    pub urgency: Option<i64>,
    pub pub_status: PubStatus,
    pub copyright_holder: Option<String>,
    /// The first named information source, a fallback credit.
    pub info_source: Option<String>,
    pub subjects: Vec<Subject>,
    /// The section the source filed it under (a WordPress category, a Ghost primary tag).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The slug the source used, kept when it makes a valid one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// Where the source published it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    pub picture: Option<WirePicture>,
    /// Other media the item carries (attachments, renditions), as references with credits.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub media: Vec<WirePicture>,
    /// Where the item's text is when the document does not carry it (AP's NITF rendition): the
    /// body is its summary until someone who may fetch (a polled source) reads it from there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_rendition: Option<String>,
}

impl WireItem {
    /// An item with its identity and text, everything else unknown.
    pub fn new(format: Format, uri: String, headline: String, body: Vec<Block>) -> WireItem {
        WireItem {
            format,
            uri,
            version: None,
            supersedes: vec![],
            signals: vec![],
            provider: None,
            kind: "text".into(),
            headline,
            deck: None,
            body,
            byline: None,
            authors: vec![],
            located: None,
            language: "en".into(),
            first_created: None,
            version_created: None,
            embargoed: None,
            urgency: None,
            pub_status: PubStatus::Usable,
            copyright_holder: None,
            info_source: None,
            subjects: vec![],
            section: None,
            tags: vec![],
            slug: None,
            link: None,
            picture: None,
            media: vec![],
            text_rendition: None,
        }
    }

    /// Identity of the story at its source, across versions, as stored.
    pub fn external_id(&self) -> String {
        let scheme = match self.format {
            // Kept as before NewsML-G2 existed, so stories imported then are found again.
            Format::Ninjs => "ninjs",
            other => other.name(),
        };
        format!("{scheme}:{}", self.uri)
    }

    /// The agency or publisher credited at the foot of the story.
    pub fn credit(&self) -> Option<String> {
        self.copyright_holder.clone().or_else(|| self.info_source.clone())
    }

    /// The article this item becomes in `section`. Withheld or canceled items are unpublished,
    /// drafts stay drafts; an embargo in the future becomes the publication time, so nothing
    /// shows before it.
    pub fn to_article(&self, section: &Section) -> Result<Article, ItemError> {
        let slug =
            self.slug.as_deref().and_then(Slug::from_title).or_else(|| Slug::from_title(&self.headline)).ok_or_else(
                || ItemError::new("headline", format!("{:?} has no letters or digits for a URL", self.headline)),
            )?;
        let created = self.first_created.or(self.version_created);
        let published_at = match (self.embargoed, created) {
            (Some(e), Some(c)) => Some(e.max(c)),
            (e, c) => e.or(c),
        };
        let updated_at = self.version_created.filter(|v| published_at.is_some_and(|p| *v > p));
        let source = self.credit();
        let mut body = self.body.clone();
        if let Some(place) = &self.located
            && let Some(Block::Paragraph { text, marks }) = body.first_mut()
            && !has_dateline(text, place)
        {
            // The dateline leads the story, as agencies print it; the marks move along.
            let lead = format!("{} — ", place.to_uppercase());
            let shift = lead.chars().count() as u32;
            *text = format!("{lead}{text}");
            for m in marks.iter_mut() {
                m.start += shift;
                m.end += shift;
            }
        }
        let authors = if self.authors.is_empty() {
            self.byline.iter().flat_map(|b| split_byline(b)).collect()
        } else {
            self.authors.clone()
        };
        let mut tags: Vec<String> = vec![];
        for t in self.tags.iter().chain(self.subjects.iter().filter_map(|s| s.name.as_ref())) {
            if !tags.iter().any(|x| x.eq_ignore_ascii_case(t)) {
                tags.push(t.clone());
            }
        }
        Ok(Article {
            id: None,
            section: section.clone(),
            slug,
            headline: self.headline.clone(),
            deck: self.deck.clone().filter(|d| *d != self.headline),
            lead_image: self.picture.as_ref().map(|p| LeadImage {
                asset: None,
                alt: p.alt.clone().or_else(|| p.caption.clone()).unwrap_or_else(|| self.headline.clone()),
                title: None,
                caption: p.caption.clone(),
                credit: p.credit.clone().or(source.clone()),
                source_url: p.href.clone(),
                caption_marks: vec![],
            }),
            body,
            source,
            authors,
            tags,
            language: self.language.clone(),
            canonical_url: None,
            embargo: self.embargoed,
            based_on: matches!(self.format, Format::Ninjs | Format::NewsmlG2).then(|| self.uri.clone()),
            corrections: Vec::new(),
            promo: Default::default(),
            state: match self.pub_status {
                PubStatus::Usable => WorkflowState::Published,
                PubStatus::Withheld | PubStatus::Canceled => WorkflowState::Unpublished,
                PubStatus::Draft => WorkflowState::Draft,
                PubStatus::Pending => WorkflowState::Submitted,
            },
            published_at,
            updated_at,
        })
    }
}

/// What is wrong with an item, and where: the item (0-based, in a document of several, and its
/// identity when known) and the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{field}: {message}", where_(*item, id.as_deref()))]
pub struct ItemError {
    pub item: Option<usize>,
    pub id: Option<String>,
    pub field: String,
    pub message: String,
}

fn where_(item: Option<usize>, id: Option<&str>) -> String {
    match (item, id) {
        (Some(i), Some(id)) => format!("item {i} ({id}): "),
        (Some(i), None) => format!("item {i}: "),
        (None, Some(id)) => format!("{id}: "),
        (None, None) => String::new(),
    }
}

impl ItemError {
    pub fn new(field: &str, message: impl Into<String>) -> ItemError {
        ItemError { item: None, id: None, field: field.into(), message: message.into() }
    }

    /// The whole document, not one item.
    pub fn document(message: impl Into<String>) -> ItemError {
        ItemError::new("document", message)
    }

    pub fn at(mut self, item: Option<usize>) -> ItemError {
        self.item = self.item.or(item);
        self
    }

    pub fn of(mut self, id: Option<&str>) -> ItemError {
        if self.id.is_none() {
            self.id = id.map(str::to_string);
        }
        self
    }
}

/// What a document held: the items read, and the ones that could not be (each with why). An
/// item that is valid at its source but has nothing readers could read (a planning item, a
/// picture with no caption) is `skipped`, with the reason.
#[derive(Debug, Default)]
pub struct Parsed {
    pub items: Vec<WireItem>,
    pub failed: Vec<ItemError>,
    pub skipped: Vec<(String, String)>,
    /// What was read but left out (a date in no form newsdesk knows).
    pub warnings: Vec<String>,
}

pub fn looks_like_html(s: &str) -> bool {
    s.contains("</") || s.contains("<p") || s.contains("<br") || s.contains("<img")
}

/// Body text that may be HTML or plain.
pub fn to_blocks(s: &str) -> Vec<Block> {
    if looks_like_html(s) { blocks_from_html(s) } else { blocks_from_text(s) }
}

/// Headlines and decks are text: any markup in them is dropped, references decoded.
pub fn to_text(s: &str) -> String {
    if !s.contains('<') {
        return crate::xml::collapse(&crate::entities::decode(s));
    }
    blocks_from_html(s)
        .into_iter()
        .filter_map(|b| match b {
            Block::Paragraph { text, .. } | Block::Heading { text, .. } | Block::Quote { text, .. } => Some(text),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// An item's headline: its title as text (which may hold markup), or, when it has none or only
/// markup, the start of its text, which is text already and is not read as HTML again.
pub fn headline(title: Option<&str>, body: &[Block]) -> Option<String> {
    title.map(to_text).filter(|t| !t.is_empty()).or_else(|| first_words(body))
}

/// A headline for an untitled item: the start of its first sentence.
pub fn first_words(body: &[Block]) -> Option<String> {
    let text = body.iter().find_map(|b| match b {
        Block::Paragraph { text, .. } | Block::Heading { text, .. } => Some(text.as_str()),
        _ => None,
    })?;
    let sentence = text.split_inclusive(['.', '!', '?']).next().unwrap_or(text).trim();
    let mut out = String::new();
    for word in sentence.split_whitespace() {
        if out.len() + word.len() > 90 {
            out.push('…');
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    Some(out.trim_end_matches('.').to_string()).filter(|s| !s.is_empty())
}

/// "Von Christian Hollmann, dpa" -> ["Christian Hollmann"]; "A and B" -> ["A", "B"].
pub fn split_byline(byline: &str) -> Vec<String> {
    let b = byline.trim();
    let b = ["By ", "BY ", "Von ", "Par ", "Por "].iter().find_map(|p| b.strip_prefix(p)).unwrap_or(b);
    b.split([',', '&'])
        .flat_map(|part| part.split(" and "))
        .map(str::trim)
        .filter(|p| p.split_whitespace().count() >= 2 && p.len() <= 80)
        .map(str::to_string)
        .collect()
}

/// Whether a story already opens with its dateline: agencies set it in capitals
/// ("GROSSETO, Italy (AP) --"), or it names the place it was filed from.
fn has_dateline(text: &str, place: &str) -> bool {
    let first = text.split([' ', ',']).next().unwrap_or("");
    let letters: Vec<char> = first.chars().filter(|c| c.is_alphabetic()).collect();
    let capitals = letters.len() >= 3 && letters.iter().all(|c| c.is_uppercase());
    let town = place.split(',').next().unwrap_or(place).trim().to_lowercase();
    capitals || (!town.is_empty() && text.to_lowercase().starts_with(&town))
}

/// The first `max` characters of `s`, cut at a character boundary.
pub fn clip(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}
