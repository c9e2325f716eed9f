//! Fixtures for the tests of the crates above `core` (store, desk, web): a published article
//! with one paragraph, which each test then adjusts with struct-update syntax. Not for
//! production code; it panics on a bad label, headline or time.

use crate::article::Section;
use crate::{Article, Block, Slug, WorkflowState};

/// A published English article in `section` ("EUROPE"), published at `published` (RFC 3339).
pub fn article(headline: &str, section: &str, published: &str) -> Article {
    Article {
        id: None,
        section: Section::from_label(section).expect("a test section label"),
        slug: Slug::from_title(headline).expect("a test headline"),
        headline: headline.into(),
        deck: None,
        lead_image: None,
        body: vec![Block::paragraph("Some words here.")],
        source: None,
        authors: vec![],
        tags: vec![],
        language: "en".into(),
        canonical_url: None,
        embargo: None,
        based_on: None,
        corrections: Vec::new(),
        promo: Default::default(),
        state: WorkflowState::Published,
        published_at: Some(published.parse().expect("an RFC 3339 test time")),
        updated_at: None,
    }
}
