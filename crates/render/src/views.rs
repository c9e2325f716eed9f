//! View models: what templates see. Built from core types with the site's settings (time zone,
//! language, public URL), so templates only place values and never compute them.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use newsdesk_core::article::LeadImage;
use newsdesk_core::dates::{display_date, local_date};
use newsdesk_core::picture::{self, Crop, Rendered};
use newsdesk_core::{Article, Block, Slug};
use serde::Serialize;

/// The site as every page sees it.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub name: String,
    pub tagline: String,
    /// Public base URL without a trailing slash, e.g. "https://news.example".
    pub url: String,
    pub language: String,
    pub sections: Vec<NavSection>,
    pub year: i16,
}

#[derive(Debug, Clone, Serialize)]
pub struct NavSection {
    pub name: String,
    pub url: String,
    pub current: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImageView {
    /// The picture to load where nothing better is offered: a rendition about 1280 wide once
    /// they are made, the original until then.
    pub src: String,
    pub alt: String,
    pub caption: Option<String>,
    /// Links and emphasis over `caption` (the theme's `rich_caption` writes them).
    pub caption_marks: Vec<newsdesk_core::Mark>,
    pub credit: Option<String>,
    pub placeholder: bool,
    /// The media library's file, when the picture is one.
    pub asset: Option<String>,
    /// The cut shown: cards show 16:9, an article its lead picture's own shape.
    #[serde(skip)]
    pub crop: Crop,
    /// The shown picture's shape, for `width` and `height` (nothing shifts as it loads): the
    /// theme's 16:9 box until the picture's own size is known.
    pub width: u32,
    pub height: u32,
    /// The fallback format's renditions (`srcset`), and the better formats' (`<source>`s), once
    /// made.
    pub srcset: Option<String>,
    pub sources: Vec<PictureSource>,
    /// Renditions at 16:9, 4:3 and 1:1, about 1200 wide, for structured data.
    pub structured: Vec<String>,
}

/// One `<source>` of a `<picture>`.
#[derive(Debug, Clone, Serialize)]
pub struct PictureSource {
    pub mime: &'static str,
    pub srcset: String,
}

impl ImageView {
    /// Points the view at the picture's renditions (see `core::picture`).
    pub fn use_renditions(&mut self, made: &Rendered) {
        let Some(asset) = self.asset.clone() else { return };
        let sizes = picture::sizes(self.crop, made.width, made.height, &made.framing);
        let Some(&(width, height)) = sizes.last() else { return };
        let url =
            |crop: Crop, w: u32, ext: &str| format!("/media/{}", picture::path(&asset, &made.version, crop, w, ext));
        let set = |ext: &str| {
            sizes.iter().map(|(w, _)| format!("{} {w}w", url(self.crop, *w, ext))).collect::<Vec<_>>().join(", ")
        };
        let formats = made.formats();
        let (fallback, better) = formats.split_last().expect("at least the fallback format");
        self.sources = better.iter().map(|(ext, mime)| PictureSource { mime, srcset: set(ext) }).collect();
        self.srcset = Some(set(fallback.0));
        let middle = sizes.iter().rev().find(|(w, _)| *w <= 1280).unwrap_or(&sizes[0]).0;
        self.src = url(self.crop, middle, fallback.0);
        (self.width, self.height) = (width, height);
        self.structured = [Crop::Wide, Crop::Standard, Crop::Square]
            .into_iter()
            .filter_map(|crop| {
                let w = picture::sizes(crop, made.width, made.height, &made.framing)
                    .iter()
                    .rev()
                    .find(|(w, _)| *w <= 1280)?
                    .0;
                Some(url(crop, w, fallback.0))
            })
            .collect();
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DateView {
    pub iso: String,
    pub display: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionLink {
    pub name: String,
    pub url: String,
}

/// An article as a list item: headline, link and the few facts a card shows.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleCard {
    pub id: i64,
    pub url: String,
    pub headline: String,
    pub deck: Option<String>,
    pub section: SectionLink,
    pub date: Option<DateView>,
    pub image: Option<ImageView>,
    pub source: Option<String>,
    pub reading_minutes: u32,
    pub language: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PersonLink {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ArticleView {
    pub card: ArticleCard,
    /// The lead picture in its own shape (the card's is cut 16:9).
    pub lead: Option<ImageView>,
    pub updated: Option<DateView>,
    pub body: Vec<Block>,
    pub authors: Vec<PersonLink>,
    pub tags: Vec<String>,
    pub canonical_url: String,
    pub word_count: usize,
    /// Dated correction notes, oldest first.
    pub corrections: Vec<CorrectionView>,
    /// The wire item the story was made from.
    pub based_on: Option<String>,
    /// What search engines and shared links show (see `newsdesk_core::Promo`): the editors'
    /// choices, else the headline, the deck and the lead picture.
    pub seo_title: String,
    pub seo_description: Option<String>,
    pub social_title: String,
    pub social_image: Option<SocialImage>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SocialImage {
    pub src: String,
    pub alt: String,
    /// The media library's file, when the picture is one.
    pub asset: Option<String>,
    /// Known once the 1200×630 social rendition is used.
    pub width: Option<u32>,
    pub height: Option<u32>,
}

impl SocialImage {
    /// Points at the picture's social rendition (1200×630, or smaller for a small picture).
    pub fn use_renditions(&mut self, made: &Rendered) {
        let Some(asset) = &self.asset else { return };
        let Some(&(w, h)) = picture::sizes(Crop::Social, made.width, made.height, &made.framing).last() else { return };
        let ext = made.fallback();
        self.src = format!("/media/{}", picture::path(asset, &made.version, Crop::Social, w, ext));
        (self.width, self.height) = (Some(w), Some(h));
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CorrectionView {
    pub date: DateView,
    pub note: String,
}

/// The card an embed block of a known provider (YouTube, Vimeo, X, Instagram) is shown as.
#[derive(Debug, Clone, Serialize)]
pub struct EmbedCard {
    pub url: String,
    pub provider: &'static str,
    pub provider_name: &'static str,
    pub title: Option<String>,
    pub author: Option<String>,
    /// `/media/…`, served by us: the provider sees nothing until the reader asks for the player.
    pub thumbnail: Option<String>,
    /// Loaded into an iframe only on the reader's click.
    pub player: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ArticlePage {
    pub site: SiteView,
    pub article: ArticleView,
    /// schema.org JSON-LD, escaped for a script element (see `structured::script_json`).
    pub jsonld: String,
    pub feeds: Vec<FeedLink>,
    /// Fills the RECOMMENDED slot in the body.
    pub recommended: Vec<ArticleCard>,
    /// The slot's title: "Recommended" for stories like this one, or, when none is alike
    /// enough, "Latest in <section>" over that section's newest.
    pub recommended_title: String,
    /// Other recent headlines across sections, never this article.
    pub explore: Vec<ArticleCard>,
    /// More stories like this one, after those in the RECOMMENDED block.
    pub related_stories: Vec<ArticleCard>,
    /// Rendered for the newsroom's preview, not for readers: the page says so at its top.
    pub preview: bool,
    /// Cards for the embed blocks, by the block's URL; a block without one is a plain link.
    pub embeds: std::collections::BTreeMap<String, EmbedCard>,
    /// The body's pictures by media file, in their own shape, pointing at their renditions when
    /// they are made.
    pub pictures: std::collections::BTreeMap<String, ImageView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HomePage {
    pub site: SiteView,
    pub most_read: Vec<ArticleCard>,
    pub jsonld: String,
    pub feeds: Vec<FeedLink>,
    pub lead: Option<ArticleCard>,
    pub top: Vec<ArticleCard>,
    pub sections: Vec<SectionBlock>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionBlock {
    pub name: String,
    pub url: String,
    pub articles: Vec<ArticleCard>,
}

impl SectionBlock {
    pub fn new(name: String, url: String, articles: Vec<ArticleCard>) -> SectionBlock {
        SectionBlock { name, url, articles }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionPage {
    pub site: SiteView,
    /// "section", "tag" or "author".
    pub kind: &'static str,
    pub name: String,
    pub most_read: Vec<ArticleCard>,
    pub feeds: Vec<FeedLink>,
    pub url: String,
    pub articles: Vec<ArticleCard>,
    pub page: usize,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
    /// On an author's page: their bio and photo, when the newsroom has them.
    pub profile: Option<AuthorView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuthorView {
    pub bio: Option<String>,
    pub photo: Option<String>,
}

/// The search page: what was asked, what was found.
#[derive(Debug, Clone, Serialize)]
pub struct SearchPage {
    pub site: SiteView,
    /// The words as typed (also shown in the masthead's search box).
    pub search_text: String,
    pub section: String,
    pub source: String,
    pub author: String,
    pub from: String,
    pub to: String,
    pub sort: &'static str,
    pub total: usize,
    pub hits: Vec<SearchHitView>,
    /// A link to the corrected query, with the corrected words.
    pub suggestion: Option<(String, String)>,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
    /// Set when the index is still being built after a start.
    pub building: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchHitView {
    pub url: String,
    pub headline: String,
    pub section: SectionLink,
    pub date: DateView,
    pub source: Option<String>,
    /// HTML made by the index: the text escaped, the matched words in `<b>`.
    pub snippet_html: String,
}

/// A feed advertised with `<link rel="alternate">`.
#[derive(Debug, Clone, Serialize)]
pub struct FeedLink {
    pub title: String,
    pub url: String,
    pub mime: &'static str,
}

impl FeedLink {
    /// RSS, Atom and JSON Feed for the list at `base` ("" for the home page, "/europe"…).
    pub fn all(title: &str, base: &str) -> Vec<FeedLink> {
        [
            ("RSS", "feed.xml", "application/rss+xml"),
            ("Atom", "atom.xml", "application/atom+xml"),
            ("JSON Feed", "feed.json", "application/feed+json"),
        ]
        .into_iter()
        .map(|(kind, file, mime)| FeedLink { title: format!("{title} ({kind})"), url: format!("{base}/{file}"), mime })
        .collect()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ErrorPage {
    pub site: SiteView,
    pub status: u16,
    pub title: String,
    pub message: String,
}

pub fn date_view(ts: Timestamp, tz: &TimeZone, language: &str) -> DateView {
    // Whole seconds: HTML's datetime grammar allows at most three fraction digits.
    DateView { iso: ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(), display: display_date(local_date(ts, tz), language) }
}

/// A picture as `crop` shows it: the original (or the placeholder) until its renditions are
/// known ([`ImageView::use_renditions`]).
pub fn image_view(img: &LeadImage, crop: Crop) -> ImageView {
    ImageView {
        src: match &img.asset {
            Some(asset) => format!("/media/{asset}"),
            None => "/assets/placeholder.svg".into(),
        },
        alt: img.alt.clone(),
        caption: img.caption.clone(),
        caption_marks: img.caption_marks.clone(),
        credit: img.credit.clone(),
        placeholder: img.asset.is_none(),
        asset: img.asset.clone(),
        crop,
        width: 1200,
        height: 675,
        srcset: None,
        sources: Vec::new(),
        structured: Vec::new(),
    }
}

/// A story as lists show it. Its date is written in `language`, the page's (a list's chrome
/// speaks one language whatever its stories' are); on its own page, in the story's.
pub fn card(a: &Article, tz: &TimeZone, language: &str) -> ArticleCard {
    ArticleCard {
        id: a.id.map_or(0, |i| i.0),
        url: a.path(),
        headline: a.headline.clone(),
        deck: a.deck.clone(),
        section: SectionLink { name: a.section.name.clone(), url: a.section.url() },
        date: a.published_at.map(|t| date_view(t, tz, language)),
        image: a.lead_image.as_ref().map(|i| image_view(i, Crop::Wide)),
        source: a.source.clone(),
        reading_minutes: a.reading_minutes(),
        language: a.language.clone(),
    }
}

pub fn article_view(a: &Article, tz: &TimeZone, site_url: &str) -> ArticleView {
    let card = card(a, tz, &a.language);
    ArticleView {
        updated: a.updated_at.filter(|u| a.published_at.is_none_or(|p| u > &p)).map(|t| date_view(t, tz, &a.language)),
        canonical_url: a.canonical_url.clone().unwrap_or_else(|| format!("{site_url}{}", card.url)),
        body: a.body.clone(),
        authors: a
            .authors
            .iter()
            .map(|name| PersonLink {
                name: name.clone(),
                url: Slug::from_title(name).map_or_else(String::new, |s| format!("/author/{s}")),
            })
            .collect(),
        tags: a.tags.clone(),
        word_count: a.word_count(),
        corrections: a
            .corrections
            .iter()
            .map(|c| CorrectionView { date: date_view(c.at, tz, &a.language), note: c.note.clone() })
            .collect(),
        based_on: a.based_on.clone(),
        seo_title: a.seo_title().to_string(),
        seo_description: a.seo_description().map(str::to_string),
        social_title: a.social_title().to_string(),
        lead: a.lead_image.as_ref().map(|i| image_view(i, Crop::Original)),
        social_image: match (&a.promo.social_image, &card.image) {
            (Some(file), _) => Some(SocialImage {
                src: format!("/media/{file}"),
                alt: a.social_title().to_string(),
                asset: Some(file.clone()),
                width: None,
                height: None,
            }),
            (None, Some(lead)) => Some(SocialImage {
                src: lead.src.clone(),
                alt: lead.alt.clone(),
                asset: lead.asset.clone(),
                width: None,
                height: None,
            }),
            (None, None) => None,
        },
        card,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machine_dates_have_whole_seconds() {
        let ts: Timestamp = "2026-11-25T13:26:05.393809Z".parse().unwrap();
        let d = date_view(ts, &TimeZone::UTC, "en");
        assert_eq!(d.iso, "2026-11-25T13:26:05Z");
        assert_eq!(d.display, "November 25, 2026");
    }
}
