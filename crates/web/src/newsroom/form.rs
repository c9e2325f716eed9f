//! The story editor's form: what the fields and the block body say, read from a posted form
//! (or laid over by the Admin API), checked field by field into an article, and written back
//! for the page. Every problem is named by its field, and what was typed is kept.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use newsdesk_core::inline::to_editable;
use newsdesk_core::{Article, Block, Mark};
use newsdesk_ingest::html::inline_from_html;
use newsdesk_store::Story;
use serde::Serialize;

const BLOCK_KINDS: [(&str, &str); 9] = [
    ("paragraph", "Paragraph"),
    ("heading", "Heading"),
    ("quote", "Quote"),
    ("list", "List"),
    ("image", "Image"),
    ("embed", "Embed"),
    ("recommended", "Recommended slot"),
    ("related", "Related link"),
    ("", ""),
];

#[cfg(test)]
use newsdesk_core::input::names;
use newsdesk_core::input::{ArticleInput, is_web_url, opt, usable_media};
/// Longest SEO or social title, and SEO description, kept: what search results and social
/// cards show before cutting.
pub(crate) use newsdesk_core::input::{SEO_DESCRIPTION_MAX, SEO_TITLE_MAX, clean};

pub(crate) fn kinds() -> Vec<(&'static str, &'static str)> {
    BLOCK_KINDS.iter().copied().filter(|(k, _)| !k.is_empty()).collect()
}

/// A time as the newsroom reads it: in the site's time zone, to the minute.
pub fn local_time(t: Timestamp, tz: &TimeZone) -> String {
    tz.to_datetime(t).strftime("%Y-%m-%d %H:%M").to_string()
}

pub(crate) fn local_input(t: Timestamp, tz: &TimeZone) -> String {
    tz.to_datetime(t).strftime("%Y-%m-%dT%H:%M").to_string()
}

/// A `datetime-local` value, read in the site's time zone; or an RFC 3339 time (the Admin API's).
pub(crate) fn parse_local(s: &str, tz: &TimeZone) -> Result<Timestamp, String> {
    if let Ok(t) = s.trim().parse::<Timestamp>() {
        return Ok(t);
    }
    let dt: jiff::civil::DateTime =
        s.trim().parse().map_err(|_| format!("{s:?} is not a date and time like 2026-03-01T09:30"))?;
    tz.to_ambiguous_timestamp(dt).compatible().map_err(|e| format!("{s:?}: {e}"))
}
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct StoryForm {
    pub(crate) headline: String,
    pub(crate) deck: String,
    pub(crate) section: String,
    pub(crate) desk: String,
    pub(crate) language: String,
    /// Lists stay lists: the Admin API sends a JSON array, the editor's field shows the names
    /// separated by commas with a name that holds a comma in double quotes (`Ana Ruiz, "Smith,
    /// Jr."`), read back the same way, so a byline saved by either comes back whole.
    #[serde(serialize_with = "as_field")]
    pub(crate) authors: Vec<String>,
    #[serde(serialize_with = "as_field")]
    pub(crate) tags: Vec<String>,
    pub(crate) source: String,
    pub(crate) slug: String,
    pub(crate) canonical_url: String,
    pub(crate) embargo: String,
    pub(crate) image_asset: String,
    pub(crate) image_alt: String,
    pub(crate) image_caption: String,
    pub(crate) image_credit: String,
    /// Search and social presentation (`Promo`); empty falls back to headline, deck, lead picture.
    pub(crate) seo_title: String,
    pub(crate) seo_description: String,
    pub(crate) social_title: String,
    pub(crate) social_image: String,
    /// Story ids pinned first in the RECOMMENDED block, and ids never recommended with this one.
    pub(crate) recommended_pins: String,
    pub(crate) recommended_excludes: String,
    pub(crate) blocks: Vec<BlockForm>,
    pub(crate) revision: i64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct BlockForm {
    kind: String,
    text: String,
    level: String,
    cite: String,
    ordered: bool,
    asset: String,
    alt: String,
    caption: String,
    credit: String,
    url: String,
    publication: String,
    headline: String,
    pub(crate) error: Option<String>,
}

pub(crate) type Errors = BTreeMap<&'static str, String>;

impl StoryForm {
    /// Reads the posted form in order: each `b.type` starts a block, the `b.*` fields after it
    /// fill it.
    pub(crate) fn parse(body: &[u8]) -> StoryForm {
        let mut f = StoryForm::default();
        for (k, v) in form_urlencoded::parse(body) {
            let v = v.into_owned();
            if let Some(field) = k.strip_prefix("b.") {
                if field == "type" {
                    f.blocks.push(BlockForm::new(&v));
                    continue;
                }
                let Some(b) = f.blocks.last_mut() else { continue };
                match field {
                    "text" => b.text = v,
                    "level" => b.level = v,
                    "cite" => b.cite = v,
                    "ordered" => b.ordered = true,
                    "asset" => b.asset = v,
                    "alt" => b.alt = v,
                    "caption" => b.caption = v,
                    "credit" => b.credit = v,
                    "url" => b.url = v,
                    "publication" => b.publication = v,
                    "headline" => b.headline = v,
                    _ => {}
                }
                continue;
            }
            match k.as_ref() {
                "headline" => f.headline = v,
                "deck" => f.deck = v,
                "section" => f.section = v,
                "desk" => f.desk = v,
                "language" => f.language = v,
                "authors" => f.authors = list(&v),
                "tags" => f.tags = list(&v),
                "source" => f.source = v,
                "slug" => f.slug = v,
                "canonical_url" => f.canonical_url = v,
                "embargo" => f.embargo = v,
                "image_asset" => f.image_asset = v,
                "image_alt" => f.image_alt = v,
                "image_caption" => f.image_caption = v,
                "image_credit" => f.image_credit = v,
                "seo_title" => f.seo_title = v,
                "seo_description" => f.seo_description = v,
                "social_title" => f.social_title = v,
                "social_image" => f.social_image = v,
                "recommended_pins" => f.recommended_pins = v,
                "recommended_excludes" => f.recommended_excludes = v,
                "revision" => f.revision = v.trim().parse().unwrap_or(-1),
                _ => {}
            }
        }
        f
    }

    pub(crate) fn from_story(story: &Story, tz: &TimeZone) -> StoryForm {
        let a = &story.article;
        let i = ArticleInput::from_article(a);
        StoryForm {
            headline: i.headline,
            deck: i.deck,
            section: i.section,
            desk: story.desk.clone().unwrap_or_default(),
            language: i.language,
            authors: i.authors,
            tags: i.tags,
            source: i.source,
            slug: i.slug,
            canonical_url: i.canonical_url,
            // To the minute in the newsroom's zone, as the field shows it.
            embargo: a.embargo.map(|t| local_input(t, tz)).unwrap_or_default(),
            image_asset: i.image_asset,
            image_alt: i.image_alt,
            // The caption carries its links and emphasis as the body's texts do.
            image_caption: to_editable(&i.image_caption, &i.image_caption_marks),
            image_credit: i.image_credit,
            seo_title: i.seo_title,
            seo_description: i.seo_description,
            social_title: i.social_title,
            social_image: i.social_image,
            recommended_pins: String::new(),
            recommended_excludes: String::new(),
            blocks: a.body.iter().map(BlockForm::from_block).collect(),
            revision: story.revision,
        }
    }

    /// The article this form describes, on top of `base` (state, dates, corrections and the wire
    /// link are not the form's to change), checked by `core::input`. Every problem is named by
    /// its field; a block's problem is kept on the block and named `body`.
    pub(crate) fn check_into_article(
        &mut self,
        base: &Article,
        tz: &TimeZone,
        media: &dyn Fn(&str) -> bool,
    ) -> Result<Article, Errors> {
        let mut errors = Errors::new();
        let embargo = match self.embargo.trim() {
            "" => None,
            s => match parse_local(s, tz) {
                Ok(t) => Some(t),
                Err(e) => {
                    errors.insert("embargo", e);
                    None
                }
            },
        };
        let usable = usable_media(base, media);
        let mut body = Vec::new();
        let mut block_errors = false;
        for b in &mut self.blocks {
            match b.to_block(&usable) {
                Ok(Some(block)) => body.push(block),
                Ok(None) => {}
                Err(e) => {
                    b.error = Some(e);
                    block_errors = true;
                }
            }
        }
        if block_errors {
            errors.insert("body", "Some blocks need attention.".into());
        }
        let (caption, caption_marks) = inline_from_html(self.image_caption.trim());
        let input = ArticleInput {
            headline: self.headline.clone(),
            deck: self.deck.clone(),
            section: self.section.clone(),
            language: self.language.clone(),
            authors: self.authors.clone(),
            tags: self.tags.clone(),
            source: self.source.clone(),
            slug: self.slug.clone(),
            canonical_url: self.canonical_url.clone(),
            embargo,
            image_asset: self.image_asset.clone(),
            image_alt: self.image_alt.clone(),
            image_caption: caption,
            image_caption_marks: caption_marks,
            image_credit: self.image_credit.clone(),
            body,
            seo_title: self.seo_title.clone(),
            seo_description: self.seo_description.clone(),
            social_title: self.social_title.clone(),
            social_image: self.social_image.clone(),
        };
        match input.check(base, media) {
            Ok(article) if errors.is_empty() => Ok(article),
            Ok(_) => Err(errors),
            Err(more) => {
                errors.extend(more);
                Err(errors)
            }
        }
    }
}

impl BlockForm {
    /// An empty block of `kind`, as the editor's "add a block" makes one.
    pub(crate) fn new(kind: &str) -> BlockForm {
        BlockForm { kind: kind.to_string(), level: "2".into(), ..Default::default() }
    }

    pub(crate) fn from_block(b: &Block) -> BlockForm {
        let mut f = BlockForm::new("");
        match b {
            Block::Paragraph { text, marks } => (f.kind, f.text) = ("paragraph".into(), to_editable(text, marks)),
            Block::Heading { text, level, marks } => {
                (f.kind, f.text, f.level) = ("heading".into(), to_editable(text, marks), level.to_string())
            }
            Block::Quote { text, cite, marks } => {
                (f.kind, f.text, f.cite) = ("quote".into(), to_editable(text, marks), cite.clone().unwrap_or_default())
            }
            Block::List { ordered, items, marks } => {
                let lines: Vec<String> = items
                    .iter()
                    .enumerate()
                    .map(|(n, item)| to_editable(item, marks.get(n).map_or(&[][..], Vec::as_slice)))
                    .collect();
                (f.kind, f.text, f.ordered) = ("list".into(), lines.join("\n"), *ordered)
            }
            Block::Image { asset, alt, caption, credit, caption_marks } => {
                f.kind = "image".into();
                f.asset = asset.clone().unwrap_or_default();
                f.alt = alt.clone();
                f.caption = caption.as_deref().map(|c| to_editable(c, caption_marks)).unwrap_or_default();
                f.credit = credit.clone().unwrap_or_default();
            }
            Block::Embed { url } => (f.kind, f.url) = ("embed".into(), url.clone()),
            Block::Recommended => f.kind = "recommended".into(),
            Block::Related { publication, headline, url } => {
                f.kind = "related".into();
                f.publication = publication.clone();
                f.headline = headline.clone();
                f.url = url.clone().unwrap_or_default();
            }
        }
        f
    }

    /// The block, `None` for an empty one (left blank: dropped), or what is wrong with it.
    /// Text fields hold the text with its links and emphasis as inline HTML
    /// ([`newsdesk_core::inline::to_editable`]); what comes back is read as outside HTML is
    /// (sanitized, then into text and marks), so nothing the browser sends is trusted.
    pub(crate) fn to_block(&self, media: &dyn Fn(&str) -> bool) -> Result<Option<Block>, String> {
        let (text, marks) = inline_from_html(self.text.trim());
        Ok(Some(match self.kind.as_str() {
            "paragraph" | "heading" | "quote" if text.is_empty() => return Ok(None),
            "paragraph" => Block::Paragraph { text, marks },
            "heading" => Block::Heading { text, level: self.level.trim().parse().unwrap_or(2).clamp(2, 4), marks },
            "quote" => Block::Quote { text, cite: opt(&self.cite), marks },
            "list" => {
                let (items, marks): (Vec<String>, Vec<Vec<Mark>>) =
                    self.text.lines().map(inline_from_html).filter(|(item, _)| !item.is_empty()).unzip();
                if items.is_empty() {
                    return Ok(None);
                }
                let mut block = Block::List { ordered: self.ordered, items, marks };
                block.normalize_marks();
                block
            }
            "image" => {
                let asset = self.asset.trim();
                if asset.is_empty() {
                    return Err("Choose a picture from the library, or remove this block.".into());
                }
                if !media(asset) {
                    return Err("That picture is not in the media library.".into());
                }
                if self.alt.trim().is_empty() {
                    return Err("Describe the picture for readers who cannot see it (alt text).".into());
                }
                let (caption, caption_marks) = inline_from_html(self.caption.trim());
                Block::Image {
                    asset: Some(asset.to_string()),
                    alt: clean(&self.alt),
                    caption: (!caption.is_empty()).then_some(caption),
                    credit: opt(&self.credit),
                    caption_marks,
                }
            }
            "embed" => {
                let url = self.url.trim();
                if url.is_empty() {
                    return Ok(None);
                }
                if !is_web_url(url) {
                    return Err("An embed is a web address starting with https://.".into());
                }
                Block::Embed { url: url.to_string() }
            }
            "recommended" => Block::Recommended,
            "related" => {
                if self.publication.trim().is_empty() && self.headline.trim().is_empty() {
                    return Ok(None);
                }
                if self.publication.trim().is_empty() || self.headline.trim().is_empty() {
                    return Err("A related link needs both the publication and the headline.".into());
                }
                let url = self.url.trim();
                if !url.is_empty() && !is_web_url(url) && !url.starts_with('/') {
                    return Err("The link is a web address (https://…) or a path on this site (/…).".into());
                }
                Block::Related {
                    publication: clean(&self.publication),
                    headline: clean(&self.headline),
                    url: Some(url.to_string()).filter(|u| !u.is_empty()),
                }
            }
            other => return Err(format!("There is no block type {other:?}.")),
        }))
    }
}

/// "12, 40 7" -> [12, 40, 7]: story ids, in order, each once.
pub(crate) fn parse_ids(s: &str) -> Result<Vec<i64>, String> {
    let mut out = Vec::new();
    for part in s.split([',', ' ']).map(str::trim).filter(|p| !p.is_empty()) {
        let id =
            part.parse::<i64>().ok().filter(|n| *n >= 1).ok_or_else(|| format!("{part:?} is not a story number"))?;
        if !out.contains(&id) {
            out.push(id);
        }
    }
    if out.len() > 20 {
        return Err("at most 20 stories".into());
    }
    Ok(out)
}

/// The names in an editor's field: separated by commas, a name in double quotes may hold commas
/// (and a doubled quote stands for one), as [`joined`] writes them.
fn list(s: &str) -> Vec<String> {
    let (mut out, mut name, mut quoted) = (vec![], String::new(), false);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                name.push('"');
                chars.next();
            }
            '"' if quoted => quoted = false,
            '"' if name.trim().is_empty() => {
                quoted = true;
                name.clear();
            }
            ',' if !quoted => out.push(std::mem::take(&mut name)),
            _ => name.push(c),
        }
    }
    out.push(name);
    out
}

/// Names as the editor's field shows them (see [`list`]).
fn joined(names: &[String]) -> String {
    let shown: Vec<String> = names
        .iter()
        .map(|n| if n.contains([',', '"']) { format!("\"{}\"", n.replace('"', "\"\"")) } else { n.clone() })
        .collect();
    shown.join(", ")
}

fn as_field<S: serde::Serializer>(names: &[String], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&joined(names))
}

#[cfg(test)]
mod tests;
