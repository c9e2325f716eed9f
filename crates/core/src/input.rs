//! What an editor sends for a story, typed: the newsroom's form and the Admin API both read
//! into an [`ArticleInput`], and [`ArticleInput::check`] makes the story or names every field
//! that is wrong. Lists stay lists (a byline "Smith, Jr." is one name); text is cleaned of
//! whitespace runs; what the input does not carry (state, dates, corrections, the wire link)
//! comes from the story it is laid over.

use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::article::{LeadImage, Promo, Section};
use crate::inline::{self, Mark};
use crate::{Article, Block, Slug};

/// Longest search title and description (what search engines show before cutting).
pub const SEO_TITLE_MAX: usize = 70;
pub const SEO_DESCRIPTION_MAX: usize = 160;

/// Problems by field name (the editor's and the Admin API's names).
pub type FieldErrors = BTreeMap<&'static str, String>;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleInput {
    pub headline: String,
    pub deck: String,
    /// A section's label ("Middle East", "EUROPE").
    pub section: String,
    pub language: String,
    pub authors: Vec<String>,
    pub tags: Vec<String>,
    pub source: String,
    /// Empty: made from the headline.
    pub slug: String,
    pub canonical_url: String,
    pub embargo: Option<Timestamp>,
    /// The lead picture: a file in the media library (empty: none), and what readers read of it.
    pub image_asset: String,
    pub image_alt: String,
    pub image_caption: String,
    /// Links and emphasis over `image_caption`.
    pub image_caption_marks: Vec<Mark>,
    pub image_credit: String,
    pub body: Vec<Block>,
    pub seo_title: String,
    pub seo_description: String,
    pub social_title: String,
    /// A file in the media library (empty: the lead picture).
    pub social_image: String,
}

impl ArticleInput {
    /// The input that describes `a` as it is.
    pub fn from_article(a: &Article) -> ArticleInput {
        let img = a.lead_image.as_ref();
        ArticleInput {
            headline: a.headline.clone(),
            deck: a.deck.clone().unwrap_or_default(),
            section: a.section.name.clone(),
            language: a.language.clone(),
            authors: a.authors.clone(),
            tags: a.tags.clone(),
            source: a.source.clone().unwrap_or_default(),
            slug: a.slug.to_string(),
            canonical_url: a.canonical_url.clone().unwrap_or_default(),
            embargo: a.embargo,
            image_asset: img.and_then(|i| i.asset.clone()).unwrap_or_default(),
            image_alt: img.map(|i| i.alt.clone()).unwrap_or_default(),
            image_caption: img.and_then(|i| i.caption.clone()).unwrap_or_default(),
            image_caption_marks: img.map(|i| i.caption_marks.clone()).unwrap_or_default(),
            image_credit: img.and_then(|i| i.credit.clone()).unwrap_or_default(),
            body: a.body.clone(),
            seo_title: a.promo.seo_title.clone().unwrap_or_default(),
            seo_description: a.promo.seo_description.clone().unwrap_or_default(),
            social_title: a.promo.social_title.clone().unwrap_or_default(),
            social_image: a.promo.social_image.clone().unwrap_or_default(),
        }
    }

    /// The story this input describes, laid over `base`, or every problem by its field.
    /// `media` says whether a file is in the media library; a picture the story already shows
    /// may stay although the library does not list it (an imported story's).
    pub fn check(&self, base: &Article, media: &dyn Fn(&str) -> bool) -> Result<Article, FieldErrors> {
        let media = &usable_media(base, media);
        let mut errors = FieldErrors::new();
        let headline = clean(&self.headline);
        if headline.is_empty() {
            errors.insert("headline", "A headline is needed.".into());
        } else if headline.chars().count() > 300 {
            errors.insert("headline", "Keep the headline under 300 characters.".into());
        }
        let deck = clean(&self.deck);
        if deck.chars().count() > 600 {
            errors.insert("deck", "Keep the deck under 600 characters.".into());
        }
        let section = Section::from_label(&clean(&self.section));
        if section.is_none() {
            errors.insert("section", "Choose a section (letters or digits).".into());
        }
        let language = self.language.trim().to_string();
        if !valid_language(&language) {
            errors.insert("language", format!("{language:?} is not a language tag like en, tr or pt-BR."));
        }
        let slug = if self.slug.trim().is_empty() {
            Slug::from_title(&headline)
        } else {
            match Slug::parse(self.slug.trim()) {
                Ok(s) => Some(s),
                Err(e) => {
                    errors.insert("slug", format!("{e}"));
                    None
                }
            }
        };
        if slug.is_none() && !errors.contains_key("slug") && !headline.is_empty() {
            errors.insert("slug", "The headline has no letters or digits for a URL; type a slug.".into());
        }
        let canonical = self.canonical_url.trim().to_string();
        if !canonical.is_empty() && !is_web_url(&canonical) {
            errors.insert("canonical_url", "A canonical URL starts with https:// or http://.".into());
        }
        let asset = self.image_asset.trim().to_string();
        // What the input does not carry of the stored picture (its title, where the source keeps
        // it) stays while the picture does; a wire picture not fetched yet (a reference without a
        // file) stays until a picture is chosen in its place.
        let stored = base.lead_image.as_ref().filter(|b| b.asset.as_deref().unwrap_or("") == asset);
        // The caption's marks are refused by name when they do not fit it as sent, then move with
        // its characters as it is cleaned (whitespace runs made one space).
        if let Err(e) = inline::check(&self.image_caption, &self.image_caption_marks) {
            errors.insert("image_caption", format!("The caption's {e}."));
        }
        let (cleaned, caption_marks) = inline::collapse(&self.image_caption, &self.image_caption_marks);
        let caption = Some(cleaned).filter(|c| !c.is_empty());
        let lead_image = if asset.is_empty() {
            stored.filter(|b| b.source_url.is_some()).map(|b| LeadImage {
                alt: clean(&self.image_alt),
                caption: caption.clone(),
                caption_marks: caption_marks.clone(),
                credit: opt(&self.image_credit),
                ..b.clone()
            })
        } else {
            if !media(&asset) {
                errors.insert("image_asset", "That picture is not in the media library.".into());
            }
            if self.image_alt.trim().is_empty() {
                errors.insert("image_alt", "Describe the picture for readers who cannot see it.".into());
            }
            Some(LeadImage {
                asset: Some(asset),
                alt: clean(&self.image_alt),
                title: stored.and_then(|b| b.title.clone()),
                caption,
                caption_marks,
                credit: opt(&self.image_credit),
                source_url: stored.and_then(|b| b.source_url.clone()),
            })
        };
        let promo = Promo {
            seo_title: opt(&self.seo_title),
            seo_description: opt(&self.seo_description),
            social_title: opt(&self.social_title),
            social_image: opt(&self.social_image),
        };
        for (field, text, limit) in [
            ("seo_title", &promo.seo_title, SEO_TITLE_MAX),
            ("seo_description", &promo.seo_description, SEO_DESCRIPTION_MAX),
            ("social_title", &promo.social_title, SEO_TITLE_MAX),
        ] {
            if text.as_ref().is_some_and(|t| t.chars().count() > limit) {
                errors
                    .insert(field, format!("Keep it under {limit} characters; search engines and cards cut the rest."));
            }
        }
        if let Some(file) = &promo.social_image
            && base.promo.social_image.as_ref() != Some(file)
            && !media(file)
        {
            errors.insert("social_image", "That picture is not in the media library.".into());
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let (Some(section), Some(slug)) = (section, slug) else { return Err(errors) };
        Ok(Article {
            section,
            slug,
            headline,
            deck: Some(deck).filter(|d| !d.is_empty()),
            lead_image,
            body: self.body.clone(),
            source: opt(&self.source),
            authors: names(&self.authors),
            tags: names(&self.tags),
            language,
            canonical_url: Some(canonical).filter(|c| !c.is_empty()),
            embargo: self.embargo,
            promo,
            ..base.clone()
        })
    }
}

/// Whether a picture may be used in `base`: the library has it (`media`), or the story already
/// shows it (an imported story's picture, which the library need not list).
pub fn usable_media<'a>(base: &'a Article, media: &'a dyn Fn(&str) -> bool) -> impl Fn(&str) -> bool + 'a {
    move |file: &str| {
        let lead = base.lead_image.iter().filter_map(|i| i.asset.as_deref());
        let blocks = base.body.iter().filter_map(|b| match b {
            Block::Image { asset, .. } => asset.as_deref(),
            _ => None,
        });
        lead.chain(blocks).any(|a| a == file) || media(file)
    }
}

/// Whitespace runs (including newlines a paste brought in) become single spaces.
pub fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Cleaned text, or none when nothing is left.
pub fn opt(s: &str) -> Option<String> {
    Some(clean(s)).filter(|c| !c.is_empty())
}

/// Names cleaned, the empty ones dropped, each once, in their order.
pub fn names(items: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items.iter().map(|i| clean(i)).filter(|x| !x.is_empty()) {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// An absolute http or https URL a page may link to.
pub fn is_web_url(s: &str) -> bool {
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty()) && s.len() <= 2000 && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn valid_language(s: &str) -> bool {
    let mut parts = s.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Article {
        crate::testing::article("Old headline", "EUROPE", "2026-01-01T00:00:00Z")
    }

    #[test]
    fn a_story_round_trips_through_its_input() {
        let a = Article {
            authors: vec!["Smith, Jr.".into(), "Ana Ruiz".into()],
            tags: vec!["floods".into()],
            deck: Some("A deck.".into()),
            ..base()
        };
        assert_eq!(ArticleInput::from_article(&a).check(&a, &|_| false).unwrap(), a);
    }

    #[test]
    fn every_problem_is_named_by_its_field() {
        let input = ArticleInput {
            headline: " ".into(),
            section: "!!".into(),
            language: "english".into(),
            slug: "Not A Slug".into(),
            canonical_url: "ftp://x".into(),
            image_asset: "missing.jpg".into(),
            seo_title: "x".repeat(SEO_TITLE_MAX + 1),
            ..ArticleInput::default()
        };
        let errors = input.check(&base(), &|_| false).unwrap_err();
        let fields: Vec<&str> = errors.keys().copied().collect();
        assert_eq!(
            fields,
            ["canonical_url", "headline", "image_alt", "image_asset", "language", "section", "seo_title", "slug"]
        );
    }

    #[test]
    fn a_captions_marks_are_checked_and_follow_its_cleaning() {
        let mut input = ArticleInput::from_article(&base());
        input.image_asset = "ferry.jpg".into();
        input.image_alt = "The ferry".into();
        input.image_caption = "  The  night ferry ".into();
        input.image_caption_marks = vec![Mark::new(crate::MarkKind::Em, 7, 18)];
        let a = input.check(&base(), &|_| true).unwrap();
        let img = a.lead_image.unwrap();
        assert_eq!(img.caption.as_deref(), Some("The night ferry"));
        assert_eq!(img.caption_marks, vec![Mark::new(crate::MarkKind::Em, 4, 15)]);
        input.image_caption_marks = vec![Mark::link(0, 5, "javascript:alert(1)")];
        let errors = input.check(&base(), &|_| true).unwrap_err();
        assert!(errors["image_caption"].starts_with("The caption's marks[0]: a link needs"), "{errors:?}");
    }

    #[test]
    fn names_are_cleaned_and_kept_once_in_order() {
        let given = vec![" Ana  Ruiz ".to_string(), "Bo Li".into(), "".into(), "Ana Ruiz".into(), "Smith, Jr.".into()];
        assert_eq!(names(&given), ["Ana Ruiz", "Bo Li", "Smith, Jr."]);
    }
}
