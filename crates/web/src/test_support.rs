//! What the crate's tests share: a published article with one paragraph, which each test then
//! adjusts with struct-update syntax.

use newsdesk_core::article::Section;
use newsdesk_core::{Article, Block, Slug, WorkflowState};

/// A published English article in `section` ("EUROPE"), published at `published` (RFC 3339).
pub fn article(headline: &str, section: &str, published: &str) -> Article {
    Article {
        id: None,
        section: Section::from_label(section).expect("a test section label"),
        slug: Slug::from_title(headline).expect("a test headline"),
        headline: headline.into(),
        deck: None,
        lead_image: None,
        body: vec![Block::Paragraph { text: "Some words here.".into() }],
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

/// A published story whose lead picture is the media file `file`.
pub fn pictured(headline: &str, section: &str, file: &str) -> Article {
    Article {
        lead_image: Some(newsdesk_core::article::LeadImage {
            asset: Some(file.into()),
            alt: "A picture".into(),
            title: None,
            caption: None,
            credit: None,
            source_url: None,
        }),
        ..article(headline, section, "2026-01-01T00:00:00Z")
    }
}

/// Puts `article` in the wire queue as `external_id`; returns the wire item's id.
pub fn queue(store: &newsdesk_store::Store, external_id: &str, article: &Article) -> i64 {
    crate::intake::queue_article(store, external_id, article, jiff::Timestamp::now()).expect("queued").id
}
