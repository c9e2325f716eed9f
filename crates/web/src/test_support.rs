//! What the crate's tests share: a published article with one paragraph (`core::testing`),
//! which each test then adjusts with struct-update syntax, and sites built on it.

use newsdesk_core::Article;

pub use newsdesk_core::testing::article;

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
    newsdesk_desk::intake::queue_article(store, external_id, article, jiff::Timestamp::now()).expect("queued").id
}

/// Path variants a router or a proxy in front might treat as the same route: none of them may
/// reach a handler past its credential check.
pub fn path_variants(path: &str) -> Vec<String> {
    let mut out = vec![path.to_string(), format!("{path}/"), format!("/{path}"), path.to_uppercase()];
    // A letter of the first segment percent-encoded, a dot segment, a climb back up, an encoded
    // slash in place of the second one.
    if let Some((first, rest)) = path[1..].split_once('/') {
        let last = first.chars().last().unwrap_or('x');
        out.push(format!("/{}%{:02x}/{rest}", &first[..first.len() - last.len_utf8()], last as u32));
        out.push(format!("/{first}/./{rest}"));
        out.push(format!("/assets/../{first}/{rest}"));
        out.push(format!("/{first}%2f{rest}"));
    }
    out
}

/// A site on a fresh store in `dir`, with the built-in theme and default settings.
pub fn state(dir: &std::path::Path) -> crate::AppState {
    let store = std::sync::Arc::new(newsdesk_store::Store::open(dir).expect("a store in a temporary directory"));
    let theme = newsdesk_render::Theme::load(newsdesk_render::ThemeOptions::default());
    crate::AppState::new(store, theme, crate::SiteConfig::default(), dir.join("media"))
}
